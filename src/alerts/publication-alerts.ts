import type { PublicationHooks, PublishedAnnouncement } from '../announcements/announcement-publish.js'
import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { DistrictDirectory } from '../districts/district-directory.js'
import { publicItem } from './alert-content.js'
import { type FailingSample, writeAlerts } from './announcement-alerts.js'

/**
 * The consumer alerts of a publication, written in the publishing transaction: one CAP `Alert` per failing
 * product of an original, `Update`/`Cancel` for a correction, `Cancel` for a retraction. It is the default
 * of `publishAnnouncement`, so no caller (route, job, demo seed) can publish without them.
 */
export function consumerAlerts(districts: DistrictDirectory): PublicationHooks {
  return {
    async onPublished(trx, ctx, published) {
      await writeAlerts(
        trx,
        ctx,
        {
          announcement: {
            id: published.id,
            number: published.number,
            title: published.title,
            publishedAt: published.publishedAt,
            kind: published.kind,
            references: published.refersTo ?? undefined,
            exercise: published.exercise,
          },
          samples: await failingSamples(trx, published),
        },
        districts,
      )
    },
  }
}

/** Published tables write `/` for "none" (no brand, no batch): not a name to show. */
const known = (v: string | null) => (v === null || /^[/／—-]$/.test(v.trim()) ? undefined : v)

async function failingSamples(
  trx: Transaction<DB>,
  published: PublishedAnnouncement,
): Promise<FailingSample[]> {
  const ids = published.failingSampleIds
  if (ids.length === 0) return []
  const rows = await trx.selectFrom('samples').selectAll().where('id', 'in', ids).orderBy('no').execute()
  const items = await trx
    .selectFrom('sample_items')
    .select(['sample_id', 'name', 'result', 'limit_value', 'unit'])
    .where('sample_id', 'in', ids)
    .where('verdict', '=', 'fail')
    .orderBy('sample_id')
    .orderBy('position')
    .execute()
  return rows.map((s) => ({
    id: s.id,
    sampleNo: s.no,
    foodName: s.food_name,
    brand: known(s.brand),
    spec: s.spec ?? undefined,
    batch: known(s.batch),
    producer: s.producer_name ?? undefined,
    producerAddress: s.producer_address ?? undefined,
    unitName: s.unit_name,
    unitAddress: s.unit_address,
    districtCode: s.district_code,
    category: s.category,
    failingItems: items.filter((i) => i.sample_id === s.id).map(publicItem),
  }))
}
