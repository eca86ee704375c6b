import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useT, type Translate } from '../../i18n.js';
import { ApiError } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { ErrorState, FormError, Info, Loading, Notice } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors } from '../programme/errors.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import {
  contactStatisticsApi,
  contactStatisticsKeys,
  type AgeGroup,
  type Certainty,
  type FigureInput,
  type ReportView,
  type SaveInput,
} from './contactStatisticsApi.js';
import {
  AGE_GROUPS,
  CERTAINTIES,
  FORMS,
  formatCount,
  GENDERS,
  MAX_PERSONS,
  parseCount,
  ReportStatusBadge,
  useStatisticsVocabulary,
} from './ContactStatisticsParts.js';

/*
 * The organisation's report for one year: for each certainty a table of
 * gender × age group (rows) by form of exploitation (columns), the persons
 * met per certainty as the organisation states them, Save draft, Submit
 * (after a confirmation), and correcting a submitted report before the
 * deadline. After the deadline the report is shown as it is, unless the
 * coordinator reopened it.
 */

type Gender = (typeof GENDERS)[number];
type Form = (typeof FORMS)[number];

const cellKey = (c: Certainty, g: Gender, a: AgeGroup, f: Form) => `${c}|${g}|${a}|${f}`;

interface Draft {
  cells: Record<string, string>;
  totals: Record<Certainty, string>;
}

function draftOf(report: ReportView): Draft {
  const cells: Record<string, string> = {};
  for (const f of report.figures)
    cells[cellKey(f.certainty, f.gender, f.ageGroup, f.form)] = String(f.persons);
  const total = (n: number | null) => (n === null ? '' : String(n));
  return {
    cells,
    totals: {
      possible: total(report.totals.possible),
      probable: total(report.totals.probable),
      suspected: total(report.totals.suspected),
    },
  };
}

/** A cell's count for sums: what is typed, or 0 while it is empty or cannot be read. */
const countOf = (text: string | undefined): number => {
  const parsed = parseCount(text ?? '');
  return parsed.ok ? (parsed.value ?? 0) : 0;
};

function sumOf(draft: Draft, keep: (c: Certainty, g: Gender, a: AgeGroup, f: Form) => boolean) {
  let n = 0;
  for (const c of CERTAINTIES)
    for (const g of GENDERS)
      for (const a of AGE_GROUPS)
        for (const f of FORMS) if (keep(c, g, a, f)) n += countOf(draft.cells[cellKey(c, g, a, f)]);
  return n;
}

type Parsed =
  | { ok: true; body: Omit<SaveInput, 'expectedVersion'>; keys: string[] }
  | { ok: false; errors: Record<string, string> };

/**
 * The draft as the API's input, or messages for what cannot be sent: every
 * cell a whole number from 0; with `complete`, every total given and equal
 * to its breakdown (what submitting and correcting need).
 */
