/** Signal events: city-wide (no district), for the command centre; tracking numbers, never personal data. */
export interface SignalEventPayloads {
  'signal.raised': {
    code: string
    rule: string
    ruleHash: string
    title: string
    match: string
    count: number
    complaints: string[]
    suggestedPlaybook: string
    suggestedLevel: string
    exercise: boolean
  }
  'signal.updated': { code: string; tracking: string; count: number }
  'signal.activated': {
    code: string
    incidentId: string
    incidentCode: string
    playbook: string
    level: string
    complaints: string[]
  }
  'signal.dismissed': { code: string; reason: string; snoozedUntil: string | null }
  'signal.sampling_requested': {
    code: string
    incidentId: string
    incidentCode: string
    districts: string[]
    taskCount: number
    complaints: string[]
  }
}
