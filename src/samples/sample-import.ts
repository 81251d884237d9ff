import { createHash, randomUUID } from 'node:crypto'
import type { Text } from '../domain/errors.js'
import { type CsvRecord, CsvSyntaxError, csvRecords } from './csv-records.js'
import type { DistrictResolver } from './sample-fields.js'
import { clean, readProductionDate, splitItemCell, unitOf } from './sample-fields.js'
import type { NewSample } from './samples.repo.js'

/**
 * Reads a sampling-results file in the published layout (the sample number in front) into samples, or into
 * the list of every bad row. Headers are matched by name, in any order; a failing sample with several items
 * spans several rows, the continuation rows repeating the sample number and filling only the item column.
 */

export interface BadRow {
  line: number
  column: string | null
  /** Both languages: the file's author may read either. */
  reason: Text
}

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

const headerKey = (h: string) =>
  clean(h)
    .replace(/\|\||\||丨/g, '║')
    .replace(/\s/g, '')

export interface ParsedFile {
  hash: string
  rows: number
  samples: NewSample[]
  /** First line of each sample, for reporting numbers already recorded. */
  lineOf: Map<string, number>
  bad: BadRow[]
}

/** Hash of the content, blind to a BOM and to CRLF versus LF: the same file saved either way is the same file. */
export function contentHash(text: string): string {
  return createHash('sha256')
    .update(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'))
    .digest('hex')
}

export function parseSampleFile(text: string, resolver: DistrictResolver): ParsedFile {
  const hash = contentHash(text)
  const bad: BadRow[] = []
  const out: ParsedFile = { hash, rows: 0, samples: [], lineOf: new Map(), bad }
  let records: CsvRecord[]
  try {
    records = csvRecords(text)
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err
    bad.push({
      line: err.line,
      column: null,
      reason: { zh: `无法按 CSV 读取：${err.message}`, en: `not readable as CSV: ${err.message}` },
    })
    return out
  }
  const header = records[0]
  if (!header) {
    bad.push({
      line: 1,
      column: null,
      reason: { zh: '空文件：没有表头行', en: 'empty file: no header line' },
    })
    return out
  }
  const columns: (Field | undefined)[] = []
  const seen = new Set<Field>()
  header.cells.forEach((h, i) => {
    const field = HEADERS[headerKey(h)]
    if (!field)
      bad.push({ line: 1, column: clean(h) || `#${i + 1}`, reason: { zh: '未知的列', en: 'unknown column' } })
    else if (seen.has(field))
      bad.push({ line: 1, column: NAME_OF[field], reason: { zh: '列重复出现', en: 'column appears twice' } })
    else seen.add(field)
    columns.push(field && !columns.includes(field) ? field : undefined)
  })
  for (const f of REQUIRED)
    if (!seen.has(f))
      bad.push({ line: 1, column: NAME_OF[f], reason: { zh: '缺少必需的列', en: 'required column missing' } })
  if (bad.length > 0) return out

  const heads = new Map<string, { sample: NewSample; cells: Partial<Record<Field, string>> }>()
  const addresses = new Map<string, string | undefined>()
  for (const { cells: record, line } of records.slice(1)) {
    out.rows++
    if (record.length > header.cells.length) {
      bad.push({
        line,
        column: null,
        reason: {
          zh: `本行有 ${record.length} 个单元格，表头只有 ${header.cells.length} 个`,
          en: `${record.length} cells, the header has ${header.cells.length}`,
        },
      })
      continue
    }
    const nul = record.findIndex((v) => v.includes('\u0000'))
    if (nul >= 0) {
      bad.push({
        line,
        column: header.cells[nul] ?? null,
        reason: { zh: '含有空字符 (U+0000)', en: 'contains the NUL character (U+0000)' },
      })
      continue
    }
    const cells: Partial<Record<Field, string>> = {}
    record.forEach((v, i) => {
      const f = columns[i]
      if (f) cells[f] = clean(v)
    })
    const no = cells.no ?? ''
    if (!no) {
      bad.push({ line, column: NAME_OF.no, reason: { zh: '必填单元格为空', en: 'required cell empty' } })
      continue
    }
    let item: NewSample['items'][number] | undefined
    if (cells.items) {
      const parts = splitItemCell(cells.items)
      if (parts.length !== 3 || parts.some((p) => !p))
        bad.push({
          line,
          column: ITEM_HEADER,
          reason: {
            zh: '须为「项目║检验结果║标准值」三部分',
            en: 'needs item, result and limit separated by ║',
          },
        })
      else {
        const [name, result, limit] = parts as [string, string, string]
        item = { name, result, limit, unit: unitOf(result, limit), verdict: 'fail' }
      }
    }
    const head = heads.get(no)
    if (head) {
      // A continuation row: only the item, and nothing that contradicts the first row.
      if (!cells.items)
        bad.push({
          line,
          column: ITEM_HEADER,
          reason: { zh: `样品 ${no} 的续行没有不合格项目`, en: `continuation row of ${no} without an item` },
        })
      for (const f of SAMPLE_FIELDS)
        if (cells[f] && cells[f] !== head.cells[f])
          bad.push({
            line,
            column: NAME_OF[f],
            reason: { zh: `与样品 ${no} 首行不一致`, en: `differs from the first row of sample ${no}` },
          })
      if (item) head.sample.items.push(item)
      continue
    }
    let ok = true
    for (const f of REQUIRED)
      if (seen.has(f) && !cells[f]) {
        bad.push({ line, column: NAME_OF[f], reason: { zh: '必填单元格为空', en: 'required cell empty' } })
        ok = false
      }
    let seq: number | null = null
    if (cells.seq) {
      seq = /^\d{1,7}$/.test(cells.seq) ? Number(cells.seq) : null
      if (seq === null) {
        bad.push({
          line,
          column: NAME_OF.seq,
          reason: { zh: `不是数字：「${cells.seq}」`, en: `not a number: "${cells.seq}"` },
        })
        ok = false
      }
    }
    const reading = readProductionDate(cells.batch ?? '')
    if (reading.kind === 'invalid') {
      bad.push({ line, column: NAME_OF.batch, reason: reading.reason })
      ok = false
    }
    const address = cells.unitAddress ?? ''
    let districtCode = addresses.get(address)
    if (!addresses.has(address)) {
      districtCode = resolver.resolve(address)
      addresses.set(address, districtCode)
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
    if (cells.items && !item) ok = false
    const opt = (f: Field) => cells[f] || null
    const sample: NewSample = {
      id: randomUUID(),
      no,
      seq,
      unitName: cells.unitName ?? '',
      unitAddress: address,
      districtCode: districtCode ?? '',
      foodName: cells.foodName ?? '',
      spec: opt('spec'),
      brand: opt('brand'),
      batch: reading.kind === 'none' ? null : reading.text,
      productionDate: reading.kind === 'date' ? reading.date : null,
      purchaseDate: reading.kind === 'date' && reading.purchase,
      producerName: opt('producerName'),
      producerAddress: opt('producerAddress'),
      category: cells.category ?? '',
      taskSource: opt('taskSource'),
      lab: opt('lab'),
      sampledOn: null,
      testedOn: null,
      remarks: opt('remarks'),
      items: item ? [item] : [],
    }
    heads.set(no, { sample, cells })
    if (ok) {
      out.samples.push(sample)
      out.lineOf.set(no, line)
    }
  }
  bad.sort((a, b) => a.line - b.line)
  return out
}
