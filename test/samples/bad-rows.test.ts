import { describe, expect, it } from 'vitest'
import { BAD_ROWS_KEPT, BadRows } from '../../src/samples/bad-rows.js'
import { rejected } from '../../src/samples/sample-import.write.js'

const reason = { zh: '必填单元格为空', en: 'required cell empty' }

describe('BadRows', () => {
  it('keeps the first problems in line order and counts every problem and line', () => {
    const bad = new BadRows()
    for (let line = 2; line < 1202; line++) {
      bad.push({ line, column: '食品名称', reason })
      bad.push({ line, column: '被抽样单位地址', reason })
    }
    expect(bad.list).toHaveLength(BAD_ROWS_KEPT)
    expect(bad.list.at(-1)).toMatchObject({ line: 501, column: '被抽样单位地址' })
    expect({ count: bad.count, lines: bad.lines, omitted: bad.omitted }).toEqual({
      count: 2400,
      lines: 1200,
      omitted: 1400,
    })
  })

  it('keeps them all under the bound, and the refusal then reads as before', () => {
    const bad = new BadRows(10)
    bad.push({ line: 3, column: null, reason })
    bad.push({ line: 3, column: '食品名称', reason })
    bad.push({ line: 7, column: null, reason })
    expect(bad.omitted).toBe(0)
    const err = rejected(bad.list, { count: bad.count, lines: bad.lines })
    expect(err.detail).toEqual({
      zh: '文件未导入：共 2 行有问题，请全部改正后重新导入',
      en: 'File not imported: 2 bad row(s); fix them all and import again',
    })
    expect(err.extra.issues).toHaveLength(3)
  })

  it('says how many problems there were beyond those listed', () => {
    const err = rejected([{ line: 2, column: null, reason }], { count: 5, lines: 4 })
    expect(err.detail?.zh).toBe(
      '文件未导入：共 4 行有问题，请全部改正后重新导入（共 5 处问题，仅列出前 1 处）',
    )
    expect(err.detail?.en).toBe(
      'File not imported: 4 bad row(s); fix them all and import again (5 problems; the first 1 are listed)',
    )
  })
})
