import { timeOrderedId } from '../db/ids.js'
import type { Text } from '../domain/errors.js'
import { badCharacter, type TextRule, textProblem } from '../domain/text.js'
import { type BadRow, BadRows } from './bad-rows.js'
import type { DistrictResolver } from './sample-fields.js'
import { clean, readProductionDate, splitItemCell, unitOf } from './sample-fields.js'
import { detach, SampleIndex } from './sample-index.js'
import type { NewSample } from './samples.repo.js'
import { SAMPLE_TEXT } from './samples.schema.js'

/**
 * One row of a sampling-results file at a time, in the published layout (the sample number in front).
 * Headers are matched by name, in any order; a failing sample with several items spans several rows, the
 * continuation rows repeating the sample number and filling only the item column.
 */

export type { BadRow } from './bad-rows.js'

type Field =
  | 'no'
  | 'seq'
  | 'producerName'
  | 'producerAddress'
  | 'unitName'
  | 'unitAddress'
  | 'foodName'
  | 'spec'
  | 'brand'
  | 'batch'
  | 'items'
  | 'category'
  | 'taskSource'
  | 'lab'
  | 'remarks'

export const ITEM_HEADER = '不合格项目║检验结果║标准值'

const HEADERS: Record<string, Field> = {
  抽样编号: 'no',
  序号: 'seq',
  标称生产企业名称: 'producerName',
  标称生产企业地址: 'producerAddress',
  被抽样单位名称: 'unitName',
  被抽样单位地址: 'unitAddress',
  食品名称: 'foodName',
  规格型号: 'spec',
  商标: 'brand',
  '生产日期/批号': 'batch',
  [ITEM_HEADER]: 'items',
  分类: 'category',
  任务来源: 'taskSource',
  检验机构: 'lab',
  备注: 'remarks',
}
const NAME_OF = Object.fromEntries(Object.entries(HEADERS).map(([k, v]) => [v, k])) as Record<Field, string>
const REQUIRED: Field[] = ['no', 'unitName', 'unitAddress', 'foodName', 'category']
// A continuation row may fill these only with the same value as the sample's first row.
const SAMPLE_FIELDS = (Object.values(HEADERS) as Field[]).filter((f) => f !== 'no' && f !== 'items')

// Each text column's rule: the API's (`SAMPLE_TEXT`), so a file cannot bring in what the API refuses.
const CELL_RULES: [Field, TextRule][] = (
  [
    'no',
    'producerName',
    'producerAddress',
    'unitName',
    'unitAddress',
    'foodName',
    'spec',
    'brand',
    'batch',
    'category',
    'taskSource',
    'lab',
    'remarks',
  ] as const
).map((f) => [f, SAMPLE_TEXT[f]])
const ITEM_RULES = [SAMPLE_TEXT.itemName, SAMPLE_TEXT.itemResult, SAMPLE_TEXT.itemLimit] as const

/** A cell's problem under its rule: a character no text may hold (as typed), else the rule on the cleaned cell. */
const cellProblem = (raw: string, rule: TextRule): Text | null =>
  badCharacter(raw) ?? textProblem(clean(raw), rule)

/** The item cell's problem: a character no text may hold, else the first part that breaks its rule. */
function itemProblem(raw: string, parts: string[]): Text | null {
  const bad = badCharacter(raw)
  if (bad || parts.length !== 3) return bad
  for (const [i, rule] of ITEM_RULES.entries()) {
    const problem = textProblem(parts[i] ?? '', rule)
    if (problem) return problem
  }
  return null
}

const ADDRESS_CACHE = 10_000

const headerKey = (h: string) =>
  clean(h)
    .replace(/\|\||\||丨/g, '║')
    .replace(/\s/g, '')

/**
 * Judges one record at a time, as the CSV reader hands them over. Cells are read by column index and
 * cleaned on demand, with no per-row object of cells: at 100,000 rows the allocations, not the checks,
 * were what cost.
 */
