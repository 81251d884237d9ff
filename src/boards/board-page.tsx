import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Notice } from './board-inputs.js'
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

/** How long each page of failing products stays on screen when they do not all fit. */
export const KIOSK_ROTATE_MS = 12_000
/** Notices shown at most (the others are counted): the failing products below are what shoppers act on. */
const MAX_NOTICES = 2
const OWN_RECORD_SHOWN = 5

const time = (at: string) =>
  new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
const scopeText = { retailer: '本店', district: '本区', city: '全市' } as const

/**
 * Notices grouped by what they tell shoppers to do: the alerts of one announcement each name a product (the
 * table below lists them) but share one instruction, which is said once, with the first title and a count.
 */
function noticeGroups(notices: Notice[]): { first: Notice; count: number }[] {
  const groups = new Map<string, { first: Notice; count: number }>()
  for (const n of notices) {
    const g = groups.get(n.instruction.zh)
    if (g) g.count++
    else groups.set(n.instruction.zh, { first: n, count: 1 })
  }
  return [...groups.values()]
}

/**
 * A wall screen at 1920×1080, read from across a corridor: everything on one screen, nothing to scroll.
 * zh-CN first, English alongside in smaller type, each sentence said once. The failing products fill the
 * space left; when there are more than fit, kiosk.js shows them a screenful at a time (this shop's own
 * first) and says which page is showing. The 12315 hotline sits in a bar that is always on screen. The
 * shop's credit-risk class (金信工程), when its business is classified, heads the side column (where the
 * products' rows lose nothing to it).
 */
