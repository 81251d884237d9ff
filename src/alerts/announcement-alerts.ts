import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { DistrictDirectory } from '../districts/district-directory.js'
import type { RequestContext } from '../domain/context.js'
import { type AlertContent, areasOf, LEVEL_CAP, type TestItem } from './alert-content.js'
import { alertsOfAnnouncement, issueVersion, stateOf } from './alerts.repo.js'

/** What publication hands the alert writer. */
export interface AnnouncementAlertInput {
  announcement: {
    id: string
    number: string
    title: string
    publishedAt: Date
    kind: 'original' | 'correction' | 'retraction'
    /** The announcement a correction or retraction refers to. */
    references?: string | undefined
    /** Drill data: its alerts are exercise alerts (CAP status Exercise), never listed as real. */
    exercise?: boolean | undefined
  }
  samples: FailingSample[]
}

export interface FailingSample {
  id: string
  sampleNo: string
  foodName: string
  brand?: string | undefined
  spec?: string | undefined
  batch?: string | undefined
  producer?: string | undefined
  producerAddress?: string | undefined
  unitName: string
  unitAddress?: string | undefined
  districtCode: string
  category?: string | undefined
  failingItems: TestItem[]
}

export interface ProductAlert {
  announcementId: string
  sampleId: string
  sampleNo: string
  districts: string[]
  productCategory: string | null
  content: AlertContent
}

/** A failed sample is a level IV (blue, Minor) notice: observed by the lab, to be avoided, not an emergency. */
const PRODUCT_LEVEL = 4 as const

/**
 * Pure: one alert per failing sample of the announcement (samples without failing items are skipped).
 * Retractions carry no products; `writeAlerts` cancels what they refer to.
 */
export function productAlertsFromAnnouncement(
  input: AnnouncementAlertInput,
  districts: DistrictDirectory,
): ProductAlert[] {
  const { announcement: a } = input
  if (a.kind === 'retraction') return []
  return input.samples
    .filter((s) => s.failingItems.length > 0)
    .map((s) => {
      const items = s.failingItems
        .map((i) => `${i.name}（检验结果 ${i.result}，标准值 ${i.limit}）`)
        .join('；')
      const itemsEn = s.failingItems.map((i) => `${i.name} (result ${i.result}, limit ${i.limit})`).join('; ')
      const what = [s.brand, s.foodName].filter(Boolean).join(' ')
      return {
        announcementId: a.id,
        sampleId: s.id,
        sampleNo: s.sampleNo,
        districts: [s.districtCode],
        productCategory: s.category ?? null,
        content: {
          title: { zh: `抽检不合格：${what}`, en: `Failed official sampling: ${what}` },
          event: { zh: '食品抽检不合格', en: 'Food failed official sampling' },
          description: {
            zh: `${a.number}：${s.unitName}销售的${what}${s.batch ? `（批号 ${s.batch}）` : ''}经抽检不合格，不合格项目：${items}。`,
            en: `${a.number}: ${what}${s.batch ? ` (batch ${s.batch})` : ''} sold by ${s.unitName} failed official sampling: ${itemsEn}.`,
          },
          instruction: {
            zh: '请勿购买、食用该批次产品；已购买的可凭购物凭证退货；如有疑问请拨打12315。',
            en: 'Do not buy or eat this batch; return it with your receipt; questions: call 12315.',
          },
          category: ['Health'],
          urgency: 'Expected',
          severity: LEVEL_CAP[PRODUCT_LEVEL].severity,
          certainty: 'Observed',
          responseType: ['Avoid'],
          level: PRODUCT_LEVEL,
          products: [
            {
              name: s.foodName,
              brand: s.brand,
              batch: s.batch,
              producer: s.producer,
              producerAddress: s.producerAddress,
              spec: s.spec,
              unitName: s.unitName,
              unitAddress: s.unitAddress,
              sampleNo: s.sampleNo,
              failingItems: s.failingItems,
            },
          ],
          areas: areasOf([s.districtCode], districts),
          source: {
            kind: 'announcement',
            announcementId: a.id,
            number: a.number,
            title: a.title,
            publishedAt: a.publishedAt.toISOString(),
          },
        },
      }
    })
}

const state = (p: ProductAlert, exercise: boolean) => ({
  status: 'active' as const,
  exercise,
  level: PRODUCT_LEVEL,
  productCategory: p.productCategory,
  districts: p.districts,
  content: p.content,
})

/**
 * Writes the CAP messages of a publication inside its transaction. An original issues one `Alert` per failing
 * product. A correction `Update`s the referenced announcement's alerts whose sample number it repeats,
 * `Cancel`s those it no longer lists as failing, and issues new ones. A retraction `Cancel`s them all.
 */
export async function writeAlerts(
  trx: Transaction<DB>,
  ctx: RequestContext,
  input: AnnouncementAlertInput,
  districts: DistrictDirectory,
): Promise<{ issued: number; updated: number; cancelled: number }> {
  const now = input.announcement.publishedAt
  const products = productAlertsFromAnnouncement(input, districts)
  const counts = { issued: 0, updated: 0, cancelled: 0 }
  const earlier =
    input.announcement.kind !== 'original' && input.announcement.references
      ? (await alertsOfAnnouncement(trx, input.announcement.references)).filter((r) => r.status === 'active')
      : []
  const bySampleNo = new Map(earlier.map((r) => [r.content.products[0]?.sampleNo, r]))
  for (const p of products) {
    const previous = bySampleNo.get(p.sampleNo)
    bySampleNo.delete(p.sampleNo)
    const key = { source: 'announcement' as const, announcementId: p.announcementId, sampleId: p.sampleId }
    await issueVersion(
      trx,
      ctx,
      now,
      previous,
      key,
      state(p, input.announcement.exercise ?? false),
      previous ? 'Update' : 'Alert',
    )
    counts[previous ? 'updated' : 'issued']++
  }
  for (const row of bySampleNo.values()) {
    const content: AlertContent = {
      ...row.content,
      closingNote: {
        zh: `${input.announcement.number}${input.announcement.kind === 'retraction' ? '撤回' : '更正'}了此前的抽检结果。`,
        en: `${input.announcement.number} ${input.announcement.kind === 'retraction' ? 'retracted' : 'corrected'} the earlier result.`,
      },
    }
    await issueVersion(
      trx,
      ctx,
      now,
      row,
      { source: 'announcement', announcementId: input.announcement.id, sampleId: row.sample_id },
      { ...stateOf(row), status: 'cancelled', content },
      'Cancel',
    )
    counts.cancelled++
  }
  return counts
}
