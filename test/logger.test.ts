import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runTs } from './helpers/processes.js'

/** The stdout logger gathers lines into batches: none may be lost, reordered or held while the server is quiet. */
const FIXTURE = resolve(ROOT, 'test/fixtures/logger/write-lines.ts')
const TSX = resolve(ROOT, 'node_modules/.bin/tsx')

const parse = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; i?: number; path?: string; requestId?: string })

describe('stdout logger', () => {
  it('writes every line, in order, when the process exits right after them', async () => {
    const r = await runTs(FIXTURE, ['5000', 'exit'], {})
    expect(r.code, r.stderr).toBe(0)
    const lines = parse(r.stdout)
    expect(lines).toHaveLength(5000)
    lines.forEach((l, i) => {
      if (i % 10 === 0) expect(l).toMatchObject({ msg: 'other', i })
      else expect(l).toMatchObject({ msg: 'request', requestId: `r${i}`, path: `/x/${i}`, status: 200 })
    })
  })

  it('shows a quiet server’s lines within half a second, before it exits', async () => {
    const child = spawn(TSX, [FIXTURE, '3', 'linger'], { cwd: ROOT })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    await new Promise<void>((ok) => child.stderr.once('data', () => ok()))
    await new Promise((ok) => setTimeout(ok, 600))
    const seen = parse(out).length
    child.kill()
    expect(seen).toBe(3)
  })
})
