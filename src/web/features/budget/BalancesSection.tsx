import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { formatDate } from '../../reference.js';
import { Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { Money } from '../programme/ProgrammeParts.js';
import { budgetApi, budgetKeys, type PeriodDetail } from './budgetApi.js';
import { Balance, DateForm, Percent, ReportLinks } from './BudgetParts.js';
import { PostBalancesTable } from './PostBalancesTable.js';

/**
 * Funds per post at a date: budget, transfers, what decisions committed (and
 * the deductions within it), what was paid, and what remains; then the
 * period's result against what was committed and against what was paid.
 */
export function BalancesSection({
  period,
  date,
  onDateChange,
}: {
  period: PeriodDetail;
  date: string;
  onDateChange: (date: string) => void;
}) {
  const t = useT();
  const balances = useQuery({
    queryKey: budgetKeys.balances(period.id, date),
    queryFn: () => budgetApi.balances(period.id, date),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const b = balances.data;
  const caption = t('web.budget.balances.caption', { date: formatDate(date) });

  return (
    <Section title={t('web.budget.balances.heading')}>
      <DateForm
        date={date}
        onChange={onDateChange}
        label={t('web.budget.balances.date')}
        hint={t('web.budget.balances.dateHint')}
      />
      {balances.isPending ? <Loading /> : null}
      {balances.isError ? (
        <ErrorState error={balances.error} onRetry={() => void balances.refetch()} />
      ) : null}
      {b && b.posts.length === 0 ? <EmptyState>{t('web.budget.balances.empty')}</EmptyState> : null}
      {b && b.posts.length > 0 ? (
        <PostBalancesTable
          posts={b.posts}
          date={date}
          caption={caption}
          committedOre={b.committedOre}
          paidOre={b.paidOre}
        />
      ) : null}
      {b ? (
        <>
          <h3>{t('web.budget.result.heading')}</h3>
          <dl className="details">
            <dt>{t('web.budget.figures.funds')}</dt>
            <dd>
              <Money ore={b.fundsOre} />
            </dd>
            <dt>{t('web.budget.figures.fixedCosts')}</dt>
            <dd>
              − <Money ore={b.fixedCostsOre} />
            </dd>
            <dt>
              {t('web.budget.figures.overhead')} (<Percent bp={period.overheadBp} />)
            </dt>
            <dd>
              − <Money ore={b.overheadOre} />
            </dd>
            <dt>{t('web.budget.result.committed')}</dt>
            <dd>
              − <Money ore={b.committedOre} />
            </dd>
            <dt>{t('web.budget.result.result')}</dt>
            <dd>
              <Balance ore={b.resultOre} strong />
            </dd>
            <dt>{t('web.budget.result.paid')}</dt>
            <dd>
              <Money ore={b.paidOre} />
            </dd>
            <dt>{t('web.budget.result.resultPaid')}</dt>
            <dd>
              <Balance ore={b.resultPaidOre} strong />
            </dd>
          </dl>
          <p className="hint">{t('web.budget.result.hint')}</p>
        </>
      ) : null}
      <h3>{t('web.budget.report.heading')}</h3>
      <p>{t('web.budget.report.intro', { date: formatDate(date) })}</p>
      <ReportLinks periodId={period.id} date={date} />
    </Section>
  );
}
