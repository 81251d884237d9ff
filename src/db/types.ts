import type { ColumnType, Generated, JSONColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>

import type {
  EscalationClock,
  EscalationTarget,
  IncidentStatus,
  Level,
  Role,
  TaskStatus,
} from '../domain/enums.js'

export type { EscalationClock, IncidentStatus, Role, TaskStatus }

export interface DistrictsTable {
  code: string
  name_zh: string
  name_en: string
  kind: string
  since: number | null
  updated_at: DefaultNow
}

export interface RetailersTable {
  id: string
  name_zh: string
  name_en: string | null
  district_code: string
  address: string | null
  categories: ColumnType<string[], string[] | undefined, string[]>
  created_at: DefaultNow
  // retailer boards
  name_norm: ColumnType<string, string | undefined, string>
  address_norm: ColumnType<string, string | undefined, string>
  contact_name: ColumnType<string | null, string | null | undefined, string | null>
  contact_phone: ColumnType<string | null, string | null | undefined, string | null>
  created_by: ColumnType<string | null, string | null | undefined, string | null>
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  updated_by: ColumnType<string | null, string | null | undefined, string | null>
  business_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ApiTokensTable {
  id: string
  name: string
  role: Role
  district_code: string | null
  retailer_id: string | null
  token_hash: string
  token_prefix: string
  created_at: Timestamp
  created_by: string | null
  revoked_at: Timestamp | null
  revoked_by: string | null
  /** The person the token belongs to; null: the token is its own person (legacy, CLI bootstrap). */
  user_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface EventsTable {
  id: Generated<number>
  type: string
  incident_id: string | null
  task_id: string | null
  district_code: string | null
  subject: string | null
  actor_id: string | null
  actor_name: string | null
  actor_role: string | null
  request_id: string | null
  payload: JSONColumnType<Record<string, unknown>, string, string>
  created_at: Timestamp
  /** Writing transaction (xid8, as text): the event bus reads in (txid, id) order. */
  txid: Generated<string>
}

export interface AppStateTable {
  key: string
  value: JSONColumnType<object, string, string>
  updated_at: DefaultNow
}

export interface PlaybookVersionsTable {
  hash: string
  playbook_id: string
  definition: JSONColumnType<object, string, string>
  source: string
  loaded_at: Timestamp
}

export interface PlaybooksTable {
  id: string
  current_hash: string
  path: string
  updated_at: Timestamp
}

export interface IncidentCountersTable {
  year: number
  last_number: number
}

export interface IncidentProduct {
  name: string
  brand?: string | undefined
  batch?: string | undefined
  maker?: string | undefined
}

export interface IncidentsTable {
  id: string
  code: string
  playbook_id: string
  playbook_hash: string
  title: string
  hazard: string | null
  products: JSONColumnType<IncidentProduct[], string, string>
  level: Level
  all_districts: boolean
  districts: ColumnType<string[], string[], string[]>
  status: IncidentStatus
  exercise: ColumnType<boolean, boolean | undefined, boolean>
  note: string | null
  summary: string | null
  created_at: Timestamp
  created_by: string | null
  closed_at: Timestamp | null
  closed_by: string | null
}

export interface IdempotencyKeysTable {
  scope: string
  key: string
  request_hash: string
  resource_id: string
  created_at: Timestamp
}

export interface TasksTable {
  id: string
  incident_id: string
  district_code: string
  step_key: string
  occurrence: ColumnType<number, number | undefined, number>
  level: Level
  status: TaskStatus
  ack_due_at: Timestamp
  due_at: Timestamp
  acknowledged_at: Timestamp | null
  owner_id: string | null
  owner_name: string | null
  started_at: Timestamp | null
  completed_at: Timestamp | null
  declined_at: Timestamp | null
  decline_reason: string | null
  cancelled_at: Timestamp | null
  cancel_reason: string | null
  last_report_at: Timestamp | null
  next_escalation_at: Timestamp | null
  escalation_count: ColumnType<number, number | undefined, number>
  // escalation
  escalation_clock: ColumnType<
    EscalationClock | null,
    EscalationClock | null | undefined,
    EscalationClock | null
  >
  clock_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  escalation_position: ColumnType<number, number | undefined, number>
  last_escalated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  last_escalation_rung: ColumnType<number | null, number | null | undefined, number | null>
  last_escalation_notify: ColumnType<
    EscalationTarget | null,
    EscalationTarget | null | undefined,
    EscalationTarget | null
  >
  reassigned_from: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface TaskReportsTable {
  id: string
  task_id: string
  incident_id: string
  district_code: string
  figures: JSONColumnType<Record<string, unknown>, string, string>
  note: string | null
  created_at: Timestamp
  created_by: string | null
  request_id: string | null
  // per-sample records and corrections
  sample_id: ColumnType<string | null, string | null | undefined, string | null>
  corrects: ColumnType<string | null, string | null | undefined, string | null>
  reason: ColumnType<string | null, string | null | undefined, string | null>
  created_by_name: ColumnType<string | null, string | null | undefined, string | null>
}

// ---- users and sessions ----
export interface UsersTable {
  id: string
  login: string
  login_key: string
  display_name: string
  role: Role
  district_code: string | null
  retailer_id: string | null
  phone: string | null
  password_hash: string
  must_change_password: boolean
  password_changed_at: Timestamp
  disabled_at: Timestamp | null
  disabled_by: string | null
  created_at: Timestamp
  created_by: string | null
  updated_at: Timestamp
  updated_by: string | null
}

export interface SessionsTable {
  id_hash: string
  user_id: string
  csrf_token: string
  created_at: Timestamp
  last_seen_at: Timestamp
  user_agent: string | null
}

export interface LoginFailuresTable {
  login_key: string
  failed_at: Timestamp
}

export interface LoginLocksTable {
  login_key: string
  locked_until: Timestamp
}

export interface DB {
  districts: DistrictsTable
  retailers: RetailersTable
  api_tokens: ApiTokensTable
  events: EventsTable
  app_state: AppStateTable
  playbook_versions: PlaybookVersionsTable
  playbooks: PlaybooksTable
  incident_counters: IncidentCountersTable
  incidents: IncidentsTable
  idempotency_keys: IdempotencyKeysTable
  tasks: TasksTable
  task_reports: TaskReportsTable
  // escalation, contacts and jobs
  district_contacts: DistrictContactsTable
  city_contacts: CityContactsTable
  job_runs: JobRunsTable
  // users and sessions
  users: UsersTable
  sessions: SessionsTable
  login_failures: LoginFailuresTable
  login_locks: LoginLocksTable
  // stream and webhooks
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_fanout: WebhookFanoutTable
  // alerts
  alerts: AlertsTable
  alert_versions: AlertVersionsTable
  // samples and announcements
  samples: SamplesTable
  sample_items: SampleItemsTable
  sample_imports: SampleImportsTable
  announcements: AnnouncementsTable
  announcement_samples: AnnouncementSamplesTable
  disposal_task_samples: DisposalTaskSamplesTable
  // retailer boards
  retailer_samples: RetailerSamplesTable
  boards: BoardsTable
  board_versions: BoardVersionsTable
  businesses: BusinessesTable
  business_samples: BusinessSamplesTable
  rule_versions: RuleVersionsTable
  rule_current: RuleCurrentTable
  business_credit: BusinessCreditTable
  business_credit_history: BusinessCreditHistoryTable
  // 12315 complaints and signals
  complaint_years: ComplaintYearsTable
  complaints: ComplaintsTable
  complaint_keys: ComplaintKeysTable
  signals: SignalsTable
  signal_complaints: SignalComplaintsTable
  signal_sampling_requests: SignalSamplingRequestsTable
  // rectification (issue 18: src/rectifications)
  rectifications: RectificationsTable
  rectification_evidence: RectificationEvidenceTable
  // 双随机、一公开 (issue 18: src/inspections)
  inspection_plans: InspectionPlansTable
  inspections: InspectionsTable
  officer_conflicts: OfficerConflictsTable
  // 每月自查 · 每季抽查 (src/scorecard)
  self_checks: SelfChecksTable
  spot_checks: SpotChecksTable
}

/** Every version of a rules file ever loaded (`kind`: `credit`, …), so a decision can name its version. */
export interface RuleVersionsTable {
  kind: string
  hash: string
  source: string
  loaded_at: DefaultNow
}

export interface RuleCurrentTable {
  kind: string
  hash: string
  since: Timestamp
}

/** A business's credit-risk class now, with the lines (zh/en) that explain it. */
export interface BusinessCreditTable {
  business_id: string
  class: 'A' | 'B' | 'C' | 'D'
  score: number
  lines: ColumnType<{ zh: string; en: string }[], string, string>
  rules_hash: string
  computed_at: Timestamp
}

export interface BusinessCreditHistoryTable {
  id: Generated<number>
  business_id: string
  class: 'A' | 'B' | 'C' | 'D'
  previous_class: 'A' | 'B' | 'C' | 'D' | null
  score: number
  rules_hash: string
  reason: string
  at: Timestamp
}

/** Which business sold (sampled unit) and which made (named producer) a sample. */
export interface BusinessSamplesTable {
  sample_id: string
  role: 'seller' | 'producer'
  business_id: string
}

/** The register of businesses (经营主体): retailers, sampled units and named producers. */
export interface BusinessesTable {
  id: string
  name: string
  name_norm: string
  address: string | null
  address_norm: ColumnType<string, string | undefined, string>
  district_code: string | null
  kinds: ColumnType<string[], string[] | undefined, string[]>
  credit_code: string | null
  merged_into: ColumnType<string | null, string | null | undefined, string | null>
  created_at: DefaultNow
  created_by: ColumnType<string | null, string | null | undefined, string | null>
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  updated_by: ColumnType<string | null, string | null | undefined, string | null>
}

export interface DistrictContactsTable {
  district_code: string
  duty_officer_name: string | null
  duty_officer_phone: string | null
  head_name: string | null
  head_phone: string | null
  updated_at: Timestamp
  updated_by: string | null
}

export interface CityContactsTable {
  target: 'command_centre' | 'city_leadership'
  name: string
  phone: string
  updated_at: Timestamp
  updated_by: string | null
}

export interface JobRunsTable {
  job: string
  slot: Timestamp
  instance: string
  catch_up: ColumnType<boolean, boolean | undefined, boolean>
  started_at: Timestamp
  finished_at: Timestamp | null
  outcome: 'running' | 'ok' | 'failed'
  result: ColumnType<unknown, string | null | undefined, string | null>
  error: string | null
}

export interface WebhooksTable {
  id: string
  url: string
  events: string[]
  districts: string[] | null
  notify: string[] | null
  secret: string
  created_at: Timestamp
  created_by: string | null
  deleted_at: Timestamp | null
  /** The creating transaction: the subscription receives events from it on (set by the database). */
  from_txid: Generated<string>
}

/** The webhook outbox's cursor over committed events (one row). */
export interface WebhookFanoutTable {
  id: number
  txid: string
  event_id: number
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

export interface WebhookDeliveriesTable {
  id: Generated<number>
  webhook_id: string
  event_id: number
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>
  attempts: ColumnType<number, number | undefined, number>
  window_start: Timestamp
  next_attempt_at: Timestamp
  lease_until: Timestamp | null
  last_attempt_at: Timestamp | null
  last_status: number | null
  last_error: string | null
  delivered_at: Timestamp | null
  created_at: Timestamp
}

// alerts
export type AlertStatus = 'active' | 'closed' | 'cancelled'
export type CapMsgType = 'Alert' | 'Update' | 'Cancel'

export interface AlertsTable {
  id: string
  source: 'incident' | 'announcement'
  incident_id: string | null
  announcement_id: string | null
  sample_id: string | null
  status: AlertStatus
  exercise: ColumnType<boolean, boolean | undefined, boolean>
  level: Level
  product_category: string | null
  districts: ColumnType<string[], string[], string[]>
  content: JSONColumnType<import('../alerts/alert-content.js').AlertContent, string, string>
  version: number
  current_version_id: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AlertVersionsTable {
  id: string
  alert_id: string
  version: number
  identifier: string
  msg_type: CapMsgType
  cap_status: 'Actual' | 'Exercise'
  references: ColumnType<string[], string[], string[]>
  sent: Timestamp
  content: JSONColumnType<import('../alerts/alert-content.js').AlertContent, string, string>
}

// samples and announcements
export type Verdict = 'pass' | 'fail'
type DateColumn = ColumnType<string, string, string>

export interface SamplesTable {
  id: string
  no: string
  seq: number | null
  unit_name: string
  unit_name_norm: string
  unit_address: string
  district_code: string
  food_name: string
  spec: string | null
  brand: string | null
  batch: string | null
  production_date: DateColumn | null
  purchase_date: ColumnType<boolean, boolean | undefined, boolean>
  producer_name: string | null
  producer_address: string | null
  category: string
  task_source: string | null
  lab: string | null
  sampled_on: DateColumn | null
  tested_on: DateColumn | null
  remarks: string | null
  verdict: Verdict
  public: ColumnType<boolean, boolean | undefined, boolean>
  import_id: string | null
  created_at: Timestamp
  created_by: string | null
}

export interface SampleItemsTable {
  sample_id: string
  position: number
  name: string
  result: string
  limit_value: string | null
  unit: string | null
  verdict: Verdict
}

export interface SampleImportsTable {
  id: string
  content_hash: string
  file_name: string | null
  samples: number
  rows: number
  created_at: Timestamp
  created_by: string | null
}

export type AnnouncementStatus = 'draft' | 'in_review' | 'reviewed' | 'approved' | 'published'
export type AnnouncementKind = 'original' | 'correction' | 'retraction'

export interface AnnouncementsTable {
  id: string
  number: string
  title: string
  period: string
  kind: AnnouncementKind
  refers_to: string | null
  reason: string | null
  status: AnnouncementStatus
  superseded: 'corrected' | 'retracted' | null
  superseded_by: string | null
  exercise: ColumnType<boolean, boolean | undefined, boolean>
  drafted_by: string
  drafted_by_name: string
  /** Everyone who wrote the draft (drafter, editors), as persons: none may review or approve it. */
  authors: ColumnType<string[], string[] | undefined, string[]>
  reviewed_by: string | null
  reviewed_by_name: string | null
  reviewed_at: Timestamp | null
  review_comment: string | null
  approved_by: string | null
  approved_by_name: string | null
  approved_at: Timestamp | null
  approve_comment: string | null
  return_comment: string | null
  publish_at: Timestamp | null
  published_at: Timestamp | null
  published_by: string | null
  incident_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AnnouncementSamplesTable {
  announcement_id: string
  sample_id: string
  position: number
  /** Whether this announcement holds the sample (at most one row per sample does; see the migration). */
  standing: Generated<boolean>
}

export interface DisposalTaskSamplesTable {
  task_id: string
  sample_id: string
  announcement_id: string
}

// retailer boards
export interface RetailerSamplesTable {
  sample_id: string
  retailer_id: string
  linked_at: Timestamp
}

export interface BoardsTable {
  retailer_id: string
  version: number
  input_hash: string
  refreshed_at: Timestamp
  changed_at: Timestamp
  content: JSONColumnType<object, string, string>
  failing_ids: string[]
  confirmed_version: number | null
  confirmed_at: Timestamp | null
  unconfirmed_since: Timestamp | null
  unconfirmed_version: number | null
}

export interface BoardVersionsTable {
  retailer_id: string
  version: number
  input_hash: string
  content: JSONColumnType<object, string, string>
  added_failing: number
  created_at: Timestamp
}

// 12315 complaints and signals
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

/** A year's tracking numbers are `nextval('complaint_number_seq') - base`. */
export interface ComplaintYearsTable {
  year: number
  base: number
}

export interface ComplaintsTable {
  id: string
  tracking: string
  code_hashes: ColumnType<string[], string[], string[]>
  kind: 'complaint' | 'report' | 'enquiry'
  channel: 'web' | 'phone' | 'letter' | 'visit'
  status: 'open' | 'accepted' | 'declined' | 'closed'
  received_at: Timestamp
  district_code: Nullable<string>
  owner_id: Nullable<string>
  owner_name: Nullable<string>
  taken_at: NullableTime
  product_name: Nullable<string>
  product_brand: Nullable<string>
  product_batch: Nullable<string>
  product_spec: Nullable<string>
  business_name: Nullable<string>
  business_address: Nullable<string>
  /** `date`: read as text (`purchased_on::text`) to stay a calendar date. */
  purchased_on: Nullable<string>
  /** numeric(12,2): read as text (`amount::text`) to stay exact. */
  amount: Nullable<string>
  description: string
  contact_name: Nullable<string>
  contact_phone: Nullable<string>
  anonymous: boolean
  decide_due_at: Timestamp
  decided_at: NullableTime
  decision: Nullable<'accept' | 'decline'>
  decline_reasons: Nullable<string[]>
  close_due_at: NullableTime
  closed_at: NullableTime
  outcome: Nullable<string>
  recovered: Nullable<string>
  close_note: Nullable<string>
  rules_hash: string
  exercise: ColumnType<boolean, boolean | undefined, boolean>
  submission_hash: Nullable<string>
  incident_id: Nullable<string>
  alarm_clock: Nullable<string>
  alarm_rung: ColumnType<number, number | undefined, number>
  next_alarm_at: NullableTime
  personal_cleared_at: NullableTime
  created_by: Nullable<string>
  /** The business of the register the complaint names (normalised name and address). */
  business_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ComplaintKeysTable {
  complaint_id: string
  match: string
  key: string
  received_at: Timestamp
  exercise: boolean
}

export interface SignalsTable {
  id: string
  code: string
  rule_id: string
  rule_hash: string
  match: string
  key: string
  title: string
  status: 'open' | 'activated' | 'dismissed'
  complaint_count: number
  first_at: Timestamp
  last_at: Timestamp
  dedup_until: Timestamp
  snoozed_until: NullableTime
  suggested_playbook: string
  suggested_level: Level
  incident_id: Nullable<string>
  dismiss_reason: Nullable<string>
  exercise: boolean
  raised_at: Timestamp
  decided_at: NullableTime
  decided_by: Nullable<string>
}

export interface SignalComplaintsTable {
  signal_id: string
  complaint_id: string
}

/** One sampling target of a signal's request: a complaint's product at its business, in its district. */
export interface SamplingTarget {
  district: string
  tracking: string
  product: { name: string | null; brand: string | null; batch: string | null; spec: string | null }
  business: { id: string | null; name: string | null; address: string | null }
}

/** A signal's request for sampling: the `signal-sampling` incident carrying it, and what to sample where. */
export interface SignalSamplingRequestsTable {
  signal_id: string
  incident_id: string
  districts: string[]
  targets: JSONColumnType<SamplingTarget[], string, string>
  created_at: Timestamp
  created_by: Nullable<string>
}

/** A rectification case (整改) of one business for one failing sample. */
export interface RectificationsTable {
  id: string
  business_id: string
  /** `inspected`: opened by an inspection's `rectification_opened` result (no sample, no announcement). */
  role: 'seller' | 'producer' | 'inspected'
  sample_id: Nullable<string>
  announcement_id: Nullable<string>
  inspection_plan_id: Nullable<string>
  inspection_position: Nullable<number>
  district_code: string
  failed_items: ColumnType<string[], string, string>
  measures_required: ColumnType<{ zh: string; en: string }[], string, string>
  rules_hash: string
  status: Generated<'open' | 'closed'>
  opened_at: Timestamp
  due_at: Timestamp
  meeting: ColumnType<{ date: string; attendees: string[] } | null, string | null, string | null>
  cause: Nullable<string>
  measures_taken: Nullable<string>
  outcome: Nullable<'resample_passed' | 'rectified' | 'refused' | 'retracted'>
  resample_id: Nullable<string>
  close_reason: Nullable<string>
  closed_at: NullableTime
  closed_by: Nullable<string>
  alarm_rung: Generated<number>
  next_alarm_at: NullableTime
  updated_at: NullableTime
}

export interface RectificationEvidenceTable {
  id: string
  rectification_id: string
  note: Nullable<string>
  file_name: Nullable<string>
  content_type: Nullable<string>
  size: Nullable<number>
  content: Nullable<Buffer>
  added_at: Timestamp
  added_by: Nullable<string>
}

export interface InspectionPlansTable {
  id: string
  title: string
  period: string
  population: ColumnType<{ kinds: string[]; districts: string[] }, string, string>
  shares: ColumnType<{ A: number; B: number; C: number; D: number }, string, string>
  seed: string
  checklist: ColumnType<string[], string, string>
  status: Generated<'planned' | 'drawn'>
  incident_id: Nullable<string>
  created_at: Timestamp
  created_by: Nullable<string>
  drawn_at: NullableTime
  drawn_by: Nullable<string>
}

export interface InspectionsTable {
  plan_id: string
  position: number
  business_id: string
  district_code: string
  credit_class: 'A' | 'B' | 'C' | 'D'
  inspectors: string[]
  task_id: Nullable<string>
  result: Nullable<'pass' | 'issues_found' | 'rectification_opened'>
  note: Nullable<string>
  recorded_at: NullableTime
  recorded_by: Nullable<string>
}

export interface OfficerConflictsTable {
  user_id: string
  business_id: string
  reason: string
  created_at: Timestamp
  created_by: Nullable<string>
}

/** A district's monthly self-check (每月自查): opened once the month has ended, filed by the district. */
export interface SelfChecksTable {
  id: string
  district_code: string
  month: string
  status: Generated<'due' | 'filed'>
  opened_at: Timestamp
  due_at: Timestamp
  summary: Nullable<string>
  measures: Nullable<string>
  /** The district's scorecard figures of the month, as they stood when it was filed. */
  figures: ColumnType<unknown, string | null, string | null>
  filed_at: NullableTime
  filed_by: Nullable<string>
  /** The district's task in the month's self-check incident (null: opened before self-checks were tasks). */
  task_id: Nullable<string>
}

/** The command centre's quarterly spot check (每季抽查): districts drawn from a published seed. */
export interface SpotChecksTable {
  id: string
  quarter: string
  seed: string
  count: number
  /** The district codes drawn from, in code order. */
  population: string[]
  /** The districts drawn, in draw order. */
  districts: string[]
  created_at: Timestamp
  created_by: Nullable<string>
}
