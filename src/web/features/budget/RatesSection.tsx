import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Section } from '../../components/Page.js';
import { EmptyState, FormError, Notice } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { oreToKronorInput, parseKronor } from '../programme/money.js';
import { Money } from '../programme/ProgrammeParts.js';
import { useProgramme } from '../programme/useProgramme.js';
import { decimalSeparator, useProgrammeVocabulary } from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';
import { budgetApi, budgetKeys, type PeriodDetail, type RatesInput } from './budgetApi.js';

type DailyKey =
  | 'reflectionDailyOre'
  | 'reflectionChildDailyOre'
  | 'protectionDailyOre'
  | 'integrationDailyOre'
  | 'integrationChildDailyOre';

const DAILY: ReadonlyArray<{ key: DailyKey; group: 'reflection' | 'integration' }> = [
  { key: 'reflectionDailyOre', group: 'reflection' },
  { key: 'reflectionChildDailyOre', group: 'reflection' },
  { key: 'protectionDailyOre', group: 'reflection' },
  { key: 'integrationDailyOre', group: 'integration' },
  { key: 'integrationChildDailyOre', group: 'integration' },
];

const RATE_FIELDS = [...DAILY.map((d) => d.key), 'interventions'] as const;

type Interventions = PeriodDetail['rates']['interventions'];

interface Draft {
  daily: Record<DailyKey, string>;
  /** Per intervention code: the unit price and the cap, as typed. */
  interventions: Record<string, { price: string; cap: string }>;
}

function draftOf(rates: PeriodDetail['rates']): Draft {
  const sep = decimalSeparator();
  const daily = Object.fromEntries(
    DAILY.map((d) => [d.key, oreToKronorInput(rates[d.key], sep)]),
  ) as Record<DailyKey, string>;
  const interventions = Object.fromEntries(
    (rates.interventions ?? []).map((i) => [
      i.code,
      { price: oreToKronorInput(i.unitPriceOre, sep), cap: oreToKronorInput(i.capOre, sep) },
    ]),
  );
  return { daily, interventions };
}

/** A money field in a table cell: its label is the row and column, read by screen readers. */
function CellInput({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
}) {
  const id = useId();
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The period's rates: daily rates and supplements for reflection and
 * integration, and the intervention categories' unit prices (e.g. a lawyer's
 * hourly rate) and caps. New rates apply to applications submitted from now on.
 */
