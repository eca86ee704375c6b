import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  apiCall,
  certifiedNgoWithStaff,
  checkAndClosePages,
  createCase,
  expectAccessible,
  firstAdministratorSignsIn,
  firstSignInWithTwoFactor,
  isoDay,
  kr,
  openPage,
  type Opened,
} from './helpers.js';

/*
 * The coordinator's dashboard end to end, on its own server and database (see
 * run.mjs), in Swedish: the administrator sets up a certified NGO with a case
 * worker and a coordinator; the coordinator first sees the empty dashboard
 * (nothing waits, no budget period, no admissions, no certification ending);
 * then the case worker applies for three admissions and a reflection period,
 * the coordinator grants one admission and the reflection period in a budget
 * period that holds today, and the certification is shortened to end in 20
 * days. The dashboard then shows 2 open applications, 2 decisions this month,
 * the reflection post's remaining funds, the admissions chart with its table
 * and the certification that ends soon; its links work from the keyboard, axe
 * finds nothing and the strict CSP holds. A case worker has no way in.
 */
test.describe.configure({ mode: 'serial' });

const baseURL = process.env.E2E_DASHBOARD_BASE_URL ?? '';
const welcomeLink = process.env.E2E_DASHBOARD_WELCOME_LINK ?? '';

const ADMIN_PASSWORD = 'Molnbär i Lappland varje sommar';
const ACTOR = {
  email: 'sara.stod@example.org',
  name: 'Sara Stöd',
  password: 'Sju snälla sälar vid Sandhamn',
};
const COORDINATOR = {
  email: 'olle.oversikt@example.org',
  name: 'Olle Översikt',
  password: 'Nio nyfikna nötskrikor i Närke',
};
const ORGANISATION = 'Skyddade boendet Gläntan';

let admin: Opened;
let actor: Opened;
let coordinator: Opened;
let organisationId = '';

