import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { intlLocale, useT } from '../../i18n.js';
import type { Option } from '../../reference.js';
import { CheckboxField, TextField } from '../../components/Fields.js';
import { Money } from '../programme/ProgrammeParts.js';
import type {
  EntryKind,
  FixedCostKind,
  FundingKind,
  PeriodSummary,
  PostKind,
} from './budgetApi.js';
import { reportDownload } from './budgetApi.js';
import { formatBp } from './percent.js';

/*
 * Pieces the budget's pages share: the vocabularies, the period's status,
 * amounts that may be negative, the report links, the overdraw confirmation
 * and the date a page is shown at.
 */

export const FUNDING_KINDS = [
  'grant',
  'carried_over',
  'earmarked',
  'other_grant',
] as const satisfies readonly FundingKind[];
export const FIXED_COST_KINDS = [
  'coordinator_salary',
  'travel',
  'website',
  'other',
] as const satisfies readonly FixedCostKind[];
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const _allFunding: Exhaustive<FundingKind, (typeof FUNDING_KINDS)[number]> = true;
const _allFixed: Exhaustive<FixedCostKind, (typeof FIXED_COST_KINDS)[number]> = true;

/** Translated names of the budget's vocabularies, and options for select fields. */
export function useBudgetVocabulary() {
  const t = useT();
  const fundingKind = (v: FundingKind) => t(`web.budget.fundingKinds.${v}`);
  const fixedCostKind = (v: FixedCostKind) => t(`web.budget.fixedCostKinds.${v}`);
  const postKind = (v: PostKind) => t(`web.budget.postKinds.${v}`);
  const entryKind = (v: EntryKind) => t(`web.budget.entryKinds.${v}`);
  const options = <T extends string>(list: readonly T[], name: (v: T) => string): Option[] =>
    list.map((v) => ({ value: v, label: name(v) }));
  return {
    fundingKind,
    fixedCostKind,
    postKind,
    entryKind,
    fundingKindOptions: options(FUNDING_KINDS, fundingKind),
    fixedCostKindOptions: options(FIXED_COST_KINDS, fixedCostKind),
  };
}

/** A basis-point share as a percentage in the interface language. */
export function Percent({ bp }: { bp: number }) {
  return <span className="nowrap">{formatBp(bp, intlLocale())}</span>;
}

/** Open or closed, as a word (not by colour alone). */
export function PeriodStatusBadge({ status }: { status: PeriodSummary['status'] }) {
  const t = useT();
  return (
    <span className={status === 'open' ? 'badge badge-active' : 'badge badge-disabled'}>
      {t(`web.budget.status.${status}`)}
    </span>
  );
}

/** An amount that should not be negative (remaining funds, a result): below zero, it says so in words. */
export function Balance({ ore, strong = false }: { ore: number; strong?: boolean }) {
  const t = useT();
  const amount = strong ? (
    <strong>
      <Money ore={ore} />
    </strong>
  ) : (
    <Money ore={ore} />
  );
  if (ore >= 0) return amount;
  return (
    <span className="nowrap">
      {amount} <span className="badge badge-denied">{t('web.budget.negative')}</span>
    </span>
  );
}

/** The funder report: its page and its files, at a date. */
export function ReportLinks({
  periodId,
  date,
  withPage = true,
}: {
  periodId: string;
  date: string;
  withPage?: boolean;
}) {
  const t = useT();
  return (
    <div className="export-links" role="group" aria-label={t('web.budget.report.links')}>
      {withPage ? (
        <Link className="button button-secondary" to={`/budget/${periodId}/report?date=${date}`}>
          {t('web.budget.report.open')}
        </Link>
      ) : null}
      <a className="button button-secondary" href={reportDownload(periodId, 'xlsx', date)} download>
        {t('web.budget.report.xlsx')}
      </a>
      <a className="button button-secondary" href={reportDownload(periodId, 'pdf', date)} download>
        {t('web.budget.report.pdf')}
      </a>
    </div>
  );
}

/**
 * After the server refused because a post would be overdrawn: a checkbox to
 * send it again anyway. Shown only then; the caller resets it with the form.
 */
export function OverdrawConfirm({
  show,
  checked,
  onChange,
  label,
}: {
  show: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
}) {
  const t = useT();
  if (!show) return null;
  return (
    <CheckboxField
      label={label}
      hint={t('web.budget.overdraw.hint')}
      checked={checked}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date from the address, when it is one. */
export function dateParam(value: string | null): string | undefined {
  return value && ISO_DATE.test(value) ? value : undefined;
}

/** "Show the figures on": a date field with its own button (the chosen date goes to the address). */
export function DateForm({
  date,
  onChange,
  label,
  hint,
}: {
  date: string;
  onChange: (date: string) => void;
  label: string;
  hint?: string;
}) {
  const t = useT();
  const [draft, setDraft] = useState(date);
  const [seen, setSeen] = useState(date);
  const [problem, setProblem] = useState<string | null>(null);
  if (seen !== date) {
    setSeen(date);
    setDraft(date);
  }
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!ISO_DATE.test(draft)) {
      setProblem(t('web.budget.dateInvalid'));
      return;
    }
    setProblem(null);
    onChange(draft);
  };
  return (
    <form className="filters" aria-label={label} noValidate onSubmit={submit}>
      <div className="filter-fields">
        <TextField
          label={label}
          hint={hint}
          type="date"
          value={draft}
          required
          onChange={(e) => setDraft(e.target.value)}
          error={problem ?? undefined}
        />
      </div>
      <div className="button-row">
        <button type="submit">{t('web.budget.showAt')}</button>
      </div>
    </form>
  );
}