export function RatesSection({ period }: { period: PeriodDetail }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(period.rates));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const open = period.status === 'open';
  const interventions: Interventions = period.rates.interventions ?? [];
  const save = useMutation({
    mutationFn: (body: RatesInput) => budgetApi.setRates(period.id, body),
    onSuccess: (reply) => {
      queryClient.setQueryData(budgetKeys.period(period.id), reply);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.periods });
      setDraft(draftOf(reply.rates));
      setSaved(true);
    },
  });
  const errors = { ...nestedFieldErrors(save.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const daily = (k: DailyKey) => ({
    value: draft.daily[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, daily: { ...d.daily, [k]: e.target.value } })),
    error: errors[k],
  });
  const setIntervention = (code: string, part: 'price' | 'cap', v: string) =>
    setDraft((d) => {
      const row = d.interventions[code] ?? { price: '', cap: '' };
      return { ...d, interventions: { ...d.interventions, [code]: { ...row, [part]: v } } };
    });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const problems: Record<string, string> = {};
    const body: Partial<Record<DailyKey, number>> = {};
    for (const d of DAILY) {
      const parsed = parseKronor(draft.daily[d.key]);
      if (!parsed.ok) problems[d.key] = moneyProblemText(t, parsed.problem);
      else if (parsed.ore === null) problems[d.key] = t('web.budget.form.required');
      else body[d.key] = parsed.ore;
    }
    const rows = interventions.map((i, n) => {
      const typed = draft.interventions[i.code] ?? { price: '', cap: '' };
      const price = parseKronor(typed.price);
      const cap = parseKronor(typed.cap);
      if (!price.ok)
        problems[`interventions.${n}.unitPriceOre`] = moneyProblemText(t, price.problem);
      if (!cap.ok) problems[`interventions.${n}.capOre`] = moneyProblemText(t, cap.problem);
      return {
        code: i.code,
        unitPriceOre: price.ok ? price.ore : null,
        capOre: cap.ok ? cap.ore : null,
      };
    });
    if (Object.keys(problems).length > 0) {
      save.reset();
      setLocal(problems);
      return;
    }
    setLocal({});
    save.mutate({
      reflectionDailyOre: body.reflectionDailyOre ?? 0,
      reflectionChildDailyOre: body.reflectionChildDailyOre ?? 0,
      protectionDailyOre: body.protectionDailyOre ?? 0,
      integrationDailyOre: body.integrationDailyOre ?? 0,
      integrationChildDailyOre: body.integrationChildDailyOre ?? 0,
      ...(interventions.length > 0 ? { interventions: rows } : {}),
    });
  };

  const interventionTable = (editable: boolean) => {
    const caption = t('web.budget.rates.interventionsCaption');
    if (interventions.length === 0)
      return <EmptyState>{t('web.budget.rates.interventionsEmpty')}</EmptyState>;
    return (
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('web.budget.rates.intervention')}</th>
              <th scope="col">{t('web.budget.rates.unit')}</th>
              <th scope="col" className="numeric">
                {t('web.budget.rates.unitPrice')}
              </th>
              <th scope="col" className="numeric">
                {t('web.budget.rates.cap')}
              </th>
            </tr>
          </thead>
          <tbody>
            {interventions.map((i, n) => {
              const name = programme.localName(i);
              const typed = draft.interventions[i.code] ?? { price: '', cap: '' };
              return (
                <tr key={i.code}>
                  <th scope="row">{name}</th>
                  <td>{vocab.unit(i.unit)}</td>
                  <td className="numeric">
                    {editable ? (
                      <CellInput
                        label={t('web.budget.rates.unitPriceFor', { name })}
                        value={typed.price}
                        onChange={(v) => setIntervention(i.code, 'price', v)}
                        error={errors[`interventions.${n}.unitPriceOre`]}
                      />
                    ) : i.unitPriceOre !== null ? (
                      <Money ore={i.unitPriceOre} />
                    ) : (
                      t('web.programme.interventions.statedByActor')
                    )}
                  </td>
                  <td className="numeric">
                    {editable ? (
                      <CellInput
                        label={t('web.budget.rates.capFor', { name })}
                        value={typed.cap}
                        onChange={(v) => setIntervention(i.code, 'cap', v)}
                        error={errors[`interventions.${n}.capOre`]}
                      />
                    ) : i.capOre !== null ? (
                      <Money ore={i.capOre} />
                    ) : (
                      '–'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    );
  };

  if (!open)
    return (
      <Section title={t('web.budget.rates.heading')}>
        <dl className="details">
          {DAILY.map((d) => (
            <RateTerm
              key={d.key}
              label={t(`web.budget.rates.${d.key}`)}
              ore={period.rates[d.key]}
            />
          ))}
        </dl>
        {interventionTable(false)}
      </Section>
    );

  return (
    <Section title={t('web.budget.rates.heading')}>
      <p>{t('web.budget.rates.intro')}</p>
      <form className="form form-wide" noValidate onSubmit={submit}>
        {saved && !save.isPending ? <Notice>{t('web.budget.rates.saved')}</Notice> : null}
        <FormError
          error={hasLocal ? localProblem(t('web.cases.checkFields')) : save.error}
          fields={hasLocal ? [] : shownPaths(save.error, RATE_FIELDS)}
        />
        {(['reflection', 'integration'] as const).map((group) => (
          <fieldset key={group} className="form-group">
            <legend>{t(`web.budget.rates.${group}`)}</legend>
            <div className="field-pair">
              {DAILY.filter((d) => d.group === group).map((d) => (
                <TextField
                  key={d.key}
                  label={t(`web.budget.rates.${d.key}`)}
                  hint={t('web.money.hint')}
                  inputMode="decimal"
                  autoComplete="off"
                  required
                  {...daily(d.key)}
                />
              ))}
            </div>
          </fieldset>
        ))}
        <fieldset className="form-group">
          <legend>{t('web.budget.rates.interventions')}</legend>
          <p className="hint">{t('web.budget.rates.interventionsHint')}</p>
          {interventionTable(true)}
        </fieldset>
        <div className="button-row">
          <button type="submit" disabled={save.isPending}>
            {t('web.budget.rates.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function RateTerm({ label, ore }: { label: string; ore: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Money ore={ore} />
      </dd>
    </>
  );
}
