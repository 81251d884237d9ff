import { type Level, levelName } from '../domain/enums.js'
import type { Step } from '../playbooks/playbook.schema.js'
import { DISPOSAL_FIELDS, type TaskSheet } from '../tasks/task-disposal.read.js'
import type { TaskRow } from '../tasks/task-view.js'
import { type Lang, localTime, type Text, tr } from '../web/i18n.js'
import { Layout, Refusal } from './layout.js'
import { type OverdueRetailer, OverdueRetailers } from './overdue-retailers.js'
import { CSRF_FIELD } from './session-auth.js'
import { DisposalList, IncidentLine, ReportList, type SheetFormState, Totals } from './task-disposal-view.js'
import { SamplingTargets } from './task-sampling-view.js'
import { TaskSelfCheck, type TaskSelfCheck as TaskSelfCheckData } from './task-self-check-view.js'
import { Countdown, deadlineOf, FigureInputs, isOpen, StatusChip } from './task-view.js'

export interface Shell {
  lang: Lang
  self: string
  who: string
  csrf: string
}

export interface ListedTask {
  task: TaskRow & { incident_code: string; exercise: boolean; incident_title: string; incident_level: number }
  title: Text | null
  districtName: string
}

/** A district officer's tasks: open ones first, most urgent deadline first, each a big tappable card. */
export function TaskListPage(p: {
  shell: Shell
  open: ListedTask[]
  done: ListedTask[]
  now: Date
  overdueRetailers: OverdueRetailer[]
}) {
  const { lang } = p.shell
  const card = ({ task: t, title, districtName }: ListedTask) => {
    const d = deadlineOf(t)
    const late = isOpen(t.status) && d.at < p.now
    return (
      <li>
        <a class={`task${late ? ' late' : ''}`} href={`/console/tasks/${t.id}`} id={`task-${t.id}`}>
          <span class="title">{title ? tr(lang, title) : t.step_key}</span>{' '}
          <StatusChip status={t.status} lang={lang} />
          <br />
          <IncidentLine
            incident={{
              title: t.incident_title,
              code: t.incident_code,
              level: levelName(t.incident_level as Level),
              exercise: t.exercise,
            }}
            district={districtName}
            lang={lang}
          />
          <br />
          {isOpen(t.status) ? (
            <>
              {tr(lang, d.what)} {localTime(d.at, lang)} · <Countdown at={d.at} now={p.now} lang={lang} />
            </>
          ) : null}
        </a>
      </li>
    )
  }
  return (
    <Layout
      title={tr(lang, { zh: '我的任务', en: 'My tasks' })}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
      script
    >
      <h1>{tr(lang, { zh: '我的任务', en: 'My tasks' })}</h1>
      <OverdueRetailers retailers={p.overdueRetailers} lang={lang} />
      {p.open.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '暂无待办任务。', en: 'No open tasks.' })}</p>
      ) : (
        <ul class="tasks">{p.open.map(card)}</ul>
      )}
      {p.done.length > 0 ? (
        <>
          <h2>{tr(lang, { zh: '已结束', en: 'Finished' })}</h2>
          <ul class="tasks">{p.done.map(card)}</ul>
        </>
      ) : null}
    </Layout>
  )
}

export interface TaskPageState {
  /** A refusal's reason (the domain error's text), shown above the forms. */
  refusal?: string | undefined
  problems?: string[]
  fieldErrors?: Record<string, string[]>
  typed?: Record<string, string>
  note?: string
  reason?: string
  reasonError?: string | undefined
  notice?: string | undefined
  /** Figure labels by name, to name each problem. */
  labels?: Record<string, string>
  /** A refused per-sample record or correction: which form, what was typed, its problems. */
  sheet?: SheetFormState
}

function Post(p: { action: string; csrf: string; label: string; cls?: string; lang: Lang }) {
  return (
    <form method="post" action={p.action}>
      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
      <button type="submit" class={p.cls}>
        {p.label}
      </button>
    </form>
  )
}

