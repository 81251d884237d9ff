import { submitComplaint } from '../../src/complaints/complaint-intake.service.js'
import { PublicComplaintSchema } from '../../src/complaints/complaints.schema.js'
import { systemContext } from '../../src/domain/context.js'
import type { Role } from '../../src/domain/enums.js'
import type { TestApp } from '../helpers/test-app.js'

/**
 * Valid calls of the 12315 complaint and signal operations (issue 17) for the access matrix: each makes a
 * fresh complaint or signal in the state the verb needs, through the intake verb (not the rate-limited
 * endpoint).
 */
export function complaintCalls(
  t: TestApp,
  tokens: () => Record<Role, string>,
  api: string,
  home: string,
  neighbour: string,
) {
  let seq = 0
  const body = (address = '成都市锦江区春熙路1号') => ({
    kind: 'complaint',
    product: { name: '契约辣椒酱', batch: `C-${++seq}` },
    business: { name: `契约超市${seq}`, address },
    description: `契约测试 ${seq}`,
    contact: { name: '王五', phone: '13900000000' },
  })
  const fresh = async (address?: string) => {
    const r = await submitComplaint(
      t.deps,
      systemContext('contract'),
      PublicComplaintSchema.parse(body(address)),
    )
    return r
  }
  const post = async (path: string, as: Role, b?: unknown) => {
    const r = await t.call('POST', `${api}${path}`, {
      token: tokens()[as],
      ...(b !== undefined && { body: b }),
    })
    if (r.status >= 300) throw new Error(`fixture ${path}: ${r.status} ${r.text}`)
  }
  /** A fresh complaint of `home` that `as` may decide: a district officer takes it first. */
  const handled = async (as: Role) => {
    const c = await fresh()
    if (as === 'district') await post(`/complaints/${c.id}/take`, 'district')
    return c
  }
  const freshSignal = async () => {
    const c = await fresh()
    const id = crypto.randomUUID()
    const now = t.deps.clock.now()
    await t.deps.db
      .insertInto('signals')
      .values({
        id,
        code: `SIG-CONTRACT-${++seq}`,
        rule_id: 'same-product-batch',
        rule_hash: 'contract',
        match: 'product_batch',
        key: `contract-${seq}`,
        title: '契约信号',
        status: 'open',
        complaint_count: 1,
        first_at: now,
        last_at: now,
        dedup_until: now,
        suggested_playbook: 'unqualified-product-disposal',
        suggested_level: 4,
        exercise: false,
        raised_at: now,
      })
      .execute()
    await t.deps.db.insertInto('signal_complaints').values({ signal_id: id, complaint_id: c.id }).execute()
    return id
  }
  return {
    workingDayDeadline: async () => ({
      path: `${api}/calendar/deadline?from=${encodeURIComponent('2026-12-07T10:00:00+08:00')}&workingDays=7`,
    }),
    submitComplaint: async () => ({ body: body() }),
    complaintStatus: async () => {
      const c = await fresh()
      return { path: `${api}/public/complaints/${c.tracking}?code=${c.code}` }
    },
    recordComplaint: async () => ({
      body: { ...body(), channel: 'phone', receivedAt: '2026-11-30T08:00:00+08:00' },
    }),
    getComplaint: async () => ({ path: `${api}/complaints/${(await fresh()).id}` }),
    takeComplaint: async () => ({ path: `${api}/complaints/${(await fresh()).id}/take` }),
    assignComplaint: async () => ({
      path: `${api}/complaints/${(await fresh('某夜市摊位')).id}/assign`,
      body: { district: home },
    }),
    transferComplaint: async () => ({
      path: `${api}/complaints/${(await fresh()).id}/transfer`,
      body: { district: neighbour, reason: '经营者在邻区' },
    }),
    decideComplaint: async (as: Role) => ({
      path: `${api}/complaints/${(await handled(as)).id}/decide`,
      body: { decision: 'accept' },
    }),
    closeComplaint: async (as: Role) => {
      const c = await handled(as)
      await post(`/complaints/${c.id}/decide`, as, { decision: 'accept' })
      return { path: `${api}/complaints/${c.id}/close`, body: { outcome: 'agreed', recovered: '1.00' } }
    },
    getSignal: async () => ({ path: `${api}/signals/${await freshSignal()}` }),
    activateSignal: async () => ({
      path: `${api}/signals/${await freshSignal()}/activate`,
      body: {},
      status: 201,
    }),
    dismissSignal: async () => ({
      path: `${api}/signals/${await freshSignal()}/dismiss`,
      body: { reason: '误报' },
    }),
    requestSignalSampling: async () => ({
      path: `${api}/signals/${await freshSignal()}/request-sampling`,
      body: {},
      status: 201,
    }),
  }
}
