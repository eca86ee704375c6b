import ISO6391 from 'iso-639-1';
import countries from 'i18n-iso-countries';

/**
 * Controlled vocabularies shared across modules (domain.md §1, §3, §5). Codes
 * are stable identifiers; their Swedish and English names live in the
 * locale catalogues (`web.reference.*`).
 */

/** Swedish counties (län) by their official letter codes, plus nationwide and abroad. */
export const COUNTIES = [
  'AB', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'K', 'M', 'N', 'O', 'S', 'T', 'U', 'W', 'X', 'Y', 'Z', 'AC', 'BD',
  'national',
  'abroad',
] as const; // prettier-ignore
export type County = (typeof COUNTIES)[number];

export const ORGANISATION_TYPES = [
  'authority',
  'municipality',
  'ngo',
  'faith',
  'research_culture',
  'company',
  'partner_abroad',
  'other',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** Which authority, for organisations of type `authority`. */
export const AUTHORITY_KINDS = [
  'police',
  'migration_agency',
  'social_services',
  'county_board',
  'prosecution',
  'health_care',
  'employment_service',
  'crime_victim_authority',
  'other',
] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/** Membership in the civil-society platform. */
export const MEMBERSHIPS = ['member', 'partner', 'none'] as const;
export type Membership = (typeof MEMBERSHIPS)[number];

/** A contact person's role in the collaboration. */
export const CONTACT_ROLES = [
  'trafficking_contact',
  'regional_coordinator',
  'plan_update_responsible',
  'deputy',
] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

export const CERTIFICATION_STATUSES = ['applied', 'certified', 'suspended', 'expired'] as const;
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

export const WORKING_GROUP_PURPOSES = [
  'coordination',
  'refer_onwards_support',
  'prevention',
  'child_perspective',
  'consultation_response',
  'statutes',
  'other',
] as const;
export type WorkingGroupPurpose = (typeof WORKING_GROUP_PURPOSES)[number];

/** ISO 3166-1 alpha-2 country codes (names come from Intl.DisplayNames in each language). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(Object.keys(countries.getAlpha2Codes()));

/** ISO 639-1 language codes. */
export const LANGUAGE_CODES: ReadonlySet<string> = new Set(ISO6391.getAllCodes());
