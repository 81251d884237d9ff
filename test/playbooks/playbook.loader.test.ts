import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  loadPlaybookDir,
  loadPlaybookFile,
  type PlaybookIssue,
  PlaybookValidationError,
  validatePlaybookFiles,
} from '../../src/playbooks/playbook.loader.js'

const VALID = `id: drill
name: { zh: 演练, en: Drill }
hazard: { zh: 演练危害, en: Drill hazard }
description: { zh: 演练说明, en: Drill description }
levels: [IV, III]
ack_within: PT30M
steps:
  - key: sweep
    level: IV
    title: { zh: 排查, en: Sweep }
    instructions: { zh: 排查经营户, en: Sweep outlets }
    due_within: PT24H
    report_fields:
      - { name: outlets_inspected, type: integer, min: 0, required: true, label: { zh: 检查经营户, en: Outlets inspected }, unit: { zh: 家, en: outlets } }
      - { name: notes, type: text, max_length: 500, label: { zh: 说明, en: Notes } }
  - key: daily-report
    level: III
    title: { zh: 日报, en: Daily report }
    instructions: { zh: 每日报告, en: Report daily }
    ack_within: PT15M
    due_within: PT1H
    report_every: PT12H
    recurrence: { daily_at: '17:00' }
escalation:
  unacknowledged:
    - { after: PT0M, notify: district_duty_officer }
    - { after: PT30M, notify: command_centre }
  overdue: []
public_notice:
  title: { zh: 提示, en: Notice }
  description: { zh: 说明, en: Description }
  instruction: { zh: 请勿食用, en: Do not eat }
  cap: { category: [Health], urgency: Immediate, severity: Severe, certainty: Observed, response_type: [Avoid] }
`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redshield-playbooks-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function put(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

async function refusal(load: Promise<unknown>): Promise<PlaybookValidationError> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PlaybookValidationError)
  return error as PlaybookValidationError
}

const pathsOf = (issues: PlaybookIssue[]) => issues.map((i) => i.path)

describe('loading a valid playbook', () => {
  it('maps snake_case YAML to the camelCase type with defaults', async () => {
    const path = await put('drill.yaml', VALID)
    const loaded = await loadPlaybookFile(path)
    const { playbook } = loaded
    expect(loaded.path).toBe(path)
    expect(loaded.source).toBe(VALID)
    expect(loaded.hash).toBe(createHash('sha256').update(VALID).digest('hex'))
    expect(playbook.levels).toEqual([3, 4])
    const [sweep, daily] = playbook.steps
    expect(sweep).toEqual({
      key: 'sweep',
      title: { zh: '排查', en: 'Sweep' },
      instructions: { zh: '排查经营户', en: 'Sweep outlets' },
      level: 4,
      ackWithin: 'PT30M',
      dueWithin: 'PT24H',
      reportFields: [
        {
          name: 'outlets_inspected',
          label: { zh: '检查经营户', en: 'Outlets inspected' },
          type: 'integer',
          unit: { zh: '家', en: 'outlets' },
          min: 0,
          required: true,
        },
        { name: 'notes', label: { zh: '说明', en: 'Notes' }, type: 'text', maxLength: 500, required: false },
      ],
    })
    expect(daily).toMatchObject({ level: 3, ackWithin: 'PT15M', reportEvery: 'PT12H', reportFields: [] })
    expect(daily?.recurrence).toEqual({ dailyAt: '17:00' })
    expect(playbook.escalation).toEqual({
      unacknowledged: [
        { after: 'PT0M', notify: 'district_duty_officer' },
        { after: 'PT30M', notify: 'command_centre' },
      ],
      overdue: [],
      repeat: 0,
      repeatEvery: 'PT1H',
    })
    // Not said: the incident closes only by the command centre, and the key is absent from the stored version.
    expect('closesWhenDone' in playbook).toBe(false)
    expect(playbook.publicNotice.cap).toEqual({
      category: ['Health'],
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      responseType: ['Avoid'],
    })
  })

  it('accepts .yml and hashes the raw bytes, so any edit is a new version', async () => {
    const a = await loadPlaybookFile(await put('drill.yml', VALID))
    const b = await loadPlaybookFile(await put('drill.yaml', `# edited\n${VALID}`))
    expect(a.playbook).toEqual(b.playbook)
    expect(a.hash).not.toBe(b.hash)
  })

  it('accepts a byte-order mark and CRLF line ends, as Windows editors write them', async () => {
    const path = await put('drill.yaml', `\uFEFF${VALID.replaceAll('\n', '\r\n')}`)
    expect((await loadPlaybookFile(path)).playbook.steps).toHaveLength(2)
  })

  it('loads a directory sorted by name, ignoring other files', async () => {
    await put('zeta.yaml', VALID.replace('id: drill', 'id: zeta'))
    await put('alpha.yml', VALID.replace('id: drill', 'id: alpha'))
    await put('README.md', '# not a playbook')
    await mkdir(join(dir, 'nested.yaml'))
    const loaded = await loadPlaybookDir(dir)
    expect(loaded.map((l) => l.playbook.id)).toEqual(['alpha', 'zeta'])
  })
})

