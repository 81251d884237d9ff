import { join } from 'node:path'
import { loadYamlFile } from '../rules/yaml-file.js'
import { type CreditRules, creditRulesSchema } from './credit-rules.schema.js'

export interface LoadedCreditRules {
  rules: CreditRules
  /** sha256 of the file: the version every class records. */
  hash: string
  source: string
  path: string
}

/** The credit rules beside the playbooks (`<PLAYBOOKS_DIR>/rules/credit.yaml`); every problem at once. */
export async function loadCreditRules(playbooksDir: string): Promise<LoadedCreditRules> {
  const file = join(playbooksDir, 'rules', 'credit.yaml')
  const loaded = await loadYamlFile(file, creditRulesSchema, 'credit rules')
  return { rules: loaded.value, hash: loaded.hash, source: loaded.source, path: file }
}
