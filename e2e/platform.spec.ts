import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  adminEmail,
  expectAccessible,
  linkFromMail,
  openPage,
  totpCode,
  welcomeLink,
} from './helpers.js';

/*
 * The platform foundation end to end, in Swedish (the default) with one trip
 * to English: first run, two-factor, organisations, users, audit log, outbox,
 * profile, an invited user, and password reset. The steps build on each other.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Blåbärssoppa vid Vasaloppet 2026';
const USER_PASSWORD = 'Sju sjösjuka sjömän på Stora Nygatan';
const USER_NEW_PASSWORD = 'Tretton tranor över Hornborgasjön';
const ORG_NAME = 'Skyddat boende Syd';
const ORG_NEW_NAME = 'Skyddat boende Syd i Malmö';
const USER_NAME = 'Anna Andersson';
const USER_EMAIL = 'anna.andersson@example.org';

interface Opened {
  context: BrowserContext;
  page: Page;
  cspViolations: string[];
}

let admin: Opened;
const others: Opened[] = [];
let totpSecret = '';
let invitationLink = '';
let recoveryCode = '';

test.beforeAll(async ({ browser }) => {
  expect(welcomeLink, 'E2E_WELCOME_LINK from e2e/run.mjs').toMatch(/\/welcome#token=/);
  admin = await openPage(browser);
});

test.afterEach(() => {
  for (const o of [admin, ...others]) expect(o.cspViolations, 'CSP violations').toEqual([]);
});

test.afterAll(async () => {
  for (const o of [admin, ...others]) await o.context.close();
});

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Logga ut', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('Du är utloggad.')).toBeVisible();
}

async function nav(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name, exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

test('the first administrator sets a password, enrols two-factor and reaches home', async () => {
  const { page } = admin;
  await page.goto(welcomeLink);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Välkommen till Slussa' }),
  ).toBeVisible();
  // The token is read from the fragment and then taken out of the address.
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expectAccessible(page, 'welcome (set password)');

  // A short password: the server's translated message sits at the field.
  const password = page.getByLabel('Nytt lösenord');
  await password.fill('för kort');
  await page.getByLabel('Upprepa lösenordet').fill('för kort');
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Lösenordet måste ha minst 12 tecken.')).toBeVisible();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toContainText('Kontrollera de markerade fälten.');
  await expectAccessible(page, 'welcome with a field error');

  await password.fill(ADMIN_PASSWORD);
  await page.getByLabel('Upprepa lösenordet').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();
  await expectAccessible(page, 'sign-in');

  await signIn(page, adminEmail, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Aktivera tvåstegsverifiering' }),
  ).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR-kod för autentiseringsappen' })).toBeVisible();
  await expectAccessible(page, 'two-factor enrolment');

  // "Scan": the key shown for manual entry is what the QR code holds.
  totpSecret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  expect(totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByLabel('Sexsiffrig kod').fill(await totpCode(totpSecret));
  await page.getByRole('button', { name: 'Aktivera', exact: true }).click();

  await expect(
    page.getByRole('heading', { level: 1, name: 'Spara dina reservkoder' }),
  ).toBeVisible();
  await expect(page.getByText('Spara koderna nu. De visas bara den här gången.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Reservkoder' }).getByRole('listitem')).toHaveCount(
    10,
  );
  await expectAccessible(page, 'recovery codes');
  await page.getByRole('button', { name: 'Jag har sparat koderna – fortsätt' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Överblick' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Aktiva användare/ })).toContainText('1');
  // The administrator's menu.
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  for (const item of ['Start', 'Katalog', 'Användare', 'Händelselogg', 'Utkorg']) {
    await expect(menu.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await expectAccessible(page, 'administrator home');
});

test('the administrator creates and edits an organisation', async () => {
  const { page } = admin;
  await nav(page, 'Katalog');
  await expect(page.getByRole('table', { name: /Organisationer/ })).toContainText('Slussa');
  await expectAccessible(page, 'organisations list');

  await page.getByRole('link', { name: 'Ny organisation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny organisation' })).toBeVisible();
  await expectAccessible(page, 'organisation create');

  // Nothing filled in: every field says what is wrong.
  await page.getByRole('button', { name: 'Skapa organisationen' }).click();
  await expect(page.getByRole('alert')).toContainText('Kontrollera de markerade fälten.');
  await expect(page.getByLabel('Namn', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'organisation create with errors');

  await page.getByLabel('Namn', { exact: true }).fill(ORG_NAME);
  await page.getByLabel('Typ', { exact: true }).selectOption({ label: 'Idéburen organisation' });
  await page.getByLabel('Län', { exact: true }).selectOption({ label: 'Skåne län' });
  await page.getByRole('button', { name: 'Skapa organisationen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: ORG_NAME })).toBeVisible();
  await expect(page.getByText('Organisationen är skapad.')).toBeVisible();
  await expect(page.getByText('Organisationen har inga aktiva användare ännu.')).toBeVisible();
  await expectAccessible(page, 'organisation edit');

  await page.getByRole('link', { name: 'Ändra profilen' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: `Ändra profilen för ${ORG_NAME}` }),
  ).toBeVisible();
  await page.getByLabel('Namn', { exact: true }).fill(ORG_NEW_NAME);
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByText('Ändringarna är sparade.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: ORG_NEW_NAME })).toBeVisible();

  // The list filters by county.
  await nav(page, 'Katalog');
  await page.getByLabel('Län', { exact: true }).selectOption({ label: 'Skåne län' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page).toHaveURL(/county=M/);
  const table = page.getByRole('table', { name: /Organisationer/ });
  await expect(table).toContainText(ORG_NEW_NAME);
  await expect(table).not.toContainText('Slussa');
  await expectAccessible(page, 'organisations list, filtered');
});

test('the administrator creates a user in the organisation and manages the account', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: ORG_NEW_NAME }).click();
  await page.getByRole('link', { name: 'Lägg till användare i organisationen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny användare' })).toBeVisible();
  await expect(page.getByLabel('Organisation')).toHaveValue(/.+/);
  await expect(page.getByLabel('Organisation').locator('option:checked')).toHaveText(ORG_NEW_NAME);
  await expectAccessible(page, 'user create');

  await page.getByLabel('E-postadress').fill(USER_EMAIL);
  await page.getByLabel('Namn', { exact: true }).fill(USER_NAME);
  await page.getByLabel('Roll').selectOption({ label: 'Personal hos aktör' });
  await page.getByRole('button', { name: 'Skapa och skicka inbjudan' }).click();
  await expect(page.getByRole('heading', { level: 1, name: USER_NAME })).toBeVisible();
  await expect(
    page.getByText('Användaren är skapad och en inbjudan ligger i utkorgen.'),
  ).toBeVisible();
  await expectAccessible(page, 'user edit');

  // A destructive action asks first; Escape cancels.
  await page.getByRole('button', { name: 'Logga ut överallt' }).click();
  const dialog = page.getByRole('dialog', { name: `Logga ut ${USER_NAME} överallt?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'confirmation dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'Stäng av kontot' }).click();
  const disable = page.getByRole('dialog', { name: `Stänga av kontot för ${USER_NAME}?` });
  await disable.getByRole('button', { name: 'Stäng av kontot' }).click();
  await expect(page.getByText('Kontot är avstängt.')).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'Avstängd' })).toBeVisible();

  await page.getByRole('button', { name: 'Aktivera kontot' }).click();
  await expect(page.getByText('Kontot är aktiverat.')).toBeVisible();

  await page.getByRole('button', { name: 'Skicka inbjudan igen' }).click();
  await expect(page.getByText('En ny inbjudan ligger i utkorgen.')).toBeVisible();

  // Edit: the role changes.
  await page.getByLabel('Roll').selectOption({ label: 'Medlem' });
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByText('Ändringarna är sparade.')).toBeVisible();
  await page.getByLabel('Roll').selectOption({ label: 'Personal hos aktör' });
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(
    page.getByRole('definition').filter({ hasText: 'Personal hos aktör' }),
  ).toBeVisible();

  await nav(page, 'Användare');
  await expect(page.getByRole('table', { name: /Användare/ })).toContainText(USER_EMAIL);
  await page.getByLabel('Namn eller e-post').fill('anna');
  await page.getByLabel('Status').selectOption({ label: 'Inbjuden' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Användare (1 träff)' })).toContainText(USER_NAME);
  await expectAccessible(page, 'users list, filtered');
  await page.getByLabel('Namn eller e-post').fill('finns-inte');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByText('Inga användare matchar filtret.')).toBeVisible();
});

test('the audit log shows and verifies the events; the outbox holds the invitation', async () => {
  const { page } = admin;
  await nav(page, 'Händelselogg');
  await expect(page.getByRole('table', { name: 'Senaste händelserna' })).toBeVisible();
  await expectAccessible(page, 'audit log');
  await page.getByRole('button', { name: 'Kontrollera kedjan' }).click();
  await expect(page.getByText(/Kedjan är obruten: \d+ händelser kontrollerade\./)).toBeVisible();

  await page.getByLabel('Händelse', { exact: true }).fill('user.created');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  const events = page.getByRole('table', { name: 'Senaste händelserna' });
  await expect(events.getByRole('row')).toHaveCount(2);
  await expect(events).toContainText('Användare skapades');
  await expectAccessible(page, 'audit log, filtered');

  await nav(page, 'Utkorg');
  await expect(
    page.getByText('Ingen e-postserver är konfigurerad.', { exact: false }),
  ).toBeVisible();
  const mail = page.getByRole('table', { name: /E-post/ });
  await expect(mail.getByRole('row').filter({ hasText: USER_EMAIL })).toHaveCount(2);
  await expectAccessible(page, 'outbox list');

  // The newest invitation (the resent one) is the first row.
  await mail
    .getByRole('row')
    .filter({ hasText: USER_EMAIL })
    .first()
    .getByRole('link', { name: 'Välkommen till Slussa' })
    .click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Välkommen till Slussa' }),
  ).toBeVisible();
  const body = (await page.locator('pre.mail-body').textContent()) ?? '';
  expect(body).toContain(`Hej ${USER_NAME}`);
  invitationLink = linkFromMail(body, 'welcome');
  await expectAccessible(page, 'outbox message');
});

test('the interface switches to English and back, and the choice is saved', async () => {
  const { page } = admin;
  await nav(page, 'Start');
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH' && r.ok(),
  );
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toContainText('Audit log');
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await saved;
  const session = await page.request.get('/api/auth/session');
  expect(((await session.json()) as { user: { locale: string } }).user.locale).toBe('en');
  await expectAccessible(page, 'home in English');

  // Remembered on this device.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  // Server messages follow the interface language.
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await page.getByLabel('Event', { exact: true }).fill('Not An Action');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Please check the highlighted fields.');

  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page.getByRole('heading', { level: 1, name: 'Händelselogg' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toContainText('Utkorg');
  await expect
    .poll(async () => {
      const res = await page.request.get('/api/auth/session');
      return ((await res.json()) as { user: { locale: string } }).user.locale;
    })
    .toBe('sv');
});

test('the profile page changes the name and creates new recovery codes', async () => {
  const { page } = admin;
  await nav(page, 'Profil och säkerhet');
  await expect(page.getByText('Tvåstegsverifiering är aktiverad för ditt konto.')).toBeVisible();
  await expect(page.getByText('Din roll kräver tvåstegsverifiering')).toBeVisible();
  await expectAccessible(page, 'profile and security');

  await page.getByLabel('Namn', { exact: true }).fill('Ada Administratör');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByText('Ändringarna är sparade.')).toBeVisible();
  await expect(page.getByText('Inloggad som Ada Administratör')).toBeVisible();

  await page.getByRole('button', { name: 'Skapa nya reservkoder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Skapa nya reservkoder?' });
  await expect(dialog.getByLabel('Nuvarande lösenord')).toBeFocused();
  await dialog.getByLabel('Nuvarande lösenord').fill('fel lösenord här');
  await dialog.getByRole('button', { name: 'Skapa nya koder' }).click();
  await expect(dialog.getByText('Ogiltigt värde.')).toBeVisible();
  await expectAccessible(page, 'password confirmation dialog with an error');
  await dialog.getByLabel('Nuvarande lösenord').fill(ADMIN_PASSWORD);
  await dialog.getByRole('button', { name: 'Skapa nya koder' }).click();
  await expect(dialog).toBeHidden();
  const codes = page.getByRole('list', { name: 'Reservkoder' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  recoveryCode = ((await codes.first().textContent()) ?? '').trim();
  expect(recoveryCode).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await page.getByRole('button', { name: 'Jag har sparat koderna – fortsätt' }).click();
  await expect(page.getByRole('button', { name: 'Skapa nya reservkoder' })).toBeVisible();

  await signOut(page);
});

test('sign-in with two-factor: a wrong code is refused, a recovery code works', async () => {
  const { page } = admin;
  await signIn(page, adminEmail, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/two-factor$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tvåstegsverifiering' })).toBeVisible();
  await expectAccessible(page, 'two-factor verification');

  await page.getByLabel('Sexsiffrig kod').fill('000000');
  await page.getByRole('button', { name: 'Verifiera' }).click();
  await expect(page.getByRole('alert')).toContainText('Koden stämmer inte. Försök igen.');

  await page.getByRole('button', { name: 'Använd en reservkod i stället' }).click();
  await expect(page.getByLabel('Reservkod')).toBeVisible();
  await expectAccessible(page, 'two-factor verification with a recovery code');
  await page.getByLabel('Reservkod').fill(recoveryCode);
  await page.getByRole('button', { name: 'Verifiera' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
});

test('an ended session sends the person to sign in, and keyboard-only sign-in returns them', async () => {
  const { page, context } = admin;
  // The session ends behind the page's back (as after the idle time-out).
  await context.clearCookies();
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name: 'Användare' })
    .click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(
    page.getByText('Din session har gått ut. Logga in igen för att fortsätta.'),
  ).toBeVisible();

  // From here on only the keyboard: Tab to the fields, type, Enter.
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el instanceof HTMLInputElement ? el.name : (el?.tagName ?? '');
    });
  for (let i = 0; i < 15 && (await focused()) !== 'email'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('email');
  await page.keyboard.type(adminEmail);
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('password');
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Tvåstegsverifiering' })).toBeVisible();
  for (let i = 0; i < 15 && (await focused()) !== 'code'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('code');
  await page.keyboard.type(await totpCode(totpSecret));
  await page.keyboard.press('Enter');

  // Back where the session ended.
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Användare' })).toBeVisible();
  await signOut(page);
});

test('the invited user chooses a password and signs in to their home page', async ({ browser }) => {
  const user = await openPage(browser);
  others.push(user);
  const { page } = user;
  await page.goto(invitationLink);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Välkommen till Slussa' }),
  ).toBeVisible();
  await page.getByLabel('Nytt lösenord').fill(USER_PASSWORD);
  await page.getByLabel('Upprepa lösenordet').fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();

  // Support actor staff need no second factor.
  await signIn(page, USER_EMAIL, USER_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Din organisation' })).toBeVisible();
  await expect(page.getByText(ORG_NEW_NAME)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Kollegor i din organisation' })).toContainText(
    USER_NAME,
  );
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(menu.getByRole('link', { name: 'Katalog', exact: true })).toBeVisible();
  for (const adminOnly of ['Användare', 'Händelselogg', 'Utkorg']) {
    await expect(menu.getByRole('link', { name: adminOnly, exact: true })).toHaveCount(0);
  }
  await expectAccessible(page, 'support actor home');

  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Ingen behörighet' })).toBeVisible();

  // Optional two-factor: turn it on from the profile, then off again.
  await page.goto('/profile');
  await expect(page.getByText('Tvåstegsverifiering är inte aktiverad.')).toBeVisible();
  await expectAccessible(page, 'profile of a support actor');
  await page.getByRole('button', { name: 'Aktivera tvåstegsverifiering' }).click();
  const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  await page.getByLabel('Sexsiffrig kod').fill(await totpCode(secret));
  await page.getByRole('button', { name: 'Aktivera', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Reservkoder' }).getByRole('listitem')).toHaveCount(
    10,
  );
  await page.getByRole('button', { name: 'Jag har sparat koderna – fortsätt' }).click();
  await expect(page.getByText('Tvåstegsverifiering är aktiverad för ditt konto.')).toBeVisible();
  await page.getByRole('button', { name: 'Stäng av tvåstegsverifiering' }).click();
  const dialog = page.getByRole('dialog', { name: 'Stänga av tvåstegsverifiering?' });
  await dialog.getByLabel('Nuvarande lösenord').fill(USER_PASSWORD);
  await dialog.getByRole('button', { name: 'Stäng av', exact: true }).click();
  await expect(page.getByText('Tvåstegsverifieringen är avstängd.')).toBeVisible();
  await expect(page.getByText('Tvåstegsverifiering är inte aktiverad.')).toBeVisible();

  await signOut(page);
});

test('a forgotten password is reset through the e-mailed link', async ({ browser }) => {
  const visitor = await openPage(browser);
  others.push(visitor);
  const { page } = visitor;
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Hoppa till innehållet' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  await page.getByRole('link', { name: 'Glömt lösenordet?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Glömt lösenordet' })).toBeVisible();
  await expectAccessible(page, 'password reset request');
  await page.getByLabel('E-postadress').fill(USER_EMAIL);
  await page.getByRole('button', { name: 'Skicka länk' }).click();
  await expect(page.getByText('Om det finns ett konto med den e-postadressen')).toBeVisible();
  await expectAccessible(page, 'password reset requested');

  // The administrator passes the link on (no mail server here).
  const adminPage = admin.page;
  await signIn(adminPage, adminEmail, ADMIN_PASSWORD);
  await adminPage.getByLabel('Sexsiffrig kod').fill(await totpCode(totpSecret));
  await adminPage.getByRole('button', { name: 'Verifiera' }).click();
  await expect(adminPage.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
  await nav(adminPage, 'Utkorg');
  await adminPage.getByRole('link', { name: 'Återställ ditt lösenord i Slussa' }).first().click();
  const body = (await adminPage.locator('pre.mail-body').textContent()) ?? '';
  const resetLink = linkFromMail(body, 'reset-password');

  await page.goto(resetLink);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Välj ett nytt lösenord' }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/reset-password$/);
  await expectAccessible(page, 'reset password');
  await page.getByLabel('Nytt lösenord').fill(USER_NEW_PASSWORD);
  await page.getByLabel('Upprepa lösenordet').fill('något helt annat här');
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Lösenorden är inte likadana.')).toBeVisible();
  await page.getByLabel('Upprepa lösenordet').fill(USER_NEW_PASSWORD);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();
  await signIn(page, USER_EMAIL, USER_NEW_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();

  // Changing the password from the profile, then signing out everywhere.
  await nav(page, 'Profil och säkerhet');
  const change = page.getByRole('region', { name: 'Byt lösenord' });
  await change.getByLabel('Nuvarande lösenord').fill(USER_NEW_PASSWORD);
  await change.getByLabel('Nytt lösenord', { exact: true }).fill(USER_PASSWORD);
  await change.getByLabel('Upprepa det nya lösenordet').fill(USER_PASSWORD);
  await change.getByRole('button', { name: 'Byt lösenord' }).click();
  await expect(page.getByText('Lösenordet är bytt.')).toBeVisible();

  await page.getByRole('button', { name: 'Logga ut överallt' }).click();
  const dialog = page.getByRole('dialog', { name: 'Logga ut överallt?' });
  await dialog.getByRole('button', { name: 'Logga ut överallt' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('Du är utloggad på alla enheter.')).toBeVisible();
  await signIn(page, USER_EMAIL, USER_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
});
