import { TextDecoder } from 'node:util'
import { AppError, issue, validationFailed } from '../domain/errors.js'

/**
 * A CSV file's bytes as text, whatever saved it. Excel on a Chinese Windows saves "CSV" in GB18030 (GBK)
 * without saying so, and "Unicode text" as UTF-16 with a byte-order mark; everything else writes UTF-8.
 * In order: a byte-order mark (UTF-8, UTF-16 LE or BE) decides; else a `charset` the sender declared (a
 * Content-Type parameter); else the bytes are read as UTF-8 if they are valid UTF-8, and as GB18030 if not
 * (GB18030 decodes any byte sequence, so it comes last). Node's TextDecoder knows all of these.
 */
export function decodeCsv(bytes: Uint8Array, contentType?: string | null): string {
  const bom = bomEncoding(bytes)
  if (bom) return new TextDecoder(bom).decode(bytes) // the decoder drops the mark
  const declared = charsetOf(contentType)
  if (declared) {
    let decoder: TextDecoder
    try {
      decoder = new TextDecoder(declared, { fatal: true })
    } catch {
      throw new AppError('unsupported_media_type', {
        zh: `不支持的字符集「${declared}」：请用 UTF-8 或 GB18030`,
        en: `unsupported charset "${declared}": use UTF-8 or GB18030`,
      })
    }
    try {
      return decoder.decode(bytes)
    } catch {
      throw validationFailed([
        issue(
          'body',
          { zh: `文件内容不是有效的 ${declared} 编码`, en: `the file is not valid ${declared}` },
          'invalid_encoding',
        ),
      ])
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('gb18030').decode(bytes)
  }
}

function bomEncoding(b: Uint8Array): string | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8'
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le'
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be'
  return undefined
}

/** The `charset` parameter of a Content-Type, lower-cased, unquoted; undefined when there is none. */
function charsetOf(contentType: string | null | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')
  return m?.[1]?.toLowerCase()
}
