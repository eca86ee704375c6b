import { useTranslation } from 'react-i18next';
import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError, type SessionInfo } from '../api.js';
import { adoptLanguage, currentLanguage, storedLanguage, useT } from '../i18n.js';
import { hasPermission } from '../reference.js';
import { endSession, updateSession, useSession } from '../session.js';
import { LanguageSwitcher } from './LanguageSwitcher.js';

/**
 * Keeps the profile's language and the interface language together: a choice
 * made on this device is saved to the profile; without one, the profile's
 * language is used.
 */
function useLanguageSync(session: SessionInfo | null) {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? currentLanguage();
  const saving = useRef<string | undefined>(undefined);
  const full = session?.stage === 'full' ? session : null;

  useEffect(() => {
    if (!full || full.user.locale === language) return;
    const chosen = storedLanguage();
    if (!chosen) {
      void adoptLanguage(full.user.locale);
      return;
    }
    if (chosen !== language || saving.current === chosen) return;
    saving.current = chosen;
    api
      .updateMe({ locale: chosen })
      .then(updateSession)
      .catch(() => undefined)
      .finally(() => {
        saving.current = undefined;
      });
  }, [full, language]);
}

function MainNav({ session }: { session: SessionInfo }) {
  const t = useT();
  const role = session.user.role;
  return (
    <nav className="main-nav" aria-label={t('web.nav.label')}>
      <ul>
        <li>
          <NavLink to="/" end>
            {t('web.nav.home')}
          </NavLink>
        </li>
        {hasPermission(role, 'dashboard.read') ? (
          <li>
            <NavLink to="/dashboard">{t('web.nav.dashboard')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'cases.read') ? (
          <>
            <li>
              <NavLink to="/cases">{t('web.nav.cases')}</NavLink>
            </li>
            <li>
              <NavLink to="/applications">
                {hasPermission(role, 'applications.decide')
                  ? t('web.nav.workQueue')
                  : t('web.nav.ourApplications')}
              </NavLink>
            </li>
          </>
        ) : null}
        {hasPermission(role, 'applications.approve') ? (
          <li>
            <NavLink to="/approvals">{t('web.nav.approvals')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'programme.manage') ? (
          <li>
            <NavLink to="/programme">{t('web.nav.programme')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'budget.manage') ? (
          <li>
            <NavLink to="/budget">{t('web.nav.budget')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'contact_statistics.manage') ? (
          <li>
            <NavLink to="/contact-statistics/rounds">{t('web.nav.contactStatistics')}</NavLink>
          </li>
        ) : hasPermission(role, 'contact_statistics.report') ? (
          <li>
            <NavLink to="/contact-statistics">{t('web.nav.contactStatistics')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'reports.publishable') ? (
          <li>
            <NavLink to="/reports/period">{t('web.nav.reports')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'organisations.read') ? (
          <>
            <li>
              <NavLink to="/organisations">{t('web.nav.directory')}</NavLink>
            </li>
            <li>
              <NavLink to="/who-can-help">{t('web.nav.whoCanHelp')}</NavLink>
            </li>
            <li>
              <NavLink to="/contacts">{t('web.nav.contacts')}</NavLink>
            </li>
            <li>
              <NavLink to="/working-groups">{t('web.nav.groups')}</NavLink>
            </li>
          </>
        ) : null}
        {hasPermission(role, 'certification.manage') ? (
          <li>
            <NavLink to="/certifications">{t('web.nav.certifications')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'organisations.manage') ? (
          <>
            <li>
              <NavLink to="/services">{t('web.nav.services')}</NavLink>
            </li>
            <li>
              <NavLink to="/import">{t('web.nav.import')}</NavLink>
            </li>
          </>
        ) : null}
        {hasPermission(role, 'users.manage') ? (
          <li>
            <NavLink to="/admin/users">{t('web.nav.users')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'access_review.read') ? (
          <li>
            <NavLink to="/access-review">{t('web.nav.accessReview')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'audit.read') ? (
          <li>
            <NavLink to="/admin/audit">{t('web.nav.audit')}</NavLink>
          </li>
        ) : null}
        {hasPermission(role, 'outbox.read') ? (
          <li>
            <NavLink to="/admin/outbox">{t('web.nav.outbox')}</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to="/profile">{t('web.nav.profile')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

function SignOutButton() {
  const t = useT();
  const signOut = useMutation({
    mutationFn: () => api.signOut(),
    onSuccess: () => endSession('signedOut'),
    onError: (err) => {
      // A session that had already ended is as good as signed out.
      if (err instanceof ApiError && err.status === 401) endSession('signedOut');
    },
  });
  return (
    <>
      <button
        type="button"
        className="button-secondary"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
      >
        {t('web.nav.signOut')}
      </button>
      {signOut.isError ? (
        <span className="header-error" role="alert">
          {signOut.error.message}
        </span>
      ) : null}
    </>
  );
}

/** Skip link, header with navigation and language, the page, and a footer. */
export function Layout() {
  const t = useT();
  const session = useSession();
  useLanguageSync(session);
  const full = session?.stage === 'full' ? session : null;

  return (
    <>
      <a className="skip-link" href="#main">
        {t('web.skipLink')}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            {t('web.app.name')}
          </Link>
          <div className="header-tools">
            <LanguageSwitcher />
            {full ? (
              <div className="user-box">
                <span className="user-name">
                  {t('web.nav.signedInAs', { name: full.user.name })}
                </span>
                <SignOutButton />
              </div>
            ) : null}
          </div>
        </div>
        {full ? (
          <div className="nav-bar">
            <MainNav session={full} />
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('web.app.footer')}</p>
      </footer>
    </>
  );
}
