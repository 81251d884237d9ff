import { writeAlerts } from '../../src/alerts/announcement-alerts.js'
import { inTransaction } from '../../src/db/transaction.js'
import type { AppDeps } from '../../src/deps.js'
import { systemContext } from '../../src/domain/context.js'
import type { Level } from '../../src/domain/enums.js'
import { activateIncident } from '../../src/incidents/incidents.service.js'
import { syntheticEntries } from './synthetic-samples.js'

/**
 * What the public reads are measured on: 5 incident alerts (one per level, across every district) and 200
 * product alerts from 10 announcements of 20 failing samples each — 205 alerts in all.
 */
export async function seedPublicAlerts(
  deps: Pick<AppDeps, 'config' | 'clock' | 'database' | 'db' | 'playbooks' | 'districts'>,
): Promise<number> {
  const ctx = systemContext('bench-seed')
  for (let i = 0; i < 5; i++)
    await activateIncident(deps, ctx, {
      playbook: 'sudan-red',
      level: ((i % 4) + 1) as Level,
      title: `bench ${i}`,
      products: [{ name: '辣椒酱', brand: '川味坊', batch: `B${i}` }],
      districts: 'all',
    })
  const samples = syntheticEntries(200)
  for (let a = 0; a < 10; a++)
    await inTransaction(deps.db, (trx) =>
      writeAlerts(
        trx,
        ctx,
        {
          announcement: {
            id: crypto.randomUUID(),
            number: `成市监抽检〔2026〕第${a + 1}号`,
            title: '抽检信息',
            publishedAt: new Date(),
            kind: 'original',
          },
          samples: samples.slice(a * 20, a * 20 + 20).map((s, i) => ({
            id: crypto.randomUUID(),
            sampleNo: `S${a}-${i}`,
            foodName: s.hit.productName,
            brand: s.hit.brand ?? undefined,
            batch: s.hit.batch ?? undefined,
            producer: s.hit.producer ?? undefined,
            unitName: s.hit.unitName ?? '',
            districtCode: '510104',
            category: '调味品',
            failingItems: [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }],
          })),
        },
        deps.districts,
      ),
    )
  return 205
}
