import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, type AuditEvent } from '../../api.js';
import { formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';

const PAGE_SIZE = 50;
const FILTERS = [
  'action',
  'outcome',
  'objectType',
  'objectId',
  'actorUserId',
  'from',
  'to',
] as const;

/** The actions Slussa records, offered as suggestions in the filter. */
const KNOWN_ACTIONS = [
  'access.denied',
  'application.answered',
  'application.decided',
  'application.decision_superseded',
  'application.listed',
  'application.quoted',
  'application.read',
  'application.submitted',
  'audit.read',
  'audit.verified',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_set',
  'auth.password_verified',
  'auth.recovery_codes_regenerated',
  'auth.second_factor',
  'auth.sign_in',
  'auth.sign_in_recovery_code',
  'auth.sign_out',
  'auth.sign_out_everywhere',
  'auth.totp_disabled',
  'auth.totp_enabled',
  'auth.totp_setup_started',
  'budget.balances_read',
  'budget.payout_recorded',
  'budget.period_changed',
  'budget.period_closed',
  'budget.period_created',
  'budget.period_read',
  'budget.periods_listed',
  'budget.post_added',
  'budget.post_changed',
  'budget.rates_changed',
  'budget.report_exported',
  'budget.report_read',
  'budget.statement_read',
  'budget.transferred',
  'case.attachment_added',
  'case.attachment_read',
  'case.background_changed',
  'case.created',
  'case.identity_note_changed',
  'case.identity_note_read',
  'case.listed',
  'case.note_added',
  'case.protection_changed',
  'case.read',
  'case.transferred',
  'certification.changed',
  'certification.document_added',
  'certification.document_read',
  'certification.document_removed',
  'contact.created',
  'contact.deleted',
  'contact.imported',
  'contact.updated',
  'contact_statistics.corrected',
  'contact_statistics.deadline_changed',
  'contact_statistics.draft_saved',
  'contact_statistics.exported',
  'contact_statistics.national_read',
  'contact_statistics.publishable_exported',
  'contact_statistics.publishable_read',
  'contact_statistics.reminders_sent',
  'contact_statistics.reopened',
  'contact_statistics.round_opened',
  'contact_statistics.submissions_read',
  'contact_statistics.submitted',
  'dashboard.read',
  'decision.approval_refused',
  'decision.approved',
  'directory.exported',
  'organisation.created',
  'organisation.imported',
  'organisation.updated',
  'outbox.message_read',
  'programme.intervention_added',
  'programme.intervention_changed',
  'programme.settings_changed',
  'reports.period_exported',
  'reports.period_read',
  'service.created',
  'service.updated',
  'user.access_changed',
  'user.admin_created',
  'user.created',
  'user.disabled',
  'user.enabled',
  'user.invitation_sent',
  'user.profile_updated',
  'user.sessions_ended',
  'user.two_factor_reset',
  'user.updated',
  'working_group.closed',
  'working_group.created',
  'working_group.members_set',
  'working_group.updated',
] as const;
const OUTCOMES = ['success', 'denied', 'failure'] as const;
const OBJECT_TYPES = [
  'user',
  'organisation',
  'contact_person',
  'certification_document',
  'service',
  'working_group',
  'organisations',
  'contacts',
  'outbox',
  'audit_log',
  'route',
  'case',
  'case_list',
  'case_attachment',
  'application',
  'application_list',
  'decision',
  'programme',
  'intervention_category',
  'budget_period',
  'budget_post',
  'budget_transfer',
  'budget_entry',
  'contact_stat_round',
  'contact_stat_report',
  'period_report',
  'dashboard',
] as const;

function VerifyChain() {
  const t = useT();
  const verify = useMutation({ mutationFn: api.verifyAudit });
  const result = verify.data;
  return (
    <Section title={t('web.audit.verify.heading')}>
      <p>{t('web.audit.verify.intro')}</p>
      <div className="button-row">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? t('web.audit.verify.running') : t('web.audit.verify.button')}
        </button>
      </div>
      <FormError error={verify.error} />
      {result?.ok ? <Notice>{t('web.audit.verify.ok', { count: result.checked })}</Notice> : null}
      {result && !result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>
            {t('web.audit.verify.broken', {
              seq: result.brokenAt ?? '?',
              count: result.checked,
            })}
          </p>
          {result.reason === 'content' ||
          result.reason === 'link' ||
          result.reason === 'gap' ||
          result.reason === 'head' ? (
            <p>{t(`web.audit.verify.reasons.${result.reason}`)}</p>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

/** Users and organisations link to their pages; other ids are shown as they are. */
function ObjectId({ type, id }: { type: string; id: string }) {
  const code = <code className="break">{id}</code>;
  if (type === 'user') return <Link to={`/admin/users/${id}`}>{code}</Link>;
  if (type === 'organisation') return <Link to={`/organisations/${id}`}>{code}</Link>;
  if (type === 'contact_person') return <Link to={`/contacts/${id}`}>{code}</Link>;
  if (type === 'working_group') return <Link to={`/working-groups/${id}`}>{code}</Link>;
  return <code className="muted break">{id}</code>;
}

function EventRow({ e }: { e: AuditEvent }) {
  const t = useT();
  const known = (KNOWN_ACTIONS as readonly string[]).includes(e.action);
  const outcome = OUTCOMES.find((o) => o === e.outcome);
  const objectType = OBJECT_TYPES.find((o) => o === e.objectType);
  return (
    <tr>
      <td className="numeric">{e.seq}</td>
      <td className="nowrap">{formatDateTime(e.at)}</td>
      <td>
        {e.actorName ?? (e.actorUserId ? <code>{e.actorUserId}</code> : t('web.audit.system'))}
      </td>
      <td>
        {known ? (
          <>
            {t(`web.audit.actions.${e.action as (typeof KNOWN_ACTIONS)[number]}`)}
            <br />
          </>
        ) : null}
        <code className="muted">{e.action}</code>
      </td>
      <td>
        {e.objectType ? (
          <>
            {objectType ? t(`web.audit.objectTypes.${objectType}`) : e.objectType}
            {e.objectId ? (
              <>
                <br />
                <ObjectId type={e.objectType} id={e.objectId} />
              </>
            ) : null}
          </>
        ) : (
          '–'
        )}
      </td>
      <td>
        <span className={`badge badge-${e.outcome}`}>
          {outcome ? t(`web.audit.outcomes.${outcome}`) : e.outcome}
        </span>
      </td>
    </tr>
  );
}

export function AuditPage() {
  const t = useT();
  const filters = useFilters(FILTERS);
  const before = filters.params.get('before') ?? '';
  const query = { ...filters.applied, before, limit: PAGE_SIZE };
  const events = useQuery({
    queryKey: ['audit', query],
    queryFn: () => api.audit(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(events.error);

  return (
    <Page title={t('web.audit.title')}>
      <p className="lead">{t('web.audit.intro')}</p>
      <VerifyChain />
      <FilterForm label={t('web.audit.filters')} onApply={filters.apply} onClear={filters.clear}>
        <TextField
          label={t('web.audit.fields.action')}
          list="audit-actions"
          autoComplete="off"
          spellCheck={false}
          error={errors.action}
          {...filters.field('action')}
        />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <SelectField
          label={t('web.audit.fields.outcome')}
          options={OUTCOMES.map((o) => ({ value: o, label: t(`web.audit.outcomes.${o}`) }))}
          emptyLabel={t('web.common.all')}
          error={errors.outcome}
          {...filters.field('outcome')}
        />
        <SelectField
          label={t('web.audit.fields.objectType')}
          options={OBJECT_TYPES.map((o) => ({ value: o, label: t(`web.audit.objectTypes.${o}`) }))}
          emptyLabel={t('web.common.all')}
          error={errors.objectType}
          {...filters.field('objectType')}
        />
        <TextField
          label={t('web.audit.fields.objectId')}
          autoComplete="off"
          spellCheck={false}
          error={errors.objectId}
          {...filters.field('objectId')}
        />
        <TextField
          label={t('web.audit.fields.actorUserId')}
          autoComplete="off"
          spellCheck={false}
          error={errors.actorUserId}
          {...filters.field('actorUserId')}
        />
        <TextField
          label={t('web.audit.fields.from')}
          type="date"
          error={errors.from}
          {...filters.field('from')}
        />
        <TextField
          label={t('web.audit.fields.to')}
          type="date"
          error={errors.to}
          {...filters.field('to')}
        />
      </FilterForm>

      {events.isPending ? <Loading /> : null}
      {events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : null}
      {events.data && events.data.items.length === 0 ? (
        <EmptyState>{t('web.audit.empty')}</EmptyState>
      ) : null}
      {events.data && events.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>
                {before ? t('web.audit.captionOlder', { before }) : t('web.audit.caption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="numeric">
                    {t('web.audit.fields.seq')}
                  </th>
                  <th scope="col">{t('web.audit.fields.at')}</th>
                  <th scope="col">{t('web.audit.fields.actor')}</th>
                  <th scope="col">{t('web.audit.fields.action')}</th>
                  <th scope="col">{t('web.audit.fields.object')}</th>
                  <th scope="col">{t('web.audit.fields.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((e) => (
                  <EventRow key={e.seq} e={e} />
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pagination" aria-label={t('web.common.pages')}>
            <div className="button-row">
              <button
                type="button"
                className="button-secondary"
                disabled={!before}
                onClick={() => filters.setPage('before', undefined)}
              >
                {t('web.audit.newest')}
              </button>
              <button
                type="button"
                className="button-secondary"
                disabled={events.data.nextBefore === null}
                onClick={() => filters.setPage('before', String(events.data.nextBefore ?? ''))}
              >
                {t('web.audit.older')}
              </button>
            </div>
          </nav>
        </>
      ) : null}
    </Page>
  );
}
