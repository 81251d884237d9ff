/**
 * Tries the consumer's side on a running service with a real-sized publication: imports a failing table of
 * `N` samples (default 161) across the 20 districts in the published layout, and a passing table, drafts an
 * announcement of each, has them reviewed, approved and published through the API, registers a retailer
 * whose board lists 12 of its own failing samples, and starts a Sudan Red incident.
 *
 *   node --import tsx test/public/publish-real-sized.ts http://localhost:3102 rs_admin… [161]
 */
import { failingCsv, failingNos } from './published-layout.js'

const [base = 'http://localhost:3000', admin = '', count = '161'] = process.argv.slice(2)
const N = Number(count)
const SHOP = { name: '成都红旗连锁股份有限公司春熙路店', address: '成都市锦江区春熙路南段8号' }

async function call(method: string, path: string, token: string, body?: unknown, csv?: string) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(csv
        ? { 'content-type': 'text/csv' }
        : body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
    },
    body: csv ?? (body === undefined ? undefined : JSON.stringify(body)),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 800)}`)
  return text ? JSON.parse(text) : null
}

const token = async (role: string, name: string) =>
  (await call('POST', '/tokens', admin, { role, name })).token as string

const sampler = await token('sampler', '质监处 起草人（演示）')
const reviewer = await token('reviewer', '质监处 审核人（演示）')
const approver = await token('approver', '分管局长 核准人（演示）')
const commander = await token('commander', '市局指挥中心（演示）')

await call('POST', '/retailers', admin, {
  id: 'hongqi-chunxi',
  name: SHOP.name,
  district: '510104',
  address: SHOP.address,
}).catch((e) => console.warn(String(e)))
const failing = await call(
  'POST',
  '/samples/import',
  sampler,
  undefined,
  failingCsv(N, { prefix: 'RS26', at: SHOP, atCount: 12 }),
)
console.log('imported failing:', JSON.stringify(failing).slice(0, 200))

// A passing table: the same layout without the failed-item column's content.
const passingCsv = failingCsv(40, { prefix: 'RP26' })
  .split('\n')
  .map((line, i) => {
    if (i === 0 || !line) return line
    const cells = line.split(',')
    cells[10] = ''
    return cells.join(',')
  })
  .join('\n')
await call('POST', '/samples/import', sampler, undefined, passingCsv).catch((e) => console.warn(String(e)))

async function publish(number: string, title: string, sampleNos: string[]) {
  const d = await call('POST', '/announcements', sampler, { number, title, period: '2026Q4', sampleNos })
  await call('POST', `/announcements/${d.id}/submit`, sampler, {})
  await call('POST', `/announcements/${d.id}/review`, reviewer, { decision: 'pass', comment: '数据核对无误' })
  await call('POST', `/announcements/${d.id}/approve`, approver, { decision: 'pass', comment: '同意发布' })
  await call('POST', `/announcements/${d.id}/publish`, approver, {})
  console.log('published', number, d.id)
  return d.id as string
}
await publish('成市监抽检〔2026〕第31号', '2026年第31期食品安全监督抽检不合格信息', failingNos(N, 'RS26'))
await publish(
  '成市监抽检〔2026〕第32号',
  '2026年第32期食品安全监督抽检合格信息',
  failingNos(40, 'RP26'),
).catch((e) => console.warn(String(e)))
const inc = await call('POST', '/incidents', commander, {
  playbook: 'sudan-red',
  level: 'II',
  title: '辣椒制品苏丹红排查',
  districts: 'all',
  products: [{ name: '红油火锅底料', brand: '蜀香', batch: 'HG-2611-07' }],
})
console.log('incident', inc.code)
