import type { Child } from 'hono/jsx'
import type { SampleDto } from '../samples/samples.schema.js'
import { tr } from '../web/i18n.js'
import { Layout, Problems, Refusal } from './layout.js'
import { Pager, type Paging, pageQuery } from './paging.js'
import { CSRF_FIELD } from './session-auth.js'
import type { Shell } from './task-pages.js'

export const FILTERS = ['no', 'district', 'category', 'verdict', 'producer', 'unit'] as const
export const DRAFT_FIELDS = ['number', 'title', 'period'] as const

export interface SamplesView {
  shell: Shell
  q: Record<string, string>
  paging: Paging
  items: SampleDto[]
  next: string | null
  problems: string[]
  canImport: boolean
  /** The district filter chooses by name. */
  districts?: { code: string; name: string }[]
  /**
   * For whoever may draft: which samples a draft may not take (sample id → the announcement holding it),
   * what was typed and ticked in the draft form, and its problems.
   */
  draft?: { taken: Map<string, string>; form: Record<string, string>; picked: string[]; problems: string[] }
}

function DraftForm(p: SamplesView & { draft: NonNullable<SamplesView['draft']> }) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const query = pageQuery(p.q, p.paging.limit, p.paging.cursor, p.paging.back)
  const labels = { number: t('文号', 'Number'), title: t('标题', 'Title'), period: t('期间', 'Period') }
  return (
    <form
      method="post"
      id="draft-form"
      action={`/console/samples/draft${query ? `?${query}` : ''}`}
      class="panel"
      novalidate
    >
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      <h2>{t('从所选样品起草公告', 'Draft an announcement from the selected samples')}</h2>
      <Problems items={p.draft.problems} lang={lang} />
      {DRAFT_FIELDS.map((name) => (
        <label for={`d-${name}`}>
          {labels[name]}
          <input id={`d-${name}`} name={name} value={p.draft.form[name] ?? ''} />
        </label>
      ))}
      <p class="meta">
        {t(
          '在上表勾选样品（已在其他公告中的样品不能勾选）。',
          'Tick the samples above (samples already in another announcement cannot be ticked).',
        )}
      </p>
      <button type="submit">{t('起草公告', 'Draft the announcement')}</button>
    </form>
  )
}

