import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { Actor } from '../../src/domain/context.js'
import type { LoadedPlaybook } from '../../src/playbooks/playbook.loader.js'
import { levelName } from '../../src/playbooks/playbook.schema.js'
import { planTasks, stepsAtLevel } from '../../src/tasks/task-plan.js'

/** `($1,$2,…),(…)` for a multi-row INSERT, with the flattened parameters. */
function rowsSql(rows: unknown[][]): { text: string; params: unknown[] } {
  const params: unknown[] = []
  const groups = rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`)
  return { text: groups.join(','), params }
}

const INCIDENT_COLUMNS =
  'id, code, playbook_id, playbook_hash, title, hazard, products, level, all_districts, districts, status, exercise, note, created_at, created_by'
const TASK_COLUMNS =
  'id, incident_id, district_code, step_key, occurrence, level, status, ack_due_at, due_at, next_escalation_at, created_at, updated_at'
const EVENT_COLUMNS =
  'type, incident_id, task_id, district_code, subject, actor_id, actor_name, actor_role, request_id, payload, created_at'

const activatedPayload = (a: RawActivation, code: string, taskCount: number) =>
  JSON.stringify({
    code,
    playbook: a.playbook.playbook.id,
    playbookHash: a.playbook.hash,
    level: levelName(a.level as 1),
    districts: a.districts,
    exercise: false,
    taskCount,
  })

const incidentRow = (a: RawActivation, id: string, code: string, now: Date) => [
  id,
  code,
  a.playbook.playbook.id,
  a.playbook.hash,
  'bench raw baseline',
  null,
  '[]',
  a.level,
  true,
  a.districts,
  'active',
  false,
  null,
  now,
  a.actor.id,
]

export interface RawActivation {
  playbook: LoadedPlaybook
  level: number
  districts: string[]
  actor: Actor
  timeZone: string
}

/**
 * The activation baseline: the same rows with the same columns as activateIncident writes (1 incident, N
 * tasks, N + 1 events), one multi-row INSERT per table, in one transaction, straight through `pg`.
 */
export async function rawActivate(pool: pg.Pool, a: RawActivation, code: string): Promise<string> {
  const now = new Date()
  const id = randomUUID()
  const planned = planTasks(stepsAtLevel(a.playbook.playbook, a.level), a.districts, now, a.timeZone)
  const incidentEventPayload = activatedPayload(a, code, planned.length)
  const tasks = planned.map((p) => [
    randomUUID(),
    id,
    p.districtCode,
    p.stepKey,
    0,
    p.level,
    'pending',
    p.ackDueAt,
    p.dueAt,
    p.ackDueAt,
    now,
    now,
  ])
  const actor = [a.actor.id, a.actor.name, a.actor.role, 'bench-raw']
  const incidentEvent = ['incident.activated', id, null, null, code, ...actor, incidentEventPayload, now]
  const taskEvents = planned.map((p, i) => [
    'task.created',
    id,
    tasks[i]?.[0],
    p.districtCode,
    null,
    ...actor,
    JSON.stringify({ step: p.stepKey, ackDueAt: p.ackDueAt.toISOString(), dueAt: p.dueAt.toISOString() }),
    now,
  ])
  const incident = rowsSql([incidentRow(a, id, code, now)])
  const taskRows = rowsSql(tasks)
  const eventRows = rowsSql([incidentEvent, ...taskEvents])
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(`INSERT INTO incidents (${INCIDENT_COLUMNS}) VALUES ${incident.text}`, incident.params)
    await client.query(`INSERT INTO tasks (${TASK_COLUMNS}) VALUES ${taskRows.text}`, taskRows.params)
    await client.query(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${eventRows.text}`, eventRows.params)
    await client.query('COMMIT')
    return id
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/**
 * Diagnostic: the same rows, with tasks and events each inserted by `INSERT … SELECT FROM unnest(arrays)`, a
 * handful of array parameters instead of thousands of scalar ones.
 */
