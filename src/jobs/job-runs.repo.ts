import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'

/** Claims a slot: true for the one instance whose row went in, false for everyone else. */
export async function claimSlot(
  db: Kysely<DB>,
  run: { job: string; slot: Date; instance: string; startedAt: Date; catchUp: boolean },
): Promise<boolean> {
  const row = await db
    .insertInto('job_runs')
    .values({
      job: run.job,
      slot: run.slot,
      instance: run.instance,
      started_at: run.startedAt,
      catch_up: run.catchUp,
      outcome: 'running',
    })
    .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
    .returning('job')
    .executeTakeFirst()
  return row !== undefined
}

export function finishRun(
  db: Kysely<DB>,
  job: string,
  slot: Date,
  end: { finishedAt: Date; outcome: 'ok' | 'failed'; result?: unknown; error?: string },
) {
  return db
    .updateTable('job_runs')
    .set({
      finished_at: end.finishedAt,
      outcome: end.outcome,
      result: end.result === undefined ? null : JSON.stringify(end.result),
      error: end.error ?? null,
    })
    .where('job', '=', job)
    .where('slot', '=', slot)
    .execute()
}

export function findRun(db: Kysely<DB>, job: string, slot: Date) {
  return db
    .selectFrom('job_runs')
    .select(['instance', 'started_at', 'outcome'])
    .where('job', '=', job)
    .where('slot', '=', slot)
    .executeTakeFirst()
}

/**
 * Takes over a run its instance left `running` when it died: true for the one instance whose update matched
 * the row as it was read, false when another took it first.
 */
export async function takeOverRun(
  db: Kysely<DB>,
  run: {
    job: string
    slot: Date
    from: { instance: string; startedAt: Date }
    instance: string
    startedAt: Date
  },
): Promise<boolean> {
  const row = await db
    .updateTable('job_runs')
    .set({ instance: run.instance, started_at: run.startedAt, catch_up: true })
    .where('job', '=', run.job)
    .where('slot', '=', run.slot)
    .where('outcome', '=', 'running')
    .where('instance', '=', run.from.instance)
    .where('started_at', '=', run.from.startedAt)
    .returning('job')
    .executeTakeFirst()
  return row !== undefined
}

export function recentRuns(db: Kysely<DB>, job: string, limit: number) {
  return db
    .selectFrom('job_runs')
    .selectAll()
    .where('job', '=', job)
    .orderBy('slot', 'desc')
    .limit(limit)
    .execute()
}
