/** Event types of the retailer register and of board confirmation (企业自律), and their payloads. */
export interface RetailersEventPayloads {
  'retailer.registered': { retailerId: string; name: string; district: string; linkedSamples: number }
  'retailer.updated': { retailerId: string; changes: string[]; linkedSamples: number }
  'board.confirmed': { retailerId: string; version: number }
}
