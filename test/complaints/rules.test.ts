import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { complaintRulesSchema } from '../../src/complaints/complaint-rules.js'
import { parseVersionedYaml, RulesFileError } from '../../src/playbooks/versioned-file.js'
import { loadSignalRules } from '../../src/signals/signal-rules.js'
import { PLAYBOOKS_DIR } from '../helpers/test-app.js'

describe('rules files are validated and versioned like playbooks', () => {
  it('the shipped file loads; its version is the content hash', () => {
    const path = join(PLAYBOOKS_DIR, 'complaints', 'rules.yaml')
    const loaded = parseVersionedYaml(path, readFileSync(path), complaintRulesSchema)
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(loaded.value.clocks).toEqual({
      complaint: { decide: 7, close: 45 },
      report: { decide: 15, close: 15 },
      enquiry: { decide: 7, close: 7 },
    })
  })

  it('names the file, the field and the line of every problem', () => {
    const bad = Buffer.from(
      'version: 1\nclocks:\n  complaint: { decide: 0, close: 45 }\n  report: { decide: 15, close: 15 }\n  enquiry: { decide: 7, close: 7 }\nladder: []\nduplicate_minutes: 10\ndecline_reasons:\n  - { code: BAD CODE, text: { zh: 甲, en: a } }\n',
    )
    try {
      parseVersionedYaml('rules.yaml', bad, complaintRulesSchema)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(RulesFileError)
      const problems = (e as RulesFileError).problems.join('\n')
      expect(problems).toMatch(/rules\.yaml: clocks\.complaint\.decide: .*\(line 3\)/)
      expect(problems).toMatch(/rules\.yaml: ladder: /)
      expect(problems).toMatch(/decline_reasons\.0\.code: .*\(line 9\)/)
    }
  })

  it('signal rules: the shipped ones load, a rule naming an unknown playbook or a duplicate id is refused', () => {
    const shipped = loadSignalRules(join(PLAYBOOKS_DIR, 'signals'), () => true)
    expect(shipped.map((r) => r.id).sort()).toEqual([
      'hazard-words',
      'same-brand',
      'same-business',
      'same-product-batch',
    ])
    expect(shipped.find((r) => r.id === 'same-product-batch')).toMatchObject({ threshold: 8, window_days: 7 })
    const dir = mkdtempSync(join(tmpdir(), 'signals-'))
    const rule =
      'id: twice\nname: { zh: 甲, en: a }\nmatch: brand\nthreshold: 3\nwindow_days: 7\ndedup_days: 7\nsuggest: { playbook: nope, level: IV }\n'
    writeFileSync(join(dir, 'a.yaml'), rule)
    writeFileSync(join(dir, 'b.yaml'), rule)
    expect(() => loadSignalRules(dir, (id) => id !== 'nope')).toThrow(/no playbook "nope"[\s\S]*also used by/)
  })
})
