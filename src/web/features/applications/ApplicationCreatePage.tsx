import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useT, type Translate } from '../../i18n.js';
import {
  api,
  ApiError,
  type ApplicationInput,
  type CaseView,
  type InterventionView,
} from '../../api.js';
import { Page, Section } from '../../components/Page.js';
import { ErrorState, FormError, Loading } from '../../components/Alerts.js';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Fields.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { parseKronor, type MoneyProblem } from '../programme/money.js';
import { BreakdownTable, Money, WarningList } from '../programme/ProgrammeParts.js';
import { useProgramme } from '../programme/useProgramme.js';
import {
  COSTED_TYPES,
  daysBetween,
  formatMoney,
  MAX_PERIOD_DAYS,
  PERIOD_TYPES,
  useProgrammeVocabulary,
  type ApplicationType,
} from '../programme/vocabulary.js';
import { caseKey } from '../cases/CaseSections.js';
import { localProblem } from '../cases/CaseCreatePage.js';

const FIELDS = [
  'type',
  'caseId',
  'periodFrom',
  'periodTo',
  'childrenCount',
  'protection24h',
  'interventionCode',
  'quantity',
  'unitCostOre',
  'deductionsOre',
  'deductionsBy',
  'justification',
] as const;

/** How long typing must pause before the amount is calculated again. */
const QUOTE_DELAY_MS = 400;

interface Draft {
  type: string;
  periodFrom: string;
  periodTo: string;
  childrenCount: string;
  protection24h: boolean;
  interventionCode: string;
  quantity: string;
  unitCost: string;
  deductions: string;
  deductionsBy: string;
  justification: string;
}

export function moneyProblemText(t: Translate, problem: MoneyProblem): string {
  return t(`web.money.${problem}`);
}

/**
 * The draft as the API's input, or messages for fields that cannot be sent
 * as typed. For a quote, the justification may still be empty (the server
 * takes a quote without one).
 */
function toInput(
  d: Draft,
  caseId: string | null,
  category: InterventionView | undefined,
  t: Translate,
): { ok: true; value: ApplicationInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const type = d.type as ApplicationType;
  const period = PERIOD_TYPES.has(type);
  const intervention = type === 'intervention';
  const whole = (v: string, path: string, min: number): number | null => {
    const s = v.trim();
    if (s === '') return null;
    if (!/^\d{1,5}$/.test(s) || Number(s) < min) {
      errors[path] = t('web.applications.errors.wholeNumber', { minimum: min });
      return null;
    }
    return Number(s);
  };
  const money = (v: string, path: string): number | null => {
    const parsed = parseKronor(v);
    if (!parsed.ok) {
      errors[path] = moneyProblemText(t, parsed.problem);
      return null;
    }
    return parsed.ore;
  };
  const childrenCount = period ? (whole(d.childrenCount, 'childrenCount', 0) ?? 0) : 0;
  const quantity = intervention ? whole(d.quantity, 'quantity', 1) : null;
  const unitCostOre =
    intervention && category && category.unitPriceOre === null
      ? money(d.unitCost, 'unitCostOre')
      : null;
  const deductionsOre = COSTED_TYPES.has(type) ? (money(d.deductions, 'deductionsOre') ?? 0) : 0;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      caseId,
      type,
      periodFrom: period ? d.periodFrom || null : null,
      periodTo: period ? d.periodTo || null : null,
      interventionCode: intervention ? d.interventionCode || null : null,
      quantity,
      unitCostOre,
      childrenCount,
      protection24h: type === 'reflection' && d.protection24h,
      deductionsOre,
      deductionsBy: COSTED_TYPES.has(type) ? d.deductionsBy.trim() || null : null,
      justification: d.justification,
    },
  };
}

/** Whether enough is filled in for the amount to be worth calculating. */
function readyForQuote(d: Draft, category: InterventionView | undefined): boolean {
  const type = d.type as ApplicationType;
  if (PERIOD_TYPES.has(type)) return d.periodFrom !== '' && d.periodTo !== '';
  if (type === 'intervention')
    return (
      category !== undefined &&
      d.quantity.trim() !== '' &&
      (category.unitPriceOre !== null || d.unitCost.trim() !== '')
    );
  return d.type !== '';
}

