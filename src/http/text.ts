import { z } from '@hono/zod-openapi'

/**
 * Shared text rules for input fields. Every free-text field is trimmed; titles and names must hold at least
 * one visible character (not only spaces, zero-width or control characters); names must not carry bidi
 * override/isolate controls, which can make a name read differently from what it is (Trojan Source).
 */

// Whitespace, controls, zero-width and other format characters: nothing a reader sees.
const INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{Zs}\u2800\u3164\uFFA0]*$/u
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u

const visibleMessage = {
  error: () => ({ message: 'must contain a visible character' }),
}

/** A trimmed title or text of at most `max` characters with something visible in it. */
export const visibleText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !INVISIBLE.test(s), { ...visibleMessage, params: { rule: 'visible' } })
    .openapi({ description: `Trimmed; at least one visible character; at most ${max} characters` })

/** A name: like `visibleText`, and without bidi override or isolate controls (U+202A–U+202E, U+2066–U+2069). */
export const nameText = (max: number) =>
  visibleText(max)
    .refine((s) => !BIDI_CONTROL.test(s), {
      error: () => ({ message: 'must not contain bidirectional override characters' }),
      params: { rule: 'no_bidi' },
    })
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

export const hasBidiControl = (s: string) => BIDI_CONTROL.test(s)
export const isInvisible = (s: string) => INVISIBLE.test(s)
