import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { TableWrap } from '../../components/TableWrap.js';
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

function PostsTable({ report: r }: { report: ReportReply }) {
  const t = useT();
  const caption = t('web.budget.report.postsCaption', { date: formatDate(r.date) });
  const sum = (
    k: 'budgetOre' | 'transferredInOre' | 'transferredOutOre' | 'deductedOre' | 'remainingOre',
  ) => r.posts.reduce((n, p) => n + p[k], 0);
  if (r.posts.length === 0) return <EmptyState>{t('web.budget.balances.empty')}</EmptyState>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.posts.post')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.budget')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.transferredIn')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.transferredOut')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.committed')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.deducted')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.paid')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.remaining')}
            </th>
          </tr>
        </thead>
        <tbody>
          {r.posts.map((p) => (
            <tr key={p.postId}>
              <th scope="row">
                <Link to={`/budget/posts/${p.postId}/statement?date=${r.date}`}>{p.name}</Link>
              </th>
              <td className="numeric">
                <Money ore={p.budgetOre} />
              </td>
              <td className="numeric">
                <Money ore={p.transferredInOre} />
              </td>
              <td className="numeric">
                <Money ore={p.transferredOutOre} />
              </td>
              <td className="numeric">
                <Money ore={p.committedOre} />
              </td>
              <td className="numeric">
                <Money ore={p.deductedOre} />
              </td>
              <td className="numeric">
                <Money ore={p.paidOre} />
              </td>
              <td className="numeric">
                <Balance ore={p.remainingOre} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('web.budget.balances.total')}</th>
            <td className="numeric">
              <Money ore={sum('budgetOre')} />
            </td>
            <td className="numeric">
              <Money ore={sum('transferredInOre')} />
            </td>
            <td className="numeric">
              <Money ore={sum('transferredOutOre')} />
            </td>
            <td className="numeric">
              <Money ore={r.committedOre} />
            </td>
            <td className="numeric">
              <Money ore={sum('deductedOre')} />
            </td>
            <td className="numeric">
              <Money ore={r.paidOre} />
            </td>
            <td className="numeric">
              <Balance ore={sum('remainingOre')} strong />
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
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
