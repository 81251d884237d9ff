import pg from 'pg'

export type Unlisten = () => Promise<void>

export interface ListenHandlers {
  notify(payload: string): void
  /** Called after the connection was lost and is back: notifications in between were missed. */
  reconnected(): void
}

/**
 * LISTEN on a dedicated connection outside the pool (a pooled connection would be handed to queries and
 * lose the subscription). A lost connection (database restart, network) is retried with a capped backoff;
 * `reconnected` tells the caller to catch up from the table.
 */
export function listenPostgres(
  url: string,
  channel: string,
  on: ListenHandlers,
  onError: (err: Error) => void = () => {},
): Promise<Unlisten> {
  let client: pg.Client | null = null
  let stopped = false
  let retry: NodeJS.Timeout | null = null
  let delay = 100

  const connect = async (first: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
    // Listening from before connect to the end: an 'error' without a listener would end the process.
    const lost = (err?: Error) => {
      if (err) onError(err)
      if (client !== c) return
      client = null
      c.removeAllListeners('notification')
      void c.end().catch(() => {})
      schedule()
    }
    c.on('error', lost)
    c.on('end', () => lost())
    c.on('notification', (n) => {
      if (n.channel === channel) on.notify(n.payload ?? '')
    })
    try {
      await c.connect()
      await c.query(`listen ${pg.escapeIdentifier(channel)}`)
    } catch (err) {
      void c.end().catch(() => {})
      if (first) throw err
      schedule()
      return
    }
    if (stopped) {
      await c.end().catch(() => {})
      return
    }
    client = c
    delay = 100
    if (!first) on.reconnected()
  }

  const schedule = () => {
    if (stopped || retry) return
    retry = setTimeout(() => {
      retry = null
      void connect(false)
    }, delay)
    retry.unref()
    delay = Math.min(delay * 2, 5000)
  }

  return connect(true).then(() => async () => {
    stopped = true
    if (retry) clearTimeout(retry)
    const c = client
    client = null
    await c?.end().catch(() => {})
  })
}
