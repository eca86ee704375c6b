import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { intlLocale, useT } from '../../i18n.js';
import { formatMoney } from '../programme/vocabulary.js';
import { useReportText } from './ReportParts.js';
import type { OneWayTable, PeriodReport, ReportFigure } from './reportsApi.js';

/*
 * The period report's charts (chart.js through react-chartjs-2): bars only,
 * so only the pieces bars need are registered. Each canvas is an image with
 * a label that says what it shows; the table beside it holds the figures in
 * words. No animation (reduced motion, and nothing to wait for). A chart
 * draws published figures only: one that is not published is left out, and
 * the chart says so.
 */
ChartJS.register(CategoryScale, LinearScale, BarElement, Legend, Tooltip);

const COLOURS = {
  granted: '#2e6b3f',
  denied: '#a3361d',
  underProcessing: '#5b6470',
  available: '#1f4f8a',
  committed: '#b0621a',
  paid: '#6a3f8f',
  remaining: '#2e6b3f',
  persons: '#1f4f8a',
};

const published = (f: ReportFigure | undefined): number | null =>
  f?.state === 'published' ? f.count : null;

function baseOptions(): ChartOptions<'bar'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: true,
    locale: intlLocale(),
    plugins: { legend: { position: 'bottom' } },
  };
}

/** Under a chart: that it leaves out figures that are not published (when it does). */
function LeftOut({ show }: { show: boolean }) {
  const t = useT();
  return show ? <p className="hint">{t('web.reports.charts.leftOut')}</p> : null;
}

/** Applications per type, stacked: granted (also partially and with a condition), denied, under processing. */
export function ApplicationsChart({ report }: { report: PeriodReport }) {
  const t = useT();
  const { category } = useReportText();
  const { decided, underProcessing } = report.applications;
  const types = decided.rows.categories;
  const column = (outcome: string) => decided.columns.categories.indexOf(outcome);
  const grantedColumns = ['granted', 'partially_granted', 'granted_with_condition'].map(column);
  const granted = types.map((_, i) => {
    const parts = grantedColumns.map((j) => published(decided.cells[i]?.[j]));
    return parts.some((p) => p === null) ? null : parts.reduce<number>((n, p) => n + (p ?? 0), 0);
  });
  const denied = types.map((_, i) => published(decided.cells[i]?.[column('denied')]));
  const open = types.map((_, i) => published(underProcessing.categories[i]?.figure));
  const leftOut = [granted, denied, open].some((series) => series.includes(null));
  const data: ChartData<'bar', Array<number | null>> = {
    labels: types.map((type) => category('applicationType', type)),
    datasets: [
      {
        label: t('web.reports.charts.granted'),
        data: granted,
        backgroundColor: COLOURS.granted,
      },
      { label: t('web.reports.charts.denied'), data: denied, backgroundColor: COLOURS.denied },
      {
        label: t('web.reports.charts.underProcessing'),
        data: open,
        backgroundColor: COLOURS.underProcessing,
      },
    ],
  };
  const options: ChartOptions<'bar'> = {
    ...baseOptions(),
    aspectRatio: 2,
    scales: {
      x: { stacked: true },
      y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
    },
  };
  const label = t('web.reports.charts.applications');
  return (
    <>
      <Bar
        role="img"
        aria-label={label}
        data={data}
        options={options}
        fallbackContent={<p>{label}</p>}
      />
      <LeftOut show={leftOut} />
    </>
  );
}

/** One budget period's posts in kronor: available (budget with transfers), committed, paid, remaining. */
export function FundsChart({
  period,
  labels,
  caption,
}: {
  period: PeriodReport['funds']['periods'][number];
  labels: string[];
  caption: string;
}) {
  const t = useT();
  const kronor = (ore: number) => ore / 100;
  const available = period.posts.map((p) =>
    kronor(
      p.broughtForwardOre +
        p.movements.budgetOre +
        p.movements.transferredInOre -
        p.movements.transferredOutOre,
    ),
  );
  const data: ChartData<'bar', number[]> = {
    labels,
    datasets: [
      {
        label: t('web.reports.charts.available'),
        data: available,
        backgroundColor: COLOURS.available,
      },
      {
        label: t('web.reports.charts.committed'),
        data: period.posts.map((p) => kronor(p.movements.committedOre)),
        backgroundColor: COLOURS.committed,
      },
      {
        label: t('web.reports.charts.paid'),
        data: period.posts.map((p) => kronor(p.movements.paidOre)),
        backgroundColor: COLOURS.paid,
      },
      {
        label: t('web.reports.charts.remaining'),
        data: period.posts.map((p) => kronor(p.remainingOre)),
        backgroundColor: COLOURS.remaining,
      },
    ],
  };
  const money = (v: number | string) => formatMoney(Math.round(Number(v) * 100));
  const options: ChartOptions<'bar'> = {
    ...baseOptions(),
    aspectRatio: 2,
    scales: { y: { beginAtZero: true, ticks: { callback: money } } },
    plugins: {
      legend: { position: 'bottom' },
      tooltip: {
        callbacks: {
          label: (item) => `${item.dataset.label ?? ''}: ${money(item.parsed.y ?? 0)}`,
        },
      },
    },
  };
  const label = t('web.reports.charts.funds', { period: caption });
  return (
    <Bar
      role="img"
      aria-label={label}
      data={data}
      options={options}
      fallbackContent={<p>{label}</p>}
    />
  );
}

/** Persons per category of one background dimension, as horizontal bars. */
export function BackgroundChart({ table, title }: { table: OneWayTable; title: string }) {
  const t = useT();
  const { category } = useReportText();
  if (table.withheld) return <LeftOut show />;
  const shown = table.categories.filter((c) => c.figure.state === 'published');
  const leftOut = shown.length < table.categories.length;
  const data: ChartData<'bar', number[]> = {
    labels: shown.map((c) => category(table.dimension, c.code)),
    datasets: [
      {
        label: t('web.reports.charts.persons'),
        data: shown.map((c) => published(c.figure) ?? 0),
        backgroundColor: COLOURS.persons,
      },
    ],
  };
  const options: ChartOptions<'bar'> = {
    ...baseOptions(),
    indexAxis: 'y',
    // Taller for more categories, so that every label has room.
    aspectRatio: Math.max(0.8, 2.4 - shown.length * 0.15),
    scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    plugins: { legend: { display: false } },
  };
  const label = t('web.reports.charts.background', { dimension: title });
  return (
    <>
      <Bar
        role="img"
        aria-label={label}
        data={data}
        options={options}
        fallbackContent={<p>{label}</p>}
      />
      <LeftOut show={leftOut} />
    </>
  );
}
