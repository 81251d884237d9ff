import type { TaskStatus } from '../db/types.js'
import type { ReportField, Step } from '../playbooks/playbook.schema.js'
import type { TaskRow } from '../tasks/task-view.js'
import { type Lang, localTime, type Text, tr } from '../web/i18n.js'

export const STATUS_TEXT: Record<TaskStatus | 'overdue' | 'escalated', Text> = {
  pending: { zh: '待确认', en: 'Pending' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
  in_progress: { zh: '处置中', en: 'In progress' },
  completed: { zh: '已完成', en: 'Completed' },
  declined: { zh: '已拒绝', en: 'Declined' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  overdue: { zh: '已超时', en: 'Overdue' },
  escalated: { zh: '已升级', en: 'Escalated' },
}

export const isOpen = (s: TaskStatus) => s === 'pending' || s === 'acknowledged' || s === 'in_progress'

/** The deadline that matters now: acknowledging while pending, finishing afterwards. */
export function deadlineOf(t: TaskRow): { at: Date; what: Text } {
  return t.status === 'pending'
    ? { at: t.ack_due_at, what: { zh: '确认时限', en: 'Acknowledge by' } }
    : { at: t.due_at, what: { zh: '完成时限', en: 'Due' } }
}

/** "1 小时 20 分" / "1 h 20 min": whole minutes, days beyond 48 hours. */
export function spanText(ms: number, lang: Lang): string {
  const min = Math.max(0, Math.floor(Math.abs(ms) / 60_000))
  const d = Math.floor(min / 1440)
  const h = Math.floor((min % 1440) / 60)
  const m = min % 60
  if (lang === 'zh') return `${d ? `${d} 天 ` : ''}${h || d ? `${h} 小时 ` : ''}${m} 分`
  return `${d ? `${d} d ` : ''}${h || d ? `${h} h ` : ''}${m} min`
}

export function leftText(ms: number, lang: Lang): string {
  return ms >= 0
    ? tr(lang, { zh: `剩余 ${spanText(ms, lang)}`, en: `${spanText(ms, lang)} left` })
    : tr(lang, { zh: `已超时 ${spanText(ms, lang)}`, en: `${spanText(ms, lang)} overdue` })
}

/**
 * Time left, rendered on the server; `data-left` (ms at render) lets the console script tick it on from the
 * page's load, so a wrong phone clock does not matter.
 */
export function Countdown({ at, now, lang }: { at: Date; now: Date; lang: Lang }) {
  const ms = at.getTime() - now.getTime()
  return (
    <time
      class={`countdown${ms < 0 ? ' late' : ''}`}
      datetime={at.toISOString()}
      data-left={String(ms)}
      data-lang={lang}
      title={localTime(at, lang)}
    >
      {leftText(ms, lang)}
    </time>
  )
}

export function StatusChip({ status, lang }: { status: keyof typeof STATUS_TEXT; lang: Lang }) {
  return <span class={`st st-${status}`}>{tr(lang, STATUS_TEXT[status])}</span>
}

/** The form name of a figure's input. */
export const figureInput = (name: string) => `figure.${name}`

/**
 * A report's figures from the posted form: empty inputs are left out (the service says which were
 * required), numbers that do not parse are passed on as text so the service names them as the wrong type.
 */
export function figuresFromForm(fields: ReportField[], form: Record<string, unknown>) {
  const figures: Record<string, number | boolean | string> = {}
  const typed: Record<string, string> = {}
  for (const f of fields) {
    const v = form[figureInput(f.name)]
    const raw = typeof v === 'string' ? v.trim() : ''
    typed[f.name] = raw
    if (raw === '') continue
    if (f.type === 'integer' || f.type === 'number')
      figures[f.name] = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : raw
    else if (f.type === 'boolean') figures[f.name] = raw === 'yes' ? true : raw === 'no' ? false : raw
    else figures[f.name] = raw
  }
  return { figures, typed }
}

/** One input per declared figure: label, unit, bounds, required mark, its problem and what was typed. */
export function FigureInputs(p: {
  step: Step
  lang: Lang
  typed: Record<string, string>
  errors: Record<string, string[]>
}) {
  const { lang } = p
  return (
    <>
      {p.step.reportFields.map((f) => {
        const id = `fig-${f.name}`
        const errs = p.errors[f.name] ?? []
        const bounds = [
          f.min !== undefined ? `≥ ${f.min}` : '',
          f.max !== undefined ? `≤ ${f.max}` : '',
          f.maxLength !== undefined
            ? tr(lang, { zh: `至多 ${f.maxLength} 字`, en: `≤ ${f.maxLength} chars` })
            : '',
        ]
          .filter(Boolean)
          .join('，')
        const common = {
          id,
          name: figureInput(f.name),
          ...(errs.length ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-err` } : {}),
        }
        return (
          <label for={id}>
            <span>
              {tr(lang, f.label)}
              {f.unit ? <span class="unit">（{tr(lang, f.unit)}）</span> : null}
              {f.required ? (
                <span class="req" title={tr(lang, { zh: '必填', en: 'required' })}>
                  {' *'}
                </span>
              ) : null}
              {bounds ? <span class="unit"> {bounds}</span> : null}
            </span>
            {f.type === 'boolean' ? (
              <select {...common}>
                <option value="">—</option>
                <option value="yes" selected={p.typed[f.name] === 'yes'}>
                  {tr(lang, { zh: '是', en: 'Yes' })}
                </option>
                <option value="no" selected={p.typed[f.name] === 'no'}>
                  {tr(lang, { zh: '否', en: 'No' })}
                </option>
              </select>
            ) : f.type === 'text' ? (
              <input {...common} value={p.typed[f.name] ?? ''} />
            ) : (
              <input
                {...common}
                inputmode={f.type === 'integer' ? 'numeric' : 'decimal'}
                value={p.typed[f.name] ?? ''}
              />
            )}
            {errs.length ? (
              <p class="field-error" id={`${id}-err`}>
                {errs.join('；')}
              </p>
            ) : null}
          </label>
        )
      })}
    </>
  )
}
