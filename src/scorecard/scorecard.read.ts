import { z } from '@hono/zod-openapi'
import { type Kysely, sql } from 'kysely'
import { monthlyFigures } from '../complaints/complaint-figures.js'
import type { DB } from '../db/types.js'
import type { AppDeps } from '../deps.js'

export const ScorecardQuerySchema = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
    .openapi({ description: 'The month (China time), YYYY-MM' }),
})

const part = z.strictObject({ due: z.number().int(), onTime: z.number().int(), rate: z.number().nullable() })
const card = z.strictObject({
  tasks: part.openapi({
    description: 'Incident tasks falling due in the month, completed by their due time',
  }),
  complaintsDecided: part.openapi({ description: '12315 received in the month, decided on time' }),
  complaintsClosed: part.openapi({ description: '12315 received in the month, closed on time' }),
  rectifications: part.openapi({
    description: 'Rectification cases due in the month, closed by the deadline',
  }),
  boards: part.openapi({ description: 'Board versions adding a failing product, confirmed within 24 h' }),
  selfChecks: part.extend({ filed: z.number().int() }).openapi({
    description: 'The monthly self-check of the month (每月自查): due, filed, and filed by its due time',
  }),
})
export const ScorecardSchema = z
  .strictObject({
    month: z.string(),
    districts: z.array(card.extend({ district: z.string(), name: z.string() })),
    city: card,
  })
  .openapi('Scorecard')

type Part = z.infer<typeof part>
export type Card = z.infer<typeof card>

/** A month (YYYY-MM, China time) as the instants it runs from (inclusive) and to (exclusive). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  return {
    from: new Date(Date.parse(`${month}-01T00:00:00+08:00`)),
    to: new Date(Date.parse(`${next}-01T00:00:00+08:00`)),
  }
}

type Checks = Map<string, { due: number; filed: number; onTime: number }>
function selfCheckPart(checks: Checks, code: string | null) {
  const all = code === null ? [...checks.values()] : [checks.get(code) ?? { due: 0, filed: 0, onTime: 0 }]
  const due = all.reduce((n, c) => n + c.due, 0)
  const onTime = all.reduce((n, c) => n + c.onTime, 0)
  return { ...mk(due, onTime), filed: all.reduce((n, c) => n + c.filed, 0) }
}
const rate = (onTime: number, due: number) => (due === 0 ? null : Math.round((onTime / due) * 1000) / 10)
const mk = (due: number, onTime: number): Part => ({ due, onTime, rate: rate(onTime, due) })

async function counts(
  db: Kysely<DB>,
  query: ReturnType<typeof sql<{ district: string; due: number; on_time: number }>>,
) {
  const rows = await query.execute(db)
  return new Map(rows.rows.map((r) => [r.district, { due: Number(r.due), onTime: Number(r.on_time) }]))
}

/**
 * The district scorecard of a month (China time) for the command centre, with the city's figures: incident
 * tasks done on time (当场办结), 12315 decided and closed on time, rectifications closed on time, boards
 * confirmed within 24 h of a new failing product, the month's self-check filed on time. Exercises never count.
 */
export async function scorecard(deps: Pick<AppDeps, 'db' | 'districts'>, month: string) {
  const { db } = deps
  const { from, to } = monthBounds(month)
  const y = Number(month.slice(0, 4))
  const [tasks, rects, boards, complaints, selfChecks] = await Promise.all([
    counts(
      db,
      sql`select t.district_code as district, count(*) as due,
            count(*) filter (where t.completed_at is not null and t.completed_at <= t.due_at) as on_time
          from tasks t join incidents i on i.id = t.incident_id and not i.exercise
          where t.due_at >= ${from} and t.due_at < ${to} and t.status not in ('cancelled', 'declined')
            -- A self-check's own task is the self-check figure below, not counted twice.
            and not exists (select 1 from self_checks s where s.task_id = t.id)
          group by t.district_code`,
    ),
    counts(
      db,
      sql`select district_code as district, count(*) as due,
            count(*) filter (where closed_at is not null and closed_at <= due_at) as on_time
          from rectifications where due_at >= ${from} and due_at < ${to} group by district_code`,
    ),
    counts(
      db,
      sql`select r.district_code as district, count(*) as due,
            count(*) filter (where exists (select 1 from events e where e.type = 'board.confirmed'
              and e.payload->>'retailerId' = v.retailer_id::text
              and (e.payload->>'version')::int >= v.version
              and e.created_at <= v.created_at + interval '24 hours')) as on_time
          from board_versions v join retailers r on r.id = v.retailer_id
          where v.added_failing > 0 and v.created_at >= ${from} and v.created_at < ${to}
          group by r.district_code`,
    ),
    monthlyFigures(db, y),
    sql<{ district: string; due: number; filed: number; on_time: number }>`
      select district_code as district, count(*) as due, count(filed_at) as filed,
        count(*) filter (where filed_at <= due_at) as on_time
      from self_checks where month = ${month} group by district_code`.execute(db),
  ])
  const checks = new Map(
    selfChecks.rows.map((r) => [
      r.district,
      { due: Number(r.due), filed: Number(r.filed), onTime: Number(r.on_time) },
    ]),
  )
  const figures = complaints.filter((f) => f.month === month)
  const cardOf = (code: string | null) => {
    const pick = (m: Map<string, { due: number; onTime: number }>) => {
      if (code !== null) {
        const c = m.get(code)
        return mk(c?.due ?? 0, c?.onTime ?? 0)
      }
      const all = [...m.values()]
      return mk(
        all.reduce((s, c) => s + c.due, 0),
        all.reduce((s, c) => s + c.onTime, 0),
      )
    }
    const fs = code === null ? figures : figures.filter((f) => f.district === code)
    const sum = (k: 'decided' | 'decidedOnTime' | 'closed' | 'closedOnTime') =>
      fs.reduce((s, f) => s + f[k], 0)
    return {
      tasks: pick(tasks),
      complaintsDecided: mk(sum('decided'), sum('decidedOnTime')),
      complaintsClosed: mk(sum('closed'), sum('closedOnTime')),
      rectifications: pick(rects),
      boards: pick(boards),
      selfChecks: selfCheckPart(checks, code),
    }
  }
  return {
    month,
    districts: deps.districts.items.map((d) => ({ district: d.code, name: d.nameZh, ...cardOf(d.code) })),
    city: cardOf(null),
  }
}

/** One district's figures of a month (what its self-check reports on). */
export async function districtCard(
  deps: Pick<AppDeps, 'db' | 'districts'>,
  district: string,
  month: string,
): Promise<Card> {
  const sc = await scorecard(deps, month)
  const mine = sc.districts.find((d) => d.district === district)
  if (!mine) throw new Error(`unknown district ${district}`)
  const { district: _code, name: _name, ...card } = mine
  return card
}
