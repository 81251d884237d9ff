import type { LoopJob } from '../jobs/job-registry.js'
import { sweepEscalations } from './escalation.service.js'

/** Polls every ESCALATION_POLL_MS (1 s by default) so a rung fires within seconds of falling due. */
export const escalationSweepJob: LoopJob = {
  name: 'escalation-sweep',
  kind: 'loop',
  everyMs: (config) => config.ESCALATION_POLL_MS,
  description: 'Fire escalation rungs that have fallen due (task.escalated), once across instances',
  run: async (deps) => {
    const r = await sweepEscalations(deps)
    return { worked: r.claimed > 0, result: r }
  },
}
