import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import type { AppDeps } from '../src/deps.js'
import { runWebhookDelivery } from '../src/webhooks/webhook-delivery.job.js'
import { createWebhook, generateSecret } from '../src/webhooks/webhooks.service.js'
import { processCpuMs } from './lib/cpu.js'
import { openSse } from './lib/sse.js'
import { type Summary, summarise } from './lib/stats.js'

export interface LiveResult {
  subscribers: number
  events: number
  notify: Summary
  sseOne: Summary
  sseMany: Summary
  received: number
  expected: number
  /** Server and bench-process CPU per event with 1,000 streams (ms), from /proc and process.cpuUsage. */
  serverCpuMsPerEvent: number | undefined
  clientCpuMsPerEvent: number
  webhookEvents: number
  rawPost: { perSecond: number }
  delivery: { perSecond: number; delivered: number }
  deliveryFour: { perSecond: number; delivered: number }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Opens `n` SSE streams and records, per `seq` in the payload, when each stream received it. */
async function openStreams(url: string, token: string, n: number, seen: Map<number, number[]>) {
  const closers: (() => void)[] = []
  const opened: Promise<void>[] = []
  for (let i = 0; i < n; i++) {
    opened.push(
      openSse(`${url}/api/v1/stream?types=bench.sse`, token, (data, at) => {
        const seq = JSON.parse(data).payload.seq as number
        seen.get(seq)?.push(at)
      }).then((close) => {
        closers.push(close)
      }),
    )
    // Connect in small groups: 1,000 simultaneous handshakes on two cores only measure the handshakes.
    if (i % 50 === 49) await Promise.all(opened.slice(-50))
  }
  await Promise.all(opened)
  return () => {
    for (const close of closers) close()
  }
}

async function writeEvents(client: pg.Client, from: number, count: number, gapMs: number) {
  const committed = new Map<number, number>()
  for (let seq = from; seq < from + count; seq++) {
    await client.query(
      `insert into events (type, payload, created_at) values ('bench.sse', jsonb_build_object('seq', $1::int), now())`,
      [seq],
    )
    committed.set(seq, performance.now())
    await sleep(gapMs)
  }
  return committed
}

async function fanOut(
  url: string,
  token: string,
  client: pg.Client,
  n: number,
  from: number,
  count: number,
  serverPid: number | undefined,
) {
  const seen = new Map<number, number[]>()
  for (let s = from; s < from + count; s++) seen.set(s, [])
  const close = await openStreams(url, token, n, seen)
  await sleep(500)
  const cpu0 = serverPid === undefined ? undefined : processCpuMs(serverPid)
  const self0 = process.cpuUsage()
  const committed = await writeEvents(client, from, count, 100)
  // Wait for stragglers (up to 30 s): late is measured, only what never comes counts as lost.
  const total = () => [...seen.values()].reduce((s, t) => s + t.length, 0)
  for (let waited = 0; total() < n * count && waited < 30_000; waited += 100) await sleep(100)
  const cpu1 = serverPid === undefined ? undefined : processCpuMs(serverPid)
  const self = process.cpuUsage(self0)
  close()
  const latencies: number[] = []
  let received = 0
  for (const [seq, times] of seen) {
    received += times.length
    const c = committed.get(seq) ?? Number.NaN
    for (const t of times) latencies.push(t - c)
  }
  return {
    summary: summarise(latencies),
    received,
    expected: n * count,
    // CPU per event while the events were written and read: steadier than latency on a shared machine.
    serverCpuMsPerEvent: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / count,
    clientCpuMsPerEvent: (self.user + self.system) / 1000 / count,
  }
}

async function startReceiver() {
  let count = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      count++
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => count,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}

export async function benchLive(opts: {
  deps: AppDeps
  serverUrl: string
  /** The app server's process, for its CPU time. */
  serverPid?: number
  adminToken: string
  databaseUrl: string
  subscribers: number
  events: number
  webhookEvents: number
  log: (line: string) => void
}): Promise<LiveResult> {
  const { deps, log } = opts
  const writer = new pg.Client({ connectionString: opts.databaseUrl })
  const listener = new pg.Client({ connectionString: opts.databaseUrl })
  await writer.connect()
  await listener.connect()
  try {
    // Baseline: commit → NOTIFY received by a plain LISTEN client (what the event bus itself waits on).
    const notified: number[] = []
    await listener.query('listen rs_events')
    listener.on('notification', () => notified.push(performance.now()))
    const base = await writeEvents(writer, 0, opts.events, 100)
    await sleep(500)
    const commits = [...base.values()]
    const notify = summarise(notified.map((t, i) => t - (commits[i] ?? Number.NaN)))
    await listener.query('unlisten rs_events')

    log(`   SSE, 1 subscriber`)
    const one = await fanOut(opts.serverUrl, opts.adminToken, writer, 1, 1000, opts.events, opts.serverPid)
    log(`   SSE, ${opts.subscribers} subscribers`)
    const many = await fanOut(
      opts.serverUrl,
      opts.adminToken,
      writer,
      opts.subscribers,
      2000,
      opts.events,
      opts.serverPid,
    )

    log('   webhook delivery')
    const rx = await startReceiver()
    try {
      const body = JSON.stringify({
        type: 'bench.webhook',
        timestamp: new Date().toISOString(),
        data: { seq: 1 },
      })
      const secret = generateSecret()
      const t0 = performance.now()
      for (let i = 0; i < opts.webhookEvents; i++) {
        const now = new Date()
        await fetch(rx.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': `msg_${i}`,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': new Webhook(secret).sign(`msg_${i}`, now, body),
          },
          body,
        }).then((r) => r.body?.cancel())
      }
      const rawPost = { perSecond: opts.webhookEvents / ((performance.now() - t0) / 1000) }

      const ctx = { actor: null, requestId: 'bench' }
      const deliverAll = async (hooks: number) => {
        const created = []
        for (let h = 0; h < hooks; h++)
          created.push(
            await createWebhook(
              deps.db,
              deps.clock,
              deps.districts,
              ctx,
              { url: rx.url, events: ['bench.webhook'] },
              { allowPrivate: true },
            ),
          )
        await writer.query(
          `insert into events (type, payload, created_at)
           select 'bench.webhook', jsonb_build_object('seq', g), now() from generate_series(1, $1::int) g`,
          [opts.webhookEvents],
        )
        const start = performance.now()
        let delivered = 0
        for (;;) {
          const run = await runWebhookDelivery(deps)
          delivered += run.delivered
          if (run.delivered + run.failed + run.dead === 0) break
        }
        const perSecond = delivered / ((performance.now() - start) / 1000)
        await deps.db
          .updateTable('webhooks')
          .set({ deleted_at: new Date() })
          .where(
            'id',
            'in',
            created.map((c) => c.id),
          )
          .execute()
        return { perSecond, delivered }
      }
      const delivery = await deliverAll(1)
      const deliveryFour = await deliverAll(4)
      return {
        subscribers: opts.subscribers,
        events: opts.events,
        notify,
        sseOne: one.summary,
        sseMany: many.summary,
        received: many.received,
        expected: many.expected,
        serverCpuMsPerEvent: many.serverCpuMsPerEvent,
        clientCpuMsPerEvent: many.clientCpuMsPerEvent,
        webhookEvents: opts.webhookEvents,
        rawPost,
        delivery,
        deliveryFour,
      }
    } finally {
      await rx.close()
    }
  } finally {
    await writer.end()
    await listener.end()
  }
}