export function KioskPage({
  board,
  etag,
  pollMs,
  rotateMs = KIOSK_ROTATE_MS,
}: {
  board: BoardView
  etag: string
  pollMs: number
  rotateMs?: number
}) {
  const c = board.content
  const rate = c.cityPassRate
  const hasRate = rate.passRate !== null && rate.samples > rate.failed
  const notices = noticeGroups(c.notices)
  const own = c.failingProducts.filter((p) => p.atThisRetailer).length
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="description"
          content={`${c.retailer.name}食品安全信息公示栏：近90天不合格食品、本店抽检记录、合格率与投诉举报电话。`}
        />
        <title>{`${c.retailer.name} 食品信息公示栏`}</title>
        <link rel="icon" href="/favicon.ico" />
        <link rel="stylesheet" href={KIOSK_CSS.path} />
        <script src={KIOSK_JS.path} defer />
      </head>
      <body
        class="kiosk"
        data-api={`/api/v1/boards/${encodeURIComponent(board.retailerId)}`}
        data-etag={etag}
        data-version={String(board.version)}
        data-poll={String(pollMs)}
        data-rotate={String(rotateMs)}
      >
        <div id="offline" role="alert">
          无法连接服务器，显示的可能不是最新内容
          <span class="en">Server unreachable: this board may be out of date</span>
        </div>
        <main>
          <header class="top">
            <h1>
              食品信息公示栏<span class="en">Food safety information board</span>
            </h1>
            <p class="sub">
              {c.retailer.name} · {c.retailer.districtName}
            </p>
          </header>
          {notices.length > 0 && (
            <section class="notices" aria-label="消费提示 Public notices">
              {notices.slice(0, MAX_NOTICES).map(({ first, count }) => (
                <p class="notice">
                  <strong>
                    {first.title.zh}
                    {count > 1 ? ` 等 ${count} 条` : ''}
                  </strong>{' '}
                  {first.instruction.zh}
                  <span class="en">
                    {first.title.en}
                    {count > 1 ? ` and ${count - 1} more` : ''}
                  </span>
                </p>
              ))}
              {notices.length > MAX_NOTICES && (
                <p class="more">
                  另有 {notices.length - MAX_NOTICES} 条消费提示
                  <span class="en">{notices.length - MAX_NOTICES} more notices</span>
                </p>
              )}
            </section>
          )}
          <div class="cols">
            <section class="failing">
              <h2>
                不合格食品（近90天）<span class="en">Failing products, last 90 days</span>
                <span class="pager" aria-live="polite" />
              </h2>
              {c.failingProducts.length === 0 ? (
                <p class="none">
                  近90天没有公布不合格食品<span class="en">None published in the last 90 days</span>
                </p>
              ) : (
                <div class="products">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col" class="c-product">
                          食品名称<span class="en">Product</span>
                        </th>
                        <th scope="col" class="c-brand">
                          商标<span class="en">Brand</span>
                        </th>
                        <th scope="col" class="c-batch">
                          批号或日期<span class="en">Batch / date</span>
                        </th>
                        <th scope="col" class="c-unit">
                          抽样地点<span class="en">Sampled at</span>
                        </th>
                        <th scope="col" class="c-items">
                          不合格项目<span class="en">Failed</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.failingProducts.map((p) => (
                        <tr class={p.atThisRetailer ? 'here' : ''} data-sample={p.sampleNo}>
                          <td class="c-product">{p.product}</td>
                          <td class="c-brand">{p.brand ?? '—'}</td>
                          <td class="c-batch">{p.batch ?? '—'}</td>
                          <td class="c-unit">
                            {p.atThisRetailer ? (
                              <span class="mark">本店抽检</span>
                            ) : (
                              `${scopeText[p.scope]} · ${p.unit}`
                            )}
                          </td>
                          <td class="c-items">{p.failingItems.join('、')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {c.failingTotal > 0 && (
                <p class="sub">
                  {own > 0 ? `本店抽检不合格 ${own} 批次，已列在最前；` : ''}全市近90天共 {c.failingTotal}{' '}
                  批次不合格
                  <span class="en">
                    {c.failingTotal} failing in the city
                    {own > 0 ? `, ${own} sampled here (listed first)` : ''}
                  </span>
                </p>
              )}
            </section>
            <aside class="side">
              {c.creditClass ? (
                <p class={`credit credit-${c.creditClass.class}`}>
                  信用风险分类 <strong>{c.creditClass.class}</strong> {c.creditClass.label.zh}
                  <span class="en">
                    Credit risk class {c.creditClass.class} · {c.creditClass.label.en}
                  </span>
                </p>
              ) : null}
              <h2>
                本季度全市抽检合格率<span class="en">City pass rate {rate.quarter}</span>
              </h2>
              {hasRate ? (
                <>
                  <p class="rate">{`${(rate.passRate ?? 0).toFixed(2)}%`}</p>
                  <p class="basis">
                    基于已公布的 {rate.samples} 批次
                    <span class="en">over {rate.samples} published batches</span>
                  </p>
                </>
              ) : (
                <p class="basis">
                  {rate.samples === 0
                    ? '本季度尚未公布抽检结果'
                    : `本季度仅公布了 ${rate.samples} 批次不合格结果，暂不计算合格率`}
                  <span class="en">
                    {rate.samples === 0
                      ? 'No results published this quarter'
                      : 'Only failing results published so far: no rate yet'}
                  </span>
                </p>
              )}
              <h2>
                本店抽检记录<span class="en">Our sampling record</span>
              </h2>
              {c.ownRecord.length === 0 ? (
                <p class="none">
                  暂无<span class="en">None yet</span>
                </p>
              ) : (
                <table class="own">
                  <tbody>
                    {c.ownRecord.slice(0, OWN_RECORD_SHOWN).map((o) => (
                      <tr>
                        <td>{o.product}</td>
                        <td class={o.verdict}>{o.verdict === 'pass' ? '合格 Pass' : '不合格 Fail'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </aside>
          </div>
        </main>
        <footer class="hotline-bar">
          <p class="hotline">
            <span class="label">
              {c.hotline.zh}
              <span class="en">{c.hotline.en}</span>
            </span>
            <strong>{c.hotline.number}</strong>
          </p>
          <p class="stamp">
            更新于 {time(board.refreshedAt)}（北京时间）· 第 {board.version} 版
          </p>
        </footer>
      </body>
    </html>
  )
}