describe('refusing invalid playbooks', () => {
  it.each([
    [
      'a bad duration',
      VALID.replace('due_within: PT24H', 'due_within: P1M'),
      'steps[0].due_within',
      /months/,
    ],
    [
      'a duration beyond a year (activation would fail on an invalid date)',
      VALID.replace('due_within: PT24H', 'due_within: P14800000W'),
      'steps[0].due_within',
      /longer than a year/,
    ],
    ['an unknown level', VALID.replace('level: IV', 'level: V'), 'steps[0].level', /IV/],
    [
      'a duplicate step key',
      VALID.replace('key: daily-report', 'key: sweep'),
      'steps[1].key',
      /duplicate step key/,
    ],
    [
      'a missing title.zh',
      VALID.replace('{ zh: 排查, en: Sweep }', '{ en: Sweep }'),
      'steps[0].title.zh',
      /required/,
    ],
    [
      'an unknown key',
      VALID.replace('due_within: PT24H', 'due_witin: PT24H'),
      'steps[0].due_witin',
      /unknown key/,
    ],
    ['a step level outside levels', VALID.replace('level: III', 'level: I'), 'steps[1].level', /not one of/],
    ['a bad daily_at', VALID.replace("'17:00'", "'25:00'"), 'steps[1].recurrence.daily_at', /HH:MM/],
    [
      'a bad field type',
      VALID.replace('type: text', 'type: string'),
      'steps[0].report_fields[1].type',
      /integer/,
    ],
    [
      'min above max',
      VALID.replace('min: 0,', 'min: 5, max: 1,'),
      'steps[0].report_fields[0].min',
      /greater/,
    ],
    [
      'ack longer than due',
      VALID.replace('ack_within: PT15M', 'ack_within: PT2H'),
      'steps[1].ack_within',
      /exceeds/,
    ],
    [
      'rungs out of order',
      VALID.replace('after: PT30M', 'after: PT0S'),
      'escalation.unacknowledged[1].after',
      /later/,
    ],
    [
      'a repeat above 10',
      VALID.replace('overdue: []', 'overdue: []\n  repeat: 11'),
      'escalation.repeat',
      /10/,
    ],
    ['an id that is not the file name', VALID.replace('id: drill', 'id: other'), 'id', /file name "drill"/],
    [
      'a closes_when_done that is not a boolean',
      VALID.replace('steps:', 'closes_when_done: yes please\nsteps:'),
      'closes_when_done',
      /boolean/,
    ],
  ])('refuses %s with the file and field path', async (_what, text, path, message) => {
    const file = await put('drill.yaml', text)
    const { issues } = await refusal(loadPlaybookFile(file))
    expect(issues).toContainEqual(
      expect.objectContaining({ file, path, message: expect.stringMatching(message) }),
    )
    expect(await validatePlaybookFiles([file])).toEqual(issues)
  })

  it('refuses a YAML syntax error with its line number', async () => {
    const file = await put('drill.yaml', VALID.replace('levels: [IV, III]', 'levels: [IV, III'))
    const { issues, message } = await refusal(loadPlaybookFile(file))
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]).toMatchObject({ file, path: '', message: expect.stringMatching(/^YAML syntax error/) })
    expect(issues[0]?.line).toBeGreaterThanOrEqual(5)
    expect(issues[0]?.column).toBeGreaterThanOrEqual(1)
    expect(message).toMatch(/: YAML syntax error: .* \(line \d+, column \d+\)/)
    expect(message).toContain(file)
  })

  it('refuses a file that is not a mapping', async () => {
    const file = await put('drill.yaml', '- just\n- a list\n')
    const { issues } = await refusal(loadPlaybookFile(file))
    expect(issues).toEqual([expect.objectContaining({ file, path: '' })])
  })

  it('lists every problem of a file at once, each with its line', async () => {
    const text = VALID.replace('id: drill', 'id: drill-two')
      .replace('{ zh: 演练危害, en: Drill hazard }', '{ en: Drill hazard }')
      .replace('level: IV', 'level: V')
      .replace('{ zh: 排查, en: Sweep }', '{ en: Sweep }')
      .replace('due_within: PT24H', 'due_within: P1M\n    due_witin: PT1H')
      .replace('key: daily-report', 'key: sweep')
      .replace("'17:00'", "'25:00'")
      .replace('after: PT30M', 'after: PT0S')
    const file = await put('drill.yaml', text)
    const { issues, message } = await refusal(loadPlaybookFile(file))
    const expected = [
      'id',
      'hazard.zh',
      'steps[0].level',
      'steps[0].title.zh',
      'steps[0].due_within',
      'steps[0].due_witin',
      'steps[1].key',
      'steps[1].recurrence.daily_at',
      'escalation.unacknowledged[1].after',
    ]
    expect(pathsOf(issues)).toEqual(expect.arrayContaining(expected))
    expect(message.split('\n').slice(1)).toHaveLength(issues.length)
    for (const issue of issues) expect(message).toContain(`${file}: ${issue.path}: ${issue.message}`)
    const lines = text.split('\n')
    const dueIssue = issues.find((i) => i.path === 'steps[0].due_within')
    expect(lines[dueIssue!.line! - 1]).toContain('due_within: P1M')
  })

  it('lists the problems of every file in a directory at once and loads none', async () => {
    const good = await put('alpha.yaml', VALID.replace('id: drill', 'id: alpha'))
    const bad = await put('bravo.yaml', VALID.replace('id: drill', 'id: bravo').replace('PT24H', 'PT24X'))
    const broken = await put('charlie.yaml', 'id: charlie\nname: [unclosed\n')
    const { issues } = await refusal(loadPlaybookDir(dir))
    expect(new Set(issues.map((i) => i.file))).toEqual(new Set([bad, broken]))
    expect(issues.some((i) => i.file === good)).toBe(false)
  })

  it('refuses two files with the same id', async () => {
    await put('drill.yaml', VALID)
    const second = await put('drill.yml', VALID)
    const { issues } = await refusal(loadPlaybookDir(dir))
    expect(issues).toEqual([
      expect.objectContaining({ file: second, path: 'id', message: expect.stringMatching(/also used/) }),
    ])
  })

  it('refuses a missing file or directory', async () => {
    await refusal(loadPlaybookFile(join(dir, 'missing.yaml')))
    await refusal(loadPlaybookDir(join(dir, 'missing')))
  })
})

describe('validatePlaybookFiles', () => {
  it('returns nothing for valid files and directories', async () => {
    const file = await put('drill.yaml', VALID)
    expect(await validatePlaybookFiles([file])).toEqual([])
    expect(await validatePlaybookFiles([dir])).toEqual([])
  })

  it('reports a missing path and a directory with no playbooks', async () => {
    const empty = join(dir, 'empty')
    await mkdir(empty)
    const issues = await validatePlaybookFiles([join(dir, 'missing.yaml'), empty])
    expect(issues.map((i) => i.file)).toEqual([join(dir, 'missing.yaml'), empty])
  })
})
