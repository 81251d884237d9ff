import { create } from 'xmlbuilder2'
import type { AlertEntry, AlertSnapshot } from '../alerts/alert-snapshot.js'
import { xmlText } from './xml-text.js'

/** Entries per document: the subscription feed's newest, and each archive page. */
export const FEED_SIZE = 100
const HISTORY_NS = 'http://purl.org/syndication/history/1.0'

const byUpdate = (a: AlertEntry, b: AlertEntry) =>
  b.row.updated_at.getTime() - a.row.updated_at.getTime() || (a.row.id < b.row.id ? -1 : 1)
const byIssue = (a: AlertEntry, b: AlertEntry) =>
  a.row.created_at.getTime() - b.row.created_at.getTime() || (a.row.id < b.row.id ? -1 : 1)

/**
 * Real alerts (never drills) in archive order: by issue time, oldest first. Archive page `k` (1-based) holds
 * entries (k-1)·FEED_SIZE … k·FEED_SIZE-1 and is complete once that many alerts exist: new alerts only go on
 * the end, so a complete page keeps its entries (an entry's content still follows its alert's updates).
 */
function archiveOrder(snapshot: AlertSnapshot): AlertEntry[] {
  return snapshot.sorted.filter((e) => !e.row.exercise).sort(byIssue)
}

/** How many complete archive pages there are. */
export const archiveCount = (snapshot: AlertSnapshot) => Math.floor(archiveOrder(snapshot).length / FEED_SIZE)

/**
 * Atom 1.0, with RFC 5005 feed history. The subscription document (`archive` omitted) holds the newest
 * changes (FEED_SIZE by update) and every alert not yet on a complete archive page, and links
 * `prev-archive` to the newest archive page; each archive page (`fh:archive`) links `current`,
 * `prev-archive` and `next-archive`, so a reader can walk back through every alert ever issued. One entry
 * per alert, updated with each version, linking to its page and to the CAP message of its current version
 * (an AllClear shows here). `updated` is the newest entry's, or `generatedAt` when there is none.
 */
export function atomFeed(
  snapshot: AlertSnapshot,
  baseUrl: string,
  generatedAt: Date,
  archive?: number,
): string | undefined {
  const ordered = archiveOrder(snapshot)
  const complete = Math.floor(ordered.length / FEED_SIZE)
  const self = `${baseUrl}/feeds/alerts.atom`
  const pageUrl = (k: number) => `${self}?archive=${k}`
  let entries: AlertEntry[]
  if (archive === undefined) {
    const unarchived = ordered.slice(complete * FEED_SIZE)
    const newest = [...ordered].sort(byUpdate).slice(0, FEED_SIZE)
    entries = [...new Set([...newest, ...unarchived])].sort(byUpdate)
  } else {
    if (archive < 1 || archive > complete) return undefined
    entries = ordered.slice((archive - 1) * FEED_SIZE, archive * FEED_SIZE).sort(byUpdate)
  }
  const updated = entries[0]?.row.updated_at ?? generatedAt
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.w3.org/2005/Atom', 'feed', {
    'xml:lang': 'zh-CN',
    'xmlns:fh': HISTORY_NS,
  })
  feed.ele('id').txt(archive === undefined ? self : pageUrl(archive))
  feed
    .ele('title')
    .txt(
      archive === undefined
        ? '红盾 食品安全消费预警 Redshield food-safety alerts'
        : `红盾 食品安全消费预警（存档第 ${archive} 页）Redshield food-safety alerts, archive page ${archive}`,
    )
  feed.ele('updated').txt(updated.toISOString())
  if (archive === undefined) {
    feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: self })
    if (complete > 0)
      feed.ele('link', { rel: 'prev-archive', type: 'application/atom+xml', href: pageUrl(complete) })
  } else {
    feed.ele(HISTORY_NS, 'fh:archive')
    feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: pageUrl(archive) })
    feed.ele('link', { rel: 'current', type: 'application/atom+xml', href: self })
    if (archive > 1)
      feed.ele('link', { rel: 'prev-archive', type: 'application/atom+xml', href: pageUrl(archive - 1) })
    if (archive < complete)
      feed.ele('link', { rel: 'next-archive', type: 'application/atom+xml', href: pageUrl(archive + 1) })
  }
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}/alerts` })
  feed.ele('author').ele('name').txt('市场监督管理局 Market Regulation Administration')
  if (entries.length === 0)
    feed
      .ele('subtitle')
      .txt(
        `尚无预警；本文档生成于 ${generatedAt.toISOString()} · No alerts yet; generated ${generatedAt.toISOString()}`,
      )
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
    if (dto.source.kind === 'announcement')
      e.ele('link', {
        rel: 'via',
        type: 'text/html',
        href: `${baseUrl}/announcements/${dto.source.id}`,
      })
    e.ele('category', { term: dto.severity, label: `${dto.level} ${dto.colour}` })
    e.ele('summary').txt(xmlText(`${dto.description.zh}\n${dto.instruction.zh}`))
  }
  return feed.end({ prettyPrint: true })
}
