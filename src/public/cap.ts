import { create } from 'xmlbuilder2'
import { type AlertContent, type AlertProduct, capTime } from '../alerts/alert-content.js'
import type { AlertRow, AlertVersionRow } from '../alerts/alerts.repo.js'
import { levelName } from '../playbooks/playbook.schema.js'
import { xmlText } from './xml-text.js'

const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2'
const LANGS = [
  { lang: 'zh-CN', key: 'zh' },
  { lang: 'en-US', key: 'en' },
] as const

/** Products as CAP parameters: each product's group starts with `product`, then whatever is known of it. */
function productParameters(products: AlertProduct[]): [string, string][] {
  return products.flatMap((p) => {
    const out: [string, string][] = [['product', p.name]]
    if (p.brand) out.push(['brand', p.brand])
    if (p.batch) out.push(['batch', p.batch])
    if (p.producer) out.push(['producer', p.producer])
    return out
  })
}

/**
 * One CAP 1.2 message: the version as it was sent, with one `info` per language (zh-CN, en-US), the
 * districts as areas with GB/T 2260 geocodes, and `references` to every earlier version on Update/Cancel.
 */
export function capXml(
  version: AlertVersionRow,
  alert: AlertRow,
  sender: string,
  baseUrl: string,
  colour: string,
): string {
  const c: AlertContent = version.content
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NS, 'alert')
  doc.ele('identifier').txt(version.identifier)
  doc.ele('sender').txt(sender)
  doc.ele('sent').txt(capTime(version.sent))
  doc.ele('status').txt(version.cap_status)
  doc.ele('msgType').txt(version.msg_type)
  doc.ele('scope').txt('Public')
  if (version.cap_status === 'Exercise') doc.ele('note').txt('演练 Exercise: not a real alert')
  if (version.references.length > 0)
    doc.ele('references').txt(version.references.map((r) => `${sender},${r}`).join(' '))
  doc
    .ele('incidents')
    .txt(xmlText(c.source.kind === 'incident' ? c.source.code : c.source.number.replace(/\s/g, '')))
  for (const { lang, key } of LANGS) {
    const info = doc.ele('info')
    info.ele('language').txt(lang)
    for (const cat of c.category) info.ele('category').txt(cat)
    info.ele('event').txt(xmlText(c.event[key]))
    for (const r of c.responseType) info.ele('responseType').txt(r)
    info.ele('urgency').txt(c.urgency)
    info.ele('severity').txt(c.severity)
    info.ele('certainty').txt(c.certainty)
    info.ele('effective').txt(capTime(version.sent))
    info.ele('senderName').txt(key === 'zh' ? '市场监督管理局' : 'Market Regulation Administration')
    info.ele('headline').txt(xmlText(c.title[key]))
    const note = c.closingNote ? `\n${c.closingNote[key]}` : ''
    info.ele('description').txt(xmlText(c.description[key] + note))
    info.ele('instruction').txt(xmlText(c.instruction[key]))
    info.ele('web').txt(`${baseUrl}/alerts/${alert.id}${key === 'en' ? '?lang=en' : ''}`)
    info.ele('contact').txt('12315')
    const params: [string, string][] = [
      ['responseLevel', levelName(c.level)],
      ['warningColour', colour],
      ...productParameters(c.products),
    ]
    for (const [name, value] of params) {
      const p = info.ele('parameter')
      p.ele('valueName').txt(name)
      p.ele('value').txt(xmlText(value))
    }
    const area = info.ele('area')
    area
      .ele('areaDesc')
      .txt(c.areas.map((a) => (key === 'zh' ? a.nameZh : a.nameEn)).join(key === 'zh' ? '、' : ', '))
    for (const a of c.areas) {
      const g = area.ele('geocode')
      g.ele('valueName').txt('GB/T 2260')
      g.ele('value').txt(a.code)
    }
  }
  return doc.end({ prettyPrint: true })
}
