import type { Role } from './enums.js'

/** What a caller may do and on whose behalf: the same for an API token and a signed-in person. */
interface Grant {
  id: string
  name: string
  role: Role
  districtCode: string | null
  retailerId: string | null
}

/** A caller holding an API token: `id` and `name` are the token's. */
export interface TokenActor extends Grant {
  type: 'token'
  /** The person (user) the token belongs to; absent or null: the token counts as its own person. */
  personId?: string | null
}

/**
 * A person signed in to the console (a session): `id` is the user's id, `name` the display name, so events
 * and `created_by` columns name the person, never a shared token.
 */
export interface UserActor extends Grant {
  type: 'user'
}

/** Someone acting through the service: role checks and district scoping treat both kinds alike. */
export type Actor = TokenActor | UserActor

/** The service acting on its own (a scheduled job, start-up, the demo seed): attributable by name. */
export interface SystemActor {
  type: 'system'
  job: string
}

/** Who did it, from which request: stamped on every event and every state change. */
export interface RequestContext {
  /** null: an anonymous caller of a public route. */
  actor: Actor | SystemActor | null
  requestId: string
}

/** Context for work the service does by itself; each run gets its own id so its events group together. */
export function systemContext(job: string, requestId: string = crypto.randomUUID()): RequestContext {
  return { actor: { type: 'system', job }, requestId }
}

/** The token holder or person behind the request, if any (never a system actor). */
export const callerOf = (ctx: RequestContext): Actor | null =>
  ctx.actor?.type === 'token' || ctx.actor?.type === 'user' ? ctx.actor : null

/** Id of the token or person, for `created_by`-style columns. */
export const actorIdOf = (ctx: RequestContext): string | null => callerOf(ctx)?.id ?? null

/**
 * The person behind the request: a signed-in user, the user a token belongs to, or a token of no person
 * (which counts as its own). Rules about people (一审一核) compare this, never the credential.
 */
export function personIdOf(ctx: RequestContext): string | null {
  const actor = callerOf(ctx)
  if (!actor) return null
  return actor.type === 'token' ? (actor.personId ?? actor.id) : actor.id
}

/** A district token's or officer's district: it reaches that district's data only. */
export function districtScopeOf(ctx: RequestContext): string | undefined {
  const actor = callerOf(ctx)
  return actor?.role === 'district' ? (actor.districtCode ?? '') : undefined
}

/** The actor columns every event row carries. */
export function actorColumns(ctx: RequestContext) {
  const a = ctx.actor
  if (a?.type === 'token' || a?.type === 'user')
    return { actor_id: a.id, actor_name: a.name, actor_role: a.role as string }
  if (a?.type === 'system') return { actor_id: null, actor_name: a.job, actor_role: 'system' }
  return { actor_id: null, actor_name: null, actor_role: 'anonymous' }
}
