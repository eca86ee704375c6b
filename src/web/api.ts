import type { z } from 'zod';
import type * as authSchemas from '../server/modules/auth/auth.schemas.js';
import type * as userSchemas from '../server/modules/users/users.schemas.js';
import type * as orgSchemas from '../server/modules/organisations/organisations.schemas.js';
import type * as auditSchemas from '../server/modules/audit/audit.schemas.js';
import type { Role } from '../server/core/access.js';
import type { County, OrganisationType } from '../server/core/reference.js';
import i18n, { currentLanguage, type Language } from './i18n.js';

/*
 * The one way the web app talks to the API. Types come from the server's own
 * zod schemas (the API contract); every request carries the interface
 * language so that error messages come back translated.
 */

export type SessionInfo = z.infer<typeof authSchemas.sessionInfo>;
export type SessionUser = SessionInfo['user'];
export type UserView = z.infer<typeof userSchemas.userView>;
export type UserList = z.infer<typeof userSchemas.listReply>;
export type OrganisationView = z.infer<typeof orgSchemas.organisationView>;
export type OrganisationList = z.infer<typeof orgSchemas.listReply>;
export type MemberList = z.infer<typeof orgSchemas.membersReply>;
export type AuditEvent = z.infer<typeof auditSchemas.auditEventView>;
export type AuditList = z.infer<typeof auditSchemas.listReply>;
export type AuditVerify = z.infer<typeof auditSchemas.verifyReply>;
export type TotpSetup = z.infer<typeof authSchemas.totpSetupReply>;
export type RecoveryCodesReply = z.infer<typeof authSchemas.recoveryCodesReply>;
export type { Role, County, OrganisationType };

export type MailStatus = 'held' | 'pending' | 'sending' | 'sent' | 'failed';
export interface OutboxSummary {
  id: string;
  kind: string;
  toAddress: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
export interface OutboxList {
  items: OutboxSummary[];
  total: number;
  smtpEnabled: boolean;
}
export interface OutboxMessage extends OutboxSummary {
  bodyText: string;
}

export interface HomeData {
  role: Role;
  organisation: { id: string; name: string; memberCount: number };
  admin?: {
    activeUsers: number;
    invitedUsers: number;
    disabledUsers: number;
    organisations: number;
    heldMail: number;
    failedMail: number;
    auditEventsToday: number;
    deniedToday: number;
  };
}

export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

/** An error answer of the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function toApiError(status: number, body: unknown): ApiError {
  const e = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    const fields = Array.isArray(e.fields)
      ? e.fields.filter(
          (f): f is FieldProblem =>
            isRecord(f) && typeof f.path === 'string' && typeof f.message === 'string',
        )
      : [];
    return new ApiError(status, e.code, e.message, fields);
  }
  return new ApiError(status, 'unexpected', i18n.t('web.errors.unexpected'));
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
  };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', i18n.t('web.errors.network'));
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query));
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body);
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);

type Ok = { ok: true };

export const api = {
  // Session and sign-in
  session: () => get<SessionInfo>('/api/auth/session'),
  signIn: (body: { email: string; password: string }) =>
    post<SessionInfo>('/api/auth/sign-in', body),
  secondFactor: (body: { code: string } | { recoveryCode: string }) =>
    post<SessionInfo>('/api/auth/second-factor', body),
  totpSetup: () => post<TotpSetup>('/api/auth/totp/setup'),
  totpConfirm: (code: string) => post<RecoveryCodesReply>('/api/auth/totp/confirm', { code }),
  totpDisable: (currentPassword: string) => post<Ok>('/api/auth/totp/disable', { currentPassword }),
  regenerateRecoveryCodes: (currentPassword: string) =>
    post<{ recoveryCodes: string[] }>('/api/auth/recovery-codes', { currentPassword }),
  signOut: (everywhere = false) =>
    everywhere
      ? post<Ok>('/api/auth/sign-out', { everywhere: true })
      : post<Ok>('/api/auth/sign-out'),
  requestPasswordReset: (email: string) => post<Ok>('/api/auth/password-reset', { email }),
  completePasswordLink: (body: { token: string; password: string }) =>
    post<Ok>('/api/auth/password-link', body),

  // Own profile
  updateMe: (body: { locale?: Language; name?: string }) => patch<SessionInfo>('/api/me', body),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    post<Ok>('/api/me/password', body),

  home: () => get<HomeData>('/api/home'),

  // Users (administrators)
  users: (q: {
    q?: string;
    role?: string;
    organisationId?: string;
    status?: string;
    limit?: number;
    offset?: number;
  }) => get<UserList>('/api/users', q),
  user: (id: string) => get<UserView>(`/api/users/${encodeURIComponent(id)}`),
  createUser: (body: {
    email: string;
    name: string;
    role: string;
    organisationId: string;
    locale: string;
  }) => post<UserView>('/api/users', body),
  updateUser: (
    id: string,
    body: { name: string; role: string; organisationId: string; locale: string },
  ) => patch<UserView>(`/api/users/${encodeURIComponent(id)}`, body),
  userAction: (id: string, action: 'disable' | 'enable' | 'reset-two-factor') =>
    post<UserView>(`/api/users/${encodeURIComponent(id)}/${action}`),
  endUserSessions: (id: string) =>
    post<{ ended: number }>(`/api/users/${encodeURIComponent(id)}/end-sessions`),
  resendInvitation: (id: string) => post<Ok>(`/api/users/${encodeURIComponent(id)}/invitation`),

  // Organisations
  organisations: (q: {
    q?: string;
    type?: string;
    county?: string;
    limit?: number;
    offset?: number;
  }) => get<OrganisationList>('/api/organisations', q),
  organisation: (id: string) =>
    get<OrganisationView>(`/api/organisations/${encodeURIComponent(id)}`),
  createOrganisation: (body: { name: string; type: string; county: string }) =>
    post<OrganisationView>('/api/organisations', body),
  updateOrganisation: (id: string, body: { name: string; type: string; county: string }) =>
    patch<OrganisationView>(`/api/organisations/${encodeURIComponent(id)}`, body),
  members: (id: string) => get<MemberList>(`/api/organisations/${encodeURIComponent(id)}/members`),

  // Audit log
  audit: (q: Query) => get<AuditList>('/api/audit', q),
  verifyAudit: () => post<AuditVerify>('/api/audit/verify'),

  // Outbox
  outbox: (q: { status?: string; limit?: number; offset?: number }) =>
    get<OutboxList>('/api/outbox', q),
  outboxMessage: (id: string) => get<OutboxMessage>(`/api/outbox/${encodeURIComponent(id)}`),
};
