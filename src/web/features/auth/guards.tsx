import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useT } from '../../i18n.js';
import type { SessionInfo } from '../../api.js';
import { hasPermission, type Permission } from '../../reference.js';
import { sessionEndReason, useSession, type SessionEndReason } from '../../session.js';
import { Page } from '../../components/Page.js';

/** What the sign-in page may be told: where to go afterwards, and why the person is there. */
export type SignInNotice = SessionEndReason | 'passwordSet';
export interface AuthState {
  from?: string;
  notice?: SignInNotice;
}

const NOTICES: readonly SignInNotice[] = [
  'expired',
  'signedOut',
  'signedOutEverywhere',
  'passwordSet',
];

/** Only a path inside the app is a place to return to. */
function safePath(v: unknown): string | undefined {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') ? v : undefined;
}

export function readAuthState(state: unknown): AuthState {
  if (typeof state !== 'object' || state === null) return {};
  const s = state as Record<string, unknown>;
  const notice = NOTICES.find((n) => n === s.notice);
  const from = safePath(s.from);
  return { ...(from ? { from } : {}), ...(notice ? { notice } : {}) };
}

/** Where a session belongs: its second-factor step, or the page asked for, or home. */
export function destinationFor(info: SessionInfo, from?: string): string {
  if (info.stage === 'mfa') return '/two-factor';
  if (info.stage === 'enrol') return '/two-factor/setup';
  return from ?? '/';
}

/** Pages for a complete sign-in; anyone else goes to sign in (or to their second factor). */
export function RequireSignedIn() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const reason = sessionEndReason();
    const state: AuthState = {
      // After signing out, the next person starts at home, not on the last person's page.
      ...(reason === 'signedOut' || reason === 'signedOutEverywhere'
        ? {}
        : { from: location.pathname + location.search }),
      ...(reason ? { notice: reason } : {}),
    };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  if (session.stage !== 'full') {
    return (
      <Navigate
        to={destinationFor(session)}
        replace
        state={{ from: location.pathname + location.search }}
      />
    );
  }
  return <Outlet />;
}

/** Pages for people who are not signed in (sign-in, forgotten password). */
export function PublicOnly() {
  const session = useSession();
  const location = useLocation();
  if (session) {
    const { from } = readAuthState(location.state);
    return <Navigate to={destinationFor(session, from)} replace state={from ? { from } : null} />;
  }
  return <Outlet />;
}

/** A page that needs a permission the role may lack. */
export function RequirePermission({
  permission,
  children,
}: {
  permission: Permission;
  children: ReactNode;
}) {
  const session = useSession();
  if (!session || !hasPermission(session.user.role, permission)) return <Forbidden />;
  return <>{children}</>;
}

export function Forbidden() {
  const t = useT();
  return (
    <Page title={t('web.errors.forbiddenTitle')}>
      <p>{t('web.errors.forbiddenBody')}</p>
    </Page>
  );
}
