/**
 * How names and addresses are compared across registers (samples, retailers, businesses): NFKC (full-width
 * letters, digits and the ideographic space become half-width), no whitespace at all, lower case.
 */
/** ASCII, full-width (U+3000) and no-break spaces: what every register strips or collapses. */
export const SPACES = /[\s\u3000\u00a0]+/g

export function normaliseName(name: string | null | undefined): string {
  return (name ?? '').normalize('NFKC').replace(SPACES, '').toLowerCase()
}

/**
 * Published tables write a placeholder where a field is not given (`/`, `—`, `-`, `无`, full-width forms too):
 * such a value means "not given", never a name.
 */
const NOT_GIVEN = /^(?:[/／\\＼\-－—–―_＿·.。]+|无|無|n\/?a|none)?$/i

export const isNotGiven = (value: string | null | undefined): boolean =>
  NOT_GIVEN.test((value ?? '').normalize('NFKC').replace(SPACES, ''))
