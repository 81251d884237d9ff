import type { Child } from 'hono/jsx'
import type { AnnouncementDto } from '../announcements/announcements.schema.js'
import { may, type Verb } from '../domain/access.js'
import type { Role } from '../domain/enums.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Layout, Problems } from './layout.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'

export const STATUSES = ['draft', 'in_review', 'reviewed', 'approved', 'published'] as const

export const SHOWN: Record<AnnouncementDto['shownAs'], { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  in_review: { zh: '待审核', en: 'In review' },
  reviewed: { zh: '待审批', en: 'Reviewed' },
  approved: { zh: '已审批', en: 'Approved' },
  scheduled: { zh: '已审批，定时发布', en: 'Approved, scheduled' },
  published: { zh: '已发布', en: 'Published' },
  corrected: { zh: '已更正', en: 'Corrected' },
  retracted: { zh: '已撤回', en: 'Retracted' },
}
export const KIND: Record<AnnouncementDto['kind'], { zh: string; en: string } | null> = {
  original: null,
  correction: { zh: '更正', en: 'Correction' },
  retraction: { zh: '撤回', en: 'Retraction' },
}
export const shown = (a: AnnouncementDto, lang: Lang) => tr(lang, SHOWN[a.shownAs])
export const when = (d: string | null, lang: Lang) => (d ? localTime(d, lang) : '—')

/** A time in Beijing time to the second, as a `datetime-local` input holds it (2026-11-30T09:00:05). */
export const beijingInput = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)
const beijing = (iso: string, lang: Lang) =>
  `${beijingInput(new Date(iso)).replace('T', ' ')}${tr(lang, { zh: '（北京时间 UTC+8）', en: ' (Beijing time, UTC+8)' })}`

export function Field(p: {
  id: string
  name: string
  label: string
  value: string | undefined
  area?: boolean
}) {
  return (
    <label for={p.id}>
      {p.label}
      {p.area ? (
        <textarea id={p.id} name={p.name} rows={4}>
          {p.value ?? ''}
        </textarea>
      ) : (
        <input id={p.id} name={p.name} value={p.value ?? ''} />
      )}
    </label>
  )
}

export interface DetailView {
  shell: Shell
  a: AnnouncementDto
  role: string
  me: string | null
  /** An unpublished correction or retraction of this one, which stops another from opening. */
  pending: { id: string; number: string } | undefined
  problems: string[]
  forms: { at?: string; correct?: Record<string, string>; retract?: Record<string, string> }
  /** The announcement as it will be published: what the reviewer and approver sign. */
  preview?: Child
  /** A draft the viewer may edit: rows can be removed (form `draft-samples`) and samples added. */
  editable?: boolean
}

