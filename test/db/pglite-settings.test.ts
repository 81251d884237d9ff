import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/client.js'
import { testEngine } from '../helpers/test-database.js'

/**
 * The embedded store opens with the configured buffer cache: PostgreSQL's 128MB default sits in PGlite's
 * WebAssembly memory from the start (~110 MiB of RSS) and never shrinks.
 */
describe.skipIf(testEngine() !== 'pglite')('the embedded store’s settings', () => {
  it('opens with shared_buffers from PGLITE_SHARED_BUFFERS (32MB by default); a bad size is refused', async () => {
    expect(loadConfig({}).PGLITE_SHARED_BUFFERS).toBe('32MB')
    expect(() => loadConfig({ PGLITE_SHARED_BUFFERS: 'lots' })).toThrow(/PGLITE_SHARED_BUFFERS/)
    // No data directory: an in-memory store, as each size needs a store of its own.
    for (const size of ['32MB', '16MB']) {
      const database = await openDatabase({ dataDir: '', sharedBuffers: size })
      try {
        const r = await sql<{ sb: string }>`select current_setting('shared_buffers') as sb`.execute(
          database.db,
        )
        expect(r.rows[0]?.sb).toBe(size)
      } finally {
        await database.close()
      }
    }
  })
})
