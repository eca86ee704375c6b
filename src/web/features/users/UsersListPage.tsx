import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { useVocabulary, userStatus } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';

const PAGE_SIZE = 50;
const FILTERS = ['q', 'role', 'organisationId', 'status'] as const;

export function UsersListPage() {
  const t = useT();
  const vocab = useVocabulary();
  const orgs = useOrganisationOptions();
  const filters = useFilters(FILTERS);
  const offset = Math.max(0, Number(filters.params.get('offset')) || 0);
  const query = { ...filters.applied, offset, limit: PAGE_SIZE };
  const users = useQuery({
    queryKey: ['users', query],
    queryFn: () => api.users(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(users.error);

  return (
    <Page
      title={t('web.users.title')}
      actions={
        <Link className="button" to="/admin/users/new">
          {t('web.users.new')}
        </Link>
      }
    >
      <FilterForm label={t('web.users.filters')} onApply={filters.apply} onClear={filters.clear}>
        <TextField
          label={t('web.users.search')}
          type="search"
          error={errors.q}
          {...filters.field('q')}
        />
        <SelectField
          label={t('web.users.fields.role')}
          options={vocab.roleOptions}
          emptyLabel={t('web.common.all')}
          error={errors.role}
          {...filters.field('role')}
        />
        <SelectField
          label={t('web.users.fields.organisation')}
          options={orgs.options}
          emptyLabel={t('web.common.all')}
          error={errors.organisationId}
          {...filters.field('organisationId')}
        />
        <SelectField
          label={t('web.users.fields.status')}
          options={vocab.statusOptions}
          emptyLabel={t('web.common.all')}
          error={errors.status}
          {...filters.field('status')}
        />
      </FilterForm>

      {users.isPending ? <Loading /> : null}
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : null}
      {users.data && users.data.items.length === 0 ? (
        <EmptyState>
          {filters.active ? t('web.users.emptyFiltered') : t('web.users.empty')}
        </EmptyState>
      ) : null}
      {users.data && users.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('web.users.caption', { count: users.data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.users.fields.name')}</th>
                  <th scope="col">{t('web.users.fields.email')}</th>
                  <th scope="col">{t('web.users.fields.role')}</th>
                  <th scope="col">{t('web.users.fields.organisation')}</th>
                  <th scope="col">{t('web.users.fields.status')}</th>
                  <th scope="col">{t('web.users.fields.twoFactor')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((u) => {
                  const status = userStatus(u);
                  return (
                    <tr key={u.id}>
                      <td>
                        <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
                      </td>
                      <td>{u.email}</td>
                      <td>{vocab.role(u.role)}</td>
                      <td>{u.organisationName}</td>
                      <td>
                        <span className={`badge badge-${status}`}>
                          {t(`web.userStatus.${status}`)}
                        </span>
                      </td>
                      <td>{u.totpEnabled ? t('web.common.on') : t('web.common.off')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination
            total={users.data.total}
            offset={offset}
            limit={PAGE_SIZE}
            onChange={(o) => filters.setPage('offset', o ? String(o) : undefined)}
          />
        </>
      ) : null}
    </Page>
  );
}
