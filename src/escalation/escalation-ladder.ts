import type { EscalationClock } from '../db/types.js'
import { parseDuration } from '../playbooks/duration.js'
import type { EscalationTarget, Playbook } from '../playbooks/playbook.schema.js'

/**
 * A clock's ladder as a finite list of positions: each rung once, then the last rung `repeat` more times
 * every `repeat_every`. Position k < rungs is rung k+1 (repeat 0); position k ≥ rungs is the last rung's
 * repeat k − rungs + 1. The list is bounded (≤ rungs + 10), so a clock always ends.
 */
export interface LadderPosition {
  rung: number
  repeat: number
  notify: EscalationTarget
  /** Milliseconds after the clock started. */
  offset: number
}

export function ladderPositions(playbook: Playbook, clock: EscalationClock): LadderPosition[] {
  const rungs = playbook.escalation[clock]
  const last = rungs.at(-1)
  if (!last) return []
  const positions: LadderPosition[] = rungs.map((r, i) => ({
    rung: i + 1,
    repeat: 0,
    notify: r.notify,
    offset: parseDuration(r.after),
  }))
  const every = parseDuration(playbook.escalation.repeatEvery)
  const lastOffset = parseDuration(last.after)
  for (let n = 1; n <= playbook.escalation.repeat; n++)
    positions.push({ rung: rungs.length, repeat: n, notify: last.notify, offset: lastOffset + n * every })
  return positions
}

export interface DueRung extends LadderPosition {
  dueAt: Date
  /** Missed repeats folded into this one (after downtime only). */
  skippedRepeats: number
}

/**
 * Which positions fire now, from cursor `from`: every position whose time has come, except that several
 * missed repeats of the last rung fold into the latest one (paging someone five times in the same second
 * tells them nothing more). Returns the rungs to fire and the next cursor with its time (null: ladder done).
 */
export function dueRungs(
  positions: LadderPosition[],
  from: number,
  clockStartedAt: Date,
  now: Date,
): { fire: DueRung[]; next: number; nextAt: Date | null } {
  const start = clockStartedAt.getTime()
  const fire: DueRung[] = []
  let k = from
  for (; k < positions.length; k++) {
    const p = positions[k]!
    if (start + p.offset > now.getTime()) break
    const prev = fire.at(-1)
    const rung = { ...p, dueAt: new Date(start + p.offset), skippedRepeats: 0 }
    if (prev && prev.repeat > 0 && p.repeat > 0)
      fire[fire.length - 1] = { ...rung, skippedRepeats: prev.skippedRepeats + 1 }
    else fire.push(rung)
  }
  const nextPos = positions[k]
  return { fire, next: k, nextAt: nextPos ? new Date(start + nextPos.offset) : null }
}
