import type { TaskSampling } from '../tasks/task-sampling.read.js'
import { type Lang, tr } from '../web/i18n.js'

const productLine = (p: TaskSampling['products'][number], lang: Lang) =>
  [
    p.name,
    p.brand && `${tr(lang, { zh: '商标', en: 'brand' })} ${p.brand}`,
    p.batch && `${tr(lang, { zh: '批次', en: 'batch' })} ${p.batch}`,
    p.spec,
  ]
    .filter(Boolean)
    .join(' · ')

/** What a sampling task asks for: the signal behind it, and which product to sample at which business. */
export function SamplingTargets(p: { sampling: TaskSampling; lang: Lang }) {
  const { sampling, lang } = p
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  return (
    <section class="sampling-targets">
      <h2>{t('抽检什么、到哪里抽', 'What to sample, and where')}</h2>
      <p>
        {t('来自投诉举报信号', 'From the complaint signal')}{' '}
        <a href="/console/signals">{sampling.signal.code}</a>
        {` · ${sampling.signal.title}`}
      </p>
      <h3>{t('所涉产品', 'Products named')}</h3>
      <ul>
        {sampling.products.map((x) => (
          <li>{productLine(x, lang)}</li>
        ))}
      </ul>
      <h3>{t('本区县投诉所涉经营者', 'Businesses named by this district’s complaints')}</h3>
      {sampling.targets.length === 0 ? (
        <p class="empty">
          {t(
            '本区县没有投诉，按所涉产品在辖区内抽取',
            'No complaint here: sample the products in the district',
          )}
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('经营者', 'Business')}</th>
              <th scope="col">{t('地址', 'Address')}</th>
              <th scope="col">{t('产品', 'Product')}</th>
              <th scope="col">{t('投诉编号', 'Tracking')}</th>
            </tr>
          </thead>
          <tbody>
            {sampling.targets.map((x) => (
              <tr>
                <td>
                  {x.business.id ? (
                    <a href={`/businesses/${x.business.id}`}>{x.business.name}</a>
                  ) : (
                    (x.business.name ?? '—')
                  )}
                </td>
                <td>{x.business.address ?? '—'}</td>
                <td>{productLine(x.product, lang) || '—'}</td>
                <td>{x.tracking}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
