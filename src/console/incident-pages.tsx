import type { District } from '../districts/district-directory.js'
import { durationWords } from '../playbooks/duration.js'
import type { Playbook, Step } from '../playbooks/playbook.schema.js'
import { LevelBadge } from '../web/components.js'
import { localTime, tr } from '../web/i18n.js'
import { percent } from './incident-report-page.js'
import { Layout, Problems, Refusal } from './layout.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'
import { Countdown, STATUS_TEXT, StatusChip, spanText } from './task-view.js'

export const COLOUR = { I: 'red', II: 'orange', III: 'yellow', IV: 'blue' } as const
export type LevelName = keyof typeof COLOUR

export interface ActiveIncident {
  id: string
  code: string
  title: string
  level: LevelName
  exercise: boolean
  createdAt: Date
  tasks: number
  acknowledged: number
  overdue: number
}

export interface ActivateForm {
  playbook?: string
  level?: string
  title?: string
  districts?: string[]
  all?: boolean
  products?: string
  exercise?: boolean
}

function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />
}

/** The command centre: what is running now, and the activation form (step 1: choose; step 2: preview). */
export function CommandPage(p: {
  shell: Shell
  incidents: ActiveIncident[]
  playbooks: { id: string; name: string }[]
  districts: District[]
  now: Date
  form: ActivateForm
  problems: string[]
}) {
  const { lang, csrf } = p.shell
  const f = p.form
  return (
    <Layout
      title={tr(lang, { zh: '指挥中心', en: 'Command centre' })}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
    >
      <h1>{tr(lang, { zh: '指挥中心', en: 'Command centre' })}</h1>
      <p>
        <a href="/console/overview">
          {tr(lang, { zh: '近30天各区县按时办结率', en: 'On-time rates by district, last 30 days' })}
        </a>
      </p>
      <h2>{tr(lang, { zh: '进行中的事件', en: 'Active incidents' })}</h2>
      {p.incidents.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '当前无进行中的事件。', en: 'No active incidents.' })}</p>
      ) : (
        <ul class="incidents">
          {p.incidents.map((i) => (
            <li class={`card level-${COLOUR[i.level]}`}>
              <h3>
                <LevelBadge colour={COLOUR[i.level]} lang={lang} />
                {i.exercise ? (
                  <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>
                ) : null}
                <a href={`/console/incidents/${i.id}`}>
                  {i.code} {i.title}
                </a>
              </h3>
              <p class="meta">
                {tr(lang, { zh: '已持续', en: 'Running for' })}{' '}
                {spanText(p.now.getTime() - i.createdAt.getTime(), lang)} ·{' '}
                {tr(lang, { zh: '已确认', en: 'acknowledged' })} {i.acknowledged}/{i.tasks} ·{' '}
                <span class={i.overdue ? 'countdown late' : ''}>
                  {tr(lang, { zh: '超时', en: 'overdue' })} {i.overdue}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
      <h2 id="activate">{tr(lang, { zh: '启动预案', en: 'Activate a playbook' })}</h2>
      <Problems items={p.problems} lang={lang} />
      <form method="post" action="/console/incidents/preview" novalidate>
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <label for="a-playbook">
          {tr(lang, { zh: '预案', en: 'Playbook' })}
          <select id="a-playbook" name="playbook">
            {p.playbooks.map((pb) => (
              <option value={pb.id} selected={f.playbook === pb.id}>
                {pb.name}
              </option>
            ))}
          </select>
        </label>
        <label for="a-level">
          {tr(lang, { zh: '响应级别', en: 'Level' })}
          <select id="a-level" name="level">
            {(['IV', 'III', 'II', 'I'] as const).map((l) => (
              <option value={l} selected={f.level === l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label for="a-title">
          {tr(lang, { zh: '标题', en: 'Title' })}
          <input id="a-title" name="title" maxlength={200} value={f.title ?? ''} />
        </label>
        <fieldset>
          <legend>{tr(lang, { zh: '区县', en: 'Districts' })}</legend>
          <label class="check">
            <input type="checkbox" name="all" value="1" checked={f.all} />{' '}
            {tr(lang, { zh: '全市', en: 'All districts' })}
          </label>
          <div class="checks">
            {p.districts.map((d) => (
              <label class="check">
                <input
                  type="checkbox"
                  name={`district.${d.code}`}
                  value="1"
                  checked={f.districts?.includes(d.code)}
                />{' '}
                {tr(lang, { zh: d.nameZh, en: d.nameEn })}
              </label>
            ))}
          </div>
        </fieldset>
        <label for="a-products">
          {tr(lang, { zh: '涉及产品（每行一个：名称 批号）', en: 'Products (one a line: name batch)' })}
          <textarea id="a-products" name="products" rows={3}>
            {f.products ?? ''}
          </textarea>
        </label>
        <label class="check">
          <input type="checkbox" name="exercise" value="1" checked={f.exercise} />{' '}
          {tr(lang, { zh: '演练（不计入统计）', en: 'Exercise (a drill)' })}
        </label>
        <button type="submit">{tr(lang, { zh: '下一步：预览', en: 'Next: preview' })}</button>
      </form>
    </Layout>
  )
}

/** Step 2: the steps this level sets off, and the confirm button carrying one Idempotency-Key. */
export function PreviewPage(p: {
  shell: Shell
  playbook: Playbook
  level: LevelName
  steps: Step[]
  fields: [string, string][]
  districtNames: string[]
  idempotencyKey: string
}) {
  const { lang, csrf } = p.shell
  const field = (name: string) => p.fields.find(([n]) => n === name)?.[1] ?? ''
  const products = field('products')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  return (
    <Layout
      title={tr(lang, { zh: '确认启动', en: 'Confirm activation' })}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
    >
      <h1>{tr(lang, { zh: '确认启动', en: 'Confirm activation' })}</h1>
      <div class="confirm">
        <p>
          <LevelBadge colour={COLOUR[p.level]} lang={lang} />
          {field('exercise') ? (
            <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>
          ) : (
            <strong>{tr(lang, { zh: '实战（非演练）', en: 'Real incident (not an exercise)' })}</strong>
          )}
        </p>
        <p>
          <strong>{field('title')}</strong> · {tr(lang, p.playbook.name)}
        </p>
        <p>
          {tr(lang, { zh: '涉及产品：', en: 'Products: ' })}
          {products.length === 0 ? tr(lang, { zh: '（未填写）', en: '(none given)' }) : products.join('；')}
        </p>
        <p>
          {tr(lang, {
            zh: `区县（${p.districtNames.length}）：`,
            en: `Districts (${p.districtNames.length}): `,
          })}
          {p.districtNames.join(lang === 'zh' ? '、' : ', ')}
        </p>
      </div>
      <h2>
        {tr(lang, {
          zh: `此级别将下达 ${p.steps.length} 项任务`,
          en: `${p.steps.length} steps at this level`,
        })}
      </h2>
      <ol>
        {p.steps.map((s) => (
          <li>
            <strong>{tr(lang, s.title)}</strong> — {tr(lang, { zh: '确认时限', en: 'acknowledge within' })}{' '}
            {durationWords(s.ackWithin, lang)}，{tr(lang, { zh: '完成时限', en: 'due within' })}{' '}
            {durationWords(s.dueWithin, lang)}
          </li>
        ))}
      </ol>
      <form method="post" action="/console/incidents">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <Hidden name="idempotencyKey" value={p.idempotencyKey} />
        {p.fields.map(([name, value]) => (
          <Hidden name={name} value={value} />
        ))}
        <button type="submit" class="big">
          {tr(lang, { zh: '确认启动', en: 'Activate now' })}
        </button>
      </form>
      <p>
        <a href="/console#activate">{tr(lang, { zh: '返回修改', en: 'Back to edit' })}</a>
      </p>
    </Layout>
  )
}

export interface MatrixCell {
  task: string
  state: keyof typeof STATUS_TEXT
}

export const cellState = (c: { status: string; overdue: string | null }, escalated: boolean) =>
  (c.status === 'pending' || c.status === 'acknowledged' || c.status === 'in_progress') && c.overdue
    ? 'overdue'
    : ((c.status === 'pending' && escalated ? 'escalated' : c.status) as keyof typeof STATUS_TEXT)

export function IncidentPage(p: {
  shell: Shell
  incident: {
    id: string
    code: string
    title: string
    level: LevelName
    status: string
    exercise: boolean
    createdAt: string
    summary: string | null
  }
  steps: { key: string; title: { zh: string; en: string } }[]
  rows: { district: string; name: string; cells: Record<string, MatrixCell | undefined> }[]
  overdue: { id: string; district: string; step: string; lateBySeconds: number }[]
  totals: { city: Record<string, number>; districts: Record<string, Record<string, number>> }
  figureNames: { name: string; label: string }[]
  now: Date
  problems: string[]
  refusal?: string | undefined
  /** The command centre's reassign and cancel forms (absent for readers who may not move tasks). */
  taskForms?: unknown
  /** Whether the person may command (level, close, timeline): a district officer only reads. */
  command: boolean
  /** 当场办结: each district's on-time rate and the city's (0..1, null when nothing was required). */
  rates?: { city: number | null; districts: Record<string, number | null> }
  /** Each level change in words, with what it added and cancelled. */
  levelChanges?: string[]
}) {
  const { lang, csrf } = p.shell
  const i = p.incident
  const active = i.status === 'active'
  return (
    <Layout title={`${i.code} ${i.title}`} lang={lang} self={p.shell.self} signedInAs={p.shell.who} script>
      <h1>
        <LevelBadge colour={COLOUR[i.level]} lang={lang} />{' '}
        {i.exercise ? (
          <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>
        ) : null}{' '}
        {i.code} {i.title}
      </h1>
      <p class="meta">
        {tr(lang, { zh: '启动于', en: 'Activated' })} {localTime(i.createdAt, lang)} ·{' '}
        {active ? tr(lang, { zh: '进行中', en: 'active' }) : tr(lang, { zh: '已关闭', en: 'closed' })}
      </p>
      <Refusal refusal={p.refusal} problems={p.problems} lang={lang} />
      <p>
        {tr(lang, { zh: '全市按时办结率', en: 'City on-time rate' })}{' '}
        <span class="rate">{percent(p.rates?.city)}</span> ·{' '}
        <a href={`/console/incidents/${i.id}/report`}>
          {tr(lang, { zh: '总结报告（可打印）', en: 'After-action report (printable)' })}
        </a>
      </p>
      {p.levelChanges?.length ? (
        <>
          <h2>{tr(lang, { zh: '级别变化', en: 'Level changes' })}</h2>
          <ul>
            {p.levelChanges.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 id="matrix-title">{tr(lang, { zh: '任务矩阵', en: 'District × step' })}</h2>
      <section class="matrix-wrap" tabindex={0} aria-labelledby="matrix-title">
        <table class="matrix" id="matrix" data-live={`/console/incidents/${i.id}/cells.json`}>
          <thead>
            <tr>
              <th scope="col">{tr(lang, { zh: '区县', en: 'District' })}</th>
              <th scope="col">{tr(lang, { zh: '按时办结率', en: 'On time' })}</th>
              {p.steps.map((s) => (
                <th scope="col">{tr(lang, s.title)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                <th scope="row">{r.name}</th>
                <td class="rate">{percent(p.rates?.districts[r.district])}</td>
                {p.steps.map((s) => {
                  const c = r.cells[s.key]
                  return c ? (
                    <td class={`st-${c.state}`} id={`cell-${c.task}`} data-state={c.state}>
                      <a href={`/console/tasks/${c.task}`}>{tr(lang, STATUS_TEXT[c.state])}</a>
                    </td>
                  ) : (
                    <td>—</td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ul class="legend" aria-label={tr(lang, { zh: '图例', en: 'Legend' })}>
        {(
          [
            'pending',
            'acknowledged',
            'in_progress',
            'completed',
            'overdue',
            'escalated',
            'declined',
            'cancelled',
          ] as const
        ).map((s) => (
          <li>
            <StatusChip status={s} lang={lang} />
          </li>
        ))}
        <li>— {tr(lang, { zh: '此级别无此任务', en: 'not at this level' })}</li>
      </ul>
      <h2>{tr(lang, { zh: '超时任务', en: 'Overdue' })}</h2>
      {p.overdue.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        <ul>
          {p.overdue.map((o) => (
            <li>
              <a href={`/console/tasks/${o.id}`}>
                {o.district} · {o.step}
              </a>{' '}
              <Countdown at={new Date(p.now.getTime() - o.lateBySeconds * 1000)} now={p.now} lang={lang} />
            </li>
          ))}
        </ul>
      )}
      <h2>{tr(lang, { zh: '上报数据合计', en: 'Figure totals' })}</h2>
      {/* One row per figure (playbooks declare many), one column per district and the city. */}
      <table class="matrix" id="totals">
        <thead>
          <tr>
            <th>{tr(lang, { zh: '数据项', en: 'Figure' })}</th>
            {Object.keys(p.totals.districts).map((d) => (
              <th>{p.rows.find((r) => r.district === d)?.name ?? d}</th>
            ))}
            <th>{tr(lang, { zh: '全市', en: 'City-wide' })}</th>
          </tr>
        </thead>
        <tbody>
          {p.figureNames.map((f) => (
            <tr>
              <th>{f.label}</th>
              {Object.values(p.totals.districts).map((t) => (
                <td>{t[f.name] ?? 0}</td>
              ))}
              <td>
                <strong>{p.totals.city[f.name] ?? 0}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="actions">
        <a href={`/console/incidents/${i.id}/report.csv`}>
          {tr(lang, { zh: '下载总结报告（CSV）', en: 'After-action report (CSV)' })}
        </a>
        {p.command ? (
          <a href={`/console/incidents/${i.id}/timeline.csv`}>
            {tr(lang, { zh: '下载时间线（CSV）', en: 'Timeline (CSV)' })}
          </a>
        ) : null}
      </p>
      {active && p.command ? (
        <>
          <h2>{tr(lang, { zh: '调整级别', en: 'Change level' })}</h2>
          <form method="post" action={`/console/incidents/${i.id}/level`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <label for="l-level">
              {tr(lang, { zh: '新级别', en: 'New level' })}
              <select id="l-level" name="level">
                {(['IV', 'III', 'II', 'I'] as const).map((l) => (
                  <option value={l} selected={l === i.level}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <label for="l-reason">
              {tr(lang, { zh: '原因', en: 'Reason' })}
              <input id="l-reason" name="reason" maxlength={2000} />
            </label>
            <button type="submit" class="secondary">
              {tr(lang, { zh: '调整级别', en: 'Change level' })}
            </button>
          </form>
          {p.taskForms}
          <h2>{tr(lang, { zh: '关闭事件', en: 'Close the incident' })}</h2>
          <form method="post" action={`/console/incidents/${i.id}/close`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <label for="c-summary">
              {tr(lang, { zh: '处置总结', en: 'Summary' })}
              <textarea id="c-summary" name="summary" rows={3} maxlength={20000} />
            </label>
            <button type="submit">{tr(lang, { zh: '关闭事件', en: 'Close' })}</button>
          </form>
        </>
      ) : active ? null : (
        <p>{i.summary}</p>
      )}
    </Layout>
  )
}
