import type { z } from 'zod';
import type * as authSchemas from '../server/modules/auth/auth.schemas.js';
import type * as userSchemas from '../server/modules/users/users.schemas.js';
import type * as orgSchemas from '../server/modules/organisations/organisations.schemas.js';
import type * as auditSchemas from '../server/modules/audit/audit.schemas.js';
import type * as serviceSchemas from '../server/modules/services/services.schemas.js';
import type * as contactSchemas from '../server/modules/contacts/contacts.schemas.js';
import type * as certSchemas from '../server/modules/certification/certification.schemas.js';
import type * as groupSchemas from '../server/modules/working-groups/working-groups.schemas.js';
import type * as directorySchemas from '../server/modules/directory/directory.schemas.js';
import type * as caseSchemas from '../server/modules/cases/cases.schemas.js';
import type * as applicationSchemas from '../server/modules/applications/applications.schemas.js';
import type { Role } from '../server/core/access.js';
import type {
  AuthorityKind,
  CertificationStatus,
  ContactRole,
  County,
  Membership,
  OrganisationType,
  WorkingGroupPurpose,
} from '../server/core/reference.js';
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
export type OrganisationInput = z.input<typeof orgSchemas.createBody>;
export type OrganisationUpdate = z.input<typeof orgSchemas.updateBody>;
/** List filters as they come from the address: the contract's names, values checked by the server. */
type QueryOf<S extends z.ZodType> = Partial<Record<keyof z.input<S>, string | number>>;
export type OrganisationQuery = QueryOf<typeof orgSchemas.listQuery>;
export type WhoCanHelpReply = z.infer<typeof orgSchemas.whoCanHelpReply>;
export type WhoCanHelpItem = WhoCanHelpReply['items'][number];
export type ServiceView = z.infer<typeof serviceSchemas.serviceView>;
export type ServiceList = z.infer<typeof serviceSchemas.listReply>;
export type ServiceInput = z.input<typeof serviceSchemas.createBody>;
export type ServiceUpdate = z.input<typeof serviceSchemas.updateBody>;
export type ContactView = z.infer<typeof contactSchemas.contactView>;
export type ContactList = z.infer<typeof contactSchemas.listReply>;
export type ContactInput = z.input<typeof contactSchemas.createBody>;
export type ContactUpdate = z.input<typeof contactSchemas.updateBody>;
export type ContactQuery = QueryOf<typeof contactSchemas.listQuery>;
export type CertificationView = z.infer<typeof certSchemas.certificationView>;
export type CertificationDetail = z.infer<typeof certSchemas.detailReply>;
export type CertificationList = z.infer<typeof certSchemas.listReply>;
export type CertificationInput = z.input<typeof certSchemas.setBody>;
export type CertificationDocument = z.infer<typeof certSchemas.documentView>;
export type WorkingGroupView = z.infer<typeof groupSchemas.workingGroupView>;
export type WorkingGroupDetail = z.infer<typeof groupSchemas.detailReply>;
export type WorkingGroupList = z.infer<typeof groupSchemas.listReply>;
export type WorkingGroupInput = z.input<typeof groupSchemas.createBody>;
export type WorkingGroupUpdate = z.input<typeof groupSchemas.updateBody>;
export type WorkingGroupMembers = z.input<typeof groupSchemas.membersBody>;
export type ImportKind = z.infer<typeof directorySchemas.importKind>;
export type ImportReply = z.infer<typeof directorySchemas.importReply>;
export type ImportProblem = z.infer<typeof directorySchemas.rowProblem>;
export type AuditEvent = z.infer<typeof auditSchemas.auditEventView>;
export type AuditList = z.infer<typeof auditSchemas.listReply>;
export type AuditVerify = z.infer<typeof auditSchemas.verifyReply>;
// The support programme: cases, applications, decisions, the programme's catalogues.
export type CaseSummary = z.infer<typeof caseSchemas.caseSummary>;
export type CaseList = z.infer<typeof caseSchemas.listReply>;
export type CaseView = z.infer<typeof caseSchemas.caseView>;
export type TimelineEntry = z.infer<typeof caseSchemas.timelineEntry>;
export type BackgroundInput = z.input<typeof caseSchemas.background>;
export type CaseInput = z.input<typeof caseSchemas.createCaseBody>;
export type CaseQuery = QueryOf<typeof caseSchemas.listQuery>;
export type CaseCreated = z.infer<typeof caseSchemas.createdReply>;
export type TransferTargets = z.infer<typeof caseSchemas.transferTargetsReply>;
export type CaseStaff = z.infer<typeof caseSchemas.staffReply>;
export type ApplicationInput = z.input<typeof applicationSchemas.applicationInput>;
export type QuoteReply = z.infer<typeof applicationSchemas.quoteReply>;
export type Breakdown = z.infer<typeof applicationSchemas.breakdown>;
export type RuleWarningView = z.infer<typeof applicationSchemas.warning>;
export type ApplicationSummary = z.infer<typeof applicationSchemas.applicationSummary>;
export type ApplicationList = z.infer<typeof applicationSchemas.listReply>;
export type ApplicationQuery = QueryOf<typeof applicationSchemas.listQuery>;
export type ApplicationDetail = z.infer<typeof applicationSchemas.applicationDetail>;
export type DecisionView = z.infer<typeof applicationSchemas.decisionView>;
export type DecisionInput = z.input<typeof applicationSchemas.decideBody>;
export type ApprovalItem = z.infer<typeof applicationSchemas.approvalItem>;
export type ApprovalsReply = z.infer<typeof applicationSchemas.approvalsReply>;
export type ProgrammeReply = z.infer<typeof applicationSchemas.programmeReply>;
export type InterventionView = z.infer<typeof applicationSchemas.interventionView>;
export type InterventionInput = z.input<typeof applicationSchemas.interventionBody>;
export type TotpSetup = z.infer<typeof authSchemas.totpSetupReply>;
export type RecoveryCodesReply = z.infer<typeof authSchemas.recoveryCodesReply>;
export type {
  Role,
  County,
  OrganisationType,
  AuthorityKind,
  CertificationStatus,
  ContactRole,
  Membership,
  WorkingGroupPurpose,
};

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

