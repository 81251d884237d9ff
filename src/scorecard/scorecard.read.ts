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
  selfChecks: part.nullable().openapi({ description: 'Monthly self-checks filed (not built yet: null)' }),
})
export const ScorecardSchema = z
  .strictObject({
    month: z.string(),
    districts: z.array(card.extend({ district: z.string(), name: z.string() })),
    city: card,
  })
  .openapi('Scorecard')

type Part = z.infer<typeof part>
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
 * confirmed within 24 h of a new failing product. Exercises never count.
 */
export async function scorecard(deps: Pick<AppDeps, 'db' | 'districts'>, month: string) {
  const { db } = deps
  const from = new Date(Date.parse(`${month}-01T00:00:00+08:00`))
  const [y, m] = month.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  const to = new Date(Date.parse(`${next}-01T00:00:00+08:00`))
  const [tasks, rects, boards, complaints] = await Promise.all([
    counts(
      db,
      sql`select t.district_code as district, count(*) as due,
            count(*) filter (where t.completed_at is not null and t.completed_at <= t.due_at) as on_time
          from tasks t join incidents i on i.id = t.incident_id and not i.exercise
          where t.due_at >= ${from} and t.due_at < ${to} and t.status not in ('cancelled', 'declined')
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
  ])
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
      selfChecks: null,
    }
  }
  return {
    month,
    districts: deps.districts.items.map((d) => ({ district: d.code, name: d.nameZh, ...cardOf(d.code) })),
    city: cardOf(null),
  }
}
