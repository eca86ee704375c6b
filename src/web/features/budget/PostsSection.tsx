import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT, type Translate } from '../../i18n.js';
import { Section } from '../../components/Page.js';
import { EmptyState, FormError, Notice } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { oreToKronorInput, parseKronor } from '../programme/money.js';
import { Money } from '../programme/ProgrammeParts.js';
import { decimalSeparator, formatMoney } from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';
import {
  budgetApi,
  budgetKeys,
  isOverdrawn,
  type PeriodDetail,
  type PostView,
} from './budgetApi.js';
import { OverdrawConfirm, useBudgetVocabulary } from './BudgetParts.js';

const PLAN_FIELDS = ['name', 'planPersons', 'planDays', 'planRateOre', 'planAmountOre'] as const;

type Mode = 'units' | 'amount';

interface PlanDraft {
  name: string;
  mode: Mode;
  persons: string;
  days: string;
  rate: string;
  amount: string;
}

interface PlanValue {
  name: string;
  planPersons: number | null;
  planDays: number | null;
  planRateOre: number | null;
  planAmountOre: number | null;
}

/** The rate a new plan starts from: the period's daily rate for the post's kind. */
function defaultRate(post: PostView | null, rates: PeriodDetail['rates']): number | null {
  if (post?.kind === 'reflection') return rates.reflectionDailyOre;
  if (post?.kind === 'integration') return rates.integrationDailyOre;
  return null;
}

function draftOf(post: PostView | null, rates: PeriodDetail['rates']): PlanDraft {
  const sep = decimalSeparator();
  const periodKind = post?.kind === 'reflection' || post?.kind === 'integration';
  const persons = post?.planPersons ?? null;
  const days = post?.planDays ?? null;
  const hasAmount = (post?.planAmountOre ?? null) !== null;
  // Reflection and integration are planned in units unless they already have a plain amount.
  const units = persons !== null || (periodKind && !hasAmount);
  return {
    name: post?.name ?? '',
    mode: units ? 'units' : 'amount',
    persons: persons !== null ? String(persons) : '',
    days: days !== null ? String(days) : '',
    rate: oreToKronorInput(post?.planRateOre ?? defaultRate(post, rates), sep),
    amount: oreToKronorInput(post?.planAmountOre ?? null, sep),
  };
}

function wholeNumber(v: string, max: number): number | null | 'bad' {
  const s = v.trim();
  if (s === '') return null;
  if (!/^\d{1,6}$/.test(s) || Number(s) > max) return 'bad';
  return Number(s);
}

