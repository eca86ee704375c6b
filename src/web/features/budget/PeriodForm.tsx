import { useEffect, useId, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useT, type Translate } from '../../i18n.js';
import { api, type CaseSummary } from '../../api.js';
import { hasPermission, type Option } from '../../reference.js';
import { useSession } from '../../session.js';
import { SelectField, TextField } from '../../components/Fields.js';
import { oreToKronorInput, parseKronor } from '../programme/money.js';
import { Money } from '../programme/ProgrammeParts.js';
import { decimalSeparator } from '../programme/vocabulary.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';
import type { FixedCostKind, FundingKind, PeriodCreateInput, PeriodDetail } from './budgetApi.js';
import { Balance, Percent, useBudgetVocabulary } from './BudgetParts.js';
import { bpToPercentInput, overheadOf, parsePercent } from './percent.js';

/*
 * The period's own figures, for creating a period and for changing one: its
 * name, (when new) its dates, the overhead share, and the editable rows of
 * funding sources and fixed costs.
 */

export const PERIOD_FIELDS = [
  'name',
  'startsOn',
  'endsOn',
  'overheadBp',
  'fundingSources',
  'fixedCosts',
] as const;

interface FundingDraft {
  key: number;
  kind: FundingKind;
  name: string;
  amount: string;
  caseId: string;
}

interface FixedDraft {
  key: number;
  kind: FixedCostKind;
  name: string;
  amount: string;
}

export interface PeriodDraft {
  name: string;
  startsOn: string;
  endsOn: string;
  overhead: string;
  funding: FundingDraft[];
  fixed: FixedDraft[];
}

let nextKey = 1;
const newKey = () => nextKey++;

export function draftFromPeriod(p: PeriodDetail | null): PeriodDraft {
  const sep = decimalSeparator();
  return {
    name: p?.name ?? '',
    startsOn: p?.startsOn ?? '',
    endsOn: p?.endsOn ?? '',
    overhead: bpToPercentInput(p?.overheadBp ?? 1000, sep),
    funding: (p?.fundingSources ?? []).map((f) => ({
      key: newKey(),
      kind: f.kind,
      name: f.name,
      amount: oreToKronorInput(f.amountOre, sep),
      caseId: f.caseId ?? '',
    })),
    fixed: (p?.fixedCosts ?? []).map((f) => ({
      key: newKey(),
      kind: f.kind,
      name: f.name,
      amount: oreToKronorInput(f.amountOre, sep),
    })),
  };
}

type Parsed =
  | { ok: true; value: Required<Omit<PeriodCreateInput, 'startsOn' | 'endsOn'>> & PeriodDates }
  | { ok: false; errors: Record<string, string> };
type PeriodDates = { startsOn: string; endsOn: string };

/** The draft as the API's input, or messages for the fields that cannot be sent as typed. */
export function periodFromDraft(d: PeriodDraft, t: Translate, withDates: boolean): Parsed {
  const errors: Record<string, string> = {};
  if (!d.name.trim()) errors.name = t('web.budget.form.required');
  if (withDates) {
    if (!d.startsOn) errors.startsOn = t('web.budget.form.required');
    if (!d.endsOn) errors.endsOn = t('web.budget.form.required');
    if (d.startsOn && d.endsOn && d.endsOn < d.startsOn)
      errors.endsOn = t('web.budget.form.endBeforeStart');
  }
  const overhead = parsePercent(d.overhead);
  if (!overhead.ok) errors.overheadBp = t(`web.budget.percent.${overhead.problem}`);
  const amount = (v: string, path: string): number => {
    const parsed = parseKronor(v);
    if (!parsed.ok) errors[path] = moneyProblemText(t, parsed.problem);
    else if (parsed.ore === null) errors[path] = t('web.budget.form.required');
    return parsed.ok ? (parsed.ore ?? 0) : 0;
  };
  const fundingSources = d.funding.map((f, i) => {
    if (!f.name.trim()) errors[`fundingSources.${i}.name`] = t('web.budget.form.required');
    return {
      kind: f.kind,
      name: f.name.trim(),
      amountOre: amount(f.amount, `fundingSources.${i}.amountOre`),
      caseId: f.kind === 'earmarked' && f.caseId ? f.caseId : null,
    };
  });
  const fixedCosts = d.fixed.map((f, i) => {
    if (!f.name.trim()) errors[`fixedCosts.${i}.name`] = t('web.budget.form.required');
    return {
      kind: f.kind,
      name: f.name.trim(),
      amountOre: amount(f.amount, `fixedCosts.${i}.amountOre`),
    };
  });
  if (Object.keys(errors).length > 0 || !overhead.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: d.name.trim(),
      startsOn: d.startsOn,
      endsOn: d.endsOn,
      overheadBp: overhead.bp,
      fundingSources,
      fixedCosts,
    },
  };
}

