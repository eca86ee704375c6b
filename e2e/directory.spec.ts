import fs from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import {
  adminEmail,
  directoryBaseURL,
  directoryWelcomeLink,
  expectAccessible,
  linkFromMail,
  openPage,
  totpCode,
} from './helpers.js';

/*
 * The network directory end to end, on its own server and database (see
 * run.mjs): the coordinator certifies an NGO and finds it under "Who can
 * help?"; a case worker finds protected housing for men in Skåne in two
 * clicks from home; contact persons, working groups, the service catalogue,
 * CSV import (a broken file stores nothing) and export; an NGO user cannot
 * edit another NGO's profile. Every new page and dialog is checked with axe.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Kanelbullar i Katrineholm varje tisdag';
const COORDINATOR = {
  email: 'cecilia.samordnare@example.org',
  name: 'Cecilia Samordnare',
  password: 'Fyrtio fiskmåsar över Öresundsbron',
};
const CASE_WORKER = {
  email: 'kalle.handlaggare@example.org',
  name: 'Kalle Handläggare',
  password: 'Elva ekorrar i Humlegården i maj',
};

const MALMO = 'Skyddat boende Malmö';
const LUND = 'Mansjouren Lund';
const NATIONAL = 'Nationella stödlinjen';
const STOCKHOLM = 'Stödcentrum Stockholm';
const POLICE = 'Polisen region Syd';

/** A 1×1 PNG: a document the server accepts by its content. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

type Opened = Awaited<ReturnType<typeof openPage>>;
let admin: Opened;
let coordinator: Opened;
let caseWorker: Opened;
const ids: Record<string, string> = {};

/** A date `days` from today, as YYYY-MM-DD. */
function isoDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** An API call with the page's session (as the web app makes it: same origin, Swedish). */
async function call<T>(page: Page, method: string, path: string, data?: unknown): Promise<T> {
  const res = await page.request.fetch(path, {
    method,
    ...(data === undefined ? {} : { data }),
    headers: { Origin: directoryBaseURL, 'Accept-Language': 'sv' },
  });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

async function nav(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name, exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
}

/** Enrols two-factor on the set-up page the sign-in led to, and continues home. */
async function enrolTotp(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  await page.getByLabel('Sexsiffrig kod').fill(await totpCode(secret));
  await page.getByRole('button', { name: 'Aktivera', exact: true }).click();
  await page.getByRole('button', { name: 'Jag har sparat koderna – fortsätt' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
}

/** The text of a downloaded file. */
async function downloadedText(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

/** An invited user (created by the administrator) chooses a password through the mailed link. */
async function inviteUser(
  user: { email: string; name: string; password: string },
  role: string,
  organisationId: string,
  opened: Opened,
): Promise<void> {
  await call(admin.page, 'POST', '/api/users', {
    email: user.email,
    name: user.name,
    role,
    organisationId,
    locale: 'sv',
  });
  const mail = await call<{ items: Array<{ id: string; toAddress: string }> }>(
    admin.page,
    'GET',
    '/api/outbox?limit=50',
  );
  const message = mail.items.find((m) => m.toAddress === user.email);
  expect(message, `an invitation to ${user.email}`).toBeDefined();
  const { bodyText } = await call<{ bodyText: string }>(
    admin.page,
    'GET',
    `/api/outbox/${message?.id ?? ''}`,
  );
  const token = new URL(linkFromMail(bodyText, 'welcome')).hash.replace('#token=', '');
  // Completing the link ends any session in that browser: done from the new user's own.
  await call(opened.page, 'POST', '/api/auth/password-link', { token, password: user.password });
}

test.beforeAll(async ({ browser }) => {
  expect(directoryWelcomeLink, 'E2E_DIRECTORY_WELCOME_LINK from e2e/run.mjs').toMatch(
    /\/welcome#token=/,
  );
  admin = await openPage(browser, directoryBaseURL);
  coordinator = await openPage(browser, directoryBaseURL);
  caseWorker = await openPage(browser, directoryBaseURL);
});

test.afterEach(() => {
  for (const o of [admin, coordinator, caseWorker]) {
    expect(o.cspViolations, 'CSP violations').toEqual([]);
  }
});

test.afterAll(async () => {
  for (const o of [admin, coordinator, caseWorker]) await o.context.close();
});

test('set-up: the administrator starts, and the directory gets organisations and people', async () => {
  const { page } = admin;
  await page.goto(directoryWelcomeLink);
  await page.getByLabel('Nytt lösenord').fill(ADMIN_PASSWORD);
  await page.getByLabel('Upprepa lösenordet').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();
  await signIn(page, adminEmail, ADMIN_PASSWORD);
  await enrolTotp(page);

  // The administrator's home offers "who can help?" too, and the certifications that end soon.
  await expect(page.getByRole('heading', { name: 'Vem kan hjälpa?' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: /certifieringar löper ut inom 60 dagar/ }),
  ).toContainText('0');
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  for (const item of [
    'Katalog',
    'Vem kan hjälpa?',
    'Kontaktpersoner',
    'Arbetsgrupper',
    'Certifieringar',
    'Tjänstekatalog',
    'Import',
    'Användare',
  ]) {
    await expect(menu.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await expectAccessible(page, 'administrator home with the directory');

  // The directory's organisations, made through the API (the forms are tested below).
  const create = async (name: string, body: Record<string, unknown>) => {
    const org = await call<{ id: string }>(page, 'POST', '/api/organisations', { name, ...body });
    ids[name] = org.id;
  };
  await create(MALMO, {
    type: 'ngo',
    county: 'M',
    municipality: 'Malmö',
    services: ['protected_housing_men', 'protected_housing_women', 'therapy'],
    languages: ['sv', 'en', 'ar'],
    publicPhone: '+46 40 12 34 56',
    publicEmail: 'info@boende-malmo.example.org',
    website: 'https://boende-malmo.example.org',
    membership: 'member',
    membershipSince: '2016-03-01',
  });
  await create(LUND, {
    type: 'ngo',
    county: 'M',
    municipality: 'Lund',
    services: ['protected_housing_men'],
    publicPhone: '+46 46 22 33 44',
  });
  await create(NATIONAL, {
    type: 'ngo',
    county: 'national',
    services: ['protected_housing_men', 'helpline'],
    publicPhone: '+46 20 123 456',
  });
  await create(STOCKHOLM, {
    type: 'ngo',
    county: 'AB',
    municipality: 'Stockholm',
    services: ['protected_housing_men', 'legal_counsel'],
  });
  await create(POLICE, {
    type: 'authority',
    authorityKind: 'police',
    county: 'M',
    municipality: 'Malmö',
  });

  const session = await call<{ user: { organisationId: string } }>(
    page,
    'GET',
    '/api/auth/session',
  );
  await inviteUser(COORDINATOR, 'coordinator', session.user.organisationId, coordinator);
  await inviteUser(CASE_WORKER, 'actor_staff', ids[STOCKHOLM] ?? '', caseWorker);
});

test('the coordinator signs in with two-factor; home shows needs and expiring certifications', async () => {
  const { page } = coordinator;
  await signIn(page, COORDINATOR.email, COORDINATOR.password);
  await enrolTotp(page);
  await expect(page.getByRole('heading', { name: 'Vem kan hjälpa?' })).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Vanliga behov' }).getByRole('link', {
      name: 'Skyddat boende för män',
      exact: true,
    }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: /certifieringar löper ut inom 60 dagar/ }),
  ).toContainText('0');
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  for (const item of ['Certifieringar', 'Tjänstekatalog', 'Import']) {
    await expect(menu.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await expect(menu.getByRole('link', { name: 'Användare', exact: true })).toHaveCount(0);
  await expectAccessible(page, 'coordinator home');
});

test('the coordinator filters the directory and certifies an NGO', async () => {
  const { page } = coordinator;
  await nav(page, 'Katalog');
  await expect(page.getByRole('heading', { level: 1, name: 'Katalog' })).toBeVisible();
  await page.getByLabel('Län', { exact: true }).selectOption({ label: 'Skåne län' });
  await page
    .getByLabel('Tjänst', { exact: true })
    .selectOption({ label: 'Skyddat boende för män' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page).toHaveURL(/county=M/);
  await expect(page).toHaveURL(/service=protected_housing_men/);
  const table = page.getByRole('table', { name: /Organisationer/ });
  await expect(table).toContainText(MALMO);
  await expect(table).toContainText(LUND);
  await expect(table).not.toContainText(STOCKHOLM);
  await expect(table).not.toContainText(POLICE);
  await expectAccessible(page, 'directory, filtered');

  await page.getByRole('link', { name: MALMO }).click();
  await expect(page.getByRole('heading', { level: 1, name: MALMO })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Språk' })).toContainText('Arabiska');
  await expect(page.getByRole('list', { name: 'Tjänster' })).toContainText(
    'Terapi och samtalsstöd',
  );
  const cert = page.getByRole('region', { name: 'Certifiering' });
  await expect(cert.getByText('Organisationen har ingen certifiering')).toBeVisible();
  await expectAccessible(page, 'organisation page (coordinator)');

  // The reason is required; the server says so at the field.
  await cert.getByLabel('Status').selectOption({ label: 'Certifierad' });
  await cert.getByLabel('Certifierad från').fill(isoDay(-300));
  await cert.getByLabel('Certifierad till').fill(isoDay(30));
  await cert.getByLabel('Nästa uppföljning').fill(isoDay(10));
  // Preselected from the profile; the certification covers housing for men and women only.
  await expect(cert.getByLabel('Terapi och samtalsstöd')).toBeChecked();
  await cert.getByLabel('Terapi och samtalsstöd').uncheck();
  await cert.getByRole('button', { name: 'Spara certifieringen' }).click();
  await expect(cert.getByLabel('Skäl till ändringen')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'certification form with an error');

  await cert.getByLabel('Villkor').fill('Återrapportering varje kvartal.');
  await cert.getByLabel('Skäl till ändringen').fill('Granskningen av verksamheten är klar.');
  await cert.getByRole('button', { name: 'Spara certifieringen' }).click();
  await expect(cert.getByText('Certifieringen är sparad.')).toBeVisible();
  await expect(
    cert.getByRole('definition').filter({ hasText: 'Certifierad' }).first(),
  ).toBeVisible();
  const history = cert.getByRole('table', { name: /Ändringar av certifieringen/ });
  await expect(history).toContainText('Granskningen av verksamheten är klar.');
  await expect(history).toContainText(COORDINATOR.name);
  await expectAccessible(page, 'organisation page with a certification');

  // Someone else changes it meanwhile: the stale form is refused with a message, and reloaded.
  await call(page, 'PUT', `/api/organisations/${ids[MALMO]}/certification`, {
    status: 'certified',
    certifiedFrom: isoDay(-300),
    certifiedTo: isoDay(30),
    reviewDate: isoDay(20),
    conditions: 'Återrapportering varje kvartal.',
    services: ['protected_housing_men', 'protected_housing_women'],
    reason: 'Uppföljningen flyttad.',
    expectedVersion: 1,
  });
  await cert.getByLabel('Skäl till ändringen').fill('Ett försök med gammal version.');
  await cert.getByRole('button', { name: 'Spara certifieringen' }).click();
  await expect(cert.getByRole('alert')).toContainText(
    'Uppgifterna har ändrats av någon annan. Ladda om och försök igen.',
  );
  await expect(history).toContainText('Uppföljningen flyttad.');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expectAccessible(page, 'certification conflict');
});

test('certification documents are uploaded, downloaded and removed after a confirmation', async () => {
  const { page } = coordinator;
  const cert = page.getByRole('region', { name: 'Certifiering' });
  await cert.getByLabel('Ladda upp ett dokument').setInputFiles({
    name: 'granskning.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  await cert.getByRole('button', { name: 'Ladda upp', exact: true }).click();
  await expect(cert.getByText('granskning.png är uppladdad.')).toBeVisible();
  const docs = cert.getByRole('table', { name: /Dokument för certifieringen/ });
  await expect(docs).toContainText('granskning.png');

  // A file that is not a document is refused by its content.
  await cert.getByLabel('Ladda upp ett dokument').setInputFiles({
    name: 'skript.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('#!/bin/sh\necho hej\n'),
  });
  await cert.getByRole('button', { name: 'Ladda upp', exact: true }).click();
  await expect(cert.getByText('Filtypen stöds inte.', { exact: false })).toBeVisible();
  await expectAccessible(page, 'documents with an upload error');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    docs.getByRole('link', { name: 'granskning.png' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('granskning.png');
  expect(
    fs
      .readFileSync(await download.path())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');

  await docs.getByRole('button', { name: 'Ta bort granskning.png' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ta bort granskning.png?' });
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'remove document dialog');
  await dialog.getByRole('button', { name: 'Ta bort', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(cert.getByText('granskning.png är borttagen.')).toBeVisible();
  await expect(cert.getByText('Inga dokument uppladdade.')).toBeVisible();
});

test('the coordinator finds the certified NGO first under "Who can help?"', async () => {
  const { page } = coordinator;
  await nav(page, 'Vem kan hjälpa?');
  await expect(page.getByRole('heading', { level: 1, name: 'Vem kan hjälpa?' })).toBeVisible();
  // The coordinator's organisation works nationwide: no county is chosen in advance.
  await expect(page.getByRole('heading', { name: 'Vad behöver personen?' })).toBeVisible();
  await expectAccessible(page, 'who can help, start');

  // From home: the need, then the county (two clicks here too).
  await nav(page, 'Start');
  await page
    .getByRole('list', { name: 'Vanliga behov' })
    .getByRole('link', { name: 'Skyddat boende för män', exact: true })
    .click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'I vilket län behövs Skyddat boende för män?' }),
  ).toBeVisible();
  await expectAccessible(page, 'who can help, choosing the county');
  await page
    .getByRole('navigation', { name: 'Län', exact: true })
    .getByRole('link', { name: 'Skåne län' })
    .click();

  const form = page.getByRole('search', { name: 'Sök hjälp' });
  await form.getByLabel('Behov').selectOption({ label: 'Skyddat boende för män' });
  await form.getByLabel('Län', { exact: true }).selectOption({ label: 'Skåne län' });
  await form.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Skyddat boende för män i Skåne län' }),
  ).toBeVisible();
  const results = page.getByRole('list', { name: 'Skyddat boende för män i Skåne län' });
  const items = results.getByRole('listitem');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText(MALMO);
  await expect(items.nth(0)).toContainText('Certifierad för detta');
  await expect(items.nth(0).getByRole('link', { name: '+4640123456' })).toBeVisible();
  await expect(items.nth(1)).toContainText(LUND);
  await expect(items.nth(1)).not.toContainText('Certifierad för detta');
  await expect(items.nth(2)).toContainText(NATIONAL);
  await expect(items.nth(2)).toContainText('Hela landet');
  await expect(
    page.getByRole('status').filter({ hasText: 'organisationer kan hjälpa' }),
  ).toHaveText('3 organisationer kan hjälpa, 1 av dem certifierade för detta.');
  await expectAccessible(page, 'who can help, results');

  // A certification for housing for men does not count for other needs.
  await form.getByLabel('Behov').selectOption({ label: 'Terapi och samtalsstöd' });
  await form.getByRole('button', { name: 'Sök', exact: true }).click();
  const therapy = page.getByRole('list', { name: 'Terapi och samtalsstöd i Skåne län' });
  await expect(therapy.getByRole('listitem')).toHaveCount(1);
  await expect(therapy).toContainText('Certifierad för andra insatser');
});

test('certifications: the list, the 60-day view, and the count on home', async () => {
  const { page } = coordinator;
  await nav(page, 'Certifieringar');
  const table = page.getByRole('table', { name: /Certifieringar/ });
  await expect(table).toContainText(MALMO);
  await expectAccessible(page, 'certifications');

  await page.getByLabel('Visa').selectOption({ label: 'Löper ut inom 60 dagar' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page).toHaveURL(/expiringWithinDays=60/);
  const expiring = page.getByRole('table', { name: /Löper ut inom 60 dagar/ });
  const row = expiring.getByRole('row').filter({ hasText: MALMO });
  // Days left (the fifth column): 30, give or take a day around midnight.
  await expect(row.getByRole('cell').nth(4)).toHaveText(/^(29|30|31)$/);
  await expectAccessible(page, 'certifications expiring within 60 days');

  await page.getByLabel('Status').selectOption({ label: 'Ansökt' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByText('Ingen certifiering löper ut inom 60 dagar.')).toBeVisible();

  await nav(page, 'Start');
  const stat = page.getByRole('link', { name: /certifiering löper ut inom 60 dagar/ });
  await expect(stat).toContainText('1');
  await stat.click();
  await expect(page.getByRole('table', { name: /Löper ut inom 60 dagar/ })).toContainText(MALMO);
});

test('the service catalogue: add, rename and retire a service', async () => {
  const { page } = coordinator;
  await nav(page, 'Tjänstekatalog');
  await expect(page.getByRole('table', { name: /Tjänster/ })).toContainText(
    'Skyddat boende för män',
  );
  await expectAccessible(page, 'service catalogue');

  const add = page.getByRole('region', { name: 'Lägg till tjänst' });
  await add.getByLabel('Kod').fill('Fel Kod!');
  await add.getByLabel('Namn på svenska').fill('Kamratstöd');
  await add.getByLabel('Namn på engelska').fill('Peer support');
  await add.getByRole('button', { name: 'Lägg till tjänsten' }).click();
  await expect(add.getByLabel('Kod')).toHaveAttribute('aria-invalid', 'true');
  await add.getByLabel('Kod').fill('peer_support');
  await add.getByRole('button', { name: 'Lägg till tjänsten' }).click();
  await expect(page.getByText('Kamratstöd är tillagd i katalogen.')).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'peer_support' });
  await expect(row).toContainText('I bruk');

  await row.getByRole('button', { name: 'Byt namn på Kamratstöd' }).click();
  const rename = page.getByRole('dialog', { name: 'Byt namn på Kamratstöd' });
  await expect(rename.getByLabel('Namn på svenska')).toBeFocused();
  await expectAccessible(page, 'rename service dialog');
  await rename.getByLabel('Namn på svenska').fill('Kamratstöd och mentorer');
  await rename.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(rename).toBeHidden();
  await expect(page.getByText('Kamratstöd och mentorer är sparad.')).toBeVisible();

  await row.getByRole('button', { name: 'Avveckla Kamratstöd och mentorer' }).click();
  const retire = page.getByRole('dialog', { name: 'Avveckla Kamratstöd och mentorer?' });
  await expectAccessible(page, 'retire service dialog');
  await retire.getByRole('button', { name: 'Avveckla', exact: true }).click();
  await expect(page.getByText('Kamratstöd och mentorer är avvecklad.')).toBeVisible();
  await expect(row).toContainText('Avvecklad');
  await expect(
    row.getByRole('button', { name: 'Återinför Kamratstöd och mentorer' }),
  ).toBeVisible();
});

test('contact persons: add with a field error, edit, search, export and remove', async () => {
  const { page } = coordinator;
  await page.goto(`/organisations/${ids[MALMO]}`);
  const contacts = page.getByRole('region', { name: 'Kontaktpersoner' });
  await expect(contacts.getByText('Organisationen har inga kontaktpersoner ännu.')).toBeVisible();
  await contacts.getByRole('link', { name: 'Lägg till kontaktperson' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny kontaktperson' })).toBeVisible();
  await expect(page.getByLabel('Organisation').locator('option:checked')).toHaveText(MALMO);
  await expectAccessible(page, 'contact create');

  await page.getByLabel('Namn', { exact: true }).fill('Sara Lind');
  await page.getByLabel('Titel').fill('Verksamhetsledare');
  await page.getByLabel('E-post').fill('sara.lind@boende-malmo.example.org');
  await page.getByLabel('Telefon').fill('070 123');
  await page.getByLabel('Kontaktperson för människohandel').check();
  await page.getByLabel('Uppdraget börjar').fill(isoDay(-100));
  await page.getByRole('button', { name: 'Lägg till kontaktpersonen' }).click();
  await expect(page.getByText('Ange numret i internationellt format')).toBeVisible();
  await expect(page.getByLabel('Telefon')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'contact create with an error');
  await page.getByLabel('Telefon').fill('+46 70 123 45 67');
  await page.getByRole('button', { name: 'Lägg till kontaktpersonen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sara Lind' })).toBeVisible();
  await expect(page.getByText('Kontaktpersonen är tillagd.')).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: '+46701234567' })).toBeVisible();
  await expectAccessible(page, 'contact page');

  const edit = page.getByRole('region', { name: 'Ändra uppgifter' });
  await edit.getByLabel('Regional samordnare').check();
  await edit.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByText('Ändringarna är sparade.')).toBeVisible();
  await expect(
    page.getByRole('definition').filter({ hasText: 'Regional samordnare' }),
  ).toBeVisible();
  ids.sara = page.url().split('/').pop() ?? '';

  // Search, then export what is shown.
  await nav(page, 'Kontaktpersoner');
  await page.getByLabel('Län', { exact: true }).selectOption({ label: 'Skåne län' });
  await page.getByLabel('Roll').selectOption({ label: 'Regional samordnare' });
  await page.getByLabel('Aktiva').selectOption({ label: 'Bara de som är aktiva i dag' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Kontaktpersoner (1 träff)' })).toContainText(
    'Sara Lind',
  );
  await expectAccessible(page, 'contact persons, filtered');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Exportera CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^slussa-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await downloadedText(csv);
  expect(text).toContain('Sara Lind');
  expect(text).toContain('regional_coordinator');

  // A second person is added and removed again, after a confirmation.
  await page.goto(`/contacts/new?organisationId=${ids[MALMO]}`);
  await page.getByLabel('Namn', { exact: true }).fill('Tillfällig Person');
  await page.getByRole('button', { name: 'Lägg till kontaktpersonen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tillfällig Person' })).toBeVisible();
  await page.getByRole('button', { name: 'Ta bort kontaktpersonen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ta bort Tillfällig Person?' });
  await expectAccessible(page, 'remove contact dialog');
  await dialog.getByRole('button', { name: 'Ta bort kontaktpersonen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: MALMO })).toBeVisible();
  await expect(page.getByText('Kontaktpersonen är borttagen.')).toBeVisible();
  const table = page.getByRole('table', { name: `Kontaktpersoner i ${MALMO}` });
  await expect(table).toContainText('Sara Lind');
  await expect(table).not.toContainText('Tillfällig Person');
});

test('working groups: create one, choose its members, close it', async () => {
  const { page } = coordinator;
  await nav(page, 'Arbetsgrupper');
  await expect(page.getByText('Det finns inga arbetsgrupper här.')).toBeVisible();
  await expectAccessible(page, 'working groups, empty');
  await page.getByRole('link', { name: 'Ny arbetsgrupp' }).click();
  await expectAccessible(page, 'working group create');
  await page.getByLabel('Namn', { exact: true }).fill('Slussa vidare Syd');
  await page.getByLabel('Syfte').selectOption({ label: 'Slussa vidare och stöd' });
  await page.getByLabel('Beskrivning').fill('Samverkan kring skyddat boende i Skåne.');
  await page.getByLabel('Sammankallande organisation').selectOption({ label: MALMO });
  await page.getByLabel('Sammankallande person').selectOption({ label: 'Sara Lind' });
  await page.getByRole('button', { name: 'Skapa arbetsgruppen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Slussa vidare Syd' })).toBeVisible();
  await expect(page.getByText('Arbetsgruppen är skapad.')).toBeVisible();
  await expectAccessible(page, 'working group page');

  const editor = page.getByRole('region', { name: 'Välj deltagare' });
  const orgs = editor.getByRole('group', { name: 'Organisationer' });
  await orgs.getByLabel('Sök organisation').fill('lund');
  await expect(orgs.getByRole('checkbox')).toHaveCount(1);
  await orgs.getByLabel(LUND).check();
  await orgs.getByLabel('Sök organisation').fill('');
  await orgs.getByLabel(MALMO).check();
  await expect(orgs.getByText(`Valda: ${LUND}, ${MALMO}`)).toBeVisible();
  await editor
    .getByRole('group', { name: 'Kontaktpersoner' })
    .getByLabel(/Sara Lind/)
    .check();
  await editor.getByRole('button', { name: 'Spara deltagarna' }).click();
  await expect(page.getByText('Deltagarna är sparade.')).toBeVisible();
  const members = page.getByRole('region', { name: 'Deltagare', exact: true });
  await expect(members).toContainText(LUND);
  await expect(members).toContainText('Sara Lind');
  await expectAccessible(page, 'working group with members');

  // The organisation's page lists the group.
  await page.goto(`/organisations/${ids[LUND]}`);
  await expect(page.getByRole('region', { name: 'Arbetsgrupper' })).toContainText(
    'Slussa vidare Syd',
  );
  await page.getByRole('link', { name: 'Slussa vidare Syd' }).click();

  await page.getByRole('button', { name: 'Avsluta gruppen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Avsluta Slussa vidare Syd?' });
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'close working group dialog');
  await dialog.getByRole('button', { name: 'Avsluta gruppen' }).click();
  await expect(page.getByText('Arbetsgruppen är avslutad.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Öppna gruppen igen' })).toBeVisible();

  await nav(page, 'Arbetsgrupper');
  await expect(page.getByText('Det finns inga arbetsgrupper här.')).toBeVisible();
  await page.getByLabel('Status').selectOption({ label: 'Avslutade' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('table', { name: /Arbetsgrupper/ })).toContainText(
    'Slussa vidare Syd',
  );
  await expectAccessible(page, 'working groups, closed');
});

test('CSV import: a broken file shows its problems and stores nothing; a good file imports', async () => {
  const { page } = coordinator;
  await nav(page, 'Import');
  await expect(page.getByRole('heading', { level: 1, name: 'Import' })).toBeVisible();
  await expectAccessible(page, 'import');

  const [template] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Ladda ned mallen för organisationer (CSV)' }).click(),
  ]);
  expect(template.suggestedFilename()).toBe('slussa-organisations-template.csv');
  expect(await downloadedText(template)).toContain('name');

  const file = page.getByLabel('CSV-fil');
  // Columns that do not exist: the file is refused as a whole.
  await file.setInputFiles({
    name: 'fel-kolumner.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('namn,typ,län\nNågon,ngo,M\n'),
  });
  await page.getByRole('button', { name: 'Kontrollera filen' }).click();
  await expect(page.getByRole('alert')).toContainText('Kolumnen namn: Okänd kolumn.');
  await expect(page.getByRole('alert')).toContainText('Kolumnen name: Kolumnen saknas.');

  const broken = [
    'name;type;county;services;phone',
    'Trasiga föreningen Ett;ngo;M;protected_housing_men;+46 40 11 22 33',
    'Trasiga föreningen Två;xyz;M;;',
    'Trasiga föreningen Tre;ngo;QQ;;',
    'Trasiga föreningen Fyra;ngo;M;flying_carpets;',
    'Trasiga föreningen Fem;ngo;M;;070',
  ].join('\n');
  await file.setInputFiles({
    name: 'trasig.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(broken),
  });
  await page.getByRole('button', { name: 'Kontrollera filen' }).click();
  await expect(page.getByText('Filen har 5 rader.')).toBeVisible();
  const problems = page.getByRole('table', { name: 'Problem i filen' });
  await expect(problems.getByRole('row').filter({ hasText: 'type' })).toContainText('3');
  await expect(problems.getByRole('row').filter({ hasText: 'county' })).toContainText('4');
  const services = problems.getByRole('row').filter({ hasText: 'services' });
  await expect(services).toContainText('5');
  await expect(services).toContainText('Okänd tjänst i katalogen.');
  await expect(problems.getByRole('row').filter({ hasText: 'phone' })).toContainText('6');
  await expect(problems.getByRole('row')).toHaveCount(5);
  await expect(page.getByRole('table', { name: /De första 5 raderna/ })).toContainText(
    'Trasiga föreningen Ett',
  );
  await expect(page.getByRole('button', { name: 'Importera 5 rader' })).toBeDisabled();
  await expectAccessible(page, 'import preview with problems');
  // Nothing was stored, not even the good row.
  const none = await call<{ total: number }>(page, 'GET', '/api/organisations?q=Trasiga');
  expect(none.total).toBe(0);

  const good = [
    'name,type,county,municipality,services,languages,phone,membership',
    'Rosens stödboende,ngo,M,Helsingborg,protected_housing_men|protected_housing_women,sv|ro|bg,+46 42 11 22 33,member',
    'Gryningen Göteborg,faith,O,Göteborg,therapy,sv|en,,none',
  ].join('\n');
  await file.setInputFiles({ name: 'bra.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Kontrollera filen' }).click();
  await expect(page.getByText('Inga problem: alla 2 rader kan importeras.')).toBeVisible();
  await expectAccessible(page, 'import preview without problems');
  await page.getByRole('button', { name: 'Importera 2 rader' }).click();
  await expect(page.getByText('2 organisationer är importerade.')).toBeVisible();
  await page.getByRole('link', { name: 'Visa katalogen' }).click();
  await page.getByLabel('Namn eller kommun').fill('Helsingborg');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Organisationer (1 träff)' })).toContainText(
    'Rosens stödboende',
  );
});

test('export downloads the filtered directory as CSV and Excel', async () => {
  const { page } = coordinator;
  await page.goto('/organisations?county=M&type=ngo');
  await expect(page.getByRole('table', { name: /Organisationer/ })).toContainText(MALMO);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Exportera CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^slussa-organisations-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await downloadedText(csv);
  expect(text).toContain(MALMO);
  expect(text).toContain('Rosens stödboende');
  expect(text).not.toContain(STOCKHOLM);
  expect(text).not.toContain(POLICE);

  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Exportera Excel (XLSX)' }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  expect(
    fs
      .readFileSync(await xlsx.path())
      .subarray(0, 2)
      .toString(),
  ).toBe('PK');
});

test('a case worker finds protected housing for men in Skåne in two clicks from home', async () => {
  const { page } = caseWorker;
  await signIn(page, CASE_WORKER.email, CASE_WORKER.password);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
  await expectAccessible(page, 'case worker home');

  let clicks = 0;
  const click = async (target: ReturnType<Page['getByRole']>) => {
    clicks += 1;
    await target.click();
  };
  // 1: the need, on the home page. The case worker's own county (Stockholm) is chosen already.
  await click(
    page
      .getByRole('list', { name: 'Vanliga behov' })
      .getByRole('link', { name: 'Skyddat boende för män', exact: true }),
  );
  await expect(
    page.getByRole('heading', { level: 2, name: 'Skyddat boende för män i Stockholms län' }),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: /i Stockholms län/ })).toContainText(STOCKHOLM);
  // 2: the county.
  await click(
    page
      .getByRole('navigation', { name: 'Visa i ett annat län' })
      .getByRole('link', { name: 'Skåne län' }),
  );
  const heading = page.getByRole('heading', {
    level: 2,
    name: 'Skyddat boende för män i Skåne län',
  });
  await expect(heading).toBeVisible();
  expect(clicks).toBe(2);

  const items = page
    .getByRole('list', { name: 'Skyddat boende för män i Skåne län' })
    .getByRole('listitem');
  await expect(items.first()).toContainText(MALMO);
  await expect(items.first()).toContainText('Certifierad för detta');
  await expect(
    items.first().getByRole('link', { name: 'info@boende-malmo.example.org' }),
  ).toBeVisible();
  await expect(items.filter({ hasText: NATIONAL })).toContainText('Hela landet');
  await expect(items.filter({ hasText: 'Rosens stödboende' })).toBeVisible();
  // Keyboard users land on the new results.
  await expect(heading).toBeFocused();
  await expect(
    page.getByRole('navigation', { name: 'Visa i ett annat län' }).getByRole('link', {
      name: 'Skåne län',
    }),
  ).toHaveAttribute('aria-current', 'true');
  await expectAccessible(page, 'who can help, case worker');

  // In English the marks read the same way.
  await page.getByRole('button', { name: 'English' }).click();
  const english = 'Protected housing for men in Skåne County';
  await expect(page.getByRole('heading', { level: 2, name: english })).toBeVisible();
  const itemsEn = page.getByRole('list', { name: english }).getByRole('listitem');
  await expect(itemsEn.first()).toContainText('Certified for this');
  await expect(itemsEn.filter({ hasText: NATIONAL })).toContainText('Nationwide');
  await expectAccessible(page, 'who can help in English');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(heading).toBeVisible();
});

test("an NGO user cannot edit another NGO's profile, but edits their own", async () => {
  const { page } = caseWorker;
  await nav(page, 'Katalog');
  await page.getByRole('link', { name: MALMO }).click();
  await expect(page.getByRole('heading', { level: 1, name: MALMO })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ändra profilen' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Lägg till kontaktperson' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Spara certifieringen' })).toHaveCount(0);
  // The status is public; the conditions and the history are not.
  const cert = page.getByRole('region', { name: 'Certifiering' });
  await expect(cert).toContainText('Certifierad');
  await expect(cert).not.toContainText('Återrapportering');
  await expect(cert.getByRole('table')).toHaveCount(0);
  await expectAccessible(page, 'another organisation, seen by an NGO user');

  await page.goto(`/organisations/${ids[MALMO]}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' })).toBeVisible();
  await page.goto(`/contacts/${ids.sara}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sara Lind' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ta bort kontaktpersonen' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Ändra uppgifter' })).toHaveCount(0);
  await page.goto('/import');
  await expect(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' })).toBeVisible();

  // Their own organisation: the profile can be edited (membership is the platform's to decide).
  await page.goto(`/organisations/${ids[STOCKHOLM]}`);
  await page.getByRole('link', { name: 'Ändra profilen' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: `Ändra profilen för ${STOCKHOLM}` }),
  ).toBeVisible();
  await expect(page.getByLabel('Medlemskap')).toHaveCount(0);
  await expectAccessible(page, 'own organisation profile form');
  const languages = page.getByRole('main').getByRole('group', { name: 'Språk' });
  await languages.getByLabel('Sök bland språken').fill('rum');
  await languages.getByLabel('Rumänska').check();
  await languages.getByLabel('Sök bland språken').fill('tigr');
  await languages.getByLabel('Tigrinja').check();
  await expect(languages.getByText('Valda: Rumänska, Tigrinja')).toBeVisible();
  await page.getByLabel('Telefon').fill('+46 8 123 456 78');
  await page.getByLabel('Webbplats').fill('inte en adress');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByText('Ange en webbadress som börjar med https://.')).toBeVisible();
  await expectAccessible(page, 'own organisation profile form with an error');
  await page.getByLabel('Webbplats').fill('https://stodcentrum.example.org');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: STOCKHOLM })).toBeVisible();
  await expect(page.getByText('Ändringarna är sparade.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Språk' })).toContainText('Rumänska');
  await expect(page.getByRole('list', { name: 'Språk' })).toContainText('Tigrinja');
  await expect(page.getByRole('definition').filter({ hasText: '+46812345678' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lägg till kontaktperson' })).toBeVisible();
  await expectAccessible(page, 'own organisation page');
});
