#!/usr/bin/env node
// Builds the service and the CLI to plain JavaScript with esbuild: dist/main.js and dist/cli.js, one file each,
// packages left to node_modules. Production runs these (`npm start`, the image) instead of transpiling the
// tree through tsx at every start.
//
//   node scripts/build.mjs              build
//   node scripts/build.mjs --if-stale   build only when dist is missing or older than its inputs (npm start)
//   node scripts/build.mjs --outdir=DIR build into DIR instead (tests)
//
// A module that finds a file next to itself (`new URL('./site.css', import.meta.url)`, `import.meta.dirname`)
// keeps finding it from the bundle: `import.meta.url` and `import.meta.dirname` are rewritten, per source file,
// to that file's own location relative to the bundle (dist/../src/web/layout.tsx). So static assets (css and js
// under src/, db/seed) are read from where they are in the tree, and the bundle must sit one level below it.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const OUT = resolve(process.argv.find((a) => a.startsWith('--outdir='))?.slice(9) ?? join(ROOT, 'dist'))
const STAMP = join(OUT, 'build-stamp.json')
const ENTRIES = { main: 'src/main.ts', cli: 'src/cli/main.ts' }
/** What the bundles are made of: when any of these changes (or one is added or removed), build again. */
const INPUTS = ['src', 'db', 'package.json', 'package-lock.json', 'tsconfig.json']

function files(path) {
  const st = statSync(path, { throwIfNoEntry: false })
  if (!st) return []
  if (!st.isDirectory()) return [[relative(ROOT, path), st.size, st.mtimeMs]]
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)))
}

/** A fingerprint of every input's path, size and modification time: cheap enough to take at each start. */
function fingerprint() {
  const h = createHash('sha256')
  for (const f of INPUTS.flatMap((p) => files(join(ROOT, p)))) h.update(`${f.join('\t')}\n`)
  return h.digest('hex')
}

function fresh(print) {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'))
    const built = Object.keys(ENTRIES).every((name) =>
      statSync(join(OUT, `${name}.js`), { throwIfNoEntry: false }),
    )
    return built && stamp.inputs === print
  } catch {
    return false
  }
}

/** esbuild plugin: each source file's `import.meta.url` / `import.meta.dirname` as it was before bundling. */
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined
      const text = readFileSync(args.path, 'utf8')
      if (!text.includes('import.meta.')) return undefined
      const fromOut = relative(OUT, args.path).split('\\').join('/')
      const dirFromOut = relative(OUT, dirname(args.path)).split('\\').join('/')
      const contents = text
        .replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`)
        .replaceAll('import.meta.dirname', `(import.meta.dirname + ${JSON.stringify(`/${dirFromOut}`)})`)
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts', resolveDir: dirname(args.path) }
    })
  },
}

export async function build() {
  const print = fingerprint()
  const { build: esbuild } = await import('esbuild')
  const started = performance.now()
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [sourceLocation],
  })
  writeFileSync(STAMP, `${JSON.stringify({ inputs: print, builtAt: new Date().toISOString() })}\n`)
  process.stderr.write(
    `built ${relative(ROOT, OUT) || OUT} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  )
}

const ifStale = process.argv.includes('--if-stale')
if (!ifStale || !fresh(fingerprint())) {
  if (ifStale) process.stderr.write('dist/ is missing or older than the source: building\n')
  await build()
}
