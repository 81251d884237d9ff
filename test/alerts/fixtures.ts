import type { AnnouncementAlertInput, FailingSample } from '../../src/alerts/announcement-alerts.js'
import { writeAlerts } from '../../src/alerts/announcement-alerts.js'
import { inTransaction } from '../../src/db/transaction.js'
import { systemContext } from '../../src/domain/context.js'
import type { TestApp } from '../helpers/test-app.js'

export const XSS = '<img src=x onerror=alert(1)>'

export const sample = (over: Partial<FailingSample> = {}): FailingSample => ({
  id: crypto.randomUUID(),
  sampleNo: `NCP${Math.random().toString().slice(2, 10)}`,
  foodName: '特辣辣椒面',
  brand: '蜀红',
  spec: '500g/袋',
  batch: '2026-10-15/B0427',
  producer: '四川某食品有限公司',
  producerAddress: '四川省成都市新都区',
  unitName: '青羊区某超市',
  unitAddress: '成都市青羊区某路1号',
  districtCode: '510105',
  category: '调味品',
  failingItems: [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }],
  ...over,
})

export function announcement(
  kind: AnnouncementAlertInput['announcement']['kind'],
  samples: FailingSample[],
  at: Date,
  references?: string,
): AnnouncementAlertInput {
  return {
    announcement: {
      id: crypto.randomUUID(),
      number: `成市监抽检〔2026〕第${Math.floor(Math.random() * 90 + 10)}号`,
      title: '2026年第12期食品安全监督抽检信息',
      publishedAt: at,
      kind,
      references,
    },
    samples,
  }
}

/** Publishes as issue 8's transaction will: the alert writer inside the caller's transaction. */
export function publish(t: TestApp, input: AnnouncementAlertInput) {
  return inTransaction(t.deps.db, (trx) =>
    writeAlerts(trx, systemContext('test-publish'), input, t.deps.districts),
  )
}
