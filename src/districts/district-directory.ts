import type { Kysely } from 'kysely'
import { pageOf } from '../db/pagination.js'
import type { DB } from '../db/types.js'
import { listDistricts } from './districts.repo.js'

export interface District {
  code: string
  nameZh: string
  nameEn: string
  kind: string
  since: number | null
}

/**
 * Reference data, read once at start (it changes only with a new seed file and a restart): lookups cost no
 * query.
 */
export class DistrictDirectory {
  private readonly byCode: Map<string, District>

  private constructor(readonly items: District[]) {
    this.byCode = new Map(items.map((d) => [d.code, d]))
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
