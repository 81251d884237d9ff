import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { nameOf } from '../retailers/retailers.service.js'
import { type BoardContent, type BoardRetailer, boardContent, quarterOf, sha } from './board-content.js'
import { activeNotices, type Notice, ownSamples, publishedInputs } from './board-inputs.js'

/** Versions kept per board; older ones are deleted as new ones are written. */
export const BOARD_VERSIONS_KEPT = 20
const CHUNK = 500
/** Advisory lock key of board writes (any fixed number unique to this use). */
const BOARD_LOCK = 7_010_010
export const FULL_REFRESH_KEY = 'boards.refreshed_at'

export type RefreshScope = { all: true } | { districts: string[] } | { retailers: string[] }

export interface RefreshResult {
  boards: number
  changed: number
  ms: number
}

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts' | 'config'>

/**
 * Recomputes the boards in `scope`. The inputs every board shares (failing products of the last 90 days,
 * active notices, the quarter's pass rate) are read and hashed once; each board's input hash is then a hash of
 * those hashes and its own few inputs (the retailer, its published samples), compared in bulk with the stored
 * one. Only a board whose hash changed is rebuilt and gets a new version, so a refresh where nothing changed
 * reads a handful of rows per board and writes one.
 */
export async function refreshBoards(deps: Deps, scope: RefreshScope): Promise<RefreshResult> {
  const started = performance.now()
  const now = deps.clock.now()
  let rq = deps.db
    .selectFrom('retailers as r')
    .leftJoin('boards as b', 'b.retailer_id', 'r.id')
    // The class of the business the retailer is linked to (金信工程: the class is shown on the board).
    .leftJoin('business_credit as bc', 'bc.business_id', 'r.business_id')
    .select(['r.id', 'r.name_zh', 'r.name_en', 'r.district_code', 'r.address', 'b.input_hash', 'bc.class'])
    .orderBy('r.id')
  if ('districts' in scope)
    rq = rq.where('r.district_code', 'in', scope.districts.length ? scope.districts : [''])
  if ('retailers' in scope) rq = rq.where('r.id', 'in', scope.retailers.length ? scope.retailers : [''])
  // The retailers with their stored hashes in one read, alongside the shared inputs (only a district scope
  // needs its retailers' ids before it can read their samples).
  const listed = rq.execute()
  const ids =
    'all' in scope ? undefined : 'retailers' in scope ? scope.retailers : (await listed).map((r) => r.id)
  const quarter = quarterOf(now, deps.config.TZ)
  const [retailers, { failing, rate }, notices, own] = await Promise.all([
    listed,
    publishedInputs(deps.db, now, quarter.from),
    activeNotices(deps.db),
    ownSamples(deps.db, ids),
  ])
  if (retailers.length === 0) return { boards: 0, changed: 0, ms: performance.now() - started }
  const passRate = { quarter: quarter.label, ...rate }
  const sharedHash = sha(JSON.stringify([failing, passRate]))
  const noticesOf = new Map<string, { list: Notice[]; hash: string }>()
  const districtNotices = (code: string) => {
    let n = noticesOf.get(code)
    if (!n) {
      const list = notices
        .filter((a) => a.districts.length === 0 || a.districts.includes(code))
        .map((a) => a.notice)
      n = { list, hash: sha(JSON.stringify(list)) }
      noticesOf.set(code, n)
    }
    return n
  }
  const districtName = nameOf(deps)
  const changed: Changed[] = []
  for (const r of retailers) {
    const mine = own.get(r.id) ?? []
    const dn = districtNotices(r.district_code)
    // The hash is taken over the raw fields (the district's name follows from its code): the board object is
    // built only for a board whose hash changed, so a refresh where nothing changed allocates almost nothing.
    const hash = sha(
      `${sharedHash}|${dn.hash}|${r.id}\u0000${r.name_zh}\u0000${r.name_en ?? ''}\u0000${r.district_code}\u0000${r.address ?? ''}\u0000${r.class ?? ''}|${mine.length ? JSON.stringify(mine) : ''}`,
    )
    if (r.input_hash === hash) continue
    const retailer: BoardRetailer = {
      id: r.id,
      name: r.name_zh,
      nameEn: r.name_en,
      district: r.district_code,
      districtName: districtName(r.district_code),
      address: r.address,
    }
    changed.push({
      id: r.id,
      hash,
      build: () => boardContent(retailer, dn.list, failing, mine, passRate, r.class ?? null),
    })
  }
  await writeChanged(deps, now, changed)
  await touch(deps, now, scope, ids)
  return { boards: retailers.length, changed: changed.length, ms: performance.now() - started }
}

