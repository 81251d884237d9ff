import type { Child } from 'hono/jsx'
import type { AlertDto } from '../alerts/alerts.schema.js'
import { type Lang, localTime, tr } from './i18n.js'

const LEVEL_TEXT: Record<string, { zh: string; en: string }> = {
  red: { zh: 'I级 红色', en: 'Level I · red' },
  orange: { zh: 'II级 橙色', en: 'Level II · orange' },
  yellow: { zh: 'III级 黄色', en: 'Level III · yellow' },
  blue: { zh: 'IV级 蓝色', en: 'Level IV · blue' },
}

export function LevelBadge({ colour, lang }: { colour: string; lang: Lang }) {
  return (
    <span class={`badge badge-${colour}`}>{tr(lang, LEVEL_TEXT[colour] ?? { zh: colour, en: colour })}</span>
  )
}

export function StatusBadge({ alert, lang }: { alert: AlertDto; lang: Lang }) {
  return (
    <>
      {alert.exercise && <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>}
      {alert.status === 'closed' && (
        <span class="badge badge-ok">{tr(lang, { zh: '已解除', en: 'All clear' })}</span>
      )}
      {alert.status === 'cancelled' && (
        <span class="badge badge-muted">{tr(lang, { zh: '已撤销', en: 'Cancelled' })}</span>
      )}
    </>
  )
}

export function SearchBox({ lang, q }: { lang: Lang; q?: string | undefined }) {
  return (
    <search>
      <form class="search" method="get" action="/search">
        <input
          aria-label={tr(lang, {
            zh: '产品、品牌、批号或日期、不合格项目、生产企业',
            en: 'Product, brand, batch or date, failed item, producer',
          })}
          type="search"
          id="q"
          name="q"
          value={q ?? ''}
          maxlength={100}
          placeholder={tr(lang, {
            zh: '产品、品牌、批号、日期或不合格项目，如：苏丹红',
            en: 'Product, brand, batch, date or failed item, e.g. Sudan',
          })}
        />
        <button type="submit">{tr(lang, { zh: '查询', en: 'Search' })}</button>
      </form>
    </search>
  )
}

export function AlertCard({ alert, lang }: { alert: AlertDto; lang: Lang }) {
  const batches = alert.products.map((p) => [p.name, p.batch].filter(Boolean).join(' ')).join('；')
  return (
    <li class={`card level-${alert.colour}`}>
      <h3>
        <LevelBadge colour={alert.colour} lang={lang} />
        <StatusBadge alert={alert} lang={lang} />
        <a href={`/alerts/${alert.id}`}>{tr(lang, alert.title)}</a>
      </h3>
      {batches && <p>{batches}</p>}
      <p class="meta">
        {alert.areas.map((a) => tr(lang, { zh: a.nameZh, en: a.nameEn })).join(lang === 'zh' ? '、' : ', ')}
        {' · '}
        {localTime(alert.updatedAt, lang)}
        {' · '}
        {alert.source.reference}
      </p>
    </li>
  )
}

export function Empty({ children }: { children: string }) {
  return <p class="empty">{children}</p>
}

/**
 * A wide table's scrolling box: a named region that takes keyboard focus, so it can be scrolled without a
 * mouse (axe: scrollable-region-focusable).
 */
export function TableWrap({ label, children }: { label: string; children?: Child }) {
  return (
    <section class="table-wrap" aria-label={label} tabindex={0}>
      {children}
    </section>
  )
}
