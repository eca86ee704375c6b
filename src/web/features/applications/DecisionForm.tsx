import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT, type Translate } from '../../i18n.js';
import { api, ApiError, type ApplicationDetail, type DecisionInput } from '../../api.js';
import { FormError, Notice } from '../../components/Alerts.js';
import { CheckboxGroup, SelectField, TextAreaField, TextField } from '../../components/Fields.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { parseKronor } from '../programme/money.js';
import { useProgramme } from '../programme/useProgramme.js';
import {
  PERIOD_TYPES,
  useProgrammeVocabulary,
  type DecisionOutcome,
} from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { budgetKeys, isOverdrawn } from '../budget/budgetApi.js';
import { OverdrawConfirm } from '../budget/BudgetParts.js';
import { moneyProblemText } from './ApplicationCreatePage.js';

const FIELDS = [
  'outcome',
  'grounds',
  'rationale',
  'grantedDays',
  'grantedQuantity',
  'grantedAmountOre',
  'condition',
  'conditionEndsOn',
  'supersedesDecisionId',
] as const;

interface Draft {
  outcome: string;
  grounds: string[];
  rationale: string;
  grantedDays: string;
  grantedQuantity: string;
  grantedAmount: string;
  condition: string;
  conditionEndsOn: string;
}

const EMPTY: Draft = {
  outcome: '',
  grounds: [],
  rationale: '',
  grantedDays: '',
  grantedQuantity: '',
  grantedAmount: '',
  condition: '',
  conditionEndsOn: '',
};

export const applicationKey = (id: string) => ['application', id] as const;

/** Refusals of the budget (409 too) that the form itself shows: not a reason to reload. */
const BUDGET_REFUSALS: ReadonlySet<string> = new Set(['post_overdrawn', 'period_closed']);

const isConflict = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 409 && !BUDGET_REFUSALS.has(err.code);