/** Sum of typed amounts, or null while one of them cannot be read. */
function sumOf(amounts: readonly string[]): number | null {
  let sum = 0;
  for (const a of amounts) {
    const parsed = parseKronor(a);
    if (!parsed.ok) return null;
    sum += parsed.ore ?? 0;
  }
  return sum;
}

/**
 * The cases an earmarked fund may name (all of them, page by page; the
 * programme has a few hundred at most). Only people who may read cases get
 * the list; others keep the case a row already names.
 */
function useCaseOptions(known: readonly Option[]): { options: Option[]; canList: boolean } {
  const session = useSession();
  const canList = session ? hasPermission(session.user.role, 'cases.read') : false;
  const cases = useQuery({
    queryKey: ['cases', 'all-for-budget'],
    enabled: canList,
    staleTime: 60_000,
    queryFn: async () => {
      const all: CaseSummary[] = [];
      for (let page = 1; page <= 40; page++) {
        const reply = await api.cases({ page });
        all.push(...reply.items);
        if (all.length >= reply.total || reply.items.length === 0) break;
      }
      return all;
    },
  });
  const options: Option[] = [...known];
  for (const c of cases.data ?? [])
    if (!options.some((o) => o.value === c.id))
      options.push({ value: c.id, label: `${c.code} (${c.ownerOrganisationName})` });
  options.sort((a, b) => a.label.localeCompare(b.label));
  return { options, canList };
}

/**
 * Moves focus to a row's first field after it is added, and to the add button
 * after a removal (the element is found by its id once the list has rendered).
 */
function useRowFocus() {
  const base = useId();
  const pending = useRef<string | null>(null);
  useEffect(() => {
    const id = pending.current;
    if (!id) return;
    pending.current = null;
    const el = document.getElementById(id);
    const target =
      el instanceof HTMLButtonElement ? el : el?.querySelector<HTMLElement>('select, input');
    target?.focus();
  });
  const rowId = (key: number) => `${base}-row-${key}`;
  const addId = `${base}-add`;
  return {
    rowId,
    addId,
    focusRow: (key: number) => {
      pending.current = rowId(key);
    },
    focusAdd: () => {
      pending.current = addId;
    },
  };
}

