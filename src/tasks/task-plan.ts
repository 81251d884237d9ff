import { addDuration, parseDuration } from '../playbooks/duration.js'
import type { Level, Playbook, Step } from '../playbooks/playbook.schema.js'
import { nextDailyOccurrence } from '../playbooks/recurrence.js'

/** A step applies at an incident level when the level is at least as severe as the step's own (I = 1). */
export function stepApplies(step: Step, level: number): boolean {
  return level <= step.level
}

export function stepsAtLevel(playbook: Playbook, level: number): Step[] {
  return playbook.steps.filter((s) => stepApplies(s, level))
}

/** Steps that a move from one level to another adds (more severe) or no longer requires (less severe). */
export function levelDelta(playbook: Playbook, from: number, to: number): { added: Step[]; dropped: Step[] } {
  const before = new Set(stepsAtLevel(playbook, from).map((s) => s.key))
  const after = new Set(stepsAtLevel(playbook, to).map((s) => s.key))
  return {
    added: playbook.steps.filter((s) => after.has(s.key) && !before.has(s.key)),
    dropped: playbook.steps.filter((s) => before.has(s.key) && !after.has(s.key)),
  }
}

export interface PlannedTask {
  districtCode: string
  stepKey: string
  level: Level
  ackDueAt: Date
  dueAt: Date
}

/**
 * Deadlines for one step assigned at `at`. A one-off step counts from `at`. A recurring step (a daily 17:00
 * report) counts from its next occurrence: acknowledge within `ackWithin` and finish within `dueWithin` of it.
 */
export function stepDeadlines(step: Step, at: Date, timeZone: string): { ackDueAt: Date; dueAt: Date } {
  const from = step.recurrence ? nextDailyOccurrence(at, step.recurrence.dailyAt, timeZone) : at
  return { ackDueAt: addDuration(from, step.ackWithin), dueAt: addDuration(from, step.dueWithin) }
}

/** When the occurrence a recurring task belongs to began: its due time less the step's window. */
export function occurrenceStart(step: Step, dueAt: Date): Date {
  return new Date(dueAt.getTime() - parseDuration(step.dueWithin))
}

export function planTasks(steps: Step[], districts: string[], at: Date, timeZone: string): PlannedTask[] {
  const tasks: PlannedTask[] = []
  for (const step of steps) {
    const deadlines = stepDeadlines(step, at, timeZone)
    for (const districtCode of districts)
      tasks.push({ districtCode, stepKey: step.key, level: step.level, ...deadlines })
  }
  return tasks
}
