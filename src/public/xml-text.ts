// Characters XML 1.0 cannot carry: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it replaces
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text for an xmlbuilder2 text node or attribute, escaped exactly once. xmlbuilder2 leaves anything that
 * looks like an entity (`&amp;`, `&nbsp;`, `&#0;`) as it is, so a typed `&amp;` came out as `&` and a typed
 * `&nbsp;` made the document ill-formed. Every `&` is written here as `&amp;`, which the writer then keeps:
 * the reader gets back exactly what was typed. Characters XML cannot carry are refused at intake; any
 * stored before that rule become U+FFFD here rather than break a feed for everyone.
 */
export const xmlText = (s: string): string => s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;')
