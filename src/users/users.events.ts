import type { Role } from '../domain/enums.js'

/** Events written by the users and sessions module; the actor is the admin (or the person themself). */
export interface UsersEventPayloads {
  'user.created': { login: string; name: string; role: Role; retailerId: string | null; mustChange: boolean }
  /** Only the fields that changed, with their new values (never a password). */
  'user.updated': { changes: Record<string, string | boolean | null> }
  'user.disabled': Record<string, never>
  'user.enabled': Record<string, never>
  'user.password_reset': Record<string, never>
  'user.password_changed': Record<string, never>
  'user.unlocked': Record<string, never>
  /** Subject is the lower-cased login as typed (it may name no account). */
  'user.locked_out': { until: string }
  'session.signed_in': Record<string, never>
  'session.signed_out': { everywhere: boolean; sessions: number }
}
