import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useT } from './i18n.js';
import { BrowserRouter, Route, Routes } from 'react-router';
import { queryClient, useSessionQuery } from './session.js';
import { Layout } from './components/Layout.js';
import { Page } from './components/Page.js';
import { ErrorState, Loading } from './components/Alerts.js';
import { PublicOnly, RequirePermission, RequireSignedIn } from './features/auth/guards.js';
import { SignInPage } from './features/auth/SignInPage.js';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage.js';
import { SetPasswordPage } from './features/auth/SetPasswordPage.js';
import { EnrolPage, TwoFactorPage } from './features/auth/TwoFactorPages.js';
import { HomePage } from './features/home/HomePage.js';
import { ProfilePage } from './features/profile/ProfilePage.js';
import { UsersListPage } from './features/users/UsersListPage.js';
import { UserCreatePage } from './features/users/UserCreatePage.js';
import { UserPage } from './features/users/UserPage.js';
import { OrganisationsListPage } from './features/organisations/OrganisationsListPage.js';
import {
  OrganisationCreatePage,
  OrganisationEditPage,
  OrganisationPage,
} from './features/organisations/OrganisationPages.js';
import { WhoCanHelpPage } from './features/who-can-help/WhoCanHelpPage.js';
import {
  ContactCreatePage,
  ContactPage,
  ContactsListPage,
} from './features/contacts/ContactPages.js';
import {
  WorkingGroupCreatePage,
  WorkingGroupPage,
  WorkingGroupsListPage,
} from './features/working-groups/WorkingGroupPages.js';
import { CertificationsPage } from './features/certification/CertificationsPage.js';
import { ServicesPage } from './features/services/ServicesPage.js';
import { ImportPage } from './features/import/ImportPage.js';
import { AuditPage } from './features/audit/AuditPage.js';
import { OutboxListPage, OutboxMessagePage } from './features/outbox/OutboxPages.js';
import { CasesListPage } from './features/cases/CasesListPage.js';
import { CaseCreatePage } from './features/cases/CaseCreatePage.js';
import { CasePage } from './features/cases/CasePage.js';
import { ApplicationsListPage } from './features/applications/ApplicationsListPage.js';
import { ApplicationCreatePage } from './features/applications/ApplicationCreatePage.js';
import { ApplicationPage } from './features/applications/ApplicationPage.js';
import { ApprovalsPage } from './features/applications/ApprovalsPage.js';
import { ProgrammeSettingsPage } from './features/programme/ProgrammeSettingsPage.js';
import { BudgetListPage } from './features/budget/BudgetListPage.js';
import { PeriodCreatePage } from './features/budget/PeriodCreatePage.js';
import { PeriodPage } from './features/budget/PeriodPage.js';
import { ReportPage } from './features/budget/ReportPage.js';
import { StatementPage } from './features/budget/StatementPage.js';
import { ReportsPage } from './features/contact-statistics/ReportsPage.js';
import { ReportPage as ContactStatisticsReportPage } from './features/contact-statistics/ReportPage.js';
import { RoundsPage } from './features/contact-statistics/RoundsPage.js';
import { RoundPage } from './features/contact-statistics/RoundPage.js';
import { AccessReviewPage } from './features/access-review/AccessReviewPage.js';

// The period report is large and seldom opened: loaded when it is first shown.
const PeriodReportPage = lazy(() =>
  import('./features/reports/PeriodReportPage.js').then((m) => ({ default: m.PeriodReportPage })),
);
// The dashboard's chart too.
const DashboardPage = lazy(() =>
  import('./features/dashboard/DashboardPage.js').then((m) => ({ default: m.DashboardPage })),
);

function NotFoundPage() {
  const t = useT();
  return (
    <Page title={t('web.errors.notFoundTitle')}>
      <p>{t('web.errors.notFoundBody')}</p>
    </Page>
  );
}

