import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, type OrganisationInput, type OrganisationView, type SessionInfo } from '../../api.js';
import { formatDate, formatDateTime, hasPermission, useVocabulary } from '../../reference.js';
import { countryName } from '../../countries.js';
import { languageName } from '../../languages.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { Forbidden } from '../auth/guards.js';
import { useServices } from '../services/useServices.js';
import { CertificationSection } from '../certification/CertificationSection.js';
import { OrganisationContacts } from '../contacts/OrganisationContacts.js';
import { OrganisationGroups } from '../working-groups/OrganisationGroups.js';
import { OrganisationForm } from './OrganisationForm.js';
import { MembersTable } from './MembersTable.js';
import { mayEditOrganisation, maySeeOrganisationRecords } from './access.js';

const NOTICES = ['created', 'saved', 'contactRemoved'] as const;
type PageNotice = (typeof NOTICES)[number];

function pageNotice(state: unknown): PageNotice | undefined {
  if (typeof state !== 'object' || state === null || !('notice' in state)) return undefined;
  return NOTICES.find((n) => n === state.notice);
}

function useOrganisationSaved() {
  const queryClient = useQueryClient();
  return (org: OrganisationView) => {
    queryClient.setQueryData(['organisation', org.id], org);
    void queryClient.invalidateQueries({ queryKey: ['organisations'] });
    void queryClient.invalidateQueries({ queryKey: ['who-can-help'] });
    void queryClient.invalidateQueries({ queryKey: ['home'] });
  };
}

