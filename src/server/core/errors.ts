/** Every error Slussa answers with, its HTTP status and its translation key (`errors.<code>`). */
export const ERROR_STATUS = {
  validation: 400,
  bad_request: 400,
  invalid_json: 400,
  invalid_token: 400,
  invalid_code: 400,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  session_expired: 401,
  mfa_required: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  overlapping_period: 409,
  already_decided: 409,
  wrong_state: 409,
  own_decision: 409,
  period_overlap: 409,
  period_closed: 409,
  post_overdrawn: 409,
  no_commitment: 409,
  round_exists: 409,
  deadline_passed: 409,
  already_submitted: 409,
  not_reopenable: 409,
  not_reporting_organisation: 403,
  not_certified: 403,
  email_taken: 409,
  organisation_exists: 409,
  last_admin: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `email` or `members.0.role`. */
  path: string;
  /** Translation key under `validation.`. */
  code: string;
  params?: Record<string, string | number>;
}

/** The one error type of the application; the error handler maps it to HTTP and a translated message. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly fields: FieldError[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (): AppError => new AppError('not_found');
