import type { ReactNode } from 'react';
import { useT } from '../../i18n.js';
import type { Breakdown, RuleWarningView } from '../../api.js';
import { formatDate } from '../../reference.js';
import { TableWrap } from '../../components/TableWrap.js';
import {
  daysBetween,
  formatMoney,
  FINAL_OUTCOMES,
  isDecisionOutcome,
  RESIDENCE_STATUSES,
  todayInStockholm,
  useProgrammeVocabulary,
  type ApplicationStatus,
  type ResidenceStatus,
} from './vocabulary.js';

/** An amount in öre, shown in SEK. */
export function Money({ ore }: { ore: number }) {
  return <span className="nowrap">{formatMoney(ore)}</span>;
}

const param = (params: RuleWarningView['params'], name: string): string | number | undefined =>
  params[name];
const numberParam = (params: RuleWarningView['params'], name: string): number => {
  const v = Number(param(params, name));
  return Number.isFinite(v) ? v : 0;
};

/** The sentence for a rule warning, with its reason and figures. */
export function useWarningText() {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  return (w: RuleWarningView): string => {
    const p = w.params;
    switch (w.code) {
      case 'police_report': {
        const date = String(param(p, 'date') ?? '');
        return date
          ? t('web.warnings.police_report', { date: formatDate(date) })
          : t('web.warnings.police_report_undated');
      }
      case 'reflection_over_30_days':
        return t('web.warnings.reflection_over_30_days', {
          totalDays: numberParam(p, 'totalDays'),
        });
      case 'integration_without_prerequisite': {
        const status = String(param(p, 'residenceStatus') ?? '');
        return t('web.warnings.integration_without_prerequisite', {
          residenceStatus: (RESIDENCE_STATUSES as readonly string[]).includes(status)
            ? vocab.residenceStatus(status as ResidenceStatus)
            : t('web.background.notKnown'),
        });
      }
      case 'period_passed':
        return t('web.warnings.period_passed', { count: numberParam(p, 'daysPassed') });
      case 'actor_responsibility':
        return t('web.warnings.actor_responsibility');
      case 'authority_responsibility':
        return t('web.warnings.authority_responsibility');
      case 'above_cap':
        return t('web.warnings.above_cap', {
          cap: formatMoney(numberParam(p, 'capOre')),
          amount: formatMoney(numberParam(p, 'amountOre')),
        });
    }
  };
}

/** The rule checks the coordinator sees, each with its reason. */
export function WarningList({ warnings, title }: { warnings: RuleWarningView[]; title: string }) {
  const t = useT();
  const text = useWarningText();
  if (warnings.length === 0) return <p className="muted">{t('web.warnings.none')}</p>;
  return (
    <div className="alert alert-warning">
      <p>{title}</p>
      <ul>
        {warnings.map((w) => (
          <li key={w.code}>{text(w)}</li>
        ))}
      </ul>
    </div>
  );
}

/** How an amount follows from the rates (or the catalogue), line by line. */
export function BreakdownTable({
  breakdown: b,
  childrenCount,
  caption,
  amountLabel,
}: {
  breakdown: Breakdown;
  childrenCount: number;
  caption: string;
  amountLabel: string;
}) {
  const t = useT();
  const rows: Array<{ key: string; label: string; how: ReactNode; ore: number }> = [];
  if (b.days !== null) {
    const days = t('web.applications.days', { count: b.days });
    if (b.dailyOre !== null)
      rows.push({
        key: 'daily',
        label: t('web.applications.breakdown.daily'),
        how: `${days} × ${formatMoney(b.dailyOre)}`,
        ore: b.days * b.dailyOre,
      });
    if (b.childDailyOre !== null && childrenCount > 0)
      rows.push({
        key: 'children',
        label: t('web.applications.breakdown.children'),
        how: `${days} × ${t('web.applications.children', { count: childrenCount })} × ${formatMoney(b.childDailyOre)}`,
        ore: b.days * childrenCount * b.childDailyOre,
      });
    if (b.protectionDailyOre !== null && b.protectionDailyOre > 0)
      rows.push({
        key: 'protection',
        label: t('web.applications.breakdown.protection'),
        how: `${days} × ${formatMoney(b.protectionDailyOre)}`,
        ore: b.days * b.protectionDailyOre,
      });
  }
  if (b.quantity !== null && b.unitOre !== null)
    rows.push({
      key: 'intervention',
      label: t('web.applications.breakdown.intervention'),
      how: `${b.quantity} × ${formatMoney(b.unitOre)}`,
      ore: b.quantity * b.unitOre,
    });
  return (
    <TableWrap label={caption}>
      <table className="breakdown">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.applications.breakdown.item')}</th>
            <th scope="col">{t('web.applications.breakdown.how')}</th>
            <th scope="col" className="numeric">
              {t('web.applications.breakdown.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td>{r.how}</td>
              <td className="numeric">
                <Money ore={r.ore} />
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('web.applications.breakdown.gross')}</th>
            <td />
            <td className="numeric">
              <Money ore={b.grossOre} />
            </td>
          </tr>
          {b.deductionsOre > 0 ? (
            <tr>
              <th scope="row">{t('web.applications.breakdown.deductions')}</th>
              <td />
              <td className="numeric">
                − <Money ore={b.deductionsOre} />
              </td>
            </tr>
          ) : null}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{amountLabel}</th>
            <td />
            <td className="numeric">
              <strong>
                <Money ore={b.amountOre} />
              </strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

/** The first day of the period: highlighted when it is today, tomorrow or has passed. */
export function Deadline({ date }: { date: string | null }) {
  const t = useT();
  if (!date) return <>–</>;
  const left = daysBetween(todayInStockholm(), date);
  const mark =
    left < 0
      ? t('web.applications.deadline.passed')
      : left === 0
        ? t('web.applications.deadline.today')
        : left === 1
          ? t('web.applications.deadline.tomorrow')
          : null;
  return (
    <span className="nowrap">
      {formatDate(date)}
      {mark ? (
        <>
          {' '}
          <span className={left < 0 ? 'badge badge-denied' : 'badge badge-pending'}>{mark}</span>
        </>
      ) : null}
    </span>
  );
}

const STATUS_BADGE: Record<ApplicationStatus, string> = {
  submitted: 'badge-pending',
  under_processing: 'badge-pending',
  information_requested: 'badge-invited',
  awaiting_approval: 'badge-held',
  decided: 'badge-decided',
};

export function StatusBadge({ status }: { status: ApplicationStatus }) {
  const vocab = useProgrammeVocabulary();
  return <span className={`badge ${STATUS_BADGE[status]}`}>{vocab.applicationStatus(status)}</span>;
}

/** A decision's outcome as a badge: green when granted, red when denied. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  const vocab = useProgrammeVocabulary();
  const cls = !isDecisionOutcome(outcome)
    ? 'badge'
    : outcome === 'denied'
      ? 'badge badge-denied'
      : FINAL_OUTCOMES.has(outcome)
        ? 'badge badge-success'
        : 'badge badge-pending';
  return <span className={cls}>{vocab.outcomeName(outcome)}</span>;
}
