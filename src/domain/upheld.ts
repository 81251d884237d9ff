/**
 * The complaint outcomes that count as upheld against the business (the credit rules' `upheld_complaints`
 * and the business's public record): a mediation agreed (the consumer was right and got redress) and a
 * report that opened a case. Declined complaints, mediations without agreement, reports without a case and
 * answered enquiries do not count.
 */
export const UPHELD_OUTCOMES = ['agreed', 'case_opened'] as const
export type UpheldOutcome = (typeof UPHELD_OUTCOMES)[number]
export const isUpheld = (outcome: string | null): outcome is UpheldOutcome =>
  (UPHELD_OUTCOMES as readonly string[]).includes(outcome ?? '')
