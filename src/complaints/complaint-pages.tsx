import type { Child } from 'hono/jsx'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Layout } from '../web/layout.js'
import type { PublicStatus } from './complaint-reads.service.js'

/** The form's fields as typed (kept on a refusal, so nothing is typed twice). */
export type FormValues = Record<string, string>

const KINDS = [
  {
    value: 'complaint',
    text: { zh: '投诉（要求处理我的消费纠纷）', en: 'Complaint (settle my consumer dispute)' },
  },
  {
    value: 'report',
    text: { zh: '举报（反映违法行为，可匿名）', en: 'Report (an offence; may be anonymous)' },
  },
  { value: 'enquiry', text: { zh: '咨询', en: 'Enquiry' } },
]

const STATUS_TEXT: Record<string, { zh: string; en: string }> = {
  open: { zh: '待受理', en: 'Awaiting decision' },
  accepted: { zh: '已受理，办理中', en: 'Accepted, in progress' },
  declined: { zh: '不予受理', en: 'Not accepted' },
  closed: { zh: '已办结', en: 'Closed' },
}
const OUTCOME_TEXT: Record<string, { zh: string; en: string }> = {
  agreed: { zh: '调解达成协议', en: 'Mediation agreed' },
  not_agreed: { zh: '调解未达成协议', en: 'Mediation ended without agreement' },
  case_opened: { zh: '已立案调查', en: 'A case was opened' },
  no_case: { zh: '经核查不予立案', en: 'Checked: no case opened' },
  answered: { zh: '已答复', en: 'Answered' },
}

function Field(props: {
  label: string
  name: string
  v: FormValues
  type?: string
  required?: boolean
  hint?: string
  inputmode?: 'decimal' | 'tel' | 'text' | undefined
  autocomplete?: string
}) {
  return (
    <label>
      <span>
        {props.label}
        {props.required ? <span class="req"> *</span> : null}
      </span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        value={props.v[props.name] ?? ''}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete}
      />
      {props.hint ? <small class="unit">{props.hint}</small> : null}
    </label>
  )
}

