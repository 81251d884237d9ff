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
  draft?: {
    taken: Map<string, string>
    form: Record<string, string>
    picked: string[]
    problems: string[]
    /** With a filter set: how many samples it matches, and how many of those a draft may take. */
    matching?: { total: number; free: number; tooMany: boolean }
  }
  /** Adding to this draft (`?into=`): the ticks go to it instead of a new draft. */
  into?: { id: string; number: string }
}

/** The filters the list and its forms carry (plus the draft being added to). */
const carried = (p: SamplesView) => (p.into ? { ...p.q, into: p.into.id } : p.q)

/** Samples on this page a draft may take. */
const freeOnPage = (p: SamplesView) => p.items.filter((s) => !p.draft?.taken.get(s.id))

function AddForm(p: SamplesView & { into: NonNullable<SamplesView['into']> }) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const free = freeOnPage(p)
  return (
    <form
      method="post"
      id="add-form"
      action={`/console/announcements/${p.into.id}/samples`}
      class="panel"
      novalidate
    >
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      <h2>{t(`加入草稿「${p.into.number}」`, `Add to the draft ${p.into.number}`)}</h2>
      {free.map((s) => (
        <input type="hidden" name="pageIds" value={s.id} />
      ))}
      <div class="actions">
        <button type="submit" name="scope" value="picked">
          {t('加入勾选的样品', 'Add the ticked samples')}
        </button>
        <button type="submit" name="scope" value="page" class="secondary" disabled={free.length === 0}>
          {t(`加入本页全部可选样品（${free.length} 份）`, `Add all ${free.length} on this page`)}
        </button>
      </div>
      <p>
        <a href={`/console/announcements/${p.into.id}`}>{t('← 返回草稿', '← Back to the draft')}</a>
      </p>
    </form>
  )
}

function DraftForm(p: SamplesView & { draft: NonNullable<SamplesView['draft']> }) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const query = pageQuery(p.q, p.paging.limit, p.paging.cursor, p.paging.back)
  const labels = { number: t('文号', 'Number'), title: t('标题', 'Title'), period: t('期间', 'Period') }
  const free = freeOnPage(p)
  const m = p.draft.matching
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
      {free.map((s) => (
        <input type="hidden" name="pageNos" value={s.no} />
      ))}
      <Problems items={p.draft.problems} lang={lang} />
      {DRAFT_FIELDS.map((name) => (
        <label for={`d-${name}`}>
          {labels[name]}
          <input id={`d-${name}`} name={name} value={p.draft.form[name] ?? ''} />
        </label>
      ))}
      <p class="meta">
        {t(
          '在上表勾选样品，或一次取本页全部、全部符合筛选条件的样品（已在其他公告中的样品不计入）。',
          'Tick samples above, or take all on this page or all matching the filters at once (samples already in another announcement are left out).',
        )}
      </p>
      <div class="actions">
        <button type="submit" name="scope" value="picked">
          {t('起草公告（勾选的样品）', 'Draft from the ticked samples')}
        </button>
        <button type="submit" name="scope" value="page" class="secondary" disabled={free.length === 0}>
          {t(`本页全部可选样品（${free.length} 份）`, `All ${free.length} on this page`)}
        </button>
        {m ? (
          <button
            type="submit"
            name="scope"
            value="matching"
            class="secondary"
            disabled={m.free === 0 || m.tooMany}
          >
            {m.tooMany
              ? t('符合筛选条件的样品超过 10000 份，请缩小范围', 'More than 10 000 match; narrow the filters')
              : t(
                  `全部符合筛选条件的样品（${m.free} 份${m.total > m.free ? `，另有 ${m.total - m.free} 份已在其他公告中` : ''}）`,
                  `All ${m.free} matching the filters${m.total > m.free ? ` (${m.total - m.free} more are in other announcements)` : ''}`,
                )}
          </button>
        ) : null}
      </div>
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
          {p.into ? <input type="hidden" name="into" value={p.into.id} /> : null}
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
                            form={p.into ? 'add-form' : 'draft-form'}
                            name={p.into ? 'add' : 'sampleNos'}
                            value={p.into ? s.id : s.no}
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
      <Pager path="/console/samples" filters={carried(p)} paging={p.paging} next={p.next} lang={lang} />
      {p.draft && p.into ? <AddForm {...p} into={p.into} /> : null}
      {p.draft && !p.into ? <DraftForm {...p} draft={p.draft} /> : null}
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

/**
 * After an import, the next step: draft an announcement from the samples this file brought (those no other
 * announcement holds), or go to the list to choose.
 */
export function NextAfterImport(p: { shell: Shell; importId: string; form: Record<string, string> }) {
  const { lang, csrf } = p.shell
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const labels = { number: t('文号', 'Number'), title: t('标题', 'Title'), period: t('期间', 'Period') }
  return (
    <form method="post" action="/console/samples/draft" class="panel" id="draft-from-import" novalidate>
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      <input type="hidden" name="importId" value={p.importId} />
      <h2>{t('下一步：起草抽检公告', 'Next: draft the announcement')}</h2>
      <p>
        {t(
          '用本次导入的样品起草公告（已在其他公告中的不计入），起草后提交审核。也可以',
          'Draft an announcement from the samples of this import (those in another announcement are left out), then submit it for review. Or ',
        )}
        <a href="/console/samples?verdict=fail">{t('在样品列表中挑选', 'choose in the sample list')}</a>
        {t('。', '.')}
      </p>
      {DRAFT_FIELDS.map((name) => (
        <label for={`i-${name}`}>
          {labels[name]}
          <input id={`i-${name}`} name={name} value={p.form[name] ?? ''} required />
        </label>
      ))}
      <button type="submit" name="scope" value="import">
        {t('用本次导入的样品起草公告', 'Draft from the samples of this import')}
      </button>
    </form>
  )
}
