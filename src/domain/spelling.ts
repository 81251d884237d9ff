// Invisible characters a pasted name may carry (zero-width space and joiners, soft hyphen, word joiner, BOM,
// direction marks): they must hide nothing, on either side of a match.
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g
const ROMAN: Record<string, string> = {
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
  vi: '6',
  vii: '7',
  viii: '8',
  ix: '9',
  x: '10',
}
// A Roman numeral standing alone or after a Chinese character (苏丹红Ⅰ → 苏丹红i after NFKC), not inside a
// Latin word or a code (vitamin, v1).
const ROMAN_NUMERAL = /(^|[\p{Script=Han}\s(（、,，–-])(viii|vii|vi|iv|ix|iii|ii|i|v|x)(?![a-z0-9])/gu
const CHINESE_DIGIT: Record<string, string> = {
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
}

/**
 * The one spelling both sides of a match are reduced to: NFKC (full-width ＡＢ１ → ab1, Ⅰ → I), invisible
 * characters dropped, lower case, spaces collapsed; numbered names written any way people write them
 * (苏丹红Ⅰ, 苏丹红I, 苏丹红1号, 苏丹红一号 → 苏丹红1).
 */
export const normalize = (s: string) =>
  s
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/([一二三四五六七八九])号/g, (_, d: string) => `${CHINESE_DIGIT[d]}号`)
    .replace(ROMAN_NUMERAL, (_, before: string, r: string) => `${before}${ROMAN[r]}`)
    .replace(/(\d)号/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
