/**
 * Where a subscription sends, for its events: the origin (scheme, host, port) only. A receiver's path and
 * query often carry its own secret (a chat bot's key), and credentials are refused on the way in but never
 * belong in an event either; the full URL stays behind the webhooks API.
 */
export const urlOrigin = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return ''
  }
}

/** Events this module writes (part of the typed `EventType` union in `events/event-types.ts`). */
export interface WebhooksEventPayloads {
  'webhook.created': { origin: string; events: string[]; districts: string[] | null; notify: string[] | null }
  'webhook.deleted': { origin: string }
  'webhook.redelivered': { delivery: number; event: number }
}
