import { createHash } from 'node:crypto'
import type { IncidentProduct } from '../db/types.js'
import type { RequestContext } from '../domain/context.js'
import type { Level } from '../domain/enums.js'

export interface ActivateInput {
  playbook: string
  level: Level
  title: string
  hazard?: string | undefined
  products?: IncidentProduct[] | undefined
  districts: 'all' | string[]
  exercise?: boolean | undefined
  note?: string | undefined
}

/**
 * The request as it will be carried out, defaults applied, so that equal requests hash equal however they
 * were spelled (`exercise: false` and no `exercise`; districts in any order or repeated).
 */
export function activationHash(input: ActivateInput): string {
  const canonical = {
    playbook: input.playbook,
    level: input.level,
    title: input.title,
    hazard: input.hazard ?? null,
    products: (input.products ?? []).map((p) => ({
      name: p.name,
      brand: p.brand ?? null,
      batch: p.batch ?? null,
      maker: p.maker ?? null,
    })),
    districts: input.districts === 'all' ? 'all' : [...new Set(input.districts)].sort(),
    exercise: input.exercise ?? false,
    note: input.note ?? null,
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}

/**
 * Idempotency keys belong to whoever sent them (as payment APIs scope keys to the account): another token
 * holder using the same key gets its own result, never this one's incident.
 */
export function keyScope(ctx: RequestContext): string {
  const owner =
    ctx.actor?.type === 'token'
      ? ctx.actor.id
      : ctx.actor?.type === 'system'
        ? `system:${ctx.actor.job}`
        : 'anonymous'
  return `incident.activate:${owner}`
}
