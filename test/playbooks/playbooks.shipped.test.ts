import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  type LoadedPlaybook,
  loadPlaybookDir,
  loadPlaybookFile,
} from '../../src/playbooks/playbook.loader.js'
import type { Playbook, Text } from '../../src/playbooks/playbook.schema.js'

const dir = fileURLToPath(new URL('../../playbooks', import.meta.url))
const SHIPPED = ['avian-influenza', 'sudan-red', 'swine-streptococcus', 'unqualified-product-disposal']
const loaded = await loadPlaybookDir(dir)
const byId = new Map(loaded.map((l): [string, LoadedPlaybook] => [l.playbook.id, l]))
const get = (id: string): Playbook => byId.get(id)!.playbook
const CJK = /[\u4e00-\u9fff]/

function texts(p: Playbook): Text[] {
  return [
    p.name,
    p.hazard,
    p.description,
    p.publicNotice.title,
    p.publicNotice.description,
    p.publicNotice.instruction,
    ...p.steps.flatMap((s) => [
      s.title,
      s.instructions,
      ...s.reportFields.flatMap((f) => [f.label, f.unit ?? f.label]),
    ]),
  ]
}

describe('shipped playbooks', () => {
  it('are all present and valid', () => {
    expect(loaded.map((l) => l.playbook.id)).toEqual(expect.arrayContaining(SHIPPED))
  })

  describe.each(SHIPPED)('%s', (id) => {
    it('has at least 6 steps, at more than one level, with figures to report', () => {
      const p = get(id)
      expect(p.steps.length).toBeGreaterThanOrEqual(6)
      expect(new Set(p.steps.map((s) => s.level)).size).toBeGreaterThan(1)
      for (const step of p.steps) expect(step.reportFields.length, step.key).toBeGreaterThan(0)
    })

    it('is bilingual, Chinese first', () => {
      for (const t of texts(get(id))) {
        expect(t.zh).toMatch(CJK)
        expect(t.en).not.toMatch(CJK)
      }
    })

    it('escalates when a task is not acknowledged and when it is overdue', () => {
      const { escalation, publicNotice } = get(id)
      expect(escalation.unacknowledged.length).toBeGreaterThan(0)
      expect(escalation.overdue.length).toBeGreaterThan(0)
      expect(publicNotice.cap.responseType).toContain('Avoid')
    })
  })

  it.each(['sudan-red', 'avian-influenza', 'swine-streptococcus'])(
    '%s has steps only at I/II, steps from III and steps from IV',
    (id) => {
      const p = get(id)
      expect(p.levels).toEqual([1, 2, 3, 4])
      const levels = new Set(p.steps.map((s) => s.level))
      expect(levels.has(1) || levels.has(2)).toBe(true)
      expect(levels.has(3)).toBe(true)
      expect(levels.has(4)).toBe(true)
    },
  )

  it('the self-check and the random inspection close themselves when done; the contingency plans never', () => {
    for (const l of loaded)
      expect([l.playbook.id, l.playbook.closesWhenDone ?? false]).toEqual([
        l.playbook.id,
        ['monthly-self-check', 'random-inspection'].includes(l.playbook.id),
      ])
  })

  it('sudan-red has the 12 steps the activation benchmark uses', () => {
    expect(get('sudan-red').steps).toHaveLength(12)
  })

  it.each(['sudan-red', 'swine-streptococcus'])('%s has a daily 17:00 report', (id) => {
    const daily = get(id).steps.filter((s) => s.recurrence?.dailyAt === '17:00')
    expect(daily.length).toBeGreaterThan(0)
  })

  it('unqualified-product-disposal removes, seals and traces at level IV and reports within 24 hours', () => {
    const p = get('unqualified-product-disposal')
    expect(p.levels).toContain(4)
    const atIV = p.steps.filter((s) => s.level === 4)
    expect(atIV.map((s) => s.key)).toEqual(
      expect.arrayContaining(['remove-from-shelves', 'seal-stock', 'trace-supplier', 'report-disposal']),
    )
    expect(atIV.find((s) => s.key === 'report-disposal')?.dueWithin).toBe('PT24H')
    expect(atIV.every((s) => s.recurrence === undefined)).toBe(true)
  })

  it('ships a drill with second-long windows for trying escalation by hand (演练：秒级升级)', () => {
    const p = get('drill-escalation')
    expect(p.name.zh).toBe('演练：秒级升级')
    expect(p.levels).toEqual([4])
    for (const t of texts(p)) {
      expect(t.zh).toMatch(CJK)
      expect(t.en).not.toMatch(CJK)
    }
    const seconds = (iso: string) => Number(/^PT(\d+)S$/.exec(iso)?.[1] ?? Number.NaN)
    // Seconds, not hours: every window and rung falls due within a minute or two of activation.
    expect(seconds(p.ackWithin)).toBeLessThanOrEqual(30)
    const rungs = [...p.escalation.unacknowledged, ...p.escalation.overdue]
    expect(rungs.length).toBeGreaterThanOrEqual(4)
    for (const r of rungs) expect(seconds(r.after)).toBeLessThanOrEqual(30)
    expect(new Set(p.escalation.unacknowledged.map((r) => r.notify)).size).toBe(3)
  })

  it('README example is a valid playbook', async () => {
    const readme = await readFile(join(dir, 'README.md'), 'utf8')
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(example).toBeDefined()
    const tmp = await mkdtemp(join(tmpdir(), 'redshield-readme-'))
    try {
      await writeFile(join(tmp, 'example-drill.yaml'), example!)
      const { playbook } = await loadPlaybookFile(join(tmp, 'example-drill.yaml'))
      expect(playbook.steps.map((s) => s.level)).toEqual([4, 3])
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  })
})
