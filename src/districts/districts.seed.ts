import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/types.js'

const rowSchema = z.object({
  code: z.string().regex(/^\d{6}$/),
  name_zh: z.string().min(1),
  name_en: z.string().min(1),
  kind: z.string().min(1),
  since: z.string().transform((s) => (s === '' ? null : Number.parseInt(s, 10))),
})

export async function readDistrictsCsv(path: string) {
  const records: unknown[] = parse(await readFile(path), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    trim: true,
  })
  return records.map((r, i) => {
    const parsed = rowSchema.safeParse(r)
    if (!parsed.success) throw new Error(`${path}: line ${i + 2}: ${parsed.error.issues[0]?.message}`)
    return parsed.data
  })
}

/** Upsert reference data: running it again changes nothing. */
export async function seedDistricts(db: Kysely<DB>, path: string): Promise<number> {
  const rows = await readDistrictsCsv(path)
  await db
    .insertInto('districts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name_zh: eb.ref('excluded.name_zh'),
        name_en: eb.ref('excluded.name_en'),
        kind: eb.ref('excluded.kind'),
        since: eb.ref('excluded.since'),
      })),
    )
    .execute()
  return rows.length
}
