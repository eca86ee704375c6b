import type { Generated } from 'kysely';

/**
 * Table types shared by both databases. Timestamps are ISO 8601 UTC strings
 * (text on SQLite, timestamptz on PostgreSQL, parsed back to ISO strings);
 * flags are nullable timestamps (`disabled_at`) rather than booleans so one
 * query code serves both dialects.
 */
export interface OrganisationTable {
  id: string;
  name: string;
  type: string;
  county: string;
  created_at: string;
  updated_at: string;
  /** For authorities: police, migration agency, … (see reference.ts). */
  authority_kind: string | null;
  municipality: string | null;
  district: string | null;
  /** ISO 3166 alpha-2, for partners abroad. */
  country: string | null;
  website: string | null;
  /** E.164. */
  public_phone: string | null;
  public_email: string | null;
  about: string | null;
  /** Membership in the civil-society platform: member, partner or none. */
  membership: Generated<string>;
  membership_since: string | null;
}

export interface OrganisationLanguageTable {
  organisation_id: string;
  /** ISO 639-1. */
  language: string;
}

export interface ServiceTable {
  code: string;
  name_sv: string;
  name_en: string;
  sort_order: number;
  retired_at: string | null;
  created_at: string;
}

export interface OrganisationServiceTable {
  organisation_id: string;
  service_code: string;
}

