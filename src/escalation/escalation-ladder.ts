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
