import type { ReportField, Step } from '../playbooks/playbook.schema.js'
import {
  currentFigures,
  DISPOSAL_FIELDS,
  type DisposalSample,
  type FiledReport,
  type TaskSheet,
} from '../tasks/task-disposal.read.js'
import { LevelBadge } from '../web/components.js'
import { type Lang, localTime, type Text, tr } from '../web/i18n.js'
import { CSRF_FIELD } from './session-auth.js'

const LEVEL_COLOURS = { I: 'red', II: 'orange', III: 'yellow', IV: 'blue' } as const

/** Form state kept when a per-sample record or a correction is refused. */
export interface SheetFormState {
  /** Which form the state belongs to: `sample:<id>` or `correct:<report id>`. */
  form?: string
  typed?: Record<string, string>
  errors?: string[]
}

/** The incident behind a task, as every task card and page names it: level now, 演练, title, district, code. */
export function IncidentLine(p: {
  incident: { title: string; code: string; level: keyof typeof LEVEL_COLOURS; exercise: boolean }
  district: string
  lang: Lang
}) {
  const { lang } = p
  return (
    <>
      <LevelBadge colour={LEVEL_COLOURS[p.incident.level]} lang={lang} />
      {p.incident.exercise ? (
        <span class="badge badge-exercise">{tr(lang, { zh: '演练', en: 'Exercise' })}</span>
      ) : null}
      <span>{p.incident.title}</span> · <span>{p.district}</span> ·{' '}
      <span class="code">{p.incident.code}</span>
    </>
  )
}

/** A figure's value in words with its unit: "12 件", "1.5 千克", "是". */
export function figureText(f: ReportField | undefined, v: unknown, lang: Lang, signed = false): string {
  if (typeof v === 'boolean') return tr(lang, v ? { zh: '是', en: 'yes' } : { zh: '否', en: 'no' })
  if (typeof v === 'number') {
    const n = `${signed && v > 0 ? '+' : ''}${v.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}`
    return f?.unit ? `${n} ${tr(lang, f.unit)}` : n
  }
  return v === null || v === undefined ? '—' : String(v)
}

const labelOf = (f: ReportField | undefined, name: string, lang: Lang) => (f ? tr(lang, f.label) : name)

/** The task's figures: the sums of every report filed, corrections included. */
export function Totals(p: { totals: Record<string, number>; fields: ReportField[]; lang: Lang }) {
  const { lang } = p
  const names = Object.keys(p.totals)
  if (names.length === 0) return null
  const byName = new Map(p.fields.map((f) => [f.name, f]))
  return (
    <section>
      <h2>{tr(lang, { zh: '本任务合计', en: 'Task totals' })}</h2>
      <ul class="totals">
        {names.map((n) => {
          const f = byName.get(n)
          const v = p.totals[n]!
          return (
            <li>
              {labelOf(f, n, lang)}：<b>{f?.type === 'boolean' ? `${v}` : figureText(f, v, lang)}</b>
              {f?.type === 'boolean' ? tr(lang, { zh: ' 次', en: ' time(s)' }) : ''}
            </li>
          )
        })}
      </ul>
    </section>
  )
}

function SampleRecorded({ r, lang }: { r: DisposalSample['recorded']; lang: Lang }) {
  if (r.records === 0)
    return <p class="meta">{tr(lang, { zh: '尚未记录处置情况', en: 'Nothing recorded yet' })}</p>
  const parts = [
    r.unitsRemoved
      ? tr(lang, { zh: `下架 ${r.unitsRemoved} 件`, en: `${r.unitsRemoved} units removed` })
      : '',
    r.sealedKg ? tr(lang, { zh: `封存 ${r.sealedKg} 千克`, en: `${r.sealedKg} kg sealed` }) : '',
    r.notOnSale ? tr(lang, { zh: '未见在售', en: 'not found on sale' }) : '',
  ].filter(Boolean)
  return (
    <p class="done-mark">
      ✓ {tr(lang, { zh: '已记录：', en: 'Recorded: ' })}
      {parts.join(tr(lang, { zh: '，', en: ', ' }))}
    </p>
  )
}

