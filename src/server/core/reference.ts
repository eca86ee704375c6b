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

/*
 * The support programme (domain.md §3). Background vocabularies follow the
 * Human Trafficking Case Data Standard (HTCDS) where it has one, so cases can
 * be exported in that format.
 */

/** HTCDS gender: woman, man, non-binary or other, unknown. */
export const GENDERS = ['woman', 'man', 'non_binary_other', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const AGE_BANDS = ['under_18', '18_25', '26_30', '31_35', '36_45', '46_plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** HTCDS exploitation types as recorded by the programme; a case may have several. */
export const EXPLOITATION_FORMS = [
  'sexual',
  'labour',
  'forced_criminality',
  'begging',
  'organ_removal',
  'other',
] as const;
export type ExploitationForm = (typeof EXPLOITATION_FORMS)[number];

export const POLICE_REPORT_ANSWERS = ['yes', 'no', 'unknown'] as const;
export type PoliceReportAnswer = (typeof POLICE_REPORT_ANSWERS)[number];

export const RESIDENCE_STATUSES = [
  'asylum_seeker',
  'undocumented',
  'eu_citizen',
  'swedish_citizen',
  'tut',
  'permanent_permit',
  'other',
] as const;
export type ResidenceStatus = (typeof RESIDENCE_STATUSES)[number];

/** Residence statuses that give the prerequisite for an integration period. */
export const INTEGRATION_PREREQUISITE_STATUSES: ReadonlySet<ResidenceStatus> = new Set([
  'eu_citizen',
  'swedish_citizen',
  'tut',
  'permanent_permit',
]);

export const HOUSING_SITUATIONS = [
  'protected_housing',
  'own_accommodation',
  'migration_agency_accommodation',
  'social_services_placement',
  'with_acquaintances',
  'homeless',
  'other',
  'unknown',
] as const;
export type HousingSituation = (typeof HOUSING_SITUATIONS)[number];

export const APPLICATION_TYPES = [
  'inquiry',
  'admission',
  'reflection',
  'integration',
  'intervention',
] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** Longest period one application may ask for, in days. */
export const MAX_PERIOD_DAYS: Readonly<Partial<Record<ApplicationType, number>>> = {
  reflection: 30,
  integration: 90,
};

/**
 * Where an application stands: in the coordinator's queue (`submitted`,
 * `under_processing`), waiting for the actor (`information_requested`),
 * waiting for a second approver (`awaiting_approval`), or `decided`.
 */
export const APPLICATION_STATUSES = [
  'submitted',
  'under_processing',
  'information_requested',
  'awaiting_approval',
  'decided',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const DECISION_OUTCOMES = [
  'granted',
  'partially_granted',
  'granted_with_condition',
  'denied',
  'information_requested',
  'under_processing',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Outcomes that end the processing of an application (the others keep it open). */
export const FINAL_OUTCOMES: ReadonlySet<DecisionOutcome> = new Set([
  'granted',
  'partially_granted',
  'granted_with_condition',
  'denied',
]);

export const INTERVENTION_UNITS = ['item', 'session', 'hour'] as const;
export type InterventionUnit = (typeof INTERVENTION_UNITS)[number];

/** Who pays for an intervention category: the programme, the actor itself, or another authority. */
export const COST_RESPONSIBILITIES = ['programme', 'actor', 'authority'] as const;
export type CostResponsibility = (typeof COST_RESPONSIBILITIES)[number];

/** Rule checks the coordinator sees as warnings, with reasons (domain.md §3). */
export const RULE_WARNINGS = [
  'police_report',
  'reflection_over_30_days',
  'integration_without_prerequisite',
  'period_passed',
  'actor_responsibility',
  'authority_responsibility',
  'above_cap',
] as const;
export type RuleWarning = (typeof RULE_WARNINGS)[number];
