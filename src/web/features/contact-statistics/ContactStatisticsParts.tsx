import { useT, intlLocale } from '../../i18n.js';
import type { ExploitationForm, Gender } from '../../../server/core/reference.js';
import type { AgeGroup, Certainty, ReportStatus } from './contactStatisticsApi.js';

/*
 * Pieces the contact statistics' pages share: the vocabularies in the order
 * the server uses (checked against its types), their names, a report's
 * status as a word, and whole numbers as typed.
 */

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

export const CERTAINTIES = [
  'possible',
  'probable',
  'suspected',
] as const satisfies readonly Certainty[];
export const GENDERS = [
  'woman',
  'man',
  'non_binary_other',
  'unknown',
] as const satisfies readonly Gender[];
export const AGE_GROUPS = ['adult', 'child', 'unknown'] as const satisfies readonly AgeGroup[];
export const FORMS = [
  'sexual',
  'labour',
  'forced_criminality',
  'begging',
  'organ_removal',
  'other',
] as const satisfies readonly ExploitationForm[];
const _allCertainties: Exhaustive<Certainty, (typeof CERTAINTIES)[number]> = true;
const _allGenders: Exhaustive<Gender, (typeof GENDERS)[number]> = true;
const _allAgeGroups: Exhaustive<AgeGroup, (typeof AGE_GROUPS)[number]> = true;
const _allForms: Exhaustive<ExploitationForm, (typeof FORMS)[number]> = true;

/** Persons in one cell or one total at most (the server's bound). */
export const MAX_PERSONS = 100_000;

const GENDER_KEYS = {
  woman: 'woman',
  man: 'man',
  non_binary_other: 'nonBinaryOrOther',
  unknown: 'unknown',
} as const;

/** Translated names of the vocabularies (genders and forms as the case background names them). */
export function useStatisticsVocabulary() {
  const t = useT();
  return {
    certainty: (c: Certainty) => t(`web.contactStatistics.certainties.${c}`),
    gender: (g: Gender) => t(`web.background.genders.${GENDER_KEYS[g]}`),
    ageGroup: (a: AgeGroup) => t(`web.contactStatistics.ageGroups.${a}`),
    form: (f: ExploitationForm) => t(`web.background.exploitationForms.${f}`),
  };
}

const STATUS_BADGES: Record<ReportStatus, string> = {
  not_started: 'badge badge-disabled',
  draft: 'badge badge-pending',
  submitted: 'badge badge-success',
  reopened: 'badge badge-pending',
};

/** Where a report stands, as a word (not by colour alone). */
export function ReportStatusBadge({ status }: { status: ReportStatus }) {
  const t = useT();
  return (
    <span className={STATUS_BADGES[status]}>{t(`web.contactStatistics.status.${status}`)}</span>
  );
}

/** A count in the interface language ("1 234" or "1,234"). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat(intlLocale()).format(n);
}

export type CountProblem = 'wholeNumber' | 'tooLarge';

/**
 * A number of persons as typed: empty is `null`; otherwise a whole number
 * from 0 to {@link MAX_PERSONS} (spaces allowed as thousands separators).
 */
export function parseCount(
  text: string,
): { ok: true; value: number | null } | { ok: false; problem: CountProblem } {
  const s = text.replace(/[\s\u00a0\u202f]/g, '');
  if (s === '') return { ok: true, value: null };
  if (!/^\d+$/.test(s)) return { ok: false, problem: 'wholeNumber' };
  const n = Number(s);
  return n > MAX_PERSONS ? { ok: false, problem: 'tooLarge' } : { ok: true, value: n };
}
