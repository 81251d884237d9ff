import type { CronJob } from '../jobs/job-registry.js'
import { refreshBoards } from './board-refresh.js'

/** Every board on a schedule (once per slot across instances): picks up what no event announces. */
export const boardRefreshJob: CronJob = {
  name: 'board-refresh',
  kind: 'cron',
  cron: '*/5 * * * *',
  cronFrom: (config) => config.BOARD_REFRESH_CRON,
  description: 'Recompute retailer boards whose inputs changed (others keep their version)',
  run: (deps) => refreshBoards(deps, { all: true }),
}