function FundingRows({
  rows,
  onChange,
  errors,
  knownCases,
}: {
  rows: FundingDraft[];
  onChange: (rows: FundingDraft[]) => void;
  errors: Record<string, string>;
  knownCases: readonly Option[];
}) {
  const t = useT();
  const vocab = useBudgetVocabulary();
  const cases = useCaseOptions(knownCases);
  const focus = useRowFocus();
  const set = (i: number, patch: Partial<FundingDraft>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="form-group">
      <legend>{t('web.budget.funding.heading')}</legend>
      <p className="hint">{t('web.budget.funding.hint')}</p>
      {errors.fundingSources && rows.length === 0 ? (
        <p className="field-error">{errors.fundingSources}</p>
      ) : null}
      {rows.length === 0 ? <p className="empty">{t('web.budget.funding.empty')}</p> : null}
      {rows.map((r, i) => {
        const n = i + 1;
        return (
          <fieldset key={r.key} id={focus.rowId(r.key)} className="form-group">
            <legend>{t('web.budget.funding.row', { n })}</legend>
            <div className="field-pair">
              <SelectField
                label={t('web.budget.funding.kind')}
                options={vocab.fundingKindOptions}
                value={r.kind}
                onChange={(e) => set(i, { kind: e.target.value as FundingKind })}
                error={errors[`fundingSources.${i}.kind`]}
              />
              <TextField
                label={t('web.budget.funding.name')}
                hint={t('web.budget.funding.nameHint')}
                autoComplete="off"
                maxLength={200}
                value={r.name}
                onChange={(e) => set(i, { name: e.target.value })}
                error={errors[`fundingSources.${i}.name`]}
              />
              <TextField
                label={t('web.budget.amount')}
                hint={t('web.money.hint')}
                inputMode="decimal"
                autoComplete="off"
                value={r.amount}
                onChange={(e) => set(i, { amount: e.target.value })}
                error={errors[`fundingSources.${i}.amountOre`]}
              />
              {r.kind === 'earmarked' ? (
                <SelectField
                  label={t('web.budget.funding.case')}
                  hint={
                    cases.canList
                      ? t('web.budget.funding.caseHint')
                      : t('web.budget.funding.caseHintNoList')
                  }
                  options={cases.options}
                  emptyLabel={t('web.budget.funding.noCase')}
                  value={r.caseId}
                  onChange={(e) => set(i, { caseId: e.target.value })}
                  error={errors[`fundingSources.${i}.caseId`]}
                />
              ) : null}
            </div>
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                onChange(rows.filter((_, j) => j !== i));
                focus.focusAdd();
              }}
            >
              {t('web.budget.funding.remove', { n })}
            </button>
          </fieldset>
        );
      })}
      <button
        id={focus.addId}
        type="button"
        className="button-secondary"
        onClick={() => {
          const key = newKey();
          onChange([...rows, { key, kind: 'grant', name: '', amount: '', caseId: '' }]);
          focus.focusRow(key);
        }}
      >
        {t('web.budget.funding.add')}
      </button>
    </fieldset>
  );
}

function FixedRows({
  rows,
  onChange,
  errors,
}: {
  rows: FixedDraft[];
  onChange: (rows: FixedDraft[]) => void;
  errors: Record<string, string>;
}) {
  const t = useT();
  const vocab = useBudgetVocabulary();
  const focus = useRowFocus();
  const set = (i: number, patch: Partial<FixedDraft>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="form-group">
      <legend>{t('web.budget.fixed.heading')}</legend>
      <p className="hint">{t('web.budget.fixed.hint')}</p>
      {rows.length === 0 ? <p className="empty">{t('web.budget.fixed.empty')}</p> : null}
      {rows.map((r, i) => {
        const n = i + 1;
        return (
          <fieldset key={r.key} id={focus.rowId(r.key)} className="form-group">
            <legend>{t('web.budget.fixed.row', { n })}</legend>
            <div className="field-pair">
              <SelectField
                label={t('web.budget.fixed.kind')}
                options={vocab.fixedCostKindOptions}
                value={r.kind}
                onChange={(e) => set(i, { kind: e.target.value as FixedCostKind })}
                error={errors[`fixedCosts.${i}.kind`]}
              />
              <TextField
                label={t('web.budget.fixed.name')}
                autoComplete="off"
                maxLength={200}
                value={r.name}
                onChange={(e) => set(i, { name: e.target.value })}
                error={errors[`fixedCosts.${i}.name`]}
              />
              <TextField
                label={t('web.budget.amount')}
                hint={t('web.money.hint')}
                inputMode="decimal"
                autoComplete="off"
                value={r.amount}
                onChange={(e) => set(i, { amount: e.target.value })}
                error={errors[`fixedCosts.${i}.amountOre`]}
              />
            </div>
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                onChange(rows.filter((_, j) => j !== i));
                focus.focusAdd();
              }}
            >
              {t('web.budget.fixed.remove', { n })}
            </button>
          </fieldset>
        );
      })}
      <button
        id={focus.addId}
        type="button"
        className="button-secondary"
        onClick={() => {
          const key = newKey();
          onChange([...rows, { key, kind: 'coordinator_salary', name: '', amount: '' }]);
          focus.focusRow(key);
        }}
      >
        {t('web.budget.fixed.add')}
      </button>
    </fieldset>
  );
}

