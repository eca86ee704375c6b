import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import {
  accessReviewBaseURL,
  accessReviewWelcomeLink,
  certifiedNgoWithStaff,
  checkAndClosePages,
  createCase,
  expectAccessible,
  firstAdministratorSignsIn,
  firstSignInWithTwoFactor,
  openPage,
  signInToHome,
  type Opened,
} from './helpers.js';

/*
 * The access review end to end, on its own server and database (see run.mjs),
 * in Swedish: the administrator sets up a certified NGO with a case worker and
 * a coordinator; the case worker opens a case of their own organisation; the
 * coordinator reads the case too, then opens the access review, finds the case
 * worker's read in the table, sees the pattern of cases of other organisations
 * (their own read, marked as expected by role, once the threshold is set to 1
 * with the keyboard), narrows the reads to the case worker and downloads the
 * reads as CSV. The page is checked with axe, empty and filled.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Lingon och kanel i Lappland varje höst';
const ACTOR = {
  email: 'vera.vaken@example.org',
  name: 'Vera Vaken',
  password: 'Sju sovande sälar på Sandhamn',
};
const COORDINATOR = {
  email: 'gustav.granskare@example.org',
  name: 'Gustav Granskare',
  password: 'Nio nyfikna nötskrikor i Nacka',
};
const ORGANISATION = 'Föreningen Fyrljuset';

let admin: Opened;
let actor: Opened;
let coordinator: Opened;
let caseId = '';
let caseCode = '';

test.beforeAll(async ({ browser }) => {
  expect(accessReviewWelcomeLink, 'E2E_ACCESS_REVIEW_WELCOME_LINK from e2e/run.mjs').toMatch(
    /\/welcome#token=/,
  );
  admin = await openPage(browser, accessReviewBaseURL);
  actor = await openPage(browser, accessReviewBaseURL);
  coordinator = await openPage(browser, accessReviewBaseURL);
});

checkAndClosePages(() => [admin, actor, coordinator]);

async function nav(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name, exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('set-up: a certified NGO with a case worker, and a coordinator', async () => {
  const { page } = admin;
  await firstAdministratorSignsIn(page, accessReviewWelcomeLink, ADMIN_PASSWORD);
  await certifiedNgoWithStaff(page, accessReviewBaseURL, {
    organisation: ORGANISATION,
    actor: ACTOR,
    actorPage: actor.page,
    coordinator: COORDINATOR,
    coordinatorPage: coordinator.page,
  });
});

test('the case worker opens a case of their own organisation', async () => {
  const { page } = actor;
  await signInToHome(page, ACTOR);
  // Staff do not review access.
  await expect(
    page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', {
      name: 'Granskning av åtkomst',
    }),
  ).toHaveCount(0);

  const created = await createCase(page, accessReviewBaseURL, { gender: 'man' });
  caseId = created.id;
  caseCode = created.code;
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(caseCode);
});

test('the coordinator finds the read, sees a pattern and downloads the reads', async () => {
  const { page } = coordinator;
  await firstSignInWithTwoFactor(page, COORDINATOR);

  // The coordinator reads the case as well (another organisation's, expected by role).
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(caseCode);

  await page.goto('/');
  await nav(page, 'Granskning av åtkomst');
  await expect(page).toHaveURL(/\/access-review$/);

  const reads = page.getByRole('table', { name: /^Läsningar .* senaste först$/ });
  const actorRow = reads.getByRole('row').filter({ hasText: ACTOR.name });
  await expect(actorRow).toHaveCount(1);
  await expect(actorRow).toContainText(caseCode);
  await expect(actorRow).toContainText('Personal hos aktör');
  await expect(actorRow).toContainText(ORGANISATION);
  await expect(actorRow.getByRole('cell').nth(5)).toHaveText('Ärendet');
  await expect(
    reads
      .getByRole('row')
      .filter({ hasText: COORDINATOR.name })
      .getByText('Annan organisations ärende'),
  ).toBeVisible();

  // With the default threshold (5 cases) nobody is listed; the rule is stated.
  await expect(page.getByText('Ingen användare når gränsen under perioden.')).toBeVisible();
  await expect(page.getByText(/minst 5 olika ärenden/)).toBeVisible();
  await expect(page.getByText(/utanför vardagar 07:00–19:00 svensk tid/)).toBeVisible();
  await expectAccessible(page, 'access review');

  // The keyboard: the threshold field, then Enter submits the filters.
  const threshold = page.getByLabel('Minst antal ärenden');
  await threshold.focus();
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/threshold=1/);
  const pattern = page.getByRole('table', {
    name: 'Användare med många ärenden från andra organisationer',
  });
  const coordinatorRow = pattern.getByRole('row').filter({ hasText: COORDINATOR.name });
  await expect(coordinatorRow).toContainText('Väntat utifrån rollen');
  await expect(coordinatorRow.getByRole('cell').nth(3)).toHaveText('1');
  await expect(page.getByText(/minst 1 olika ärenden/)).toBeVisible();
  await expectAccessible(page, 'access review with a pattern');

  // Only the case worker's reads, reached with the keyboard.
  await actorRow.getByRole('button', { name: `Visa läsningar av ${ACTOR.name}` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Visar bara läsningar av ${ACTOR.name}.`)).toBeVisible();
  await expect(reads.locator('tbody').getByRole('row')).toHaveCount(1);

  // The reads as CSV: the case code and the reader, nothing about the person.
  const downloading = page.waitForEvent('download');
  await page
    .getByRole('group', { name: 'Exportera läsningarna' })
    .getByRole('link', { name: 'Exportera CSV' })
    .click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(
    /^lasningar-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const file = await download.path();
  const csv = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe(
    'Tid;Användare;Roll;Organisation;Ärendekod;Typ av läsning;Ägare vid läsningen;Annan organisations ärende',
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(
    `;${ACTOR.name};Personal hos aktör;${ORGANISATION};${caseCode};Ärendet;`,
  );

  // Back to everyone; an empty range says so.
  await page.getByRole('button', { name: 'Visa alla användare' }).click();
  await expect(reads.getByRole('row').filter({ hasText: COORDINATOR.name })).toHaveCount(1);
  await page.getByLabel('Från och med').fill('2020-01-01');
  await page.getByLabel('Till och med').fill('2020-01-31');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByText('Inga läsningar av ärenden under perioden.')).toBeVisible();
  await expect(page.getByText('Inga läsningar utanför arbetstid under perioden.')).toBeVisible();
  await expectAccessible(page, 'access review, empty');
});
