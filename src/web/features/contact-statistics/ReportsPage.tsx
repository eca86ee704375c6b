import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { ErrorState, Loading } from '../../components/Alerts.js';
import { TableWrap } from '../../components/TableWrap.js';
import { contactStatisticsApi, contactStatisticsKeys } from './contactStatisticsApi.js';
import { ReportStatusBadge } from './ContactStatisticsParts.js';

/**
 * The reporting organisation's years (the page the reminder mail links to):
 * each year the coordinator opened, its last day, where the organisation's
 * report stands, and a link to the report.
 */
export function ReportsPage() {
  const t = useT();
  const reports = useQuery({
    queryKey: contactStatisticsKeys.myReports,
    queryFn: contactStatisticsApi.myReports,
  });
  const items = reports.data?.items ?? [];
  const caption = t('web.contactStatistics.reports.caption', { count: items.length });

  return (
    <Page title={t('web.contactStatistics.reports.title')}>
      <p className="lead">{t('web.contactStatistics.reports.intro')}</p>
      <p>{t('web.contactStatistics.countingRule')}</p>
      {reports.isPending ? <Loading /> : null}
      {reports.isError ? (
        <ErrorState error={reports.error} onRetry={() => void reports.refetch()} />
      ) : null}
      {reports.data && items.length === 0 ? (
        <div className="panel">
          <p>{t('web.contactStatistics.reports.empty')}</p>
          <p>{t('web.contactStatistics.reports.emptyHint')}</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.contactStatistics.fields.year')}</th>
                <th scope="col">{t('web.contactStatistics.fields.deadline')}</th>
                <th scope="col">{t('web.contactStatistics.fields.status')}</th>
                <th scope="col">{t('web.contactStatistics.fields.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.roundId}>
                  <th scope="row">
                    <Link to={`/contact-statistics/report/${r.roundId}`}>
                      {t('web.contactStatistics.reports.yearLink', { year: r.year })}
                    </Link>
                  </th>
                  <td className="nowrap">
                    {formatDate(r.deadline)}
                    {!r.editable ? (
                      <>
                        {' '}
                        <span className="muted">
                          {t('web.contactStatistics.reports.deadlinePassed')}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <ReportStatusBadge status={r.status} />
                  </td>
                  <td>
                    {r.submittedAt
                      ? formatDateTime(r.submittedAt)
                      : t('web.contactStatistics.reports.notSubmitted')}
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
