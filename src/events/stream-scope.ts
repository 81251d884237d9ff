import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'
import { may, type Verb } from '../domain/access.js'
import type { Role } from '../domain/enums.js'
import type { StoredEvent } from './events.read.js'

/**
 * Who receives an event: the one rule for the live stream and for webhooks.
 *
 * 1. Reading: an event is shown only to a role that may read its resource through the API (the ACCESS read
 *    entry of its kind); alerts are public. A kind no entry names is for admins only. Personal and secret
 *    fields are kept out of payloads where events are written, so nothing here redacts.
 * 2. Routing: a route (a stream's `?types=` and a district's home; a webhook's events, districts and notify)
 *    matches an event by type pattern, by place and by whom it notifies. Webhooks are made by admins, so only
 *    routing applies to them.
 *
 * The routing is TypeScript, not SQL: the stream must decide per event without a database round trip, so the
 * webhook outbox is filled from the same function by the fan-out step (`webhooks/webhook-fanout.ts`).
 */
const READ_VERB: readonly (readonly [prefix: string, verb: Verb | 'public'])[] = [
  ['task.', 'readTasks'],
  ['incident.', 'readIncidents'],
  ['alert.', 'public'],
  ['announcement.', 'readAnnouncements'],
  ['sample.', 'readSamples'],
  ['samples.', 'readSamples'],
  ['retailer.', 'readRetailers'],
  ['board.', 'readBoardStatus'],
  ['contacts.', 'readContacts'],
  ['user.', 'manageUsers'],
  ['session.', 'manageUsers'],
  ['token.', 'manageTokens'],
  ['webhook.', 'manageWebhooks'],
  ['business.', 'readBusinesses'],
  ['rectification.', 'readRectifications'],
  ['inspection.', 'readInspectionPlans'],
  ['self_check.', 'readSelfChecks'],
  ['spot_check.', 'readSpotChecks'],
  ['complaint.', 'readComplaints'],
  ['signal.', 'readSignals'],
]

/** Whether a role may read the resource an event of this type is about. */
export function roleMayRead(role: Role, type: string): boolean {
  const entry = READ_VERB.find(([prefix]) => type.startsWith(prefix))
  if (!entry) return role === 'admin'
  return entry[1] === 'public' || may(role, entry[1])
}

/** `task.*` matches `task.acknowledged`; `*` matches everything; anything else must be equal. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  )
}

/** What a receiver asked for; null means "any". */
export interface Route {
  events: readonly string[] | null
  districts: readonly string[] | null
  notify: readonly string[] | null
}

/** The fields of an event routing looks at. */
export type Routed = Pick<StoredEvent, 'type' | 'district' | 'incident' | 'payload'>

/**
 * The districts an event's incident covers (null: every district), for an event with no district of its
 * own; undefined when it has no incident. Only asked when the route names districts.
 */
export type IncidentCover = readonly string[] | null | undefined

/** Whether the route needs the incident's cover to decide this event (see `routeMatches`). */
export const needsCover = (route: Route, e: Routed): boolean =>
  route.districts !== null && e.district === null && e.incident !== null

/**
 * Type: one of the patterns. Place: an event of a district is in that district; an event of no district is
 * in the districts its incident covers (an incident-wide event), and in none without an incident. Notify:
 * the payload's `notify` is one of the list (an SMS gateway takes only its rung).
 */
export function routeMatches(route: Route, e: Routed, cover: IncidentCover): boolean {
  if (route.events !== null && !typeMatches(route.events, e.type)) return false
  if (route.districts !== null) {
    if (e.district !== null) {
      if (!route.districts.includes(e.district)) return false
    } else if (cover === undefined) return false
    else if (cover !== null && !cover.some((d) => route.districts?.includes(d))) return false
  }
  if (route.notify !== null) {
    const notify = (e.payload as { notify?: unknown } | null)?.notify
    if (typeof notify !== 'string' || !route.notify.includes(notify)) return false
  }
  return true
}

/** A stream's receiver: the caller's role and home district, and the types it asked for. */
export interface Audience {
  role: Role
  district: string | null
  types: readonly string[] | null
}

export const audienceOf = (
  actor: { role: Role; districtCode: string | null },
  types: readonly string[] | null,
): Audience => ({
  role: actor.role,
  district: actor.role === 'district' ? (actor.districtCode ?? '') : null,
  types,
})

const routeOf = (a: Audience): Route => ({
  events: a.types,
  districts: a.district === null ? null : [a.district],
  notify: null,
})

/** The pure decision: may this audience see this event (given its incident's cover when that is needed)? */
export function visibleTo(a: Audience, e: Routed, cover: IncidentCover): boolean {
  return roleMayRead(a.role, e.type) && routeMatches(routeOf(a), e, cover)
}

/** Whether `visibleTo` needs the incident's cover for this event (a district's incident-wide events). */
export const audienceNeedsCover = (a: Audience, e: Routed): boolean => needsCover(routeOf(a), e)

/** Incident → the districts in its scope (null: all), cached: an incident's scope does not change. */
export class IncidentScopes {
  private readonly cache = new Map<string, string[] | null>()
  constructor(private readonly db: Kysely<DB>) {}

  async coverOf(incidentId: string): Promise<IncidentCover> {
    const known = this.cache.get(incidentId)
    if (known !== undefined) return known
    const row = await this.db
      .selectFrom('incidents')
      .select(['all_districts', 'districts'])
      .where('id', '=', incidentId)
      .executeTakeFirst()
    if (!row) return []
    const scope = row.all_districts ? null : row.districts
    if (this.cache.size > 5000) this.cache.clear()
    this.cache.set(incidentId, scope)
    return scope
  }
}

export type ScopeCheck = (e: StoredEvent) => boolean | Promise<boolean>

/** The stream's check for one caller: `visibleTo`, looking the incident's cover up only when needed. */
export function scopeFor(
  actor: { role: Role; districtCode: string | null },
  types: string[] | null,
  incidents: IncidentScopes,
): ScopeCheck {
  const audience = audienceOf(actor, types)
  return (e) => {
    if (!roleMayRead(audience.role, e.type)) return false
    if (!audienceNeedsCover(audience, e)) return visibleTo(audience, e, undefined)
    return incidents.coverOf(e.incident as string).then((cover) => visibleTo(audience, e, cover))
  }
}
