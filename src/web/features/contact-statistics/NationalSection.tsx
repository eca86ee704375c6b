import { useId, useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { intlLocale, useT } from '../../i18n.js';
import { ApiError } from '../../api.js';
import { Section } from '../../components/Page.js';
import { ErrorState, Info, Loading } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors } from '../programme/errors.js';
import {
  contactStatisticsApi,
  contactStatisticsKeys,
  nationalDownload,
  type NationalChoice,
  type NationalReply,
  type NationalVersion,
  type SummaryFigure,
  type SummaryTable,
} from './contactStatisticsApi.js';
import type { ExploitationForm, Gender } from '../../../server/core/reference.js';
import type { AgeGroup } from './contactStatisticsApi.js';
import { formatCount, useStatisticsVocabulary } from './ContactStatisticsParts.js';

/*
 * The national table of a round for the coordinator: the internal version
 * (full counts) or the publishable one (disclosure control with a threshold,
 * suppressed figures shown as ".." with words for screen readers and an
 * explanation under the table), and the files to download for the version shown.
 */

/** How a figure that is not published is marked (as in the exported files). */
const SUPPRESSED = '..';

/** The server's default threshold and the lowest it accepts. */
const DEFAULT_THRESHOLD = 11;
const MINIMUM_THRESHOLD = 3;

function Percent({ value }: { value: number }) {
  return (
    <span className="muted nowrap">
      {' '}
      ({new Intl.NumberFormat(intlLocale(), { style: 'percent' }).format(value / 100)})
    </span>
  );
}

/** A figure: its count (and share), or ".." that says in words that it is not published. */
function Figure({ figure, strong = false }: { figure: SummaryFigure; strong?: boolean }) {
  const t = useT();
  if (figure.state === 'suppressed')
    return (
      <>
        <span aria-hidden="true">{SUPPRESSED}</span>
        <span className="visually-hidden">{t('web.contactStatistics.national.suppressed')}</span>
      </>
    );
  const count = formatCount(figure.count);
  return (
    <>
      {strong ? <strong>{count}</strong> : count}
      {figure.percent !== undefined && figure.count > 0 ? <Percent value={figure.percent} /> : null}
    </>
  );
}

function SummaryTableView({ table, threshold }: { table: SummaryTable; threshold: number }) {
  const t = useT();
  const v = useStatisticsVocabulary();
  const noteId = useId();
  const caption = t(`web.contactStatistics.national.tables.${table.key}`);
  const category = (c: string) =>
    table.dimension === 'form'
      ? v.form(c as ExploitationForm)
      : table.dimension === 'gender'
        ? v.gender(c as Gender)
        : v.ageGroup(c as AgeGroup);
  const figures = [
    ...table.rows.flatMap((r) => [...r.cells, r.total]),
    ...table.columnTotals,
    table.total,
  ];
  const anySuppressed = figures.some((f) => f.state === 'suppressed');
  return (
    <>
      <TableWrap label={caption}>
        <table aria-describedby={anySuppressed ? noteId : undefined}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('web.contactStatistics.national.certainty')}</th>
              {table.categories.map((c) => (
                <th scope="col" key={c} className="numeric">
                  {category(c)}
                </th>
              ))}
              <th scope="col" className="numeric">
                {t('web.contactStatistics.grid.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.certainty}>
                <th scope="row">{v.certainty(r.certainty)}</th>
                {r.cells.map((f, j) => (
                  <td key={table.categories[j] ?? j} className="numeric">
                    <Figure figure={f} />
                  </td>
                ))}
                <td className="numeric">
                  <Figure figure={r.total} strong />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('web.contactStatistics.national.allCertainties')}</th>
              {table.columnTotals.map((f, j) => (
                <td key={table.categories[j] ?? j} className="numeric">
                  <Figure figure={f} strong />
                </td>
              ))}
              <td className="numeric">
                <Figure figure={table.total} strong />
              </td>
            </tr>
          </tfoot>
        </table>
      </TableWrap>
      {anySuppressed ? (
        <p id={noteId} className="hint">
          {table.withheld
            ? t('web.contactStatistics.national.withheldNote')
            : t('web.contactStatistics.national.suppressedNote', {
                mark: SUPPRESSED,
                below: threshold - 1,
              })}
        </p>
      ) : null}
    </>
  );
}