function parseDraft(draft: Draft, t: Translate, complete: boolean): Parsed {
  const errors: Record<string, string> = {};
  const message = (problem: 'wholeNumber' | 'tooLarge') =>
    problem === 'tooLarge'
      ? t('web.contactStatistics.form.tooLarge', { maximum: formatCount(MAX_PERSONS) })
      : t('web.contactStatistics.form.wholeNumber');
  const figures: FigureInput[] = [];
  const keys: string[] = [];
  for (const c of CERTAINTIES)
    for (const g of GENDERS)
      for (const a of AGE_GROUPS)
        for (const f of FORMS) {
          const key = cellKey(c, g, a, f);
          const parsed = parseCount(draft.cells[key] ?? '');
          if (!parsed.ok) errors[`cell:${key}`] = message(parsed.problem);
          else if (parsed.value) {
            figures.push({ certainty: c, gender: g, ageGroup: a, form: f, persons: parsed.value });
            keys.push(key);
          }
        }
  const totals: Record<Certainty, number | null> = {
    possible: null,
    probable: null,
    suspected: null,
  };
  for (const c of CERTAINTIES) {
    const parsed = parseCount(draft.totals[c]);
    const path = `totals.${c}`;
    if (!parsed.ok) errors[path] = message(parsed.problem);
    else {
      totals[c] = parsed.value;
      const sum = sumOf(draft, (x) => x === c);
      if (complete && parsed.value === null)
        errors[path] = t('web.contactStatistics.form.totalRequired');
      else if (complete && parsed.value !== sum)
        errors[path] = t('web.contactStatistics.form.totalMismatch', { sum: formatCount(sum) });
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { totals, figures }, keys };
}

/** One certainty's table: number fields while editing, the figures as text otherwise. */
function CertaintyGrid({
  certainty,
  draft,
  onCell,
  errorOf,
  readOnly,
}: {
  certainty: Certainty;
  draft: Draft;
  onCell: (key: string, value: string) => void;
  errorOf: (key: string) => string | undefined;
  readOnly: boolean;
}) {
  const t = useT();
  const v = useStatisticsVocabulary();
  const base = useId();
  const caption = t('web.contactStatistics.grid.caption', { certainty: v.certainty(certainty) });
  const formSum = (f: Form) => sumOf(draft, (c, _g, _a, ff) => c === certainty && ff === f);
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.contactStatistics.grid.gender')}</th>
            <th scope="col">{t('web.contactStatistics.grid.age')}</th>
            {FORMS.map((f) => (
              <th scope="col" key={f} className="numeric">
                {v.form(f)}
              </th>
            ))}
            <th scope="col" className="numeric">
              {t('web.contactStatistics.grid.total')}
            </th>
          </tr>
        </thead>
        {GENDERS.map((g) => (
          <tbody key={g}>
            {AGE_GROUPS.map((a, ai) => {
              const rowSum = sumOf(draft, (c, gg, aa) => c === certainty && gg === g && aa === a);
              return (
                <tr key={a}>
                  {ai === 0 ? (
                    <th scope="rowgroup" rowSpan={AGE_GROUPS.length}>
                      {v.gender(g)}
                    </th>
                  ) : null}
                  <th scope="row">{v.ageGroup(a)}</th>
                  {FORMS.map((f) => {
                    const key = cellKey(certainty, g, a, f);
                    const value = draft.cells[key] ?? '';
                    if (readOnly)
                      return (
                        <td key={f} className="numeric">
                          {formatCount(countOf(value))}
                        </td>
                      );
                    const error = errorOf(key);
                    const errorId = `${base}-${g}-${a}-${f}-error`;
                    return (
                      <td key={f} className={error ? 'field-invalid' : undefined}>
                        <input
                          type="text"
                          inputMode="numeric"
                          autoComplete="off"
                          className="numeric"
                          aria-label={t('web.contactStatistics.grid.cellLabel', {
                            certainty: v.certainty(certainty),
                            form: v.form(f),
                            gender: v.gender(g),
                            age: v.ageGroup(a),
                          })}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? errorId : undefined}
                          value={value}
                          placeholder="0"
                          onChange={(e) => onCell(key, e.target.value)}
                        />
                        {error ? (
                          <p id={errorId} className="field-error">
                            {error}
                          </p>
                        ) : null}
                      </td>
                    );
                  })}
                  <td className="numeric">{formatCount(rowSum)}</td>
                </tr>
              );
            })}
          </tbody>
        ))}
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('web.contactStatistics.grid.total')}
            </th>
            {FORMS.map((f) => (
              <td key={f} className="numeric">
                {formatCount(formSum(f))}
              </td>
            ))}
            <td className="numeric">
              <strong>{formatCount(sumOf(draft, (c) => c === certainty))}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

const isValidation = (err: unknown) => err instanceof ApiError && err.code === 'validation';

