/** Events this module writes (part of the typed `EventType` union in `events/event-types.ts`). */
export interface WebhooksEventPayloads {
  'webhook.created': { url: string; events: string[]; districts: string[] | null; notify: string[] | null }
  'webhook.deleted': { url: string }
  'webhook.redelivered': { delivery: number; event: number }
}
