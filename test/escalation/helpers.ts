import { resolve } from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/types.js'

export const DRILL_DIR = resolve(import.meta.dirname, '../fixtures/playbooks')

export interface Escalation {
  id: number
  task_id: string
  created_at: Date
  payload: {
    clock: 'unacknowledged' | 'overdue'
    rung: number
    repeat: number
    notify: string
    dueAt: string
    late: boolean
    skippedRepeats: number
    contact: { name: string; phone: string } | null
    note?: { zh: string; en: string }
  }
}

export async function escalations(db: Kysely<DB>, taskId?: string): Promise<Escalation[]> {
  let q = db
    .selectFrom('events')
    .select(['id', 'task_id', 'created_at', 'payload'])
    .where('type', '=', 'task.escalated')
    .orderBy('id')
  if (taskId) q = q.where('task_id', '=', taskId)
  return (await q.execute()) as unknown as Escalation[]
}

export const rungsOf = (es: Escalation[]) =>
  es.map((e) => `${e.payload.clock}:${e.payload.rung}.${e.payload.repeat}`)