/** What the typed figures add up to: funds, fixed costs, overhead, and what is left for the posts. */
function DraftSummary({ draft }: { draft: PeriodDraft }) {
  const t = useT();
  const funds = sumOf(draft.funding.map((f) => f.amount));
  const fixed = sumOf(draft.fixed.map((f) => f.amount));
  const share = parsePercent(draft.overhead);
  const overhead = funds !== null && share.ok ? overheadOf(funds, share.bp) : null;
  const left =
    funds !== null && fixed !== null && overhead !== null ? funds - fixed - overhead : null;
  const show = (ore: number | null) => (ore === null ? '–' : <Money ore={ore} />);
  return (
    <dl className="details">
      <dt>{t('web.budget.figures.funds')}</dt>
      <dd>{show(funds)}</dd>
      <dt>{t('web.budget.figures.fixedCosts')}</dt>
      <dd>{show(fixed)}</dd>
      <dt>
        {t('web.budget.figures.overhead')}
        {share.ok ? (
          <>
            {' '}
            (<Percent bp={share.bp} />)
          </>
        ) : null}
      </dt>
      <dd>{show(overhead)}</dd>
      <dt>{t('web.budget.figures.forPosts')}</dt>
      <dd>{left === null ? '–' : <Balance ore={left} strong />}</dd>
    </dl>
  );
}

/** The period's fields; dates only when it is new (a period's dates stay). */
export function PeriodFields({
  draft,
  onChange,
  errors,
  withDates,
  knownCases = [],
  headingLevel = 3,
}: {
  draft: PeriodDraft;
  onChange: (next: PeriodDraft) => void;
  errors: Record<string, string>;
  withDates: boolean;
  /** Cases the period's rows already name (shown even without the case list). */
  knownCases?: readonly Option[];
  /** The level of the summary's heading: one below the heading the form sits under. */
  headingLevel?: 2 | 3;
}) {
  const t = useT();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const text = (k: 'name' | 'startsOn' | 'endsOn' | 'overhead', path: string = k) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) => onChange({ ...draft, [k]: e.target.value }),
    error: errors[path],
  });
  return (
    <>
      <TextField
        label={t('web.budget.fields.name')}
        hint={t('web.budget.fields.nameHint')}
        autoComplete="off"
        maxLength={120}
        required
        {...text('name')}
      />
      {withDates ? (
        <div className="field-pair">
          <TextField
            label={t('web.budget.fields.startsOn')}
            type="date"
            required
            {...text('startsOn')}
          />
          <TextField
            label={t('web.budget.fields.endsOn')}
            hint={t('web.budget.fields.endsOnHint')}
            type="date"
            required
            min={draft.startsOn || undefined}
            {...text('endsOn')}
          />
        </div>
      ) : null}
      <TextField
        label={t('web.budget.fields.overhead')}
        hint={t('web.budget.fields.overheadHint')}
        inputMode="decimal"
        autoComplete="off"
        className="field-number"
        required
        {...text('overhead', 'overheadBp')}
      />
      <FundingRows
        rows={draft.funding}
        onChange={(funding) => onChange({ ...draft, funding })}
        errors={errors}
        knownCases={knownCases}
      />
      <FixedRows
        rows={draft.fixed}
        onChange={(fixed) => onChange({ ...draft, fixed })}
        errors={errors}
      />
      <div className="form-group">
        <Heading>{t('web.budget.figures.draftHeading')}</Heading>
        <DraftSummary draft={draft} />
      </div>
    </>
  );
}
