import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api } from '../../api.js';
import { formatDate, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';
import { TableWrap } from '../../components/TableWrap.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';
import { worksAcrossOrganisations } from '../organisations/access.js';
import { Deadline, Money, OutcomeBadge, StatusBadge } from '../programme/ProgrammeParts.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';

const FILTERS = ['status', 'type', 'organisationId', 'caseCode'] as const;

/**
 * Applications as a list. For the coordinator it is the work queue: open
 * applications, oldest first (the server's order), with their age, deadline
 * and warnings. For an actor it is "our applications".
 */
export function ApplicationsListPage() {
  const t = useT();
  const session = useSession();
  const vocab = useProgrammeVocabulary();
  const filters = useFilters(FILTERS);
  const organisations = useOrganisationOptions();
  const role = session?.user.role;
  const deciding = role ? hasPermission(role, 'applications.decide') : false;
  const canWrite = role ? hasPermission(role, 'cases.write') : false;
  const across = session ? worksAcrossOrganisations(session) : false;
  const defaultStatus = deciding ? 'open' : 'all';
  const status = filters.applied.status || defaultStatus;
  const page = Math.max(1, Number(filters.params.get('page')) || 1);
  const query = {
    status: status === 'all' ? undefined : status,
    type: filters.applied.type,
    organisationId: across ? filters.applied.organisationId : undefined,
    caseCode: filters.applied.caseCode,
    page,
  };
  const list = useQuery({
    queryKey: ['applications', 'list', query],
    queryFn: () => api.applications(query),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const errors = fieldErrors(list.error);
  const data = list.data;
  const statusField = filters.field('status');
  const title = deciding ? t('web.applications.queue.title') : t('web.applications.own.title');
  const caption = data
    ? deciding && status === 'open'
      ? t('web.applications.queue.caption', { count: data.total })
      : t('web.applications.list.caption', { count: data.total })
    : '';
  const filtered = filters.active && !(filters.applied.status === defaultStatus);

  return (
    <Page
      title={title}
      actions={
        canWrite ? (
          <Link className="button button-secondary" to="/applications/new">
            {t('web.applications.newInquiry')}
          </Link>
        ) : null
      }
    >
      <p className="lead">
        {deciding ? t('web.applications.queue.intro') : t('web.applications.own.intro')}
      </p>
      <FilterForm
        label={t('web.applications.list.filters')}
        onApply={filters.apply}
        onClear={filters.clear}
      >
        <SelectField
          label={t('web.applications.fields.status')}
          options={[
            { value: 'open', label: t('web.applications.list.open') },
            ...vocab.applicationStatusOptions,
            { value: 'all', label: t('web.common.all') },
          ]}
          error={errors.status}
          {...statusField}
          value={statusField.value || defaultStatus}
        />
        <SelectField
          label={t('web.applications.fields.type')}
          options={vocab.applicationTypeOptions}
          emptyLabel={t('web.common.all')}
          error={errors.type}
          {...filters.field('type')}
        />
        {across ? (
          <SelectField
            label={t('web.applications.fields.organisation')}
            options={organisations.options}
            emptyLabel={t('web.common.all')}
            error={errors.organisationId}
            {...filters.field('organisationId')}
          />
        ) : null}
        <TextField
          label={t('web.applications.fields.caseCode')}
          type="search"
          autoComplete="off"
          error={errors.caseCode}
          {...filters.field('caseCode')}
        />
      </FilterForm>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {data && data.items.length === 0 ? (
        <EmptyState>
          {filtered
            ? t('web.applications.list.emptyFiltered')
            : deciding && status === 'open'
              ? t('web.applications.queue.empty')
              : t('web.applications.list.empty')}
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <TableWrap label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {deciding ? (
                    <th scope="col" className="numeric">
                      {t('web.applications.fields.ageDays')}
                    </th>
                  ) : null}
                  <th scope="col">{t('web.applications.fields.type')}</th>
                  {across ? <th scope="col">{t('web.applications.fields.organisation')}</th> : null}
                  <th scope="col">{t('web.applications.fields.case')}</th>
                  <th scope="col" className="numeric">
                    {t('web.applications.fields.amount')}
                  </th>
                  <th scope="col">{t('web.applications.fields.deadline')}</th>
                  <th scope="col" className="numeric">
                    {t('web.applications.fields.warnings')}
                  </th>
                  <th scope="col">{t('web.applications.fields.status')}</th>
                  <th scope="col">{t('web.applications.fields.submittedDate')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <tr key={a.id}>
                    {deciding ? <td className="numeric">{a.ageDays}</td> : null}
                    <td>
                      <Link to={`/applications/${a.id}`}>{vocab.applicationType(a.type)}</Link>
                    </td>
                    {across ? <td>{a.organisationName}</td> : null}
                    <td className="nowrap">
                      {a.caseId && a.caseCode ? (
                        <Link to={`/cases/${a.caseId}`}>{a.caseCode}</Link>
                      ) : (
                        <span className="muted">{t('web.applications.noCaseShort')}</span>
                      )}
                    </td>
                    <td className="numeric">
                      <Money ore={a.amountOre} />
                    </td>
                    <td>
                      <Deadline date={a.deadline} />
                    </td>
                    <td className="numeric">
                      {a.warningCount > 0 ? (
                        <span className="badge badge-pending">{a.warningCount}</span>
                      ) : (
                        0
                      )}
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                      {a.currentOutcome ? (
                        <>
                          <br />
                          <OutcomeBadge outcome={a.currentOutcome} />
                        </>
                      ) : null}
                    </td>
                    <td className="nowrap">{formatDate(a.submittedDate)}</td>
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
