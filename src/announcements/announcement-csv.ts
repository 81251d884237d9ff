import { type CsvCell, toCsv } from '../domain/csv.js'
import type { ItemRow, SampleRow } from '../samples/samples.repo.js'

/** The published column order (DESIGN.md): `序号` first, no sample number. */
export const PUBLISHED_COLUMNS = [
  '序号',
  '标称生产企业名称',
  '标称生产企业地址',
  '被抽样单位名称',
  '被抽样单位地址',
  '食品名称',
  '规格型号',
  '商标',
  '生产日期/批号',
  '不合格项目║检验结果║标准值',
  '分类',
  '检验机构',
  '备注',
] as const

/**
 * One row per sample; a sample with several failing items continues on further rows that repeat its 序号
 * and fill only the item column — the layout the import reads. Written by the shared CSV writer: UTF-8 with
 * BOM, so spreadsheets read it, and formula-safe.
 */
export function announcementCsv(rows: SampleRow[], items: Map<string, ItemRow[]>): string {
  const out: CsvCell[][] = []
  rows.forEach((s, i) => {
    const seq = s.seq ?? i + 1
    const failing = (items.get(s.id) ?? []).filter((it) => it.verdict === 'fail')
    const cell = (it: ItemRow | undefined) => (it ? `${it.name}║${it.result}║${it.limit_value ?? ''}` : '')
    out.push([
      seq,
      s.producer_name,
      s.producer_address,
      s.unit_name,
      s.unit_address,
      s.food_name,
      s.spec,
      s.brand,
      s.batch,
      cell(failing[0]),
      s.category,
      s.lab,
      s.remarks,
    ])
    for (const it of failing.slice(1)) out.push([seq, '', '', '', '', '', '', '', '', cell(it), '', '', ''])
  })
  return toCsv([...PUBLISHED_COLUMNS], out)
}
