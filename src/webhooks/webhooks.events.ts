/** Events this module writes (issue 6 folds these into the typed EventType union). */
export interface WebhooksEventPayloads {
  'webhook.created': { url: string; events: string[]; districts: string[] | null; notify: string[] | null }
  'webhook.deleted': { url: string }
  'webhook.redelivered': { delivery: number; event: number }
}
