import { create } from 'xmlbuilder2'
import type { AlertEntry, AlertSnapshot } from '../alerts/alert-snapshot.js'
import { xmlText } from './xml-text.js'

const FEED_SIZE = 100

/**
 * Atom 1.0 index of real alerts (never drills), newest change first: one entry per alert, updated with each
 * version, linking to the page and to the CAP message of its current version (an AllClear shows here).
 */
export function atomFeed(snapshot: AlertSnapshot, baseUrl: string): string {
  const entries: AlertEntry[] = snapshot.sorted
    .filter((e) => !e.row.exercise)
    .sort((a, b) => b.row.updated_at.getTime() - a.row.updated_at.getTime() || (a.row.id < b.row.id ? -1 : 1))
    .slice(0, FEED_SIZE)
  const updated = entries[0]?.row.updated_at ?? new Date(0)
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.w3.org/2005/Atom', 'feed', {
    'xml:lang': 'zh-CN',
  })
  feed.ele('id').txt(`${baseUrl}/feeds/alerts.atom`)
  feed.ele('title').txt('红盾 食品安全消费预警 Redshield food-safety alerts')
  feed.ele('updated').txt(updated.toISOString())
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: `${baseUrl}/feeds/alerts.atom` })
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}/` })
  feed.ele('author').ele('name').txt('市场监督管理局 Market Regulation Administration')
  for (const { row, dto } of entries) {
    const e = feed.ele('entry')
    e.ele('id').txt(`urn:uuid:${row.id}`)
    const state =
      dto.status === 'closed'
        ? '【已解除】'
        : dto.status === 'cancelled'
          ? '【已撤销】'
          : `【${dto.level}级】`
    e.ele('title').txt(xmlText(`${state}${dto.title.zh} / ${dto.title.en}`))
    e.ele('published').txt(row.created_at.toISOString())
    e.ele('updated').txt(row.updated_at.toISOString())
    e.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}/alerts/${row.id}` })
    e.ele('link', { rel: 'related', type: 'application/cap+xml', href: `${baseUrl}${dto.capUrl}` })
    e.ele('category', { term: dto.severity, label: `${dto.level} ${dto.colour}` })
    e.ele('summary').txt(xmlText(`${dto.description.zh}\n${dto.instruction.zh}`))
  }
  return feed.end({ prettyPrint: true })
}
