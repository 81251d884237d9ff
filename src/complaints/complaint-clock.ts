import { workingCalendar } from '../calendar/working-days.js'

export { workingCalendar }

/** When a clock's rung falls: the end of the working day `days + at` after `origin` (never before it). */
export function rungAt(origin: Date, days: number, at: number): Date {
  return workingCalendar().deadline(origin, Math.max(0, days + at))
}
