import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { api } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { ExportLinks } from '../../components/ExportLinks.js';
import { Pagination } from '../../components/Pagination.js';
import { TableWrap } from '../../components/TableWrap.js';
import {
  accessReviewApi,
  patternsDownload,
  READ_KINDS,
  readsDownload,
  type PatternsChoice,
  type PatternsReply,
  type ReadsChoice,
  type ReadView,
} from './accessReviewApi.js';

const FILTERS = [
  'from',
  'to',
  'organisationId',
  'caseCode',
  'kind',
  'userId',
  'threshold',
  'startHour',
  'endHour',
] as const;

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

type Who = Pick<ReadView, 'userId' | 'userName' | 'role' | 'organisationName'>;

function RoleName({ role }: { role: Who['role'] }) {
  const t = useT();
  return <>{role ? t(`web.roles.${role}`) : '–'}</>;
}

/** A button that narrows the reads to one user (ids stay out of sight). */
function ShowUser({ who, onShow }: { who: Who; onShow: (userId: string) => void }) {
  const t = useT();
  const name = who.userName ?? t('web.accessReview.unknownUser');
  return (
    <button type="button" className="button-link" onClick={() => onShow(who.userId)}>
      {t('web.accessReview.showUser', { name })}
    </button>
  );
}

function ReadsTable({ data, onShow }: { data: ReadView[]; onShow: (userId: string) => void }) {
  const t = useT();
  return (
    <tbody>
      {data.map((r) => (
        <tr key={r.seq}>
          <td className="nowrap">{formatDateTime(r.at)}</td>
          <td>
            {r.userName ?? t('web.accessReview.unknownUser')}
            <br />
            <ShowUser who={r} onShow={onShow} />
          </td>
          <td>
            <RoleName role={r.role} />
          </td>
          <td>{r.organisationName ?? '–'}</td>
          <td>
            <code>{r.caseCode}</code>
          </td>
          <td>{t(`web.accessReview.kinds.${r.kind}`)}</td>
          <td>
            {r.ownerOrganisationName ?? '–'}
            {r.otherOrganisation ? (
              <>
                <br />
                <span className="badge badge-denied">{t('web.accessReview.reads.other')}</span>
              </>
            ) : null}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function Patterns({ data, onShow }: { data: PatternsReply; onShow: (userId: string) => void }) {
  const t = useT();
  const { rules } = data;
  return (
    <>
      <h3>{t('web.accessReview.patterns.otherOrganisation.title')}</h3>
      <p className="hint">
        {t('web.accessReview.patterns.otherOrganisation.rule', { threshold: rules.threshold })}
      </p>
      {data.otherOrganisation.length === 0 ? (
        <EmptyState>{t('web.accessReview.patterns.otherOrganisation.empty')}</EmptyState>
      ) : (
        <TableWrap label={t('web.accessReview.patterns.otherOrganisation.caption')}>
          <table>
            <caption>{t('web.accessReview.patterns.otherOrganisation.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.accessReview.columns.user')}</th>
                <th scope="col">{t('web.accessReview.columns.role')}</th>
                <th scope="col">{t('web.accessReview.columns.organisation')}</th>
                <th scope="col" className="numeric">
                  {t('web.accessReview.patterns.otherOrganisation.cases')}
                </th>
                <th scope="col" className="numeric">
                  {t('web.accessReview.patterns.otherOrganisation.reads')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.otherOrganisation.map((p) => (
                <tr key={`${p.userId}-${p.organisationId ?? ''}`}>
                  <td>
                    {p.userName ?? t('web.accessReview.unknownUser')}
                    {p.roleExpected ? (
                      <>
                        {' '}
                        <span className="badge">
                          {t('web.accessReview.patterns.otherOrganisation.expected')}
                        </span>
                      </>
                    ) : null}
                    <br />
                    <ShowUser who={p} onShow={onShow} />
                  </td>
                  <td>
                    <RoleName role={p.role} />
                  </td>
                  <td>{p.organisationName ?? '–'}</td>
                  <td className="numeric">{p.cases}</td>
                  <td className="numeric">{p.reads}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      <h3>{t('web.accessReview.patterns.outsideHours.title')}</h3>
      <p className="hint">
        {t('web.accessReview.patterns.outsideHours.rule', {
          start: hour(rules.startHour),
          end: hour(rules.endHour),
        })}
      </p>
      {data.outsideHours.length === 0 ? (
        <EmptyState>{t('web.accessReview.patterns.outsideHours.empty')}</EmptyState>
      ) : (
        <TableWrap label={t('web.accessReview.patterns.outsideHours.caption')}>
          <table>
            <caption>{t('web.accessReview.patterns.outsideHours.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.accessReview.columns.user')}</th>
                <th scope="col">{t('web.accessReview.columns.role')}</th>
                <th scope="col">{t('web.accessReview.columns.organisation')}</th>
                <th scope="col" className="numeric">
                  {t('web.accessReview.patterns.outsideHours.outside')}
                </th>
                <th scope="col" className="numeric">
                  {t('web.accessReview.patterns.outsideHours.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.outsideHours.map((p) => (
                <tr key={`${p.userId}-${p.organisationId ?? ''}`}>
                  <td>
                    {p.userName ?? t('web.accessReview.unknownUser')}
                    <br />
                    <ShowUser who={p} onShow={onShow} />
                  </td>
                  <td>
                    <RoleName role={p.role} />
                  </td>
                  <td>{p.organisationName ?? '–'}</td>
                  <td className="numeric">{p.outsideReads}</td>
                  <td className="numeric">{p.totalReads}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

/** The access review: who read which case when, and unusual patterns (coordinator, administrators). */
export function AccessReviewPage() {
  const t = useT();
  const filters = useFilters(FILTERS);
  const a = filters.applied;
  const page = filters.params.get('page') ?? '';
  const readsQuery: ReadsChoice = {
    from: a.from,
    to: a.to,
    organisationId: a.organisationId,
    caseCode: a.caseCode,
    kind: a.kind,
    userId: a.userId,
    page,
  };
  const patternsQuery: PatternsChoice = {
    from: a.from,
    to: a.to,
    threshold: a.threshold,
    startHour: a.startHour,
    endHour: a.endHour,
  };
  const reads = useQuery({
    queryKey: ['access-review', 'reads', readsQuery],
    queryFn: () => accessReviewApi.reads(readsQuery),
    placeholderData: keepPreviousData,
  });
  const patterns = useQuery({
    queryKey: ['access-review', 'patterns', patternsQuery],
    queryFn: () => accessReviewApi.patterns(patternsQuery),
    placeholderData: keepPreviousData,
  });
  const organisations = useQuery({
    queryKey: ['organisations', 'all-names'],
    queryFn: () => api.organisations({ limit: 500 }),
  });
  const errors = { ...fieldErrors(patterns.error), ...fieldErrors(reads.error) };
  const [, setParams] = useSearchParams();
  /** Narrows the reads to one user, from the first page. */
  const showUser = (userId: string) => {
    const next = new URLSearchParams(filters.params);
    next.set('userId', userId);
    next.delete('page');
    setParams(next);
  };
  const userName =
    a.userId && reads.data
      ? (reads.data.items.find((r) => r.userId === a.userId)?.userName ?? null)
      : null;
  const range = reads.data ?? patterns.data;

  return (
    <Page title={t('web.accessReview.title')}>
      <p className="lead">{t('web.accessReview.intro')}</p>
      <FilterForm
        label={t('web.accessReview.filters')}
        onApply={filters.apply}
        onClear={filters.clear}
      >
        <TextField
          label={t('web.accessReview.fields.from')}
          type="date"
          error={errors.from}
          {...filters.field('from')}
        />
        <TextField
          label={t('web.accessReview.fields.to')}
          type="date"
          error={errors.to}
          {...filters.field('to')}
        />
        <SelectField
          label={t('web.accessReview.fields.organisation')}
          options={(organisations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
          emptyLabel={t('web.accessReview.anyOrganisation')}
          error={errors.organisationId}
          {...filters.field('organisationId')}
        />
        <TextField
          label={t('web.accessReview.fields.caseCode')}
          autoComplete="off"
          spellCheck={false}
          error={errors.caseCode}
          {...filters.field('caseCode')}
        />
        <SelectField
          label={t('web.accessReview.fields.kind')}
          options={READ_KINDS.map((k) => ({ value: k, label: t(`web.accessReview.kinds.${k}`) }))}
          emptyLabel={t('web.accessReview.anyKind')}
          error={errors.kind}
          {...filters.field('kind')}
        />
        <TextField
          label={t('web.accessReview.fields.threshold')}
          type="number"
          inputMode="numeric"
          min={1}
          max={1000}
          placeholder="5"
          error={errors.threshold}
          {...filters.field('threshold')}
        />
        <TextField
          label={t('web.accessReview.fields.startHour')}
          type="number"
          inputMode="numeric"
          min={0}
          max={23}
          placeholder="7"
          error={errors.startHour}
          {...filters.field('startHour')}
        />
        <TextField
          label={t('web.accessReview.fields.endHour')}
          type="number"
          inputMode="numeric"
          min={1}
          max={24}
          placeholder="19"
          error={errors.endHour}
          {...filters.field('endHour')}
        />
      </FilterForm>

      <Section title={t('web.accessReview.patterns.title')}>
        {patterns.isPending ? <Loading /> : null}
        {patterns.isError ? (
          <ErrorState error={patterns.error} onRetry={() => void patterns.refetch()} />
        ) : null}
        {patterns.data ? (
          <>
            <Patterns data={patterns.data} onShow={showUser} />
            <ExportLinks
              label={t('web.accessReview.patterns.export')}
              href={(format) => patternsDownload(patternsQuery, format)}
            />
          </>
        ) : null}
      </Section>

      <Section title={t('web.accessReview.reads.title')}>
        {a.userId ? (
          <Notice>
            {t('web.accessReview.userFilter', {
              name: userName ?? t('web.accessReview.unknownUser'),
            })}{' '}
            <button
              type="button"
              className="button-link"
              onClick={() => filters.setPage('userId', undefined)}
            >
              {t('web.accessReview.clearUser')}
            </button>
          </Notice>
        ) : null}
        {reads.isPending ? <Loading /> : null}
        {reads.isError ? (
          <ErrorState error={reads.error} onRetry={() => void reads.refetch()} />
        ) : null}
        {reads.data && reads.data.items.length === 0 ? (
          <EmptyState>{t('web.accessReview.reads.empty')}</EmptyState>
        ) : null}
        {reads.data && reads.data.items.length > 0 ? (
          <>
            <TableWrap label={t('web.accessReview.reads.title')}>
              <table>
                <caption>
                  {t('web.accessReview.reads.caption', {
                    from: formatDate(reads.data.from),
                    to: formatDate(reads.data.to),
                  })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('web.accessReview.columns.time')}</th>
                    <th scope="col">{t('web.accessReview.columns.user')}</th>
                    <th scope="col">{t('web.accessReview.columns.role')}</th>
                    <th scope="col">{t('web.accessReview.columns.organisation')}</th>
                    <th scope="col">{t('web.accessReview.columns.caseCode')}</th>
                    <th scope="col">{t('web.accessReview.columns.kind')}</th>
                    <th scope="col">{t('web.accessReview.columns.owner')}</th>
                  </tr>
                </thead>
                <ReadsTable data={reads.data.items} onShow={showUser} />
              </table>
            </TableWrap>
            <Pagination
              total={reads.data.total}
              offset={(reads.data.page - 1) * reads.data.pageSize}
              limit={reads.data.pageSize}
              onChange={(offset) =>
                filters.setPage('page', String(Math.floor(offset / reads.data.pageSize) + 1))
              }
            />
          </>
        ) : null}
        {range ? (
          <ExportLinks
            label={t('web.accessReview.reads.export')}
            href={(format) => readsDownload(readsQuery, format)}
          />
        ) : null}
      </Section>
    </Page>
  );
}