/** What the next step is, with its button only for who may press it (the same rules the API applies). */
export function AnnouncementDetail(p: DetailView) {
  const { shell, a, forms } = p
  const { lang, csrf } = shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  // The role rule of each verb (ACCESS), as the API and the form's guard apply it; the person rules follow.
  const can = (verb: Verb) => may(p.role as Role, verb)
  const base = `/console/announcements/${a.id}`
  const csrfField = <input type="hidden" name={CSRF_FIELD} value={csrf} />
  const decision = (verb: 'review' | 'approve') => (
    <form method="post" action={`${base}/${verb}`} novalidate>
      {csrfField}
      <Field id={`${verb}-comment`} name="comment" label={t('意见', 'Comment')} value="" />
      <div class="actions">
        <button type="submit" name="decision" value="pass">
          {verb === 'review' ? t('审核通过', 'Pass review') : t('核准', 'Approve')}
        </button>
        <button type="submit" name="decision" value="return" class="secondary">
          {t('退回', 'Return')}
        </button>
      </div>
    </form>
  )
  const publisher = a.status === 'approved' && can('publishAnnouncement') && p.me === a.approved?.id
  const revisable = a.shownAs === 'published' && a.kind !== 'retraction' && can('reviseAnnouncement')
  return (
    <Layout title={a.title} lang={lang} self={shell.self} signedInAs={shell.who}>
      <p>
        <a href="/console/announcements">← {t('抽检公告', 'Announcements')}</a>
      </p>
      <h1>{a.title}</h1>
      <p class="meta">
        {a.number} · {KIND[a.kind] ? `${tr(lang, KIND[a.kind]!)} · ` : ''}
        <span data-status={a.shownAs}>{shown(a, lang)}</span>
      </p>
      <Problems items={p.problems} lang={lang} />
      {a.shownAs === 'scheduled' && a.publishAt ? (
        <p class="notice" role="status" id="scheduled">
          {t('定时发布于 ', 'Scheduled for ')}
          {beijing(a.publishAt, lang)}
        </p>
      ) : null}
      {a.supersededBy ? (
        <p class="notice">
          <a href={`/console/announcements/${a.supersededBy}`}>
            {a.shownAs === 'retracted'
              ? t('查看撤回公告', 'See the retraction')
              : t('查看更正公告', 'See the correction')}
          </a>
        </p>
      ) : null}
      <dl>
        {a.refersTo ? (
          <>
            <dt>{a.kind === 'retraction' ? t('撤回', 'Retracts') : t('更正', 'Corrects')}</dt>
            <dd>
              <a href={`/console/announcements/${a.refersTo}`}>{t('原公告', 'The original')}</a>
            </dd>
          </>
        ) : null}
        {a.reason ? (
          <>
            <dt>{t('撤回理由', 'Reason')}</dt>
            <dd>{a.reason}</dd>
          </>
        ) : null}
        <dt>{t('期间', 'Period')}</dt>
        <dd>{a.period}</dd>
        <dt>{t('起草', 'Drafted by')}</dt>
        <dd>{a.draftedBy.name}</dd>
        <dt>{t('审核', 'Reviewed')}</dt>
        <dd>{a.reviewed ? `${a.reviewed.name} ${when(a.reviewed.at, lang)}` : '—'}</dd>
        <dt>{t('审批', 'Approved')}</dt>
        <dd>{a.approved ? `${a.approved.name} ${when(a.approved.at, lang)}` : '—'}</dd>
        {a.returnComment ? (
          <>
            <dt>{t('退回意见', 'Returned with')}</dt>
            <dd>{a.returnComment}</dd>
          </>
        ) : null}
        <dt>{t('发布时间', 'Published')}</dt>
        <dd>{when(a.publishedAt, lang)}</dd>
        <dt>{t('样品', 'Samples')}</dt>
        {/* A long list is the table below; a short one reads here at a glance. */}
        <dd>
          {a.sampleNos.length > 20
            ? t(`共 ${a.sampleNos.length} 批次，见下表`, `${a.sampleNos.length} samples, listed below`)
            : a.sampleNos.join('、') || '—'}
        </dd>
      </dl>
      {p.preview}
      {p.editable ? (
        <div class="panel" id="draft-edit">
          <p>
            {t(
              '提交审核前可以增删样品：在上表移除，或从样品列表添加。修改过草稿的人不能再审核或核准它。',
              'Until it is submitted, samples can be removed above or added from the sample list. Whoever edits the draft may no longer review or approve it.',
            )}
          </p>
          <form method="post" action={`${base}/samples`} id="draft-samples" novalidate>
            {csrfField}
          </form>
          <p>
            <a href={`/console/samples?into=${a.id}`}>
              {t('从样品列表添加样品 →', 'Add samples from the sample list →')}
            </a>
          </p>
        </div>
      ) : null}
      {a.status === 'draft' &&
      can('submitAnnouncement') &&
      (p.me === a.draftedBy.id || p.role === 'admin') ? (
        <form method="post" action={`${base}/submit`} novalidate>
          {csrfField}
          <button type="submit">{t('提交审核', 'Submit for review')}</button>
        </form>
      ) : null}
      {a.status === 'in_review' && can('reviewAnnouncement') && p.me !== a.draftedBy.id
        ? decision('review')
        : null}
      {a.status === 'reviewed' &&
      can('approveAnnouncement') &&
      p.me !== a.draftedBy.id &&
      p.me !== a.reviewed?.id
        ? decision('approve')
        : null}
      {publisher ? (
        <div class="panel">
          <form method="post" action={`${base}/publish`} novalidate>
            {csrfField}
            <button type="submit">{t('立即发布', 'Publish now')}</button>
          </form>
          <form method="post" action={`${base}/schedule`} novalidate>
            {csrfField}
            <label for="publish-at">
              {a.publishAt ? t('改定发布时间', 'Change the publication time') : t('定时发布', 'Publish at')}{' '}
              {t('（北京时间 UTC+8）', '(Beijing time, UTC+8)')}
              <input
                id="publish-at"
                name="at"
                type="datetime-local"
                step={1}
                value={forms.at ?? (a.publishAt ? beijingInput(new Date(a.publishAt)) : '')}
              />
            </label>
            <button type="submit" class="secondary">
              {t('按时发布', 'Schedule')}
            </button>
          </form>
        </div>
      ) : null}
      {revisable && p.pending ? (
        <p class="meta" id="pending-revision">
          {t('已有待发布的更正或撤回：', 'A correction or retraction is pending: ')}
          <a href={`/console/announcements/${p.pending.id}`}>{p.pending.number}</a>
        </p>
      ) : null}
      {revisable && !p.pending ? (
        <>
          <details class="panel" open={!!forms.correct}>
            <summary>{t('更正此公告', 'Correct this announcement')}</summary>
            <form method="post" action={`${base}/correct`} novalidate>
              {csrfField}
              <Field
                id="c-number"
                name="number"
                label={t('更正公告文号', 'Number of the correction')}
                value={forms.correct?.number}
              />
              <Field id="c-title" name="title" label={t('标题', 'Title')} value={forms.correct?.title} />
              <Field
                id="c-period"
                name="period"
                label={t('期间', 'Period')}
                value={forms.correct?.period ?? a.period}
              />
              <Field
                id="c-samples"
                name="sampleNos"
                label={t('更正后的抽样编号（每行一个）', 'The corrected sample numbers (one a line)')}
                value={forms.correct?.sampleNos ?? a.sampleNos.join('\n')}
                area
              />
              <button type="submit">{t('起草更正公告', 'Draft the correction')}</button>
            </form>
          </details>
          <details class="panel" open={!!forms.retract}>
            <summary>{t('撤回此公告', 'Retract this announcement')}</summary>
            <form method="post" action={`${base}/retract`} novalidate>
              {csrfField}
              <Field
                id="r-number"
                name="number"
                label={t('撤回公告文号', 'Number of the retraction')}
                value={forms.retract?.number}
              />
              <Field id="r-title" name="title" label={t('标题', 'Title')} value={forms.retract?.title} />
              <Field
                id="r-reason"
                name="reason"
                label={t('撤回理由（必填）', 'Reason (required)')}
                value={forms.retract?.reason}
                area
              />
              <button type="submit">{t('起草撤回公告', 'Draft the retraction')}</button>
            </form>
          </details>
        </>
      ) : null}
    </Layout>
  )
}
