import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { openPglite } from '/work/main/src/db/client.ts'
import { migrateToLatest } from '/work/main/src/db/migrate.ts'
import { seedDistricts } from '/work/main/src/districts/districts.seed.ts'

let t = performance.now()
const lap = (s: string) => {
  const n = performance.now()
  console.log(s, Math.round(n - t))
  t = n
}
const p = await PGlite.create()
lap('create mem')
await p.close()
lap('close')
const d = await openPglite(undefined)
lap('openPglite mem')
await migrateToLatest(d.db)
lap('migrate')
await seedDistricts(d.db, '/work/main/db/seed/districts.csv')
lap('seed')
await d.close()
const dir = mkdtempSync(join(tmpdir(), 'pgl-'))
const e = await openPglite(join(dir, 'tpl'))
lap('openPglite dir')
await migrateToLatest(e.db)
await seedDistricts(e.db, '/work/main/db/seed/districts.csv')
lap('migrate+seed dir')
await e.close()
lap('close dir')
cpSync(join(dir, 'tpl'), join(dir, 'c1'), { recursive: true })
lap('cp')
const f = await openPglite(join(dir, 'c1'))
lap('open copy')
await f.close()
const p2 = await PGlite.create()
lap('create mem 2')
const blob = await p2.dumpDataDir('none')
lap('dump')
const p3 = await PGlite.create({ loadDataDir: blob })
lap('load from dump')
