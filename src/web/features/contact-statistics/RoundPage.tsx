import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { useT } from '../../i18n.js';
import { ApiError } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { TextField } from '../../components/Fields.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import {
  contactStatisticsApi,
  contactStatisticsKeys,
  type RoundDetail,
  type RoundOrganisation,
} from './contactStatisticsApi.js';
import { formatCount, ReportStatusBadge } from './ContactStatisticsParts.js';
import { RoundStateBadge } from './RoundsPage.js';
import { NationalSection } from './NationalSection.js';

/*
 * One year's round for the coordinator: who has and has not submitted,
 * reminders by mail (through the outbox), reopening one organisation's
 * report after the deadline, moving the deadline, and the national table.
 */

const isConflict = (err: unknown) => err instanceof ApiError && err.code === 'conflict';

/** The organisations a reminder now reaches: not submitted, and still able to (in time, or reopened). */
function dueForReminder(round: RoundDetail): RoundOrganisation[] {
  return round.organisations.filter(
    (o) => o.status !== 'submitted' && (!round.deadlinePassed || o.status === 'reopened'),
  );
}

function RemindSection({ round }: { round: RoundDetail }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const due = dueForReminder(round);
  const remind = useMutation({
    mutationFn: () => contactStatisticsApi.remind(round.id),
    onSuccess: (reply) => {
      void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.all });
      setAsking(false);
      setDone(
        t('web.contactStatistics.remind.done', {
          recipients: formatCount(reply.recipients),
          organisations: formatCount(reply.organisations.length),
        }),
      );
    },
  });
  return (
    <Section title={t('web.contactStatistics.remind.heading')}>
      <Notice>{done}</Notice>
      <p>
        {due.length > 0
          ? t('web.contactStatistics.remind.due', { count: due.length })
          : round.deadlinePassed
            ? t('web.contactStatistics.remind.noneAfterDeadline')
            : t('web.contactStatistics.remind.none')}
      </p>
      <button
        type="button"
        disabled={due.length === 0}
        onClick={() => {
          setDone(null);
          remind.reset();
          setAsking(true);
        }}
      >
        {t('web.contactStatistics.remind.button')}
      </button>
      <ConfirmDialog
        open={asking}
        title={t('web.contactStatistics.remind.title', { year: round.year })}
        confirmLabel={t('web.contactStatistics.remind.confirm')}
        destructive={false}
        busy={remind.isPending}
        error={remind.error}
        onConfirm={() => remind.mutate()}
        onCancel={() => {
          setAsking(false);
          remind.reset();
        }}
      >
        <p>
          {t('web.contactStatistics.remind.body', {
            count: due.length,
            deadline: formatDate(round.deadline),
          })}
        </p>
        <ul>
          {due.map((o) => (
            <li key={o.organisationId}>{o.name}</li>
          ))}
        </ul>
      </ConfirmDialog>
    </Section>
  );
}

