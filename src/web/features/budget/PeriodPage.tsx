import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { ApiError } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { ErrorState, FormError, Info, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { todayInStockholm } from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { budgetApi, budgetKeys, type PeriodDetail, type PeriodPatchInput } from './budgetApi.js';
import { dateParam, Percent, PeriodStatusBadge } from './BudgetParts.js';
import { BalancesSection } from './BalancesSection.js';
import { draftFromPeriod, PERIOD_FIELDS, PeriodFields, periodFromDraft } from './PeriodForm.js';
import { PostsSection } from './PostsSection.js';
import { RatesSection } from './RatesSection.js';
import { TransferSection } from './TransferSection.js';
import { FixedTable, FundingTable } from './LinesTables.js';

const isConflict = (err: unknown) => err instanceof ApiError && err.code === 'conflict';

function createdNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'created'
  );
}

/** The period's name, overhead share, funding sources and fixed costs (its dates stay). */
function EditSection({
  period,
  onReload,
}: {
  period: PeriodDetail;
  onReload: () => Promise<PeriodDetail | undefined>;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftFromPeriod(period));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: PeriodPatchInput) => budgetApi.updatePeriod(period.id, body),
    onSuccess: (reply) => {
      queryClient.setQueryData(budgetKeys.period(period.id), reply);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      setDraft(draftFromPeriod(reply));
      setSaved(true);
    },
  });
  const errors = { ...nestedFieldErrors(save.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const knownCases = period.fundingSources.flatMap((f) =>
    f.caseId && f.caseCode ? [{ value: f.caseId, label: f.caseCode }] : [],
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const parsed = periodFromDraft(draft, t, false);
    if (!parsed.ok) {
      save.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    const { name, overheadBp, fundingSources, fixedCosts } = parsed.value;
    save.mutate({ expectedVersion: period.version, name, overheadBp, fundingSources, fixedCosts });
  };
  const reload = async () => {
    const fresh = await onReload();
    save.reset();
    setLocal({});
    if (fresh) setDraft(draftFromPeriod(fresh));
  };
  return (
    <Section title={t('web.budget.edit.heading')}>
      <form className="form form-wide" noValidate onSubmit={submit}>
        {saved && !save.isPending ? <Notice>{t('web.common.saved')}</Notice> : null}
        <FormError
          error={hasLocal ? localProblem(t('web.cases.checkFields')) : save.error}
          fields={hasLocal ? [] : shownPaths(save.error, PERIOD_FIELDS)}
        />
        {isConflict(save.error) ? (
          <p>
            <button type="button" className="button-secondary" onClick={() => void reload()}>
              {t('web.budget.edit.reload')}
            </button>
          </p>
        ) : null}
        <PeriodFields
          draft={draft}
          onChange={setDraft}
          errors={errors}
          withDates={false}
          knownCases={knownCases}
        />
        <div className="button-row">
          <button type="submit" disabled={save.isPending}>
            {t('web.budget.edit.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** Closing the period, after a confirmation. */
function CloseSection({ period, onClosed }: { period: PeriodDetail; onClosed: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const close = useMutation({
    mutationFn: () => budgetApi.closePeriod(period.id, period.version),
    onSuccess: (reply) => {
      queryClient.setQueryData(budgetKeys.period(period.id), reply);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      setAsking(false);
      onClosed();
    },
    onError: (err) => {
      if (isConflict(err))
        void queryClient.invalidateQueries({ queryKey: budgetKeys.period(period.id) });
    },
  });
  return (
    <Section title={t('web.budget.close.heading')}>
      <p>{t('web.budget.close.intro')}</p>
      <button
        type="button"
        className="button-danger"
        onClick={() => {
          close.reset();
          setAsking(true);
        }}
      >
        {t('web.budget.close.button')}
      </button>
      <ConfirmDialog
        open={asking}
        title={t('web.budget.close.title', { name: period.name })}
        confirmLabel={t('web.budget.close.confirm')}
        busy={close.isPending}
        error={close.error}
        onConfirm={() => close.mutate()}
        onCancel={() => {
          setAsking(false);
          close.reset();
        }}
      >
        <p>{t('web.budget.close.body')}</p>
        <p>{t('web.budget.close.final')}</p>
      </ConfirmDialog>
    </Section>
  );
}

/** One budget period: its figures per post at a date, and (while it is open) everything that changes it. */
export function PeriodPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const [closed, setClosed] = useState(false);
  const date = dateParam(params.get('date')) ?? todayInStockholm();
  const query = useQuery({
    queryKey: budgetKeys.period(id),
    queryFn: () => budgetApi.period(id),
    staleTime: 0,
  });
  const p = query.data;
  const setDate = (d: string) => {
    const next = new URLSearchParams(params);
    next.set('date', d);
    setParams(next);
  };

  return (
    <Page title={p ? p.name : t('web.budget.period.loadingTitle')}>
      <p>
        <Link to="/budget">{t('web.budget.backToList')}</Link>
      </p>
      {createdNotice(location.state) && !closed ? (
        <Notice>{t('web.budget.create.created')}</Notice>
      ) : null}
      {closed ? <Notice>{t('web.budget.close.done')}</Notice> : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {p ? (
        <>
          <dl className="details">
            <dt>{t('web.budget.fields.status')}</dt>
            <dd>
              <PeriodStatusBadge status={p.status} />
              {p.closedAt
                ? ` ${t('web.budget.period.closedAt', { at: formatDateTime(p.closedAt) })}`
                : ''}
            </dd>
            <dt>{t('web.budget.fields.dates')}</dt>
            <dd>
              {formatDate(p.startsOn)} – {formatDate(p.endsOn)}
            </dd>
            <dt>{t('web.budget.fields.overheadShort')}</dt>
            <dd>
              <Percent bp={p.overheadBp} />
            </dd>
          </dl>
          {p.status === 'closed' ? <Info>{t('web.budget.period.closedInfo')}</Info> : null}
          <BalancesSection period={p} date={date} onDateChange={setDate} />
          {p.status === 'open' ? (
            <EditSection
              key={p.id}
              period={p}
              onReload={async () => (await query.refetch()).data}
            />
          ) : (
            <ReadOnlyLines period={p} />
          )}
          <RatesSection key={`rates-${p.id}-${p.status}`} period={p} />
          <PostsSection period={p} />
          {p.status === 'open' ? (
            <>
              <TransferSection period={p} />
              <CloseSection period={p} onClosed={() => setClosed(true)} />
            </>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

/** A closed period's funding sources and fixed costs, read only. */
function ReadOnlyLines({ period }: { period: PeriodDetail }) {
  const t = useT();
  return (
    <Section title={t('web.budget.edit.readOnlyHeading')}>
      <FundingTable rows={period.fundingSources} />
      <FixedTable rows={period.fixedCosts} />
    </Section>
  );
}
