import type { Role } from '../domain/enums.js'

/**
 * An event about an account names it by its id (also the subject), never by login, name or phone: events
 * reach the stream and webhooks, and personal data stays where the users API guards it.
 */
interface AboutAccount {
  userId: string
}

/** Fields whose values are personal: an update event says they changed, not to what. */
const PERSONAL = new Set(['name', 'phone'])

/** `user.updated`'s payload: every changed field named, the values of the non-personal ones. */
export function userChanges(
  changes: Record<string, string | boolean | null>,
): UsersEventPayloads['user.updated'] {
  return {
    fields: Object.keys(changes),
    changes: Object.fromEntries(Object.entries(changes).filter(([k]) => !PERSONAL.has(k))),
  }
}

/** Events written by the users and sessions module; the actor is the admin (or the person themself). */
export interface UsersEventPayloads {
  'user.created': { role: Role; retailerId: string | null; mustChange: boolean }
  /** `fields`: what changed; `changes`: the new values of those that are not personal (never a password). */
  'user.updated': { fields: string[]; changes: Record<string, string | boolean | null> }
  'user.disabled': AboutAccount
  'user.enabled': AboutAccount
  'user.password_reset': AboutAccount
  'user.password_changed': AboutAccount
  'user.unlocked': AboutAccount
  /** Subject: the account's id when the login names one (never the text typed, which may be a password). */
  'user.locked_out': { until: string }
  'session.signed_in': AboutAccount
  'session.signed_out': { everywhere: boolean; sessions: number }
}