export function ComplaintFormPage(props: { lang: Lang; v: FormValues; problems?: string[] }) {
  const { lang, v } = props
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const kind = v.kind || 'complaint'
  return (
    <Layout lang={lang} title={t('12315 投诉举报', '12315 complaints and reports')} self="/complaints/new">
      <div class="console complaint-form">
        <h1>{t('12315 投诉 · 举报 · 咨询', '12315 complaint · report · enquiry')}</h1>
        <p>
          {t(
            '无需注册。提交后您会得到受理编号和查询码，请记下以便查询进度。',
            'No account needed. You get a tracking number and a check code: keep them to follow it up.',
          )}
        </p>
        {props.problems && props.problems.length > 0 ? (
          <div class="problems" role="alert">
            <p>
              <strong>
                {t(
                  `请修改以下 ${props.problems.length} 处后再提交：`,
                  `Please fix these ${props.problems.length} problem(s):`,
                )}
              </strong>
            </p>
            <ul>
              {props.problems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <form method="post" action={`/complaints/new${lang === 'en' ? '?lang=en' : ''}`}>
          <fieldset>
            <legend>{t('类型', 'Kind')}</legend>
            {KINDS.map((k) => (
              <label class="check">
                <input type="radio" name="kind" value={k.value} checked={kind === k.value} />{' '}
                {tr(lang, k.text)}
              </label>
            ))}
          </fieldset>
          <Field
            label={t('联系电话', 'Phone')}
            name="contact_phone"
            v={v}
            type="tel"
            inputmode="tel"
            autocomplete="tel"
            hint={t(
              '手机或带区号的固话；举报可不填',
              'Mobile or landline with area code; a report may leave it empty',
            )}
          />
          <Field label={t('姓名', 'Name')} name="contact_name" v={v} autocomplete="name" />
          <label>
            <span>
              {t('发生了什么', 'What happened')}
              <span class="req"> *</span>
            </span>
            <textarea name="description" rows={6} maxlength={5000}>
              {v.description ?? ''}
            </textarea>
            <small class="unit">{t('不超过 5000 字', 'At most 5,000 characters')}</small>
          </label>
          <fieldset>
            <legend>{t('商品或服务', 'Product or service')}</legend>
            <Field label={t('名称', 'Name')} name="product_name" v={v} />
            <Field label={t('品牌', 'Brand')} name="product_brand" v={v} />
            <Field label={t('批次或生产日期', 'Batch or production date')} name="product_batch" v={v} />
            <Field label={t('规格', 'Size')} name="product_spec" v={v} />
          </fieldset>
          <fieldset>
            <legend>{t('经营者', 'Business')}</legend>
            <Field label={t('名称', 'Name')} name="business_name" v={v} />
            <Field
              label={t('地址', 'Address')}
              name="business_address"
              v={v}
              hint={t('如：成都市锦江区春熙路1号', 'e.g. 成都市锦江区春熙路1号')}
            />
          </fieldset>
          <Field label={t('购买日期', 'Date of purchase')} name="purchasedOn" v={v} type="date" />
          <Field
            label={t('金额（元）', 'Amount (yuan)')}
            name="amount"
            v={v}
            inputmode="decimal"
            hint={t('如 12.50', 'e.g. 12.50')}
          />
          <button type="submit" class="big">
            {t('提交', 'Submit')}
          </button>
        </form>
        <p>
          <a href="/complaints/track">{t('已提交过？查询进度', 'Filed already? Check its progress')}</a>
        </p>
      </div>
    </Layout>
  )
}

export function ReceiptPage(props: { lang: Lang; tracking: string; code: string }) {
  const { lang } = props
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const link = `/complaints/${props.tracking}?code=${encodeURIComponent(props.code)}`
  return (
    <Layout lang={lang} title={t('已收到', 'Received')} self="/complaints/new">
      <div class="console">
        <h1>{t('已收到您的诉求', 'We have received it')}</h1>
        <div class="notice">
          <dl>
            <dt>{t('受理编号', 'Tracking number')}</dt>
            <dd>
              <strong>{props.tracking}</strong>
            </dd>
            <dt>{t('查询码', 'Check code')}</dt>
            <dd>
              <strong>{props.code}</strong>
            </dd>
          </dl>
        </div>
        <p>
          {t(
            '请记下编号和查询码：查询进度时两者都要用到，查询码不会再次显示。',
            'Note both down: you need them to check progress, and the code is not shown again.',
          )}
        </p>
        <p>
          <a href={link}>{t('查看进度', 'See its progress')}</a>
        </p>
      </div>
    </Layout>
  )
}

export function TrackPage(props: {
  lang: Lang
  tracking?: string
  code?: string
  notFound?: boolean
  status?: PublicStatus
}) {
  const { lang, status } = props
  const t = (zh: string, en: string) => tr(lang, { zh, en })
  const self = props.tracking ? `/complaints/${props.tracking}` : '/complaints/track'
  let body: Child = null
  if (status)
    body = (
      <section>
        <h2>{status.tracking}</h2>
        <dl>
          <dt>{t('状态', 'Status')}</dt>
          <dd>{tr(lang, STATUS_TEXT[status.status] ?? { zh: status.status, en: status.status })}</dd>
          <dt>{t('收到时间', 'Received')}</dt>
          <dd>{localTime(status.receivedAt, lang)}</dd>
          <dt>{t('承办单位', 'Handled by')}</dt>
          <dd>{status.district ?? t('市局分派中', 'Being routed by the city bureau')}</dd>
          <dt>{t('受理决定期限', 'Decision due')}</dt>
          <dd>{localTime(status.deadlines.decideBy, lang)}</dd>
          {status.deadlines.closeBy ? (
            <>
              <dt>{t('办结期限', 'Close due')}</dt>
              <dd>{localTime(status.deadlines.closeBy, lang)}</dd>
            </>
          ) : null}
          {status.outcome ? (
            <>
              <dt>{t('结果', 'Outcome')}</dt>
              <dd>
                {tr(lang, OUTCOME_TEXT[status.outcome] ?? { zh: status.outcome, en: status.outcome })}
                {status.recovered
                  ? t(`，挽回 ${status.recovered} 元`, `, ${status.recovered} yuan recovered`)
                  : ''}
              </dd>
            </>
          ) : null}
        </dl>
        {status.declineReasons.length > 0 ? (
          <div class="problems">
            <p>{t('不予受理的原因：', 'Why it was not accepted:')}</p>
            <ul>
              {status.declineReasons.map((r) => (
                <li>{tr(lang, r.text)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <h3>{t('办理过程', 'Timeline')}</h3>
        <ol>
          {status.timeline.map((e) => (
            <li>
              {localTime(e.at, lang)} {tr(lang, e.text)}
            </li>
          ))}
        </ol>
      </section>
    )
  return (
    <Layout lang={lang} title={t('查询进度', 'Check progress')} self={self}>
      <div class="console">
        <h1>{t('查询投诉举报进度', 'Check the progress of a complaint')}</h1>
        {props.notFound ? (
          <div class="problems" role="alert">
            {t('受理编号或查询码不正确。', 'The tracking number or the check code is wrong.')}
          </div>
        ) : null}
        {body}
        {status ? null : (
          <form method="get" action="/complaints/track">
            <label>
              <span>{t('受理编号', 'Tracking number')}</span>
              <input name="tracking" value={props.tracking ?? ''} />
            </label>
            <label>
              <span>{t('查询码', 'Check code')}</span>
              <input name="code" value="" autocomplete="off" />
            </label>
            <button type="submit">{t('查询', 'Check')}</button>
          </form>
        )}
      </div>
    </Layout>
  )
}