/** The routes; the session is known before any page is shown. */
function AppRoutes() {
  const t = useT();
  const session = useSessionQuery();
  if (session.isPending) {
    return (
      <main className="page">
        <Loading />
      </main>
    );
  }
  if (session.isError) {
    return (
      <main className="page">
        <h1>{t('web.app.name')}</h1>
        <ErrorState error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route element={<PublicOnly />}>
          <Route path="sign-in" element={<SignInPage />} />
          <Route path="forgot-password" element={<ForgotPasswordPage />} />
        </Route>
        <Route path="welcome" element={<SetPasswordPage kind="welcome" />} />
        <Route path="reset-password" element={<SetPasswordPage kind="reset" />} />
        <Route path="two-factor" element={<TwoFactorPage />} />
        <Route path="two-factor/setup" element={<EnrolPage />} />
        <Route element={<RequireSignedIn />}>
          <Route index element={<HomePage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route
            path="organisations"
            element={
              <RequirePermission permission="organisations.read">
                <OrganisationsListPage />
              </RequirePermission>
            }
          />
          <Route
            path="organisations/new"
            element={
              <RequirePermission permission="organisations.manage">
                <OrganisationCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="organisations/:id"
            element={
              <RequirePermission permission="organisations.read">
                <OrganisationPage />
              </RequirePermission>
            }
          />
          <Route
            path="organisations/:id/edit"
            element={
              <RequirePermission permission="organisations.edit">
                <OrganisationEditPage />
              </RequirePermission>
            }
          />
          <Route
            path="who-can-help"
            element={
              <RequirePermission permission="organisations.read">
                <WhoCanHelpPage />
              </RequirePermission>
            }
          />
          <Route
            path="contacts"
            element={
              <RequirePermission permission="organisations.read">
                <ContactsListPage />
              </RequirePermission>
            }
          />
          <Route
            path="contacts/new"
            element={
              <RequirePermission permission="organisations.edit">
                <ContactCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="contacts/:id"
            element={
              <RequirePermission permission="organisations.read">
                <ContactPage />
              </RequirePermission>
            }
          />
          <Route
            path="working-groups"
            element={
              <RequirePermission permission="organisations.read">
                <WorkingGroupsListPage />
              </RequirePermission>
            }
          />
          <Route
            path="working-groups/new"
            element={
              <RequirePermission permission="organisations.manage">
                <WorkingGroupCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="working-groups/:id"
            element={
              <RequirePermission permission="organisations.read">
                <WorkingGroupPage />
              </RequirePermission>
            }
          />
          <Route
            path="certifications"
            element={
              <RequirePermission permission="certification.manage">
                <CertificationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="services"
            element={
              <RequirePermission permission="organisations.manage">
                <ServicesPage />
              </RequirePermission>
            }
          />
          <Route
            path="import"
            element={
              <RequirePermission permission="organisations.manage">
                <ImportPage />
              </RequirePermission>
            }
          />
          <Route
            path="cases"
            element={
              <RequirePermission permission="cases.read">
                <CasesListPage />
              </RequirePermission>
            }
          />
          <Route
            path="cases/new"
            element={
              <RequirePermission permission="cases.write">
                <CaseCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="cases/:id"
            element={
              <RequirePermission permission="cases.read">
                <CasePage />
              </RequirePermission>
            }
          />
          <Route
            path="applications"
            element={
              <RequirePermission permission="cases.read">
                <ApplicationsListPage />
              </RequirePermission>
            }
          />
          <Route
            path="applications/new"
            element={
              <RequirePermission permission="cases.write">
                <ApplicationCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="applications/:id"
            element={
              <RequirePermission permission="cases.read">
                <ApplicationPage />
              </RequirePermission>
            }
          />
          <Route
            path="approvals"
            element={
              <RequirePermission permission="applications.approve">
                <ApprovalsPage />
              </RequirePermission>
            }
          />
          <Route
            path="programme"
            element={
              <RequirePermission permission="programme.manage">
                <ProgrammeSettingsPage />
              </RequirePermission>
            }
          />
          <Route
            path="budget"
            element={
              <RequirePermission permission="budget.manage">
                <BudgetListPage />
              </RequirePermission>
            }
          />
          <Route
            path="budget/new"
            element={
              <RequirePermission permission="budget.manage">
                <PeriodCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="budget/posts/:id/statement"
            element={
              <RequirePermission permission="budget.manage">
                <StatementPage />
              </RequirePermission>
            }
          />
          <Route
            path="budget/:id"
            element={
              <RequirePermission permission="budget.manage">
                <PeriodPage />
              </RequirePermission>
            }
          />
          <Route
            path="budget/:id/report"
            element={
              <RequirePermission permission="budget.manage">
                <ReportPage />
              </RequirePermission>
            }
          />
          <Route
            path="contact-statistics"
            element={
              <RequirePermission permission="contact_statistics.report">
                <ReportsPage />
              </RequirePermission>
            }
          />
          <Route
            path="contact-statistics/report/:roundId"
            element={
              <RequirePermission permission="contact_statistics.report">
                <ContactStatisticsReportPage />
              </RequirePermission>
            }
          />
          <Route
            path="contact-statistics/rounds"
            element={
              <RequirePermission permission="contact_statistics.manage">
                <RoundsPage />
              </RequirePermission>
            }
          />
          <Route
            path="contact-statistics/rounds/:id"
            element={
              <RequirePermission permission="contact_statistics.manage">
                <RoundPage />
              </RequirePermission>
            }
          />
          <Route
            path="reports/period"
            element={
              <RequirePermission permission="reports.publishable">
                <Suspense fallback={<Loading />}>
                  <PeriodReportPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="admin/users"
            element={
              <RequirePermission permission="users.manage">
                <UsersListPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/users/new"
            element={
              <RequirePermission permission="users.manage">
                <UserCreatePage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/users/:id"
            element={
              <RequirePermission permission="users.manage">
                <UserPage />
              </RequirePermission>
            }
          />
          <Route
            path="dashboard"
            element={
              <RequirePermission permission="dashboard.read">
                <Suspense fallback={<Loading />}>
                  <DashboardPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="access-review"
            element={
              <RequirePermission permission="access_review.read">
                <AccessReviewPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/audit"
            element={
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/outbox"
            element={
              <RequirePermission permission="outbox.read">
                <OutboxListPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/outbox/:id"
            element={
              <RequirePermission permission="outbox.read">
                <OutboxMessagePage />
              </RequirePermission>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
