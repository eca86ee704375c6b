import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { Money } from '../programme/ProgrammeParts.js';
import { todayInStockholm } from '../programme/vocabulary.js';
import { budgetApi, budgetKeys, type ReportReply } from './budgetApi.js';
import {
  Balance,
  dateParam,
  DateForm,
  Percent,
  PeriodStatusBadge,
  ReportLinks,
} from './BudgetParts.js';
import { FixedTable, FundingTable } from './LinesTables.js';
import { PostBalancesTable } from './PostBalancesTable.js';

function PostsTable({ report: r }: { report: ReportReply }) {
  const t = useT();
  if (r.posts.length === 0) return <EmptyState>{t('web.budget.balances.empty')}</EmptyState>;
  return (
    <PostBalancesTable
      posts={r.posts}
      date={r.date}
      caption={t('web.budget.report.postsCaption', { date: formatDate(r.date) })}
      committedOre={r.committedOre}
      paidOre={r.paidOre}
    />
  );
}

/**
 * The report to the funder: where the money came from, the fixed costs and
 * overhead, each post's budget, transfers, commitments and payouts, and the
 * period's result, at a date; also as XLSX and PDF.
 */
export function ReportPage() {
  const t = useT();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const date = dateParam(params.get('date')) ?? todayInStockholm();
  const query = useQuery({
    queryKey: budgetKeys.report(id, date),
    queryFn: () => budgetApi.report(id, date),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const r = query.data;
  const setDate = (d: string) => {
    const next = new URLSearchParams(params);
    next.set('date', d);
    setParams(next);
  };

  return (
    <Page
      title={
        r
          ? t('web.budget.report.title', { name: r.period.name })
          : t('web.budget.report.loadingTitle')
      }
    >
      <p>
        <Link to={`/budget/${id}?date=${date}`}>{t('web.budget.report.backToPeriod')}</Link>
      </p>
      <DateForm
        date={date}
        onChange={setDate}
        label={t('web.budget.report.date')}
        hint={t('web.budget.report.dateHint')}
      />
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {r ? (
        <>
          <dl className="details">
            <dt>{t('web.budget.fields.dates')}</dt>
            <dd>
              {formatDate(r.period.startsOn)} – {formatDate(r.period.endsOn)}
            </dd>
            <dt>{t('web.budget.fields.status')}</dt>
            <dd>
              <PeriodStatusBadge status={r.period.status} />
            </dd>
            <dt>{t('web.budget.report.at')}</dt>
            <dd>{formatDate(r.date)}</dd>
          </dl>
          <ReportLinks periodId={id} date={r.date} withPage={false} />
          <Section title={t('web.budget.report.fundsHeading')}>
            <FundingTable rows={r.funding} />
          </Section>
          <Section title={t('web.budget.report.costsHeading')}>
            <FixedTable rows={r.fixedCosts} />
            <dl className="details">
              <dt>{t('web.budget.figures.fixedCosts')}</dt>
              <dd>
                <Money ore={r.fixedCostsOre} />
              </dd>
              <dt>
                {t('web.budget.figures.overhead')} (<Percent bp={r.overheadBp} />)
              </dt>
              <dd>
                <Money ore={r.overheadOre} />
              </dd>
            </dl>
          </Section>
          <Section title={t('web.budget.report.postsHeading')}>
            <PostsTable report={r} />
          </Section>
          <Section title={t('web.budget.result.heading')}>
            <dl className="details">
              <dt>{t('web.budget.figures.funds')}</dt>
              <dd>
                <Money ore={r.fundsOre} />
              </dd>
              <dt>{t('web.budget.figures.fixedCosts')}</dt>
              <dd>
                − <Money ore={r.fixedCostsOre} />
              </dd>
              <dt>{t('web.budget.figures.overhead')}</dt>
              <dd>
                − <Money ore={r.overheadOre} />
              </dd>
              <dt>{t('web.budget.result.committed')}</dt>
              <dd>
                − <Money ore={r.committedOre} />
              </dd>
              <dt>{t('web.budget.result.result')}</dt>
              <dd>
                <Balance ore={r.resultOre} strong />
              </dd>
              <dt>{t('web.budget.result.paid')}</dt>
              <dd>
                <Money ore={r.paidOre} />
              </dd>
              <dt>{t('web.budget.result.resultPaid')}</dt>
              <dd>
                <Balance ore={r.resultPaidOre} strong />
              </dd>
            </dl>
            <p className="hint">{t('web.budget.result.hint')}</p>
          </Section>
        </>
      ) : null}
    </Page>
  );
}
