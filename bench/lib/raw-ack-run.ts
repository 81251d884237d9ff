export interface RawRun {
  ok: number
  missed: number
  latencies: number[]
  elapsedMs: number
  perSecond: number
  /** The queue ran dry before the time was up. */
  exhausted: boolean
}

/** `concurrency` workers run `ack` on tasks from the queue (popping from its end) until the time is up. */
export async function rawAckRun(
  queue: string[],
  concurrency: number,
  durationMs: number,
  ack: (taskId: string) => Promise<boolean>,
): Promise<RawRun> {
  const latencies: number[] = []
  let ok = 0
  let missed = 0
  let exhausted = false
  const started = performance.now()
  const deadline = started + durationMs
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = queue.pop()
      if (!id) {
        exhausted = true
        return
      }
      const t0 = performance.now()
      if (await ack(id)) ok++
      else missed++
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  return { ok, missed, latencies, elapsedMs, perSecond: (ok / elapsedMs) * 1000, exhausted }
}
