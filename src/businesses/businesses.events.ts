/** Event types of the business register (经营主体) and their payloads. */
export interface BusinessesEventPayloads {
  'business.registered': { businessId: string; name: string; district: string; creditCode: string | null }
  'business.merged': { businessId: string; into: string; reason: string; samplesMoved: number }
}