export function SamplesPage(p: SamplesView) {
  const { lang } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const labels: Record<(typeof FILTERS)[number], string> = {
    no: t('抽样编号', 'Sample no.'),
    district: t('区县', 'District'),
    category: t('食品大类', 'Category'),
    verdict: t('结论', 'Verdict'),
    producer: t('标称生产者', 'Producer'),
    unit: t('被抽样单位', 'Sampled unit'),
  }
  const picked = new Set(p.draft?.picked ?? [])
  return (
    <Layout title={t('抽检样品', 'Samples')} lang={lang} self={p.shell.self} signedInAs={p.shell.who}>
      <h1>{t('抽检样品', 'Samples')}</h1>
      {p.canImport ? (
        <p>
          <a href="/console/samples/import">{t('导入抽检数据', 'Import a sampling file')}</a>
        </p>
      ) : null}
      <Problems items={p.problems} lang={lang} />
      {/* The filters fold away (a phone sees the list first); open while any filter is set. */}
      <details class="filters-fold" open={FILTERS.some((f) => p.q[f])}>
        <summary>
          {t('筛选', 'Filters')}
          {FILTERS.some((f) => p.q[f]) ? t('（已筛选）', ' (filtered)') : ''}
        </summary>
        <form method="get" action="/console/samples" class="filters">
          {FILTERS.map((f) =>
            f === 'district' && p.districts ? (
              <label for={`q-${f}`}>
                {labels[f]}
                <select id={`q-${f}`} name={f}>
                  <option value="">{t('全部区县', 'All districts')}</option>
                  {p.districts.map((d) => (
                    <option value={d.code} selected={p.q[f] === d.code}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : f === 'verdict' ? (
              <label for={`q-${f}`}>
                {labels[f]}
                <select id={`q-${f}`} name={f}>
                  <option value="">—</option>
                  <option value="pass" selected={p.q[f] === 'pass'}>
                    {t('合格', 'Pass')}
                  </option>
                  <option value="fail" selected={p.q[f] === 'fail'}>
                    {t('不合格', 'Fail')}
                  </option>
                </select>
              </label>
            ) : (
              <label for={`q-${f}`}>
                {labels[f]}
                <input id={`q-${f}`} name={f} value={p.q[f] ?? ''} />
              </label>
            ),
          )}
          <button type="submit">{t('筛选', 'Filter')}</button>
        </form>
      </details>
      {p.items.length === 0 ? (
        <p class="empty">{t('没有符合条件的样品。', 'No samples match.')}</p>
      ) : (
        <section class="table-wrap" tabindex={0} aria-label={t('样品', 'Samples')}>
          <table class="matrix" id="samples">
            <thead>
              <tr>
                {p.draft ? <th>{t('选择', 'Pick')}</th> : null}
                <th>{labels.no}</th>
                <th>{t('食品名称', 'Food')}</th>
                <th>{labels.unit}</th>
                <th>{t('区县', 'District')}</th>
                <th>{labels.verdict}</th>
                <th>{t('公开', 'Public')}</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((s) => {
                const holder = p.draft?.taken.get(s.id)
                return (
                  <tr>
                    {p.draft ? (
                      <td>
                        {holder ? (
                          <span class="meta" title={t('已在公告中', 'In an announcement')}>
                            {holder}
                          </span>
                        ) : (
                          <input
                            type="checkbox"
                            form="draft-form"
                            name="sampleNos"
                            value={s.no}
                            id={`pick-${s.id}`}
                            checked={picked.has(s.no)}
                            aria-label={`${t('选择', 'Pick')} ${s.no}`}
                          />
                        )}
                      </td>
                    ) : null}
                    <td>{s.no}</td>
                    <td>{s.foodName}</td>
                    <td>{s.unit.name}</td>
                    <td>{s.district.name}</td>
                    <td class={s.verdict === 'fail' ? 'st-overdue' : 'st-completed'}>
                      {s.verdict === 'fail' ? t('不合格', 'Fail') : t('合格', 'Pass')}
                    </td>
                    <td>{s.public ? t('是', 'Yes') : t('否', 'No')}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </section>
      )}
      <Pager path="/console/samples" filters={p.q} paging={p.paging} next={p.next} lang={lang} />
      {p.draft ? <DraftForm {...p} draft={p.draft} /> : null}
    </Layout>
  )
}

export function ImportPage(p: {
  shell: Shell
  problems: string[]
  refusal?: string | undefined
  done?: string | undefined
  /** After an import: what comes next (draft an announcement from these samples). */
  next?: Child
}) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <Layout
      title={t('导入抽检数据', 'Import samples')}
      lang={lang}
      self={p.shell.self}
      signedInAs={p.shell.who}
      script
    >
      <p>
        <a href="/console/samples">← {t('抽检样品', 'Samples')}</a>
      </p>
      <h1>{t('导入抽检数据', 'Import samples')}</h1>
      {p.done ? (
        <p class="notice" role="status">
          {p.done}
        </p>
      ) : null}
      {p.next ?? null}
      <Refusal refusal={p.refusal} problems={p.problems} lang={lang} />
      <form
        method="post"
        action="/console/samples/import"
        enctype="multipart/form-data"
        data-progress="upload-progress"
      >
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <label for="file">
          {t('CSV 文件（UTF-8 或 GB18030）', 'CSV file (UTF-8 or GB18030)')}
          <input id="file" type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">{t('导入', 'Import')}</button>
        <p id="upload-progress" class="meta" role="status" hidden>
          <progress max={100} value={0} />{' '}
          <output
            data-uploading={t('正在上传', 'Uploading')}
            data-checking={t('正在校验导入…', 'Checking…')}
          />
        </p>
      </form>
    </Layout>
  )
}