export class RowReader {
  header: string[] | undefined
  rows = 0
  samples = 0
  /** The file's problems: the first `BAD_ROWS_KEPT` with their rows and columns, all counted. */
  readonly bad = new BadRows()
  /** Each sample number's first row, compactly, for checking its continuation rows. */
  readonly index = new SampleIndex(SAMPLE_FIELDS.length)
  /** Good samples handed on without an item whose first failing item came on a continuation row. */
  readonly failedLate: string[] = []
  private headerBad = false
  private readonly col: Partial<Record<Field, number>> = {}
  private readonly seen = new Set<Field>()
  private readonly addresses = new Map<string, string | undefined>()

  constructor(
    private readonly resolver: DistrictResolver,
    /** Each good sample, at its first row; its items may still grow by later continuation rows. */
    private readonly onSample: (sample: NewSample) => void,
  ) {}

  record(cells: string[], line: number): void {
    if (!this.header) this.readHeader(cells)
    else if (!this.headerBad) this.readRow(cells, line)
  }

  private readHeader(cells: string[]): void {
    this.header = cells
    const { bad } = this
    const before = bad.count
    cells.forEach((h, i) => {
      const field = HEADERS[headerKey(h)]
      if (!field)
        bad.push({
          line: 1,
          column: clean(h) || `#${i + 1}`,
          index: i + 1,
          reason: { zh: `未知的列「${clean(h)}」`, en: `unknown column "${clean(h)}"` },
        })
      else if (this.seen.has(field))
        bad.push({
          line: 1,
          column: NAME_OF[field],
          index: i + 1,
          reason: { zh: `列「${NAME_OF[field]}」重复出现`, en: `column "${NAME_OF[field]}" appears twice` },
        })
      else {
        this.seen.add(field)
        this.col[field] = i
      }
    })
    for (const f of REQUIRED)
      if (!this.seen.has(f))
        bad.push({
          line: 1,
          column: NAME_OF[f],
          reason: { zh: `缺少必需的列「${NAME_OF[f]}」`, en: `required column "${NAME_OF[f]}" missing` },
        })
    this.headerBad = bad.count > before
  }

  /** The number (from 1) of the column a field is read from; undefined when the file has no such column. */
  columnOf(name: string): number | undefined {
    const field = HEADERS[name]
    const i = field === undefined ? undefined : this.col[field]
    return i === undefined ? undefined : i + 1
  }

  /** The kept bad rows, each with its column's number where the column is in the file. */
  located(): BadRow[] {
    for (const b of this.bad.list) if (b.index === undefined && b.column) b.index = this.columnOf(b.column)
    return this.bad.list
  }

  /** The cleaned cell of a field; '' when the column or the cell is absent. */
  private get(record: string[], f: Field): string {
    const i = this.col[f]
    return i === undefined ? '' : clean(record[i])
  }