function DownloadLinks({ roundId, choice }: { roundId: string; choice: NationalChoice }) {
  const t = useT();
  const label =
    choice.version === 'publishable'
      ? t('web.contactStatistics.national.downloadPublishable')
      : t('web.contactStatistics.national.downloadInternal');
  return (
    <div className="export-links" role="group" aria-label={label}>
      <a
        className="button button-secondary"
        href={nationalDownload(roundId, 'csv', choice)}
        download
      >
        {t('web.common.exportCsv')}
      </a>
      <a
        className="button button-secondary"
        href={nationalDownload(roundId, 'xlsx', choice)}
        download
      >
        {t('web.common.exportXlsx')}
      </a>
      <a
        className="button button-secondary"
        href={nationalDownload(roundId, 'pdf', choice)}
        download
      >
        {t('web.contactStatistics.national.exportPdf')}
      </a>
    </div>
  );
}

function Tables({ reply, threshold }: { reply: NationalReply; threshold: number }) {
  const t = useT();
  return (
    <>
      <p>
        {t('web.contactStatistics.national.reporting', {
          reporting: formatCount(reply.reportingOrganisations),
          expected: formatCount(reply.expectedOrganisations),
        })}
      </p>
      {reply.tables.map((table) => (
        <SummaryTableView
          key={table.key}
          table={table}
          threshold={reply.version === 'publishable' ? reply.threshold : threshold}
        />
      ))}
      <p className="hint">{t('web.contactStatistics.national.percentNote')}</p>
    </>
  );
}

/** The national table with the switch between the versions and the threshold. */
export function NationalSection({ roundId }: { roundId: string }) {
  const t = useT();
  const versionName = useId();
  const [version, setVersion] = useState<NationalVersion>('internal');
  const [thresholdText, setThresholdText] = useState(String(DEFAULT_THRESHOLD));
  const [threshold, setThreshold] = useState(DEFAULT_THRESHOLD);
  const [problem, setProblem] = useState<string | null>(null);
  const choice: NationalChoice =
    version === 'publishable' ? { version, threshold } : { version: 'internal' };
  const query = useQuery({
    queryKey: contactStatisticsKeys.national(roundId, choice),
    queryFn: () => contactStatisticsApi.national(roundId, choice),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const serverProblem = nestedFieldErrors(query.error).threshold;
  const applyThreshold = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const s = thresholdText.trim();
    if (!/^\d+$/.test(s) || Number(s) < MINIMUM_THRESHOLD) {
      setProblem(
        t('web.contactStatistics.national.thresholdInvalid', { minimum: MINIMUM_THRESHOLD }),
      );
      return;
    }
    setProblem(null);
    setThreshold(Number(s));
  };
  const shown = query.data && !query.isPlaceholderData ? query.data : undefined;
  const isFieldError = query.error instanceof ApiError && serverProblem !== undefined;

  return (
    <Section title={t('web.contactStatistics.national.heading')}>
      <p>{t('web.contactStatistics.national.intro')}</p>
      <fieldset className="form-group">
        <legend>{t('web.contactStatistics.national.version')}</legend>
        {(['internal', 'publishable'] as const).map((option) => (
          <div className="field field-checkbox" key={option}>
            <input
              id={`${versionName}-${option}`}
              type="radio"
              name={versionName}
              checked={version === option}
              aria-describedby={`${versionName}-${option}-hint`}
              onChange={() => setVersion(option)}
            />
            <label htmlFor={`${versionName}-${option}`}>
              {t(`web.contactStatistics.national.versions.${option}`)}
            </label>
            <p id={`${versionName}-${option}-hint`} className="hint">
              {t(`web.contactStatistics.national.versionHints.${option}`)}
            </p>
          </div>
        ))}
      </fieldset>
      {version === 'publishable' ? (
        <form
          className="filters"
          aria-label={t('web.contactStatistics.national.thresholdForm')}
          noValidate
          onSubmit={applyThreshold}
        >
          <div className="filter-fields">
            <TextField
              className="field-number"
              label={t('web.contactStatistics.national.threshold')}
              hint={t('web.contactStatistics.national.thresholdHint', {
                minimum: MINIMUM_THRESHOLD,
                default: DEFAULT_THRESHOLD,
              })}
              inputMode="numeric"
              autoComplete="off"
              value={thresholdText}
              onChange={(e) => setThresholdText(e.target.value)}
              error={problem ?? serverProblem}
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button-secondary">
              {t('web.contactStatistics.national.apply')}
            </button>
          </div>
        </form>
      ) : (
        <Info>
          <p>{t('web.contactStatistics.national.internalWarning')}</p>
        </Info>
      )}
      {query.isFetching && !shown ? <Loading /> : null}
      {query.isError && !isFieldError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {shown ? (
        <>
          <Tables reply={shown} threshold={threshold} />
          <DownloadLinks roundId={roundId} choice={choice} />
        </>
      ) : null}
    </Section>
  );
}
