import { defineConfig } from '@playwright/test';

/**
 * Playwright against the built app, started by e2e/run.mjs (which passes
 * each spec's base URL and first-run link). Debian's Chromium, never a download.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL: process.env.E2E_BASE_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
  },
  // Each spec file has its own server and database (see run.mjs).
  projects: [
    { name: 'platform', testMatch: 'platform.spec.ts', use: { baseURL: process.env.E2E_BASE_URL } },
    {
      name: 'directory',
      testMatch: 'directory.spec.ts',
      use: { baseURL: process.env.E2E_DIRECTORY_BASE_URL },
    },
    {
      name: 'programme',
      testMatch: 'programme.spec.ts',
      use: { baseURL: process.env.E2E_PROGRAMME_BASE_URL },
    },
    {
      name: 'budget',
      testMatch: 'budget.spec.ts',
      use: { baseURL: process.env.E2E_BUDGET_BASE_URL },
    },
    {
      name: 'contact-statistics',
      testMatch: 'contact-statistics.spec.ts',
      use: { baseURL: process.env.E2E_CONTACT_STATISTICS_BASE_URL },
    },
    {
      name: 'reports',
      testMatch: 'reports.spec.ts',
      use: { baseURL: process.env.E2E_REPORTS_BASE_URL },
    },
    {
      name: 'access-review',
      testMatch: 'access-review.spec.ts',
      use: { baseURL: process.env.E2E_ACCESS_REVIEW_BASE_URL },
    },
    {
      name: 'dashboard',
      testMatch: 'dashboard.spec.ts',
      use: { baseURL: process.env.E2E_DASHBOARD_BASE_URL },
    },
  ],
});
