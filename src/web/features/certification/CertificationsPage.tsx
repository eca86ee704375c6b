import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api } from '../../api.js';
import { formatDate, isCounty, useVocabulary } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { useServices } from '../services/useServices.js';
import { TableWrap } from '../../components/TableWrap.js';

/** The coordinator's "expires soon" horizon. */
export const EXPIRY_WINDOW_DAYS = 60;
const FILTERS = ['status', 'expiringWithinDays'] as const;

/** Every certification, with the coordinator's view of those that expire soon. */
export function CertificationsPage() {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const filters = useFilters(FILTERS);
  const query = filters.applied;
  const certs = useQuery({
    queryKey: ['certifications', query],
    queryFn: () => api.certifications(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(certs.error);
  const expiring = query.expiringWithinDays !== '';

  return (
    <Page title={t('web.certifications.title')}>
      <p className="lead">{t('web.certifications.intro')}</p>
      <FilterForm
        label={t('web.certifications.filters')}
        onApply={filters.apply}
        onClear={filters.clear}
      >
        <SelectField
          label={t('web.certification.fields.status')}
          options={vocab.certificationStatusOptions}
          emptyLabel={t('web.common.all')}
          error={errors.status}
          {...filters.field('status')}
        />
        <SelectField
          label={t('web.certifications.view')}
          options={[
            {
              value: String(EXPIRY_WINDOW_DAYS),
              label: t('web.certifications.expiring', { count: EXPIRY_WINDOW_DAYS }),
            },
          ]}
          emptyLabel={t('web.certifications.allDates')}
          error={errors.expiringWithinDays}
          {...filters.field('expiringWithinDays')}
        />
      </FilterForm>
      {certs.isPending ? <Loading /> : null}
      {certs.isError ? (
        <ErrorState error={certs.error} onRetry={() => void certs.refetch()} />
      ) : null}
      {certs.data && certs.data.items.length === 0 ? (
        <EmptyState>
          {expiring
            ? t('web.certifications.noneExpiring', { count: Number(query.expiringWithinDays) })
            : t('web.certifications.empty')}
        </EmptyState>
      ) : null}
      {certs.data && certs.data.items.length > 0 ? (
        <TableWrap
          label={
            expiring
              ? t('web.certifications.captionExpiring', {
                  count: certs.data.items.length,
                  days: Number(query.expiringWithinDays),
                })
              : t('web.certifications.caption', { count: certs.data.items.length })
          }
        >
          <table>
            <caption>
              {expiring
                ? t('web.certifications.captionExpiring', {
                    count: certs.data.items.length,
                    days: Number(query.expiringWithinDays),
                  })
                : t('web.certifications.caption', { count: certs.data.items.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('web.certifications.organisation')}</th>
                <th scope="col">{t('web.organisations.fields.county')}</th>
                <th scope="col">{t('web.certification.fields.status')}</th>
                <th scope="col">{t('web.certification.fields.period')}</th>
                <th scope="col" className="numeric">
                  {t('web.certification.fields.daysLeft')}
                </th>
                <th scope="col">{t('web.certification.fields.reviewDate')}</th>
                <th scope="col">{t('web.certification.fields.services')}</th>
              </tr>
            </thead>
            <tbody>
              {certs.data.items.map((c) => (
                <tr key={c.organisationId}>
                  <td>
                    <Link to={`/organisations/${c.organisationId}`}>{c.organisationName}</Link>
                  </td>
                  <td>{isCounty(c.county) ? vocab.county(c.county) : c.county}</td>
                  <td>
                    <span className={`badge badge-cert-${c.effectiveStatus}`}>
                      {vocab.certificationStatus(c.effectiveStatus)}
                    </span>
                  </td>
                  <td className="nowrap">
                    {c.certifiedFrom ? formatDate(c.certifiedFrom) : '…'} –{' '}
                    {c.certifiedTo ? formatDate(c.certifiedTo) : '…'}
                  </td>
                  <td className="numeric">
                    {c.daysLeft !== null && c.daysLeft >= 0 && c.effectiveStatus === 'certified'
                      ? c.daysLeft
                      : '–'}
                  </td>
                  <td className="nowrap">{c.reviewDate ? formatDate(c.reviewDate) : '–'}</td>
                  <td>{c.services.map(services.name).join(', ') || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Page>
  );
}
