import type { AnnouncementDto } from '../announcements/announcements.schema.js'
import { tr } from '../web/i18n.js'
import { Field, KIND, SHOWN, STATUSES, shown, when } from './announcement-pages.js'
import { Layout, Problems } from './layout.js'
import { Pager, type Paging } from './paging.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'

/** The announcements, newest first, by status and paged; with the draft form for who may draft. */
export function AnnouncementList(p: {
  shell: Shell
  items: AnnouncementDto[]
  status: string | undefined
  paging: Paging
  next: string | null
  problems: string[]
  /** For whoever may draft: what was typed, with its problems. */
  draft?: { form: Record<string, string>; problems: string[] }
}) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <Layout title={t('公告', 'Announcements')} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <h1>{t('抽检公告', 'Announcements')}</h1>
      <Problems items={p.problems} lang={lang} />
      {p.draft ? (
        <form method="post" action="/console/announcements" novalidate>
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <h2>{t('起草公告', 'Draft an announcement')}</h2>
          <Problems items={p.draft.problems} lang={lang} />
          <Field id="d-number" name="number" label={t('文号', 'Number')} value={p.draft.form.number} />
          <Field id="d-title" name="title" label={t('标题', 'Title')} value={p.draft.form.title} />
          <Field id="d-period" name="period" label={t('期间', 'Period')} value={p.draft.form.period} />
          <Field
            id="d-samples"
            name="sampleNos"
            label={t(
              '抽样编号（每行一个；也可在样品列表中勾选）',
              'Sample numbers (one a line; or tick them in the samples list)',
            )}
            value={p.draft.form.sampleNos}
            area
          />
          <button type="submit">{t('保存草稿', 'Save draft')}</button>
        </form>
      ) : null}
      <form method="get" action="/console/announcements" class="filters">
        <label for="q-status">
          {t('状态', 'Status')}
          <select id="q-status" name="status">
            <option value="">—</option>
            {STATUSES.map((s) => (
              <option value={s} selected={p.status === s}>
                {tr(lang, SHOWN[s])}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('筛选', 'Filter')}</button>
      </form>
      {p.items.length === 0 ? (
        <p class="empty">{t('无', 'None')}</p>
      ) : (
        <div class="table-wrap">
          <table class="matrix" id="announcements">
            <thead>
              <tr>
                <th>{t('编号', 'Number')}</th>
                <th>{t('标题', 'Title')}</th>
                <th>{t('状态', 'Status')}</th>
                <th>{t('发布时间', 'Published')}</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((a) => (
                <tr>
                  <td>{a.number}</td>
                  <td>
                    {KIND[a.kind] ? `[${tr(lang, KIND[a.kind]!)}] ` : ''}
                    <a href={`/console/announcements/${a.id}`}>{a.title}</a>
                  </td>
                  <td data-status={a.shownAs}>{shown(a, lang)}</td>
                  <td>{when(a.publishedAt ?? a.publishAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/console/announcements"
        filters={p.status ? { status: p.status } : {}}
        paging={p.paging}
        next={p.next}
        lang={lang}
      />
    </Layout>
  )
}
