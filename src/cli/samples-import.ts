import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { AppError } from '../domain/errors.js'
import { importSamples } from '../samples/sample-import.service.js'

interface Out {
  log(s: string): void
  error(s: string): void
}

/**
 * `samples import FILE…`: each file whole or not at all, in order. A progress bar on a terminal; plain lines
 * otherwise. Exit 1 if any file was refused, listing every bad row of it.
 */
export async function runSamplesImport(
  deps: Pick<AppDeps, 'db' | 'database' | 'clock' | 'districts'>,
  files: string[],
  out: Out,
  tty = Boolean(process.stderr.isTTY),
): Promise<number> {
  if (files.length === 0) {
    out.error('usage: samples import FILE…')
    return 2
  }
  let failed = 0
  for (const file of files) {
    const bar = tty
      ? new cliProgress.SingleBar(
          {
            format: `${basename(file)} [{bar}] {percentage}% {value}/{total}`,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined
    let started = false
    try {
      const result = await importSamples(
        deps,
        systemContext('cli'),
        // Read from the file a piece at a time (twice: once to hash it, once to import it), never held whole.
        { source: () => createReadStream(file, { highWaterMark: 1 << 20 }), name: basename(file) },
        (done, total) => {
          if (!bar) return
          // The total is the file's line count while it is read, exact once it is done.
          if (!started) bar.start(total, 0)
          started = true
          bar.setTotal(total)
          bar.update(done)
        },
      )
      bar?.stop()
      out.log(
        `${file}: ${result.duplicate ? 'duplicate — ' : ''}${result.message} (import ${result.importId})`,
      )
    } catch (err) {
      bar?.stop()
      if (!(err instanceof AppError)) throw err
      failed++
      out.error(`${file}: ${err.detail?.en ?? err.message}`)
      // Each message says where (row, column) and what.
      for (const i of err.extra.issues ?? []) out.error(`  ${i.message}`)
    }
  }
  return failed > 0 ? 1 : 0
}
