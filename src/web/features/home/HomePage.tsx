import { useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link } from 'react-router';
import { api, type HomeData, type SessionInfo } from '../../api.js';
import { MembersTable } from '../organisations/MembersTable.js';
import { hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Info, Loading } from '../../components/Alerts.js';
import { NeedChoices } from '../who-can-help/WhoCanHelpPage.js';
import { EXPIRY_WINDOW_DAYS } from '../certification/CertificationsPage.js';

type AdminCounts = NonNullable<HomeData['admin']>;

/** The administrator's overview: each figure leads to where it can be acted on. */
function AdminOverview({ counts }: { counts: AdminCounts }) {
  const t = useT();
  const figures: Array<{ key: keyof AdminCounts; to: string }> = [
    { key: 'activeUsers', to: '/admin/users?status=active' },
    { key: 'invitedUsers', to: '/admin/users?status=invited' },
    { key: 'disabledUsers', to: '/admin/users?status=disabled' },
    { key: 'organisations', to: '/organisations' },
    { key: 'heldMail', to: '/admin/outbox?status=held' },
    { key: 'failedMail', to: '/admin/outbox?status=failed' },
    { key: 'auditEventsToday', to: '/admin/audit' },
    { key: 'deniedToday', to: '/admin/audit?outcome=denied' },
  ];
  return (
    <>
      <Section title={t('web.home.admin.heading')}>
        <ul className="stats">
          {figures.map((f) => (
            <li key={f.key}>
              <Link to={f.to} className="stat">
                <span className="stat-value">{counts[f.key]}</span>
                <span className="stat-label">{t(`web.home.admin.${f.key}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('web.home.admin.shortcuts')}>
        <ul className="link-list">
          <li>
            <Link to="/admin/users/new">{t('web.users.new')}</Link>
          </li>
          <li>
            <Link to="/organisations/new">{t('web.organisations.new')}</Link>
          </li>
          <li>
            <Link to="/admin/audit">{t('web.nav.audit')}</Link>
          </li>
          <li>
            <Link to="/admin/outbox">{t('web.nav.outbox')}</Link>
          </li>
        </ul>
      </Section>
    </>
  );
}

/** Quick access to "who can help?": one click on a need, then (if needed) one on the county. */
function WhoCanHelpQuick() {
  const t = useT();
  return (
    <Section title={t('web.home.whoCanHelp.heading')}>
      <p>{t('web.home.whoCanHelp.intro')}</p>
      <NeedChoices label={t('web.home.whoCanHelp.needs')} />
      <p>
        <Link to="/who-can-help">{t('web.home.whoCanHelp.all')}</Link>
      </p>
    </Section>
  );
}

/** For the coordinator (and administrators): certifications that end soon. */
function ExpiringCertifications() {
  const t = useT();
  const query = { expiringWithinDays: EXPIRY_WINDOW_DAYS };
  const expiring = useQuery({
    queryKey: ['certifications', { status: '', expiringWithinDays: String(EXPIRY_WINDOW_DAYS) }],
    queryFn: () => api.certifications(query),
  });
  return (
    <Section title={t('web.home.certifications.heading')}>
      {expiring.isPending ? <Loading /> : null}
      {expiring.isError ? (
        <ErrorState error={expiring.error} onRetry={() => void expiring.refetch()} />
      ) : null}
      {expiring.data ? (
        <ul className="stats">
          <li>
            <Link to={`/certifications?expiringWithinDays=${EXPIRY_WINDOW_DAYS}`} className="stat">
              <span className="stat-value">{expiring.data.items.length}</span>
              <span className="stat-label">
                {t('web.home.certifications.expiring', {
                  count: expiring.data.items.length,
                  days: EXPIRY_WINDOW_DAYS,
                })}
              </span>
            </Link>
          </li>
        </ul>
      ) : null}
    </Section>
  );
}

/** For the coordinator: the way to the dashboard, first on the page. */
function DashboardLink() {
  const t = useT();
  return (
    <Section title={t('web.home.dashboard.heading')}>
      <p>
        <Link to="/dashboard" className="button">
          {t('web.home.dashboard.link')}
        </Link>
      </p>
    </Section>
  );
}

/** Colleagues in one's own organisation (for roles that may see them). */
function Colleagues({ organisationId }: { organisationId: string }) {
  const t = useT();
  const members = useQuery({
    queryKey: ['members', organisationId],
    queryFn: () => api.members(organisationId),
  });
  if (members.isPending) return <Loading />;
  if (members.isError)
    return <ErrorState error={members.error} onRetry={() => void members.refetch()} />;
  if (members.data.items.length === 0) return <EmptyState>{t('web.members.empty')}</EmptyState>;
  return <MembersTable items={members.data.items} caption={t('web.home.colleagues')} />;
}

/** Everyone else: their organisation, their colleagues and what they can use. */
function OwnOrganisation({ home, session }: { home: HomeData; session: SessionInfo }) {
  const t = useT();
  const role = session.user.role;
  return (
    <>
      <Section title={t('web.home.organisation.heading')}>
        <dl className="details">
          <dt>{t('web.home.organisation.name')}</dt>
          <dd>{home.organisation.name}</dd>
          <dt>{t('web.home.organisation.role')}</dt>
          <dd>{t(`web.roles.${role}`)}</dd>
          <dt>{t('web.home.organisation.members')}</dt>
          <dd>
            {t('web.home.organisation.memberCount', { count: home.organisation.memberCount })}
          </dd>
        </dl>
        {hasPermission(role, 'organisation_members.read') ? (
          <Colleagues organisationId={home.organisation.id} />
        ) : null}
      </Section>
      <Section title={t('web.home.available.heading')}>
        <ul className="link-list">
          {hasPermission(role, 'organisations.read') ? (
            <>
              <li>
                <Link to="/organisations">{t('web.home.available.organisations')}</Link>
              </li>
              <li>
                <Link to={`/organisations/${home.organisation.id}`}>
                  {t('web.home.available.ownProfile')}
                </Link>
              </li>
              <li>
                <Link to="/contacts">{t('web.home.available.contacts')}</Link>
              </li>
              <li>
                <Link to="/working-groups">{t('web.home.available.groups')}</Link>
              </li>
            </>
          ) : null}
          {hasPermission(role, 'certification.manage') ? (
            <li>
              <Link to="/certifications">{t('web.home.available.certifications')}</Link>
            </li>
          ) : null}
          {hasPermission(role, 'organisations.manage') ? (
            <>
              <li>
                <Link to="/services">{t('web.home.available.services')}</Link>
              </li>
              <li>
                <Link to="/import">{t('web.home.available.import')}</Link>
              </li>
            </>
          ) : null}
          <li>
            <Link to="/profile">{t('web.home.available.profile')}</Link>
          </li>
        </ul>
        {!session.user.totpEnabled ? (
          <Info>
            <p>{t('web.home.available.twoFactorSuggestion')}</p>
          </Info>
        ) : null}
      </Section>
    </>
  );
}

export function HomePage() {
  const t = useT();
  const session = useSession();
  const home = useQuery({ queryKey: ['home'], queryFn: api.home });
  if (!session) return null;
  return (
    <Page title={t('web.home.title')}>
      <p className="lead">{t('web.home.welcome', { name: session.user.name })}</p>
      {home.isPending ? <Loading /> : null}
      {home.isError ? <ErrorState error={home.error} onRetry={() => void home.refetch()} /> : null}
      {hasPermission(session.user.role, 'dashboard.read') ? <DashboardLink /> : null}
      {hasPermission(session.user.role, 'organisations.read') ? <WhoCanHelpQuick /> : null}
      {hasPermission(session.user.role, 'certification.manage') ? <ExpiringCertifications /> : null}
      {home.data?.admin ? <AdminOverview counts={home.data.admin} /> : null}
      {home.data && !home.data.admin ? (
        <OwnOrganisation home={home.data} session={session} />
      ) : null}
    </Page>
  );
}
