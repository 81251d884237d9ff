import { type Context, Hono } from 'hono'
import type { Child } from 'hono/jsx'
import type { ZodError } from 'zod'
import { closeComplaint } from '../complaints/complaint-close.service.js'
import { decideComplaint } from '../complaints/complaint-decide.service.js'
import { recordComplaint } from '../complaints/complaint-intake.service.js'
import { findComplaints, getComplaint } from '../complaints/complaint-reads.service.js'
import { complaintRules } from '../complaints/complaint-rules.js'
import { takeComplaint } from '../complaints/complaint-take.service.js'
import { CloseSchema, DecideSchema, StaffComplaintSchema } from '../complaints/complaints.schema.js'
import type { TaskStatus } from '../db/types.js'
import type { AppDeps } from '../deps.js'
import { ACCESS, may } from '../domain/access.js'
import { validationFailed } from '../domain/errors.js'
import { requireRoles } from '../http/auth.js'
import { zodIssues } from '../http/errors.js'
import { requestSignalSampling } from '../signals/signal-sampling.service.js'
import { DismissSignalSchema } from '../signals/signals.schema.js'
import { activateSignal, dismissSignal, findSignals } from '../signals/signals.service.js'
import { type Lang, localTime, tr } from '../web/i18n.js'
import { Field, PostForm, Select } from './admin-view.js'
import { ctxOf, refusalOf, str, zodProblems } from './console-forms.js'
import { formFor } from './form-access.js'
import { Layout, Refusal } from './layout.js'
import type { ConsoleEnv } from './session-auth.js'
import { shellOf } from './task.routes.js'
import { STATUS_TEXT } from './task-view.js'

type Page = { problems?: string[]; refusal?: string | undefined; notice?: string }

const KIND = {
  complaint: { zh: '投诉', en: 'Complaint' },
  report: { zh: '举报', en: 'Report' },
  enquiry: { zh: '咨询', en: 'Enquiry' },
}
const STATUS = {
  open: { zh: '待受理', en: 'Open' },
  accepted: { zh: '已受理', en: 'Accepted' },
  declined: { zh: '不予受理', en: 'Declined' },
  closed: { zh: '已办结', en: 'Closed' },
}
const tx = (lang: Lang, m: Record<string, { zh: string; en: string }>, k: string) =>
  m[k] ? tr(lang, m[k]) : k

/** Staff intake from the form: a flat form as the API's body (the local time of receipt is China time). */
function intakeBody(f: Record<string, unknown>) {
  const s = (k: string) => str(f, k).trim()
  const opt = (k: string) => (s(k) ? s(k) : undefined)
  const received = s('receivedAt')
  return {
    kind: s('kind') || 'complaint',
    channel: s('channel') || 'phone',
    receivedAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(received) ? `${received}:00+08:00` : received,
    description: s('description'),
    ...(opt('product_name') && {
      product: { name: s('product_name'), ...(opt('product_batch') && { batch: s('product_batch') }) },
    }),
    ...((opt('business_name') || opt('business_address')) && {
      business: { name: s('business_name'), address: s('business_address') },
    }),
    ...((opt('contact_name') || opt('contact_phone')) && {
      contact: {
        ...(opt('contact_name') && { name: s('contact_name') }),
        ...(opt('contact_phone') && { phone: s('contact_phone') }),
      },
    }),
    ...(f.exercise === '1' && { exercise: true }),
  }
}

/**
 * The 12315 desk in the console: district officers and the command centre list complaints (contacts
 * masked), record calls, letters and visits, take, decide and close; the command centre sees the signals
 * with their complaints and activates or dismisses them. Every form calls the API's verb.
 */
