import { WorkingCalendar } from '../calendar/working-days.js'

let shared: WorkingCalendar | undefined

/** The working-day calendar (reference data read once, like the district list). */
export function workingCalendar(): WorkingCalendar {
  shared ??= WorkingCalendar.load()
  return shared
}

/** When a clock's rung falls: the end of the working day `days + at` after `origin` (never before it). */
export function rungAt(origin: Date, days: number, at: number): Date {
  return workingCalendar().deadline(origin, Math.max(0, days + at))
}