/** One task: what to do, by when, and the forms for the next move — each posting to the same verbs as the API. */
export function TaskPage(p: {
  shell: Shell
  task: TaskRow
  sheet: TaskSheet
  step: Step | null
  now: Date
  state: TaskPageState
  /** The self-check this task carries (每月自查): its form replaces the report and completion forms. */
  selfCheck?: { check: TaskSelfCheckData; canFile: boolean } | null
}) {
  const { lang, csrf } = p.shell
  const t = p.task
  const base = `/console/tasks/${t.id}`
  const title = p.step ? tr(lang, p.step.title) : t.step_key
  const d = deadlineOf(t)
  const s = p.state
  const canReport = t.status === 'acknowledged' || t.status === 'in_progress'
  // A self-check task is reported and completed by filing the check, never by the generic forms.
  const generic = !p.selfCheck
  return (
    <Layout title={title} lang={lang} self={p.shell.self} signedInAs={p.shell.who} script>
      <p>
        <a href="/console/tasks">← {tr(lang, { zh: '我的任务', en: 'My tasks' })}</a>
      </p>
      <p class="incident-line">
        <IncidentLine
          incident={p.sheet.incident}
          district={p.sheet.districtName ? tr(lang, p.sheet.districtName) : t.district_code}
          lang={lang}
        />
      </p>
      <h1>{title}</h1>
      <p>
        <StatusChip status={t.status} lang={lang} />
      </p>
      {s.notice ? (
        <p class="notice" role="status">
          {s.notice}
        </p>
      ) : null}
      <Refusal refusal={s.refusal} problems={s.problems} lang={lang} />
      <dl>
        {isOpen(t.status) ? (
          <>
            <dt>{tr(lang, d.what)}</dt>
            <dd>
              {localTime(d.at, lang)} · <Countdown at={d.at} now={p.now} lang={lang} />
            </dd>
          </>
        ) : null}
        {t.owner_name ? (
          <>
            <dt>{tr(lang, { zh: '负责人', en: 'Owner' })}</dt>
            <dd>{t.owner_name}</dd>
          </>
        ) : null}
        {t.decline_reason ? (
          <>
            <dt>{tr(lang, { zh: '拒绝原因', en: 'Declined because' })}</dt>
            <dd>{t.decline_reason}</dd>
          </>
        ) : null}
        {t.last_report_at ? (
          <>
            <dt>{tr(lang, { zh: '最近上报', en: 'Last report' })}</dt>
            <dd>{localTime(t.last_report_at, lang)}</dd>
          </>
        ) : null}
      </dl>
      {p.step ? <p>{tr(lang, p.step.instructions)}</p> : null}
      {p.sheet.sampling ? <SamplingTargets sampling={p.sheet.sampling} lang={lang} /> : null}
      {generic ? (
        <Totals
          totals={p.sheet.totals}
          fields={[...(p.step?.reportFields ?? []), ...DISPOSAL_FIELDS]}
          lang={lang}
        />
      ) : null}

      {t.status === 'pending' ? (
        <Post
          action={`${base}/ack`}
          csrf={csrf}
          cls="big"
          lang={lang}
          label={tr(lang, { zh: '确认接收', en: 'Acknowledge' })}
        />
      ) : null}
      {/* Filing the check is the self-check's work: a separate start would only stand before it. */}
      {generic && t.status === 'acknowledged' ? (
        <Post
          action={`${base}/start`}
          csrf={csrf}
          cls="secondary"
          lang={lang}
          label={tr(lang, { zh: '开始处置', en: 'Start work' })}
        />
      ) : null}

      <DisposalList
        sheet={p.sheet}
        base={base}
        csrf={csrf}
        lang={lang}
        canRecord={canReport}
        state={s.sheet ?? {}}
      />
      {p.selfCheck ? (
        <TaskSelfCheck check={p.selfCheck.check} canFile={p.selfCheck.canFile} csrf={csrf} lang={lang} />
      ) : null}
      {generic && canReport && p.step && p.step.reportFields.length > 0 ? (
        <section>
          <h2>{tr(lang, { zh: '上报数据', en: 'Report figures' })}</h2>
          <p class="meta">
            {tr(lang, {
              zh: '带 * 的为必填项；数字为本次新增量。',
              en: '* required; figures are what was done since the last report.',
            })}
          </p>
          <form method="post" action={`${base}/reports`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <FigureInputs step={p.step} lang={lang} typed={s.typed ?? {}} errors={s.fieldErrors ?? {}} />
            <label for="report-note">
              {tr(lang, { zh: '备注', en: 'Note' })}
              <textarea id="report-note" name="note" rows={2} maxlength={4000}>
                {s.note ?? ''}
              </textarea>
            </label>
            <button type="submit" class="big">
              {tr(lang, { zh: '提交上报', en: 'File report' })}
            </button>
          </form>
        </section>
      ) : null}

      <ReportList
        sheet={p.sheet}
        step={p.step}
        base={base}
        csrf={csrf}
        lang={lang}
        canCorrect={
          // A self-check's figures are the scorecard's as filed: nothing to correct by hand.
          generic &&
          t.status !== 'pending' &&
          t.status !== 'cancelled' &&
          p.sheet.incident.status !== 'closed'
        }
        state={s.sheet ?? {}}
      />

      {generic && canReport ? (
        <section>
          <h2>{tr(lang, { zh: '完成任务', en: 'Complete' })}</h2>
          <form method="post" action={`${base}/complete`}>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <label for="complete-note">
              {tr(lang, { zh: '完成说明（可选）', en: 'Note (optional)' })}
              <textarea id="complete-note" name="note" rows={2} maxlength={4000} />
            </label>
            <button type="submit">{tr(lang, { zh: '标记完成', en: 'Mark completed' })}</button>
          </form>
        </section>
      ) : null}

      {isOpen(t.status) ? (
        <section>
          <h2>{tr(lang, { zh: '无法承办', en: 'Decline' })}</h2>
          <form method="post" action={`${base}/decline`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <label for="decline-reason">
              <span>
                {tr(lang, { zh: '拒绝原因', en: 'Reason' })}
                <span class="req"> *</span>
              </span>
              <textarea
                id="decline-reason"
                name="reason"
                rows={2}
                maxlength={2000}
                {...(s.reasonError ? { 'aria-invalid': 'true' } : {})}
              >
                {s.reason ?? ''}
              </textarea>
              {s.reasonError ? <p class="field-error">{s.reasonError}</p> : null}
            </label>
            <button type="submit" class="secondary">
              {tr(lang, { zh: '拒绝并说明原因', en: 'Decline with this reason' })}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  )
}
