import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type Document, isNode, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'

/** One problem in a rules file (a playbook, the credit rules…): the file, the field path, the line. */
export interface RulesIssue {
  file: string
  /** Field path in YAML key names, e.g. `steps[3].due_within`; empty for the whole file. */
  path: string
  message: string
  /** 1-based line in the file, when the problem can be placed. */
  line?: number
  /** 1-based column, for YAML syntax errors. */
  column?: number
}

/** One line per issue: `file: path: message (line n)`. */
export function formatIssue(issue: RulesIssue): string {
  const where = issue.path ? `${issue.path}: ` : ''
  const column = issue.column === undefined ? '' : `, column ${issue.column}`
  const line = issue.line === undefined ? '' : ` (line ${issue.line}${column})`
  return `${issue.file}: ${where}${issue.message}${line}`
}

export class RulesValidationError extends Error {
  override readonly name: string = 'RulesValidationError'
  constructor(
    readonly issues: RulesIssue[],
    what = 'rules',
  ) {
    super(
      `invalid ${what} (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues.map(formatIssue).join('\n')}`,
    )
  }
}

export interface ParsedYaml<T> {
  /** Present only when the file has no issue at all. */
  value?: T
  /** sha256 hex of the raw bytes: the version a decision pins. */
  hash: string
  source: string
  data: unknown
  issues: RulesIssue[]
  /** Places a further issue (one the schema cannot see) at its line. */
  at(segments: readonly PropertyKey[], message: string): RulesIssue
}

/**
 * Parses YAML text against a zod schema: every problem at once, each with its field path in the file's own
 * key names and its line, in reading order. A syntax error stops there (the structure cannot be trusted).
 */
export function parseYaml<S extends z.ZodType>(
  file: string,
  bytes: Buffer,
  schema: S,
): ParsedYaml<z.output<S>> {
  const source = bytes.toString('utf8')
  const hash = createHash('sha256').update(bytes).digest('hex')
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const at = (segments: readonly PropertyKey[], message: string): RulesIssue => ({
    file,
    path: formatPath(segments),
    message,
    ...lineOf(doc, lineCounter, segments),
  })
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((err) => {
      const { line, col } = lineCounter.linePos(err.pos[0])
      return { file, path: '', message: `YAML syntax error: ${err.message}`, line, column: col }
    })
    return { hash, source, data: undefined, issues, at }
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 })
  const parsed = schema.safeParse(data, { error: requiredMessage })
  const issues = (parsed.error?.issues ?? []).flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => at([...i.path, key], 'unknown key'))
      : [at(i.path, i.message)],
  )
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return { hash, source, data, issues, at, ...(parsed.success && { value: parsed.data }) }
}

/** Reads and parses one rules file; throws `RulesValidationError` listing every problem. */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S, what: string) {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    throw new RulesValidationError([{ file, path: '', message: readFailure(e) }], what)
  }
  const parsed = parseYaml(file, bytes, schema)
  if (parsed.issues.length > 0 || parsed.value === undefined)
    throw new RulesValidationError(parsed.issues, what)
  return { value: parsed.value as z.output<S>, hash: parsed.hash, source: parsed.source, path: file }
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

export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  return code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(e as Error).message}`
}
