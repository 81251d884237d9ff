import { afterCursor, decodeCursor, pageOf } from '../db/pagination.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { callerOf, districtScopeOf, type RequestContext } from '../domain/context.js'
import { AppError, forbidden, notFound } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import type { BoardContent } from './board-content.js'
import { FULL_REFRESH_KEY, refreshBoards } from './board-refresh.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts' | 'config'>

/** A retailer unconfirmed for longer than this is overdue on its district's list. */
export const CONFIRM_WITHIN_HOURS = 24

const missing = (id: string) => notFound({ zh: `没有编号为 ${id} 的经营者`, en: `No retailer ${id}` })
const iso = (d: Date | string) => new Date(d).toISOString()

export interface BoardView {
  retailerId: string
  version: number
  changedAt: string
  refreshedAt: string
  content: BoardContent
}

/** The current board; a retailer registered since the last refresh gets its first board computed now. */
export async function getBoard(deps: Deps, retailerId: string): Promise<BoardView> {
  let row = await readBoard(deps, retailerId)
  if (!row) {
    const r = await deps.db
      .selectFrom('retailers')
      .select('id')
      .where('id', '=', retailerId)
      .executeTakeFirst()
    if (!r) throw missing(retailerId)
    await refreshBoards(deps, { retailers: [retailerId] })
    row = await readBoard(deps, retailerId)
    if (!row) throw missing(retailerId)
  }
  return row
}

async function readBoard(deps: Deps, retailerId: string): Promise<BoardView | null> {
  const row = await deps.db
    .selectFrom('boards as b')
    .leftJoin('app_state as s', (j) => j.on('s.key', '=', FULL_REFRESH_KEY))
    .select(['b.retailer_id', 'b.version', 'b.changed_at', 'b.refreshed_at', 'b.content', 's.value as full'])
    .where('b.retailer_id', '=', retailerId)
    .executeTakeFirst()
  if (!row) return null
  const full = (row.full as { at?: string } | null)?.at
  const refreshed = iso(row.refreshed_at)
  return {
    retailerId: row.retailer_id,
    version: row.version,
    changedAt: iso(row.changed_at),
    // A full refresh that found the board unchanged checked it too, without writing its row.
    refreshedAt: full && full > refreshed ? full : refreshed,
    content: row.content as BoardContent,
  }
}

export async function boardVersions(
  deps: Deps,
  retailerId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  await getBoard(deps, retailerId)
  let query = deps.db
    .selectFrom('board_versions')
    .select(['version', 'created_at', 'added_failing', 'content'])
    .where('retailer_id', '=', retailerId)
    .orderBy('version', 'desc')
    .limit(q.limit + 1)
  if (q.cursor) query = query.where(afterCursor(['version'], decodeCursor(q.cursor, 1), 'desc'))
  const rows = await query.execute()
  return pageOf(
    rows,
    q.limit,
    (r) => [r.version],
    (r) => ({
      version: r.version,
      createdAt: iso(r.created_at),
      addedFailing: r.added_failing,
      content: r.content as BoardContent,
    }),
  )
}

/**
 * The retailer confirms it has taken the failing products off its shelves (企业自律). Only the board's
 * current version can be confirmed: confirming an older one (or one that does not exist) is a 409 naming the
 * current version, so a shop never confirms a board it has not seen. One conditional update: a refresh that
 * makes a newer version meanwhile makes this a 409 too.
 */
export async function confirmBoard(deps: Deps, ctx: RequestContext, retailerId: string, version: number) {
  const caller = callerOf(ctx)
  const board = await getBoard(deps, retailerId)
  if (caller?.retailerId !== retailerId)
    throw forbidden({ zh: '只能确认本经营者的公示栏', en: 'A retailer confirms its own board only' })
  const now = deps.clock.now()
  return inTransaction(deps.db, async (trx) => {
    const done = await trx
      .updateTable('boards')
      .set({
        confirmed_version: version,
        confirmed_at: now,
        unconfirmed_since: null,
        unconfirmed_version: null,
      })
      .where('retailer_id', '=', retailerId)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    if (!done)
      throw new AppError('conflict', {
        zh: `公示栏当前版本为 ${board.version}，请确认当前版本`,
        en: `The board is at version ${board.version}; confirm the current version`,
      })
    await appendEvent(trx, ctx, now, {
      type: 'board.confirmed',
      districtCode: board.content.retailer.district,
      subject: retailerId,
      payload: { retailerId, version },
    })
    return { retailerId, version, confirmedAt: now.toISOString() }
  })
}

/** Unconfirmed boards, longest waiting first, in `district` when given (rows for `unconfirmedView`). */
export function unconfirmedQuery(deps: Pick<Deps, 'db'>, district?: string) {
  let query = deps.db
    .selectFrom('boards as b')
    .innerJoin('retailers as r', 'r.id', 'b.retailer_id')
    .select(['b.retailer_id', 'r.name_zh', 'r.district_code', 'b.version', 'b.unconfirmed_since'])
    .where('b.unconfirmed_since', 'is not', null)
    .orderBy('b.unconfirmed_since')
    .orderBy('b.retailer_id')
  if (district) query = query.where('r.district_code', '=', district)
  return query
}

/** When a retailer unconfirmed since `since` becomes overdue on its district's list. */
export const overdueAt = (since: Date) => new Date(since.getTime() + CONFIRM_WITHIN_HOURS * 3_600_000)

type UnconfirmedRow = Awaited<ReturnType<ReturnType<typeof unconfirmedQuery>['execute']>>[number]

export function unconfirmedView(r: UnconfirmedRow, now: Date) {
  const since = new Date(r.unconfirmed_since as Date)
  return {
    retailerId: r.retailer_id,
    name: r.name_zh,
    district: r.district_code,
    version: r.version,
    since: since.toISOString(),
    hours: Math.round((now.getTime() - since.getTime()) / 360_000) / 10,
    overdue: overdueAt(since) < now,
  }
}

/** Retailers whose board awaits confirmation, longest waiting first; a district sees its own only. */
export async function unconfirmedBoards(
  deps: Deps,
  ctx: RequestContext,
  q: {
    limit: number
    cursor?: string | undefined
    district?: string | undefined
    overdue?: 'true' | 'false' | undefined
  },
) {
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && q.district !== undefined && q.district !== scope)
    throw forbidden({ zh: '区县只能查看本辖区', en: 'A district sees its own district only' })
  const now = deps.clock.now()
  const limitAt = new Date(now.getTime() - CONFIRM_WITHIN_HOURS * 3_600_000)
  let query = unconfirmedQuery(deps, scope ?? q.district).limit(q.limit + 1)
  if (q.overdue === 'true') query = query.where('b.unconfirmed_since', '<', limitAt)
  if (q.overdue === 'false') query = query.where('b.unconfirmed_since', '>=', limitAt)
  if (q.cursor) {
    query = query.where(afterCursor(['b.unconfirmed_since', 'b.retailer_id'], decodeCursor(q.cursor, 2)))
  }
  const rows = await query.execute()
  return pageOf(
    rows,
    q.limit,
    (r) => [iso(r.unconfirmed_since as Date), r.retailer_id],
    (r) => unconfirmedView(r, now),
  )
}
