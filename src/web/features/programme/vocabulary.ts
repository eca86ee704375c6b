import type {
  AgeBand,
  ApplicationStatus,
  ApplicationType,
  CostResponsibility,
  DecisionOutcome,
  ExploitationForm,
  Gender,
  HousingSituation,
  InterventionUnit,
  PoliceReportAnswer,
  ResidenceStatus,
  RuleWarning,
} from '../../../server/core/reference.js';
import { currentLanguage, intlLocale, useT, type WebKey } from '../../i18n.js';
import type { Option } from '../../reference.js';
import { formatOre } from './money.js';

/*
 * The support programme's vocabularies (domain.md §3), listed here rather
 * than imported (the server's reference module carries data the browser
 * does not need) and checked against the server's types: a code added there
 * and missing here fails the type check.
 */
export type {
  AgeBand,
  ApplicationStatus,
  ApplicationType,
  CostResponsibility,
  DecisionOutcome,
  ExploitationForm,
  Gender,
  HousingSituation,
  InterventionUnit,
  PoliceReportAnswer,
  ResidenceStatus,
  RuleWarning,
};

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

export const GENDERS = [
  'woman',
  'man',
  'non_binary_other',
  'unknown',
] as const satisfies readonly Gender[];
const _allGenders: Exhaustive<Gender, (typeof GENDERS)[number]> = true;

export const AGE_BANDS = [
  'under_18',
  '18_25',
  '26_30',
  '31_35',
  '36_45',
  '46_plus',
] as const satisfies readonly AgeBand[];
const _allAgeBands: Exhaustive<AgeBand, (typeof AGE_BANDS)[number]> = true;

export const EXPLOITATION_FORMS = [
  'sexual',
  'labour',
  'forced_criminality',
  'begging',
  'organ_removal',
  'other',
] as const satisfies readonly ExploitationForm[];
const _allForms: Exhaustive<ExploitationForm, (typeof EXPLOITATION_FORMS)[number]> = true;

export const POLICE_REPORT_ANSWERS = [
  'yes',
  'no',
  'unknown',
] as const satisfies readonly PoliceReportAnswer[];
const _allPoliceAnswers: Exhaustive<PoliceReportAnswer, (typeof POLICE_REPORT_ANSWERS)[number]> =
  true;

export const RESIDENCE_STATUSES = [
  'asylum_seeker',
  'undocumented',
  'eu_citizen',
  'swedish_citizen',
  'tut',
  'permanent_permit',
  'other',
] as const satisfies readonly ResidenceStatus[];
const _allResidence: Exhaustive<ResidenceStatus, (typeof RESIDENCE_STATUSES)[number]> = true;

export const HOUSING_SITUATIONS = [
  'protected_housing',
  'own_accommodation',
  'migration_agency_accommodation',
  'social_services_placement',
  'with_acquaintances',
  'homeless',
  'other',
  'unknown',
] as const satisfies readonly HousingSituation[];
const _allHousing: Exhaustive<HousingSituation, (typeof HOUSING_SITUATIONS)[number]> = true;

export const APPLICATION_TYPES = [
  'inquiry',
  'admission',
  'reflection',
  'integration',
  'intervention',
] as const satisfies readonly ApplicationType[];
const _allTypes: Exhaustive<ApplicationType, (typeof APPLICATION_TYPES)[number]> = true;

export const APPLICATION_STATUSES = [
  'submitted',
  'under_processing',
  'information_requested',
  'awaiting_approval',
  'decided',
] as const satisfies readonly ApplicationStatus[];
const _allStatuses: Exhaustive<ApplicationStatus, (typeof APPLICATION_STATUSES)[number]> = true;

export const DECISION_OUTCOMES = [
  'granted',
  'partially_granted',
  'granted_with_condition',
  'denied',
  'information_requested',
  'under_processing',
] as const satisfies readonly DecisionOutcome[];
const _allOutcomes: Exhaustive<DecisionOutcome, (typeof DECISION_OUTCOMES)[number]> = true;

/** Outcomes that end the processing of an application (as the server's FINAL_OUTCOMES). */
export const FINAL_OUTCOMES: ReadonlySet<DecisionOutcome> = new Set([
  'granted',
  'partially_granted',
  'granted_with_condition',
  'denied',
]);

export const INTERVENTION_UNITS = [
  'item',
  'session',
  'hour',
] as const satisfies readonly InterventionUnit[];
const _allUnits: Exhaustive<InterventionUnit, (typeof INTERVENTION_UNITS)[number]> = true;

export const COST_RESPONSIBILITIES = [
  'programme',
  'actor',
  'authority',
] as const satisfies readonly CostResponsibility[];
const _allResponsibilities: Exhaustive<CostResponsibility, (typeof COST_RESPONSIBILITIES)[number]> =
  true;

