import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../../db/migrations/index.js'
import { pendingMigrations } from '../../src/db/migrate.js'
import { createTestDatabase, type TestDatabase, testEngine } from '../helpers/test-database.js'

describe('test database harness', () => {
  let a: TestDatabase
  let b: TestDatabase

  beforeAll(async () => {
    ;[a, b] = await Promise.all([createTestDatabase(), createTestDatabase()])
  })

  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()])
  })

  it('uses the engine globalSetup chose', () => {
    expect(a.kind).toBe(testEngine())
    expect(a.database.kind).toBe(testEngine())
    if (testEngine() === 'postgres') {
      expect(a.url).toMatch(/^postgres(ql)?:\/\//)
      expect(a.url).not.toBe(b.url)
    } else {
      expect(a.url).toBeUndefined()
    }
  })

  it('seeds the 20 districts', async () => {
    const { count } = await a.database.db
      .selectFrom('districts')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
    expect(Number(count)).toBe(20)
  })

  it('has every migration applied', async () => {
    expect(await pendingMigrations(a.database.db)).toEqual([])
    const applied = await a.database.db
      .selectFrom('kysely_migration' as never)
      .select(sql<string>`name`.as('name'))
      .orderBy(sql`name`)
      .execute()
    expect(applied.map((r) => r.name)).toEqual(Object.keys(migrations))
  })

  it('keeps two databases apart', async () => {
    await a.database.db
      .insertInto('districts')
      .values({ code: '999999', name_zh: '测试区', name_en: 'Harness', kind: 'district', since: null })
      .execute()
    await sql`create table harness_probe (id int)`.execute(b.database.db)

    const inA = await a.database.db
      .selectFrom('districts')
      .select('code')
      .where('code', '=', '999999')
      .execute()
    const inB = await b.database.db
      .selectFrom('districts')
      .select('code')
      .where('code', '=', '999999')
      .execute()
    expect(inA).toHaveLength(1)
    expect(inB).toHaveLength(0)

    const probe = sql<{ t: string | null }>`select to_regclass('harness_probe')::text as t`
    expect((await probe.execute(a.database.db)).rows[0]?.t).toBeNull()
    expect((await probe.execute(b.database.db)).rows[0]?.t).toBe('harness_probe')
  })

  it('copies in parallel and drops for good', async () => {
    // Each PGlite copy is a whole in-process instance: keep that shape small.
    const n = testEngine() === 'postgres' ? 4 : 2
    const many = await Promise.all(Array.from({ length: n }, () => createTestDatabase({ poolSize: 1 })))
    try {
      for (const t of many) await t.database.ping()
    } finally {
      await Promise.all(many.map((t) => t.drop()))
    }
    for (const t of many) {
      if (t.url === undefined) continue
      const client = new pg.Client({ connectionString: t.url })
      await expect(client.connect()).rejects.toThrow(/does not exist/)
      await client.end().catch(() => {})
    }
  })
})
