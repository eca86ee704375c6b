import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { ErrorState, Loading } from '../../components/Alerts.js';
import { TableWrap } from '../../components/TableWrap.js';
import { budgetApi, budgetKeys } from './budgetApi.js';
import { Percent, PeriodStatusBadge } from './BudgetParts.js';

/** The programme's budget periods, newest first. */
export function BudgetListPage() {
  const t = useT();
  const periods = useQuery({ queryKey: budgetKeys.periods, queryFn: budgetApi.periods });
  const items = periods.data?.items ?? [];
  const caption = t('web.budget.list.caption', { count: items.length });

  return (
    <Page
      title={t('web.budget.list.title')}
      actions={
        items.length > 0 ? (
          <Link className="button" to="/budget/new">
            {t('web.budget.list.new')}
          </Link>
        ) : null
      }
    >
      <p className="lead">{t('web.budget.list.intro')}</p>
      {periods.isPending ? <Loading /> : null}
      {periods.isError ? (
        <ErrorState error={periods.error} onRetry={() => void periods.refetch()} />
      ) : null}
      {periods.data && items.length === 0 ? (
        <div className="panel">
          <p>{t('web.budget.list.empty')}</p>
          <p>{t('web.budget.list.emptyHint')}</p>
          <Link className="button" to="/budget/new">
            {t('web.budget.list.new')}
          </Link>
        </div>
      ) : null}
      {items.length > 0 ? (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.budget.fields.name')}</th>
                <th scope="col">{t('web.budget.fields.dates')}</th>
                <th scope="col" className="numeric">
                  {t('web.budget.fields.overheadShort')}
                </th>
                <th scope="col">{t('web.budget.fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={`/budget/${p.id}`}>{p.name}</Link>
                  </th>
                  <td className="nowrap">
                    {formatDate(p.startsOn)} – {formatDate(p.endsOn)}
                  </td>
                  <td className="numeric">
                    <Percent bp={p.overheadBp} />
                  </td>
                  <td>
                    <PeriodStatusBadge status={p.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Page>
  );
}
