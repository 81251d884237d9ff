import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLAYBOOKS_DIR, startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redshield-pb-'))
  await cp(PLAYBOOKS_DIR, dir, { recursive: true })
  t = await startTestApp({ playbooksDir: dir })
})
afterAll(async () => {
  await t.close()
  await rm(dir, { recursive: true, force: true })
})

describe('an incident pins the playbook version it was activated with', () => {
  it('editing the file afterwards changes nothing in the running incident', async () => {
    const commander = await t.token('commander')
    const before = await t.call('GET', '/api/v1/playbooks/sudan-red', { token: commander })
    const inc = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'pinned', districts: ['510104'] },
    })
    expect(inc.body.playbookHash).toBe(before.body.hash)
    const detailBefore = await t.call('GET', `/api/v1/incidents/${inc.body.id}`, { token: commander })

    // Rename every step title and drop the level-II step; then restart on the edited files.
    const file = join(dir, 'sudan-red.yaml')
    const source = await readFile(file, 'utf8')
    await writeFile(
      file,
      source.replaceAll('全面排查食品经营单位', '改过的排查').replace('level: II', 'level: I'),
    )
    await t.restart({ playbooksDir: dir })

    const after = await t.call('GET', '/api/v1/playbooks/sudan-red', { token: commander })
    expect(after.body.hash).not.toBe(before.body.hash)
    const old = await t.call('GET', `/api/v1/playbooks/sudan-red/versions/${before.body.hash}`, {
      token: commander,
    })
    expect(old.status).toBe(200)
    expect(old.body.playbook).toEqual(before.body.playbook)

    const detailAfter = await t.call('GET', `/api/v1/incidents/${inc.body.id}`, { token: commander })
    expect(detailAfter.body.playbookHash).toBe(before.body.hash)
    expect(detailAfter.body.matrix.steps).toEqual(detailBefore.body.matrix.steps)

    // Raising the level follows the pinned version: the old level-II step is added.
    const pinnedII = before.body.playbook.steps
      .filter((s: { level: string }) => s.level === 'II')
      .map((s: { key: string }) => s.key)
    expect(pinnedII.length).toBeGreaterThan(0)
    await t.call('POST', `/api/v1/incidents/${inc.body.id}/level`, {
      token: commander,
      body: { level: 'II', reason: 'r' },
    })
    const tasks = await t.deps.db
      .selectFrom('tasks')
      .select('step_key')
      .where('incident_id', '=', inc.body.id)
      .execute()
    for (const key of pinnedII) expect(tasks.map((x) => x.step_key)).toContain(key)

    // A new activation uses the edited file.
    const fresh = await t.call('POST', '/api/v1/incidents', {
      token: commander,
      body: { playbook: 'sudan-red', level: 'IV', title: 'new', districts: ['510104'] },
    })
    expect(fresh.body.playbookHash).toBe(after.body.hash)
  })

  it('404 for an unknown playbook or version', async () => {
    const commander = await t.token('commander')
    expect((await t.call('GET', '/api/v1/playbooks/nope', { token: commander })).status).toBe(404)
    expect(
      (await t.call('GET', `/api/v1/playbooks/sudan-red/versions/${'0'.repeat(64)}`, { token: commander }))
        .status,
    ).toBe(404)
    expect(
      (await t.call('GET', '/api/v1/playbooks/sudan-red/versions/xyz', { token: commander })).status,
    ).toBe(404)
    const list = await t.call('GET', '/api/v1/playbooks', { token: commander })
    expect(list.body.items.map((p: { id: string }) => p.id).sort()).toEqual([
      'avian-influenza',
      'drill-escalation',
      'monthly-self-check',
      'random-inspection',
      'signal-sampling',
      'sudan-red',
      'swine-streptococcus',
      'unqualified-product-disposal',
    ])
  })
})