export function consoleComplaintRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>()

  const listPage = async (c: Context<ConsoleEnv>, page: Page = {}, status: 200 | 201 | 409 | 422 = 200) => {
    const shell = shellOf(c)
    const { lang } = shell
    const actor = c.get('session')!.actor
    const list = await findComplaints(deps, ctxOf(c), { limit: 100 })
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    return c.html(
      <Layout
        title={t('12315 投诉举报', '12315 complaints')}
        lang={lang}
        self={shell.self}
        signedInAs={shell.who}
      >
        <h1>{t('12315 投诉举报', '12315 complaints')}</h1>
        {page.notice ? <div class="notice">{page.notice}</div> : null}
        <Refusal refusal={page.refusal} problems={page.problems} lang={lang} />
        {may(actor.role, 'readSignals') ? (
          <p>
            <a href="/console/signals">{t('信号', 'Signals')}</a>
          </p>
        ) : null}
        <details class="new-form" open={(page.problems?.length ?? 0) > 0}>
          <summary>{t('登记电话、信件或来访', 'Record a call, letter or visit')}</summary>
          <PostForm action="/console/complaints" csrf={shell.csrf} submit={t('登记', 'Record')} id="intake">
            <Select
              form="intake"
              name="channel"
              label={t('渠道', 'Channel')}
              options={[
                { value: 'phone', text: t('电话', 'Phone') },
                { value: 'letter', text: t('信件', 'Letter') },
                { value: 'visit', text: t('来访', 'Visit') },
              ]}
            />
            <Field
              form="intake"
              name="receivedAt"
              type="datetime-local"
              label={t('接收时间（北京时间）', 'Received (China time)')}
            />
            <Select
              form="intake"
              name="kind"
              label={t('类型', 'Kind')}
              options={Object.entries(KIND).map(([value, text]) => ({ value, text: tr(lang, text) }))}
            />
            <Field form="intake" name="contact_phone" label={t('联系电话', 'Phone')} />
            <Field form="intake" name="contact_name" label={t('姓名', 'Name')} />
            <Field form="intake" name="description" label={t('内容', 'What happened')} />
            <Field form="intake" name="product_name" label={t('商品', 'Product')} />
            <Field form="intake" name="product_batch" label={t('批次', 'Batch')} />
            <Field form="intake" name="business_name" label={t('经营者', 'Business')} />
            <Field form="intake" name="business_address" label={t('经营者地址', 'Business address')} />
          </PostForm>
        </details>
        <div class="table-wrap">
          <table class="matrix" id="complaints">
            <thead>
              <tr>
                <th>{t('编号', 'Tracking')}</th>
                <th>{t('类型', 'Kind')}</th>
                <th>{t('状态', 'Status')}</th>
                <th>{t('区县', 'District')}</th>
                <th>{t('承办人', 'Owner')}</th>
                <th>{t('联系人', 'Contact')}</th>
                <th>{t('决定期限', 'Decide by')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i) => (
                <tr>
                  <td>
                    <a href={`/console/complaints/${i.id}`}>{i.tracking}</a>
                  </td>
                  <td>{tx(lang, KIND, i.kind)}</td>
                  <td>{tx(lang, STATUS, i.status)}</td>
                  <td>{i.district ?? t('市局待分派', 'City queue')}</td>
                  <td>{i.owner?.name ?? '—'}</td>
                  <td>
                    {i.contact ? `${i.contact.name ?? ''} ${i.contact.phone ?? ''}` : t('匿名', 'Anonymous')}
                  </td>
                  <td>{localTime(i.decideBy, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
      status,
    )
  }

  const detailPage = async (
    c: Context<ConsoleEnv>,
    id: string,
    page: Page = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const shell = shellOf(c)
    const { lang } = shell
    const actor = c.get('session')!.actor
    const x = await getComplaint(deps, ctxOf(c), id)
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const reasons = complaintRules(deps.config).value.decline_reasons
    const open = x.status === 'open' || x.status === 'accepted'
    const forms: Child[] = []
    if (open && may(actor.role, 'takeComplaint') && !x.owner)
      forms.push(
        <PostForm
          action={`/console/complaints/${id}/take`}
          csrf={shell.csrf}
          submit={t('承接（首办负责）', 'Take it')}
        />,
      )
    if (x.status === 'open' && x.kind !== 'enquiry' && may(actor.role, 'decideComplaint')) {
      forms.push(
        <PostForm action={`/console/complaints/${id}/decide`} csrf={shell.csrf} submit={t('受理', 'Accept')}>
          <input type="hidden" name="decision" value="accept" />
        </PostForm>,
      )
      forms.push(
        <PostForm
          action={`/console/complaints/${id}/decide`}
          csrf={shell.csrf}
          submit={t('不予受理（一次性告知）', 'Decline (every reason at once)')}
          secondary
        >
          <input type="hidden" name="decision" value="decline" />
          {reasons.map((r) => (
            <label class="check">
              <input type="checkbox" name="reasons" value={r.code} /> {tr(lang, r.text)}
            </label>
          ))}
        </PostForm>,
      )
    }
    if (open && may(actor.role, 'closeComplaint'))
      forms.push(
        <PostForm action={`/console/complaints/${id}/close`} csrf={shell.csrf} submit={t('办结', 'Close')}>
          <Select
            form={`close-${id}`}
            name="outcome"
            label={t('结果', 'Outcome')}
            options={(x.kind === 'complaint'
              ? ['agreed', 'not_agreed']
              : x.kind === 'report'
                ? ['case_opened', 'no_case']
                : ['answered']
            ).map((o) => ({ value: o, text: o }))}
          />
          <Field
            form={`close-${id}`}
            name="recovered"
            label={t('挽回金额（元，调解达成时填写）', 'Recovered (yuan, agreed mediations)')}
          />
          <Field form={`close-${id}`} name="note" label={t('说明', 'Note')} />
        </PostForm>,
      )
    return c.html(
      <Layout title={x.tracking} lang={lang} self={shell.self} signedInAs={shell.who}>
        <h1>{x.tracking}</h1>
        <Refusal refusal={page.refusal} problems={page.problems} lang={lang} />
        <dl>
          <dt>{t('类型', 'Kind')}</dt>
          <dd>{tx(lang, KIND, x.kind)}</dd>
          <dt>{t('状态', 'Status')}</dt>
          <dd>{tx(lang, STATUS, x.status)}</dd>
          <dt>{t('承办人', 'Owner')}</dt>
          <dd>{x.owner?.name ?? '—'}</dd>
          <dt>{t('联系人', 'Contact')}</dt>
          <dd>{x.contact ? `${x.contact.name ?? ''} ${x.contact.phone ?? ''}` : t('匿名', 'Anonymous')}</dd>
          <dt>{t('商品', 'Product')}</dt>
          <dd>{[x.product.name, x.product.brand, x.product.batch].filter(Boolean).join(' · ') || '—'}</dd>
          <dt>{t('经营者', 'Business')}</dt>
          <dd>{[x.business.name, x.business.address].filter(Boolean).join(' · ') || '—'}</dd>
          <dt>{t('内容', 'Description')}</dt>
          <dd>{x.description}</dd>
          <dt>{t('决定期限', 'Decide by')}</dt>
          <dd>{localTime(x.decideBy, lang)}</dd>
          {x.closeBy ? (
            <>
              <dt>{t('办结期限', 'Close by')}</dt>
              <dd>{localTime(x.closeBy, lang)}</dd>
            </>
          ) : null}
          {x.outcome ? (
            <>
              <dt>{t('结果', 'Outcome')}</dt>
              <dd>{`${x.outcome}${x.recovered ? ` ¥${x.recovered}` : ''}`}</dd>
            </>
          ) : null}
        </dl>
        <div class="actions">{forms}</div>
      </Layout>,
      status,
    )
  }

  app.get('/console/complaints', requireRoles(ACCESS.readComplaints), (c) => listPage(c))
  app.post('/console/complaints', formFor('recordComplaint'), async (c) => {
    const lang = shellOf(c).lang
    const parsed = StaffComplaintSchema.safeParse(intakeBody(await c.req.parseBody()))
    if (!parsed.success) return listPage(c, { problems: zodProblems(parsed.error, lang) }, 422)
    try {
      const r = await recordComplaint(deps, ctxOf(c), parsed.data)
      return listPage(
        c,
        {
          notice: `${tr(lang, { zh: '已登记', en: 'Recorded' })} ${r.tracking} · ${tr(lang, { zh: '查询码', en: 'code' })} ${r.code}`,
        },
        201,
      )
    } catch (err) {
      const r = refusalOf(err, lang)
      return listPage(c, r, r.status)
    }
  })
  app.get('/console/complaints/:id', requireRoles(ACCESS.readComplaints), (c) =>
    detailPage(c, c.req.param('id')),
  )
  const move =
    (run: (c: Context<ConsoleEnv>, id: string, form: Record<string, unknown>) => Promise<unknown>) =>
    async (c: Context<ConsoleEnv>) => {
      const id = c.req.param('id')!
      try {
        await run(c, id, await c.req.parseBody({ all: true }))
      } catch (err) {
        const r = refusalOf(err, shellOf(c).lang)
        return detailPage(c, id, r, r.status)
      }
      return c.redirect(`/console/complaints/${id}`, 303)
    }
  const parsedOr = <T,>(r: { success: true; data: T } | { success: false; error: ZodError }): T => {
    if (r.success) return r.data
    throw validationFailed(zodIssues(r.error))
  }
  app.post(
    '/console/complaints/:id/take',
    formFor('takeComplaint'),
    move((c, id) => takeComplaint(deps, ctxOf(c), id)),
  )
  app.post(
    '/console/complaints/:id/decide',
    formFor('decideComplaint'),
    move((c, id, f) => {
      const reasons = ([] as unknown[])
        .concat(f.reasons ?? [])
        .filter((x): x is string => typeof x === 'string')
      const body =
        str(f, 'decision') === 'decline' ? { decision: 'decline', reasons } : { decision: 'accept' }
      return decideComplaint(deps, ctxOf(c), id, parsedOr(DecideSchema.safeParse(body)))
    }),
  )
  app.post(
    '/console/complaints/:id/close',
    formFor('closeComplaint'),
    move((c, id, f) => {
      const body = {
        outcome: str(f, 'outcome'),
        ...(str(f, 'recovered').trim() && { recovered: str(f, 'recovered').trim() }),
        ...(str(f, 'note').trim() && { note: str(f, 'note') }),
      }
      return closeComplaint(deps, ctxOf(c), id, parsedOr(CloseSchema.safeParse(body)))
    }),
  )

  // Signals: the command centre's list, with each signal's complaints; activate in one step, or dismiss.
  const signalsPage = async (c: Context<ConsoleEnv>, page: Page = {}, status: 200 | 409 | 422 = 200) => {
    const shell = shellOf(c)
    const { lang } = shell
    const t = (zh: string, en: string) => tr(lang, { zh, en })
    const list = await findSignals(deps, ctxOf(c), { limit: 100 })
    const actor = c.get('session')!.actor
    return c.html(
      <Layout title={t('信号', 'Signals')} lang={lang} self={shell.self} signedInAs={shell.who}>
        <h1>{t('投诉举报信号', 'Signals from complaints')}</h1>
        <Refusal refusal={page.refusal} problems={page.problems} lang={lang} />
        {list.items.length === 0 ? <p class="empty">{t('无', 'None')}</p> : null}
        {list.items.map((s) => (
          <section class="signal" id={`signal-${s.code}`}>
            <h2>{`${s.code} · ${s.title}`}</h2>
            <p>
              {t(
                `${s.count} 件 · 建议预案 ${s.suggested.playbook} ${s.suggested.level} 级 · 状态 ${s.status}`,
                `${s.count} complaints · suggests ${s.suggested.playbook} at ${s.suggested.level} · ${s.status}`,
              )}
              {s.incidentId ? (
                <>
                  {' · '}
                  <a href={`/console/incidents/${s.incidentId}`}>{t('查看响应', 'See the incident')}</a>
                </>
              ) : null}
            </p>
            {s.sampling ? (
              <p class="sampling">
                {t('已请求抽检：', 'Sampling requested: ')}
                <a href={`/console/incidents/${s.sampling.incidentId}`}>{s.sampling.incidentCode}</a>
                {' · '}
                {s.sampling.tasks
                  .map((k) => {
                    const word = STATUS_TEXT[k.status as TaskStatus]
                    return `${k.district} ${word ? tr(lang, word) : k.status}`
                  })
                  .join('，')}
              </p>
            ) : null}
            <ul>
              {s.complaints.map((m) => (
                <li>
                  <a href={`/console/complaints/${m.id}`}>{m.tracking}</a> {m.product ?? ''}{' '}
                  {m.business ?? ''}
                </li>
              ))}
            </ul>
            {s.status !== 'dismissed' && !s.sampling && may(actor.role, 'requestSignalSampling') ? (
              <PostForm
                action={`/console/signals/${s.id}/request-sampling`}
                csrf={shell.csrf}
                submit={t('请求相关区县抽检', 'Ask the districts concerned to sample')}
                secondary
              />
            ) : null}
            {s.status === 'open' ? (
              <div class="actions">
                <PostForm
                  action={`/console/signals/${s.id}/activate`}
                  csrf={shell.csrf}
                  submit={t('按建议启动响应', 'Activate the suggested response')}
                />
                <PostForm
                  action={`/console/signals/${s.id}/dismiss`}
                  csrf={shell.csrf}
                  submit={t('驳回', 'Dismiss')}
                  secondary
                >
                  <Field form={`dismiss-${s.id}`} name="reason" label={t('理由', 'Reason')} />
                </PostForm>
              </div>
            ) : null}
          </section>
        ))}
      </Layout>,
      status,
    )
  }
  app.get('/console/signals', requireRoles(ACCESS.readSignals), (c) => signalsPage(c))
  app.post('/console/signals/:id/activate', formFor('activateSignal'), async (c) => {
    try {
      const r = await activateSignal(deps, ctxOf(c), c.req.param('id'), {})
      return c.redirect(`/console/incidents/${r.incident.id}`, 303)
    } catch (err) {
      const r = refusalOf(err, shellOf(c).lang)
      return signalsPage(c, r, r.status)
    }
  })
  app.post('/console/signals/:id/request-sampling', formFor('requestSignalSampling'), async (c) => {
    try {
      const r = await requestSignalSampling(deps, ctxOf(c), c.req.param('id'), {})
      return c.redirect(`/console/incidents/${r.incident.id}`, 303)
    } catch (err) {
      const r = refusalOf(err, shellOf(c).lang)
      return signalsPage(c, r, r.status)
    }
  })
  app.post('/console/signals/:id/dismiss', formFor('dismissSignal'), async (c) => {
    const lang = shellOf(c).lang
    const parsed = DismissSignalSchema.safeParse({ reason: str(await c.req.parseBody(), 'reason') })
    if (!parsed.success) return signalsPage(c, { problems: zodProblems(parsed.error, lang) }, 422)
    try {
      await dismissSignal(deps, ctxOf(c), c.req.param('id'), parsed.data)
    } catch (err) {
      const r = refusalOf(err, lang)
      return signalsPage(c, r, r.status)
    }
    return c.redirect('/console/signals', 303)
  })
  return app
}
