import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'

// ajv-formats is CommonJS with a default export: under NodeNext the plugin is the module's `default`.
const addFormats = (formats as unknown as { default: typeof formats.default }).default

/**
 * The served OpenAPI 3.1 document read as a third-party client reads it: its schemas are JSON Schema 2020-12,
 * compiled by ajv in strict mode (an unknown keyword, a malformed pattern or a contradiction ajv can see is an
 * error, not a warning). The OpenAPI vocabulary's own keywords (`example`, `discriminator`, `xml`,
 * `externalDocs`) are annotations, as the 3.1 dialect defines them. Union types (`["string", "null"]`) are how
 * 3.1 writes nullable, so they are allowed.
 */

type Schema = Record<string, unknown>
interface Response {
  description?: string
  content?: Record<string, { schema?: Schema }>
}
export interface OpenApi {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, Response> }>>
  components: { schemas: Record<string, Schema> }
}

const BASE = 'https://redshield.invalid/openapi.json'

/** `#/components/schemas/X` → the same schema inside the one registered document. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
      out[k] = `${BASE}#/$defs/${v.slice('#/components/schemas/'.length)}`
    else out[k] = rebase(v)
  }
  return out
}

export interface Answer {
  status: number
  headers: Headers
  body: unknown
  text: string
}

export class ResponseContract {
  readonly ajv: Ajv2020
  private readonly cache = new Map<string, ValidateFunction>()

  constructor(readonly doc: OpenApi) {
    this.ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
    addFormats(this.ajv)
    for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) this.ajv.addKeyword(keyword)
    this.ajv.addSchema({ $id: BASE, $defs: rebase(doc.components.schemas) as Schema })
  }

  /** Compiles every component schema; answers the names that fail with ajv's reason. */
  compileComponents(): string[] {
    const failures: string[] = []
    for (const name of Object.keys(this.doc.components.schemas)) {
      try {
        this.ajv.getSchema(`${BASE}#/$defs/${name}`) ?? failures.push(`${name}: not found`)
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`)
      }
    }
    return failures
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    const cached = this.cache.get(key)
    if (cached) return cached
    const compiled = this.ajv.compile(rebase(schema) as Schema)
    this.cache.set(key, compiled)
    return compiled
  }

  /**
   * What is wrong with an answer of `method path` (the document's path template): its status must be declared,
   * its media type declared for that status, and its body valid against the declared schema. Empty when the
   * answer keeps the contract.
   */
  check(method: string, path: string, answer: Answer): string[] {
    const op = this.doc.paths[path]?.[method.toLowerCase()]
    if (!op) return [`${method} ${path} is not in the document`]
    const declared = op.responses?.[String(answer.status)]
    if (!declared)
      return [
        `${answer.status} is not declared (declared: ${Object.keys(op.responses ?? {}).join(', ')}): ${answer.text.slice(0, 300)}`,
      ]
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
    const content = declared.content ?? {}
    if (Object.keys(content).length === 0)
      return answer.text === '' ? [] : [`${answer.status} declares no body but one came (${contentType})`]
    const media = content[contentType]
    if (!media)
      return [
        `${answer.status} answered ${contentType || 'no content type'}; declared ${Object.keys(content)}`,
      ]
    if (!media.schema) return []
    // JSON is validated as parsed; any other media type is a string (HTML, CSV, XML). A stream has no end.
    if (contentType === 'text/event-stream') return []
    const json = contentType === 'application/json' || contentType.endsWith('+json')
    const validate = this.validator(`${method} ${path} ${answer.status} ${contentType}`, media.schema)
    if (validate(json ? answer.body : answer.text)) return []
    return (validate.errors ?? []).map(
      (e) =>
        `${answer.status} ${contentType}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
    )
  }
}

/**
 * `allOf` of two members that each close their properties admits only objects with no properties outside
 * both: a response built that way can never be satisfied. Answers the places where that shape occurs.
 */
export function closedAllOfs(doc: OpenApi): string[] {
  const found: string[] = []
  const resolve = (s: Schema): Schema => {
    const ref = s.$ref
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
      return doc.components.schemas[ref.slice('#/components/schemas/'.length)] ?? s
    return s
  }
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) walk(n, `${where}/${i}`)
      return
    }
    if (!node || typeof node !== 'object') return
    const s = node as Schema
    if (Array.isArray(s.allOf)) {
      const closed = (s.allOf as Schema[]).map(resolve).filter((m) => m.additionalProperties === false)
      if (closed.length > 1) found.push(where)
    }
    for (const [k, v] of Object.entries(s)) if (k !== 'example') walk(v, `${where}/${k}`)
  }
  walk(doc.components.schemas, '#/components/schemas')
  walk(doc.paths, '#/paths')
  return found
}
