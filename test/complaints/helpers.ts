import type { TestApp } from '../helpers/test-app.js'

export const PUBLIC = '/api/v1/public/complaints'

/** A complaint as the example, with parts replaced. */
export function complaintBody(over: Record<string, unknown> = {}) {
  return {
    kind: 'complaint',
    product: { name: '香辣辣椒酱', brand: '蜀味', batch: '2026-11-02', spec: '250g/袋' },
    business: { name: '某某超市春熙路店', address: '成都市锦江区春熙路1号' },
    purchasedOn: '2026-11-20',
    amount: '12.50',
    description: '打开后有异味，要求退货',
    contact: { name: '张三', phone: '13812345678' },
    ...over,
  }
}

/** Files a complaint through the public endpoint and returns its receipt and id (read back as admin). */
export async function file(t: TestApp, admin: string, over: Record<string, unknown> = {}) {
  const r = await t.call('POST', PUBLIC, { body: complaintBody(over) })
  if (r.status !== 201) throw new Error(`file: ${r.status} ${r.text}`)
  const row = await t.deps.db
    .selectFrom('complaints')
    .select('id')
    .where('tracking', '=', r.body.tracking)
    .executeTakeFirstOrThrow()
  void admin
  return { tracking: r.body.tracking as string, code: r.body.code as string, id: row.id }
}