function OrganisationsSection({ round }: { round: RoundDetail }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<RoundOrganisation | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reopen = useMutation({
    mutationFn: (o: RoundOrganisation) => contactStatisticsApi.reopen(round.id, o.organisationId),
    onSuccess: (reply, o) => {
      queryClient.setQueryData(contactStatisticsKeys.round(round.id), reply);
      void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.all });
      setChosen(null);
      setDone(t('web.contactStatistics.reopen.done', { name: o.name }));
    },
  });
  const caption = t('web.contactStatistics.round.organisationsCaption', {
    count: round.organisations.length,
  });
  const submitted = round.organisations.filter((o) => o.status === 'submitted').length;
  return (
    <Section title={t('web.contactStatistics.round.organisationsHeading')}>
      <Notice>{done}</Notice>
      <p>
        {t('web.contactStatistics.round.submittedSummary', {
          submitted: formatCount(submitted),
          missing: formatCount(round.organisations.length - submitted),
        })}
      </p>
      {round.organisations.length === 0 ? (
        <EmptyState>{t('web.contactStatistics.round.noOrganisations')}</EmptyState>
      ) : (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.contactStatistics.fields.organisation')}</th>
                <th scope="col">{t('web.contactStatistics.fields.status')}</th>
                <th scope="col">{t('web.contactStatistics.fields.submittedAt')}</th>
                <th scope="col">{t('web.contactStatistics.fields.lastReminder')}</th>
                {round.deadlinePassed ? <th scope="col">{t('web.common.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {round.organisations.map((o) => (
                <tr key={o.organisationId}>
                  <th scope="row">{o.name}</th>
                  <td>
                    <ReportStatusBadge status={o.status} />
                  </td>
                  <td>
                    {o.submittedAt
                      ? formatDateTime(o.submittedAt)
                      : t('web.contactStatistics.reports.notSubmitted')}
                  </td>
                  <td>
                    {o.lastReminderAt
                      ? t('web.contactStatistics.round.reminders', {
                          date: formatDateTime(o.lastReminderAt),
                          count: o.reminders,
                        })
                      : t('web.contactStatistics.rounds.noReminder')}
                  </td>
                  {round.deadlinePassed ? (
                    <td>
                      {o.status === 'reopened' ? (
                        <span className="muted">
                          {t('web.contactStatistics.reopen.alreadyReopened')}
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="button-secondary button-small"
                          onClick={() => {
                            setDone(null);
                            reopen.reset();
                            setChosen(o);
                          }}
                        >
                          {t('web.contactStatistics.reopen.button', { name: o.name })}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <ConfirmDialog
        open={chosen !== null}
        title={t('web.contactStatistics.reopen.title', { name: chosen?.name ?? '' })}
        confirmLabel={t('web.contactStatistics.reopen.confirm')}
        busy={reopen.isPending}
        error={reopen.error}
        onConfirm={() => {
          if (chosen) reopen.mutate(chosen);
        }}
        onCancel={() => {
          setChosen(null);
          reopen.reset();
        }}
      >
        <p>
          {t('web.contactStatistics.reopen.body', { name: chosen?.name ?? '', year: round.year })}
        </p>
        {chosen?.status === 'submitted' ? (
          <p>{t('web.contactStatistics.reopen.bodySubmitted')}</p>
        ) : null}
      </ConfirmDialog>
    </Section>
  );
}

function DeadlineSection({ round }: { round: RoundDetail }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [deadline, setDeadline] = useState(round.deadline);
  const [seen, setSeen] = useState(round.deadline);
  const [local, setLocal] = useState<string | null>(null);
  if (seen !== round.deadline) {
    setSeen(round.deadline);
    setDeadline(round.deadline);
  }
  const [saved, setSaved] = useState(false);
  const change = useMutation({
    mutationFn: (d: string) => contactStatisticsApi.changeDeadline(round.id, round.version, d),
    onSuccess: (reply) => {
      queryClient.setQueryData(contactStatisticsKeys.round(round.id), reply);
      void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.all });
      setSaved(true);
    },
    onError: (err) => {
      if (isConflict(err))
        void queryClient.invalidateQueries({ queryKey: contactStatisticsKeys.round(round.id) });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline)) {
      change.reset();
      setLocal(t('web.contactStatistics.open.deadlineInvalid'));
      return;
    }
    setLocal(null);
    change.mutate(deadline);
  };
  return (
    <Section title={t('web.contactStatistics.deadline.heading')}>
      <p>{t('web.contactStatistics.deadline.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        {saved && !change.isPending ? (
          <Notice>
            {t('web.contactStatistics.deadline.saved', { deadline: formatDate(round.deadline) })}
          </Notice>
        ) : null}
        <FormError
          error={local ? null : change.error}
          fields={shownPaths(change.error, ['deadline'])}
        />
        <TextField
          label={t('web.contactStatistics.fields.deadline')}
          type="date"
          required
          value={deadline}
          onChange={(e) => setDeadline(e.target.value)}
          error={local ?? nestedFieldErrors(change.error).deadline}
        />
        <div className="button-row">
          <button type="submit" className="button-secondary" disabled={change.isPending}>
            {t('web.contactStatistics.deadline.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function openedNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'opened'
  );
}

/** A year's round: the organisations, reminders, the deadline and the national table. */
export function RoundPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const query = useQuery({
    queryKey: contactStatisticsKeys.round(id),
    queryFn: () => contactStatisticsApi.round(id),
  });
  const round = query.data;
  return (
    <Page
      title={
        round
          ? t('web.contactStatistics.round.title', { year: round.year })
          : t('web.contactStatistics.round.loadingTitle')
      }
    >
      <p>
        <Link to="/contact-statistics/rounds">{t('web.contactStatistics.round.back')}</Link>
      </p>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {round ? (
        <>
          {openedNotice(location.state) ? (
            <Notice>{t('web.contactStatistics.round.opened', { year: round.year })}</Notice>
          ) : null}
          <dl className="details">
            <dt>{t('web.contactStatistics.fields.deadline')}</dt>
            <dd>
              {formatDate(round.deadline)} <RoundStateBadge round={round} />
            </dd>
            <dt>{t('web.contactStatistics.fields.submitted')}</dt>
            <dd>
              {t('web.contactStatistics.rounds.submittedOf', {
                submitted: formatCount(round.submitted),
                expected: formatCount(round.expected),
              })}
            </dd>
            <dt>{t('web.contactStatistics.fields.lastReminder')}</dt>
            <dd>
              {round.lastReminderAt
                ? formatDateTime(round.lastReminderAt)
                : t('web.contactStatistics.rounds.noReminder')}
            </dd>
          </dl>
          <OrganisationsSection round={round} />
          <RemindSection round={round} />
          <DeadlineSection round={round} />
          <NationalSection roundId={round.id} />
        </>
      ) : null}
    </Page>
  );
}
