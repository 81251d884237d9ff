/** Job runs as pages read them (never the repo directly). */
export { recentRuns } from './job-runs.repo.js'
