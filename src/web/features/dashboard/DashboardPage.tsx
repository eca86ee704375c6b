import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  LinearScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import { Bar } from 'react-chartjs-2';
import type { z } from 'zod';
import type * as schemas from '../../../server/modules/dashboard/dashboard.schemas.js';
import { request } from '../../api.js';
import { intlLocale, useT } from '../../i18n.js';
import { formatDate } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { TableWrap } from '../../components/TableWrap.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { formatCount, formatMoney } from '../programme/vocabulary.js';

/*
 * The coordinator's dashboard: what waits, what was decided this month, the
 * money left per post, admissions per month and certifications that end soon.
 * Counts and sums only; each part leads to the page where it is acted on.
 */

type Dashboard = z.infer<typeof schemas.dashboardReply>;

// Bars only: register just what a bar chart with tooltips needs.
ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

const BAR_COLOUR = '#1f4f8a';

/** A Stockholm month (YYYY-MM) as its name and year in the interface language. */
function formatMonth(month: string, style: 'long' | 'short' = 'long'): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(intlLocale(), {
    month: style,
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

function OpenApplications({ open }: { open: Dashboard['openApplications'] }) {
  const t = useT();
  return (
    <Section title={t('web.dashboard.open.heading')}>
      <ul className="stats">
        <li>
          <Link to="/applications" className="stat">
            <span className="stat-value">{formatCount(open.total)}</span>
            <span className="stat-label">
              {t('web.dashboard.open.total', { count: open.total })}
            </span>
          </Link>
        </li>
      </ul>
      {open.total === 0 ? (
        <EmptyState>{t('web.dashboard.open.empty')}</EmptyState>
      ) : (
        <>
          {open.oldestAgeDays !== null ? (
            <p>{t('web.dashboard.open.oldest', { count: open.oldestAgeDays })}</p>
          ) : null}
          <CountTable
            caption={t('web.dashboard.open.byType')}
            heading={t('web.dashboard.open.type')}
            rows={open.byType
              .filter((r) => r.count > 0)
              .map((r) => [t(`web.applications.types.${r.type}`), r.count])}
          />
          <CountTable
            caption={t('web.dashboard.open.byStatus')}
            heading={t('web.dashboard.open.status')}
            rows={open.byStatus
              .filter((r) => r.count > 0)
              .map((r) => [t(`web.applications.statuses.${r.status}`), r.count])}
          />
        </>
      )}
      <p>
        <Link to="/applications">{t('web.dashboard.open.link')}</Link>
      </p>
    </Section>
  );
}

/** A two-column table: a category and its count. */
function CountTable({
  caption,
  heading,
  rows,
}: {
  caption: string;
  heading: string;
  rows: Array<[string, number]>;
}) {
  const t = useT();
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            <th scope="col" className="numeric">
              {t('web.dashboard.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, count]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="numeric">{formatCount(count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Decisions({ decisions }: { decisions: Dashboard['decisionsThisMonth'] }) {
  const t = useT();
  const month = formatMonth(decisions.month);
  return (
    <Section title={t('web.dashboard.decisions.heading')}>
      <ul className="stats">
        <li>
          <Link to="/applications?status=decided" className="stat">
            <span className="stat-value">{formatCount(decisions.total)}</span>
            <span className="stat-label">
              {t('web.dashboard.decisions.total', { count: decisions.total, month })}
            </span>
          </Link>
        </li>
      </ul>
      {decisions.total === 0 ? (
        <EmptyState>{t('web.dashboard.decisions.empty', { month })}</EmptyState>
      ) : (
        <CountTable
          caption={t('web.dashboard.decisions.caption', { month })}
          heading={t('web.dashboard.decisions.outcome')}
          rows={decisions.byOutcome
            .filter((r) => r.count > 0)
            .map((r) => [t(`web.outcomes.${r.outcome}`), r.count])}
        />
      )}
    </Section>
  );
}

function Funds({ funds }: { funds: Dashboard['funds'] }) {
  const t = useT();
  return (
    <Section title={t('web.dashboard.funds.heading')}>
      {funds === null ? (
        <EmptyState>{t('web.dashboard.funds.empty')}</EmptyState>
      ) : (
        <>
          <p>
            {t('web.dashboard.funds.period', {
              name: funds.name,
              from: formatDate(funds.startsOn),
              to: formatDate(funds.endsOn),
            })}
          </p>
          <TableWrap label={t('web.dashboard.funds.caption', { name: funds.name })}>
            <table>
              <caption>{t('web.dashboard.funds.caption', { name: funds.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.dashboard.funds.post')}</th>
                  <th scope="col" className="numeric">
                    {t('web.dashboard.funds.budget')}
                  </th>
                  <th scope="col" className="numeric">
                    {t('web.dashboard.funds.committed')}
                  </th>
                  <th scope="col" className="numeric">
                    {t('web.dashboard.funds.remaining')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {funds.posts.map((p) => (
                  <tr key={p.postId}>
                    <th scope="row">{p.name}</th>
                    <td className="numeric">{formatMoney(p.budgetOre)}</td>
                    <td className="numeric">{formatMoney(p.committedOre)}</td>
                    <td className="numeric">{formatMoney(p.remainingOre)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('web.dashboard.total')}</th>
                  <td className="numeric">{formatMoney(funds.budgetOre)}</td>
                  <td className="numeric">
                    {formatMoney(funds.posts.reduce((n, p) => n + p.committedOre, 0))}
                  </td>
                  <td className="numeric">{formatMoney(funds.remainingOre)}</td>
                </tr>
              </tfoot>
            </table>
          </TableWrap>
        </>
      )}
      <p>
        <Link to={funds ? `/budget/${funds.periodId}` : '/budget'}>
          {t('web.dashboard.funds.link')}
        </Link>
      </p>
    </Section>
  );
}

function Admissions({ months }: { months: Dashboard['admissionsPerMonth'] }) {
  const t = useT();
  const first = months[0];
  const last = months[months.length - 1];
  const total = months.reduce((n, m) => n + m.count, 0);
  const data: ChartData<'bar', number[]> = {
    labels: months.map((m) => formatMonth(m.month, 'short')),
    datasets: [
      {
        label: t('web.dashboard.admissions.series'),
        data: months.map((m) => m.count),
        backgroundColor: BAR_COLOUR,
      },
    ],
  };
  const options: ChartOptions<'bar'> = {
    // No animation: nothing to wait for, and nothing moving for those who prefer less motion.
    animation: false,
    responsive: true,
    maintainAspectRatio: true,
    aspectRatio: 2,
    locale: intlLocale(),
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    plugins: { legend: { display: false } },
  };
  const label = t('web.dashboard.admissions.chartLabel', {
    from: first ? formatMonth(first.month) : '',
    to: last ? formatMonth(last.month) : '',
    total: formatCount(total),
  });
  return (
    <Section title={t('web.dashboard.admissions.heading')}>
      {total === 0 ? (
        <EmptyState>{t('web.dashboard.admissions.empty')}</EmptyState>
      ) : (
        <div className="chart-and-table">
          <div className="chart-box">
            <Bar
              role="img"
              aria-label={label}
              data={data}
              options={options}
              fallbackContent={<p>{label}</p>}
            />
          </div>
          <TableWrap label={t('web.dashboard.admissions.caption')}>
            <table>
              <caption>{t('web.dashboard.admissions.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.dashboard.admissions.month')}</th>
                  <th scope="col" className="numeric">
                    {t('web.dashboard.admissions.series')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{formatMonth(m.month)}</th>
                    <td className="numeric">{formatCount(m.count)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('web.dashboard.total')}</th>
                  <td className="numeric">{formatCount(total)}</td>
                </tr>
              </tfoot>
            </table>
          </TableWrap>
        </div>
      )}
      <p className="hint">{t('web.dashboard.admissions.note')}</p>
    </Section>
  );
}

function Certifications({
  certifications,
}: {
  certifications: Dashboard['expiringCertifications'];
}) {
  const t = useT();
  const days = certifications.windowDays;
  const when = (daysLeft: number) =>
    daysLeft > 0
      ? t('web.dashboard.certifications.left', { count: daysLeft })
      : daysLeft === 0
        ? t('web.dashboard.certifications.today')
        : t('web.dashboard.certifications.ended', { count: -daysLeft });
  return (
    <Section title={t('web.dashboard.certifications.heading')}>
      <p>{t('web.dashboard.certifications.intro', { days })}</p>
      {certifications.items.length === 0 ? (
        <EmptyState>{t('web.dashboard.certifications.empty', { days })}</EmptyState>
      ) : (
        <TableWrap label={t('web.dashboard.certifications.caption', { days })}>
          <table>
            <caption>{t('web.dashboard.certifications.caption', { days })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.dashboard.certifications.organisation')}</th>
                <th scope="col">{t('web.dashboard.certifications.ends')}</th>
                <th scope="col">{t('web.dashboard.certifications.when')}</th>
              </tr>
            </thead>
            <tbody>
              {certifications.items.map((c) => (
                <tr key={c.organisationId}>
                  <th scope="row">
                    <Link to={`/organisations/${c.organisationId}`}>{c.organisationName}</Link>
                  </th>
                  <td>{formatDate(c.certifiedTo)}</td>
                  <td>{when(c.daysLeft)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <p>
        <Link to="/certifications">{t('web.dashboard.certifications.link')}</Link>
      </p>
    </Section>
  );
}

export function DashboardPage() {
  const t = useT();
  const dashboard = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => request<Dashboard>('GET', '/api/dashboard'),
  });
  return (
    <Page title={t('web.dashboard.title')}>
      {dashboard.isPending ? <Loading /> : null}
      {dashboard.isError ? (
        <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : null}
      {dashboard.data ? (
        <>
          <p className="lead">
            {t('web.dashboard.intro', { date: formatDate(dashboard.data.date) })}
          </p>
          <OpenApplications open={dashboard.data.openApplications} />
          <Decisions decisions={dashboard.data.decisionsThisMonth} />
          <Funds funds={dashboard.data.funds} />
          <Admissions months={dashboard.data.admissionsPerMonth} />
          <Certifications certifications={dashboard.data.expiringCertifications} />
        </>
      ) : null}
    </Page>
  );
}
