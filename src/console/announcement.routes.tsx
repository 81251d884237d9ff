import { type Context, Hono } from 'hono'
import { announcementById, announcementPage } from '../announcements/announcements.read.js'
import { DecisionSchema, DraftSchema } from '../announcements/announcements.schema.js'
import {
  approveAnnouncement,
  draftAnnouncement,
  publishOrSchedule,
  reviewAnnouncement,
  submitAnnouncement,
} from '../announcements/announcements.service.js'
import type { AppDeps } from '../deps.js'
import { AppError, issue, validationFailed } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { type Lang, localTime, pageLang, tr } from '../web/i18n.js'
import { Layout } from './layout.js'
import { type ConsoleEnv, CSRF_FIELD } from './session-auth.js'
import { shellOf } from './task.routes.js'

/** The API's `x-access` of listAnnouncements and getAnnouncement. */
const READERS = ['sampler', 'reviewer', 'approver', 'admin'] as const
const DRAFTERS = ['sampler', 'admin'] as const
const REVIEWERS = ['reviewer', 'admin'] as const
const APPROVERS = ['approver', 'admin'] as const

const STATUS: Record<string, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  in_review: { zh: '待审核', en: 'In review' },
  reviewed: { zh: '待审批', en: 'Reviewed' },
  approved: { zh: '已审批', en: 'Approved' },
  published: { zh: '已发布', en: 'Published' },
}
const statusText = (s: string, lang: Lang) => (STATUS[s] ? tr(lang, STATUS[s]) : s)
const when = (d: string | null, lang: Lang) => (d ? localTime(d, lang) : '—')

/**
 * Announcements in the console, read-only for now: the list with each one's status, and one announcement
 * with its samples and who did each step, and the buttons of the next step (submit, review, approve, publish
 * now) shown only to who may press them; a refusal comes back on the page with its reason (403, 409).
 * Drafting, correcting and retracting in the console are planned.
 */
