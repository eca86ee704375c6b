import { hasPermission, ROLES, type Permission, type Role } from '../server/core/access.js';
import type { County, OrganisationType } from '../server/core/reference.js';
import { intlLocale, useT } from './i18n.js';

/*
 * Roles and the permission table come from the server's access module, so
 * the menu offers exactly what the API allows. The vocabularies are listed
 * here (the server's reference module carries data the browser does not
 * need) and checked against the server's types: a code added there and
 * missing here fails the type check.
 */
export { hasPermission };
export type { County, OrganisationType, Permission, Role };

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

/** A value from a form, trimmed; empty when absent. */
export function formValue(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** A password from a form, exactly as typed. */
export function formSecret(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v : '';
}