export interface ContactPersonTable {
  id: string;
  organisation_id: string;
  name: string;
  title: string | null;
  email: string | null;
  phone: string | null;
  active_from: string | null;
  active_to: string | null;
  /** Set when the person may be shown on public pages. */
  public_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactPersonRoleTable {
  contact_person_id: string;
  role: string;
}

export interface CertificationTable {
  organisation_id: string;
  status: string;
  certified_from: string | null;
  certified_to: string | null;
  review_date: string | null;
  conditions: string | null;
  /** Optimistic concurrency: each change names the version it saw. */
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface CertificationServiceTable {
  organisation_id: string;
  service_code: string;
}

export interface CertificationHistoryTable {
  id: string;
  organisation_id: string;
  version: number;
  at: string;
  actor_user_id: string | null;
  status: string;
  certified_from: string | null;
  certified_to: string | null;
  review_date: string | null;
  conditions: string | null;
  /** JSON array of service codes. */
  services: string;
  reason: string;
}

export interface CertificationDocumentTable {
  id: string;
  organisation_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  /** AES-256-GCM under the data key. */
  content_enc: Buffer;
  uploaded_at: string;
  uploaded_by: string | null;
  removed_at: string | null;
}

export interface WorkingGroupTable {
  id: string;
  name: string;
  purpose: string;
  description: string | null;
  convenor_organisation_id: string | null;
  convenor_contact_id: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkingGroupMemberTable {
  id: string;
  working_group_id: string;
  organisation_id: string | null;
  contact_person_id: string | null;
  added_at: string;
}

export interface UserTable {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
  password_hash: string | null;
  password_changed_at: string | null;
  totp_secret_enc: string | null;
  totp_enabled_at: string | null;
  /** Last accepted TOTP time step; codes of that step or earlier are refused (no replay). */
  totp_last_step: number | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie token; the token itself is never stored. */
  id: string;
  user_id: string;
  /** 'full', or a partial sign-in still owing two-factor: 'mfa' (verify) or 'enrol' (set up). */
  stage: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface OneTimeTokenTable {
  id: string;
  user_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface AuditEventTable {
  /** Position in the chain, assigned from audit_head under its lock. */
  seq: number;
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  request_id: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface OutboxTable {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  body_text: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface DataKeyTable {
  id: string;
  wrapped: string;
  created_at: string;
  retired_at: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface ProgrammeTable {
  id: string;
  name: string;
  code_prefix: string;
  last_case_number: number;
  approval_limit_ore: number | null;
  created_at: string;
}

/** One pseudonymised person in the support programme; no name or identity number. */
export interface CaseTable {
  id: string;
  programme_id: string;
  number: number;
  /** Display code, e.g. NSP001; unique per programme. */
  code: string;
  owner_organisation_id: string;
  /** 1 when only named staff of the owning organisation may see the case. */
  protected_identity: number;
  /** AES-256-GCM; shown only to the owning organisation's staff, audited on every view. */
  identity_note_enc: string | null;
  nationality: string | null;
  gender: string;
  age_band: string;
  children_count: number;
  /** JSON array of ages in years. */
  children_ages: string;
  children_in_home_country: number;
  /** JSON array of exploitation form codes. */
  exploitation_forms: string;
  /** JSON array of ISO 3166 alpha-2 codes. */
  exploitation_countries: string;
  police_report: string;
  police_report_date: string | null;
  residence_status: string;
  housing_situation: string;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

export interface CaseProtectedStaffTable {
  case_id: string;
  user_id: string;
}

export interface CaseOwnershipChangeTable {
  id: string;
  case_id: string;
  from_organisation_id: string;
  to_organisation_id: string;
  reason_enc: string;
  at: string;
  by_user_id: string | null;
}

export interface CaseNoteTable {
  id: string;
  case_id: string;
  body_enc: string;
  organisation_id: string;
  created_at: string;
  created_by: string | null;
}

export interface CaseAttachmentTable {
  id: string;
  case_id: string;
  file_name_enc: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content_enc: Buffer;
  uploaded_at: string;
  uploaded_by: string | null;
}

export interface RateScheduleTable {
  id: string;
  valid_from: string;
  valid_to: string | null;
  reflection_daily_ore: number;
  reflection_child_daily_ore: number;
  protection_daily_ore: number;
  integration_daily_ore: number;
  integration_child_daily_ore: number;
  created_at: string;
  /** The budget period whose rates these are; null for the programme's default (the 2016 pilot). */
  budget_period_id: string | null;
  /** Set when the period's rates were changed: applications priced with them keep them. */
  superseded_at: string | null;
}

export interface InterventionCategoryTable {
  code: string;
  name_sv: string;
  name_en: string;
  unit: string;
  unit_price_ore: number | null;
  cap_ore: number | null;
  responsibility: string;
  sort_order: number;
  retired_at: string | null;
  updated_at: string;
}

/** A period rate schedule's price and cap for one intervention category. */
export interface RateScheduleInterventionTable {
  rate_schedule_id: string;
  intervention_code: string;
  unit_price_ore: number | null;
  cap_ore: number | null;
}

export interface DecisionGroundTable {
  code: string;
  name_sv: string;
  name_en: string;
  sort_order: number;
}

export interface ApplicationTable {
  id: string;
  programme_id: string;
  case_id: string | null;
  organisation_id: string;
  type: string;
  status: string;
  period_from: string | null;
  period_to: string | null;
  days: number | null;
  intervention_code: string | null;
  quantity: number | null;
  unit_cost_ore: number | null;
  children_count: number;
  protection_24h: number;
  deductions_ore: number;
  deductions_by: string | null;
  amount_ore: number;
  rate_schedule_id: string | null;
  justification_enc: string;
  /** JSON array of rule warnings. */
  warnings: string;
  submitted_date: string;
  submitted_at: string;
  submitted_by: string | null;
  queued_at: string;
  current_decision_id: string | null;
  decided_at: string | null;
  version: number;
}

export interface ApplicationMessageTable {
  id: string;
  application_id: string;
  kind: string;
  body_enc: string;
  at: string;
  by_user_id: string | null;
}

export interface DecisionTable {
  id: string;
  application_id: string;
  sequence: number;
  outcome: string;
  /** JSON array of ground codes. */
  grounds: string;
  rationale_enc: string;
  granted_days: number | null;
  granted_quantity: number | null;
  granted_amount_ore: number;
  condition_enc: string | null;
  condition_ends_on: string | null;
  supersedes_id: string | null;
  approval_status: string;
  decided_at: string;
  decided_by: string | null;
  approved_at: string | null;
  approved_by: string | null;
  approval_comment_enc: string | null;
}

export interface BudgetPeriodTable {
  id: string;
  programme_id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  overhead_bp: number;
  status: string;
  closed_at: string | null;
  closed_by: string | null;
  version: number;
  created_at: string;
  created_by: string | null;
}

export interface BudgetFundingSourceTable {
  id: string;
  period_id: string;
  kind: string;
  name: string;
  amount_ore: number;
  case_id: string | null;
  sort_order: number;
}

export interface BudgetFixedCostTable {
  id: string;
  period_id: string;
  kind: string;
  name: string;
  amount_ore: number;
  sort_order: number;
}

export interface BudgetPostTable {
  id: string;
  period_id: string;
  kind: string;
  name: string;
  plan_persons: number | null;
  plan_days: number | null;
  plan_rate_ore: number | null;
  plan_amount_ore: number | null;
  sort_order: number;
  created_at: string;
}

/** The append-only ledger; see migration 0004 for the sign convention. */
export interface BudgetEntryTable {
  id: string;
  period_id: string;
  post_id: string;
  line_no: number;
  kind: string;
  amount_ore: number;
  case_id: string | null;
  application_id: string | null;
  decision_id: string | null;
  transfer_id: string | null;
  reverses_id: string | null;
  reference: string | null;
  reason_enc: string | null;
  entry_date: string;
  created_at: string;
  created_by: string | null;
}

export interface ContactStatRoundTable {
  id: string;
  /** The calendar year reported on; one round per year. */
  year: number;
  /** The last day (Stockholm) on which organisations may save and submit. */
  deadline: string;
  version: number;
  opened_at: string;
  opened_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface ContactStatReportTable {
  id: string;
  round_id: string;
  organisation_id: string;
  /** draft or submitted. */
  status: string;
  /** Optimistic concurrency: each change names the version it saw. */
  version: number;
  /** Persons met per certainty as the organisation states them; null until given. */
  total_possible: number | null;
  total_probable: number | null;
  total_suspected: number | null;
  submitted_at: string | null;
  submitted_by: string | null;
  /** 1 while the coordinator's reopening after the deadline is unused. */
  reopened: Generated<number>;
  reopened_at: string | null;
  reopened_by: string | null;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** One non-zero cell of a report: certainty × gender × age group × form of exploitation. */
export interface ContactStatFigureTable {
  report_id: string;
  certainty: string;
  gender: string;
  age_group: string;
  form: string;
  persons: number;
}

export interface ContactStatReminderTable {
  id: string;
  round_id: string;
  organisation_id: string;
  sent_at: string;
  sent_by: string | null;
  recipients: number;
}

/** Per post, day and kind: the sum and count of the ledger's entries (migration 0007). */
export interface BudgetDailyTotalTable {
  post_id: string;
  entry_date: string;
  kind: string;
  period_id: string;
  amount_ore: number;
  lines: number;
}

export interface Database {
  organisations: OrganisationTable;
  users: UserTable;
  recovery_codes: RecoveryCodeTable;
  sessions: SessionTable;
  one_time_tokens: OneTimeTokenTable;
  sign_in_throttle: SignInThrottleTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  outbox: OutboxTable;
  data_keys: DataKeyTable;
  settings: SettingTable;
  organisation_languages: OrganisationLanguageTable;
  services: ServiceTable;
  organisation_services: OrganisationServiceTable;
  contact_persons: ContactPersonTable;
  contact_person_roles: ContactPersonRoleTable;
  certifications: CertificationTable;
  certification_services: CertificationServiceTable;
  certification_history: CertificationHistoryTable;
  certification_documents: CertificationDocumentTable;
  working_groups: WorkingGroupTable;
  working_group_members: WorkingGroupMemberTable;
  programmes: ProgrammeTable;
  cases: CaseTable;
  case_protected_staff: CaseProtectedStaffTable;
  case_ownership_changes: CaseOwnershipChangeTable;
  case_notes: CaseNoteTable;
  case_attachments: CaseAttachmentTable;
  rate_schedules: RateScheduleTable;
  intervention_categories: InterventionCategoryTable;
  rate_schedule_interventions: RateScheduleInterventionTable;
  decision_grounds: DecisionGroundTable;
  applications: ApplicationTable;
  application_messages: ApplicationMessageTable;
  decisions: DecisionTable;
  budget_periods: BudgetPeriodTable;
  budget_funding_sources: BudgetFundingSourceTable;
  budget_fixed_costs: BudgetFixedCostTable;
  budget_posts: BudgetPostTable;
  budget_entries: BudgetEntryTable;
  budget_daily_totals: BudgetDailyTotalTable;
  contact_stat_rounds: ContactStatRoundTable;
  contact_stat_reports: ContactStatReportTable;
  contact_stat_figures: ContactStatFigureTable;
  contact_stat_reminders: ContactStatReminderTable;
}
