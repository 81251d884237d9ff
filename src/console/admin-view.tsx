import type { Child } from 'hono/jsx'
import { ROLES } from '../domain/enums.js'
import { ROLE_GLOSSARY } from '../domain/roles-glossary.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Layout, Refusal } from './layout.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'

/** One screen of an admin list (the house limit is 200; rows here carry links, pages stay small). */
export const ADMIN_PAGE = 100

export const when = (d: Date | string | null | undefined, lang: Lang) =>
  d ? localTime(new Date(d).toISOString(), lang) : '—'

/**
 * Keyset pages with a way back: `?at=` holds the cursors of the pages walked so far (comma-separated; the
 * API's cursors are base64url, so never contain a comma). The last one is this page's cursor.
 */
export function trailOf(at: string | undefined): string[] {
  return (at ?? '')
    .split(',')
    .filter((x) => /^[A-Za-z0-9_-]{1,1000}$/.test(x))
    .slice(-50)
}

export function Pager(p: { path: string; trail: string[]; next: string | null; lang: Lang }) {
  const href = (trail: string[]) => (trail.length > 0 ? `${p.path}?at=${trail.join(',')}` : p.path)
  if (p.trail.length === 0 && !p.next) return null
  return (
    <nav class="pager" aria-label={tr(p.lang, { zh: '翻页', en: 'Pages' })}>
      {p.trail.length > 0 ? (
        <a href={href(p.trail.slice(0, -1))} rel="prev">
          {tr(p.lang, { zh: '‹ 上一页', en: '‹ Previous' })}
        </a>
      ) : null}
      {p.next ? (
        <a href={href([...p.trail, p.next])} rel="next">
          {tr(p.lang, { zh: '下一页 ›', en: 'Next ›' })}
        </a>
      ) : null}
    </nav>
  )
}

export function Table(p: { head: string[]; rows: Child[][]; id: string; lang: Lang }) {
  return p.rows.length === 0 ? (
    <p class="empty" id={p.id}>
      {tr(p.lang, { zh: '无', en: 'None' })}
    </p>
  ) : (
    // The wrapper scrolls a wide table sideways, by keyboard too (focusable, named by the table's id).
    <section class="table-wrap" tabindex={0} aria-label={p.id}>
      <table class="matrix" id={p.id}>
        <thead>
          <tr>
            {p.head.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              {r.map((v) => (
                <td>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

const SECTIONS = [
  { href: '/console/admin/users', text: { zh: '用户', en: 'Users' } },
  { href: '/console/admin/tokens', text: { zh: 'API 令牌', en: 'API tokens' } },
  { href: '/console/admin/retailers', text: { zh: '经营者', en: 'Retailers' } },
  { href: '/console/admin/contacts', text: { zh: '区县联系人', en: 'District contacts' } },
  { href: '/console/admin', text: { zh: 'Webhook 与定时任务', en: 'Webhooks and jobs' } },
]

/** An admin page: the console layout, the admin's sections (this one marked), problems listed at once. */
export function AdminPage(p: {
  shell: Shell
  title: { zh: string; en: string }
  problems?: string[]
  refusal?: string | undefined
  children: Child
}) {
  const { lang } = p.shell
  const path = p.shell.self.split('?')[0]
  return (
    <Layout title={tr(lang, p.title)} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <nav class="tabs" aria-label={tr(lang, { zh: '系统管理', en: 'Administration' })}>
        {SECTIONS.map((s) => (
          <a href={s.href} aria-current={s.href === path ? 'page' : undefined}>
            {tr(lang, s.text)}
          </a>
        ))}
      </nav>
      <h1>{tr(lang, p.title)}</h1>
      <Refusal refusal={p.refusal} problems={p.problems} lang={lang} />
      {p.children}
    </Layout>
  )
}

/**
 * The "new …" form above a list: folded away until opened (no script: `<details>`), and open when it comes
 * back with problems, so they show next to the fields they are about.
 */
export function NewForm(p: { title: string; open: boolean; children: Child }) {
  return (
    <details class="new-form" open={p.open}>
      <summary>{p.title}</summary>
      {p.children}
    </details>
  )
}

/** A posted form: the CSRF token and a submit button round the fields. */
export function PostForm(p: {
  action: string
  csrf: string
  submit: string
  children?: Child
  id?: string
  /** A lesser action beside the page's main one. */
  secondary?: boolean
}) {
  return (
    <form method="post" action={p.action} id={p.id} novalidate>
      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
      {p.children}
      <button type="submit" class={p.secondary ? 'secondary' : undefined}>
        {p.submit}
      </button>
    </form>
  )
}

/** A labelled text field that keeps what was typed. */
export function Field(p: {
  name: string
  label: string
  value?: string | null | undefined
  form: string
  hint?: string
  type?: string
}) {
  const id = `${p.form}-${p.name}`
  return (
    <label for={id}>
      {p.label}
      {p.hint ? <span class="meta">{p.hint}</span> : null}
      <input id={id} name={p.name} type={p.type ?? 'text'} value={p.value ?? ''} />
    </label>
  )
}

export function Select(p: {
  name: string
  label: string
  value?: string | null | undefined
  form: string
  options: { value: string; text: string }[]
}) {
  const id = `${p.form}-${p.name}`
  return (
    <label for={id}>
      {p.label}
      <select id={id} name={p.name}>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === (p.value ?? '')}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  )
}

export const roleOptions = (lang: Lang) => ROLES.map((r) => ({ value: r, text: tr(lang, ROLE_TEXT[r]) }))

/** Each role by its one name (src/domain/roles-glossary.ts) and its code, as typed in the API and CLI. */
export const ROLE_TEXT = Object.fromEntries(
  ROLES.map((r) => [r, { zh: `${ROLE_GLOSSARY[r].zh} ${r}`, en: `${ROLE_GLOSSARY[r].en} (${r})` }]),
) as Record<(typeof ROLES)[number], { zh: string; en: string }>

export const districtOptions = (
  districts: { code: string; nameZh: string; nameEn: string }[],
  lang: Lang,
  none?: { zh: string; en: string },
) => [
  ...(none ? [{ value: '', text: tr(lang, none) }] : []),
  ...districts.map((d) => ({ value: d.code, text: `${tr(lang, { zh: d.nameZh, en: d.nameEn })} ${d.code}` })),
]

/** A secret shown once (a one-time password, a token): copy it now, it is not stored in the clear. */
export function ShownOnce(p: { label: string; secret: string; lang: Lang }) {
  return (
    <div class="notice" role="status">
      <p>{p.label}</p>
      <p>
        <code id="secret">{p.secret}</code>
      </p>
      <p class="meta">
        {tr(p.lang, {
          zh: '只显示这一次，请立即复制并安全转交；关闭本页后无法再次查看。',
          en: 'Shown only this once: copy it now and hand it over safely; it cannot be shown again.',
        })}
      </p>
    </div>
  )
}