function toDecision(
  d: Draft,
  a: ApplicationDetail,
  supersedes: string | null,
  t: Translate,
): { ok: true; value: DecisionInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const partly = d.outcome === 'partially_granted';
  const whole = (v: string, path: string): number | null => {
    const s = v.trim();
    if (s === '') return null;
    if (!/^\d{1,5}$/.test(s) || Number(s) < 1) {
      errors[path] = t('web.applications.errors.wholeNumber', { minimum: 1 });
      return null;
    }
    return Number(s);
  };
  const grantedDays =
    partly && PERIOD_TYPES.has(a.type) ? whole(d.grantedDays, 'grantedDays') : null;
  const grantedQuantity =
    partly && a.type === 'intervention' ? whole(d.grantedQuantity, 'grantedQuantity') : null;
  let grantedAmountOre: number | null = null;
  if (partly) {
    const parsed = parseKronor(d.grantedAmount);
    if (parsed.ok) grantedAmountOre = parsed.ore;
    else errors.grantedAmountOre = moneyProblemText(t, parsed.problem);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const conditional = d.outcome === 'granted_with_condition';
  return {
    ok: true,
    value: {
      expectedVersion: a.version,
      outcome: d.outcome as DecisionOutcome,
      grounds: d.grounds,
      rationale: d.rationale,
      grantedDays,
      grantedQuantity,
      grantedAmountOre,
      condition: conditional ? d.condition : null,
      conditionEndsOn: conditional ? d.conditionEndsOn || null : null,
      supersedesDecisionId: supersedes,
    },
  };
}

/**
 * The coordinator's decision: outcome, grounds from the programme's list and
 * a written rationale. A correction names the decision it replaces.
 */
export function DecisionForm({
  application: a,
  supersedes,
  onDone,
  onConflict,
  onCancel,
}: {
  application: ApplicationDetail;
  /** The current decision that this one corrects, if any. */
  supersedes: string | null;
  onDone: (result: ApplicationDetail) => void;
  /** Someone changed the application meanwhile (409): the page shows why and reloads it. */
  onConflict: (err: ApiError) => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [allowOverdraw, setAllowOverdraw] = useState(false);
  const decide = useMutation({
    mutationFn: (body: DecisionInput) => api.decide(a.id, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(applicationKey(a.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['applications', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['approvals'] });
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      if (a.caseId) void queryClient.invalidateQueries({ queryKey: ['case', a.caseId] });
      setDraft(EMPTY);
      setAllowOverdraw(false);
      onDone(detail);
    },
    onError: (err) => {
      // Someone decided meanwhile: show what is stored now (the message says so).
      if (err instanceof ApiError && err.status === 409) onConflict(err);
    },
  });
  // A conflict (409) is shown by the page, which reloads the application.
  const shownError = isConflict(decide.error) ? null : decide.error;
  const errors = { ...nestedFieldErrors(shownError), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const set =
    <K extends keyof Draft>(k: K) =>
    (v: Draft[K]) =>
      setDraft((d) => ({ ...d, [k]: v }));
  const text = (k: Exclude<keyof Draft, 'grounds'>, path: string = k) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) => set(k)(e.target.value),
    error: errors[path],
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = toDecision(draft, a, supersedes, t);
    if (!parsed.ok) {
      decide.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    decide.mutate({ ...parsed.value, allowOverdraw });
  };
  const asking = draft.outcome === 'information_requested';
  const overdrawn = isOverdrawn(decide.error);

  return (
    <form className="form" noValidate onSubmit={submit}>
      {supersedes ? <p className="hint">{t('web.decisions.form.correctionHint')}</p> : null}
      <FormError
        error={hasLocal ? localProblem(t('web.cases.checkFields')) : shownError}
        fields={hasLocal ? [] : shownPaths(shownError, FIELDS)}
      />
      <SelectField
        label={t('web.decisions.fields.outcome')}
        options={vocab.outcomeOptions}
        emptyLabel={draft.outcome ? undefined : t('web.common.choose')}
        required
        {...text('outcome')}
      />
      {draft.outcome === 'partially_granted' ? (
        <fieldset className="form-group">
          <legend>{t('web.decisions.form.partlyLegend')}</legend>
          <p className="hint">{t('web.decisions.form.partlyHint')}</p>
          {PERIOD_TYPES.has(a.type) ? (
            <TextField
              label={t('web.decisions.fields.grantedDaysOf', { count: a.days ?? 0 })}
              inputMode="numeric"
              autoComplete="off"
              className="field-number"
              {...text('grantedDays')}
            />
          ) : null}
          {a.type === 'intervention' ? (
            <TextField
              label={t('web.decisions.fields.grantedQuantityOf', { count: a.quantity ?? 0 })}
              inputMode="numeric"
              autoComplete="off"
              className="field-number"
              {...text('grantedQuantity')}
            />
          ) : null}
          <TextField
            label={t('web.decisions.fields.grantedAmount')}
            hint={t('web.decisions.form.grantedAmountHint')}
            inputMode="decimal"
            autoComplete="off"
            {...text('grantedAmount', 'grantedAmountOre')}
          />
        </fieldset>
      ) : null}
      {draft.outcome === 'granted_with_condition' ? (
        <>
          <TextAreaField
            label={t('web.decisions.fields.condition')}
            maxLength={2000}
            rows={3}
            required
            {...text('condition')}
          />
          <TextField
            label={t('web.decisions.fields.conditionEndsOn')}
            hint={t('web.decisions.form.conditionEndsOnHint')}
            type="date"
            {...text('conditionEndsOn')}
          />
        </>
      ) : null}
      <CheckboxGroup
        legend={t('web.decisions.fields.grounds')}
        hint={t('web.decisions.form.groundsHint')}
        options={programme.groundOptions}
        value={draft.grounds}
        onChange={set('grounds')}
        error={errors.grounds}
      />
      <TextAreaField
        label={asking ? t('web.decisions.fields.question') : t('web.decisions.fields.rationale')}
        hint={asking ? t('web.decisions.form.questionHint') : t('web.decisions.form.rationaleHint')}
        maxLength={10_000}
        rows={5}
        required
        {...text('rationale')}
      />
      <OverdrawConfirm
        show={overdrawn || allowOverdraw}
        checked={allowOverdraw}
        onChange={setAllowOverdraw}
        label={t('web.budget.overdraw.decision')}
      />
      <div className="button-row">
        <button type="submit" disabled={decide.isPending}>
          {supersedes ? t('web.decisions.form.submitCorrection') : t('web.decisions.form.submit')}
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

/** The actor's answer to the coordinator's question. */
export function AnswerForm({
  application: a,
  onDone,
  onConflict,
}: {
  application: ApplicationDetail;
  onDone: () => void;
  onConflict: (err: ApiError) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const answer = useMutation({
    mutationFn: () => api.answer(a.id, { expectedVersion: a.version, text }),
    onSuccess: (detail) => {
      queryClient.setQueryData(applicationKey(a.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['applications', 'list'] });
      if (a.caseId) void queryClient.invalidateQueries({ queryKey: ['case', a.caseId] });
      setText('');
      onDone();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) onConflict(err);
    },
  });
  const shownError = isConflict(answer.error) ? null : answer.error;
  const errors = nestedFieldErrors(shownError);
  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        answer.mutate();
      }}
    >
      <FormError error={shownError} fields={shownPaths(shownError, ['text'])} />
      <TextAreaField
        label={t('web.applications.answer.label')}
        hint={t('web.applications.answer.hint')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={10_000}
        rows={5}
        required
        error={errors.text}
      />
      <div className="button-row">
        <button type="submit" disabled={answer.isPending}>
          {t('web.applications.answer.submit')}
        </button>
      </div>
    </form>
  );
}

/** A notice after a decision: final, or waiting for a second approval. */
export function DecidedNotice({ detail }: { detail: ApplicationDetail | null }) {
  const t = useT();
  if (!detail) return null;
  const latest = [...detail.decisions].sort((x, y) => y.sequence - x.sequence)[0];
  return (
    <Notice>
      {latest?.approvalStatus === 'pending_approval'
        ? t('web.decisions.form.pendingApproval')
        : t('web.decisions.form.done')}
    </Notice>
  );
}
