import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { hasPermission, useVocabulary } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';

const PAGE_SIZE = 100;
const FILTERS = ['q', 'type', 'county'] as const;

export function OrganisationsListPage() {
  const t = useT();
  const session = useSession();
  const vocab = useVocabulary();
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
      </FilterForm>

      {orgs.isPending ? <Loading /> : null}
      {orgs.isError ? <ErrorState error={orgs.error} onRetry={() => void orgs.refetch()} /> : null}
      {orgs.data && orgs.data.items.length === 0 ? (
        <EmptyState>
          {filters.active ? t('web.organisations.emptyFiltered') : t('web.organisations.empty')}
        </EmptyState>
      ) : null}
      {orgs.data && orgs.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('web.organisations.caption', { count: orgs.data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.organisations.fields.name')}</th>
                  <th scope="col">{t('web.organisations.fields.type')}</th>
                  <th scope="col">{t('web.organisations.fields.county')}</th>
                  <th scope="col" className="numeric">
                    {t('web.organisations.fields.users')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {orgs.data.items.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={`/organisations/${o.id}`}>{o.name}</Link>
                    </td>
                    <td>{vocab.orgType(o.type)}</td>
                    <td>{vocab.county(o.county)}</td>
                    <td className="numeric">{o.userCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