test.beforeAll(async ({ browser }) => {
  expect(welcomeLink, 'E2E_DASHBOARD_WELCOME_LINK from e2e/run.mjs').toMatch(/\/welcome#token=/);
  admin = await openPage(browser, baseURL);
  actor = await openPage(browser, baseURL);
  coordinator = await openPage(browser, baseURL);
});

checkAndClosePages(() => [admin, actor, coordinator]);

/** A part of the dashboard, by its heading. */
function part(page: Page, heading: string): Locator {
  return page.getByRole('region', { name: heading, exact: true });
}

/** Presses Tab until the link has the focus (at most 100 times); fails if it never gets it. */
async function tabTo(page: Page, link: Locator): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await page.keyboard.press('Tab');
    if (await link.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error('the link was not reached with Tab');
}

test('set-up: the administrator certifies an NGO and invites its case worker and a coordinator', async () => {
  const { page } = admin;
  await firstAdministratorSignsIn(page, welcomeLink, ADMIN_PASSWORD);
  // The dashboard is the coordinator's: not in the administrator's menu.
  await expect(
    page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Översikt' }),
  ).toHaveCount(0);

  organisationId = await certifiedNgoWithStaff(page, baseURL, {
    organisation: ORGANISATION,
    actor: ACTOR,
    actorPage: actor.page,
    coordinator: COORDINATOR,
    coordinatorPage: coordinator.page,
  });
});

test('the coordinator reaches the empty dashboard from the home page', async () => {
  const page = coordinator.page;
  await firstSignInWithTwoFactor(page, COORDINATOR);

  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(menu.getByRole('link', { name: 'Översikt', exact: true })).toBeVisible();
  await page.getByRole('link', { name: /^Öppna översikten/ }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Översikt' })).toBeVisible();

  await expect(part(page, 'Öppna ansökningar')).toContainText('Inga ansökningar väntar på beslut.');
  await expect(part(page, 'Beslut den här månaden')).toContainText(/Inga beslut ännu i /);
  await expect(part(page, 'Återstående medel per post')).toContainText(
    'Ingen budgetperiod omfattar dagens datum.',
  );
  await expect(part(page, 'Tillträden per månad')).toContainText(
    'Inga tillträden har beviljats de senaste 12 månaderna.',
  );
  await expect(part(page, 'Tillträden per månad').locator('canvas')).toHaveCount(0);
  await expect(part(page, 'Certifieringar som snart upphör')).toContainText(
    'Ingen certifiering upphör inom 60 dagar.',
  );
  await expectAccessible(page, 'the empty dashboard');
});

test('applications, decisions, a budget period and a certification that ends soon', async () => {
  // The case worker: three admissions and a reflection period of 10 days without children.
  const page = actor.page;
  await apiCall(page, baseURL, 'POST', '/api/auth/sign-in', {
    email: ACTOR.email,
    password: ACTOR.password,
  });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await createCase(page, baseURL);
    const admission = await apiCall<{ id: string }>(page, baseURL, 'POST', '/api/applications', {
      caseId: created.id,
      type: 'admission',
      justification: 'Ansökan om tillträde till programmet.',
    });
    ids.push(created.id, admission.id);
  }
  const reflection = await apiCall<{ id: string }>(page, baseURL, 'POST', '/api/applications', {
    caseId: ids[0],
    type: 'reflection',
    periodFrom: isoDay(1),
    periodTo: isoDay(10),
    childrenCount: 0,
    justification: 'Behöver skyddat boende under reflektionsperioden.',
  });

  // The coordinator: a period that holds today, 100 000 kr on the reflection post.
  const c = coordinator.page;
  const period = await apiCall<{ posts: Array<{ id: string; kind: string }> }>(
    c,
    baseURL,
    'POST',
    '/api/budget/periods',
    { name: 'Verksamhetsåret', startsOn: isoDay(-30), endsOn: isoDay(100) },
  );
  const post = period.posts.find((p) => p.kind === 'reflection');
  await apiCall(c, baseURL, 'PATCH', `/api/budget/posts/${post?.id ?? ''}`, {
    planAmountOre: 10_000_000,
  });
  for (const id of [ids[1], reflection.id]) {
    const { version } = await apiCall<{ version: number }>(
      c,
      baseURL,
      'GET',
      `/api/applications/${id ?? ''}`,
    );
    await apiCall(c, baseURL, 'POST', `/api/applications/${id ?? ''}/decisions`, {
      expectedVersion: version,
      outcome: 'granted',
      grounds: ['meets_criteria'],
      rationale: 'Uppfyller kriterierna enligt underlaget.',
    });
  }

  // The administrator: the certification now ends in 20 days.
  await apiCall(admin.page, baseURL, 'PUT', `/api/organisations/${organisationId}/certification`, {
    status: 'certified',
    certifiedFrom: isoDay(-30),
    certifiedTo: isoDay(20),
    reason: 'Förnyad granskning planeras.',
    expectedVersion: 1,
  });
});

test('the dashboard shows the figures, the chart with its table, and links that work from the keyboard', async () => {
  const page = coordinator.page;
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { level: 1, name: 'Översikt' })).toBeVisible();

  const open = part(page, 'Öppna ansökningar');
  await expect(open.getByRole('link', { name: /2\s*ansökningar väntar på beslut/ })).toBeVisible();
  const byType = open.getByRole('table', { name: 'Öppna ansökningar per typ' });
  await expect(byType.getByRole('row', { name: /Tillträde/ })).toContainText('2');

  const decisions = part(page, 'Beslut den här månaden');
  await expect(decisions.getByRole('link', { name: /2\s*beslut i / })).toBeVisible();
  await expect(decisions.getByRole('row', { name: /Beviljad/ })).toContainText('2');

  // 100 000 kr less 10 days × 1 200 kr.
  const funds = part(page, 'Återstående medel per post').getByRole('table');
  const reflectionRow = funds.getByRole('row', { name: /Reflektionsperiod/ });
  await expect(reflectionRow.getByRole('cell').first()).toHaveText(kr('100000'));
  await expect(reflectionRow.getByRole('cell').last()).toHaveText(kr('88000'));

  const admissions = part(page, 'Tillträden per månad');
  const chart = admissions.getByRole('img', { name: /^Stapeldiagram över beviljade tillträden/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /1 totalt/);
  expect(await chart.evaluate((el) => el.tagName)).toBe('CANVAS');
  const table = admissions.getByRole('table', { name: 'Beviljade tillträden per månad' });
  await expect(table).toBeVisible();
  await expect(table.locator('tbody').getByRole('row')).toHaveCount(12);
  await expect(table.locator('tbody').getByRole('row').last()).toContainText('1');

  const certifications = part(page, 'Certifieringar som snart upphör');
  await expect(certifications.getByRole('row', { name: new RegExp(ORGANISATION) })).toContainText(
    'om 20 dagar',
  );
  await expectAccessible(page, 'the dashboard with figures');

  // Keyboard: every part's link can be reached with Tab, and Enter follows it.
  await page.getByRole('heading', { level: 1, name: 'Översikt' }).focus();
  for (const name of ['Till budgeten', 'Till certifieringarna'])
    await tabTo(page, page.getByRole('link', { name, exact: true }));
  await page.getByRole('heading', { level: 1, name: 'Översikt' }).focus();
  await tabTo(page, page.getByRole('link', { name: 'Till arbetskön', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/applications$/);
});

test('a case worker has no dashboard: no menu entry, and the page refuses', async () => {
  const page = actor.page;
  await page.goto('/');
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(menu.getByRole('link', { name: 'Start', exact: true })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Översikt' })).toHaveCount(0);
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' })).toBeVisible();
  const res = await page.request.get('/api/dashboard');
  expect(res.status()).toBe(403);
  await expectAccessible(page, 'the dashboard refused');
});