  private readRow(record: string[], line: number): void {
    const { bad, col } = this
    const header = this.header as string[]
    this.rows++
    if (record.length > header.length) {
      bad.push({
        line,
        column: null,
        reason: {
          zh: `本行有 ${record.length} 个单元格，表头只有 ${header.length} 个`,
          en: `${record.length} cells, the header has ${header.length}`,
        },
      })
      return
    }
    const nul = record.findIndex((v) => v.includes('\u0000'))
    if (nul >= 0) {
      bad.push({
        line,
        column: header[nul] ?? null,
        index: nul + 1,
        reason: { zh: '含有空字符 (U+0000)', en: 'contains the NUL character (U+0000)' },
      })
      return
    }
    const no = this.get(record, 'no')
    if (!no) {
      bad.push({ line, column: NAME_OF.no, reason: { zh: '必填单元格为空', en: 'required cell empty' } })
      return
    }
    const itemCell = this.get(record, 'items')
    let item: NewSample['items'][number] | undefined
    if (itemCell) {
      const parts = splitItemCell(itemCell)
      const partProblem = itemProblem(record[col.items as number] ?? '', parts)
      if (parts.length !== 3 || parts.some((p) => !p))
        bad.push({
          line,
          column: ITEM_HEADER,
          reason: {
            zh: '须为「项目║检验结果║标准值」三部分',
            en: 'needs item, result and limit separated by ║',
          },
        })
      else if (partProblem) bad.push({ line, column: ITEM_HEADER, reason: partProblem })
      else {
        const [name, result, limit] = parts as [string, string, string]
        item = { name, result, limit, unit: unitOf(result, limit), verdict: 'fail' }
      }
    }
    const head = this.index.find(no)
    if (head !== undefined) {
      // A continuation row: only the item, and nothing that contradicts the first row.
      if (!itemCell)
        bad.push({
          line,
          column: ITEM_HEADER,
          reason: { zh: `样品 ${no} 的续行没有不合格项目`, en: `continuation row of ${no} without an item` },
        })
      SAMPLE_FIELDS.forEach((f, i) => {
        const v = this.get(record, f)
        if (v && !this.index.same(head, i, v))
          bad.push({
            line,
            column: NAME_OF[f],
            reason: { zh: `与样品 ${no} 首行不一致`, en: `differs from the first row of sample ${no}` },
          })
      })
      // A handed-on sample's first failing item on a later row: it was sent as passed.
      if (item && this.index.addItem(head, item) && this.index.ok(head))
        this.failedLate.push(this.index.idOf(head))
      return
    }
    let ok = true
    for (const f of REQUIRED)
      if (col[f] !== undefined && !this.get(record, f)) {
        bad.push({ line, column: NAME_OF[f], reason: { zh: '必填单元格为空', en: 'required cell empty' } })
        ok = false
      }
    for (const [f, rule] of CELL_RULES) {
      const i = col[f]
      const raw = i === undefined ? undefined : record[i]
      if (!raw) continue
      const problem = cellProblem(raw, rule)
      if (problem) {
        bad.push({ line, column: NAME_OF[f], reason: problem })
        ok = false
      }
    }
    let seq: number | null = null
    const seqCell = this.get(record, 'seq')
    if (seqCell) {
      seq = /^\d{1,7}$/.test(seqCell) ? Number(seqCell) : null
      if (seq === null) {
        bad.push({
          line,
          column: NAME_OF.seq,
          reason: { zh: `不是数字：「${seqCell}」`, en: `not a number: "${seqCell}"` },
        })
        ok = false
      }
    }
    const reading = readProductionDate(this.get(record, 'batch'))
    if (reading.kind === 'invalid') {
      bad.push({ line, column: NAME_OF.batch, reason: reading.reason })
      ok = false
    }
    const address = this.get(record, 'unitAddress')
    let districtCode = this.addresses.get(address)
    if (districtCode === undefined && !this.addresses.has(address)) {
      // A cache of repeated addresses, not of the file's: emptied when full, since most addresses may differ.
      if (this.addresses.size >= ADDRESS_CACHE) this.addresses.clear()
      districtCode = this.resolver.resolve(address)
      this.addresses.set(detach(address), districtCode)
    }
    if (address && !districtCode) {
      bad.push({
        line,
        column: NAME_OF.unitAddress,
        reason: {
          zh: `无法从地址「${address}」判断所属区县`,
          en: `cannot tell the district from "${address}"`,
        },
      })
      ok = false
    }
    if (itemCell && !item) ok = false
    const sample: NewSample = {
      id: timeOrderedId(),
      no,
      seq,
      unitName: this.get(record, 'unitName'),
      unitAddress: address,
      districtCode: districtCode ?? '',
      foodName: this.get(record, 'foodName'),
      spec: this.get(record, 'spec') || null,
      brand: this.get(record, 'brand') || null,
      batch: reading.kind === 'none' ? null : reading.text,
      productionDate: reading.kind === 'date' ? reading.date : null,
      purchaseDate: reading.kind === 'date' && reading.purchase,
      producerName: this.get(record, 'producerName') || null,
      producerAddress: this.get(record, 'producerAddress') || null,
      category: this.get(record, 'category'),
      taskSource: this.get(record, 'taskSource') || null,
      lab: this.get(record, 'lab') || null,
      sampledOn: null,
      testedOn: null,
      remarks: this.get(record, 'remarks') || null,
      items: item ? [item] : [],
    }
    this.index.add(
      no,
      sample.id,
      line,
      ok,
      SAMPLE_FIELDS.map((f) => this.get(record, f)),
      item ? [item] : [],
    )
    if (ok) {
      this.samples++
      this.onSample(sample)
    }
  }
}
