import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  apiCall,
  budgetBaseURL,
  budgetWelcomeLink,
  certifiedNgoWithStaff,
  checkAndClosePages,
  createCase,
  expectAccessible,
  firstAdministratorSignsIn,
  firstSignInWithTwoFactor,
  isoDay,
  kr,
  nav,
  openPage,
  type Opened,
} from './helpers.js';

/*
 * The programme's budget end to end, on its own server and database (see
 * run.mjs), in Swedish (the list once in English too): the administrator sets
 * up a certified NGO with a case worker and a coordinator; the coordinator
 * creates a budget period covering today (a county administrative board
 * grant, fixed costs, 10 % overhead), sets the period's rates and plans the
 * reflection post at 2 persons × 26 days × 1 200 kr; the case worker applies
 * for a 30-day reflection period with one child (45 000 kr); the coordinator
 * sees the budget hint and grants it; a second application does not fit (the
 * hint says how many days do, and a full grant is refused until confirmed);
 * the coordinator moves money between posts (first more than the post has
 * left, which is refused), reads the post's statement (budget, commitment,
 * transfer and the running remaining, exactly), records a payout, opens the
 * funder report and finally closes the period. Every page and dialog is
 * checked with axe.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Hjortron i Jämtland varje augusti';
const ACTOR = {
  email: 'nora.natt@example.org',
  name: 'Nora Natt',
  password: 'Åtta ärliga ekorrar i Ångermanland',
};
const COORDINATOR = {
  email: 'kim.kassa@example.org',
  name: 'Kim Kassa',
  password: 'Fem fina fjällrävar på Kebnekaise',
};
const ORGANISATION = 'Stödboendet Ljusglimt';
const PERIOD = 'Verksamhetsåret 2026';
const REASON = 'Fler ansökningar om insatser än planerat.';

let admin: Opened;
let actor: Opened;
let coordinator: Opened;
let applicationId = '';
let caseCode = '';
let periodUrl = '';

test.beforeAll(async ({ browser }) => {
  expect(budgetWelcomeLink, 'E2E_BUDGET_WELCOME_LINK from e2e/run.mjs').toMatch(/\/welcome#token=/);
  admin = await openPage(browser, budgetBaseURL);
  actor = await openPage(browser, budgetBaseURL);
  coordinator = await openPage(browser, budgetBaseURL);
});

checkAndClosePages(() => [admin, actor, coordinator]);

/** The body rows of a table (the header row left out). */
function bodyRows(table: Locator): Locator {
  return table.locator('tbody').getByRole('row');
}

test('set-up: the administrator certifies an NGO and invites its case worker and a coordinator', async () => {
  const { page } = admin;
  await firstAdministratorSignsIn(page, budgetWelcomeLink, ADMIN_PASSWORD);

  // The administrator keeps the budget too.
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(menu.getByRole('link', { name: 'Budget', exact: true })).toBeVisible();

  await certifiedNgoWithStaff(page, budgetBaseURL, {
    organisation: ORGANISATION,
    actor: ACTOR,
    actorPage: actor.page,
    coordinator: COORDINATOR,
    coordinatorPage: coordinator.page,
  });
});

