import { createTask } from 'node-cron'

const MINUTE = 60_000
/** Far enough for any daily or weekly schedule; a yearly one is not something this service runs. */
const HORIZON = 8 * 24 * 60

/** Matches minute-resolution cron expressions in a zone, without scheduling anything. */
function matcher(cron: string, timeZone: string): (d: Date) => boolean {
  const task = createTask(cron, () => {}, { timezone: timeZone })
  return (d) => task.match(d)
}

const floorMinute = (d: Date) => new Date(Math.floor(d.getTime() / MINUTE) * MINUTE)

/** The latest slot at or before `now`, or null if none in the last eight days. */
export function previousSlot(cron: string, timeZone: string, now: Date): Date | null {
  const match = matcher(cron, timeZone)
  let t = floorMinute(now)
  for (let i = 0; i < HORIZON; i++, t = new Date(t.getTime() - MINUTE)) if (match(t)) return t
  return null
}

/** The first slot strictly after `now`, or null if none in the next eight days. */
export function nextSlot(cron: string, timeZone: string, now: Date): Date | null {
  const match = matcher(cron, timeZone)
  let t = new Date(floorMinute(now).getTime() + MINUTE)
  for (let i = 0; i < HORIZON; i++, t = new Date(t.getTime() + MINUTE)) if (match(t)) return t
  return null
}

export { floorMinute }
