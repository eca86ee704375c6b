import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useParams } from 'react-router';
import { api, type MailStatus } from '../../api.js';
import { formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Info, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';

const PAGE_SIZE = 50;
const FILTERS = ['status'] as const;
const STATUSES: readonly MailStatus[] = ['held', 'pending', 'sending', 'sent', 'failed'];

function StatusBadge({ status }: { status: MailStatus }) {
  const t = useT();
  return <span className={`badge badge-${status}`}>{t(`web.outbox.statuses.${status}`)}</span>;
}

export function OutboxListPage() {
  const t = useT();
  const filters = useFilters(FILTERS);
  const offset = Math.max(0, Number(filters.params.get('offset')) || 0);
  const query = { ...filters.applied, offset, limit: PAGE_SIZE };
  const mail = useQuery({
    queryKey: ['outbox', query],
    queryFn: () => api.outbox(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(mail.error);

  return (
    <Page title={t('web.outbox.title')}>
      {mail.data ? (
        <Info>
          <p>{mail.data.smtpEnabled ? t('web.outbox.smtpOn') : t('web.outbox.smtpOff')}</p>
        </Info>
      ) : null}
      <FilterForm label={t('web.outbox.filters')} onApply={filters.apply} onClear={filters.clear}>
        <SelectField
          label={t('web.outbox.fields.status')}
          options={STATUSES.map((s) => ({ value: s, label: t(`web.outbox.statuses.${s}`) }))}
          emptyLabel={t('web.common.all')}
          error={errors.status}
          {...filters.field('status')}
        />
      </FilterForm>
      {mail.isPending ? <Loading /> : null}
      {mail.isError ? <ErrorState error={mail.error} onRetry={() => void mail.refetch()} /> : null}
      {mail.data && mail.data.items.length === 0 ? (
        <EmptyState>{t('web.outbox.empty')}</EmptyState>
      ) : null}
      {mail.data && mail.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('web.outbox.caption', { count: mail.data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.outbox.fields.createdAt')}</th>
                  <th scope="col">{t('web.outbox.fields.to')}</th>
                  <th scope="col">{t('web.outbox.fields.subject')}</th>
                  <th scope="col">{t('web.outbox.fields.status')}</th>
                  <th scope="col" className="numeric">
                    {t('web.outbox.fields.attempts')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {mail.data.items.map((m) => (
                  <tr key={m.id}>
                    <td className="nowrap">{formatDateTime(m.createdAt)}</td>
                    <td>{m.toAddress}</td>
                    <td>
                      <Link to={`/admin/outbox/${m.id}`}>{m.subject}</Link>
                    </td>
                    <td>
                      <StatusBadge status={m.status} />
                    </td>
                    <td className="numeric">{m.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            total={mail.data.total}
            offset={offset}
            limit={PAGE_SIZE}
            onChange={(o) => filters.setPage('offset', o ? String(o) : undefined)}
          />
        </>
      ) : null}
    </Page>
  );
}

export function OutboxMessagePage() {
  const t = useT();
  const { id = '' } = useParams();
  // Each reading is audited on the server, so the message is not fetched again in the background.
  const message = useQuery({
    queryKey: ['outbox', 'message', id],
    queryFn: () => api.outboxMessage(id),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const m = message.data;
  return (
    <Page title={m ? m.subject : t('web.outbox.message.title')}>
      <p>
        <Link to="/admin/outbox">{t('web.outbox.backToList')}</Link>
      </p>
      {message.isPending ? <Loading /> : null}
      {message.isError ? (
        <ErrorState error={message.error} onRetry={() => void message.refetch()} />
      ) : null}
      {m ? (
        <>
          <Section title={t('web.outbox.message.details')}>
            <dl className="details">
              <dt>{t('web.outbox.fields.to')}</dt>
              <dd>{m.toAddress}</dd>
              <dt>{t('web.outbox.fields.status')}</dt>
              <dd>
                <StatusBadge status={m.status} />
              </dd>
              <dt>{t('web.outbox.fields.createdAt')}</dt>
              <dd>{formatDateTime(m.createdAt)}</dd>
              <dt>{t('web.outbox.fields.sentAt')}</dt>
              <dd>{m.sentAt ? formatDateTime(m.sentAt) : t('web.outbox.message.notSent')}</dd>
              <dt>{t('web.outbox.fields.attempts')}</dt>
              <dd>{m.attempts}</dd>
              {m.lastError ? (
                <>
                  <dt>{t('web.outbox.fields.lastError')}</dt>
                  <dd>{m.lastError}</dd>
                </>
              ) : null}
            </dl>
          </Section>
          <Section title={t('web.outbox.message.body')}>
            {m.status === 'held' ? (
              <Info>
                <p>{t('web.outbox.message.heldHint')}</p>
              </Info>
            ) : null}
            <pre className="mail-body" tabIndex={0}>
              {m.bodyText}
            </pre>
          </Section>
        </>
      ) : null}
    </Page>
  );
}