export async function rawActivateUnnest(pool: pg.Pool, a: RawActivation, code: string): Promise<string> {
  const now = new Date()
  const id = randomUUID()
  const planned = planTasks(stepsAtLevel(a.playbook.playbook, a.level), a.districts, now, a.timeZone)
  const taskIds = planned.map(() => randomUUID())
  const incident = rowsSql([incidentRow(a, id, code, now)])
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(`INSERT INTO incidents (${INCIDENT_COLUMNS}) VALUES ${incident.text}`, incident.params)
    await client.query(
      `INSERT INTO tasks (${TASK_COLUMNS})
       SELECT t.id, $2, t.district, t.step, 0, t.level, 'pending', t.ack_due, t.due, t.ack_due, $3, $3
       FROM unnest($1::uuid[], $4::text[], $5::text[], $6::int2[], $7::timestamptz[], $8::timestamptz[])
         AS t(id, district, step, level, ack_due, due)`,
      [
        taskIds,
        id,
        now,
        planned.map((p) => p.districtCode),
        planned.map((p) => p.stepKey),
        planned.map((p) => p.level),
        planned.map((p) => p.ackDueAt),
        planned.map((p) => p.dueAt),
      ],
    )
    await client.query(
      `INSERT INTO events (${EVENT_COLUMNS})
       SELECT e.type, $1, e.task, e.district, e.subject, $2, $3, $4, 'bench-raw', e.payload, $5
       FROM unnest($6::text[], $7::uuid[], $8::text[], $9::text[], $10::jsonb[]) AS e(type, task, district, subject, payload)`,
      [
        id,
        a.actor.id,
        a.actor.name,
        a.actor.role,
        now,
        ['incident.activated', ...planned.map(() => 'task.created')],
        [null, ...taskIds],
        [null, ...planned.map((p) => p.districtCode)],
        [code, ...planned.map(() => null)],
        [
          activatedPayload(a, code, planned.length),
          ...planned.map((p) =>
            JSON.stringify({
              step: p.stepKey,
              ackDueAt: p.ackDueAt.toISOString(),
              dueAt: p.dueAt.toISOString(),
            }),
          ),
        ],
      ],
    )
    await client.query('COMMIT')
    return id
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/**
 * The acknowledgement baseline: the conditional UPDATE (same columns as acknowledgeTask sets) and its event,
 * in one transaction, with no HTTP, no token lookup and no query builder.
 */
export async function rawAck(pool: pg.Pool, actor: Actor, taskId: string, withTokenLookup?: string) {
  const client = await pool.connect()
  try {
    if (withTokenLookup)
      await client.query(
        'SELECT id, name, role, district_code, retailer_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
        [withTokenLookup],
      )
    await client.query('BEGIN')
    const updated = await client.query<{ incident_id: string; district_code: string; step_key: string }>(
      `UPDATE tasks SET status = 'acknowledged', acknowledged_at = now(), owner_id = $2, owner_name = $3,
         next_escalation_at = due_at, escalation_count = 0, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING incident_id, district_code, step_key`,
      [taskId, actor.id, actor.name],
    )
    const row = updated.rows[0]
    if (row)
      await client.query(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES ('task.acknowledged', $1, $2, $3, NULL, $4, $5, $6, 'bench-raw', $7, now())`,
        [
          row.incident_id,
          taskId,
          row.district_code,
          actor.id,
          actor.name,
          actor.role,
          JSON.stringify({ step: row.step_key, from: 'pending', to: 'acknowledged', owner: actor.name }),
        ],
      )
    await client.query('COMMIT')
    return row !== undefined
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/**
 * Diagnostic: the acknowledgement as one statement — the conditional UPDATE feeding the event INSERT in a CTE.
 * A single statement is atomic on its own, so this is one round trip instead of BEGIN, UPDATE, INSERT, COMMIT.
 */
export async function rawAckOneStatement(pool: pg.Pool, actor: Actor, taskId: string) {
  const r = await pool.query(
    `WITH t AS (
       UPDATE tasks SET status = 'acknowledged', acknowledged_at = now(), owner_id = $2, owner_name = $3,
         next_escalation_at = due_at, escalation_count = 0, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING id, incident_id, district_code, step_key)
     INSERT INTO events (${EVENT_COLUMNS})
     SELECT 'task.acknowledged', t.incident_id, t.id, t.district_code, NULL, $2, $3, $4, 'bench-raw',
       jsonb_build_object('step', t.step_key, 'from', 'pending', 'to', 'acknowledged', 'owner', $3::text), now()
     FROM t RETURNING task_id`,
    [taskId, actor.id, actor.name, actor.role],
  )
  return (r.rowCount ?? 0) > 0
}