async function currentBoards(db: Kysely<DB>, ids?: string[]) {
  let q = db
    .selectFrom('boards')
    .select(['retailer_id', 'input_hash', 'version', 'failing_ids', 'unconfirmed_since'])
  if (ids) q = q.where('retailer_id', 'in', ids.length ? ids : [''])
  const rows = await q.execute()
  return new Map(rows.map((r) => [r.retailer_id, r]))
}

/** A board whose inputs changed: its content is built only when its chunk is written, so memory holds one chunk. */
interface Changed {
  id: string
  hash: string
  build: () => BoardContent
}

async function writeChanged(deps: Deps, now: Date, changed: Changed[]) {
  for (let i = 0; i < changed.length; i += CHUNK) {
    await deps.db.transaction().execute(async (trx) => {
      // Instances refresh on the same events: one at a time writes, and re-reads what it builds on, so a
      // board another instance has just written is skipped, never given two versions.
      await sql`select pg_advisory_xact_lock(${BOARD_LOCK})`.execute(trx)
      const slice = changed.slice(i, i + CHUNK)
      const fresh = await currentBoards(
        trx,
        slice.map((c) => c.id),
      )
      const rows = slice
        .filter((c) => fresh.get(c.id)?.input_hash !== c.hash)
        .map((c) => {
          const prev = fresh.get(c.id)
          const content = c.build()
          const version = (prev?.version ?? 0) + 1
          const failingIds = content.failingProducts.filter((p) => p.atThisRetailer).map((p) => p.sampleId)
          const before = new Set(prev?.failing_ids ?? [])
          const added = failingIds.filter((id) => !before.has(id)).length
          // A version that adds failing products sampled here awaits the retailer's confirmation (企业自律);
          // while one waits, a newer version moves what must be confirmed but not since when.
          const waiting = prev?.unconfirmed_since ?? null
          const unconfirmedSince = added > 0 ? (waiting ?? now) : waiting
          return { c, content, version, failingIds, added, unconfirmedSince }
        })
      if (rows.length === 0) return
      // One statement, one parameter: the chunk as a JSON array read once by the server, each board's content
      // going into its version and its current row as the same parsed jsonb (two multi-row inserts with a
      // parameter per value had the driver escape and the server parse every content twice).
      const payload = JSON.stringify(
        rows.map((r) => [
          r.c.id,
          r.version,
          r.c.hash,
          r.content,
          r.failingIds,
          r.unconfirmedSince?.toISOString() ?? null,
          r.added,
        ]),
      )
      await sql`with r as (
          select j->>0 as retailer_id, (j->>1)::int as version, j->>2 as input_hash, j->3 as content,
            array(select jsonb_array_elements_text(j->4)) as failing_ids,
            (j->>5)::timestamptz as unconfirmed_since, (j->>6)::int as added
          from jsonb_array_elements(${payload}::jsonb) j
        ), v as (
          insert into board_versions (retailer_id, version, input_hash, content, added_failing, created_at)
          select retailer_id, version, input_hash, content, added, ${now} from r
        )
        insert into boards (retailer_id, version, input_hash, refreshed_at, changed_at, content, failing_ids,
          unconfirmed_since, unconfirmed_version)
        select retailer_id, version, input_hash, ${now}, ${now}, content, failing_ids, unconfirmed_since,
          case when unconfirmed_since is null then null else version end
        from r
        on conflict (retailer_id) do update set version = excluded.version, input_hash = excluded.input_hash,
          refreshed_at = excluded.refreshed_at, changed_at = excluded.changed_at, content = excluded.content,
          failing_ids = excluded.failing_ids, unconfirmed_since = excluded.unconfirmed_since,
          unconfirmed_version = excluded.unconfirmed_version`.execute(trx)
      const old = rows.filter((r) => r.version > BOARD_VERSIONS_KEPT)
      if (old.length > 0)
        await sql`delete from board_versions v using unnest(${old.map((r) => r.c.id)}::text[],
          ${old.map((r) => r.version - BOARD_VERSIONS_KEPT)}::int[]) as o(rid, upto)
          where v.retailer_id = o.rid and v.version <= o.upto`.execute(trx)
    })
  }
}

/** Unchanged boards were checked now: one row for a full refresh, the scope's rows for a partial one. */
async function touch(deps: Deps, now: Date, scope: RefreshScope, ids?: string[]) {
  if ('all' in scope) {
    const value = JSON.stringify({ at: now.toISOString() })
    await deps.db
      .insertInto('app_state')
      .values({ key: FULL_REFRESH_KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute()
  } else if (ids && ids.length > 0) {
    await deps.db
      .updateTable('boards')
      .set({ refreshed_at: now })
      .where('retailer_id', 'in', ids)
      .where('refreshed_at', '<', now)
      .execute()
  }
}
