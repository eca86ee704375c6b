import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate, formatDateTime, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Info, Loading } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';
import { todayInStockholm } from '../programme/vocabulary.js';
import {
  periodDownload,
  reportsApi,
  reportsKeys,
  type OneWayTable,
  type PeriodReport,
  type ReportChoice,
  type ReportVersion,
} from './reportsApi.js';
import {
  ApplicationsTable,
  ChartAndTable,
  CombinationsTable,
  DecisionNotesTable,
  FundsTable,
  LedgerLinesTable,
  OneWayTableView,
  usePostLabels,
  useReportText,
} from './ReportParts.js';
import { ApplicationsChart, BackgroundChart, FundsChart } from './ReportCharts.js';

/*
 * The period report for any range of days: applications per type, funds per
 * post and the background of the persons admitted, with charts, in the
 * internal version (the coordinator) or the publishable one (everyone who
 * may read reports). The address keeps the range, the version, the
 * threshold and the page of decision notes only.
 */

/** The server's default threshold and the lowest it accepts (ADR 0005). */
const DEFAULT_THRESHOLD = 11;
const MINIMUM_THRESHOLD = 3;

const FORM_FIELDS = ['from', 'to', 'threshold'] as const;

function versionOf(value: string | null, mayInternal: boolean): ReportVersion {
  if (value === 'internal' || value === 'publishable') return value;
  return mayInternal ? 'internal' : 'publishable';
}

/** The page of decision notes in the address; anything but a whole number from 1 is the first page. */
function notesPageOf(value: string | null): number {
  return value !== null && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : 1;
}

function ReportForm({
  choice,
  mayInternal,
  error,
  onSubmit,
}: {
  choice: ReportChoice;
  mayInternal: boolean;
  error: unknown;
  onSubmit: (choice: ReportChoice) => void;
}) {
  const t = useT();
  const versionName = useId();
  const [draft, setDraft] = useState(choice);
  const [seen, setSeen] = useState(choice);
  if (seen !== choice) {
    setSeen(choice);
    setDraft(choice);
  }
  const problems = fieldErrors(error);
  const version = mayInternal ? draft.version : 'publishable';
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onSubmit({
      ...draft,
      version,
      threshold: version === 'publishable' ? draft.threshold?.trim() : undefined,
    });
  };
  return (
    <form className="filters" aria-label={t('web.reports.form.label')} noValidate onSubmit={submit}>
      <div className="filter-fields">
        <TextField
          label={t('web.reports.form.from')}
          type="date"
          required
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          error={problems.from}
        />
        <TextField
          label={t('web.reports.form.to')}
          hint={t('web.reports.form.toHint')}
          type="date"
          required
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          error={problems.to}
        />
      </div>
      {mayInternal ? (
        <fieldset className="form-group">
          <legend>{t('web.reports.form.version')}</legend>
          {(['internal', 'publishable'] as const).map((option) => (
            <div className="field field-checkbox" key={option}>
              <input
                id={`${versionName}-${option}`}
                type="radio"
                name={versionName}
                checked={draft.version === option}
                aria-describedby={`${versionName}-${option}-hint`}
                onChange={() => setDraft({ ...draft, version: option })}
              />
              <label htmlFor={`${versionName}-${option}`}>
                {t(`web.reports.versions.${option}`)}
              </label>
              <p id={`${versionName}-${option}-hint`} className="hint">
                {t(`web.reports.versionHints.${option}`)}
              </p>
            </div>
          ))}
        </fieldset>
      ) : null}
      {version === 'publishable' ? (
        <div className="filter-fields">
          <TextField
            className="field-number"
            label={t('web.reports.form.threshold')}
            hint={t('web.reports.form.thresholdHint', {
              minimum: MINIMUM_THRESHOLD,
              default: DEFAULT_THRESHOLD,
            })}
            inputMode="numeric"
            autoComplete="off"
            value={draft.threshold ?? String(DEFAULT_THRESHOLD)}
            onChange={(e) => setDraft({ ...draft, threshold: e.target.value })}
            error={problems.threshold}
          />
        </div>
      ) : null}
      <div className="button-row">
        <button type="submit">{t('web.reports.form.show')}</button>
      </div>
    </form>
  );
}

/** Nothing to report: no application, no budget period and no person admitted in the range. */
function isEmpty(r: PeriodReport): boolean {
  const zero = (t: OneWayTable) => t.total.state === 'published' && t.total.count === 0;
  return (
    r.funds.periods.length === 0 &&
    zero(r.applications.received) &&
    r.applications.decided.total.state === 'published' &&
    r.applications.decided.total.count === 0 &&
    zero(r.applications.underProcessing) &&
    zero(r.background.gender)
  );
}

