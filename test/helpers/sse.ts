import { setTimeout as sleep } from 'node:timers/promises'

export interface SseMessage {
  id: string | undefined
  // biome-ignore lint/suspicious/noExplicitAny: events are inspected field by field
  data: any
}

export interface SseClient {
  status: number
  headers: Headers
  messages: SseMessage[]
  comments: string[]
  /** True once the server has ended the stream. */
  ended: boolean
  /** Waits until `predicate` holds over the messages so far (or fails after `ms`). */
  until(predicate: (m: SseMessage[]) => boolean, ms?: number): Promise<SseMessage[]>
  close(): void
}

/** A minimal EventSource over fetch, so tests can send headers (Authorization, Last-Event-ID). */
export async function openStream(
  url: string,
  opts: { token: string; lastEventId?: string | number | undefined },
): Promise<SseClient> {
  const ac = new AbortController()
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` }
  if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId)
  const res = await fetch(url, { headers, signal: ac.signal })
  const client: SseClient = {
    status: res.status,
    headers: res.headers,
    messages: [],
    comments: [],
    ended: false,
    async until(predicate, ms = 10_000) {
      const deadline = Date.now() + ms
      while (!predicate(client.messages)) {
        if (Date.now() > deadline)
          throw new Error(
            `stream: condition not met in ${ms} ms; got ${JSON.stringify(client.messages.map((m) => [m.id, m.data?.type]))}`,
          )
        await sleep(20)
      }
      return client.messages
    },
    close: () => ac.abort(),
  }
  if (!res.ok || !res.body) return client
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) {
          client.ended = true
          return
        }
        buffer += value
        let cut = buffer.indexOf('\n\n')
        while (cut >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          let id: string | undefined
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim())
            else if (line.startsWith('id:')) id = line.slice(3).trim()
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
          }
          if (data.length > 0) client.messages.push({ id, data: JSON.parse(data.join('\n')) })
          cut = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // aborted
    }
  })()
  return client
}

export const typesOf = (m: SseMessage[]) => m.map((x) => x.data.type as string)
export const idsOf = (m: SseMessage[]) => m.map((x) => Number(x.id))
