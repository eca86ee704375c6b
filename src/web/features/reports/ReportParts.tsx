import { useCallback, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale, useT } from '../../i18n.js';
import { countryName } from '../../countries.js';
import { formatDate } from '../../reference.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Pagination, type PaginationTexts } from '../../components/Pagination.js';
import { Money } from '../programme/ProgrammeParts.js';
import { formatCount } from '../programme/vocabulary.js';
import type {
  NotesPaging,
  OneWayTable,
  PeriodReport,
  ReportFigure,
  TextRef,
  TwoWayTable,
} from './reportsApi.js';

/*
 * The period report's tables as the page shows them: the same headings,
 * categories and sentences as the exported files (the catalogue's
 * `reports.period` part, which the server also prints), figures in the
 * reader's locale, and a figure that is not published shown as ".." with
 * words for screen readers and the legend under its table.
 */

/** How a figure that is not published is marked (as in the exported files). */
export const SUPPRESSED = '..';

const GENDER_KEYS: Record<string, string> = {
  woman: 'woman',
  man: 'man',
  non_binary_other: 'nonBinaryOrOther',
  unknown: 'unknown',
};

/**
 * The report's texts: sentences the server sends as keys (`TextRef`), the
 * `reports.period` headings and the names of categories, in the interface language.
 */
export function useReportText() {
  const { t: raw } = useTranslation();
  const tr = useCallback(
    (key: string, params: Record<string, string | number> = {}) =>
      raw(`reports.period.${key}`, params),
    [raw],
  );
  const text = useCallback((ref: TextRef) => raw(ref.key, ref.params), [raw]);
  const any = useCallback((key: string) => raw(key), [raw]);
  const category = useCallback(
    (dimension: string, code: string): string => {
      if (code === 'unknown' && dimension !== 'gender' && dimension !== 'policeReport')
        return tr('categories.unknown');
      switch (dimension) {
        case 'applicationType':
          return raw(`web.applications.types.${code}`);
        case 'outcome':
          return raw(`web.outcomes.${code}`);
        case 'gender':
          return raw(`web.background.genders.${GENDER_KEYS[code] ?? 'unknown'}`);
        case 'ageBand':
          return code === '18_30' || code === '31_45'
            ? tr(`categories.ageBands.${code}`)
            : raw(`web.background.ageBands.${code}`);
        case 'childrenAccompanying':
        case 'childrenInHomeCountry':
          return tr(`categories.children.${code}`);
        case 'exploitationForm':
        case 'exploitationFormsEach':
          return code === 'multiple'
            ? tr('categories.multiple')
            : raw(`web.background.exploitationForms.${code}`);
        case 'policeReport':
          return raw(`web.background.policeReports.${code}`);
        case 'nationality':
        case 'exploitationCountry':
          return /^[A-Z]{2}$/.test(code) ? countryName(code) : tr(`categories.regions.${code}`);
        default:
          return code;
      }
    },
    [raw, tr],
  );
  return { tr, text, any, category };
}

/** A percentage in the reader's locale ("12 %" or "12%"). */
export function formatPercent(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { style: 'percent' }).format(value / 100);
}

/** A count, or ".." that says in words that it is not published. */
export function Figure({ figure, strong = false }: { figure: ReportFigure; strong?: boolean }) {
  const t = useT();
  if (figure.state === 'suppressed')
    return (
      <>
        <span aria-hidden="true">{SUPPRESSED}</span>
        <span className="visually-hidden">{t('web.reports.suppressed')}</span>
      </>
    );
  const count = formatCount(figure.count);
  return strong ? <strong>{count}</strong> : <>{count}</>;
}

function PercentCell({ figure }: { figure: ReportFigure }) {
  const t = useT();
  if (figure.state === 'suppressed')
    return (
      <>
        <span aria-hidden="true">{SUPPRESSED}</span>
        <span className="visually-hidden">{t('web.reports.suppressed')}</span>
      </>
    );
  return figure.percent === undefined ? null : <>{formatPercent(figure.percent)}</>;
}

const anySuppressed = (figures: ReportFigure[]) => figures.some((f) => f.state === 'suppressed');

