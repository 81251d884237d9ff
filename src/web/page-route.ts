import { z } from '@hono/zod-openapi'

/** HTML in the OpenAPI document: pages are operations like the API's (operationId, strict query). */
export const htmlResponse = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
})

/**
 * What a page answers: HTML, or 304 when the client holds the current version; a bad address (an unknown
 * parameter, a value too long) is a page too, saying what is wrong in sentences, in the page's language.
 */
export const pageResponses = {
  200: htmlResponse('The page'),
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  422: htmlResponse('The address is wrong: a page saying what, in sentences'),
}
