/** Webhooks as pages read them (never the repo directly). */
export { listWebhooks } from './webhooks.repo.js'
