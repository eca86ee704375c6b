import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useT } from '../../i18n.js';
import {
  api,
  type WorkingGroupDetail,
  type WorkingGroupInput,
  type WorkingGroupView,
} from '../../api.js';
import { formatDateTime, hasPermission, useVocabulary } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CheckboxGroup, SelectField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';
import { WorkingGroupForm } from './WorkingGroupForm.js';
import { TableWrap } from '../../components/TableWrap.js';

const FILTERS = ['status'] as const;
const STATUSES = ['active', 'closed', 'all'] as const;
type GroupStatus = (typeof STATUSES)[number];

function useGroupSaved() {
  const queryClient = useQueryClient();
  return (g: WorkingGroupDetail) => {
    queryClient.setQueryData(['working-group', g.id], g);
    void queryClient.invalidateQueries({ queryKey: ['working-groups'] });
  };
}

function StatusBadge({ group }: { group: WorkingGroupView }) {
  const t = useT();
  return group.closed ? (
    <span className="badge badge-disabled">{t('web.groups.closed')}</span>
  ) : (
    <span className="badge badge-active">{t('web.groups.open')}</span>
  );
}

export function WorkingGroupsListPage() {
  const t = useT();
  const session = useSession();
  const vocab = useVocabulary();
  const filters = useFilters(FILTERS);
  const status: GroupStatus = STATUSES.find((s) => s === filters.applied.status) ?? 'active';
  const groups = useQuery({
    queryKey: ['working-groups', 'list', status],
    queryFn: () => api.workingGroups(status),
  });
  const canManage = session ? hasPermission(session.user.role, 'organisations.manage') : false;

  return (
    <Page
      title={t('web.groups.title')}
      actions={
        canManage ? (
          <Link className="button" to="/working-groups/new">
            {t('web.groups.new')}
          </Link>
        ) : null
      }
    >
      <p className="lead">{t('web.groups.intro')}</p>
      <FilterForm label={t('web.groups.filters')} onApply={filters.apply} onClear={filters.clear}>
        <SelectField
          label={t('web.groups.fields.status')}
          options={[
            { value: 'closed', label: t('web.groups.statuses.closed') },
            { value: 'all', label: t('web.groups.statuses.all') },
          ]}
          emptyLabel={t('web.groups.statuses.active')}
          {...filters.field('status')}
        />
      </FilterForm>
      {groups.isPending ? <Loading /> : null}
      {groups.isError ? (
        <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
      ) : null}
      {groups.data && groups.data.items.length === 0 ? (
        <EmptyState>{t('web.groups.empty')}</EmptyState>
      ) : null}
      {groups.data && groups.data.items.length > 0 ? (
        <TableWrap label={t('web.groups.caption', { count: groups.data.items.length })}>
          <table>
            <caption>{t('web.groups.caption', { count: groups.data.items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.groups.fields.name')}</th>
                <th scope="col">{t('web.groups.fields.purpose')}</th>
                <th scope="col">{t('web.groups.fields.convenor')}</th>
                <th scope="col" className="numeric">
                  {t('web.groups.fields.organisations')}
                </th>
                <th scope="col" className="numeric">
                  {t('web.groups.fields.persons')}
                </th>
                <th scope="col">{t('web.groups.fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((g) => (
                <tr key={g.id}>
                  <td>
                    <Link to={`/working-groups/${g.id}`}>{g.name}</Link>
                  </td>
                  <td>{vocab.purpose(g.purpose)}</td>
                  <td>
                    {g.convenorOrganisation?.name ?? '–'}
                    {g.convenorContact ? (
                      <>
                        <br />
                        <span className="muted">{g.convenorContact.name}</span>
                      </>
                    ) : null}
                  </td>
                  <td className="numeric">{g.organisationCount}</td>
                  <td className="numeric">{g.personCount}</td>
                  <td>
                    <StatusBadge group={g} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Page>
  );
}

export function WorkingGroupCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const saved = useGroupSaved();
  const create = useMutation({
    mutationFn: api.createWorkingGroup,
    onSuccess: (g) => {
      saved(g);
      void navigate(`/working-groups/${g.id}`, { state: { notice: 'created' } });
    },
  });
  return (
    <Page title={t('web.groups.create.title')}>
      <p className="lead">{t('web.groups.create.intro')}</p>
      <WorkingGroupForm
        submitLabel={t('web.groups.create.submit')}
        pending={create.isPending}
        error={create.error}
        onSubmit={(v) => create.mutate(v)}
      />
      <p>
        <Link to="/working-groups">{t('web.groups.backToList')}</Link>
      </p>
    </Page>
  );
}

/** Choosing the member organisations and contact persons (coordinator, administrators). */
function MembersEditor({ group }: { group: WorkingGroupDetail }) {
  const t = useT();
  const saved = useGroupSaved();
  const orgs = useOrganisationOptions();
  const contactQuery = { limit: 500 };
  const contacts = useQuery({
    queryKey: ['contacts', 'list', contactQuery],
    queryFn: () => api.contacts(contactQuery),
  });
  const [organisationIds, setOrganisationIds] = useState(group.organisations.map((o) => o.id));
  const [contactPersonIds, setContactPersonIds] = useState(group.persons.map((p) => p.id));
  const [done, setDone] = useState(false);
  const save = useMutation({
    mutationFn: () => api.setWorkingGroupMembers(group.id, { organisationIds, contactPersonIds }),
    onSuccess: (g) => {
      saved(g);
      setDone(true);
    },
  });
  const personOptions = (contacts.data?.items ?? []).map((c) => ({
    value: c.id,
    label: `${c.name} (${c.organisationName})`,
  }));

  return (
    <Section title={t('web.groups.members.edit')}>
      {done ? <Notice>{t('web.groups.members.saved')}</Notice> : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          save.mutate();
        }}
      >
        <FormError error={save.error} />
        <div className="columns">
          <CheckboxGroup
            legend={t('web.groups.members.organisations')}
            searchLabel={t('web.groups.members.searchOrganisations')}
            options={orgs.options}
            value={organisationIds}
            onChange={setOrganisationIds}
          />
          <CheckboxGroup
            legend={t('web.groups.members.persons')}
            searchLabel={t('web.groups.members.searchPersons')}
            options={personOptions}
            value={contactPersonIds}
            onChange={setContactPersonIds}
          />
        </div>
        <div className="button-row">
          <button type="submit" disabled={save.isPending}>
            {t('web.groups.members.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function Members({ group }: { group: WorkingGroupDetail }) {
  const t = useT();
  return (
    <Section title={t('web.groups.members.heading')}>
      <h3>{t('web.groups.members.organisations')}</h3>
      {group.organisations.length === 0 ? (
        <EmptyState>{t('web.groups.members.noOrganisations')}</EmptyState>
      ) : (
        <ul className="link-list">
          {group.organisations.map((o) => (
            <li key={o.id}>
              <Link to={`/organisations/${o.id}`}>{o.name}</Link>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('web.groups.members.persons')}</h3>
      {group.persons.length === 0 ? (
        <EmptyState>{t('web.groups.members.noPersons')}</EmptyState>
      ) : (
        <ul className="link-list">
          {group.persons.map((p) => (
            <li key={p.id}>
              <Link to={`/contacts/${p.id}`}>{p.name}</Link>{' '}
              <span className="muted">({p.organisationName})</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function WorkingGroupPage() {
  const t = useT();
  const { id = '' } = useParams();
  const session = useSession();
  const location = useLocation();
  const vocab = useVocabulary();
  const saved = useGroupSaved();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmClose, setConfirmClose] = useState(false);
  const group = useQuery({ queryKey: ['working-group', id], queryFn: () => api.workingGroup(id) });
  const update = useMutation({
    mutationFn: (v: WorkingGroupInput) => api.updateWorkingGroup(id, v),
    onSuccess: (g) => {
      saved(g);
      setNotice(t('web.common.saved'));
    },
  });
  const setClosed = useMutation({
    mutationFn: (closed: boolean) => api.updateWorkingGroup(id, { closed }),
    onSuccess: (g) => {
      saved(g);
      setConfirmClose(false);
      setNotice(g.closed ? t('web.groups.close.done') : t('web.groups.reopen.done'));
    },
  });
  if (!session) return null;
  const canManage = hasPermission(session.user.role, 'organisations.manage');
  const g = group.data;
  const created =
    typeof location.state === 'object' &&
    location.state !== null &&
    'notice' in location.state &&
    location.state.notice === 'created';

  return (
    <Page
      title={g ? g.name : t('web.groups.title')}
      actions={
        canManage && g ? (
          g.closed ? (
            <button
              type="button"
              className="button-secondary"
              disabled={setClosed.isPending}
              onClick={() => {
                setNotice(null);
                setClosed.mutate(false);
              }}
            >
              {t('web.groups.reopen.button')}
            </button>
          ) : (
            <button
              type="button"
              className="button-danger-outline"
              onClick={() => {
                setNotice(null);
                setClosed.reset();
                setConfirmClose(true);
              }}
            >
              {t('web.groups.close.button')}
            </button>
          )
        ) : null
      }
    >
      <p>
        <Link to="/working-groups">{t('web.groups.backToList')}</Link>
      </p>
      {created && !notice ? <Notice>{t('web.groups.create.created')}</Notice> : null}
      <Notice>{notice}</Notice>
      {confirmClose ? null : <FormError error={setClosed.error} />}
      {group.isPending ? <Loading /> : null}
      {group.isError ? (
        <ErrorState error={group.error} onRetry={() => void group.refetch()} />
      ) : null}
      {g ? (
        <>
          <div className="columns">
            <div>
              <Section title={t('web.groups.details')}>
                <dl className="details">
                  <dt>{t('web.groups.fields.purpose')}</dt>
                  <dd>{vocab.purpose(g.purpose)}</dd>
                  <dt>{t('web.groups.fields.status')}</dt>
                  <dd>
                    <StatusBadge group={g} />
                    {g.closedAt ? ` ${formatDateTime(g.closedAt)}` : ''}
                  </dd>
                  <dt>{t('web.groups.fields.convenor')}</dt>
                  <dd>
                    {g.convenorOrganisation ? (
                      <Link to={`/organisations/${g.convenorOrganisation.id}`}>
                        {g.convenorOrganisation.name}
                      </Link>
                    ) : (
                      '–'
                    )}
                    {g.convenorContact ? (
                      <>
                        {' – '}
                        <Link to={`/contacts/${g.convenorContact.id}`}>
                          {g.convenorContact.name}
                        </Link>
                      </>
                    ) : null}
                  </dd>
                  <dt>{t('web.organisations.fields.updatedAt')}</dt>
                  <dd>{formatDateTime(g.updatedAt)}</dd>
                </dl>
                {g.description ? <p className="about">{g.description}</p> : null}
              </Section>
              <Members group={g} />
            </div>
            {canManage ? (
              <Section title={t('web.groups.edit.heading')}>
                <WorkingGroupForm
                  key={g.updatedAt}
                  group={g}
                  submitLabel={t('web.common.save')}
                  pending={update.isPending}
                  error={update.error}
                  onSubmit={(v) => {
                    setNotice(null);
                    update.mutate(v);
                  }}
                />
              </Section>
            ) : null}
          </div>
          {canManage ? <MembersEditor key={g.id} group={g} /> : null}
          <ConfirmDialog
            open={confirmClose}
            title={t('web.groups.close.confirmTitle', { name: g.name })}
            confirmLabel={t('web.groups.close.button')}
            busy={setClosed.isPending}
            error={setClosed.error}
            onConfirm={() => setClosed.mutate(true)}
            onCancel={() => {
              setConfirmClose(false);
              setClosed.reset();
            }}
          >
            <p>{t('web.groups.close.confirmBody')}</p>
          </ConfirmDialog>
        </>
      ) : null}
    </Page>
  );
}
