import { AppError } from './errors.js';
import type { Locale } from './i18n.js';

/**
 * The one access layer. Every route declares the permission it needs
 * (`config.permission`); a route without one cannot be registered. Services
 * then check object-level scope (which organisation's data) before touching
 * data. Deny by default: a role has exactly the permissions listed here.
 */
export const ROLES = [
  'admin',
  'coordinator',
  'actor_staff',
  'authority_contact',
  'member',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that must use two-factor sign-in. */
export const MFA_REQUIRED_ROLES: ReadonlySet<Role> = new Set(['admin', 'coordinator']);

export const PERMISSIONS = [
  'users.manage',
  'organisations.manage',
  'organisations.read',
  /** Edit an organisation's profile and contact persons: one's own organisation, or any for the coordinator and administrators. */
  'organisations.edit',
  'organisation_members.read',
  'certification.manage',
  'audit.read',
  'outbox.read',
  /** The support programme's catalogues and rates (read) and their settings (manage). */
  'programme.read',
  'programme.manage',
  /** Read cases and their applications: one's own organisation's, or all for the coordinator. */
  'cases.read',
  /** Create and change cases and submit applications: staff of the owning (certified) actor. */
  'cases.write',
  /** Decide applications: the coordinator. */
  'applications.decide',
  /** Second approval of a decision above the limit (four-eyes): a coordinator or an administrator. */
  'applications.approve',
  /** The programme's budget: periods, rates, posts, ledger, transfers and payouts (coordinator and administrators). */
  'budget.manage',
  /**
   * Report one's own organisation's yearly contact statistics: read, save, submit and correct
   * them. Staff and members of an organisation; the service lets only the platform's
   * civil-society organisations (NGOs and faith communities that are members or partners) report.
   */
  'contact_statistics.report',
  /**
   * The yearly contact-statistics rounds: open one, set its deadline, follow and remind the
   * organisations, reopen a report after the deadline, and read each organisation's figures and
   * the internal national table (the coordinator).
   */
  'contact_statistics.manage',
  /**
   * The internal period report: full counts, case codes, decision grounds and rationales,
   * ledger lines (the coordinator only: least data).
   */
  'reports.internal',
  /** The publishable period report: disclosure-controlled counts and money sums, no case codes or text. */
  'reports.publishable',
  /**
   * The coordinator's dashboard: open applications, decisions this month, funds remaining per
   * post, admissions per month and certifications that end soon (counts and sums, no case codes).
   */
  'dashboard.read',
  /**
   * The access review: who read which case when, and unusual patterns (many cases of other
   * organisations, reads outside working hours), from the audit log; exportable. The
   * coordinator and administrators, to check for insiders browsing.
   */
  'access_review.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a route needs: `public` (no session), `session` (any session, also one
 * still owing its second factor), `signed_in` (a complete sign-in, any role),
 * or a named permission.
 */
export type RouteAccess = 'public' | 'session' | 'signed_in' | Permission;

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set([
    'users.manage',
    'organisations.manage',
    'organisations.read',
    'organisations.edit',
    'organisation_members.read',
    'certification.manage',
    'audit.read',
    'outbox.read',
    'programme.read',
    'programme.manage',
    'applications.approve',
    'budget.manage',
    'reports.publishable',
    'access_review.read',
  ]),
  coordinator: new Set([
    'organisations.manage',
    'organisations.read',
    'organisations.edit',
    'organisation_members.read',
    'certification.manage',
    'programme.read',
    'programme.manage',
    'cases.read',
    'applications.decide',
    'applications.approve',
    'budget.manage',
    'contact_statistics.manage',
    'reports.internal',
    'reports.publishable',
    'dashboard.read',
    'access_review.read',
  ]),
  actor_staff: new Set([
    'organisations.read',
    'organisations.edit',
    'organisation_members.read',
    'programme.read',
    'cases.read',
    'cases.write',
    'contact_statistics.report',
    'reports.publishable',
  ]),
  authority_contact: new Set([
    'organisations.read',
    'organisations.edit',
    'organisation_members.read',
    'reports.publishable',
  ]),
  member: new Set(['organisations.read', 'contact_statistics.report', 'reports.publishable']),
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** The signed-in person behind a request. */
export interface Actor {
  userId: string;
  organisationId: string;
  role: Role;
  locale: Locale;
  sessionId: string;
  /** 'full' or a partial sign-in owing two-factor ('mfa' or 'enrol'). */
  stage: 'full' | 'mfa' | 'enrol';
}

/** Roles whose work spans every organisation; everyone else sees their own organisation's records. */
const CROSS_ORGANISATION: ReadonlySet<Role> = new Set(['admin', 'coordinator']);

export function canSeeOrganisationRecords(actor: Actor, organisationId: string): boolean {
  return CROSS_ORGANISATION.has(actor.role) || actor.organisationId === organisationId;
}

/** Object-level check: another organisation's record answers 404, so its existence is not revealed. */
export function assertOrganisationScope(actor: Actor, organisationId: string): void {
  if (!canSeeOrganisationRecords(actor, organisationId)) throw new AppError('not_found');
}

/**
 * Directory records (profiles, contact persons) are readable by everyone
 * signed in, so refusing an edit says so (403) rather than hiding the record.
 */
export function assertMayEditOrganisation(actor: Actor, organisationId: string): void {
  if (!canSeeOrganisationRecords(actor, organisationId)) throw new AppError('forbidden');
}

export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) throw new AppError('unauthenticated');
  return actor;
}
