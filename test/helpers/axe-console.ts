import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeFinding {
  id: string
  impact: string
  help: string
  targets: string[]
}

/**
 * axe-core's serious and critical violations on the page as it is now. The page's context must be made with
 * `bypassCSP: true`: the console's CSP allows only its own script files, and axe is injected.
 */
export async function axeFindings(page: Page, impacts: readonly string[] = ['serious', 'critical']) {
  await page.addScriptTag({ content: AXE_SOURCE })
  const result = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page as a global.
    const g = globalThis as any
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] })
    return r.violations.map(
      (v: { id: string; impact: string; help: string; nodes: { target: string[] }[] }) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }),
    )
  })) as AxeFinding[]
  return result.filter((f) => impacts.includes(f.impact))
}
