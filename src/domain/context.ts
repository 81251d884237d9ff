import type { Role } from './enums.js'

/** A caller holding an API token. */
export interface Actor {
  type: 'token'
  id: string
  name: string
  role: Role
  districtCode: string | null
  retailerId: string | null
}

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

/** The token holder behind the request, if any (never a system actor). */
export const tokenActor = (ctx: RequestContext): Actor | null =>
  ctx.actor?.type === 'token' ? ctx.actor : null

/** Id of the token holder, for `created_by`-style columns. */
export const actorIdOf = (ctx: RequestContext): string | null => tokenActor(ctx)?.id ?? null

/** A district token's district: it reaches that district's data only. */
export function districtScopeOf(ctx: RequestContext): string | undefined {
  const actor = tokenActor(ctx)
  return actor?.role === 'district' ? (actor.districtCode ?? '') : undefined
}

/** The actor columns every event row carries. */
export function actorColumns(ctx: RequestContext) {
  const a = ctx.actor
  if (a?.type === 'token') return { actor_id: a.id, actor_name: a.name, actor_role: a.role as string }
  if (a?.type === 'system') return { actor_id: null, actor_name: a.job, actor_role: 'system' }
  return { actor_id: null, actor_name: null, actor_role: 'anonymous' }
}