function planFromDraft(
  d: PlanDraft,
  t: Translate,
): { ok: true; value: PlanValue } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!d.name.trim()) errors.name = t('web.budget.form.required');
  const value: PlanValue = {
    name: d.name.trim(),
    planPersons: null,
    planDays: null,
    planRateOre: null,
    planAmountOre: null,
  };
  if (d.mode === 'units') {
    const persons = wholeNumber(d.persons, 10_000);
    const days = wholeNumber(d.days, 366);
    const rate = parseKronor(d.rate);
    if (persons === null) errors.planPersons = t('web.budget.form.required');
    else if (persons === 'bad')
      errors.planPersons = t('web.budget.posts.wholeNumber', { maximum: 10_000 });
    else value.planPersons = persons;
    if (days === null) errors.planDays = t('web.budget.form.required');
    else if (days === 'bad') errors.planDays = t('web.budget.posts.wholeNumber', { maximum: 366 });
    else value.planDays = days;
    if (!rate.ok) errors.planRateOre = moneyProblemText(t, rate.problem);
    else if (rate.ore === null) errors.planRateOre = t('web.budget.form.required');
    else value.planRateOre = rate.ore;
  } else {
    const amount = parseKronor(d.amount);
    if (!amount.ok) errors.planAmountOre = moneyProblemText(t, amount.problem);
    else if (amount.ore === null) errors.planAmountOre = t('web.budget.form.required');
    else value.planAmountOre = amount.ore;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** What a plan adds up to as typed, or null while it cannot be read. */
function plannedOf(d: PlanDraft): number | null {
  if (d.mode === 'amount') {
    const amount = parseKronor(d.amount);
    return amount.ok ? amount.ore : null;
  }
  const persons = wholeNumber(d.persons, 10_000);
  const days = wholeNumber(d.days, 366);
  const rate = parseKronor(d.rate);
  if (typeof persons !== 'number' || typeof days !== 'number' || !rate.ok || rate.ore === null)
    return null;
  return persons * days * rate.ore;
}

/** A post's plan in words: "2 persons × 26 days × 1 200 kr", a plain amount, or none. */
export function usePlanText() {
  const t = useT();
  return (p: PostView): string => {
    if (p.planPersons !== null && p.planDays !== null && p.planRateOre !== null)
      return t('web.budget.posts.planUnits', {
        persons: t('web.budget.posts.persons', { count: p.planPersons }),
        days: t('web.applications.days', { count: p.planDays }),
        rate: formatMoney(p.planRateOre),
      });
    if (p.planAmountOre !== null) return t('web.budget.posts.planAmount');
    return t('web.budget.posts.noPlan');
  };
}

/** The plan of a post (changed) or of a new one: persons × days × rate, or a plain amount. */
function PlanForm({
  period,
  post,
  onDone,
  onCancel,
}: {
  period: PeriodDetail;
  /** The post being changed; null adds a post. */
  post: PostView | null;
  onDone: (name: string) => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const modeName = useId();
  const [draft, setDraft] = useState(() => draftOf(post, period.rates));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [allowOverdraw, setAllowOverdraw] = useState(false);
  const save = useMutation({
    mutationFn: async (v: PlanValue) => {
      if (post) return budgetApi.updatePost(post.id, { ...v, allowOverdraw });
      await budgetApi.addPost(period.id, v);
      return null;
    },
    onSuccess: (reply, v) => {
      if (reply) queryClient.setQueryData(budgetKeys.period(period.id), reply);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      setAllowOverdraw(false);
      if (!post) setDraft(draftOf(null, period.rates));
      onDone(v.name);
    },
  });
  const overdrawn = isOverdrawn(save.error);
  const errors = { ...nestedFieldErrors(save.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const text = (k: Exclude<keyof PlanDraft, 'mode'>, path: string) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [k]: e.target.value })),
    error: errors[path],
  });
  const planned = plannedOf(draft);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = planFromDraft(draft, t);
    if (!parsed.ok) {
      save.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    save.mutate(parsed.value);
  };
  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError
        error={hasLocal ? localProblem(t('web.cases.checkFields')) : save.error}
        fields={hasLocal ? [] : shownPaths(save.error, PLAN_FIELDS)}
      />
      <TextField
        label={t('web.budget.posts.name')}
        autoComplete="off"
        maxLength={120}
        required
        {...text('name', 'name')}
      />
      <fieldset className="form-group">
        <legend>{t('web.budget.posts.planAs')}</legend>
        <p className="hint">{t('web.budget.posts.planHint')}</p>
        <div className="field field-checkbox">
          <input
            id={`${modeName}-units`}
            type="radio"
            name={modeName}
            checked={draft.mode === 'units'}
            onChange={() => setDraft((d) => ({ ...d, mode: 'units' }))}
          />
          <label htmlFor={`${modeName}-units`}>{t('web.budget.posts.modeUnits')}</label>
        </div>
        <div className="field field-checkbox">
          <input
            id={`${modeName}-amount`}
            type="radio"
            name={modeName}
            checked={draft.mode === 'amount'}
            onChange={() => setDraft((d) => ({ ...d, mode: 'amount' }))}
          />
          <label htmlFor={`${modeName}-amount`}>{t('web.budget.posts.modeAmount')}</label>
        </div>
      </fieldset>
      {draft.mode === 'units' ? (
        <div className="field-pair">
          <TextField
            label={t('web.budget.posts.personsLabel')}
            inputMode="numeric"
            autoComplete="off"
            {...text('persons', 'planPersons')}
          />
          <TextField
            label={t('web.budget.posts.days')}
            inputMode="numeric"
            autoComplete="off"
            {...text('days', 'planDays')}
          />
          <TextField
            label={t('web.budget.posts.rate')}
            hint={t('web.money.hint')}
            inputMode="decimal"
            autoComplete="off"
            {...text('rate', 'planRateOre')}
          />
        </div>
      ) : (
        <TextField
          label={t('web.budget.posts.amount')}
          hint={t('web.money.hint')}
          inputMode="decimal"
          autoComplete="off"
          {...text('amount', 'planAmountOre')}
        />
      )}
      <p>
        {t('web.budget.posts.planned')}: {planned === null ? '–' : <Money ore={planned} />}
      </p>
      <OverdrawConfirm
        show={overdrawn || allowOverdraw}
        checked={allowOverdraw}
        onChange={setAllowOverdraw}
        label={t('web.budget.overdraw.plan')}
      />
      <div className="button-row">
        <button type="submit" disabled={save.isPending}>
          {post ? t('web.budget.posts.savePlan') : t('web.budget.posts.add')}
        </button>
        {onCancel ? (
          <button type="button" className="button-secondary" onClick={onCancel}>
            {t('web.common.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The plan form of one post, under its own heading, which takes the focus when it opens. */
function EditPlan({
  period,
  post,
  onDone,
  onCancel,
}: {
  period: PeriodDetail;
  post: PostView;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="form-group">
      <h3 ref={heading} tabIndex={-1}>
        {t('web.budget.posts.editNamed', { name: post.name })}
      </h3>
      <PlanForm period={period} post={post} onDone={onDone} onCancel={onCancel} />
    </div>
  );
}

/** The payout posts: their plans (the post's budget), a form to change one, and a form to add one. */
export function PostsSection({ period }: { period: PeriodDetail }) {
  const t = useT();
  const vocab = useBudgetVocabulary();
  const planText = usePlanText();
  const [editing, setEditing] = useState<PostView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = period.status === 'open';
  const caption = t('web.budget.posts.caption');
  return (
    <Section title={t('web.budget.posts.heading')}>
      <p>{t('web.budget.posts.intro')}</p>
      <Notice>{done}</Notice>
      {period.posts.length === 0 ? (
        <EmptyState>{t('web.budget.posts.empty')}</EmptyState>
      ) : (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.budget.posts.post')}</th>
                <th scope="col">{t('web.budget.posts.kind')}</th>
                <th scope="col">{t('web.budget.posts.plan')}</th>
                <th scope="col" className="numeric">
                  {t('web.budget.posts.planned')}
                </th>
                {open ? (
                  <th scope="col">
                    <span className="visually-hidden">{t('web.common.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {period.posts.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={`/budget/posts/${p.id}/statement`}>{p.name}</Link>
                  </th>
                  <td>{vocab.postKind(p.kind)}</td>
                  <td>{planText(p)}</td>
                  <td className="numeric">
                    <Money ore={p.plannedOre} />
                  </td>
                  {open ? (
                    <td>
                      <button
                        type="button"
                        className="button-secondary button-small"
                        aria-label={t('web.budget.posts.editNamed', { name: p.name })}
                        onClick={() => {
                          setDone(null);
                          setEditing(p);
                        }}
                      >
                        {t('web.budget.posts.edit')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {open && editing ? (
        <EditPlan
          key={editing.id}
          period={period}
          post={editing}
          onDone={(name) => {
            setEditing(null);
            setDone(t('web.budget.posts.saved', { name }));
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {open ? (
        <>
          <h3>{t('web.budget.posts.addHeading')}</h3>
          <PlanForm
            period={period}
            post={null}
            onDone={(name) => setDone(t('web.budget.posts.added', { name }))}
          />
        </>
      ) : null}
    </Section>
  );
}
