import { type Lang, tr } from '../web/i18n.js'
import { Layout } from './layout.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'

/**
 * The second press before something that cannot be undone: what will happen, in numbers ("将取消 20 个区县的
 * 1 项任务"), then a button that posts the same form again with `confirm=1`, and a way back.
 */
export function ConfirmPage(p: {
  shell: Shell
  title: string
  /** What will happen, one line each. */
  consequences: string[]
  action: string
  fields: [string, string][]
  confirmLabel: string
  back: string
}) {
  const { lang } = p.shell
  return (
    <Layout title={p.title} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <h1>{p.title}</h1>
      <div class="confirm" role="alert">
        <p>
          <strong>{tr(lang, { zh: '此操作不可撤销，将会：', en: 'This cannot be undone. It will:' })}</strong>
        </p>
        <ul>
          {p.consequences.map((c) => (
            <li>{c}</li>
          ))}
        </ul>
      </div>
      <form method="post" action={p.action}>
        <input type="hidden" name={CSRF_FIELD} value={p.shell.csrf} />
        <input type="hidden" name="confirm" value="1" />
        {p.fields.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="big">
          {p.confirmLabel}
        </button>
      </form>
      <p>
        <a href={p.back}>{tr(lang, { zh: '返回，不执行', en: 'Go back without doing it' })}</a>
      </p>
    </Layout>
  )
}

/** "将取消 20 个区县的 1 项任务" / "cancel 1 task in 20 districts" */
export function cancelsText(lang: Lang, tasks: number, districts: number, what: string) {
  return tr(lang, {
    zh: `将取消 ${districts} 个区县的 ${tasks} 项${what ? `任务（${what}）` : '任务'}`,
    en: `cancel ${tasks} task(s) in ${districts} district(s)${what ? ` (${what})` : ''}`,
  })
}