/** A value that follows another after it has stopped changing for a while. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function ApplicationForm({ c }: { c: CaseView | null }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>({
    type: c ? '' : 'inquiry',
    periodFrom: '',
    periodTo: '',
    childrenCount: String(c?.background.childrenCount ?? 0),
    protection24h: false,
    interventionCode: '',
    quantity: '',
    unitCost: '',
    deductions: '',
    deductionsBy: '',
    justification: '',
  });
  const [local, setLocal] = useState<Record<string, string>>({});
  const [asked, setAsked] = useState('');
  const category = programme.intervention(draft.interventionCode || null);
  const type = draft.type as ApplicationType;

  // The amount: calculated when typing pauses, or at once with "Calculate".
  const forQuote = useMemo(
    () => toInput(draft, c?.id ?? null, category, t),
    [draft, c, category, t],
  );
  const current = forQuote.ok ? JSON.stringify(forQuote.value) : '';
  const settled = useSettled(
    forQuote.ok && readyForQuote(draft, category) ? current : '',
    QUOTE_DELAY_MS,
  );
  const quoteKey = asked !== '' && asked === current ? current : settled;
  const quote = useQuery({
    queryKey: ['quote', quoteKey],
    queryFn: () => api.quote(JSON.parse(quoteKey) as ApplicationInput),
    enabled: quoteKey !== '' && draft.type !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });

  const create = useMutation({
    mutationFn: (body: ApplicationInput) => api.createApplication(body),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['applications'] });
      if (c) void queryClient.invalidateQueries({ queryKey: caseKey(c.id) });
      void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
      void navigate(`/applications/${created.id}`, { state: { notice: 'submitted' } });
    },
  });

  const quoteErrors = quoteKey === current ? nestedFieldErrors(quote.error) : {};
  const localNow = forQuote.ok ? {} : forQuote.errors;
  const errors = { ...quoteErrors, ...nestedFieldErrors(create.error), ...localNow, ...local };
  const hasLocal = Object.keys(local).length > 0;
  const set =
    <K extends keyof Draft>(k: K) =>
    (v: Draft[K]) => {
      setLocal({});
      setDraft((d) => ({ ...d, [k]: v }));
    };
  const text = (k: Exclude<keyof Draft, 'protection24h'>, path: string = k) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) => set(k)(e.target.value),
    error: errors[path],
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = toInput(draft, c?.id ?? null, category, t);
    if (!parsed.ok) {
      create.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    create.mutate(parsed.value);
  };

  const max = MAX_PERIOD_DAYS[type];
  const days =
    draft.periodFrom && draft.periodTo ? daysBetween(draft.periodFrom, draft.periodTo) + 1 : null;
  const interventionOptions = programme.interventionOptions();
  const quoteData = quoteKey !== '' ? quote.data : undefined;
  const childrenForBreakdown = PERIOD_TYPES.has(type) ? Number(draft.childrenCount) || 0 : 0;

  return (
    <div className="columns">
      <form className="form" noValidate onSubmit={submit}>
        <FormError
          error={hasLocal ? localProblem(t('web.cases.checkFields')) : create.error}
          fields={hasLocal ? [] : shownPaths(create.error, FIELDS)}
        />
        {c ? (
          <SelectField
            label={t('web.applications.fields.type')}
            options={vocab.applicationTypeOptions}
            emptyLabel={draft.type ? undefined : t('web.common.choose')}
            required
            {...text('type')}
          />
        ) : (
          <p>{t('web.applications.create.inquiryOnly')}</p>
        )}
        {draft.type ? <p className="hint">{t(`web.applications.typeHints.${type}`)}</p> : null}

        {PERIOD_TYPES.has(type) ? (
          <fieldset className="form-group">
            <legend>{t('web.applications.fields.period')}</legend>
            <p className="hint">{t('web.applications.create.periodHint', { count: max ?? 0 })}</p>
            <div className="field-pair">
              <TextField
                label={t('web.applications.fields.periodFrom')}
                type="date"
                required
                {...text('periodFrom')}
              />
              <TextField
                label={t('web.applications.fields.periodTo')}
                type="date"
                required
                {...text('periodTo')}
              />
            </div>
            {days !== null && days > 0 ? (
              <p className="muted">{t('web.applications.create.periodDays', { count: days })}</p>
            ) : null}
            <TextField
              label={t('web.applications.fields.childrenCount')}
              hint={t('web.applications.create.childrenHint')}
              inputMode="numeric"
              autoComplete="off"
              className="field-number"
              {...text('childrenCount')}
            />
            {type === 'reflection' ? (
              <CheckboxField
                label={t('web.applications.fields.protection24h')}
                hint={t('web.applications.create.protectionHint')}
                checked={draft.protection24h}
                onChange={(e) => set('protection24h')(e.target.checked)}
                error={errors.protection24h}
              />
            ) : null}
          </fieldset>
        ) : null}

        {type === 'intervention' ? (
          <fieldset className="form-group">
            <legend>{t('web.applications.fields.intervention')}</legend>
            {programme.query.isError ? <ErrorState error={programme.query.error} /> : null}
            <SelectField
              label={t('web.applications.fields.interventionCode')}
              options={interventionOptions}
              emptyLabel={draft.interventionCode ? undefined : t('web.common.choose')}
              required
              {...text('interventionCode')}
            />
            {category ? (
              <p className="hint">
                {category.unitPriceOre !== null
                  ? t('web.applications.create.unitPrice', {
                      price: formatMoney(category.unitPriceOre),
                      unit: vocab.unit(category.unit),
                    })
                  : t('web.applications.create.ownCost', { unit: vocab.unit(category.unit) })}
                {category.capOre !== null
                  ? ` ${t('web.applications.create.cap', { cap: formatMoney(category.capOre) })}`
                  : ''}
              </p>
            ) : null}
            <div className="field-pair">
              <TextField
                label={
                  category
                    ? t('web.applications.fields.quantityIn', {
                        unit: vocab.unitPlural(category.unit),
                      })
                    : t('web.applications.fields.quantity')
                }
                inputMode="numeric"
                autoComplete="off"
                className="field-number"
                required
                {...text('quantity')}
              />
              {category && category.unitPriceOre === null ? (
                <TextField
                  label={t('web.applications.fields.unitCost')}
                  hint={t('web.money.hint')}
                  inputMode="decimal"
                  autoComplete="off"
                  required
                  {...text('unitCost', 'unitCostOre')}
                />
              ) : null}
            </div>
          </fieldset>
        ) : null}

        {COSTED_TYPES.has(type) ? (
          <fieldset className="form-group">
            <legend>{t('web.applications.fields.deductionsLegend')}</legend>
            <p className="hint">{t('web.applications.create.deductionsHint')}</p>
            <div className="field-pair">
              <TextField
                label={t('web.applications.fields.deductions')}
                hint={t('web.money.hint')}
                inputMode="decimal"
                autoComplete="off"
                {...text('deductions', 'deductionsOre')}
              />
              <TextField
                label={t('web.applications.fields.deductionsBy')}
                hint={t('web.applications.create.deductionsByHint')}
                autoComplete="off"
                maxLength={200}
                {...text('deductionsBy')}
              />
            </div>
          </fieldset>
        ) : null}

        <TextAreaField
          label={t('web.applications.fields.justification')}
          hint={t('web.applications.create.justificationHint')}
          maxLength={10_000}
          rows={6}
          required
          {...text('justification')}
        />
        <div className="button-row">
          <button
            type="button"
            className="button-secondary"
            disabled={!forQuote.ok || draft.type === ''}
            onClick={() => setAsked(current)}
          >
            {t('web.applications.quote.calculate')}
          </button>
          <button type="submit" disabled={create.isPending}>
            {t('web.applications.create.submit')}
          </button>
        </div>
      </form>

      <Section title={t('web.applications.quote.heading')}>
        <div aria-live="polite" aria-atomic="true" className="quote-amount">
          {quoteData ? (
            <p>
              {t('web.applications.quote.amount')}{' '}
              <strong className="amount">
                <Money ore={quoteData.breakdown.amountOre} />
              </strong>
            </p>
          ) : (
            <p className="muted">{t('web.applications.quote.notYet')}</p>
          )}
          {quote.isFetching ? (
            <p className="muted">{t('web.applications.quote.calculating')}</p>
          ) : null}
        </div>
        {quote.isError && quote.error instanceof ApiError && quoteKey === current ? (
          <div className="alert alert-info">
            <p>{t('web.applications.quote.failed')}</p>
            <p>{quote.error.message}</p>
          </div>
        ) : null}
        {quoteData ? (
          <>
            {COSTED_TYPES.has(type) ? (
              <BreakdownTable
                breakdown={quoteData.breakdown}
                childrenCount={childrenForBreakdown}
                caption={t('web.applications.breakdown.caption')}
                amountLabel={t('web.applications.breakdown.applied')}
              />
            ) : (
              <p>{t('web.applications.quote.noAmount')}</p>
            )}
            <h3>{t('web.applications.quote.warningsHeading')}</h3>
            <WarningList
              warnings={quoteData.warnings}
              title={t('web.applications.quote.warningsIntro')}
            />
          </>
        ) : null}
      </Section>
    </div>
  );
}

/** A new application in a case, or (without a case) an inquiry about a person. */
export function ApplicationCreatePage() {
  const t = useT();
  const [params] = useSearchParams();
  const caseId = params.get('caseId');
  const c = useQuery({
    queryKey: caseKey(caseId ?? ''),
    queryFn: () => api.case(caseId ?? ''),
    enabled: caseId !== null,
  });
  const title = caseId
    ? c.data
      ? t('web.applications.create.titleFor', { code: c.data.code })
      : t('web.applications.create.title')
    : t('web.applications.create.inquiryTitle');

  return (
    <Page title={title}>
      <p className="lead">
        {caseId ? t('web.applications.create.intro') : t('web.applications.create.inquiryIntro')}
      </p>
      {caseId && c.isPending ? <Loading /> : null}
      {caseId && c.isError ? <ErrorState error={c.error} onRetry={() => void c.refetch()} /> : null}
      {caseId && c.data ? <ApplicationForm key={c.data.id} c={c.data} /> : null}
      {caseId ? null : <ApplicationForm c={null} />}
      <p>
        {caseId ? (
          <Link to={`/cases/${caseId}`}>{t('web.applications.backToCase')}</Link>
        ) : (
          <Link to="/applications">{t('web.applications.backToList')}</Link>
        )}
      </p>
    </Page>
  );
}