export const RULE_WARNINGS = [
  'police_report',
  'reflection_over_30_days',
  'integration_without_prerequisite',
  'period_passed',
  'actor_responsibility',
  'authority_responsibility',
  'above_cap',
] as const satisfies readonly RuleWarning[];
const _allWarnings: Exhaustive<RuleWarning, (typeof RULE_WARNINGS)[number]> = true;

/** Longest period one application may ask for, in days (the server's MAX_PERIOD_DAYS). */
export const MAX_PERIOD_DAYS: Readonly<Partial<Record<ApplicationType, number>>> = {
  reflection: 30,
  integration: 90,
};

/** Types that are about a period of days. */
export const PERIOD_TYPES: ReadonlySet<ApplicationType> = new Set(['reflection', 'integration']);
/** Types that carry an amount (and so may have deductions). */
export const COSTED_TYPES: ReadonlySet<ApplicationType> = new Set([
  'reflection',
  'integration',
  'intervention',
]);

function isOneOf<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

export const isApplicationType = (v: string): v is ApplicationType => isOneOf(APPLICATION_TYPES, v);
export const isDecisionOutcome = (v: string): v is DecisionOutcome => isOneOf(DECISION_OUTCOMES, v);

/** The Intl locale for amounts in SEK: Swedish, or English as used in Sweden. */
export function moneyLocale(): string {
  return currentLanguage() === 'sv' ? 'sv-SE' : 'en-SE';
}

/** An amount in öre as SEK in the interface language. */
export function formatMoney(ore: number): string {
  return formatOre(ore, moneyLocale());
}

/** The decimal separator people type in the interface language. */
export function decimalSeparator(): ',' | '.' {
  return currentLanguage() === 'sv' ? ',' : '.';
}

/** A whole number in the interface language (with its group separator). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat(intlLocale()).format(n);
}

/** Today's date in Stockholm as YYYY-MM-DD. */
export function todayInStockholm(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Whole days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/*
 * Catalogue keys ending in _other are read as plural forms, so this code's
 * name has a key of its own.
 */
const GENDER_KEYS: Record<Gender, WebKey> = {
  woman: 'web.background.genders.woman',
  man: 'web.background.genders.man',
  non_binary_other: 'web.background.genders.nonBinaryOrOther',
  unknown: 'web.background.genders.unknown',
};

/** Translated names of the programme's vocabularies, and options for select fields. */
export function useProgrammeVocabulary() {
  const t = useT();
  const gender = (v: Gender) => t(GENDER_KEYS[v]);
  const ageBand = (v: AgeBand) => t(`web.background.ageBands.${v}`);
  const exploitationForm = (v: ExploitationForm) => t(`web.background.exploitationForms.${v}`);
  const policeReport = (v: PoliceReportAnswer) => t(`web.background.policeReports.${v}`);
  const residenceStatus = (v: ResidenceStatus) => t(`web.background.residenceStatuses.${v}`);
  const housingSituation = (v: HousingSituation) => t(`web.background.housingSituations.${v}`);
  const applicationType = (v: ApplicationType) => t(`web.applications.types.${v}`);
  const applicationStatus = (v: ApplicationStatus) => t(`web.applications.statuses.${v}`);
  const outcome = (v: DecisionOutcome) => t(`web.outcomes.${v}`);
  const unit = (v: InterventionUnit) => t(`web.programme.units.${v}`);
  const unitPlural = (v: InterventionUnit) => t(`web.programme.unitsPlural.${v}`);
  const responsibility = (v: CostResponsibility) => t(`web.programme.responsibilities.${v}`);
  const options = <T extends string>(list: readonly T[], name: (v: T) => string): Option[] =>
    list.map((v) => ({ value: v, label: name(v) }));
  return {
    gender,
    ageBand,
    exploitationForm,
    policeReport,
    residenceStatus,
    housingSituation,
    applicationType,
    /** A type as stored (a string in some replies); unknown codes are shown as they are. */
    typeName: (v: string | null) => (v && isApplicationType(v) ? applicationType(v) : (v ?? '')),
    applicationStatus,
    outcome,
    outcomeName: (v: string | null) => (v && isDecisionOutcome(v) ? outcome(v) : (v ?? '')),
    unit,
    unitPlural,
    responsibility,
    genderOptions: options(GENDERS, gender),
    ageBandOptions: options(AGE_BANDS, ageBand),
    exploitationFormOptions: options(EXPLOITATION_FORMS, exploitationForm),
    policeReportOptions: options(POLICE_REPORT_ANSWERS, policeReport),
    residenceStatusOptions: options(RESIDENCE_STATUSES, residenceStatus),
    housingSituationOptions: options(HOUSING_SITUATIONS, housingSituation),
    applicationTypeOptions: options(APPLICATION_TYPES, applicationType),
    applicationStatusOptions: options(APPLICATION_STATUSES, applicationStatus),
    outcomeOptions: options(DECISION_OUTCOMES, outcome),
    unitOptions: options(INTERVENTION_UNITS, unit),
    responsibilityOptions: options(COST_RESPONSIBILITIES, responsibility),
  };
}