function Facts({ report: r }: { report: PeriodReport }) {
  const t = useT();
  return (
    <dl className="details">
      <dt>{t('web.reports.facts.period')}</dt>
      <dd>
        {formatDate(r.from)} – {formatDate(r.to)}
      </dd>
      <dt>{t('web.reports.facts.version')}</dt>
      <dd>{t(`web.reports.versions.${r.version}`)}</dd>
      {r.threshold !== null ? (
        <>
          <dt>{t('web.reports.facts.threshold')}</dt>
          <dd>{r.threshold}</dd>
        </>
      ) : null}
      <dt>{t('web.reports.facts.generated')}</dt>
      <dd>{formatDateTime(r.generatedAt)}</dd>
    </dl>
  );
}

function DownloadLinks({ report: r }: { report: PeriodReport }) {
  const t = useT();
  const choice: ReportChoice = {
    from: r.from,
    to: r.to,
    version: r.version,
    threshold: r.threshold === null ? undefined : String(r.threshold),
  };
  return (
    <div className="export-links" role="group" aria-label={t(`web.reports.downloads.${r.version}`)}>
      <a className="button button-secondary" href={periodDownload(choice, 'xlsx')} download>
        {t('web.common.exportXlsx')}
      </a>
      <a className="button button-secondary" href={periodDownload(choice, 'csv')} download>
        {t('web.common.exportCsv')}
      </a>
      <a className="button button-secondary" href={periodDownload(choice, 'pdf')} download>
        {t('web.reports.downloads.pdf')}
      </a>
    </div>
  );
}

function ApplicationsSection({
  report,
  onNotesPage,
}: {
  report: PeriodReport;
  onNotesPage: (page: number) => void;
}) {
  const { tr } = useReportText();
  const { notes, notesPaging } = report.applications;
  return (
    <Section title={tr('sections.applications')}>
      <ChartAndTable chart={<ApplicationsChart report={report} />}>
        <ApplicationsTable report={report} />
      </ChartAndTable>
      {notes && notesPaging ? (
        <DecisionNotesTable notes={notes} paging={notesPaging} onPage={onNotesPage} />
      ) : null}
    </Section>
  );
}

function FundsSection({ report }: { report: PeriodReport }) {
  const { tr, any } = useReportText();
  const postLabels = usePostLabels();
  const periods = report.funds.periods;
  return (
    <Section title={tr('sections.funds')}>
      <p>{periods.length === 0 ? tr('funds.none') : any('budget.report.amountsIn')}</p>
      {periods.map((period) => {
        const labels = postLabels(report, period.posts);
        const caption =
          report.version === 'internal' && period.name !== null
            ? tr('funds.periodNamed', {
                name: period.name,
                from: formatDate(period.startsOn),
                to: formatDate(period.endsOn),
              })
            : tr('funds.period', {
                from: formatDate(period.startsOn),
                to: formatDate(period.endsOn),
              });
        return (
          <div key={period.periodId} className="report-part">
            <ChartAndTable chart={<FundsChart period={period} labels={labels} caption={caption} />}>
              <FundsTable report={report} period={period} caption={caption} labels={labels} />
            </ChartAndTable>
            {report.version === 'internal'
              ? period.posts.map((p, i) => (
                  <LedgerLinesTable
                    key={p.postId}
                    report={report}
                    post={p}
                    label={labels[i] ?? ''}
                  />
                ))
              : null}
          </div>
        );
      })}
    </Section>
  );
}

/** The background tables' captions: the case form's field names where they fit. */
const BACKGROUND_FIELDS: Record<string, string> = {
  nationality: 'nationality',
  gender: 'gender',
  ageBand: 'ageBand',
  childrenAccompanying: 'childrenCount',
  childrenInHomeCountry: 'childrenInHomeCountry',
  exploitationCountry: 'exploitationCountries',
  policeReport: 'policeReport',
};

function BackgroundPart({
  name,
  table,
  threshold,
}: {
  name: string;
  table: OneWayTable;
  threshold: number | null;
}) {
  const { tr, any } = useReportText();
  const field = BACKGROUND_FIELDS[name];
  const caption = field ? any(`web.background.fields.${field}`) : tr(`background.tables.${name}`);
  return (
    <ChartAndTable chart={<BackgroundChart table={table} title={caption} />}>
      <OneWayTableView
        caption={caption}
        table={table}
        threshold={threshold}
        countHeading={tr('background.persons')}
        totalLabel={tr('background.personsTotal')}
      />
    </ChartAndTable>
  );
}

