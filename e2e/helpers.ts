import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
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

/** A page of its own browser context, as openPage gives it. */
export type Opened = Awaited<ReturnType<typeof openPage>>;

/**
 * Registers the hooks every spec has for its pages: after each test none of
 * them saw a Content Security Policy violation; after all, they are closed.
 * The pages are read when the hooks run (the spec opens them in beforeAll).
 */
export function checkAndClosePages(pages: () => Opened[]): void {
  test.afterEach(() => {
    for (const o of pages()) expect(o.cspViolations, 'CSP violations').toEqual([]);
  });
  test.afterAll(async () => {
    for (const o of pages()) await o.context.close();
  });
}

/** A date `days` from today, as YYYY-MM-DD. */
export function isoDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** An amount as the Swedish interface shows it: "62 400 kr", "−45 000 kr" (any space). */
export function kr(amount: string): RegExp {
  const [sign, digits] = amount.startsWith('-') ? ['−', amount.slice(1)] : ['', amount];
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\\s?');
  return new RegExp(`(^|[^\\d])${sign}${grouped}\\s?kr`);
}

/** Follows a link of the Swedish main menu and waits for the page's heading. */
export async function nav(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name, exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
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

/** Someone a spec invites: the address, the name and the password they choose. */
export interface Person {
  email: string;
  name: string;
  password: string;
}

/**
 * The first administrator follows the first-run link (in Swedish): chooses a
 * password, signs in and enrols two-factor, ending on the home page.
 */
export async function firstAdministratorSignsIn(
  page: Page,
  welcome: string,
  password: string,
): Promise<void> {
  await page.goto(welcome);
  await page.getByLabel('Nytt lösenord').fill(password);
  await page.getByLabel('Upprepa lösenordet').fill(password);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();
  await signInWith(page, adminEmail, password);
  await enrolTwoFactor(page);
}

/** A first sign-in (in Swedish) that enrols two-factor, ending on the home page. */
export async function firstSignInWithTwoFactor(page: Page, person: Person): Promise<void> {
  await page.goto('/sign-in');
  await signInWith(page, person.email, person.password);
  await enrolTwoFactor(page);
}

/** A sign-in (in Swedish) without two-factor, as staff have it, ending on the home page. */
export async function signInToHome(page: Page, person: Person): Promise<void> {
  await page.goto('/sign-in');
  await signInWith(page, person.email, person.password);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
}

/** The organisation of the signed-in user (the administrator's is where coordinators belong). */
export async function ownOrganisationId(page: Page, base: string): Promise<string> {
  const session = await apiCall<{ user: { organisationId: string } }>(
    page,
    base,
    'GET',
    '/api/auth/session',
  );
  return session.user.organisationId;
}

/**
 * The administrator creates an NGO, certified from 30 days ago for a year:
 * valid today, as only a certified actor may run cases. Gives its id.
 */
export async function createCertifiedNgo(page: Page, base: string, name: string): Promise<string> {
  const org = await apiCall<{ id: string }>(page, base, 'POST', '/api/organisations', {
    name,
    type: 'ngo',
    county: 'AB',
    municipality: 'Stockholm',
  });
  await apiCall(page, base, 'PUT', `/api/organisations/${org.id}/certification`, {
    status: 'certified',
    certifiedFrom: isoDay(-30),
    certifiedTo: isoDay(335),
    reason: 'Granskningen av verksamheten är klar.',
    expectedVersion: 0,
  });
  return org.id;
}

/**
 * The signed-in administrator sets up a certified NGO with a case worker, and
 * a coordinator in the administrator's own organisation; each has chosen a
 * password in their own browser. Gives the NGO's id.
 */
export async function certifiedNgoWithStaff(
  admin: Page,
  base: string,
  setup: {
    organisation: string;
    actor: Person;
    actorPage: Page;
    coordinator: Person;
    coordinatorPage: Page;
    locale?: 'sv' | 'en';
  },
): Promise<string> {
  const coordinators = await ownOrganisationId(admin, base);
  const id = await createCertifiedNgo(admin, base, setup.organisation);
  await inviteThroughOutbox(
    admin,
    base,
    setup.actor,
    'actor_staff',
    id,
    setup.actorPage,
    setup.locale,
  );
  await inviteThroughOutbox(
    admin,
    base,
    setup.coordinator,
    'coordinator',
    coordinators,
    setup.coordinatorPage,
    setup.locale,
  );
  return id;
}

/** The background of a case as the API takes it. */
export interface CaseBackground {
  nationality: string;
  gender: string;
  ageBand: string;
  childrenCount: number;
  childrenAges: number[];
  childrenInHomeCountry: number;
  exploitationForms: string[];
  exploitationCountries: string[];
  policeReport: string;
  policeReportDate: string | null;
  residenceStatus: string;
  housingSituation: string;
}

/**
 * A case worker creates a case through the API: an adult EU citizen exploited
 * for labour in Sweden, no police report, in protected housing, unless the
 * spec says otherwise. No protected identity and no identity note.
 */
export async function createCase(
  page: Page,
  base: string,
  background: Partial<CaseBackground> = {},
): Promise<{ id: string; code: string }> {
  return apiCall<{ id: string; code: string }>(page, base, 'POST', '/api/cases', {
    background: {
      nationality: 'RO',
      gender: 'woman',
      ageBand: '26_30',
      childrenCount: 0,
      childrenAges: [],
      childrenInHomeCountry: 0,
      exploitationForms: ['labour'],
      exploitationCountries: ['SE'],
      policeReport: 'no',
      policeReportDate: null,
      residenceStatus: 'eu_citizen',
      housingSituation: 'protected_housing',
      ...background,
    },
    protectedIdentity: false,
    protectedStaffUserIds: [],
    identityNote: null,
  });
}
