import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runPlaybooksValidate } from '../../src/cli/playbooks-validate.js'

const shipped = fileURLToPath(new URL('../../playbooks', import.meta.url))

function capture() {
  const logs: string[] = []
  const errors: string[] = []
  return { logs, errors, out: { log: (s: string) => logs.push(s), error: (s: string) => errors.push(s) } }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redshield-validate-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('runPlaybooksValidate', () => {
  it('validates the default directory when given no files, printing one ok line per playbook', async () => {
    const { logs, errors, out } = capture()
    expect(await runPlaybooksValidate([], out, shipped)).toBe(0)
    expect(errors).toEqual([])
    expect(logs).toContainEqual(
      expect.stringMatching(/^ok \S*sudan-red\.yaml sudan-red [0-9a-f]{12} \(12 steps\)$/),
    )
    expect(logs.filter((l) => l.startsWith('ok '))).toHaveLength(logs.length)
    expect(logs.length).toBeGreaterThanOrEqual(4)
  })

  it('validates only the files it is given', async () => {
    const { logs, out } = capture()
    const file = join(shipped, 'swine-streptococcus.yaml')
    expect(await runPlaybooksValidate([file], out, '/nonexistent')).toBe(0)
    expect(logs).toEqual([expect.stringMatching(/^ok \S+ swine-streptococcus [0-9a-f]{12} \(\d+ steps\)$/)])
  })

  it('prints every problem as file: path: message and exits 1, still reporting the valid files', async () => {
    const good = join(dir, 'sudan-red.yaml')
    await copyFile(join(shipped, 'sudan-red.yaml'), good)
    const bad = join(dir, 'bad.yaml')
    await writeFile(bad, 'id: worse\nname: { zh: 坏 }\n')
    const { logs, errors, out } = capture()
    expect(await runPlaybooksValidate([dir], out, shipped)).toBe(1)
    expect(logs).toEqual([expect.stringMatching(/^ok \S+sudan-red\.yaml sudan-red /)])
    expect(errors).toContain(`${bad}: name.en: required (line 2)`)
    expect(errors).toContainEqual(
      expect.stringMatching(/bad\.yaml: id: "worse" must match the file name "bad"/),
    )
    expect(errors).toContainEqual(expect.stringMatching(/bad\.yaml: steps: required$/))
    expect(errors.at(-1)).toMatch(/problems in 1 file$/)
  })

  it('exits 1 for a missing file', async () => {
    const { errors, out } = capture()
    expect(await runPlaybooksValidate([join(dir, 'nope.yaml')], out, shipped)).toBe(1)
    expect(errors[0]).toBe(`${join(dir, 'nope.yaml')}: no such file or directory`)
  })

  it('exits 1 for an unknown option and 0 for --help', async () => {
    const bad = capture()
    expect(await runPlaybooksValidate(['--fix'], bad.out, shipped)).toBe(1)
    expect(bad.errors[0]).toMatch(/unknown option --fix/)
    const help = capture()
    expect(await runPlaybooksValidate(['--help'], help.out, shipped)).toBe(0)
    expect(help.logs[0]).toMatch(/^usage:/)
  })
})
