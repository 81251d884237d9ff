/**
 * Text rules every entry point shares (API schemas, CLI, services). Titles and names must hold something a
 * reader can see; names must not carry bidi override or isolate controls, which make a name read differently
 * from what it is (Trojan Source).
 */

// Whitespace, controls, zero-width and other format characters, Braille and Hangul fillers: nothing visible.
const INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{Zs}\u2800\u3164\uFFA0]*$/u
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u

export const isInvisible = (s: string) => INVISIBLE.test(s)
export const hasBidiControl = (s: string) => BIDI_CONTROL.test(s)