/** The sentences under a table: its merge rules, how it is counted, rounding and the legend. */
export function TableNotes({
  id,
  table,
  figures,
  threshold,
  percent,
}: {
  id: string;
  table: Pick<OneWayTable, 'rules' | 'notes' | 'percentRule' | 'withheld'>;
  figures: ReportFigure[];
  threshold: number | null;
  percent: boolean;
}) {
  const { tr, text } = useReportText();
  const lines: Array<{ key: string; text: string; rule?: boolean }> = [
    ...table.rules.map((r, i) => ({ key: `rule-${i}`, text: text(r), rule: true })),
    ...table.notes.map((r, i) => ({ key: `note-${i}`, text: text(r) })),
  ];
  if (percent)
    lines.push({
      key: 'percent',
      text: tr(table.percentRule === 'half_up' ? 'notes.percentHalfUp' : 'notes.percentLargest'),
    });
  if (table.withheld) lines.push({ key: 'legend', text: tr('notes.withheld') });
  else if (anySuppressed(figures) && threshold !== null)
    lines.push({
      key: 'legend',
      text: tr('notes.suppressed', { mark: SUPPRESSED, threshold }),
    });
  if (lines.length === 0) return null;
  return (
    <div id={id} className="table-notes">
      {lines.map((l) => (
        <p key={l.key} className={l.rule ? 'hint table-rule' : 'hint'}>
          {l.text}
        </p>
      ))}
    </div>
  );
}

