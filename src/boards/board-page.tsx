import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { BoardView } from './boards.service.js'

const asset = (file: string, ext: string) => {
  const body = readFileSync(new URL(file, import.meta.url), 'utf8')
  return {
    body,
    path: `/assets/${file.replace(/\..*$/, '')}-${createHash('sha1').update(body).digest('hex').slice(0, 10)}.${ext}`,
  }
}
/** Served under their content hash, cacheable for a year, like the site stylesheet. */
export const KIOSK_CSS = asset('kiosk.css', 'css')
export const KIOSK_JS = asset('kiosk.js', 'js')

/**
 * The kiosk page's policy: its own script and stylesheet, and fetches to this service only. It may be framed
 * (by the mall's signage system): the one page without `frame-ancestors 'none'`.
 */
export const KIOSK_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

const time = (at: string) =>
  new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
const scopeText = { retailer: '本店抽检', district: '本区', city: '全市' } as const

/** A wall screen: zh-CN first, English alongside in smaller type. */
export function KioskPage({ board, etag, pollMs }: { board: BoardView; etag: string; pollMs: number }) {
  const c = board.content
  const rate = c.cityPassRate.passRate
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${c.retailer.name} 食品信息公示栏`}</title>
        <link rel="stylesheet" href={KIOSK_CSS.path} />
        <script src={KIOSK_JS.path} defer />
      </head>
      <body
        class="kiosk"
        data-api={`/api/v1/boards/${encodeURIComponent(board.retailerId)}`}
        data-etag={etag}
        data-version={String(board.version)}
        data-poll={String(pollMs)}
      >
        <div id="offline" role="alert">
          无法连接服务器，显示的可能不是最新内容
          <span class="en">Server unreachable: this board may be out of date</span>
        </div>
        <main>
          <h1>
            食品信息公示栏<span class="en">Food safety information board</span>
          </h1>
          <p class="sub">
            {c.retailer.name} · {c.retailer.districtName}
          </p>
          {c.notices.length > 0 && (
            <section>
              <h2>
                消费提示<span class="en">Public notices</span>
              </h2>
              {c.notices.map((n) => (
                <div class="notice">
                  <strong>{n.title.zh}</strong> {n.instruction.zh}
                  <span class="en">{n.title.en}</span>
                </div>
              ))}
            </section>
          )}
          <div class="cols">
            <section>
              <h2>
                不合格食品（近90天）<span class="en">Failing products, last 90 days</span>
              </h2>
              {c.failingProducts.length === 0 ? (
                <p class="none">近90天无不合格食品公告 · None published</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>食品名称 Product</th>
                      <th>商标 Brand</th>
                      <th>不合格项目 Failed</th>
                      <th>范围 Where</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.failingProducts.map((p) => (
                      <tr class={p.atThisRetailer ? 'here' : ''} data-sample={p.sampleNo}>
                        <td>{p.product}</td>
                        <td>{p.brand ?? '—'}</td>
                        <td>{p.failingItems.join('、')}</td>
                        <td>{p.atThisRetailer ? <span class="mark">本店抽检</span> : scopeText[p.scope]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p class="sub">
                全市近90天共 {c.failingTotal} 批次不合格 · {c.failingTotal} failing in the city
              </p>
            </section>
            <section>
              <h2>
                本店抽检记录<span class="en">Our sampling record</span>
              </h2>
              {c.ownRecord.length === 0 ? (
                <p class="none">暂无 · None yet</p>
              ) : (
                <table>
                  <tbody>
                    {c.ownRecord.map((o) => (
                      <tr>
                        <td>{o.product}</td>
                        <td class={o.verdict}>{o.verdict === 'pass' ? '合格 Pass' : '不合格 Fail'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <h2>
                本季度全市抽检合格率<span class="en">City pass rate {c.cityPassRate.quarter}</span>
              </h2>
              <p class="rate">{rate === null ? '—' : `${rate.toFixed(2)}%`}</p>
              <h2>
                投诉举报<span class="en">{c.hotline.en}</span>
              </h2>
              <p class="hotline">{c.hotline.number}</p>
            </section>
          </div>
          <footer>
            更新于 {time(board.refreshedAt)} · 第 {board.version} 版 · Refreshed {time(board.refreshedAt)}{' '}
            (UTC+8), version {board.version}
          </footer>
        </main>
      </body>
    </html>
  )
}
