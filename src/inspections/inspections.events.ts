type Shares = { A: number; B: number; C: number; D: number }

/** 双随机、一公开 events: the plan id as subject (the business for a conflict flag). */
export interface InspectionEventPayloads {
  'inspection.planned': { planId: string; title: string; seed: string; shares: Shares }
  'inspection.drawn': { planId: string; seed: string; drawn: number; byClass: Shares; population: number }
  'inspection.recorded': {
    planId: string
    position: number
    businessId: string
    result: 'pass' | 'issues_found' | 'rectification_opened'
    /** The case a `rectification_opened` result opened. */
    rectificationId?: string | null
  }
  'inspection.conflict_flagged': { userId: string; businessId: string }
}