type Query = Record<string, string | number | boolean | undefined>;

/** A path with its query string; empty values are left out. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** A request body sent as it is (a file), with its content type and any extra headers. */
interface RawBody {
  raw: ArrayBuffer;
  contentType: string;
  headers?: Record<string, string>;
}

/** One call to the API; feature modules with their own API objects (the budget's) use it too. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  raw?: RawBody,
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
  };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (raw) {
    headers['Content-Type'] = raw.contentType;
    Object.assign(headers, raw.headers);
    init.body = raw.raw;
  } else if (body !== undefined) {
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
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
const del = <T>(path: string) => request<T>('DELETE', path);
const postRaw = <T>(path: string, raw: RawBody) => request<T>('POST', path, undefined, raw);
const enc = encodeURIComponent;

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

  // Organisations (the directory)
  organisations: (q: OrganisationQuery) => get<OrganisationList>('/api/organisations', q),
  organisation: (id: string) => get<OrganisationView>(`/api/organisations/${enc(id)}`),
  createOrganisation: (body: OrganisationInput) =>
    post<OrganisationView>('/api/organisations', body),
  updateOrganisation: (id: string, body: OrganisationUpdate) =>
    patch<OrganisationView>(`/api/organisations/${enc(id)}`, body),
  members: (id: string) => get<MemberList>(`/api/organisations/${enc(id)}/members`),
  whoCanHelp: (q: { service: string; county: string }) =>
    get<WhoCanHelpReply>('/api/organisations/who-can-help', q),

  // Service catalogue
  services: () => get<ServiceList>('/api/services'),
  createService: (body: ServiceInput) => post<ServiceView>('/api/services', body),
  updateService: (code: string, body: ServiceUpdate) =>
    patch<ServiceView>(`/api/services/${enc(code)}`, body),

  // Contact persons
  contacts: (q: ContactQuery) => get<ContactList>('/api/contacts', q),
  contact: (id: string) => get<ContactView>(`/api/contacts/${enc(id)}`),
  createContact: (body: ContactInput) => post<ContactView>('/api/contacts', body),
  updateContact: (id: string, body: ContactUpdate) =>
    patch<ContactView>(`/api/contacts/${enc(id)}`, body),
  deleteContact: (id: string) => del<Ok>(`/api/contacts/${enc(id)}`),

  // Certification
  certifications: (q: { status?: string; expiringWithinDays?: string | number }) =>
    get<CertificationList>('/api/certifications', q),
  certification: (organisationId: string) =>
    get<CertificationDetail>(`/api/organisations/${enc(organisationId)}/certification`),
  setCertification: (organisationId: string, body: CertificationInput) =>
    put<CertificationDetail>(`/api/organisations/${enc(organisationId)}/certification`, body),
  uploadDocument: async (organisationId: string, file: File) =>
    postRaw<{ id: string }>(`/api/organisations/${enc(organisationId)}/certification/documents`, {
      raw: await file.arrayBuffer(),
      contentType: 'application/octet-stream',
      headers: { 'X-File-Name': enc(file.name) },
    }),
  removeDocument: (organisationId: string, documentId: string) =>
    del<Ok>(`/api/organisations/${enc(organisationId)}/certification/documents/${enc(documentId)}`),

  // Working groups
  workingGroups: (status: string) => get<WorkingGroupList>('/api/working-groups', { status }),
  workingGroup: (id: string) => get<WorkingGroupDetail>(`/api/working-groups/${enc(id)}`),
  createWorkingGroup: (body: WorkingGroupInput) =>
    post<WorkingGroupDetail>('/api/working-groups', body),
  updateWorkingGroup: (id: string, body: WorkingGroupUpdate) =>
    patch<WorkingGroupDetail>(`/api/working-groups/${enc(id)}`, body),
  setWorkingGroupMembers: (id: string, body: WorkingGroupMembers) =>
    put<WorkingGroupDetail>(`/api/working-groups/${enc(id)}/members`, body),

  // Directory import (the CSV file's bytes as the body)
  importDirectory: async (kind: ImportKind, mode: 'preview' | 'commit', file: File) =>
    postRaw<ImportReply>(withQuery(`/api/directory/import/${enc(kind)}`, { mode }), {
      raw: await file.arrayBuffer(),
      contentType: 'text/csv',
    }),

  // Support programme: cases
  cases: (q: CaseQuery) => get<CaseList>('/api/cases', q),
  case: (id: string) => get<CaseView>(`/api/cases/${enc(id)}`),
  createCase: (body: CaseInput) => post<CaseCreated>('/api/cases', body),
  updateBackground: (id: string, body: { expectedVersion: number; background: BackgroundInput }) =>
    put<CaseView>(`/api/cases/${enc(id)}/background`, body),
  updateProtection: (
    id: string,
    body: { expectedVersion: number; protectedIdentity: boolean; protectedStaffUserIds: string[] },
  ) => put<CaseView>(`/api/cases/${enc(id)}/protection`, body),
  identityNote: (id: string) =>
    get<{ identityNote: string | null }>(`/api/cases/${enc(id)}/identity-note`),
  setIdentityNote: (id: string, identityNote: string | null) =>
    put<Ok>(`/api/cases/${enc(id)}/identity-note`, { identityNote }),
  caseStaff: () => get<CaseStaff>('/api/case-staff'),
  transferTargets: () => get<TransferTargets>('/api/case-transfer-targets'),
  transferCase: (
    id: string,
    body: { expectedVersion: number; toOrganisationId: string; reason: string },
  ) => post<Ok>(`/api/cases/${enc(id)}/transfer`, body),
  addCaseNote: (id: string, text: string) =>
    post<{ id: string }>(`/api/cases/${enc(id)}/notes`, { text }),
  uploadCaseAttachment: async (id: string, file: File) =>
    postRaw<{ id: string }>(`/api/cases/${enc(id)}/attachments`, {
      raw: await file.arrayBuffer(),
      contentType: 'application/octet-stream',
      headers: { 'X-File-Name': enc(file.name) },
    }),

  // Support programme: applications, decisions, approvals
  programme: () => get<ProgrammeReply>('/api/programme'),
  updateProgrammeSettings: (body: { approvalLimitOre: number | null }) =>
    put<ProgrammeReply>('/api/programme/settings', body),
  putIntervention: (code: string, body: InterventionInput) =>
    put<ProgrammeReply>(`/api/programme/interventions/${enc(code)}`, body),
  quote: (body: ApplicationInput) => post<QuoteReply>('/api/applications/quote', body),
  createApplication: (body: ApplicationInput) => post<{ id: string }>('/api/applications', body),
  applications: (q: ApplicationQuery) => get<ApplicationList>('/api/applications', q),
  application: (id: string) => get<ApplicationDetail>(`/api/applications/${enc(id)}`),
  decide: (id: string, body: DecisionInput) =>
    post<ApplicationDetail>(`/api/applications/${enc(id)}/decisions`, body),
  answer: (id: string, body: { expectedVersion: number; text: string }) =>
    post<ApplicationDetail>(`/api/applications/${enc(id)}/answer`, body),
  approvals: () => get<ApprovalsReply>('/api/approvals'),
  approve: (
    decisionId: string,
    body: { approve: boolean; comment: string | null; allowOverdraw?: boolean },
  ) => post<Ok>(`/api/decisions/${enc(decisionId)}/approval`, body),

  // Audit log
  audit: (q: Query) => get<AuditList>('/api/audit', q),
  verifyAudit: () => post<AuditVerify>('/api/audit/verify'),

  // Outbox
  outbox: (q: { status?: string; limit?: number; offset?: number }) =>
    get<OutboxList>('/api/outbox', q),
  outboxMessage: (id: string) => get<OutboxMessage>(`/api/outbox/${encodeURIComponent(id)}`),
};

/** Addresses that download a file (used as plain links, so the browser saves the file). */
export const downloads = {
  exportOrganisations: (format: 'csv' | 'xlsx', filters: Query) =>
    withQuery('/api/directory/export/organisations', { format, ...filters }),
  exportContacts: (format: 'csv' | 'xlsx', filters: Query) =>
    withQuery('/api/directory/export/contacts', { format, ...filters }),
  importTemplate: (kind: ImportKind) => `/api/directory/import/${enc(kind)}/template`,
  document: (organisationId: string, documentId: string) =>
    `/api/organisations/${enc(organisationId)}/certification/documents/${enc(documentId)}`,
  caseAttachment: (caseId: string, attachmentId: string) =>
    `/api/cases/${enc(caseId)}/attachments/${enc(attachmentId)}`,
};
