import { hasPermission, ROLES, type Permission, type Role } from '../server/core/access.js';
import type {
  AuthorityKind,
  CertificationStatus,
  ContactRole,
  County,
  Membership,
  OrganisationType,
  WorkingGroupPurpose,
} from '../server/core/reference.js';
import { intlLocale, useT } from './i18n.js';

/*
 * Roles and the permission table come from the server's access module, so
 * the menu offers exactly what the API allows. The vocabularies are listed
 * here (the server's reference module carries data the browser does not
 * need) and checked against the server's types: a code added there and
 * missing here fails the type check.
 */
export { hasPermission };
export type {
  AuthorityKind,
  CertificationStatus,
  ContactRole,
  County,
  Membership,
  OrganisationType,
  Permission,
  Role,
  WorkingGroupPurpose,
};

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

const COUNTIES = [
  'AB', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'K', 'M', 'N', 'O', 'S', 'T', 'U', 'W', 'X', 'Y', 'Z', 'AC', 'BD',
  'national',
  'abroad',
] as const satisfies readonly County[]; // prettier-ignore
const _allCounties: Exhaustive<County, (typeof COUNTIES)[number]> = true;

const ORGANISATION_TYPES = [
  'authority',
  'municipality',
  'ngo',
  'faith',
  'research_culture',
  'company',
  'partner_abroad',
  'other',
] as const satisfies readonly OrganisationType[];
const _allOrganisationTypes: Exhaustive<OrganisationType, (typeof ORGANISATION_TYPES)[number]> =
  true;

const AUTHORITY_KINDS = [
  'police',
  'migration_agency',
  'social_services',
  'county_board',
  'prosecution',
  'health_care',
  'employment_service',
  'crime_victim_authority',
  'other',
] as const satisfies readonly AuthorityKind[];
const _allAuthorityKinds: Exhaustive<AuthorityKind, (typeof AUTHORITY_KINDS)[number]> = true;

const MEMBERSHIPS = ['member', 'partner', 'none'] as const satisfies readonly Membership[];
const _allMemberships: Exhaustive<Membership, (typeof MEMBERSHIPS)[number]> = true;

export const CONTACT_ROLES = [
  'trafficking_contact',
  'regional_coordinator',
  'plan_update_responsible',
  'deputy',
] as const satisfies readonly ContactRole[];
const _allContactRoles: Exhaustive<ContactRole, (typeof CONTACT_ROLES)[number]> = true;

export const CERTIFICATION_STATUSES = [
  'applied',
  'certified',
  'suspended',
  'expired',
] as const satisfies readonly CertificationStatus[];
const _allCertificationStatuses: Exhaustive<
  CertificationStatus,
  (typeof CERTIFICATION_STATUSES)[number]
> = true;

const WORKING_GROUP_PURPOSES = [
  'coordination',
  'refer_onwards_support',
  'prevention',
  'child_perspective',
  'consultation_response',
  'statutes',
  'other',
] as const satisfies readonly WorkingGroupPurpose[];
const _allPurposes: Exhaustive<WorkingGroupPurpose, (typeof WORKING_GROUP_PURPOSES)[number]> = true;

/** A real county (län), as opposed to "nationwide" or "abroad". */
export function isRealCounty(c: string): c is Exclude<County, 'national' | 'abroad'> {
  return c !== 'national' && c !== 'abroad' && (COUNTIES as readonly string[]).includes(c);
}

export function isCounty(c: string): c is County {
  return (COUNTIES as readonly string[]).includes(c);
}

const LOCALE_OPTIONS = ['sv', 'en'] as const;
const USER_STATUSES = ['active', 'invited', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface Option {
  value: string;
  label: string;
}

/** Translated names of the vocabularies, and options for select fields. */
export function useVocabulary() {
  const t = useT();
  const role = (r: Role) => t(`web.roles.${r}`);
  const orgType = (v: OrganisationType) => t(`web.orgTypes.${v}`);
  const county = (c: County) => t(`web.counties.${c}`);
  const locale = (l: (typeof LOCALE_OPTIONS)[number]) => t(`web.language.${l}`);
  const authorityKind = (k: AuthorityKind) => t(`web.authorityKinds.${k}`);
  const membership = (m: Membership) => t(`web.memberships.${m}`);
  const contactRole = (r: ContactRole) => t(`web.contactRoles.${r}`);
  const certificationStatus = (s: CertificationStatus) => t(`web.certificationStatuses.${s}`);
  const purpose = (p: WorkingGroupPurpose) => t(`web.purposes.${p}`);
  const collator = new Intl.Collator(intlLocale());
  // Counties in alphabetical order of their names; nationwide and abroad last.
  const countyOptions: Option[] = [
    ...COUNTIES.filter((c) => c !== 'national' && c !== 'abroad')
      .map((c) => ({ value: c, label: county(c) }))
      .sort((a, b) => collator.compare(a.label, b.label)),
    { value: 'national', label: county('national') },
    { value: 'abroad', label: county('abroad') },
  ];
  return {
    role,
    orgType,
    county,
    locale,
    authorityKind,
    membership,
    contactRole,
    certificationStatus,
    purpose,
    /** Real counties only (for "who can help" and the like), alphabetical. */
    realCountyOptions: countyOptions.filter((o) => isRealCounty(o.value)),
    authorityKindOptions: AUTHORITY_KINDS.map((k) => ({ value: k, label: authorityKind(k) })),
    membershipOptions: MEMBERSHIPS.map((m) => ({ value: m, label: membership(m) })),
    contactRoleOptions: CONTACT_ROLES.map((r) => ({ value: r, label: contactRole(r) })),
    certificationStatusOptions: CERTIFICATION_STATUSES.map((s) => ({
      value: s,
      label: certificationStatus(s),
    })),
    purposeOptions: WORKING_GROUP_PURPOSES.map((p) => ({ value: p, label: purpose(p) })),
    roleOptions: ROLES.map((r) => ({ value: r, label: role(r) })),
    orgTypeOptions: ORGANISATION_TYPES.map((v) => ({ value: v, label: orgType(v) })),
    countyOptions,
    localeOptions: LOCALE_OPTIONS.map((l) => ({ value: l, label: locale(l) })),
    statusOptions: USER_STATUSES.map((s) => ({ value: s, label: t(`web.userStatus.${s}`) })),
  };
}

export function userStatus(u: { disabled: boolean; invited: boolean }): UserStatus {
  return u.disabled ? 'disabled' : u.invited ? 'invited' : 'active';
}

/** Date and time in Stockholm time, in the interface language. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: 'Europe/Stockholm',
  }).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD) in the interface language. */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** A file size in kB or MB. */
export function formatBytes(bytes: number): string {
  const nf = (n: number) =>
    new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 }).format(n);
  if (bytes < 1024 * 1024) return `${nf(Math.max(1, bytes / 1024))} kB`;
  return `${nf(bytes / (1024 * 1024))} MB`;
}

/** A value from a form, trimmed; empty when absent. */
export function formValue(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** A value from a form, trimmed; null when empty (for fields that may be cleared). */
export function formValueOrNull(data: FormData, name: string): string | null {
  return formValue(data, name) || null;
}

/** A password from a form, exactly as typed. */
export function formSecret(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v : '';
}
