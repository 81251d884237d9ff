/**
 * The one source of each closed set of values: TypeScript types, zod schemas, the OpenAPI document and the
 * database types all derive from these lists.
 */

export const ROLES = [
  'admin',
  'commander',
  'district',
  'sampler',
  'reviewer',
  'approver',
  'retailer',
] as const
export type Role = (typeof ROLES)[number]

export const TASK_STATUSES = [
  'pending',
  'acknowledged',
  'in_progress',
  'completed',
  'declined',
  'cancelled',
] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/** Tasks a district still owes something on. */
export const OPEN_TASK_STATUSES = ['pending', 'acknowledged', 'in_progress'] as const satisfies TaskStatus[]

export const INCIDENT_STATUSES = ['active', 'closed'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]

/** Response levels, stored as 1–4 and shown as I–IV; I is the most severe. */
export type Level = 1 | 2 | 3 | 4
export const LEVEL_NAMES = ['I', 'II', 'III', 'IV'] as const
export type LevelName = (typeof LEVEL_NAMES)[number]
export const levelFromName = (name: LevelName): Level => (LEVEL_NAMES.indexOf(name) + 1) as Level
export const levelName = (level: Level): LevelName => LEVEL_NAMES[level - 1]!

export const OVERDUE_KINDS = ['unacknowledged', 'past_due'] as const
export type OverdueKind = (typeof OVERDUE_KINDS)[number] | null
