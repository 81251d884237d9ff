import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { type Document, isNode, LineCounter, parseDocument } from 'yaml'
import { type Playbook, playbookFileSchema } from './playbook.schema.js'

export interface LoadedPlaybook {
  playbook: Playbook
  /** sha256 hex of the raw file bytes: the version an incident pins. */
  hash: string
  source: string
  path: string
}

export interface PlaybookIssue {
  file: string
  /** Field path in YAML key names, e.g. `steps[3].due_within`; empty for the whole file. */
  path: string
  message: string
  /** 1-based line in the file, when the problem can be placed. */
  line?: number
  /** 1-based column, for YAML syntax errors. */
  column?: number
}

export class PlaybookValidationError extends Error {
  override readonly name = 'PlaybookValidationError'
  readonly issues: PlaybookIssue[]

  constructor(issues: PlaybookIssue[]) {
    super(
      `invalid playbooks (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues.map(formatIssue).join('\n')}`,
    )
    this.issues = issues
  }
}

/** One line per issue: `file: path: message (line n)`. */
export function formatIssue(issue: PlaybookIssue): string {
  const where = issue.path ? `${issue.path}: ` : ''
  const column = issue.column === undefined ? '' : `, column ${issue.column}`
  const line = issue.line === undefined ? '' : ` (line ${issue.line}${column})`
  return `${issue.file}: ${where}${issue.message}${line}`
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
  const source = bytes.toString('utf8')
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    // The structure cannot be trusted past a syntax error, so the schema is not consulted.
    const issues = doc.errors.map((err) => {
      const { line, col } = lineCounter.linePos(err.pos[0])
      return { file, path: '', message: `YAML syntax error: ${err.message}`, line, column: col }
    })
    return { file, issues }
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 })
  const parsed = playbookFileSchema.safeParse(data, { error: requiredMessage })
  const at = (segments: PropertyKey[], message: string): PlaybookIssue => ({
    file,
    path: formatPath(segments),
    message,
    ...lineOf(doc, lineCounter, segments),
  })
  const issues = (parsed.error?.issues ?? []).flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => at([...i.path, key], 'unknown key'))
      : [at(i.path, i.message)],
  )
  // The file name is the id that incidents and URLs use, so a renamed file must not keep an old id.
  const expected = basename(file, extname(file))
  const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined
  if (typeof id === 'string' && id !== expected) {
    issues.push({
      file,
      path: 'id',
      message: `"${id}" must match the file name "${expected}"`,
      ...lineOf(doc, lineCounter, ['id']),
    })
  }
  // Reading order is easier to work through than zod's order, which visits refinements last.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  if (!parsed.success || issues.length > 0) return { file, issues }
  const hash = createHash('sha256').update(bytes).digest('hex')
  return { file, issues, loaded: { playbook: parsed.data, hash, source, path: file } }
}

/** Says "required" rather than zod's "expected string, received undefined" for a missing key. */
const requiredMessage = (iss: { code: string; input?: unknown }) =>
  iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined

/** `steps[2].report_fields[0].type`, in the YAML's own key names. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : `${out}${out ? '.' : ''}${String(part)}`),
    '',
  )
}

/** The line of the deepest node on `segments` that exists in the document. */
function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly PropertyKey[],
): { line?: number } {
  // The root itself is no location: a key missing at the top is anywhere in the file.
  for (let depth = segments.length; depth > 0; depth--) {
    const node = doc.getIn(segments.slice(0, depth), true)
    if (isNode(node) && node.range) return { line: lineCounter.linePos(node.range[0]).line }
  }
  return {}
}

async function yamlFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
}

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  return code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(e as Error).message}`
}
