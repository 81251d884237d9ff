import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'
import type { Actor } from '../domain/context.js'
import type { StoredEvent } from './events.read.js'

/**
 * Which events a caller may see on the stream. Admin: all. Commander: all but token administration.
 * District: events of its own district's tasks, and incident-wide events (no district) of incidents whose
 * scope includes it. Sampling office (sampler, reviewer, approver): announcements, samples and alerts.
 * Retailer: alerts. `?types=` only narrows this, never widens it.
 */
const ROLE_TYPES: Record<string, string[]> = {
  sampler: ['announcement.*', 'sample.*', 'alert.*'],
  reviewer: ['announcement.*', 'sample.*', 'alert.*'],
  approver: ['announcement.*', 'sample.*', 'alert.*'],
  retailer: ['alert.*'],
}

/** `task.*` matches `task.acknowledged`; `*` matches everything; anything else must be equal. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  )
}

export type ScopeCheck = (e: StoredEvent) => boolean | Promise<boolean>

/** Incident → the districts in its scope (null: all), cached: an incident's scope does not change. */
export class IncidentScopes {
  private readonly cache = new Map<string, string[] | null>()
  constructor(private readonly db: Kysely<DB>) {}

  async includes(incidentId: string, district: string): Promise<boolean> {
    let scope = this.cache.get(incidentId)
    if (scope === undefined) {
      const row = await this.db
        .selectFrom('incidents')
        .select(['all_districts', 'districts'])
        .where('id', '=', incidentId)
        .executeTakeFirst()
      if (!row) return false
      scope = row.all_districts ? null : row.districts
      if (this.cache.size > 5000) this.cache.clear()
      this.cache.set(incidentId, scope)
    }
    return scope === null || scope.includes(district)
  }
}

export function scopeFor(actor: Actor, types: string[] | null, incidents: IncidentScopes): ScopeCheck {
  const wanted = (e: StoredEvent) => types === null || typeMatches(types, e.type)
  switch (actor.role) {
    case 'admin':
      return wanted
    case 'commander':
      return (e) => !e.type.startsWith('token.') && wanted(e)
    case 'district': {
      const home = actor.districtCode
      return (e) => {
        if (home === null || e.type.startsWith('token.') || !wanted(e)) return false
        if (e.district !== null) return e.district === home
        return e.incident !== null && incidents.includes(e.incident, home)
      }
    }
    default: {
      const allowed = ROLE_TYPES[actor.role] ?? []
      return (e) => typeMatches(allowed, e.type) && wanted(e)
    }
  }
}
