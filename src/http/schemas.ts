import { z } from '@hono/zod-openapi'

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string(),
    requestId: z.string().optional(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .optional(),
  })
  .openapi('Problem')

export const problemContent = { 'application/problem+json': { schema: ProblemSchema } }

export const problem = (description: string) => ({ description, content: problemContent })

export const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
