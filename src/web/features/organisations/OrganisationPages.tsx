import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, type OrganisationView, type SessionInfo } from '../../api.js';
import { formatDateTime, hasPermission, useVocabulary } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { OrganisationForm } from './OrganisationForm.js';
import { MembersTable } from './MembersTable.js';

export function OrganisationCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: api.createOrganisation,
    onSuccess: (org) => {
      queryClient.setQueryData(['organisation', org.id], org);
      void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      void queryClient.invalidateQueries({ queryKey: ['home'] });
      void navigate(`/organisations/${org.id}`, { state: { notice: 'created' } });
    },
  });
  return (
    <Page title={t('web.organisations.create.title')}>
      <OrganisationForm
        submitLabel={t('web.organisations.create.submit')}
        pending={create.isPending}
        error={create.error}
        onSubmit={(v) => create.mutate(v)}
      />
      <p>
        <Link to="/organisations">{t('web.organisations.backToList')}</Link>
      </p>
    </Page>
  );
}

/** Colleagues may be seen by cross-organisation roles, and by staff of the organisation itself. */
function maySeeMembers(session: SessionInfo, organisationId: string): boolean {
  const role = session.user.role;
  if (!hasPermission(role, 'organisation_members.read')) return false;
  return (
    role === 'admin' || role === 'coordinator' || session.user.organisationId === organisationId
  );
}

function Members({
  organisation,
  canManage,
}: {
  organisation: OrganisationView;
  canManage: boolean;
}) {
  const t = useT();
  const members = useQuery({
    queryKey: ['members', organisation.id],
    queryFn: () => api.members(organisation.id),
  });
  return (
    <Section title={t('web.members.heading')}>
      {canManage ? (
        <p>
          <Link
            className="button button-secondary"
            to={`/admin/users/new?organisationId=${organisation.id}`}
          >
            {t('web.organisations.addUser')}
          </Link>
        </p>
      ) : null}
      {members.isPending ? <Loading /> : null}
      {members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : null}
      {members.data && members.data.items.length === 0 ? (
        <EmptyState>{t('web.members.empty')}</EmptyState>
      ) : null}
      {members.data && members.data.items.length > 0 ? (
        <MembersTable
          items={members.data.items}
          caption={t('web.members.caption', { name: organisation.name })}
        />
      ) : null}
    </Section>
  );
}

export function OrganisationPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const session = useSession();
  const vocab = useVocabulary();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const org = useQuery({ queryKey: ['organisation', id], queryFn: () => api.organisation(id) });
  const update = useMutation({
    mutationFn: (v: { name: string; type: string; county: string }) =>
      api.updateOrganisation(id, v),
    onSuccess: (o) => {
      queryClient.setQueryData(['organisation', id], o);
      void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      setSaved(true);
    },
  });
  if (!session) return null;
  const canManage = hasPermission(session.user.role, 'organisations.manage');
  const created =
    typeof location.state === 'object' &&
    location.state !== null &&
    'notice' in location.state &&
    location.state.notice === 'created';

  return (
    <Page title={org.data ? org.data.name : t('web.organisations.edit.title')}>
      <p>
        <Link to="/organisations">{t('web.organisations.backToList')}</Link>
      </p>
      {created && !saved ? <Notice>{t('web.organisations.create.created')}</Notice> : null}
      {org.isPending ? <Loading /> : null}
      {org.isError ? <ErrorState error={org.error} onRetry={() => void org.refetch()} /> : null}
      {org.data ? (
        <div className="columns">
          {canManage ? (
            <Section title={t('web.organisations.edit.heading')}>
              {saved ? <Notice>{t('web.common.saved')}</Notice> : null}
              <OrganisationForm
                key={org.data.updatedAt}
                organisation={org.data}
                submitLabel={t('web.common.save')}
                pending={update.isPending}
                error={update.error}
                onSubmit={(v) => {
                  setSaved(false);
                  update.mutate(v);
                }}
              />
            </Section>
          ) : null}
          <div>
            <Section title={t('web.organisations.details')}>
              <dl className="details">
                <dt>{t('web.organisations.fields.type')}</dt>
                <dd>{vocab.orgType(org.data.type)}</dd>
                <dt>{t('web.organisations.fields.county')}</dt>
                <dd>{vocab.county(org.data.county)}</dd>
                <dt>{t('web.organisations.fields.users')}</dt>
                <dd>{org.data.userCount}</dd>
                <dt>{t('web.organisations.fields.updatedAt')}</dt>
                <dd>{formatDateTime(org.data.updatedAt)}</dd>
              </dl>
            </Section>
            {maySeeMembers(session, org.data.id) ? (
              <Members organisation={org.data} canManage={canManage} />
            ) : null}
          </div>
        </div>
      ) : null}
    </Page>
  );
}
