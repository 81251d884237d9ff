import type { Kysely } from 'kysely'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { DB } from '../db/types.js'

/**
 * The Prometheus registry of one app, and the instruments every module updates. One registry per app
 * (never prom-client's global), so two apps in one process (tests) keep their own figures. A module that
 * measures something new adds its instrument here and calls it through `deps.metrics`.
 */
export function createMetrics() {
  const registry = new Registry()
  const on = { registers: [registry] }
  return {
    registry,
    httpRequests: new Counter({
      name: 'redshield_http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      ...on,
    }),
    httpDuration: new Histogram({
      name: 'redshield_http_request_duration_seconds',
      help: 'HTTP request duration by method and route template',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      ...on,
    }),
    webhookDeliveries: new Counter({
      name: 'redshield_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, failed, dead)',
      labelNames: ['outcome'] as const,
      ...on,
    }),
    webhookDuration: new Histogram({
      name: 'redshield_webhook_delivery_duration_seconds',
      help: 'Duration of webhook delivery attempts',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4],
      ...on,
    }),
    streamSubscribers: new Gauge({
      name: 'redshield_stream_subscribers',
      help: 'Open /api/v1/stream connections on this instance',
      ...on,
    }),
    // For the escalation sweep and the scheduler: declared here, updated there.
    escalationsFired: new Counter({
      name: 'redshield_escalations_fired_total',
      help: 'Escalation rungs fired, by clock',
      labelNames: ['clock'] as const,
      ...on,
    }),
    escalationLateness: new Histogram({
      name: 'redshield_escalation_lateness_seconds',
      help: 'How long after falling due a rung fired',
      labelNames: ['clock'] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 7200],
      ...on,
    }),
    jobRuns: new Counter({
      name: 'redshield_job_runs_total',
      help: 'Scheduled job runs by job and outcome',
      labelNames: ['job', 'outcome'] as const,
      ...on,
    }),
    jobDuration: new Histogram({
      name: 'redshield_job_duration_seconds',
      help: 'Scheduled job run duration',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      ...on,
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** Figures read from the database on each scrape (so every instance reports the same truth). */
export function registerDatabaseGauges(metrics: Metrics, db: Kysely<DB>): void {
  const on = { registers: [metrics.registry] }
  new Gauge({
    name: 'redshield_open_tasks',
    help: 'Tasks not yet completed, declined or cancelled, by state',
    labelNames: ['state'] as const,
    ...on,
    async collect() {
      this.reset()
      const rows = await db
        .selectFrom('tasks')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'acknowledged', 'in_progress'])
        .groupBy('status')
        .execute()
      for (const s of ['pending', 'acknowledged', 'in_progress']) this.set({ state: s }, 0)
      for (const r of rows) this.set({ state: r.status }, Number(r.n))
    },
  })
  new Gauge({
    name: 'redshield_webhook_backlog',
    help: 'Webhook deliveries waiting (pending) and given up (dead)',
    labelNames: ['status'] as const,
    ...on,
    async collect() {
      this.reset()
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'dead'])
        .groupBy('status')
        .execute()
      for (const s of ['pending', 'dead']) this.set({ status: s }, 0)
      for (const r of rows) this.set({ status: r.status }, Number(r.n))
    },
  })
}
