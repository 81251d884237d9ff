import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'
import { pageOf } from '../http/pagination.js'
import type { CachedBody } from '../public/read-cache.js'
import { listDistricts } from './districts.repo.js'

const DEFAULT_PAGE = 50

export interface District {
  code: string
  nameZh: string
  nameEn: string
  kind: string
  since: number | null
}

/**
 * Reference data, read once at start (it changes only with a new seed file and a restart): lookups cost no
 * query, and the public list is served from ready-made JSON with an ETag.
 */
export class DistrictDirectory {
  /** The first page at the default size, ready-made: what nearly every caller asks for. */
  readonly firstPage: CachedBody
  private readonly byCode: Map<string, District>

  private constructor(readonly items: District[]) {
    this.byCode = new Map(items.map((d) => [d.code, d]))
    const body = new TextEncoder().encode(JSON.stringify(this.page(DEFAULT_PAGE)))
    this.firstPage = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      type: 'application/json; charset=utf-8',
      cacheControl: 'public, max-age=300',
    }
  }

  static async load(db: Kysely<DB>): Promise<DistrictDirectory> {
    const rows = await listDistricts(db)
    return new DistrictDirectory(
      rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind, since: r.since })),
    )
  }

  /** Districts by code after `afterCode`, `limit` of them, with the cursor of the next page. */
  page(limit: number, afterCode?: string) {
    const from = afterCode === undefined ? 0 : this.items.findIndex((d) => d.code > afterCode)
    const rows = from < 0 ? [] : this.items.slice(from, from + limit + 1)
    return pageOf(rows, limit, (d) => [d.code])
  }

  codes(): string[] {
    return this.items.map((d) => d.code)
  }

  has(code: string): boolean {
    return this.byCode.has(code)
  }
}