test('the coordinator creates a budget period covering today', async () => {
  const page = coordinator.page;
  await firstSignInWithTwoFactor(page, COORDINATOR);

  await nav(page, 'Budget');
  await expect(page.getByRole('heading', { level: 1, name: 'Budget' })).toBeVisible();
  await expect(page.getByText('Det finns inga budgetperioder ännu.')).toBeVisible();
  await expectAccessible(page, 'budget, no periods');

  await page.getByRole('link', { name: 'Ny budgetperiod' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny budgetperiod' })).toBeVisible();
  await expectAccessible(page, 'new budget period');

  await page.getByLabel('Periodens namn').fill(PERIOD);
  await page.getByLabel('Startdatum').fill(isoDay(-30));
  // The end before the start: refused before anything is sent.
  await page.getByLabel('Slutdatum').fill(isoDay(-31));
  await page.getByLabel('Overhead (procent av finansieringen)').fill('10');

  // A funding source: the new row's first field takes the focus.
  await page.getByRole('button', { name: 'Lägg till finansiering' }).click();
  const funding = page.getByRole('group', { name: 'Finansiering 1' });
  await expect(funding.getByLabel('Typ av finansiering')).toBeFocused();
  await funding.getByLabel('Typ av finansiering').selectOption({ label: 'Bidrag' });
  await funding.getByLabel('Benämning').fill('Länsstyrelsen Stockholm');
  await funding.getByLabel('Belopp (kr)').fill('500 000');

  // Fixed costs: one added by mistake and removed again, with the keyboard.
  for (const [kind, name, amount] of [
    ['Samordnarlön (andel)', 'Samordnare, halvtid', '60 000'],
    ['Resor', 'Felaktig rad', '1'],
    ['Webbplats', 'Webbplatsen', '5 000'],
  ] as const) {
    await page.getByRole('button', { name: 'Lägg till fast kostnad' }).click();
    const row = page.getByRole('group', { name: /^Fast kostnad \d$/ }).last();
    await row.getByLabel('Typ av kostnad').selectOption({ label: kind });
    await row.getByLabel('Benämning').fill(name);
    await row.getByLabel('Belopp (kr)').fill(amount);
  }
  await page.getByRole('button', { name: 'Ta bort fast kostnad 2' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Lägg till fast kostnad' })).toBeFocused();
  await expect(page.getByRole('group', { name: /^Fast kostnad \d$/ })).toHaveCount(2);
  await expect(
    page.getByRole('group', { name: 'Fast kostnad 2' }).getByLabel('Benämning'),
  ).toHaveValue('Webbplatsen');

  // 500 000 − 65 000 − 50 000 (10 %) is left for the posts.
  await expect(page.getByText('Kvar till utbetalningsposterna')).toBeVisible();
  await expect(
    page.locator('dl').filter({ hasText: 'Kvar till utbetalningsposterna' }),
  ).toContainText(kr('385000'));

  await page.getByRole('button', { name: 'Skapa perioden' }).click();
  await expect(page.getByRole('alert')).toContainText('Kontrollera de markerade fälten.');
  await expect(page.getByLabel('Slutdatum')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Slutdatumet kan inte vara före startdatumet.')).toBeVisible();
  await expectAccessible(page, 'new budget period with an error');

  await page.getByLabel('Slutdatum').fill(isoDay(150));
  await page.getByRole('button', { name: 'Skapa perioden' }).click();
  await expect(page.getByRole('heading', { level: 1, name: PERIOD })).toBeVisible();
  await expect(page.getByText('Budgetperioden är skapad.')).toBeVisible();
  await expect(page.locator('dl.details').first()).toContainText('Öppen');
  periodUrl = new URL(page.url()).pathname;
  await expectAccessible(page, 'budget period page');

  // The list shows it.
  await nav(page, 'Budget');
  const row = bodyRows(page.getByRole('table', { name: 'Budgetperioder (1)' })).first();
  await expect(row).toContainText(PERIOD);
  await expect(row).toContainText('Öppen');
  await expect(row).toContainText(/10\s?%/);
  await expectAccessible(page, 'budget periods');

  // The same list in English.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Budget' })).toBeVisible();
  const english = bodyRows(page.getByRole('table', { name: 'Budget periods (1)' })).first();
  await expect(english).toContainText('Open');
  await expect(page.getByRole('link', { name: 'New budget period' })).toBeVisible();
  await expectAccessible(page, 'budget periods in English');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('table', { name: 'Budgetperioder (1)' })).toBeVisible();
});

test('the coordinator sets the rates and plans the reflection post', async () => {
  const page = coordinator.page;
  await page.getByRole('link', { name: PERIOD }).click();
  await expect(page.getByRole('heading', { level: 1, name: PERIOD })).toBeVisible();

  const rates = page.getByRole('region', { name: 'Ersättningsnivåer', exact: true });
  await rates.getByLabel('Reflektion, per dag (kr)').fill('1 200');
  await rates.getByLabel('Barntillägg reflektion, per barn och dag (kr)').fill('300');
  await rates.getByLabel('Skyddstillägg dygnet runt, per dag (kr)').fill('150');
  await rates.getByLabel('Integration, per dag (kr)').fill('600');
  await rates.getByLabel('Barntillägg integration, per barn och dag (kr)').fill('200');
  // The lawyer's hourly rate and cap for this period.
  await rates.getByLabel('Pris per enhet för Advokattimmar (kr)').fill('2 600');
  await rates.getByLabel('Tak för Advokattimmar (kr)').fill('26 000');
  await rates.getByRole('button', { name: 'Spara ersättningsnivåerna' }).click();
  await expect(rates.getByText('Ersättningsnivåerna är sparade.')).toBeVisible();
  await expect(rates.getByLabel('Pris per enhet för Advokattimmar (kr)')).toHaveValue('2600');
  await expect(rates.getByLabel('Tak för Advokattimmar (kr)')).toHaveValue('26000');
  await expectAccessible(page, 'budget period with rates saved');

  // The reflection post: 2 persons × 26 days × 1 200 kr (the day rate is the period's).
  const posts = page.getByRole('region', { name: 'Utbetalningsposter', exact: true });
  await posts.getByRole('button', { name: 'Ändra planen för Reflektionsperiod' }).click();
  await expect(
    posts.getByRole('heading', { name: 'Ändra planen för Reflektionsperiod' }),
  ).toBeFocused();
  await expect(posts.getByLabel('Belopp per dag (kr)')).toHaveValue('1200');
  await posts.getByLabel('Antal personer').fill('2');
  await posts.getByLabel('Dagar per person').fill('26');
  await expect(posts).toContainText(kr('62400'));
  await expectAccessible(page, 'post plan form');
  await posts.getByRole('button', { name: 'Spara planen' }).click();
  await expect(posts.getByText('Planen för Reflektionsperiod är sparad.')).toBeVisible();
  const planRow = bodyRows(posts.getByRole('table')).filter({ hasText: 'Reflektionsperiod' });
  await expect(planRow).toContainText(/2 personer × 26 dagar × 1\s?200\s?kr/);
  await expect(planRow).toContainText(kr('62400'));

  const balances = page.getByRole('table', { name: /^Medel per post per/ });
  const reflection = bodyRows(balances).filter({ hasText: 'Reflektionsperiod' });
  await expect(reflection.getByRole('cell').first()).toHaveText(kr('62400'));
  await expect(reflection.getByRole('cell').last()).toHaveText(kr('62400'));
  await expectAccessible(page, 'budget period with a planned post');
});

/** The case worker (signed in) creates a case and applies for 30 days of reflection from next week. */
async function applyForReflection(
  page: Page,
  children: number,
): Promise<{ id: string; caseCode: string; amountOre: number }> {
  const created = await createCase(page, budgetBaseURL, {
    nationality: 'NG',
    ageBand: '18_25',
    childrenCount: children,
    childrenAges: children > 0 ? [4] : [],
    exploitationForms: ['sexual'],
    exploitationCountries: ['IT'],
    residenceStatus: 'undocumented',
  });
  const application = await apiCall<{ id: string }>(
    page,
    budgetBaseURL,
    'POST',
    '/api/applications',
    {
      caseId: created.id,
      type: 'reflection',
      periodFrom: isoDay(7),
      periodTo: isoDay(36),
      childrenCount: children,
      justification: 'Behöver skyddat boende och stöd under reflektionsperioden.',
    },
  );
  const detail = await apiCall<{ caseCode: string; amountOre: number }>(
    page,
    budgetBaseURL,
    'GET',
    `/api/applications/${application.id}`,
  );
  return { id: application.id, caseCode: detail.caseCode, amountOre: detail.amountOre };
}

test('the case worker applies for a reflection period', async () => {
  const page = actor.page;
  await apiCall(page, budgetBaseURL, 'POST', '/api/auth/sign-in', {
    email: ACTOR.email,
    password: ACTOR.password,
  });
  const applied = await applyForReflection(page, 1);
  applicationId = applied.id;
  caseCode = applied.caseCode;
  // 30 days × (1 200 + 300) kr.
  expect(applied.amountOre).toBe(4_500_000);
});

test('the coordinator sees the budget hint and grants the application', async () => {
  const page = coordinator.page;
  await page.goto(`/applications/${applicationId}`);
  await expect(
    page.getByRole('heading', { level: 1, name: `Reflektionsperiod – ${caseCode}` }),
  ).toBeVisible();
  const hint = page.getByRole('region', { name: 'Budget', exact: true });
  await expect(hint).toContainText(PERIOD);
  await expect(hint.getByRole('link', { name: 'Reflektionsperiod' })).toBeVisible();
  await expect(hint.locator('dd').nth(2)).toHaveText(kr('62400'));
  await expect(hint).toContainText(kr('45000'));
  await expect(hint).not.toContainText(/överskriden/i);
  await expectAccessible(page, 'application with the budget hint');

  const form = page.getByRole('region', { name: 'Fatta beslut' });
  await form.getByLabel('Beslut', { exact: true }).selectOption({ label: 'Beviljad' });
  await form
    .getByRole('group', { name: 'Skäl' })
    .getByLabel('Uppfyller programmets kriterier')
    .check();
  await form
    .getByLabel('Motivering', { exact: true })
    .fill('Uppfyller kriterierna och budgeten räcker.');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await expect(page.getByText('Beslutet är registrerat.')).toBeVisible();
  // The commitment leaves 62 400 − 45 000 on the post.
  await expect(hint.locator('dd').nth(2)).toHaveText(kr('17400'));
  await expectAccessible(page, 'granted application with the budget hint');
});

test('a second application does not fit: the hint says how many days do, and granting it in full asks first', async () => {
  // 30 days × 1 200 kr = 36 000 kr against the 17 400 kr left: 14 days fit.
  const second = await applyForReflection(actor.page, 0);
  expect(second.amountOre).toBe(3_600_000);
  const page = coordinator.page;
  await page.goto(`/applications/${second.id}`);
  await expect(
    page.getByRole('heading', { level: 1, name: `Reflektionsperiod – ${second.caseCode}` }),
  ).toBeVisible();
  const hint = page.getByRole('region', { name: 'Budget', exact: true });
  await expect(hint.locator('dd').nth(2)).toHaveText(kr('17400'));
  await expect(hint).toContainText('14 dagar ryms i de återstående medlen (av 30 sökta).');
  await expect(hint).toContainText('Att bevilja allt som söks skulle göra posten överskriden.');

  const form = page.getByRole('region', { name: 'Fatta beslut' });
  await form.getByLabel('Beslut', { exact: true }).selectOption({ label: 'Beviljad' });
  await form
    .getByRole('group', { name: 'Skäl' })
    .getByLabel('Uppfyller programmets kriterier')
    .check();
  await form.getByLabel('Motivering', { exact: true }).fill('Uppfyller kriterierna.');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await expect(form.getByRole('alert')).toContainText(
    'Posten har inte tillräckligt med medel kvar',
  );
  const anyway = form.getByLabel('Boka beslutet ändå (posten blir överskriden)');
  await expect(anyway).toBeVisible();
  await expect(anyway).not.toBeChecked();
  await expectAccessible(page, 'decision refused for an overdraft');
  // Left undecided: nothing was booked.
  await expect(page.getByRole('region', { name: 'Beslut', exact: true })).toContainText(
    'Inga beslut',
  );
});

test('the coordinator moves money between posts, with a reason', async () => {
  const page = coordinator.page;
  await page.goto(periodUrl);
  await expect(page.getByRole('heading', { level: 1, name: PERIOD })).toBeVisible();
  const balances = page.getByRole('table', { name: /^Medel per post per/ });
  const reflection = bodyRows(balances).filter({ hasText: 'Reflektionsperiod' });
  await expect(reflection.getByRole('cell').nth(3)).toHaveText(kr('45000'));
  await expect(reflection.getByRole('cell').last()).toHaveText(kr('17400'));

  const transfer = page.getByRole('region', { name: 'Flytta medel mellan poster', exact: true });
  await transfer.getByLabel('Från post').selectOption({ label: 'Reflektionsperiod' });
  await transfer.getByLabel('Till post').selectOption({ label: 'Insatser' });
  await transfer.getByLabel('Belopp (kr)').fill('20 000');
  await transfer.getByLabel('Skäl').fill(REASON);
  await transfer.getByRole('button', { name: 'Flytta medlen' }).click();
  // More than the post has left: refused, with the server's message and the choice to go on.
  await expect(transfer.getByRole('alert')).toContainText(
    'Posten har inte tillräckligt med medel kvar',
  );
  const anyway = transfer.getByLabel('Flytta ändå (posten blir överskriden)');
  await expect(anyway).toBeVisible();
  await expect(anyway).not.toBeChecked();
  await expectAccessible(page, 'transfer refused for an overdraft');

  await transfer.getByLabel('Belopp (kr)').fill('10 000');
  await transfer.getByRole('button', { name: 'Flytta medlen' }).click();
  await expect(
    transfer.getByText(/10\s?000\s?kr är flyttat från Reflektionsperiod till Insatser\./),
  ).toBeVisible();
  await expect(reflection.getByRole('cell').nth(2)).toHaveText(kr('10000'));
  await expect(reflection.getByRole('cell').last()).toHaveText(kr('7400'));
  const interventions = bodyRows(balances).filter({ hasText: 'Insatser' });
  await expect(interventions.getByRole('cell').nth(1)).toHaveText(kr('10000'));
  await expect(interventions.getByRole('cell').last()).toHaveText(kr('10000'));
});

test('the coordinator reads the post statement and records a payout', async () => {
  const page = coordinator.page;
  await page
    .getByRole('table', { name: /^Medel per post per/ })
    .getByRole('link', { name: 'Reflektionsperiod' })
    .click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Kontoutdrag: Reflektionsperiod' }),
  ).toBeVisible();

  const lines = page.getByRole('table', { name: /^Rader till och med .*, sida 1 av 1$/ });
  const rows = bodyRows(lines);
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('Ingående saldo');
  await expect(rows.nth(0).getByRole('cell').last()).toHaveText(kr('0'));
  // Line 1: the plan booked as the post's budget.
  const budget = rows.nth(1).getByRole('cell');
  await expect(budget.nth(1)).toHaveText('1');
  await expect(budget.nth(2)).toHaveText('Budget');
  await expect(budget.nth(7)).toHaveText(kr('62400'));
  await expect(budget.nth(9)).toHaveText(kr('62400'));
  // Line 2: the decision's commitment.
  const commitment = rows.nth(2).getByRole('cell');
  await expect(commitment.nth(2)).toHaveText(`Åtagande ${caseCode}`);
  await expect(commitment.nth(6)).toHaveText(COORDINATOR.name);
  await expect(commitment.nth(7)).toHaveText(kr('-45000'));
  await expect(commitment.nth(9)).toHaveText(kr('17400'));
  // Line 3: the transfer, with its counterpart post and reason.
  const moved = rows.nth(3).getByRole('cell');
  await expect(moved.nth(1)).toHaveText('3');
  await expect(moved.nth(2)).toHaveText('Överföring ut');
  await expect(moved.nth(3)).toHaveText('Insatser');
  await expect(moved.nth(5)).toHaveText(REASON);
  await expect(moved.nth(7)).toHaveText(kr('-10000'));
  await expect(moved.nth(9)).toHaveText(kr('7400'));

  const balance = page.getByRole('region', { name: /^Postens saldo per/ });
  await expect(balance).toContainText(kr('7400'));
  const perDecision = page.getByRole('table', {
    name: 'Åtaget och utbetalt per beslut på sidan',
  });
  const decision = bodyRows(perDecision).filter({ hasText: caseCode });
  await expect(decision.getByRole('cell').nth(0)).toHaveText(kr('45000'));
  await expect(decision.getByRole('cell').nth(2)).toContainText('Ej fullt utbetalt');
  await expectAccessible(page, 'post statement');

  // A first payout of 30 000 kr: 15 000 kr stays to be paid.
  const payout = page.getByRole('region', { name: 'Registrera en utbetalning', exact: true });
  await payout.getByLabel('Beslut').selectOption({ index: 1 });
  await payout.getByLabel('Belopp (kr)').fill('30 000');
  await payout.getByLabel('Referens').fill('Ver 2026-017');
  await payout.getByRole('button', { name: 'Registrera utbetalningen' }).click();
  await expect(payout.getByText(/Utbetalningen på 30\s?000\s?kr/)).toBeVisible();
  await expect(rows).toHaveCount(5);
  const paid = rows.nth(4).getByRole('cell');
  await expect(paid.nth(2)).toHaveText(`Utbetalning ${caseCode}`);
  await expect(paid.nth(4)).toHaveText('Ver 2026-017');
  await expect(paid.nth(8)).toHaveText(kr('30000'));
  // A payout does not change what remains.
  await expect(paid.nth(9)).toHaveText(kr('7400'));
  await expect(decision.getByRole('cell').nth(1)).toHaveText(kr('30000'));
  await expect(decision.getByRole('cell').nth(2)).toHaveText(kr('15000'));
  await expectAccessible(page, 'post statement with a payout');
});

test('the coordinator opens the funder report, then closes the period', async () => {
  const page = coordinator.page;
  await page.getByRole('link', { name: `Till ${PERIOD}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: PERIOD })).toBeVisible();
  const links = page.getByRole('group', { name: 'Rapport till finansiären' });
  await expect(links.getByRole('link', { name: 'Ladda ned rapporten (Excel)' })).toHaveAttribute(
    'href',
    /\/report\/export\?format=xlsx&date=\d{4}-\d{2}-\d{2}&lang=sv$/,
  );
  await expect(links.getByRole('link', { name: 'Ladda ned rapporten (PDF)' })).toHaveAttribute(
    'href',
    /\/report\/export\?format=pdf&date=\d{4}-\d{2}-\d{2}&lang=sv$/,
  );
  await links.getByRole('link', { name: 'Visa rapporten' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Rapport: ${PERIOD}` })).toBeVisible();

  const funding = page.getByRole('table', { name: 'Finansiering', exact: true });
  await expect(bodyRows(funding).first()).toContainText('Länsstyrelsen Stockholm');
  await expect(funding.locator('tfoot')).toContainText(kr('500000'));
  const fixed = page.getByRole('table', { name: 'Fasta kostnader', exact: true });
  await expect(fixed.locator('tfoot')).toContainText(kr('65000'));
  const posts = page.getByRole('table', { name: /^Medel per post per/ });
  const reflection = bodyRows(posts).filter({ hasText: 'Reflektionsperiod' });
  await expect(reflection.getByRole('cell').last()).toHaveText(kr('7400'));
  // 500 000 − 65 000 − 50 000 − 45 000 committed; 30 000 paid.
  const result = page.getByRole('region', { name: 'Periodens resultat', exact: true });
  await expect(result.locator('dd').nth(4)).toHaveText(kr('340000'));
  await expect(result.locator('dd').nth(6)).toHaveText(kr('355000'));
  await expectAccessible(page, 'funder report');

  // The report's files download with the session.
  for (const format of ['xlsx', 'pdf'] as const) {
    const href =
      (await page
        .getByRole('link', { name: `Ladda ned rapporten (${format === 'xlsx' ? 'Excel' : 'PDF'})` })
        .getAttribute('href')) ?? '';
    const res = await page.request.get(href);
    expect(res.status(), `${format} export`).toBe(200);
    expect(res.headers()['content-disposition'] ?? '').toContain('attachment');
  }

  // Closing asks first and explains what a closed period refuses.
  await page.getByRole('link', { name: 'Till budgetperioden' }).click();
  await expect(page.getByRole('heading', { level: 1, name: PERIOD })).toBeVisible();
  await page.getByRole('button', { name: 'Stäng perioden' }).click();
  const dialog = page.getByRole('dialog', { name: `Stänga ${PERIOD}?` });
  await expect(dialog).toContainText(
    'En stängd period tar inte emot fler beslut, ersättningsnivåer, överföringar eller utbetalningar.',
  );
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'close period dialog');
  await dialog.getByRole('button', { name: 'Stäng perioden' }).click();
  await expect(page.getByText('Perioden är stängd.', { exact: true })).toBeVisible();
  await expect(page.locator('dl.details').first()).toContainText('Stängd');
  await expect(
    page.getByRole('region', { name: 'Flytta medel mellan poster', exact: true }),
  ).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Spara ersättningsnivåerna' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Ändra planen för/ })).toHaveCount(0);
  await expectAccessible(page, 'closed budget period');
});
