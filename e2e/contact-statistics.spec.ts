import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  apiCall,
  checkAndClosePages,
  contactStatisticsBaseURL as BASE,
  contactStatisticsWelcomeLink,
  expectAccessible,
  firstAdministratorSignsIn,
  firstSignInWithTwoFactor,
  inviteThroughOutbox,
  isoDay,
  nav,
  openPage,
  ownOrganisationId,
  signInToHome,
  type Opened,
} from './helpers.js';

/*
 * Contact statistics end to end, on their own server and database (see
 * run.mjs), in Swedish: the administrator sets up two civil-society member
 * organisations with a staff member each and a coordinator; the coordinator
 * opens this year's round; the first organisation's staff member fills in
 * the figures (a mistyped figure is refused at its field), saves a draft and
 * submits; the coordinator sees one organisation submitted and one not,
 * reminds the other (the reminder is in the outbox), reads the national
 * table internal and publishable (the two children among the probable
 * victims are suppressed) and downloads the publishable table as XLSX. Every
 * page and dialog is checked with axe.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Lingonris längs älvens stränder';
const STAFF = {
  email: 'sara.sund@example.org',
  name: 'Sara Sund',
  password: 'Sju sjösjuka sjömän på Söderhavet',
};
const OTHER_STAFF = { email: 'olle.ost@example.org', name: 'Olle Öst' };
const COORDINATOR = {
  email: 'cora.cirkel@example.org',
  name: 'Cora Cirkel',
  password: 'Tre tranor trampar i tjärnen',
};
const FIRST = 'Föreningen Fyrljuset';
const SECOND = 'Stiftelsen Strandvägen';
const YEAR = Number(
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric' }).format(
    new Date(),
  ),
);

const DEADLINE = isoDay(21);

let admin: Opened;
let staff: Opened;
let coordinator: Opened;
let roundUrl = '';

test.beforeAll(async ({ browser }) => {
  expect(
    contactStatisticsWelcomeLink,
    'E2E_CONTACT_STATISTICS_WELCOME_LINK from e2e/run.mjs',
  ).toMatch(/\/welcome#token=/);
  admin = await openPage(browser, BASE);
  staff = await openPage(browser, BASE);
  coordinator = await openPage(browser, BASE);
});

checkAndClosePages(() => [admin, staff, coordinator]);

/** The body row of a table whose header cell is `name`. */
function rowOf(table: Locator, name: string): Locator {
  return table
    .locator('tbody tr')
    .filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });
}

/** The number field of one cell of the report form. */
function cell(page: Page, certainty: string, form: string, gender: string, age: string): Locator {
  return page.getByLabel(`${certainty}, ${form}, kön: ${gender}, ålder: ${age}`, { exact: true });
}

test('set-up: two civil-society member organisations with a staff member each, and a coordinator', async () => {
  const { page } = admin;
  await firstAdministratorSignsIn(page, contactStatisticsWelcomeLink, ADMIN_PASSWORD);

  const coordinators = await ownOrganisationId(page, BASE);
  const ids: string[] = [];
  for (const name of [FIRST, SECOND]) {
    const org = await apiCall<{ id: string; membership: string; type: string }>(
      page,
      BASE,
      'POST',
      '/api/organisations',
      { name, type: 'ngo', membership: 'member', county: 'AB', municipality: 'Stockholm' },
    );
    expect(org).toMatchObject({ type: 'ngo', membership: 'member' });
    ids.push(org.id);
  }
  await inviteThroughOutbox(page, BASE, STAFF, 'actor_staff', ids[0] ?? '', staff.page);
  // The second organisation's staff member only needs an account to be reminded.
  await apiCall(page, BASE, 'POST', '/api/users', {
    ...OTHER_STAFF,
    role: 'actor_staff',
    organisationId: ids[1],
    locale: 'sv',
  });
  await inviteThroughOutbox(page, BASE, COORDINATOR, 'coordinator', coordinators, coordinator.page);
});

test('the coordinator opens this year’s contact statistics', async () => {
  const page = coordinator.page;
  await firstSignInWithTwoFactor(page, COORDINATOR);

  await nav(page, 'Kontaktstatistik');
  await expect(page).toHaveURL(/\/contact-statistics\/rounds$/);
  await expect(page.getByText('Inget år har öppnats än.')).toBeVisible();
  await expectAccessible(page, 'contact statistics rounds, none yet');

  const open = page.getByRole('region', { name: 'Öppna ett år', exact: true });
  await expect(open.getByLabel('År')).toHaveValue(String(YEAR));
  // Without a last day: refused before anything is sent.
  await open.getByRole('button', { name: 'Öppna året' }).click();
  await expect(open.getByRole('alert')).toContainText('Kontrollera de markerade fälten.');
  await expect(open.getByLabel('Sista dag att rapportera')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'open a round with an error');
  await open.getByLabel('Sista dag att rapportera').fill(DEADLINE);
  await open.getByRole('button', { name: 'Öppna året' }).click();

  await expect(
    page.getByRole('heading', { level: 1, name: `Kontaktstatistik ${YEAR}` }),
  ).toBeVisible();
  await expect(page.getByText(`Kontaktstatistiken för ${YEAR} är öppen.`)).toBeVisible();
  roundUrl = new URL(page.url()).pathname;
  const organisations = page.getByRole('table', { name: 'Organisationer som ska rapportera (2)' });
  await expect(rowOf(organisations, FIRST)).toContainText('Inte påbörjad');
  await expect(rowOf(organisations, SECOND)).toContainText('Inte påbörjad');
  await expectAccessible(page, 'round page');
});