function ReportForm({ report }: { report: ReportView }) {
  const t = useT();
  const v = useStatisticsVocabulary();
  const queryClient = useQueryClient();
  const key = contactStatisticsKeys.myReport(report.roundId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(report));
  const [editing, setEditing] = useState(report.editable && report.status !== 'submitted');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const sentKeys = useRef<string[]>([]);
  const noticeRef = useRef<HTMLDivElement>(null);
  // A confirmation at the top of a long form: bring it into view (and focus, for the keyboard).
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const stored = (reply: ReportView) => {
    queryClient.setQueryData(key, reply);
    void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.myReports });
  };
  const save = useMutation({
    mutationFn: (body: SaveInput) => contactStatisticsApi.saveReport(report.roundId, body),
    onSuccess: (reply) => {
      stored(reply);
      setDraft(draftOf(reply));
      if (reply.status === 'submitted') {
        setEditing(false);
        setNotice(t('web.contactStatistics.form.corrected'));
      } else setNotice(t('web.contactStatistics.form.draftSaved'));
    },
    onError: (err) => {
      if (!isValidation(err)) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const submit = useMutation({
    mutationFn: async (body: SaveInput) => {
      const saved = await contactStatisticsApi.saveReport(report.roundId, body);
      stored(saved);
      return contactStatisticsApi.submitReport(report.roundId, saved.version);
    },
    onSuccess: (reply) => {
      stored(reply);
      setDraft(draftOf(reply));
      setEditing(false);
      setConfirming(false);
      setNotice(t('web.contactStatistics.form.submitted'));
    },
    onError: (err) => {
      // Field problems are shown at the fields.
      if (isValidation(err)) setConfirming(false);
      else void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const error = submit.error ?? save.error;
  const formRef = useRef<HTMLFormElement>(null);
  // After a refusal, the first field with a problem takes the focus (the form is long).
  useEffect(() => {
    if (Object.keys(local).length > 0 || isValidation(error))
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [local, error]);
  const server = nestedFieldErrors(error);
  const hasLocal = Object.keys(local).length > 0;
  const errorOfCell = (k: string) => {
    const i = sentKeys.current.indexOf(k);
    return local[`cell:${k}`] ?? (i >= 0 ? server[`figures.${i}`] : undefined);
  };
  const errorOfTotal = (c: Certainty) => local[`totals.${c}`] ?? server[`totals.${c}`];

  const prepare = (complete: boolean): SaveInput | null => {
    setNotice(null);
    const parsed = parseDraft(draft, t, complete);
    if (!parsed.ok) {
      save.reset();
      submit.reset();
      setLocal(parsed.errors);
      return null;
    }
    setLocal({});
    sentKeys.current = parsed.keys;
    return { expectedVersion: report.version, ...parsed.body };
  };
  const correcting = report.status === 'submitted';
  const onSave = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body = prepare(correcting);
    if (body) save.mutate(body);
  };
  const onSubmitClick = () => {
    if (prepare(true)) {
      submit.reset();
      setConfirming(true);
    }
  };
  const cancelCorrection = () => {
    setDraft(draftOf(report));
    setLocal({});
    save.reset();
    setEditing(false);
  };
  const readOnly = !editing || !report.editable;

  return (
    <>
      <dl className="details">
        <dt>{t('web.contactStatistics.fields.deadline')}</dt>
        <dd>{formatDate(report.deadline)}</dd>
        <dt>{t('web.contactStatistics.fields.status')}</dt>
        <dd>
          <ReportStatusBadge status={report.status} />
        </dd>
        {report.submittedAt ? (
          <>
            <dt>{t('web.contactStatistics.fields.submittedAt')}</dt>
            <dd>{formatDateTime(report.submittedAt)}</dd>
          </>
        ) : null}
        {report.updatedAt ? (
          <>
            <dt>{t('web.contactStatistics.fields.updatedAt')}</dt>
            <dd>{formatDateTime(report.updatedAt)}</dd>
          </>
        ) : null}
      </dl>
      <div ref={noticeRef} tabIndex={-1} className="focus-target">
        <Notice>{notice}</Notice>
      </div>
      {!report.editable ? (
        <Info>
          <p>{t('web.contactStatistics.form.closed', { deadline: formatDate(report.deadline) })}</p>
        </Info>
      ) : report.status === 'reopened' ? (
        <Info>
          <p>
            {t('web.contactStatistics.form.reopened', {
              date: report.reopenedAt ? formatDateTime(report.reopenedAt) : '',
            })}
          </p>
        </Info>
      ) : report.status === 'submitted' ? (
        <Info>
          <p>
            {t('web.contactStatistics.form.submittedInfo', {
              deadline: formatDate(report.deadline),
            })}
          </p>
        </Info>
      ) : (
        <Info>
          <p>
            {t('web.contactStatistics.form.draftInfo', { deadline: formatDate(report.deadline) })}
          </p>
        </Info>
      )}
      <p>{t('web.contactStatistics.countingRule')}</p>
      {readOnly && report.editable && report.status === 'submitted' ? (
        <p>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setNotice(null);
              setEditing(true);
            }}
          >
            {t('web.contactStatistics.form.correct')}
          </button>
        </p>
      ) : null}
      <form ref={formRef} noValidate onSubmit={onSave}>
        {!confirming ? (
          <FormError
            error={hasLocal ? localProblem(t('web.contactStatistics.form.checkFields')) : error}
            fields={hasLocal ? [] : ['figures', 'totals']}
          />
        ) : null}
        {CERTAINTIES.map((c) => {
          const sum = sumOf(draft, (x) => x === c);
          return (
            <section key={c} className="panel" aria-labelledby={`certainty-${c}`}>
              <h2 id={`certainty-${c}`}>{v.certainty(c)}</h2>
              <CertaintyGrid
                certainty={c}
                draft={draft}
                readOnly={readOnly}
                errorOf={errorOfCell}
                onCell={(k, value) =>
                  setDraft((d) => ({ ...d, cells: { ...d.cells, [k]: value } }))
                }
              />
              {readOnly ? (
                <dl className="details">
                  <dt>
                    {t('web.contactStatistics.fields.declaredTotal', { certainty: v.certainty(c) })}
                  </dt>
                  <dd>
                    {draft.totals[c] === ''
                      ? t('web.contactStatistics.form.totalNotGiven')
                      : formatCount(countOf(draft.totals[c]))}
                  </dd>
                </dl>
              ) : (
                <TextField
                  className="field-number"
                  label={t('web.contactStatistics.fields.declaredTotal', {
                    certainty: v.certainty(c),
                  })}
                  hint={t('web.contactStatistics.fields.declaredTotalHint', {
                    sum: formatCount(sum),
                  })}
                  inputMode="numeric"
                  autoComplete="off"
                  value={draft.totals[c]}
                  error={errorOfTotal(c)}
                  onChange={(e) => {
                    const value = e.target.value;
                    setDraft((d) => ({ ...d, totals: { ...d.totals, [c]: value } }));
                  }}
                />
              )}
            </section>
          );
        })}
        {!readOnly ? (
          <div className="button-row">
            {correcting ? (
              <>
                <button type="submit" disabled={save.isPending}>
                  {t('web.contactStatistics.form.saveCorrection')}
                </button>
                <button type="button" className="button-secondary" onClick={cancelCorrection}>
                  {t('web.common.cancel')}
                </button>
              </>
            ) : (
              <>
                <button type="submit" className="button-secondary" disabled={save.isPending}>
                  {t('web.contactStatistics.form.saveDraft')}
                </button>
                <button type="button" onClick={onSubmitClick} disabled={submit.isPending}>
                  {t('web.contactStatistics.form.submit')}
                </button>
              </>
            )}
          </div>
        ) : null}
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('web.contactStatistics.form.confirmTitle', { year: report.year })}
        confirmLabel={t('web.contactStatistics.form.confirm')}
        destructive={false}
        busy={submit.isPending}
        error={submit.error}
        onConfirm={() => {
          const body = prepare(true);
          if (body) submit.mutate(body);
          else setConfirming(false);
        }}
        onCancel={() => {
          setConfirming(false);
          submit.reset();
        }}
      >
        <p>
          {t('web.contactStatistics.form.confirmBody', {
            persons: formatCount(sumOf(draft, () => true)),
            deadline: formatDate(report.deadline),
          })}
        </p>
      </ConfirmDialog>
    </>
  );
}

/** The report of the actor's organisation for one year. */
export function ReportPage() {
  const t = useT();
  const { roundId = '' } = useParams();
  const query = useQuery({
    queryKey: contactStatisticsKeys.myReport(roundId),
    queryFn: () => contactStatisticsApi.myReport(roundId),
  });
  const report = query.data;
  return (
    <Page
      title={
        report
          ? t('web.contactStatistics.form.title', { year: report.year })
          : t('web.contactStatistics.form.loadingTitle')
      }
    >
      <p>
        <Link to="/contact-statistics">{t('web.contactStatistics.form.back')}</Link>
      </p>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {report ? <ReportForm key={report.roundId} report={report} /> : null}
    </Page>
  );
}
