import type { SelfCheckFigures } from '../scorecard/self-checks.schema.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Table } from './admin-view.js'
import { CSRF_FIELD } from './session-auth.js'

type Part = { due: number; onTime: number; rate: number | null }
export const cell = (p: Part) => `${p.onTime}/${p.due}${p.rate === null ? '' : ` · ${p.rate}%`}`

/** The district's scorecard figures of the month, as the self-check shows and files them. */
export function SelfCheckFiguresTable(p: { figures: SelfCheckFigures; lang: Lang }) {
  const f = p.figures
  const t = (zh: string, en: string) => tr(p.lang, { zh, en })
  return (
    <Table
      id="self-check-figures"
      lang={p.lang}
      head={[t('指标', 'Measure'), t('按时数/应办数 · 按时率', 'on time / due · rate')]}
      rows={[
        [t('任务按时', 'Tasks on time'), cell(f.tasks)],
        [t('投诉按时受理', 'Complaints decided on time'), cell(f.complaintsDecided)],
        [t('投诉按时办结', 'Complaints closed on time'), cell(f.complaintsClosed)],
        [t('整改按时结案', 'Rectifications on time'), cell(f.rectifications)],
        [t('公示栏24小时确认', 'Boards confirmed in 24 h'), cell(f.boards)],
      ]}
    />
  )
}

export interface TaskSelfCheck {
  id: string
  month: string
  status: 'due' | 'filed'
  dueAt: string
  filedAt: string | null
  summary: string | null
  measures: string | null
  figures: SelfCheckFigures
}

/**
 * A self-check task's own form on its task page, in place of the generic report and completion: the month's
 * figures it will carry, then the findings and measures. It posts to the self-check's form, whose verb files
 * the check and completes this task in one transaction; plain fields, no script, full width on a phone.
 */
export function TaskSelfCheck(p: { check: TaskSelfCheck; canFile: boolean; csrf: string; lang: Lang }) {
  const { check: x, lang } = p
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <section id="self-check">
      <h2>
        {x.status === 'filed'
          ? t(`${x.month} 本月指标（报送时）`, `Figures of ${x.month} (as filed)`)
          : t(`${x.month} 本月指标（报送时随自查一并上报）`, `Figures of ${x.month} (filed with the check)`)}
      </h2>
      <SelfCheckFiguresTable figures={x.figures} lang={lang} />
      {x.status === 'filed' ? (
        <dl>
          <dt>{t('报送于', 'Filed')}</dt>
          <dd>{x.filedAt ? localTime(x.filedAt, lang) : '—'}</dd>
          <dt>{t('自查情况', 'Findings')}</dt>
          <dd>{x.summary}</dd>
          <dt>{t('整改措施', 'Measures')}</dt>
          <dd>{x.measures ?? '—'}</dd>
        </dl>
      ) : p.canFile ? (
        <form method="post" action={`/console/self-checks/${x.id}`} novalidate>
          <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
          <input type="hidden" name="from" value="task" />
          <label for="self-check-summary">
            <span>
              {t('自查情况', 'Findings')}
              <span class="req"> *</span>
            </span>
            <textarea id="self-check-summary" name="summary" rows={4} maxlength={4000} />
          </label>
          <label for="self-check-measures">
            {t('整改措施（选填）', 'Measures (optional)')}
            <textarea id="self-check-measures" name="measures" rows={3} maxlength={4000} />
          </label>
          <button type="submit" class="big">
            {t('报送自查并完成任务', 'File the self-check and complete the task')}
          </button>
        </form>
      ) : null}
    </section>
  )
}
