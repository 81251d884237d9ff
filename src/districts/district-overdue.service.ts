import {
  CONFIRM_WITHIN_HOURS,
  overdueAt,
  unconfirmedQuery,
  unconfirmedView,
} from '../boards/boards.service.js'
import { decodeCursor, type KeyValue, pageOf } from '../db/pagination.js'
import type { AppDeps } from '../deps.js'
import { districtScopeOf, type RequestContext } from '../domain/context.js'
import { levelName, OPEN_TASK_STATUSES } from '../domain/enums.js'
import { forbidden, notFound } from '../domain/errors.js'
import { lateness, taskDto } from '../tasks/task-view.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>
type Keyed = { overdueSince: string; kind: 'task' | 'retailer'; id: string }

const keyOf = (i: Keyed): KeyValue[] => [i.overdueSince, i.kind, i.id]
const after = (i: Keyed, k: KeyValue[]) => {
  const [since, kind, id] = k as [string, string, string]
  return (
    i.overdueSince > since || (i.overdueSince === since && (i.kind > kind || (i.kind === kind && i.id > id)))
  )
}

/**
 * A district's overdue list: its open tasks that are late (past the acknowledgement or due time, or silent
 * past their reporting cadence) and its retailers that have not confirmed their board for more than 24 h,
 * in one list, most late first. Both halves are bounded by one district's open work, so they are read whole
 * and merged here, which keeps the task's lateness rule in one place (`lateness`). A district token sees its
 * own district only (another is 403, as on the unconfirmed list); an unknown code is 404.
 */
export async function districtOverdue(
  deps: Deps,
  ctx: RequestContext,
  code: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const scope = districtScopeOf(ctx)
  if (scope !== undefined && scope !== code)
    throw forbidden({ zh: '区县只能查看本辖区', en: 'A district sees its own district only' })
  if (!deps.districts.has(code))
    throw notFound({ zh: `没有代码为 ${code} 的区县`, en: `No district ${code}` })
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 3)
  const now = deps.clock.now()
  const [tasks, boards] = await Promise.all([
    deps.db
      .selectFrom('tasks')
      .innerJoin('incidents', 'incidents.id', 'tasks.incident_id')
      .selectAll('tasks')
      .select([
        'incidents.code as incident_code',
        'incidents.exercise',
        'incidents.title',
        'incidents.level as incident_level',
      ])
      .where('tasks.district_code', '=', code)
      .where('tasks.status', 'in', OPEN_TASK_STATUSES)
      .execute(),
    unconfirmedQuery(deps, code)
      .where('b.unconfirmed_since', '<', new Date(now.getTime() - CONFIRM_WITHIN_HOURS * 3_600_000))
      .execute(),
  ])
  const items = [
    ...tasks.flatMap((t) => {
      const late = lateness(t, now)
      if (late === null) return []
      const lateBySeconds = Math.floor(late / 1000)
      return [
        {
          kind: 'task' as const,
          id: t.id,
          overdueSince: new Date(now.getTime() - late).toISOString(),
          lateBySeconds,
          task: {
            ...taskDto(t, now),
            incidentCode: t.incident_code,
            exercise: t.exercise,
            incidentTitle: t.title,
            incidentLevel: levelName(t.incident_level),
          },
        },
      ]
    }),
    ...boards.map((b) => {
      const since = overdueAt(new Date(b.unconfirmed_since as Date))
      return {
        kind: 'retailer' as const,
        id: b.retailer_id,
        overdueSince: since.toISOString(),
        lateBySeconds: Math.floor((now.getTime() - since.getTime()) / 1000),
        retailer: unconfirmedView(b, now),
      }
    }),
  ]
    .filter((i) => !cursor || after(i, cursor))
    .sort((a, b) => (after(a, keyOf(b)) ? 1 : after(b, keyOf(a)) ? -1 : 0))
  // The id is in the item (task or retailer) already: it is part of the cursor only.
  return pageOf(items, q.limit, keyOf, ({ id: _id, ...item }) => item)
}
