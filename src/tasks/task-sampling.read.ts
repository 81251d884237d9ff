import type { Kysely } from 'kysely'
import type { DB, SamplingTarget } from '../db/types.js'

/** What a sampling task asks for: the signal behind it, and the products to sample at which businesses. */
export interface TaskSampling {
  signal: { id: string; code: string; title: string }
  /** The complaints of this task's district: each names a product and the business it was bought at. */
  targets: SamplingTarget[]
  /** Every product the signal's complaints name (name, brand, batch, spec), once each. */
  products: SamplingTarget['product'][]
}

/**
 * The signal's request for sampling behind a task, or null when the task carries none. Read here (the
 * signals module's table, as the disposal list reads the announcement's) because signals open incidents and
 * so cannot be imported by the task module.
 */
export async function taskSampling(
  db: Kysely<DB>,
  task: { incident_id: string; district_code: string },
): Promise<TaskSampling | null> {
  const r = await db
    .selectFrom('signal_sampling_requests as r')
    .innerJoin('signals as s', 's.id', 'r.signal_id')
    .select(['s.id', 's.code', 's.title', 'r.targets'])
    .where('r.incident_id', '=', task.incident_id)
    .executeTakeFirst()
  if (!r) return null
  const seen = new Set<string>()
  const products = r.targets.flatMap((t) => {
    const key = JSON.stringify([t.product.name, t.product.brand, t.product.batch, t.product.spec])
    if (seen.has(key) || !t.product.name) return []
    seen.add(key)
    return [t.product]
  })
  return {
    signal: { id: r.id, code: r.code, title: r.title },
    targets: r.targets.filter((t) => t.district === task.district_code),
    products,
  }
}
