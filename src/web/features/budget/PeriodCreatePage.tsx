import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../i18n.js';
import { Page } from '../../components/Page.js';
import { FormError } from '../../components/Alerts.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { budgetApi, budgetKeys, type PeriodCreateInput } from './budgetApi.js';
import { draftFromPeriod, PERIOD_FIELDS, PeriodFields, periodFromDraft } from './PeriodForm.js';

/** A new budget period: name, dates, overhead share, funding sources and fixed costs. */
export function PeriodCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftFromPeriod(null));
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: PeriodCreateInput) => budgetApi.createPeriod(body),
    onSuccess: (period) => {
      queryClient.setQueryData(budgetKeys.period(period.id), period);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.periods });
      void navigate(`/budget/${period.id}`, { state: { notice: 'created' } });
    },
  });
  const errors = { ...nestedFieldErrors(create.error), ...local };
  const hasLocal = Object.keys(local).length > 0;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = periodFromDraft(draft, t, true);
    if (!parsed.ok) {
      create.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    create.mutate(parsed.value);
  };

  return (
    <Page title={t('web.budget.create.title')}>
      <p>
        <Link to="/budget">{t('web.budget.backToList')}</Link>
      </p>
      <p className="lead">{t('web.budget.create.intro')}</p>
      <form className="form form-wide" noValidate onSubmit={submit}>
        <FormError
          error={hasLocal ? localProblem(t('web.cases.checkFields')) : create.error}
          fields={hasLocal ? [] : shownPaths(create.error, PERIOD_FIELDS)}
        />
        <PeriodFields
          draft={draft}
          onChange={setDraft}
          errors={errors}
          withDates
          headingLevel={2}
        />
        <div className="button-row">
          <button type="submit" disabled={create.isPending}>
            {t('web.budget.create.submit')}
          </button>
          <Link className="button button-secondary" to="/budget">
            {t('web.common.cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