test('a staff member fills in the figures, saves a draft and submits', async () => {
  const page = staff.page;
  await signInToHome(page, STAFF);

  // The reminder mail's link, /contact-statistics, is the list of years.
  await nav(page, 'Kontaktstatistik');
  await expect(page).toHaveURL(/\/contact-statistics$/);
  const years = page.getByRole('table', { name: 'År att rapportera (1)' });
  await expect(years).toContainText('Inte påbörjad');
  await expectAccessible(page, 'contact statistics years');
  await years.getByRole('link', { name: `Kontaktstatistik ${YEAR}` }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: `Kontaktstatistik ${YEAR}` }),
  ).toBeVisible();
  await expectAccessible(page, 'empty report form');

  const adult = 'Vuxen (18 år eller äldre)';
  const child = 'Barn (under 18 år)';
  await cell(page, 'Möjliga offer', 'Sexuell exploatering', 'Kvinna', adult).fill('14');
  await cell(page, 'Möjliga offer', 'Arbetskraftsexploatering', 'Man', adult).fill('12');
  await cell(page, 'Troliga offer', 'Sexuell exploatering', 'Kvinna', adult).fill('13');
  // A mistyped figure is refused at its field.
  const mistyped = cell(page, 'Troliga offer', 'Sexuell exploatering', 'Kvinna', child);
  await mistyped.fill('två');
  await page.getByRole('button', { name: 'Spara utkast' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Kontrollera de markerade fälten.');
  await expect(mistyped).toHaveAttribute('aria-invalid', 'true');
  await expect(mistyped).toBeFocused();
  await expect(mistyped).toHaveAccessibleDescription('Ange ett heltal, 0 eller mer.');
  await expectAccessible(page, 'report form with an error');

  await mistyped.fill('2');
  await cell(page, 'Misstänkta offer (polisanmälda)', 'Tvång att begå brott', 'Man', adult).fill(
    '11',
  );
  await page.getByRole('button', { name: 'Spara utkast' }).click();
  await expect(page.getByText('Utkastet är sparat.')).toBeVisible();
  await expect(page.locator('dl.details').first()).toContainText('Utkast');

  // Submitting needs the totals, equal to the tables.
  await page.getByRole('button', { name: 'Skicka in', exact: true }).click();
  const possibleTotal = page.getByLabel('Möjliga offer: antal personer totalt');
  await expect(possibleTotal).toHaveAttribute('aria-invalid', 'true');
  await expect(possibleTotal).toHaveAccessibleDescription(/Ange antalet personer totalt\./);
  await possibleTotal.fill('25');
  await page.getByLabel('Troliga offer: antal personer totalt').fill('15');
  await page.getByLabel('Misstänkta offer (polisanmälda): antal personer totalt').fill('11');
  await page.getByRole('button', { name: 'Skicka in', exact: true }).click();
  await expect(possibleTotal).toHaveAccessibleDescription(
    /Summan stämmer inte med tabellen, som summerar till 26\./,
  );
  await possibleTotal.fill('26');
  await page.getByRole('button', { name: 'Skicka in', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: `Skicka in kontaktstatistiken för ${YEAR}?` });
  await expect(dialog).toContainText('52 personer totalt');
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'submit dialog');
  await dialog.getByRole('button', { name: 'Skicka in rapporten' }).click();
  await expect(page.getByText('Rapporten är inskickad. Tack!')).toBeVisible();
  await expect(page.locator('dl.details').first()).toContainText('Inskickad');
  // Submitted: shown as it is, with a way to correct it before the deadline.
  await expect(page.getByRole('button', { name: 'Rätta siffrorna' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Spara utkast' })).toHaveCount(0);
  await expectAccessible(page, 'submitted report');

  // Correcting before the deadline: the fields come back; a correction must add up too.
  await page.getByRole('button', { name: 'Rätta siffrorna' }).click();
  const first = cell(page, 'Möjliga offer', 'Sexuell exploatering', 'Kvinna', adult);
  await expect(first).toHaveValue('14');
  await first.fill('15');
  await page.getByRole('button', { name: 'Spara rättelsen' }).click();
  await expect(possibleTotal).toBeFocused();
  await expect(possibleTotal).toHaveAccessibleDescription(
    /Summan stämmer inte med tabellen, som summerar till 27\./,
  );
  await page.getByRole('button', { name: 'Avbryt' }).click();
  await expect(first).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rätta siffrorna' })).toBeVisible();
});

test('the coordinator sees who has submitted and reminds the other organisation', async () => {
  const page = coordinator.page;
  await page.goto(roundUrl);
  const organisations = page.getByRole('table', { name: 'Organisationer som ska rapportera (2)' });
  await expect(rowOf(organisations, FIRST)).toContainText('Inskickad');
  await expect(rowOf(organisations, SECOND)).toContainText('Inte påbörjad');
  await expect(page.getByText('Inskickade: 1. Inte inskickade: 1.')).toBeVisible();

  await page.getByRole('button', { name: 'Skicka påminnelser' }).click();
  const dialog = page.getByRole('dialog', { name: `Skicka påminnelser för ${YEAR}?` });
  await expect(dialog).toContainText('1 organisation får en påminnelse');
  await expect(dialog.getByRole('listitem')).toHaveText([SECOND]);
  await expectAccessible(page, 'reminder dialog');
  await dialog.getByRole('button', { name: 'Skicka påminnelserna' }).click();
  await expect(
    page.getByText('Påminnelserna ligger i utkorgen. Mottagare: 1. Organisationer: 1.'),
  ).toBeVisible();
  await expect(rowOf(organisations, SECOND)).toContainText('(1 påminnelse)');
  await expectAccessible(page, 'round page after the reminder');

  // The reminder waits in the outbox for the second organisation's staff member only.
  const mail = await apiCall<{
    items: Array<{ kind: string; toAddress: string; subject: string }>;
  }>(admin.page, BASE, 'GET', '/api/outbox?limit=100');
  const reminders = mail.items.filter((m) => m.kind === 'contact_statistics.reminder');
  expect(reminders.map((m) => m.toAddress)).toEqual([OTHER_STAFF.email]);
  expect(reminders[0]?.subject).toBe(`Kontaktstatistik för ${YEAR}: rapportera senast ${DEADLINE}`);
});

test('the coordinator reads the national table, internal and publishable, and downloads it', async () => {
  const page = coordinator.page;
  const national = page.getByRole('region', { name: 'Nationell tabell', exact: true });
  await expect(national.getByRole('radio', { name: 'Intern' })).toBeChecked();
  await expect(national).toContainText('Intern version: fullständiga antal.');
  const byAge = national.getByRole('table', {
    name: 'Personer efter grad av misstanke och åldersgrupp',
  });
  const probable = rowOf(byAge, 'Troliga offer');
  // Adult, child, age not known, total.
  await expect(probable.getByRole('cell')).toHaveText([/^13/, /^2/, '0', /^15/]);
  await expectAccessible(page, 'internal national table');

  await national.getByRole('radio', { name: 'Publicerbar' }).check();
  await expect(national.getByRole('textbox', { name: 'Tröskelvärde' })).toHaveValue('11');
  await expect(probable.getByRole('cell')).toHaveText([
    '..publiceras inte',
    '..publiceras inte',
    '0',
    /^15/,
  ]);
  await expect(national).toContainText(
    '.. betyder att uppgiften inte publiceras: antal från 1 till 10 döljs',
  );
  await expect(
    rowOf(
      national.getByRole('table', { name: 'Personer efter grad av misstanke och kön' }),
      'Möjliga offer',
    ).getByRole('cell'),
  ).toHaveText([/^14/, /^12/, '0', '0', /^26/]);
  await expectAccessible(page, 'publishable national table');

  // A threshold below 3 is refused at the field.
  await national.getByRole('textbox', { name: 'Tröskelvärde' }).fill('2');
  await national.getByRole('button', { name: 'Visa' }).click();
  await expect(national.getByRole('textbox', { name: 'Tröskelvärde' })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expect(national.getByRole('textbox', { name: 'Tröskelvärde' })).toHaveAccessibleDescription(
    /Ange ett heltal som är minst 3\./,
  );
  await expectAccessible(page, 'threshold with an error');
  await national.getByRole('textbox', { name: 'Tröskelvärde' }).fill('11');
  await national.getByRole('button', { name: 'Visa' }).click();
  await expect(national.getByRole('textbox', { name: 'Tröskelvärde' })).not.toHaveAttribute(
    'aria-invalid',
    'true',
  );

  // The publishable table as XLSX, with the session.
  const links = national.getByRole('group', { name: 'Ladda ned den publicerbara versionen' });
  const href =
    (await links.getByRole('link', { name: 'Exportera Excel (XLSX)' }).getAttribute('href')) ?? '';
  expect(href).toContain('version=publishable');
  expect(href).toContain('threshold=11');
  const res = await page.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  expect(res.headers()['content-disposition'] ?? '').toContain(
    `kontaktstatistik-${YEAR}-publicerbar-tabell.xlsx`,
  );
  for (const name of ['Exportera CSV', 'Exportera PDF']) {
    const other = (await links.getByRole('link', { name }).getAttribute('href')) ?? '';
    expect((await page.request.get(other)).status(), name).toBe(200);
  }
});
