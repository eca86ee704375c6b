import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link } from 'react-router';
import { api, downloads } from '../../api.js';
import { CERTIFICATION_STATUSES, hasPermission, useVocabulary } from '../../reference.js';
import { languageName, languageOptions } from '../../languages.js';
import { useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';
import { ExportLinks } from '../../components/ExportLinks.js';
import { useServices } from '../services/useServices.js';
import { CertificationBadge } from './CertificationBadge.js';
import { TableWrap } from '../../components/TableWrap.js';

const PAGE_SIZE = 50;
const FILTERS = [
  'q',
  'type',
  'county',
  'service',
  'language',
  'certification',
  'membership',
] as const;

/** The network directory: every organisation of the partnership, searchable and exportable. */
export function OrganisationsListPage() {
  const t = useT();
  const session = useSession();
  const vocab = useVocabulary();
  const services = useServices();
  const filters = useFilters(FILTERS);
  const offset = Math.max(0, Number(filters.params.get('offset')) || 0);
  const query = { ...filters.applied, offset, limit: PAGE_SIZE };
  const orgs = useQuery({
    queryKey: ['organisations', 'list', query],
    queryFn: () => api.organisations(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(orgs.error);
  const canManage = session ? hasPermission(session.user.role, 'organisations.manage') : false;

  return (
    <Page
      title={t('web.organisations.title')}
      actions={
        canManage ? (
          <Link className="button" to="/organisations/new">
            {t('web.organisations.new')}
          </Link>
        ) : null
      }
    >
      <p className="lead">{t('web.organisations.intro')}</p>
      <FilterForm
        label={t('web.organisations.filters')}
        onApply={filters.apply}
        onClear={filters.clear}
      >
        <TextField
          label={t('web.organisations.search')}
          type="search"
          error={errors.q}
          {...filters.field('q')}
        />
        <SelectField
          label={t('web.organisations.fields.type')}
          options={vocab.orgTypeOptions}
          emptyLabel={t('web.common.all')}
          error={errors.type}
          {...filters.field('type')}
        />
        <SelectField
          label={t('web.organisations.fields.county')}
          options={vocab.countyOptions}
          emptyLabel={t('web.common.all')}
          error={errors.county}
          {...filters.field('county')}
        />
        <SelectField
          label={t('web.organisations.fields.service')}
          options={services.options()}
          emptyLabel={t('web.common.all')}
          error={errors.service}
          {...filters.field('service')}
        />
        <SelectField
          label={t('web.organisations.fields.language')}
          options={languageOptions()}
          emptyLabel={t('web.common.all')}
          error={errors.language}
          {...filters.field('language')}
        />
        <SelectField
          label={t('web.organisations.fields.certification')}
          options={CERTIFICATION_STATUSES.map((s) => ({
            value: s,
            label: vocab.certificationStatus(s),
          }))}
          emptyLabel={t('web.common.all')}
          error={errors.certification}
          {...filters.field('certification')}
        />
        <SelectField
          label={t('web.organisations.fields.membership')}
          options={vocab.membershipOptions}
          emptyLabel={t('web.common.all')}
          error={errors.membership}
          {...filters.field('membership')}
        />
      </FilterForm>

      <ExportLinks
        label={t('web.organisations.export')}
        href={(format) => downloads.exportOrganisations(format, filters.applied)}
      />

      {orgs.isPending ? <Loading /> : null}
      {orgs.isError ? <ErrorState error={orgs.error} onRetry={() => void orgs.refetch()} /> : null}
      {orgs.data && orgs.data.items.length === 0 ? (
        <EmptyState>
          {filters.active ? t('web.organisations.emptyFiltered') : t('web.organisations.empty')}
        </EmptyState>
      ) : null}
      {orgs.data && orgs.data.items.length > 0 ? (
        <>
          <TableWrap label={t('web.organisations.caption', { count: orgs.data.total })}>
            <table>
              <caption>{t('web.organisations.caption', { count: orgs.data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.organisations.fields.name')}</th>
                  <th scope="col">{t('web.organisations.fields.type')}</th>
                  <th scope="col">{t('web.organisations.fields.county')}</th>
                  <th scope="col">{t('web.organisations.fields.services')}</th>
                  <th scope="col">{t('web.organisations.fields.languages')}</th>
                  <th scope="col">{t('web.organisations.fields.certification')}</th>
                </tr>
              </thead>
              <tbody>
                {orgs.data.items.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={`/organisations/${o.id}`}>{o.name}</Link>
                      {o.municipality ? (
                        <>
                          <br />
                          <span className="muted">{o.municipality}</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {vocab.orgType(o.type)}
                      {o.authorityKind ? (
                        <>
                          <br />
                          <span className="muted">{vocab.authorityKind(o.authorityKind)}</span>
                        </>
                      ) : null}
                    </td>
                    <td>{vocab.county(o.county)}</td>
                    <td>{o.services.map(services.name).join(', ') || '–'}</td>
                    <td>{o.languages.map(languageName).join(', ') || '–'}</td>
                    <td>
                      <CertificationBadge certification={o.certification} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination
            total={orgs.data.total}
            offset={offset}
            limit={PAGE_SIZE}
            onChange={(o) => filters.setPage('offset', o ? String(o) : undefined)}
          />
        </>
      ) : null}
    </Page>
  );
}
