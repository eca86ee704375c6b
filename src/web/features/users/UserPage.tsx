import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useLocation, useParams } from 'react-router';
import { api, type UserView } from '../../api.js';
import { formatDateTime, userStatus, useVocabulary } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { UserForm } from './UserForm.js';

type UserAction = 'disable' | 'enable' | 'endSessions' | 'resendInvitation' | 'resetTwoFactor';
/** Actions that take something away from the person are confirmed first. */
const CONFIRMED: ReadonlySet<UserAction> = new Set(['disable', 'endSessions', 'resetTwoFactor']);

function createdNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'created'
  );
}

function AccountActions({ user }: { user: UserView }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<UserAction | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  // The button that was used may be gone (Disable becomes Enable): focus the result instead.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const act = useMutation({
    mutationFn: async (action: UserAction): Promise<{ user?: UserView; ended?: number }> => {
      switch (action) {
        case 'disable':
          return { user: await api.userAction(user.id, 'disable') };
        case 'enable':
          return { user: await api.userAction(user.id, 'enable') };
        case 'resetTwoFactor':
          return { user: await api.userAction(user.id, 'reset-two-factor') };
        case 'endSessions':
          return { ended: (await api.endUserSessions(user.id)).ended };
        case 'resendInvitation':
          await api.resendInvitation(user.id);
          return {};
      }
    },
    onSuccess: (result, action) => {
      if (result.user) queryClient.setQueryData(['user', user.id], result.user);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      void queryClient.invalidateQueries({ queryKey: ['home'] });
      void queryClient.invalidateQueries({ queryKey: ['outbox'] });
      setDone(
        action === 'endSessions'
          ? t('web.users.actions.endSessions.done', { count: result.ended ?? 0 })
          : t(`web.users.actions.${action}.done`),
      );
      setConfirming(null);
    },
  });

  const start = (action: UserAction) => {
    setDone(null);
    act.reset();
    if (CONFIRMED.has(action)) setConfirming(action);
    else act.mutate(action);
  };

  const available: UserAction[] = [
    user.disabled ? 'enable' : 'disable',
    'endSessions',
    ...(user.invited && !user.disabled ? (['resendInvitation'] as const) : []),
    ...(user.totpEnabled ? (['resetTwoFactor'] as const) : []),
  ];

  return (
    <Section title={t('web.users.actions.heading')}>
      <div ref={doneRef} tabIndex={-1} className="focus-target">
        <Notice>{done}</Notice>
      </div>
      {confirming ? null : <FormError error={act.error} />}
      <ul className="action-list">
        {available.map((a) => (
          <li key={a}>
            <button
              type="button"
              className={CONFIRMED.has(a) ? 'button-danger-outline' : 'button-secondary'}
              onClick={() => start(a)}
              disabled={act.isPending}
            >
              {t(`web.users.actions.${a}.button`)}
            </button>
            <span className="hint">{t(`web.users.actions.${a}.explain`)}</span>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={confirming !== null}
        title={
          confirming ? t(`web.users.actions.${confirming}.confirmTitle`, { name: user.name }) : ''
        }
        confirmLabel={confirming ? t(`web.users.actions.${confirming}.button`) : ''}
        busy={act.isPending}
        error={act.error}
        onConfirm={() => {
          if (confirming) act.mutate(confirming);
        }}
        onCancel={() => {
          setConfirming(null);
          act.reset();
        }}
      >
        {confirming ? (
          <p>{t(`web.users.actions.${confirming}.confirmBody`, { name: user.name })}</p>
        ) : null}
      </ConfirmDialog>
    </Section>
  );
}

export function UserPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const queryClient = useQueryClient();
  const vocab = useVocabulary();
  const [saved, setSaved] = useState(false);
  const user = useQuery({ queryKey: ['user', id], queryFn: () => api.user(id) });
  const update = useMutation({
    mutationFn: (v: { name: string; role: string; organisationId: string; locale: string }) =>
      api.updateUser(id, v),
    onSuccess: (u) => {
      queryClient.setQueryData(['user', id], u);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      setSaved(true);
    },
  });

  const title = user.data ? user.data.name : t('web.users.edit.title');
  return (
    <Page title={title}>
      <p>
        <Link to="/admin/users">{t('web.users.backToList')}</Link>
      </p>
      {createdNotice(location.state) && !saved ? (
        <Notice>{t('web.users.create.created')}</Notice>
      ) : null}
      {user.isPending ? <Loading /> : null}
      {user.isError ? <ErrorState error={user.error} onRetry={() => void user.refetch()} /> : null}
      {user.data ? (
        <div className="columns">
          <Section title={t('web.users.edit.details')}>
            {saved ? <Notice>{t('web.common.saved')}</Notice> : null}
            <UserForm
              key={user.data.id}
              user={user.data}
              submitLabel={t('web.common.save')}
              pending={update.isPending}
              error={update.error}
              onSubmit={({ name, role, organisationId, locale }) => {
                setSaved(false);
                update.mutate({ name, role, organisationId, locale });
              }}
            />
          </Section>
          <div>
            <Section title={t('web.users.edit.account')}>
              <dl className="details">
                <dt>{t('web.users.fields.email')}</dt>
                <dd>{user.data.email}</dd>
                <dt>{t('web.users.fields.status')}</dt>
                <dd>{t(`web.userStatus.${userStatus(user.data)}`)}</dd>
                <dt>{t('web.users.fields.twoFactor')}</dt>
                <dd>{user.data.totpEnabled ? t('web.common.on') : t('web.common.off')}</dd>
                <dt>{t('web.users.fields.organisation')}</dt>
                <dd>
                  <Link to={`/organisations/${user.data.organisationId}`}>
                    {user.data.organisationName}
                  </Link>
                </dd>
                <dt>{t('web.users.fields.role')}</dt>
                <dd>{vocab.role(user.data.role)}</dd>
                <dt>{t('web.users.fields.createdAt')}</dt>
                <dd>{formatDateTime(user.data.createdAt)}</dd>
              </dl>
              <p>
                <Link to={`/admin/audit?objectType=user&objectId=${user.data.id}`}>
                  {t('web.users.edit.auditLink')}
                </Link>
              </p>
            </Section>
            <AccountActions user={user.data} />
          </div>
        </div>
      ) : null}
    </Page>
  );
}
