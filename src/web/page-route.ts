import { z } from '@hono/zod-openapi'

/** HTML in the OpenAPI document: pages are operations like the API's (operationId, strict query). */
export const htmlResponse = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
})

/** What a page answers: HTML, or 304 when the client holds the current version. */
export const pageResponses = {
  200: htmlResponse('The page'),
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
}
