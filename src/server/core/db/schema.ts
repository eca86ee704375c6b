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
}