/** A one-way table of persons (or applications) per category, with percentages. */
export function OneWayTableView({
  caption,
  table,
  threshold,
  countHeading,
  totalLabel,
}: {
  caption: string;
  table: OneWayTable;
  threshold: number | null;
  countHeading: string;
  totalLabel: string;
}) {
  const { tr, category } = useReportText();
  const notesId = useId();
  const figures = [...table.categories.map((c) => c.figure), table.total];
  return (
    <>
      <TableWrap label={caption}>
        <table aria-describedby={notesId}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{tr('background.category')}</th>
              <th scope="col" className="numeric">
                {countHeading}
              </th>
              <th scope="col" className="numeric">
                %
              </th>
            </tr>
          </thead>
          <tbody>
            {table.categories.map((c) => (
              <tr key={c.code}>
                <th scope="row">{category(table.dimension, c.code)}</th>
                <td className="numeric">
                  <Figure figure={c.figure} />
                </td>
                <td className="numeric">
                  <PercentCell figure={c.figure} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{totalLabel}</th>
              <td className="numeric">
                <Figure figure={table.total} strong />
              </td>
              <td className="numeric" />
            </tr>
          </tfoot>
        </table>
      </TableWrap>
      <TableNotes id={notesId} table={table} figures={figures} threshold={threshold} percent />
    </>
  );
}

/** Applications per type: received, decided (per outcome) and under processing at the end. */
export function ApplicationsTable({ report }: { report: PeriodReport }) {
  const { tr, text, category } = useReportText();
  const notesId = useId();
  const { received, decided, underProcessing } = report.applications;
  const caption = tr('applications.heading');
  const figures = [
    ...received.categories.map((c) => c.figure),
    received.total,
    ...decided.cells.flat(),
    ...decided.rowTotals,
    ...decided.columnTotals,
    decided.total,
    ...underProcessing.categories.map((c) => c.figure),
    underProcessing.total,
  ];
  const withheld = received.withheld || decided.withheld || underProcessing.withheld;
  const notes = [...received.notes, ...decided.notes, ...underProcessing.notes];
  return (
    <>
      <TableWrap label={caption}>
        <table aria-describedby={notesId}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{tr('applications.type')}</th>
              <th scope="col" className="numeric">
                {tr('applications.received')}
              </th>
              <th scope="col" className="numeric">
                {tr('applications.decided')}
              </th>
              {decided.columns.categories.map((o) => (
                <th scope="col" className="numeric" key={o}>
                  {category('outcome', o)}
                </th>
              ))}
              <th scope="col" className="numeric">
                {tr('applications.underProcessing')}
              </th>
            </tr>
          </thead>
          <tbody>
            {decided.rows.categories.map((type, i) => (
              <tr key={type}>
                <th scope="row">{category('applicationType', type)}</th>
                <td className="numeric">
                  <Figure figure={received.categories[i]?.figure ?? received.total} />
                </td>
                <td className="numeric">
                  <Figure figure={decided.rowTotals[i] ?? decided.total} />
                </td>
                {(decided.cells[i] ?? []).map((f, j) => (
                  <td className="numeric" key={decided.columns.categories[j] ?? j}>
                    <Figure figure={f} />
                  </td>
                ))}
                <td className="numeric">
                  <Figure figure={underProcessing.categories[i]?.figure ?? underProcessing.total} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{tr('applications.total')}</th>
              <td className="numeric">
                <Figure figure={received.total} strong />
              </td>
              <td className="numeric">
                <Figure figure={decided.total} strong />
              </td>
              {decided.columnTotals.map((f, j) => (
                <td className="numeric" key={decided.columns.categories[j] ?? j}>
                  <Figure figure={f} strong />
                </td>
              ))}
              <td className="numeric">
                <Figure figure={underProcessing.total} strong />
              </td>
            </tr>
          </tfoot>
        </table>
      </TableWrap>
      <div id={notesId} className="table-notes">
        {[...decided.rules, ...received.rules].map((r, i) => (
          <p key={`rule-${i}`} className="hint table-rule">
            {text(r)}
          </p>
        ))}
        {notes.map((r, i) => (
          <p key={`note-${i}`} className="hint">
            {text(r)}
          </p>
        ))}
        {withheld ? (
          <p className="hint">{tr('notes.withheld')}</p>
        ) : anySuppressed(figures) && report.threshold !== null ? (
          <p className="hint">
            {tr('notes.suppressed', { mark: SUPPRESSED, threshold: report.threshold })}
          </p>
        ) : null}
      </div>
    </>
  );
}

/**
 * The internal version's decisions with their case codes, grounds and short
 * descriptions: a page of them, with the pager under the table.
 */
const NOTES_PAGER: PaginationTexts = {
  label: 'web.reports.notesPager.label',
  showing: 'web.reports.notesPager.showing',
  pastEnd: 'web.reports.notesPager.pastEnd',
  previous: 'web.reports.notesPager.previous',
  next: 'web.reports.notesPager.next',
};

export function DecisionNotesTable({
  notes,
  paging,
  onPage,
}: {
  notes: NonNullable<PeriodReport['applications']['notes']>;
  paging: NotesPaging;
  onPage: (page: number) => void;
}) {
  const { tr, any, category } = useReportText();
  const caption = tr('applications.notesHeading');
  if (paging.total === 0) return <p className="empty">{tr('applications.noDecisions')}</p>;
  // The pager stays the second child whether or not the page has notes, so it keeps its focus.
  return (
    <>
      {notes.length > 0 ? (
        <>
          <TableWrap label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{tr('applications.date')}</th>
                  <th scope="col">{any('budget.report.case')}</th>
                  <th scope="col">{tr('applications.type')}</th>
                  <th scope="col">{tr('applications.outcome')}</th>
                  <th scope="col">{tr('applications.grounds')}</th>
                  <th scope="col">{tr('applications.description')}</th>
                </tr>
              </thead>
              <tbody>
                {notes.map((n, i) => (
                  <tr key={`${n.caseCode ?? ''}-${n.decidedOn}-${i}`}>
                    <td className="nowrap">{formatDate(n.decidedOn)}</td>
                    <th scope="row" className="nowrap">
                      {n.caseCode ?? ''}
                    </th>
                    <td>{category('applicationType', n.type)}</td>
                    <td>
                      {n.correction
                        ? tr('applications.correction', { outcome: category('outcome', n.outcome) })
                        : category('outcome', n.outcome)}
                    </td>
                    <td>{n.grounds.map((g) => g.name).join('; ')}</td>
                    <td>{n.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p className="hint">{tr('notes.decisionNotes')}</p>
        </>
      ) : null}
      <Pagination
        total={paging.total}
        offset={(paging.page - 1) * paging.pageSize}
        limit={paging.pageSize}
        onChange={(offset) => onPage(Math.floor(offset / paging.pageSize) + 1)}
        texts={NOTES_PAGER}
      />
    </>
  );
}

/** The internal version's combinations of forms of exploitation. */
export function CombinationsTable({
  combinations,
}: {
  combinations: NonNullable<PeriodReport['background']['exploitationFormCombinations']>;
}) {
  const { tr, category } = useReportText();
  const caption = tr('background.tables.exploitationFormCombinations');
  if (combinations.length === 0)
    return (
      <>
        <h3>{caption}</h3>
        <p className="empty">{tr('background.noCombinations')}</p>
      </>
    );
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{tr('background.combination')}</th>
            <th scope="col" className="numeric">
              {tr('background.persons')}
            </th>
          </tr>
        </thead>
        <tbody>
          {combinations.map((c) => (
            <tr key={c.forms.join('+')}>
              <th scope="row">{c.forms.map((f) => category('exploitationForm', f)).join(' + ')}</th>
              <td className="numeric">{formatCount(c.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The name a post goes by: its own (internal) or its kind, other posts numbered. */
export function usePostLabels() {
  const { tr, any } = useReportText();
  return (report: PeriodReport, posts: PeriodReport['funds']['periods'][number]['posts']) => {
    let others = 0;
    return posts.map((p) => {
      if (report.version === 'internal' && p.name !== null) return p.name;
      if (p.kind === 'other') return tr('funds.otherPost', { number: ++others });
      return any(`web.budget.postKinds.${p.kind}`);
    });
  };
}

const FUND_COLUMNS = [
  'broughtForward',
  'budgetAdded',
  'transferredIn',
  'transferredOut',
  'committed',
  'deducted',
  'paid',
  'remaining',
] as const;

/** One budget period's funds per post against the budget, with the sums. */
export function FundsTable({
  report,
  period,
  caption,
  labels,
}: {
  report: PeriodReport;
  period: PeriodReport['funds']['periods'][number];
  caption: string;
  labels: string[];
}) {
  const { tr, any, text } = useReportText();
  const heading = (key: (typeof FUND_COLUMNS)[number]) =>
    key === 'broughtForward' || key === 'budgetAdded'
      ? tr(`funds.${key}`)
      : any(`budget.report.${key}`);
  const values = (p: PeriodReport['funds']['periods'][number]['posts'][number]) => [
    p.broughtForwardOre,
    p.movements.budgetOre,
    p.movements.transferredInOre,
    p.movements.transferredOutOre,
    p.movements.committedOre,
    p.movements.deductedOre,
    p.movements.paidOre,
    p.remainingOre,
  ];
  const sums = FUND_COLUMNS.map((_, j) =>
    period.posts.reduce((n, p) => n + (values(p)[j] ?? 0), 0),
  );
  return (
    <>
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{any('budget.report.post')}</th>
              {FUND_COLUMNS.map((k) => (
                <th scope="col" className="numeric" key={k}>
                  {heading(k)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {period.posts.map((p, i) => (
              <tr key={p.postId}>
                <th scope="row">{labels[i] ?? ''}</th>
                {values(p).map((ore, j) => (
                  <td className="numeric" key={FUND_COLUMNS[j] ?? j}>
                    <Money ore={ore} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{tr('funds.total')}</th>
              {sums.map((ore, j) => (
                <td className="numeric" key={FUND_COLUMNS[j] ?? j}>
                  <strong>
                    <Money ore={ore} />
                  </strong>
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </TableWrap>
      {report.funds.notes.map((r, i) => (
        <p key={i} className="hint">
          {text(r)}
        </p>
      ))}
    </>
  );
}

/** The internal version's ledger lines of one post in the range. */
export function LedgerLinesTable({
  report,
  post,
  label,
}: {
  report: PeriodReport;
  post: PeriodReport['funds']['periods'][number]['posts'][number];
  label: string;
}) {
  const { tr, any } = useReportText();
  const caption = tr('funds.linesHeading', { post: label });
  const lines = post.lines ?? [];
  return (
    <>
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{tr('funds.date')}</th>
              <th scope="col">{tr('funds.kind')}</th>
              <th scope="col">{any('budget.report.case')}</th>
              <th scope="col">{tr('funds.counterpart')}</th>
              <th scope="col" className="numeric">
                {any('budget.report.amount')}
              </th>
              <th scope="col" className="numeric">
                {any('budget.report.paid')}
              </th>
              <th scope="col" className="numeric">
                {any('budget.report.remaining')}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td className="nowrap">{formatDate(report.from)}</td>
              <th scope="row">{tr('funds.atStart')}</th>
              <td />
              <td />
              <td />
              <td />
              <td className="numeric">
                <Money ore={post.broughtForwardOre} />
              </td>
            </tr>
            {lines.length === 0 ? (
              <tr>
                <td colSpan={7}>{tr('funds.noLines')}</td>
              </tr>
            ) : (
              lines.map((l, i) => (
                <tr key={i}>
                  <td className="nowrap">{formatDate(l.date)}</td>
                  <th scope="row">{any(`web.budget.entryKinds.${l.kind}`)}</th>
                  <td className="nowrap">{l.caseCode ?? ''}</td>
                  <td>{l.counterpartPostName ?? ''}</td>
                  <td className="numeric">
                    {l.kind === 'payout' ? null : <Money ore={l.amountOre} />}
                  </td>
                  <td className="numeric">
                    {l.kind === 'payout' ? <Money ore={l.paidOre} /> : null}
                  </td>
                  <td className="numeric">
                    <Money ore={l.remainingOre} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
          <tfoot>
            <tr>
              <td className="nowrap">{formatDate(report.to)}</td>
              <th scope="row">{tr('funds.atEnd')}</th>
              <td />
              <td />
              <td />
              <td />
              <td className="numeric">
                <strong>
                  <Money ore={post.remainingOre} />
                </strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </TableWrap>
      {post.linesTruncated ? (
        <p className="hint">{tr('notes.linesTruncated', { count: lines.length })}</p>
      ) : null}
    </>
  );
}

/** A heading-less group of a chart and its table (the table is the chart's text alternative). */
export function ChartAndTable({ chart, children }: { chart: ReactNode; children: ReactNode }) {
  return (
    <div className="chart-and-table">
      <div className="chart-box">{chart}</div>
      <div>{children}</div>
    </div>
  );
}

export type { TwoWayTable };
