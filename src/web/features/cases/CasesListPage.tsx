import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { useT } from '../../i18n.js';
import { api } from '../../api.js';
import { formatDateTime, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';
import { TableWrap } from '../../components/TableWrap.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';
import { worksAcrossOrganisations } from '../organisations/access.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';

const FILTERS = ['q', 'organisationId'] as const;

/** What the case page tells the list when it sends the reader back (after a transfer). */
export function transferredNotice(state: unknown): string | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Record<string, unknown>;
  return s.notice === 'transferred' && typeof s.code === 'string' ? s.code : null;
}

/**
 * The cases of the support programme: the actor's own organisation's, or
 * (for the coordinator) all of them with an organisation filter.
 */
export function CasesListPage() {
  const t = useT();
  const session = useSession();
  const location = useLocation();
  const vocab = useProgrammeVocabulary();
  const filters = useFilters(FILTERS);
  const page = Math.max(1, Number(filters.params.get('page')) || 1);
  const across = session ? worksAcrossOrganisations(session) : false;
  const organisations = useOrganisationOptions();
  const query = across ? { ...filters.applied, page } : { q: filters.applied.q, page };
  const cases = useQuery({
    queryKey: ['cases', 'list', query],
    queryFn: () => api.cases(query),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const errors = fieldErrors(cases.error);
  const canCreate = session ? hasPermission(session.user.role, 'cases.write') : false;
  const transferred = transferredNotice(location.state);
  const data = cases.data;

  return (
    <Page
      title={t('web.cases.title')}
      actions={
        canCreate ? (
          <Link className="button" to="/cases/new">
            {t('web.cases.new')}
          </Link>
        ) : null
      }
    >
      <p className="lead">{t('web.cases.intro')}</p>
      {transferred ? <Notice>{t('web.cases.transfer.done', { code: transferred })}</Notice> : null}
      <FilterForm label={t('web.cases.filters')} onApply={filters.apply} onClear={filters.clear}>
        <TextField
          label={t('web.cases.search')}
          hint={t('web.cases.searchHint')}
          type="search"
          autoComplete="off"
          error={errors.q}
          {...filters.field('q')}
        />
        {across ? (
          <SelectField
            label={t('web.cases.fields.organisation')}
            options={organisations.options}
            emptyLabel={t('web.common.all')}
            error={errors.organisationId}
            {...filters.field('organisationId')}
          />
        ) : null}
      </FilterForm>
      {cases.isPending ? <Loading /> : null}
      {cases.isError ? (
        <ErrorState error={cases.error} onRetry={() => void cases.refetch()} />
      ) : null}
      {data && data.items.length === 0 ? (
        <EmptyState>
          {filters.active
            ? t('web.cases.emptyFiltered')
            : canCreate
              ? t('web.cases.emptyActor')
              : t('web.cases.empty')}
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <TableWrap label={t('web.cases.caption', { count: data.total })}>
            <table>
              <caption>{t('web.cases.caption', { count: data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.cases.fields.code')}</th>
                  {across ? <th scope="col">{t('web.cases.fields.organisation')}</th> : null}
                  <th scope="col">{t('web.background.fields.gender')}</th>
                  <th scope="col">{t('web.background.fields.ageBand')}</th>
                  <th scope="col" className="numeric">
                    {t('web.cases.fields.openApplications')}
                  </th>
                  <th scope="col">{t('web.cases.fields.updatedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((c) => (
                  <tr key={c.id}>
                    <td className="nowrap">
                      <Link to={`/cases/${c.id}`}>{c.code}</Link>
                      {c.protectedIdentity ? (
                        <>
                          {' '}
                          <span className="badge badge-held">{t('web.cases.protectedBadge')}</span>
                        </>
                      ) : null}
                    </td>
                    {across ? <td>{c.ownerOrganisationName}</td> : null}
                    <td>{vocab.gender(c.gender)}</td>
                    <td>{vocab.ageBand(c.ageBand)}</td>
                    <td className="numeric">{c.openApplications}</td>
                    <td className="nowrap">{formatDateTime(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination
            total={data.total}
            offset={(data.page - 1) * data.pageSize}
            limit={data.pageSize}
            onChange={(o) => {
              const p = Math.floor(o / data.pageSize) + 1;
              filters.setPage('page', p > 1 ? String(p) : undefined);
            }}
          />
        </>
      ) : null}
    </Page>
  );
}
