import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { ErrorState, FormError, Loading } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { todayInStockholm } from '../programme/vocabulary.js';
import {
  contactStatisticsApi,
  contactStatisticsKeys,
  type OpenInput,
  type RoundView,
} from './contactStatisticsApi.js';
import { formatCount } from './ContactStatisticsParts.js';

const OPEN_FIELDS = ['year', 'deadline'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Open, or past its last day (as a word). */
export function RoundStateBadge({ round }: { round: Pick<RoundView, 'deadlinePassed'> }) {
  const t = useT();
  return round.deadlinePassed ? (
    <span className="badge badge-disabled">{t('web.contactStatistics.rounds.closed')}</span>
  ) : (
    <span className="badge badge-active">{t('web.contactStatistics.rounds.open')}</span>
  );
}

/** Opens the contact statistics for a year, with its last day to report. */
function OpenRoundSection({ defaultYear }: { defaultYear: number }) {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [year, setYear] = useState(String(defaultYear));
  const [deadline, setDeadline] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const open = useMutation({
    mutationFn: (body: OpenInput) => contactStatisticsApi.openRound(body),
    onSuccess: (round) => {
      queryClient.setQueryData(contactStatisticsKeys.round(round.id), round);
      void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.rounds });
      void navigate(`/contact-statistics/rounds/${round.id}`, { state: { notice: 'opened' } });
    },
  });
  const errors = { ...nestedFieldErrors(open.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const y = year.trim();
    if (!/^\d{4}$/.test(y)) problems.year = t('web.contactStatistics.open.yearInvalid');
    if (!ISO_DATE.test(deadline))
      problems.deadline = t('web.contactStatistics.open.deadlineInvalid');
    if (Object.keys(problems).length > 0) {
      open.reset();
      setLocal(problems);
      return;
    }
    setLocal({});
    open.mutate({ year: Number(y), deadline });
  };
  return (
    <Section title={t('web.contactStatistics.open.heading')}>
      <p>{t('web.contactStatistics.open.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <FormError
          error={hasLocal ? localProblem(t('web.contactStatistics.form.checkFields')) : open.error}
          fields={hasLocal ? [] : shownPaths(open.error, OPEN_FIELDS)}
        />
        <div className="field-pair">
          <TextField
            label={t('web.contactStatistics.fields.year')}
            inputMode="numeric"
            autoComplete="off"
            required
            value={year}
            onChange={(e) => setYear(e.target.value)}
            error={errors.year}
          />
          <TextField
            label={t('web.contactStatistics.fields.deadline')}
            hint={t('web.contactStatistics.open.deadlineHint')}
            type="date"
            required
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
            error={errors.deadline}
          />
        </div>
        <div className="button-row">
          <button type="submit" disabled={open.isPending}>
            {t('web.contactStatistics.open.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** The coordinator's years: who has reported in each, and opening a new one. */
export function RoundsPage() {
  const t = useT();
  const rounds = useQuery({
    queryKey: contactStatisticsKeys.rounds,
    queryFn: contactStatisticsApi.rounds,
  });
  const items = rounds.data?.items ?? [];
  const caption = t('web.contactStatistics.rounds.caption', { count: items.length });
  const thisYear = Number(todayInStockholm().slice(0, 4));

  return (
    <Page title={t('web.contactStatistics.rounds.title')}>
      <p className="lead">{t('web.contactStatistics.rounds.intro')}</p>
      {rounds.isPending ? <Loading /> : null}
      {rounds.isError ? (
        <ErrorState error={rounds.error} onRetry={() => void rounds.refetch()} />
      ) : null}
      {rounds.data && items.length === 0 ? (
        <div className="panel">
          <p>{t('web.contactStatistics.rounds.empty')}</p>
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
                <th scope="col" className="numeric">
                  {t('web.contactStatistics.fields.submitted')}
                </th>
                <th scope="col">{t('web.contactStatistics.fields.lastReminder')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/contact-statistics/rounds/${r.id}`}>
                      {t('web.contactStatistics.rounds.yearLink', { year: r.year })}
                    </Link>
                  </th>
                  <td className="nowrap">
                    {formatDate(r.deadline)} <RoundStateBadge round={r} />
                  </td>
                  <td className="numeric">
                    {t('web.contactStatistics.rounds.submittedOf', {
                      submitted: formatCount(r.submitted),
                      expected: formatCount(r.expected),
                    })}
                  </td>
                  <td>
                    {r.lastReminderAt
                      ? formatDateTime(r.lastReminderAt)
                      : t('web.contactStatistics.rounds.noReminder')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {rounds.data ? <OpenRoundSection defaultYear={thisYear} /> : null}
    </Page>
  );
}
