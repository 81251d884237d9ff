/** 每月自查 · 每季抽查 events: the self-check or spot-check id as subject. */
export interface ScorecardEventPayloads {
  'self_check.opened': { selfCheckId: string; month: string; dueAt: string; taskId?: string | null }
  'self_check.filed': { selfCheckId: string; month: string; onTime: boolean; taskId?: string | null }
  'spot_check.drawn': { spotCheckId: string; quarter: string; seed: string; districts: string[] }
}
