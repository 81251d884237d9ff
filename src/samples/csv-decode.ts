import { createHash } from 'node:crypto'
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

/** A file's bytes, readable as often as needed (a file opened again, or an upload's bytes held once). */
export type ByteSource = () => AsyncIterable<Uint8Array>

/** A byte source over bytes already in memory, in pieces (no copy). */
export function bytesSource(bytes: Uint8Array, piece = 1 << 20): ByteSource {
  return async function* () {
    for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece)
  }
}

/** What one pass over a file tells before it is imported. */
export interface ScannedFile {
  /** The encoding its text is read in (see `decodeCsv` for how it is chosen). */
  encoding: string
  /** `contentHash` of its text. */
  hash: string
  /** Its line feeds: the progress bar's total. */
  lines: number
}

/**
 * One pass over the bytes, in pieces: the encoding (chosen as `decodeCsv` chooses it), the content hash and
 * the line count, without ever holding the file's text. A file that is not valid UTF-8 is read again as
 * GB18030 (the second pass only for such files).
 */
export async function scanFile(source: ByteSource, contentType?: string | null): Promise<ScannedFile> {
  let first: Uint8Array | undefined
  for await (const piece of source()) {
    first = piece
    break
  }
  const head = first ?? new Uint8Array()
  const bom = bomEncoding(head)
  if (bom) return scanAs(source, bom, false)
  const declared = charsetOf(contentType)
  if (declared) {
    try {
      new TextDecoder(declared, { fatal: true })
    } catch {
      throw new AppError('unsupported_media_type', {
        zh: `不支持的字符集「${declared}」：请用 UTF-8 或 GB18030`,
        en: `unsupported charset "${declared}": use UTF-8 or GB18030`,
      })
    }
    try {
      return await scanAs(source, declared, true)
    } catch (err) {
      if (!(err instanceof TypeError)) throw err
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
    return await scanAs(source, 'utf-8', true)
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    return scanAs(source, 'gb18030', false)
  }
}

async function scanAs(source: ByteSource, encoding: string, fatal: boolean): Promise<ScannedFile> {
  const hash = createHash('sha256')
  let lines = 0
  for await (const text of decodePieces(source, encoding, fatal)) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++
    hash.update(text)
  }
  return { encoding, hash: hash.digest('hex'), lines }
}

/**
 * The file's text in pieces, as `contentHash` sees it: no BOM, and CRLF as LF (a CR at the end of a piece
 * waits for the next). Throws a TypeError on bytes invalid in the encoding when `fatal`.
 */
export async function* decodePieces(
  source: ByteSource,
  encoding: string,
  fatal = false,
): AsyncGenerator<string> {
  // The decoder drops a byte-order mark; `stream` keeps a character cut between pieces whole.
  const decoder = new TextDecoder(encoding, { fatal })
  let carry = ''
  const out = (text: string) => {
    let t = carry + text
    carry = ''
    if (t.endsWith('\r')) {
      carry = '\r'
      t = t.slice(0, -1)
    }
    return t.includes('\r\n') ? t.replace(/\r\n/g, '\n') : t
  }
  for await (const piece of source()) {
    const text = out(decoder.decode(piece, { stream: true }))
    if (text) yield text
  }
  const last = decoder.decode() + carry
  carry = ''
  if (last) yield last.replace(/\r\n/g, '\n')
}