export function OrganisationCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const saved = useOrganisationSaved();
  const create = useMutation({
    mutationFn: api.createOrganisation,
    onSuccess: (org) => {
      saved(org);
      void navigate(`/organisations/${org.id}`, { state: { notice: 'created' } });
    },
  });
  return (
    <Page title={t('web.organisations.create.title')}>
      <OrganisationForm
        withMembership
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

/** Editing the profile: the coordinator and administrators any, staff their own organisation. */
export function OrganisationEditPage() {
  const t = useT();
  const { id = '' } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const saved = useOrganisationSaved();
  const org = useQuery({ queryKey: ['organisation', id], queryFn: () => api.organisation(id) });
  const update = useMutation({
    mutationFn: (v: OrganisationInput) => api.updateOrganisation(id, v),
    onSuccess: (o) => {
      saved(o);
      void navigate(`/organisations/${o.id}`, { state: { notice: 'saved' } });
    },
  });
  if (!session) return null;
  if (!mayEditOrganisation(session, id)) return <Forbidden />;
  const withMembership = hasPermission(session.user.role, 'organisations.manage');
  return (
    <Page
      title={
        org.data
          ? t('web.organisations.edit.titleOf', { name: org.data.name })
          : t('web.organisations.edit.title')
      }
    >
      <p>
        <Link to={`/organisations/${id}`}>{t('web.organisations.backToOrganisation')}</Link>
      </p>
      {org.isPending ? <Loading /> : null}
      {org.isError ? <ErrorState error={org.error} onRetry={() => void org.refetch()} /> : null}
      {org.data ? (
        <OrganisationForm
          key={org.data.updatedAt}
          organisation={org.data}
          withMembership={withMembership}
          submitLabel={t('web.common.save')}
          pending={update.isPending}
          error={update.error}
          onSubmit={(v) => update.mutate(v)}
        />
      ) : null}
    </Page>
  );
}

/** Colleagues may be seen by cross-organisation roles, and by staff of the organisation itself. */
function maySeeMembers(session: SessionInfo, organisationId: string): boolean {
  return (
    hasPermission(session.user.role, 'organisation_members.read') &&
    maySeeOrganisationRecords(session, organisationId)
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

function Profile({ organisation: o }: { organisation: OrganisationView }) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  return (
    <>
      <Section title={t('web.organisations.details')}>
        <dl className="details">
          <dt>{t('web.organisations.fields.type')}</dt>
          <dd>
            {vocab.orgType(o.type)}
            {o.authorityKind ? ` – ${vocab.authorityKind(o.authorityKind)}` : ''}
          </dd>
          <dt>{t('web.organisations.fields.county')}</dt>
          <dd>{vocab.county(o.county)}</dd>
          {o.municipality ? (
            <>
              <dt>{t('web.organisations.fields.municipality')}</dt>
              <dd>{o.municipality}</dd>
            </>
          ) : null}
          {o.district ? (
            <>
              <dt>{t('web.organisations.fields.district')}</dt>
              <dd>{o.district}</dd>
            </>
          ) : null}
          {o.country ? (
            <>
              <dt>{t('web.organisations.fields.country')}</dt>
              <dd>{countryName(o.country)}</dd>
            </>
          ) : null}
          <dt>{t('web.organisations.fields.website')}</dt>
          <dd>
            {o.website ? (
              <a href={o.website} rel="noopener noreferrer" target="_blank">
                {o.website}
              </a>
            ) : (
              '–'
            )}
          </dd>
          <dt>{t('web.organisations.fields.publicPhone')}</dt>
          <dd>{o.publicPhone ? <a href={`tel:${o.publicPhone}`}>{o.publicPhone}</a> : '–'}</dd>
          <dt>{t('web.organisations.fields.publicEmail')}</dt>
          <dd>{o.publicEmail ? <a href={`mailto:${o.publicEmail}`}>{o.publicEmail}</a> : '–'}</dd>
          <dt>{t('web.organisations.fields.membership')}</dt>
          <dd>
            {vocab.membership(o.membership)}
            {o.membershipSince
              ? ` (${t('web.organisations.since', { date: formatDate(o.membershipSince) })})`
              : ''}
          </dd>
          <dt>{t('web.organisations.fields.users')}</dt>
          <dd>{o.userCount}</dd>
          <dt>{t('web.organisations.fields.updatedAt')}</dt>
          <dd>{formatDateTime(o.updatedAt)}</dd>
        </dl>
        {o.about ? <p className="about">{o.about}</p> : null}
      </Section>
      <Section title={t('web.organisations.offer')}>
        <h3>{t('web.organisations.fields.services')}</h3>
        {o.services.length > 0 ? (
          <ul className="tag-list" aria-label={t('web.organisations.fields.services')}>
            {o.services.map((s) => (
              <li key={s}>{services.name(s)}</li>
            ))}
          </ul>
        ) : (
          <EmptyState>{t('web.organisations.noServices')}</EmptyState>
        )}
        <h3>{t('web.organisations.fields.languages')}</h3>
        {o.languages.length > 0 ? (
          <ul className="tag-list" aria-label={t('web.organisations.fields.languages')}>
            {o.languages.map((l) => (
              <li key={l} lang={l}>
                {languageName(l)}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>{t('web.organisations.noLanguages')}</EmptyState>
        )}
      </Section>
    </>
  );
}

export function OrganisationPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const session = useSession();
  const org = useQuery({ queryKey: ['organisation', id], queryFn: () => api.organisation(id) });
  if (!session) return null;
  const canAddUsers = hasPermission(session.user.role, 'users.manage');
  const canEdit = mayEditOrganisation(session, id);
  const notice = pageNotice(location.state);

  return (
    <Page
      title={org.data ? org.data.name : t('web.organisations.edit.title')}
      actions={
        canEdit && org.data ? (
          <Link className="button" to={`/organisations/${id}/edit`}>
            {t('web.organisations.edit.link')}
          </Link>
        ) : null
      }
    >
      <p>
        <Link to="/organisations">{t('web.organisations.backToList')}</Link>
      </p>
      {notice === 'created' ? <Notice>{t('web.organisations.create.created')}</Notice> : null}
      {notice === 'saved' ? <Notice>{t('web.common.saved')}</Notice> : null}
      {notice === 'contactRemoved' ? <Notice>{t('web.contacts.remove.done')}</Notice> : null}
      {org.isPending ? <Loading /> : null}
      {org.isError ? <ErrorState error={org.error} onRetry={() => void org.refetch()} /> : null}
      {org.data ? (
        <>
          <div className="columns">
            <Profile organisation={org.data} />
          </div>
          <CertificationSection organisation={org.data} session={session} />
          <OrganisationContacts organisation={org.data} canEdit={canEdit} />
          <OrganisationGroups organisation={org.data} />
          {maySeeMembers(session, org.data.id) ? (
            <Members organisation={org.data} canManage={canAddUsers} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
