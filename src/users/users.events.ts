import type { Role } from '../domain/enums.js'

/** The account an event concerns, by login name (the subject is its id). */
interface UserNamed {
  login: string
}

/** Events written by the users and sessions module; the actor is the admin (or the person themself). */
export interface UsersEventPayloads {
  'user.created': { login: string; name: string; role: Role; retailerId: string | null; mustChange: boolean }
  /** Only the fields that changed, with their new values (never a password). */
  'user.updated': { changes: Record<string, string | boolean | null> }
  'user.disabled': UserNamed
  'user.enabled': UserNamed
  'user.password_reset': UserNamed
  'user.password_changed': UserNamed
  'user.unlocked': UserNamed
  /** Subject is the lower-cased login as typed (it may name no account). */
  'user.locked_out': { until: string }
  'session.signed_in': UserNamed
  'session.signed_out': { everywhere: boolean; sessions: number }
}
