import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'

/**
 * A deliberately small page shell for the sign-in and console pages until the shared design system
 * (`src/web/`) replaces it: semantic markup, one local stylesheet, no inline script or style (strict CSP).
 */
export function Layout(props: { title: string; children: Child; signedInAs?: string | undefined }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · 红盾 Redshield`}</title>
          <link rel="stylesheet" href="/console.css" />
        </head>
        <body>
          <header>
            <p class="brand">红盾 Redshield</p>
            {props.signedInAs ? <p class="who">{props.signedInAs}</p> : null}
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  )
}

/** Problems listed all at once (一次性告知), read out by screen readers when the page loads. */
export function Problems(props: { items: string[] }) {
  if (props.items.length === 0) return null
  return (
    <div class="problems" role="alert">
      <p>请修正以下问题 Please fix:</p>
      <ul>
        {props.items.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
    </div>
  )
}

export const CONSOLE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;color:#1a1a1a;background:#f6f6f4}
header{display:flex;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#b3261e;color:#fff}
header p{margin:0}.brand{font-weight:700}
main{max-width:40rem;margin:1rem auto;padding:0 1rem}
form{display:grid;gap:.75rem;margin:1rem 0}
label{display:grid;gap:.25rem;font-weight:600}
input{font:inherit;padding:.6rem;border:1px solid #888;border-radius:4px;min-height:44px}
button{font:inherit;padding:.6rem 1rem;min-height:44px;border:0;border-radius:4px;background:#b3261e;color:#fff;cursor:pointer}
button.secondary{background:#555}
.problems{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem}.actions form{margin:0}
`