function BackgroundSection({ report }: { report: PeriodReport }) {
  const { tr, text } = useReportText();
  const b = report.background;
  const th = report.threshold;
  return (
    <Section title={tr('sections.background')}>
      {b.notes.map((r, i) => (
        <p key={i}>{text(r)}</p>
      ))}
      <BackgroundPart name="nationality" table={b.nationality} threshold={th} />
      <BackgroundPart name="gender" table={b.gender} threshold={th} />
      <BackgroundPart name="ageBand" table={b.ageBand} threshold={th} />
      <BackgroundPart name="childrenAccompanying" table={b.childrenAccompanying} threshold={th} />
      <BackgroundPart name="childrenInHomeCountry" table={b.childrenInHomeCountry} threshold={th} />
      <BackgroundPart name="exploitationForm" table={b.exploitationForm} threshold={th} />
      {b.exploitationFormsEach ? (
        <BackgroundPart
          name="exploitationFormsEach"
          table={b.exploitationFormsEach}
          threshold={th}
        />
      ) : null}
      {b.exploitationFormCombinations ? (
        <CombinationsTable combinations={b.exploitationFormCombinations} />
      ) : null}
      <BackgroundPart name="exploitationCountry" table={b.exploitationCountry} threshold={th} />
      <BackgroundPart name="policeReport" table={b.policeReport} threshold={th} />
    </Section>
  );
}

/** Two keys of the report that differ at most in the page of decision notes. */
function sameReport(a: readonly unknown[], b: readonly unknown[]): boolean {
  const choiceOf = (key: readonly unknown[]) => JSON.stringify(key.slice(0, -1));
  return choiceOf(a) === choiceOf(b);
}

/** The period report page (/reports/period). */
export function PeriodReportPage() {
  const t = useT();
  const session = useSession();
  const role = session?.stage === 'full' ? session.user.role : undefined;
  const mayInternal = role !== undefined && hasPermission(role, 'reports.internal');
  const [params, setParams] = useSearchParams();
  const today = todayInStockholm();
  const from = params.get('from') ?? `${today.slice(0, 4)}-01-01`;
  const to = params.get('to') ?? today;
  const version = versionOf(params.get('version'), mayInternal);
  const threshold = params.get('threshold') ?? undefined;
  const notesPage = version === 'internal' ? notesPageOf(params.get('notesPage')) : 1;
  // One object per distinct choice, so that the form resets only when the choice changes.
  const [choice, setChoice] = useState<ReportChoice>({ from, to, version, threshold });
  if (
    choice.from !== from ||
    choice.to !== to ||
    choice.version !== version ||
    choice.threshold !== threshold
  )
    setChoice({ from, to, version, threshold });

  const query = useQuery({
    queryKey: reportsKeys.period(choice, notesPage),
    queryFn: () => reportsApi.period(choice, notesPage),
    staleTime: 0,
    // Another page of notes of the same report: keep showing the report until it comes.
    placeholderData: (previous, previousQuery) =>
      previousQuery && sameReport(previousQuery.queryKey, reportsKeys.period(choice, notesPage))
        ? previous
        : undefined,
  });
  const r = query.data;
  const problems = fieldErrors(query.error);
  const isFieldError = FORM_FIELDS.some((f) => problems[f] !== undefined);

  const show = (next: ReportChoice) => {
    const p = new URLSearchParams();
    p.set('from', next.from);
    p.set('to', next.to);
    p.set('version', next.version);
    if (next.version === 'publishable' && next.threshold) p.set('threshold', next.threshold);
    setParams(p);
  };
  const showNotesPage = (page: number) => {
    const p = new URLSearchParams(params);
    if (page > 1) p.set('notesPage', String(page));
    else p.delete('notesPage');
    setParams(p);
  };

  return (
    <Page title={t('web.reports.title')}>
      <p>{t('web.reports.intro')}</p>
      {mayInternal ? null : (
        <Info>
          <p>{t('web.reports.publishableOnly')}</p>
        </Info>
      )}
      <ReportForm choice={choice} mayInternal={mayInternal} error={query.error} onSubmit={show} />
      {query.isPending && query.fetchStatus !== 'idle' ? <Loading /> : null}
      {query.isError ? (
        isFieldError ? (
          <FormError error={query.error} fields={FORM_FIELDS} />
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )
      ) : null}
      {r ? (
        <>
          <Facts report={r} />
          {r.version === 'internal' ? (
            <Info>
              <p>{t('web.reports.internalWarning')}</p>
            </Info>
          ) : null}
          <DownloadLinks report={r} />
          {isEmpty(r) ? (
            <EmptyState>{t('web.reports.empty')}</EmptyState>
          ) : (
            <>
              <ApplicationsSection report={r} onNotesPage={showNotesPage} />
              <FundsSection report={r} />
              <BackgroundSection report={r} />
            </>
          )}
        </>
      ) : null}
    </Page>
  );
}
