import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isNode, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'

/**
 * A rules file read like a playbook: YAML checked against a schema, every problem listed with the file, the
 * field and the line; the version is the sha256 of the bytes, recorded on what the rules decided.
 */
export interface Versioned<T> {
  value: T
  hash: string
  path: string
}

export class RulesFileError extends Error {
  override readonly name = 'RulesFileError'
  constructor(readonly problems: string[]) {
    super(`invalid rules file (${problems.length} problem(s)):\n${problems.join('\n')}`)
  }
}

export function loadVersionedYaml<S extends z.ZodType>(path: string, schema: S): Versioned<z.output<S>> {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    throw new RulesFileError([`${path}: cannot read: ${(e as Error).message}`])
  }
  return parseVersionedYaml(path, bytes, schema)
}

export function parseVersionedYaml<S extends z.ZodType>(
  path: string,
  bytes: Buffer,
  schema: S,
): Versioned<z.output<S>> {
  const lines = new LineCounter()
  const doc = parseDocument(bytes.toString('utf8'), {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
  })
  if (doc.errors.length > 0)
    throw new RulesFileError(
      doc.errors.map(
        (e) => `${path}: YAML syntax error: ${e.message} (line ${lines.linePos(e.pos[0]).line})`,
      ),
    )
  const parsed = schema.safeParse(doc.toJS())
  if (!parsed.success)
    throw new RulesFileError(
      parsed.error.issues.map((i) => {
        const node = doc.getIn(i.path as (string | number)[], true)
        const line = isNode(node) && node.range ? ` (line ${lines.linePos(node.range[0]).line})` : ''
        const field = i.path.map(String).join('.')
        return `${path}: ${field ? `${field}: ` : ''}${i.message}${line}`
      }),
    )
  return { value: parsed.data, hash: createHash('sha256').update(bytes).digest('hex'), path }
}
