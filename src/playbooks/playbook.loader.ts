import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import {
  formatIssue,
  formatPath,
  parseYaml,
  type RulesIssue,
  RulesValidationError,
  readFailure,
} from '../rules/yaml-file.js'
import { type Playbook, playbookFileSchema } from './playbook.schema.js'

export interface LoadedPlaybook {
  playbook: Playbook
  /** sha256 hex of the raw file bytes: the version an incident pins. */
  hash: string
  source: string
  path: string
}

export type PlaybookIssue = RulesIssue
export { formatIssue, formatPath }

export class PlaybookValidationError extends RulesValidationError {
  override readonly name = 'PlaybookValidationError'
  constructor(issues: PlaybookIssue[]) {
    super(issues, 'playbooks')
  }
}

export async function loadPlaybookFile(path: string): Promise<LoadedPlaybook> {
  const [loaded] = await loadPlaybookFiles([path])
  return loaded!
}

/** Every `*.yaml` / `*.yml` file in `dir`, sorted by name; all or nothing. */
export async function loadPlaybookDir(dir: string): Promise<LoadedPlaybook[]> {
  let names: string[]
  try {
    names = await yamlFilesIn(dir)
  } catch (e) {
    throw new PlaybookValidationError([{ file: dir, path: '', message: readFailure(e) }])
  }
  return loadPlaybookFiles(names.map((name) => join(dir, name)))
}

/** Loads the files, or throws one error listing every problem in every file. */
export async function loadPlaybookFiles(paths: string[]): Promise<LoadedPlaybook[]> {
  const { files, issues } = await checkPlaybookFiles(paths)
  if (issues.length > 0) throw new PlaybookValidationError(issues)
  return files.map((f) => f.loaded!)
}

/** Every problem in the given files and directories (their yaml files); empty when all are valid. */
export async function validatePlaybookFiles(paths: string[]): Promise<PlaybookIssue[]> {
  const { issues } = await checkPlaybookPaths(paths)
  return issues
}

export interface CheckedFile {
  file: string
  /** Present only when the file has no issue at all. */
  loaded?: LoadedPlaybook
}

/** Like validatePlaybookFiles, but also reports which files are valid, for the CLI. */
export async function checkPlaybookPaths(
  paths: string[],
): Promise<{ files: CheckedFile[]; issues: PlaybookIssue[] }> {
  const files: string[] = []
  const issues: PlaybookIssue[] = []
  for (const path of paths) {
    try {
      if (!(await stat(path)).isDirectory()) {
        files.push(path)
        continue
      }
      const names = await yamlFilesIn(path)
      if (names.length === 0)
        issues.push({ file: path, path: '', message: 'no playbook files (*.yaml, *.yml) here' })
      files.push(...names.map((name) => join(path, name)))
    } catch (e) {
      issues.push({ file: path, path: '', message: readFailure(e) })
    }
  }
  const checked = await checkPlaybookFiles(files)
  return { files: checked.files, issues: [...issues, ...checked.issues] }
}

async function checkPlaybookFiles(
  paths: string[],
): Promise<{ files: CheckedFile[]; issues: PlaybookIssue[] }> {
  const results = await Promise.all(paths.map(checkFile))
  const firstById = new Map<string, string>()
  for (const r of results) {
    if (!r.loaded) continue
    const id = r.loaded.playbook.id
    const first = firstById.get(id)
    if (first === undefined) firstById.set(id, r.file)
    else {
      r.issues.push({ file: r.file, path: 'id', message: `playbook id "${id}" is also used by ${first}` })
      delete r.loaded
    }
  }
  return {
    files: results.map(({ file, loaded }) => ({ file, ...(loaded && { loaded }) })),
    issues: results.flatMap((r) => r.issues),
  }
}

async function checkFile(file: string): Promise<CheckedFile & { issues: PlaybookIssue[] }> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    return { file, issues: [{ file, path: '', message: readFailure(e) }] }
  }
  const parsed = parseYaml(file, bytes, playbookFileSchema)
  const { issues, data } = parsed
  if (data === undefined) return { file, issues }
  // The file name is the id that incidents and URLs use, so a renamed file must not keep an old id.
  const expected = basename(file, extname(file))
  const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined
  if (typeof id === 'string' && id !== expected) {
    issues.push(parsed.at(['id'], `"${id}" must match the file name "${expected}"`))
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  }
  if (!parsed.value || issues.length > 0) return { file, issues }
  return {
    file,
    issues,
    loaded: { playbook: parsed.value, hash: parsed.hash, source: parsed.source, path: file },
  }
}

async function yamlFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
}
