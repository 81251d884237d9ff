import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'

/**
 * Feeds rows to a `COPY … FROM STDIN` stream in COPY's text format (tab-separated, `\N` for null,
 * backslash escapes), batched into writes of about 64 KiB. `pause()` says when to wait for the server to
 * take what was sent, so a producer that yields there never holds more than a batch or two in memory.
 */

type Value = string | number | boolean | null

const NEEDS_ESCAPE = /[\\\t\n\r]/
const ESCAPED = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const escapeChar = (c: string) => ESCAPES[c] as string

function copyText(v: Value): string {
  if (v === null) return '\\N'
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? v.replace(ESCAPED, escapeChar) : v
  if (typeof v === 'boolean') return v ? 't' : 'f'
  return String(v)
}

/** One row as a line of COPY's text format. */
export function copyLine(row: readonly Value[]): string {
  let line = copyText(row[0] ?? null)
  for (let i = 1; i < row.length; i++) line += `\t${copyText(row[i] ?? null)}`
  return `${line}\n`
}

const BATCH_CHARS = 1 << 16

export class CopyWriter {
  private batch = ''
  private error: unknown
  private draining: Promise<void> | undefined

  constructor(private readonly stream: Writable) {
    // The server's refusal (say a unique violation) arrives as an error event, possibly between writes.
    stream.on('error', (err) => {
      this.error ??= err
    })
  }

  add(row: readonly Value[]): void {
    if (this.error !== undefined) return
    this.batch += copyLine(row)
    if (this.batch.length >= BATCH_CHARS) this.send()
  }

  /** A promise while the connection is backed up: wait on it before adding more. */
  pause(): Promise<void> | undefined {
    return this.draining
  }

  /** Ends the COPY; rejects with the server's error if it refused the rows. */
  async end(): Promise<void> {
    if (this.error === undefined) {
      if (this.batch) this.stream.write(this.batch)
      this.batch = ''
      this.stream.end()
      await finished(this.stream).catch((err: unknown) => {
        this.error ??= err
      })
    }
    if (this.error !== undefined) throw this.error
  }

  private send(): void {
    const more = this.stream.write(this.batch)
    this.batch = ''
    if (!more && !this.draining)
      this.draining = once(this.stream, 'drain').then(
        () => {
          this.draining = undefined
        },
        () => {
          this.draining = undefined
        },
      )
  }
}