/** One failing sample: what it is, what failed, what was recorded, and the form to record more. */
function SampleCard(p: {
  s: DisposalSample
  base: string
  csrf: string
  lang: Lang
  canRecord: boolean
  state: SheetFormState
}) {
  const { s, lang } = p
  const mine = p.state.form === `sample:${s.id}`
  const typed = mine ? (p.state.typed ?? {}) : {}
  const id = (n: string) => `d-${s.id}-${n}`
  return (
    <div class="sample" id={`sample-${s.id}`}>
      <p>
        <span class="product">{s.product}</span>
        {s.brand ? ` · ${tr(lang, { zh: '商标', en: 'Brand' })} ${s.brand}` : ''}
        {s.spec ? ` · ${s.spec}` : ''}
        <br />
        {tr(lang, { zh: '批号/日期', en: 'Batch/date' })} {s.batch ?? s.productionDate ?? '—'} ·{' '}
        {tr(lang, { zh: '抽样编号', en: 'Sample no.' })} <span class="code">{s.no}</span>
        {s.producer ? (
          <>
            <br />
            {tr(lang, { zh: '标称生产企业', en: 'Producer' })} {s.producer}
          </>
        ) : null}
      </p>
      <p>
        {tr(lang, { zh: '不合格项目：', en: 'Failed: ' })}
        {s.failedItems.length === 0
          ? '—'
          : s.failedItems.map((i, n) => (
              <>
                {n > 0 ? '；' : ''}
                <span class="failed">{i.name}</span> {i.result}
                {i.limit ? tr(lang, { zh: `（标准 ${i.limit}）`, en: ` (limit ${i.limit})` }) : ''}
              </>
            ))}
      </p>
      <SampleRecorded r={s.recorded} lang={lang} />
      {p.canRecord ? (
        <details open={mine}>
          <summary>{tr(lang, { zh: '记录处置情况', en: 'Record what was done' })}</summary>
          {mine && p.state.errors?.length ? (
            <div class="problems" role="alert">
              <ul>
                {p.state.errors.map((e) => (
                  <li>{e}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <form method="post" action={`${p.base}/disposals`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
            <input type="hidden" name="sample" value={s.id} />
            <div class="inline-fields">
              <label for={id('units')}>
                {tr(lang, { zh: '下架数量（件）', en: 'Units removed' })}
                <input
                  id={id('units')}
                  name="unitsRemoved"
                  inputmode="numeric"
                  value={typed.unitsRemoved ?? ''}
                />
              </label>
              <label for={id('kg')}>
                {tr(lang, { zh: '封存（千克）', en: 'Stock sealed (kg)' })}
                <input id={id('kg')} name="sealedKg" inputmode="decimal" value={typed.sealedKg ?? ''} />
              </label>
            </div>
            <label class="check" for={id('none')}>
              <input
                type="checkbox"
                id={id('none')}
                name="notOnSale"
                value="1"
                checked={typed.notOnSale === '1'}
              />
              {tr(lang, { zh: '未见在售', en: 'Not found on sale' })}
            </label>
            <label for={id('note')}>
              {tr(lang, { zh: '备注（可选）', en: 'Note (optional)' })}
              <input id={id('note')} name="note" maxlength={4000} value={typed.note ?? ''} />
            </label>
            <button type="submit">{tr(lang, { zh: '保存记录', en: 'Save record' })}</button>
          </form>
        </details>
      ) : null}
    </div>
  )
}

/** What to remove, where: the district's failing samples grouped by the shop they were taken in. */
export function DisposalList(p: {
  sheet: TaskSheet
  base: string
  csrf: string
  lang: Lang
  canRecord: boolean
  state: SheetFormState
}) {
  const { lang } = p
  const d = p.sheet.disposal
  if (d.sampleCount === 0) return null
  const handled = d.shops.flatMap((s) => s.samples).filter((s) => s.recorded.records > 0).length
  return (
    <section>
      <h2>
        {tr(lang, {
          zh: `待处置的不合格食品（${d.sampleCount} 批次，${d.shops.length} 家单位）`,
          en: `Failing food to dispose of (${d.sampleCount} samples, ${d.shops.length} businesses)`,
        })}
      </h2>
      <p class="meta">
        {d.announcement ? (
          <>
            {tr(lang, { zh: '依据公告 ', en: 'Announcement ' })}
            <a href={`/announcements/${d.announcement.id}`}>{d.announcement.number}</a>
            {' · '}
          </>
        ) : null}
        {tr(lang, {
          zh: `已记录 ${handled} / ${d.sampleCount} 批次`,
          en: `${handled} of ${d.sampleCount} recorded`,
        })}
      </p>
      {d.shops.map((shop) => (
        <div class="shop">
          <h3>{shop.unit}</h3>
          <p class="addr">{shop.address}</p>
          {shop.samples.map((s) => (
            <SampleCard
              s={s}
              base={p.base}
              csrf={p.csrf}
              lang={lang}
              canRecord={p.canRecord}
              state={p.state}
            />
          ))}
        </div>
      ))}
    </section>
  )
}

const sampleName = (sheet: TaskSheet, id: string | null) => {
  if (!id) return null
  for (const shop of sheet.disposal.shops)
    for (const s of shop.samples) if (s.id === id) return `${s.product}（${shop.unit}）`
  return null
}

/** Every report filed on the task, oldest first; each original can be corrected, corrections say why. */
export function ReportList(p: {
  sheet: TaskSheet
  step: Step | null
  base: string
  csrf: string
  lang: Lang
  canCorrect: boolean
  state: SheetFormState
}) {
  const { lang, sheet } = p
  if (sheet.reports.length === 0) return null
  const fields = [...(p.step?.reportFields ?? []), ...DISPOSAL_FIELDS]
  const byName = new Map(fields.map((f) => [f.name, f]))
  // In the step's order, as the form asked for them: a report's figures come back from jsonb, which keeps
  // its keys ordered by length (a self-check's read 应办任务, 应确认公示栏, 按时办结任务 …). Unknown last.
  const rank = new Map(fields.map((f, i) => [f.name, i]))
  const line = (figures: Record<string, unknown>, signed = false) =>
    Object.entries(figures)
      .sort(([a], [b]) => (rank.get(a) ?? fields.length) - (rank.get(b) ?? fields.length))
      .map(([n, v]) => `${labelOf(byName.get(n), n, lang)} ${figureText(byName.get(n), v, lang, signed)}`)
      .join(tr(lang, { zh: '；', en: '; ' }))
  return (
    <section>
      <h2>
        {tr(lang, { zh: `已上报（${sheet.reports.length}）`, en: `Reports filed (${sheet.reports.length})` })}
      </h2>
      <ol class="reports">
        {sheet.reports.map((r) => (
          <li class={r.corrects ? 'correction' : undefined} id={`report-${r.id}`}>
            <p class="when">
              {localTime(r.createdAt, lang)} · {r.by ?? '—'}
              {r.corrects
                ? tr(lang, { zh: ' · 更正', en: ' · correction' })
                : r.sample
                  ? tr(lang, { zh: ' · 逐批记录', en: ' · per-sample record' })
                  : ''}
            </p>
            {sampleName(sheet, r.sample) ? <p>{sampleName(sheet, r.sample)}</p> : null}
            <p>{line(r.figures, !!r.corrects) || '—'}</p>
            {r.reason ? (
              <p>
                {tr(lang, { zh: '更正原因：', en: 'Reason: ' })}
                {r.reason}
              </p>
            ) : null}
            {r.note ? (
              <p>
                {tr(lang, { zh: '备注：', en: 'Note: ' })}
                {r.note}
              </p>
            ) : null}
            {p.canCorrect && !r.corrects ? (
              <CorrectForm
                r={r}
                sheet={sheet}
                byName={byName}
                step={p.step}
                base={p.base}
                csrf={p.csrf}
                lang={lang}
                state={p.state}
              />
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  )
}

function CorrectForm(p: {
  r: FiledReport
  sheet: TaskSheet
  byName: Map<string, ReportField>
  step: Step | null
  base: string
  csrf: string
  lang: Lang
  state: SheetFormState
}) {
  const { r, lang } = p
  const numeric = (r.sample ? DISPOSAL_FIELDS : (p.step?.reportFields ?? [])).filter(
    (f) => f.type === 'integer' || f.type === 'number',
  )
  if (numeric.length === 0) return null
  const current = currentFigures(r, p.sheet.reports)
  const mine = p.state.form === `correct:${r.id}`
  const typed = mine ? (p.state.typed ?? {}) : {}
  const id = (n: string) => `c-${r.id}-${n}`
  const req: Text = { zh: '必填', en: 'required' }
  return (
    <details open={mine}>
      <summary>{tr(lang, { zh: '更正数字', en: 'Correct a figure' })}</summary>
      {mine && p.state.errors?.length ? (
        <div class="problems" role="alert">
          <ul>
            {p.state.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={`${p.base}/reports/${r.id}/corrections`} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <p class="meta">
          {tr(lang, {
            zh: '填写正确的数值；原上报保留，系统按差额记一笔更正。',
            en: 'Give the right figure; the original stays and the difference is filed as a correction.',
          })}
        </p>
        <div class="inline-fields">
          {numeric.map((f) => (
            <label for={id(f.name)}>
              {tr(lang, f.label)}
              {f.unit ? `（${tr(lang, f.unit)}）` : ''}
              <input
                id={id(f.name)}
                name={`figure.${f.name}`}
                inputmode={f.type === 'integer' ? 'numeric' : 'decimal'}
                value={typed[f.name] ?? (current[f.name] === undefined ? '' : String(current[f.name]))}
              />
            </label>
          ))}
        </div>
        <label for={id('reason')}>
          <span>
            {tr(lang, { zh: '更正原因', en: 'Reason' })}
            <span class="req" title={tr(lang, req)}>
              {' *'}
            </span>
          </span>
          <input id={id('reason')} name="reason" maxlength={2000} required value={typed.reason ?? ''} />
        </label>
        <button type="submit" class="secondary">
          {tr(lang, { zh: '提交更正', en: 'File correction' })}
        </button>
      </form>
    </details>
  )
}
