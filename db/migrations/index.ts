import type { Migration } from 'kysely'
import * as foundation from './2026-11-28T08-00-00-foundation.js'
import * as incidents from './2026-11-28T09-00-00-incidents.js'
import * as sampling from './2026-11-28T12-00-00-sampling.js'

/** Explicit barrel: the order here is the order of application. */
export const migrations: Record<string, Migration> = {
  '2026-11-28T08-00-00-foundation': foundation,
  '2026-11-28T09-00-00-incidents': incidents,
  '2026-11-28T12-00-00-sampling': sampling,
}
