import { Hono } from 'hono'
import { announcementById, announcementPage } from '../announcements/announcements.read.js'
import type { AppDeps } from '../deps.js'
import { requireRoles } from '../http/auth.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Layout } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'

/** The API's `x-access` of listAnnouncements and getAnnouncement. */
const READERS = ['sampler', 'reviewer', 'approver', 'admin'] as const

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
 * with its samples and who did each step. The workflow buttons (submit, review, approve, publish, correct,
 * retract) are planned; those moves go through the API meanwhile.
 */
export function consoleAnnouncementRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()
  app.get('/console/announcements', requireRoles(READERS), async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const page = await announcementPage(deps, { limit: 200 }, false)
    return c.html(
      <Layout
        title={tr(lang, { zh: '公告', en: 'Announcements' })}
        lang={lang}
        self={shell.self}
        signedInAs={shell.who}
      >
        <h1>{tr(lang, { zh: '抽检公告', en: 'Announcements' })}</h1>
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
    )
  })

  app.get('/console/announcements/:id', requireRoles(READERS), async (c) => {
    const shell = shellOf(c)
    const { lang } = shell
    const a = await announcementById(deps, c.req.param('id'))
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    return c.html(
      <Layout title={a.title} lang={lang} self={shell.self} signedInAs={shell.who}>
        <h1>{a.title}</h1>
        <p class="meta">
          {a.number ?? '—'} · <span data-status={a.status}>{statusText(a.status, lang)}</span>
        </p>
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
      </Layout>,
    )
  })
  return app
}
