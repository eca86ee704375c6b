import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';

export const baseURL = process.env.E2E_BASE_URL ?? '';
export const welcomeLink = process.env.E2E_WELCOME_LINK ?? '';
export const adminEmail = process.env.E2E_ADMIN_EMAIL ?? 'admin@slussa.local';
/** The directory spec's own server (a fresh database) and its first-run link. */
export const directoryBaseURL = process.env.E2E_DIRECTORY_BASE_URL ?? '';
export const directoryWelcomeLink = process.env.E2E_DIRECTORY_WELCOME_LINK ?? '';
/** The support programme spec's own server and its first-run link. */
export const programmeBaseURL = process.env.E2E_PROGRAMME_BASE_URL ?? '';
export const programmeWelcomeLink = process.env.E2E_PROGRAMME_WELCOME_LINK ?? '';
/** The budget spec's own server and its first-run link. */
export const budgetBaseURL = process.env.E2E_BUDGET_BASE_URL ?? '';
export const budgetWelcomeLink = process.env.E2E_BUDGET_WELCOME_LINK ?? '';
/** The contact statistics spec's own server and its first-run link. */
export const contactStatisticsBaseURL = process.env.E2E_CONTACT_STATISTICS_BASE_URL ?? '';
export const contactStatisticsWelcomeLink = process.env.E2E_CONTACT_STATISTICS_WELCOME_LINK ?? '';
/** The access review spec's own server and its first-run link. */
export const accessReviewBaseURL = process.env.E2E_ACCESS_REVIEW_BASE_URL ?? '';
export const accessReviewWelcomeLink = process.env.E2E_ACCESS_REVIEW_WELCOME_LINK ?? '';

/** Runs axe on the page as it is now and expects no violations at all. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect(violations, `axe violations on ${what}`).toEqual([]);
}

/** A new browser context and page; the page's Content Security Policy violations are collected. */
export async function openPage(
  browser: Browser,
  base: string = baseURL,
): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ baseURL: base, acceptDownloads: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
      cspViolations.push(msg.text());
    }
  });
  return { context, page, cspViolations };
}

const lastStep = new Map<string, number>();

/**
 * A TOTP code the server will accept: within its ±30 s window and for a later
 * time step than any code already used (the server refuses replays). Waits
 * for the clock when the usable steps are used up.
 */
export async function totpCode(secret: string): Promise<string> {
  for (;;) {
    const current = Math.floor(Date.now() / 30_000);
    const step = Math.max(current, (lastStep.get(secret) ?? 0) + 1);
    if (step <= current + 1) {
      lastStep.set(secret, step);
      return generate({ secret, epoch: step * 30 });
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The first link of a mail body that opens the given page with a token in the fragment. */
export function linkFromMail(body: string, page: 'welcome' | 'reset-password'): string {
  const match = new RegExp(`https?://\\S+/${page}#token=[A-Za-z0-9_-]+`).exec(body);
  if (!match) throw new Error(`no ${page} link in the message`);
  return match[0];
}

/** The texts of the sign-in and two-factor pages in each interface language. */
export const AUTH_TEXTS = {
  sv: {
    signIn: 'Logga in',
    email: 'E-postadress',
    password: 'Lösenord',
    code: 'Sexsiffrig kod',
    turnOn: 'Aktivera',
    savedCodes: 'Jag har sparat koderna – fortsätt',
    home: 'Start',
    menu: 'Huvudmeny',
  },
  en: {
    signIn: 'Sign in',
    email: 'E-mail address',
    password: 'Password',
    code: 'Six-digit code',
    turnOn: 'Turn on',
    savedCodes: 'I have saved the codes – continue',
    home: 'Home',
    menu: 'Main menu',
  },
} as const;
export type AuthTexts = (typeof AUTH_TEXTS)[keyof typeof AUTH_TEXTS];

/** An API call with the page's session, as the web app makes it (same origin). */
export async function apiCall<T>(
  page: Page,
  base: string,
  method: string,
  path: string,
  data?: unknown,
  language: 'sv' | 'en' = 'sv',
): Promise<T> {
  const res = await page.request.fetch(path, {
    method,
    ...(data === undefined ? {} : { data }),
    headers: { Origin: base, 'Accept-Language': language },
  });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** Signs in on the sign-in page (in the language the page shows). */
export async function signInWith(
  page: Page,
  email: string,
  password: string,
  texts: AuthTexts = AUTH_TEXTS.sv,
): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: texts.signIn })).toBeVisible();
  await page.getByLabel(texts.email).fill(email);
  await page.getByLabel(texts.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: texts.signIn, exact: true }).click();
}

/** Enrols two-factor on the set-up page a first sign-in leads to, and continues home. */
export async function enrolTwoFactor(page: Page, texts: AuthTexts = AUTH_TEXTS.sv): Promise<void> {
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  await page.getByLabel(texts.code).fill(await totpCode(secret));
  await page.getByRole('button', { name: texts.turnOn, exact: true }).click();
  await page.getByRole('button', { name: texts.savedCodes }).click();
  await expect(page.getByRole('heading', { level: 1, name: texts.home })).toBeVisible();
}

/**
 * The administrator creates a user; the invited person chooses a password
 * through the link in the mail (read from the outbox), in their own browser.
 */
export async function inviteThroughOutbox(
  admin: Page,
  base: string,
  user: { email: string; name: string; password: string },
  role: string,
  organisationId: string,
  invitee: Page,
  locale: 'sv' | 'en' = 'sv',
): Promise<void> {
  await apiCall(admin, base, 'POST', '/api/users', {
    email: user.email,
    name: user.name,
    role,
    organisationId,
    locale,
  });
  const mail = await apiCall<{ items: Array<{ id: string; toAddress: string }> }>(
    admin,
    base,
    'GET',
    '/api/outbox?limit=100',
  );
  const message = mail.items.find((m) => m.toAddress === user.email);
  expect(message, `an invitation to ${user.email}`).toBeDefined();
  const { bodyText } = await apiCall<{ bodyText: string }>(
    admin,
    base,
    'GET',
    `/api/outbox/${message?.id ?? ''}`,
  );
  const token = new URL(linkFromMail(bodyText, 'welcome')).hash.replace('#token=', '');
  // Completing the link ends any session in that browser: done from the invitee's own.
  await apiCall(invitee, base, 'POST', '/api/auth/password-link', {
    token,
    password: user.password,
  });
}
