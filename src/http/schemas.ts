import { z } from '@hono/zod-openapi'
import { LEVEL_NAMES, OVERDUE_KINDS } from '../domain/enums.js'
import { PROBLEM_CODES } from '../domain/errors.js'

export const ProblemSchema = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(PROBLEM_CODES),
    detail: z.string().optional(),
    instance: z.string(),
    requestId: z.string().optional(),
    current: z.string().optional().openapi({ description: 'invalid_state: the current state' }),
    pending: z
      .array(z.string())
      .optional()
      .openapi({ description: 'service_unavailable: pending migrations' }),
    reassignedTo: z
      .uuid()
      .optional()
      .openapi({ description: 'conflict on reassigning: the task it was already reassigned to' }),
    issueCount: z.number().int().optional().openapi({ description: 'How many issues in all' }),
    issues: z
      .array(z.strictObject({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .max(100)
      .optional()
      .openapi({ description: 'The first 100 issues' }),
  })
  .openapi('Problem')

export const problemContent = { 'application/problem+json': { schema: ProblemSchema } }

export const problem = (description: string) => ({ description, content: problemContent })

export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } })

/**
 * A path id that is a UUID. The document declares the format and the bound; the server answers 404, not 422,
 * for any other string under the bound (it names no row), as it always has.
 */
export const uuidParam = (name: string) =>
  z
    .string()
    .max(36)
    .openapi({
      param: { name, in: 'path' },
      format: 'uuid',
      example: '01939a4e-7d1c-7b2a-9f3e-5c6d7e8f9a0b',
    })

export const IdParam = z.strictObject({ id: uuidParam('id') })

/** A path id that is a code (playbooks: kebab-case): its pattern and bound are declared; anything else is a 404. */
export const codeParam = (name: string, pattern: RegExp, maxLength: number, example: string) =>
  z
    .string()
    .max(maxLength)
    .openapi({ param: { name, in: 'path' }, pattern: pattern.source, example })

export const TextSchema = z.strictObject({ zh: z.string(), en: z.string() }).openapi('Text')

export const LevelSchema = z.enum(LEVEL_NAMES).openapi('Level', {
  description: 'Response level: I 特别重大, II 重大, III 较大, IV 一般 (I is the most severe)',
})

export const OverdueSchema = z
  .enum(OVERDUE_KINDS)
  .nullable()
  .openapi({ description: 'Why the task is late: not acknowledged in time, or past its due time' })

export const timestamp = () => z.string().openapi({ format: 'date-time' })

export const DistrictCodeSchema = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code')

/** A district code in a path: the pattern and its bound. */
export const DistrictCodeParam = DistrictCodeSchema.max(6).openapi({
  param: { name: 'code', in: 'path' },
  example: '510104',
})
export { pageSchema } from './pagination.js'
