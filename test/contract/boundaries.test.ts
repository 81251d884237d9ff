import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The module boundaries that Biome's restricted imports cannot see: no cycle between the top-level folders
 * of src/ through run-time imports (`import type` carries no run-time dependency). A folder that imports
 * another which (through others) imports it back cannot be read, tested or loaded on its own. Biome's
 * `noRestrictedImports` overrides in biome.json carry the other rules (modules don't import http/ or
 * console/, the console reads no repo, db/types.ts imports no feature module), each with its reason.
 */
const SRC = resolve(import.meta.dirname, '../../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

const folderOf = (path: string) => {
  const parts = relative(SRC, path).split('/')
  return parts.length > 1 ? parts[0] : undefined
}

/** folder → folder → the files that make the edge. */
function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>()
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file)
    if (!from) continue
    for (const m of readFileSync(file, 'utf8').matchAll(
      /^\s*(import|export)\b([^'"]*?)from\s+['"](\.{1,2}\/[^'"]+)['"]/gm,
    )) {
      if (m[1] === 'import' && /^\s*type\b/.test(m[2] ?? '')) continue
      const to = folderOf(resolve(dirname(file), m[3] ?? ''))
      if (!to || to === from) continue
      const edges = graph.get(from) ?? new Map<string, string[]>()
      edges.set(to, [...(edges.get(to) ?? []), relative(SRC, file)])
      graph.set(from, edges)
    }
  }
  return graph
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  let index = 0
  const stack: string[] = []
  const onStack = new Set<string>()
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const out: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = []
      let w: string | undefined
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) out.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return out
}

describe('module boundaries', () => {
  it('has no cycle between the folders of src/ (run-time imports)', () => {
    const graph = folderGraph()
    const found = cycles(graph).map((component) => {
      const edges = component.flatMap((from) =>
        [...(graph.get(from)?.entries() ?? [])]
          .filter(([to]) => component.includes(to))
          .map(([to, files]) => `${from} → ${to} (${[...new Set(files)].join(', ')})`),
      )
      return `{${component.join(', ')}}: ${edges.join('; ')}`
    })
    expect(
      found,
      'folders that import each other; break the cycle by moving the shared part to db/ or domain/',
    ).toEqual([])
  })

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Map([['b', ['a/x.ts']]])],
      ['b', new Map([['a', ['b/y.ts']]])],
    ])
    expect(cycles(graph)).toEqual([['a', 'b']])
  })
})