export function consoleAnnouncementRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  const ctxOf = (c: Context<ConsoleEnv>) => ({ actor: c.get('actor'), requestId: c.get('requestId') })
  const list = async (
    c: Context<ConsoleEnv>,
    problems: string[] = [],
    form: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang, csrf } = shell
    const role = c.get('actor')?.role ?? ''
    const page = await announcementPage(deps, { limit: 200 }, false)
    return c.html(
      <Layout
        title={tr(lang, { zh: '公告', en: 'Announcements' })}
        lang={lang}
        self={shell.self}
        signedInAs={shell.who}
      >
        <h1>{tr(lang, { zh: '抽检公告', en: 'Announcements' })}</h1>
        {problems.length > 0 ? (
          <div class="problems" role="alert">
            <ul>
              {problems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {(DRAFTERS as readonly string[]).includes(role) ? (
          <form method="post" action="/console/announcements" novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <h2>{tr(lang, { zh: '起草公告', en: 'Draft an announcement' })}</h2>
            {(
              [
                ['number', { zh: '文号', en: 'Number' }],
                ['title', { zh: '标题', en: 'Title' }],
                ['period', { zh: '期间', en: 'Period' }],
              ] as const
            ).map(([name, label]) => (
              <label for={`d-${name}`}>
                {tr(lang, label)}
                <input id={`d-${name}`} name={name} value={form[name] ?? ''} />
              </label>
            ))}
            <label for="d-samples">
              {tr(lang, { zh: '抽样编号（每行一个）', en: 'Sample numbers (one a line)' })}
              <textarea id="d-samples" name="sampleNos" rows={4}>
                {form.sampleNos ?? ''}
              </textarea>
            </label>
            <button type="submit">{tr(lang, { zh: '保存草稿', en: 'Save draft' })}</button>
          </form>
        ) : null}
        {page.items.length === 0 ? (
          <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
        ) : (
          <table class="matrix" id="announcements">
            <thead>
              <tr>
                <th>{tr(lang, { zh: '编号', en: 'Number' })}</th>
                <th>{tr(lang, { zh: '标题', en: 'Title' })}</th>
                <th>{tr(lang, { zh: '状态', en: 'Status' })}</th>
                <th>{tr(lang, { zh: '发布时间', en: 'Published' })}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <tr>
                  <td>{a.number ?? '—'}</td>
                  <td>
                    <a href={`/console/announcements/${a.id}`}>{a.title}</a>
                  </td>
                  <td data-status={a.status}>{statusText(a.status, lang)}</td>
                  <td>{when(a.publishedAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
      status,
    )
  }

  app.get('/console/announcements', requireRoles(READERS), (c) => list(c))

  app.post('/console/announcements', requireRoles(DRAFTERS), async (c) => {
    const lang = pageLang(c)
    const body = await c.req.parseBody()
    const form = Object.fromEntries(
      ['number', 'title', 'period', 'sampleNos'].map((k) => [k, typeof body[k] === 'string' ? body[k] : '']),
    )
    const parsed = DraftSchema.safeParse({
      number: form.number,
      title: form.title,
      period: form.period,
      sampleNos: form.sampleNos!.split(/[\s,，、]+/).filter(Boolean),
    })
    if (!parsed.success)
      return list(
        c,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        form,
        422,
      )
    try {
      const id = await draftAnnouncement(deps, ctxOf(c), parsed.data)
      return c.redirect(`/console/announcements/${id}`, 303)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      const issues = (err.extra.issues ?? []).map(
        (i) => `${i.path.replace(/^body\./, '')}: ${i.text?.[lang] ?? i.message}`,
      )
      return list(c, [err.detail?.[lang] ?? err.message, ...issues], form, 422)
    }
  })

  const detail = async (c: Context<ConsoleEnv>, refusal?: string, status: 200 | 403 | 409 | 422 = 200) => {
    const shell = shellOf(c)
    const { lang, csrf } = shell
    const a = await announcementById(deps, c.req.param('id')!)
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const me = c.get('actor')
    const my = me?.type === 'user' ? me.id : null
    const role = me?.role ?? ''
    const may = (roles: readonly string[]) => roles.includes(role)
    const base = `/console/announcements/${a.id}`
    const decision = (verb: 'review' | 'approve') => (
      <form method="post" action={`${base}/${verb}`} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <label for={`${verb}-comment`}>
          {t('意见', 'Comment')}
          <input id={`${verb}-comment`} name="comment" maxlength={2000} />
        </label>
        <button type="submit" name="decision" value="pass">
          {verb === 'review' ? t('审核通过', 'Pass review') : t('核准', 'Approve')}
        </button>
        <button type="submit" name="decision" value="return" class="secondary">
          {t('退回', 'Return')}
        </button>
      </form>
    )
    return c.html(
      <Layout title={a.title} lang={lang} self={shell.self} signedInAs={shell.who}>
        <h1>{a.title}</h1>
        <p class="meta">
          {a.number ?? '—'} · <span data-status={a.status}>{statusText(a.status, lang)}</span>
        </p>
        {refusal ? (
          <div class="problems" role="alert">
            <p>{refusal}</p>
          </div>
        ) : null}
        <dl>
          <dt>{t('起草', 'Drafted by')}</dt>
          <dd>{a.draftedBy.name}</dd>
          <dt>{t('审核', 'Reviewed')}</dt>
          <dd>{a.reviewed ? `${a.reviewed.name} ${when(a.reviewed.at, lang)}` : '—'}</dd>
          <dt>{t('审批', 'Approved')}</dt>
          <dd>{a.approved ? `${a.approved.name} ${when(a.approved.at, lang)}` : '—'}</dd>
          <dt>{t('发布时间', 'Published')}</dt>
          <dd>{when(a.publishedAt ?? a.publishAt, lang)}</dd>
          <dt>{t('样品', 'Samples')}</dt>
          <dd>{a.sampleNos.join('、') || '—'}</dd>
        </dl>
        {a.status === 'draft' && may(DRAFTERS) && (my === a.draftedBy.id || role === 'admin') ? (
          <form method="post" action={`${base}/submit`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <button type="submit">{t('提交审核', 'Submit for review')}</button>
          </form>
        ) : null}
        {a.status === 'in_review' && may(REVIEWERS) && my !== a.draftedBy.id ? decision('review') : null}
        {a.status === 'reviewed' && may(APPROVERS) && my !== a.draftedBy.id && my !== a.reviewed?.id
          ? decision('approve')
          : null}
        {a.status === 'approved' && !a.publishAt && may(APPROVERS) && my === a.approved?.id ? (
          <form method="post" action={`${base}/publish`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <button type="submit">{t('立即发布', 'Publish now')}</button>
          </form>
        ) : null}
      </Layout>,
      status,
    )
  }

  app.get('/console/announcements/:id', requireRoles(READERS), (c) => detail(c))

  // Each step is the API's verb with the signed-in person as actor; its refusal is shown with the reason.
  const step =
    (move: (c: Context<ConsoleEnv>, form: Record<string, unknown>) => Promise<unknown>) =>
    async (c: Context<ConsoleEnv>) => {
      const lang = pageLang(c)
      try {
        await move(c, await c.req.parseBody())
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.code === 'not_found') throw err
        const status = err.status === 403 || err.status === 409 ? err.status : 422
        const issues = (err.extra.issues ?? []).map((i) => i.text?.[lang] ?? i.message)
        return detail(c, [err.detail?.[lang] ?? err.message, ...issues].join(' '), status)
      }
      return c.redirect(`/console/announcements/${c.req.param('id')}`, 303)
    }
  const decisionOf = (form: Record<string, unknown>) => {
    const parsed = DecisionSchema.safeParse({
      decision: form.decision,
      comment: typeof form.comment === 'string' ? form.comment : '',
    })
    if (!parsed.success)
      throw validationFailed(
        parsed.error.issues.map((i) => issue(i.path.join('.'), { zh: i.message, en: i.message }, 'invalid')),
      )
    return parsed.data
  }
  app.post(
    '/console/announcements/:id/submit',
    requireRoles(DRAFTERS),
    step((c) => submitAnnouncement(deps, ctxOf(c), c.req.param('id')!)),
  )
  app.post(
    '/console/announcements/:id/review',
    requireRoles(REVIEWERS),
    step((c, f) => reviewAnnouncement(deps, ctxOf(c), c.req.param('id')!, decisionOf(f))),
  )
  app.post(
    '/console/announcements/:id/approve',
    requireRoles(APPROVERS),
    step((c, f) => approveAnnouncement(deps, ctxOf(c), c.req.param('id')!, decisionOf(f))),
  )
  app.post(
    '/console/announcements/:id/publish',
    requireRoles(APPROVERS),
    step((c) => publishOrSchedule(deps, ctxOf(c), c.req.param('id')!, {})),
  )
  return app
}
