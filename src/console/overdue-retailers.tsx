import type { unconfirmedView } from '../boards/boards.service.js'
import { type Lang, localTime, tr } from '../web/i18n.js'

export type OverdueRetailer = ReturnType<typeof unconfirmedView>

/**
 * Above a district's tasks, one line each: its retailers that have not confirmed their board (企业自律) for more than 24 h,
 * longest waiting first, each linked to the board they are to confirm. Nothing shows when there are none.
 */
export function OverdueRetailers(p: { retailers: OverdueRetailer[]; lang: Lang }) {
  const { lang } = p
  if (p.retailers.length === 0) return null
  return (
    <section id="overdue-retailers">
      <h2>{tr(lang, { zh: '逾期未确认的商户', en: 'Retailers overdue to confirm' })}</h2>
      <p class="meta">
        {tr(lang, {
          zh: '公示栏新增本店不合格产品后超过 24 小时仍未确认下架。',
          en: 'Their board added failing products sampled there more than 24 h ago, not yet confirmed taken down.',
        })}
      </p>
      <ul>
        {p.retailers.map((r) => (
          <li id={`retailer-${r.retailerId}`}>
            <a href={`/boards/${r.retailerId}`}>{r.name}</a> · {r.district} ·{' '}
            {tr(lang, { zh: `第 ${r.version} 版`, en: `version ${r.version}` })} ·{' '}
            {tr(lang, { zh: '未确认自', en: 'unconfirmed since' })} {localTime(r.since, lang)} ·{' '}
            <strong>{tr(lang, { zh: `已 ${r.hours} 小时`, en: `${r.hours} h` })}</strong>
          </li>
        ))}
      </ul>
    </section>
  )
}
