import { type Kysely, sql } from 'kysely'
import { chinaDay } from '../calendar/working-days.js'
import type { DB } from '../db/types.js'

/**
 * 12315 figures per district and month of receipt (China time): received by kind, decided on time, closed
 * on time, mediations agreed and the amount recovered (exact yuan). Exercise and test data are never counted.
 */
export interface FigureRow {
  month: string
  district: string | null
  received: { complaint: number; report: number; enquiry: number; total: number }
  decided: number
  decidedOnTime: number
  decidedOnTimeRate: number | null
  closed: number
  closedOnTime: number
  closedOnTimeRate: number | null
  mediationsAgreed: number
  recovered: string
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10)

async function figureRows(db: Kysely<DB>, year: number, district: string | undefined, byDistrict: boolean) {
  // Month of receipt in China (UTC+8, no daylight saving), the same on both engines without zone data.
  const month = sql<string>`to_char((received_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM')`
  const from = new Date(Date.parse(`${year}-01-01T00:00:00+08:00`))
  const to = new Date(Date.parse(`${year + 1}-01-01T00:00:00+08:00`))
  let q = db
    .selectFrom('complaints')
    .select([
      month.as('month'),
      sql<number>`count(*) filter (where kind = 'complaint')`.as('complaint'),
      sql<number>`count(*) filter (where kind = 'report')`.as('report'),
      sql<number>`count(*) filter (where kind = 'enquiry')`.as('enquiry'),
      sql<number>`count(*)`.as('total'),
      sql<number>`count(*) filter (where decided_at is not null)`.as('decided'),
      sql<number>`count(*) filter (where decided_at <= decide_due_at)`.as('decided_on_time'),
      sql<number>`count(*) filter (where status = 'closed')`.as('closed'),
      sql<number>`count(*) filter (where status = 'closed' and closed_at <= coalesce(close_due_at, decide_due_at))`.as(
        'closed_on_time',
      ),
      sql<number>`count(*) filter (where outcome = 'agreed')`.as('agreed'),
      sql<string>`coalesce(sum(recovered), 0)::numeric(14,2)::text`.as('recovered'),
    ])
    .where('exercise', '=', false)
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
  if (district !== undefined) q = q.where('district_code', '=', district)
  if (byDistrict) q = q.select('district_code').groupBy(['district_code'])
  const rows = await q.groupBy(month).orderBy(month).execute()
  return rows.map(
    (r): FigureRow => ({
      month: r.month,
      district: 'district_code' in r ? ((r as { district_code: string | null }).district_code ?? null) : null,
      received: {
        complaint: Number(r.complaint),
        report: Number(r.report),
        enquiry: Number(r.enquiry),
        total: Number(r.total),
      },
      decided: Number(r.decided),
      decidedOnTime: Number(r.decided_on_time),
      decidedOnTimeRate: rate(Number(r.decided_on_time), Number(r.decided)),
      closed: Number(r.closed),
      closedOnTime: Number(r.closed_on_time),
      closedOnTimeRate: rate(Number(r.closed_on_time), Number(r.closed)),
      mediationsAgreed: Number(r.agreed),
      recovered: r.recovered,
    }),
  )
}

/** Per district and month of `year` (one district when given). */
export function monthlyFigures(db: Kysely<DB>, year: number, district?: string) {
  return figureRows(db, year, district, true)
}

/** The city's totals for the year (every district and the city queue), by month and for the year. */
export async function cityYear(db: Kysely<DB>, year: number) {
  const months = await figureRows(db, year, undefined, false)
  const sum = (f: (r: FigureRow) => number) => months.reduce((a, r) => a + f(r), 0)
  const cents = months.reduce((a, r) => a + BigInt(r.recovered.replace('.', '')), 0n)
  const decided = sum((r) => r.decided)
  const closed = sum((r) => r.closed)
  return {
    year,
    received: {
      complaint: sum((r) => r.received.complaint),
      report: sum((r) => r.received.report),
      enquiry: sum((r) => r.received.enquiry),
      total: sum((r) => r.received.total),
    },
    decidedOnTimeRate: rate(
      sum((r) => r.decidedOnTime),
      decided,
    ),
    closedOnTimeRate: rate(
      sum((r) => r.closedOnTime),
      closed,
    ),
    mediationsAgreed: sum((r) => r.mediationsAgreed),
    recovered: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`,
    months,
  }
}
export type CityYear = Awaited<ReturnType<typeof cityYear>>

export const yearOf = (at: Date) => Number(chinaDay(at).slice(0, 4))
