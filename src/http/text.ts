import { z } from '@hono/zod-openapi'
import { hasBidiControl, isInvisible } from '../domain/text.js'

/**
 * Shared text rules for input fields. Every free-text field is trimmed; titles and names must hold at least
 * one visible character (not only spaces, zero-width or control characters); names must not carry bidi
 * override/isolate controls, which can make a name read differently from what it is (Trojan Source).
 */

// The rule's own words in both languages travel in `params`; the validation hook renders the caller's.
const visible = { zh: '须含有可见字符', en: 'must contain a visible character' }
const noBidi = {
  zh: '不得含有双向文本控制字符 (U+202A–U+202E, U+2066–U+2069)',
  en: 'must not contain bidirectional override characters',
}

/** A trimmed title or text of at most `max` characters with something visible in it. */
export const visibleText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // An empty string is min(1)'s to report, once.
    .refine((s) => s.length === 0 || !isInvisible(s), { message: visible.en, params: visible })
    .openapi({ description: `Trimmed; at least one visible character; at most ${max} characters` })

/** A name: like `visibleText`, and without bidi override or isolate controls (U+202A–U+202E, U+2066–U+2069). */
export const nameText = (max: number) =>
  visibleText(max)
    .refine((s) => !hasBidiControl(s), { message: noBidi.en, params: noBidi })
    .openapi({
      description: `Trimmed; at least one visible character; no bidi override characters; at most ${max} characters`,
    })

/** Free text (notes, reasons): trimmed, at most `max` characters. */
export const trimmedText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .openapi({ description: `Trimmed; at most ${max} characters` })
