import type { SampleDto } from '../samples/samples.schema.js'
import { type Lang, tr } from '../web/i18n.js'

type Sample = Pick<
  SampleDto,
  | 'id'
  | 'no'
  | 'unit'
  | 'district'
  | 'foodName'
  | 'brand'
  | 'batch'
  | 'productionDate'
  | 'verdict'
  | 'items'
  | 'spec'
>

/**
 * The announcement as it will be published, for the reviewer and approver who sign it: counts of failing and
 * passing, the districts, every row with the failed items highlighted, and, for a correction, what changes
 * against the standing version.
 */
export function AnnouncementPreview(p: {
  lang: Lang
  samples: Sample[]
  standing?: Sample[] | undefined
  /** A draft its viewer may edit: the id of the form each row's remove button submits. */
  removeForm?: string | undefined
}) {
  const { lang } = p
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const failing = p.samples.filter((s) => s.verdict === 'fail').length
  const districts = [...new Set(p.samples.map((s) => s.district.name))]
  const standingNos = new Set((p.standing ?? []).map((s) => s.no))
  const nos = new Set(p.samples.map((s) => s.no))
  const added = p.standing ? p.samples.filter((s) => !standingNos.has(s.no)) : []
  const removed = p.standing ? p.standing.filter((s) => !nos.has(s.no)) : []
  const changed = p.standing
    ? p.samples.filter((s) => {
        const old = p.standing!.find((o) => o.no === s.no)
        return old && (old.verdict !== s.verdict || JSON.stringify(old.items) !== JSON.stringify(s.items))
      })
    : []
  return (
    <section>
      <h2 id="preview-title">{t('发布后的公告', 'The announcement as it will be published')}</h2>
      <p>
        <strong class="verdict-failed">{t(`不合格 ${failing} 批次`, `${failing} failing`)}</strong> ·{' '}
        <strong class="verdict-passed">
          {t(`合格 ${p.samples.length - failing} 批次`, `${p.samples.length - failing} passing`)}
        </strong>{' '}
        · {t(`涉及 ${districts.length} 个区县：`, `${districts.length} districts: `)}
        {districts.join(lang === 'zh' ? '、' : ', ')}
      </p>
      {p.standing ? (
        <div class="panel">
          <p>
            <strong>{t('与现行公告相比：', 'Against the standing version:')}</strong>{' '}
            {t(
              `新增 ${added.length} 行，删除 ${removed.length} 行，结论或项目变化 ${changed.length} 行`,
              `${added.length} rows added, ${removed.length} removed, ${changed.length} changed`,
            )}
          </p>
          <ul>
            {added.map((s) => (
              <li>
                + {s.no} {s.foodName}（{s.unit.name}）
              </li>
            ))}
            {removed.map((s) => (
              <li>
                − {s.no} {s.foodName}（{s.unit.name}）
              </li>
            ))}
            {changed.map((s) => (
              <li>
                ± {s.no} {s.foodName}（{s.unit.name}）
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <section class="table-wrap" tabindex={0} aria-labelledby="preview-title">
        <table>
          <thead>
            <tr>
              {/* First, so a phone-wide screen shows it without scrolling the table sideways. */}
              {p.removeForm ? <th scope="col">{t('操作', 'Edit')}</th> : null}
              <th scope="col">{t('序号', 'No.')}</th>
              <th scope="col">{t('抽样编号', 'Sample no.')}</th>
              <th scope="col">{t('被抽样单位', 'Sampled business')}</th>
              <th scope="col">{t('区县', 'District')}</th>
              <th scope="col">{t('食品名称', 'Food')}</th>
              <th scope="col">{t('商标', 'Brand')}</th>
              <th scope="col">{t('批号/日期', 'Batch/date')}</th>
              <th scope="col">{t('不合格项目', 'Failed items')}</th>
              <th scope="col">{t('结论', 'Verdict')}</th>
            </tr>
          </thead>
          <tbody>
            {p.samples.map((s, i) => (
              <tr>
                {p.removeForm ? (
                  <td>
                    <button
                      type="submit"
                      form={p.removeForm}
                      name="remove"
                      value={s.id}
                      class="secondary"
                      aria-label={`${t('移除', 'Remove')} ${s.no}`}
                    >
                      {t('移除', 'Remove')}
                    </button>
                  </td>
                ) : null}
                <td>{i + 1}</td>
                <td class="code">{s.no}</td>
                <td>
                  {s.unit.name}
                  <br />
                  <span class="meta">{s.unit.address}</span>
                </td>
                <td>{s.district.name}</td>
                <td>
                  {s.foodName}
                  {s.spec ? <span class="meta"> {s.spec}</span> : null}
                </td>
                <td>{s.brand ?? '—'}</td>
                <td>{s.batch ?? s.productionDate ?? '—'}</td>
                <td>
                  {s.items
                    .filter((x) => x.verdict === 'fail')
                    .map((x) => (
                      <span class="failed">
                        {x.name} {x.result}
                        {x.limit ? `（${x.limit}）` : ''}{' '}
                      </span>
                    ))}
                </td>
                <td class={s.verdict === 'fail' ? 'verdict-failed' : 'verdict-passed'}>
                  {s.verdict === 'fail' ? t('不合格', 'Fail') : t('合格', 'Pass')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  )
}
