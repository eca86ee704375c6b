import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Section } from '../../components/Page.js';
import { EmptyState, FormError, Notice } from '../../components/Alerts.js';
import { SelectField, TextAreaField, TextField } from '../../components/Fields.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { parseKronor } from '../programme/money.js';
import { formatMoney } from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';
import {
  budgetApi,
  budgetKeys,
  isOverdrawn,
  type PeriodDetail,
  type TransferInput,
} from './budgetApi.js';
import { OverdrawConfirm } from './BudgetParts.js';

const FIELDS = ['fromPostId', 'toPostId', 'amountOre', 'reason'] as const;

interface Draft {
  fromPostId: string;
  toPostId: string;
  amount: string;
  reason: string;
}

const EMPTY: Draft = { fromPostId: '', toPostId: '', amount: '', reason: '' };

/** Moves money from one post to another; every move is recorded with its reason. */
export function TransferSection({ period }: { period: PeriodDetail }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [allowOverdraw, setAllowOverdraw] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const options = period.posts.map((p) => ({ value: p.id, label: p.name }));
  const nameOf = (id: string) => period.posts.find((p) => p.id === id)?.name ?? '';
  const move = useMutation({
    mutationFn: (body: TransferInput) => budgetApi.transfer(body),
    onSuccess: (_r, body) => {
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      setDone(
        t('web.budget.transfer.done', {
          amount: formatMoney(body.amountOre),
          from: nameOf(body.fromPostId),
          to: nameOf(body.toPostId),
        }),
      );
      setDraft(EMPTY);
      setAllowOverdraw(false);
    },
  });
  const overdrawn = isOverdrawn(move.error);
  const errors = { ...nestedFieldErrors(move.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const field = (k: keyof Draft, path: string = k) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [k]: e.target.value })),
    error: errors[path],
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(null);
    const problems: Record<string, string> = {};
    if (!draft.fromPostId) problems.fromPostId = t('web.budget.form.required');
    if (!draft.toPostId) problems.toPostId = t('web.budget.form.required');
    else if (draft.toPostId === draft.fromPostId)
      problems.toPostId = t('web.budget.transfer.samePost');
    const amount = parseKronor(draft.amount);
    if (!amount.ok) problems.amountOre = moneyProblemText(t, amount.problem);
    else if (!amount.ore) problems.amountOre = t('web.budget.transfer.amountRequired');
    if (!draft.reason.trim()) problems.reason = t('web.budget.transfer.reasonRequired');
    if (Object.keys(problems).length > 0 || !amount.ok) {
      move.reset();
      setLocal(problems);
      return;
    }
    setLocal({});
    move.mutate({
      fromPostId: draft.fromPostId,
      toPostId: draft.toPostId,
      amountOre: amount.ore ?? 0,
      reason: draft.reason.trim(),
      allowOverdraw,
    });
  };

  return (
    <Section title={t('web.budget.transfer.heading')}>
      <p>{t('web.budget.transfer.intro')}</p>
      <Notice>{done}</Notice>
      {period.posts.length < 2 ? (
        <EmptyState>{t('web.budget.transfer.tooFewPosts')}</EmptyState>
      ) : (
        <form className="form" noValidate onSubmit={submit}>
          <FormError
            error={hasLocal ? localProblem(t('web.cases.checkFields')) : move.error}
            fields={hasLocal ? [] : shownPaths(move.error, FIELDS)}
          />
          <div className="field-pair">
            <SelectField
              label={t('web.budget.transfer.from')}
              options={options}
              emptyLabel={t('web.common.choose')}
              required
              {...field('fromPostId')}
            />
            <SelectField
              label={t('web.budget.transfer.to')}
              options={options}
              emptyLabel={t('web.common.choose')}
              required
              {...field('toPostId')}
            />
          </div>
          <TextField
            label={t('web.budget.amount')}
            hint={t('web.money.hint')}
            inputMode="decimal"
            autoComplete="off"
            required
            {...field('amount', 'amountOre')}
          />
          <TextAreaField
            label={t('web.budget.transfer.reason')}
            hint={t('web.budget.transfer.reasonHint')}
            maxLength={2000}
            rows={3}
            required
            {...field('reason')}
          />
          <OverdrawConfirm
            show={overdrawn || allowOverdraw}
            checked={allowOverdraw}
            onChange={setAllowOverdraw}
            label={t('web.budget.overdraw.transfer')}
          />
          <div className="button-row">
            <button type="submit" disabled={move.isPending}>
              {t('web.budget.transfer.submit')}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}
