import type { Role } from './enums.js'
import { AppError } from './errors.js'

/**
 * Who may perform each verb: the one role rule, used by the API route (`securedRoute(ACCESS.x, …)`, hence the
 * OpenAPI `x-access`), the console form (`requireRoles(ACCESS.x)` and what a page offers), the CLI, and the
 * access-matrix test. Scope (own district, own retailer, not the drafter) is the verb's own check on top.
 */
const COMMAND = ['admin', 'commander'] as const
const FIELD = ['admin', 'commander', 'district'] as const
const SAMPLING = ['sampler', 'reviewer', 'approver', 'admin'] as const
const DRAFTERS = ['sampler', 'admin'] as const
const ADMIN = ['admin'] as const

export const ACCESS = {
  activateIncident: COMMAND,
  changeIncidentLevel: COMMAND,
  closeIncident: COMMAND,
  readIncidents: FIELD,
  readIncidentEvents: COMMAND,
  moveTask: FIELD,
  reassignTask: COMMAND,
  cancelTask: COMMAND,
  readTasks: FIELD,
  readPlaybooks: FIELD,
  recordSample: ['sampler'],
  importSamples: ['sampler'],
  readSamples: SAMPLING,
  draftAnnouncement: DRAFTERS,
  /** Open a correction or a retraction of a published announcement. */
  reviseAnnouncement: DRAFTERS,
  reviewAnnouncement: ['reviewer', 'admin'],
  approveAnnouncement: ['approver', 'admin'],
  publishAnnouncement: ['approver', 'admin'],
  readAnnouncements: SAMPLING,
  manageRetailers: ADMIN,
  readRetailers: FIELD,
  confirmBoard: ['retailer'],
  readBoardStatus: FIELD,
  readContacts: COMMAND,
  manageContacts: ADMIN,
  manageUsers: ADMIN,
  manageTokens: ADMIN,
  manageWebhooks: ADMIN,
  readJobs: ADMIN,
  manageBusinesses: ADMIN,
  readBusinesses: ['admin', 'commander', 'district', 'sampler', 'reviewer', 'approver'],
  recordDisposal: FIELD,
  correctReport: FIELD,
  readStream: ['admin', 'commander', 'district', 'sampler', 'reviewer', 'approver', 'retailer'],
  reportTask: FIELD,
  /** Edit a draft, and send it for review (the drafter's scope is the verb's). */
  editAnnouncementDraft: DRAFTERS,
  submitAnnouncement: DRAFTERS,
  /** The console's admin section (its overview page and navigation entry). */
  administer: ADMIN,
  // 12315 complaints and signals
  recordComplaint: FIELD,
  readComplaints: FIELD,
  takeComplaint: ['district'],
  assignComplaint: COMMAND,
  transferComplaint: FIELD,
  decideComplaint: FIELD,
  closeComplaint: FIELD,
  readComplaintFigures: FIELD,
  readSignals: COMMAND,
  activateSignal: COMMAND,
  dismissSignal: COMMAND,
  requestSignalSampling: COMMAND,
  // rectification (issue 18): districts record, the command centre reads and decides too
  readRectifications: FIELD,
  recordRectification: FIELD,
  closeRectification: FIELD,
  // 双随机、一公开 inspection plans (issue 18)
  manageInspectionPlans: COMMAND,
  readInspectionPlans: FIELD,
  recordInspection: FIELD,
  /** The district scorecard (command centre). */
  readScorecard: COMMAND,
  // 每月自查: each district files its own; the command centre reads them all
  readSelfChecks: FIELD,
  fileSelfCheck: ['district'],
  // 每季抽查: the command centre draws districts; the districts see the draw
  drawSpotCheck: COMMAND,
  readSpotChecks: FIELD,
} as const satisfies Record<string, readonly Role[]>

export type Verb = keyof typeof ACCESS

/** Whether a role may perform the verb (what a page offers; the verb itself still checks). */
export const may = (role: Role | null | undefined, verb: Verb): boolean =>
  role != null && (ACCESS[verb] as readonly Role[]).includes(role)

/** Refuses a role that may not perform the verb, naming the roles that may. */
export function assertMay(role: Role, verb: Verb): void {
  if (may(role, verb)) return
  const roles = ACCESS[verb]
  throw new AppError('forbidden', {
    zh: `角色 ${role} 无权执行此操作（需要：${roles.join('、')}）`,
    en: `Role ${role} may not do this (needs one of: ${roles.join(', ')})`,
  })
}
