/** Events the alert writer appends, in the transaction that issues the CAP message. */
export interface AlertsEventPayloads {
  'alert.issued': AlertEventPayload
  'alert.updated': AlertEventPayload
  'alert.cancelled': AlertEventPayload
}

export interface AlertEventPayload {
  alertId: string
  versionId: string
  identifier: string
  msgType: 'Alert' | 'Update' | 'Cancel'
  status: 'active' | 'closed' | 'cancelled'
  exercise: boolean
}
