import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

/** axe-core's browser build, read once; evaluated in the page (not a <script>: pages allow no scripts). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One violation as a person reads it in a test failure: rule, impact, and where. */
export interface AxeFinding {
  id: string
  impact: string
  help: string
  targets: string[]
}

/** The two screens every page is checked at: a small phone and a laptop. */
export const AXE_VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules, and best practices) over the page as it stands and returns the
 * violations of impact `serious` or `critical`. The script is evaluated through the DevTools protocol, which
 * the page's Content-Security-Policy does not govern, so the page is tested with its real headers.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const injected = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined')
  if (!injected) await page.evaluate(AXE_SOURCE)
  const found = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            ctx: unknown,
            opts: unknown,
          ) => Promise<{
            violations: {
              id: string
              impact: string | null
              help: string
              nodes: { target: unknown[] }[]
            }[]
          }>
        }
      }
    ).axe
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
    }))
  })
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** A readable line per finding, for `expect(...).toEqual([])` messages and logs. */
export const describeFindings = (label: string, found: AxeFinding[]) =>
  found.map((f) => `${label}: ${f.id} (${f.impact}) ${f.help} — ${f.targets.join(' | ')}`)
