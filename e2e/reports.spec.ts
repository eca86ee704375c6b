import { expect, test, type Locator, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { pdfText } from '../test/pdf-text.js';
import {
  adminEmail,
  apiCall,
  enrolTwoFactor,
  expectAccessible,
  inviteThroughOutbox,
  openPage,
  signInWith,
} from './helpers.js';

/*
 * The period report end to end, on its own server and database (see run.mjs),
 * in Swedish: the administrator sets up a certified NGO with a case worker, a
 * member organisation with a member, and a coordinator; the case worker
 * creates five cases with known backgrounds and applies for their admission;
 * the coordinator plans a budget period, moves money between posts and
 * decides four of the applications (three granted, one denied). The
 * coordinator then opens the period report: the internal version shows the
 * figures and the denied decision's case code, its notes a page at a time; the
 * publishable version (chosen with the keyboard only) has no case code and
 * hides the small counts; a threshold of 3 publishes the three women; a
 * threshold below 3 and a reversed range get the server's messages; a range
 * without data shows the empty state. A page of notes past the last (from an
 * address) says so and its Previous button leads back, with the keyboard.
 * The XLSX and PDF files of both versions open and hold the figures. The
 * member sees only the publishable version, and an address asking for the
 * internal one is refused with a message. axe checks every state; no CSP
 * violation is allowed anywhere.
 */
test.describe.configure({ mode: 'serial' });

/** This spec's own server and its first-run link (from run.mjs). */
const reportsBaseURL = process.env.E2E_REPORTS_BASE_URL ?? '';
const reportsWelcomeLink = process.env.E2E_REPORTS_WELCOME_LINK ?? '';

type Opened = Awaited<ReturnType<typeof openPage>>;

const ADMIN_PASSWORD = 'Lingon och blåbär i Hälsingland';
const ACTOR = {
  email: 'vera.vaken@example.org',
  name: 'Vera Vaken',
  password: 'Sju sjungande sjömän i Sundsvall',
};
const COORDINATOR = {
  email: 'rut.rapport@example.org',
  name: 'Rut Rapport',
  password: 'Nio nyfikna nötskrikor i Norrland',
};
const MEMBER = {
  email: 'mats.medlem@example.org',
  name: 'Mats Medlem',
  password: 'Tolv tysta tranor vid Tåkern',
};
const PERIOD = 'Stödprogrammet 2026';
const DENIAL = 'Underlaget visar inte att personen har utsatts för människohandel.';

/** A date `days` from today, as YYYY-MM-DD. */
function isoDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** An amount as the Swedish interface shows it: "62 400 kr" (any space). */
function kr(amount: string): RegExp {
  const grouped = amount.replace(/\B(?=(\d{3})+(?!\d))/g, '\\s?');
  return new RegExp(`(^|[^\\d])${grouped}\\s?kr`);
}

let admin: Opened;
let actor: Opened;
let coordinator: Opened;
let member: Opened;
/** Case codes by the name the spec gives the person. */
const codes: Record<string, string> = {};

test.beforeAll(async ({ browser }) => {
  expect(reportsWelcomeLink, 'E2E_REPORTS_WELCOME_LINK from e2e/run.mjs').toMatch(
    /\/welcome#token=/,
  );
  admin = await openPage(browser, reportsBaseURL);
  actor = await openPage(browser, reportsBaseURL);
  coordinator = await openPage(browser, reportsBaseURL);
  member = await openPage(browser, reportsBaseURL);
});

test.afterEach(() => {
  for (const o of [admin, actor, coordinator, member])
    expect(o.cspViolations, 'CSP violations').toEqual([]);
});

test.afterAll(async () => {
  for (const o of [admin, actor, coordinator, member]) await o.context.close();
});

/** A table's row by its heading cell, and its cells (the row heading left out). */
function row(table: Locator, heading: string): Locator {
  return table
    .getByRole('row')
    .filter({ has: table.page().getByRole('rowheader', { name: heading, exact: true }) });
}

/** Every cell of every sheet as text, one string per row (cells joined by tabs). */
async function workbookRows(bytes: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const rows: string[] = [];
  for (const sheet of wb.worksheets)
    sheet.eachRow((r) => {
      const values = Array.isArray(r.values) ? r.values.slice(1) : [];
      rows.push(
        Array.from(values, (v) => (v === null || v === undefined ? '' : String(v))).join('\t'),
      );
    });
  return rows;
}

/** Downloads the file behind one of the report's links, with the page's session. */
async function download(
  page: Page,
  group: string,
  link: string,
  lang: 'sv' | 'en' = 'sv',
): Promise<Buffer> {
  const href =
    (await page
      .getByRole('group', { name: group })
      .getByRole('link', { name: link })
      .getAttribute('href')) ?? '';
  // The address carries the range, the version, the threshold, the format and the language only.
  const params = new URL(href, reportsBaseURL).searchParams;
  const keys = [...params.keys()].sort();
  expect(
    keys.every((k) => ['format', 'from', 'lang', 'threshold', 'to', 'version'].includes(k)),
  ).toBe(true);
  // The file's language is the interface's, asked for in the link, whatever the browser's.
  expect(params.get('lang')).toBe(lang);
  const res = await page.request.get(href, {
    headers: { 'Accept-Language': lang === 'sv' ? 'en' : 'sv' },
  });
  expect(res.status(), `${link}: ${href}`).toBe(200);
  expect(res.headers()['content-disposition'] ?? '').toContain('attachment');
  return res.body();
}

test('set-up: an NGO with a case worker, a member organisation with a member, and a coordinator', async () => {
  const { page } = admin;
  await page.goto(reportsWelcomeLink);
  await page.getByLabel('Nytt lösenord').fill(ADMIN_PASSWORD);
  await page.getByLabel('Upprepa lösenordet').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page.getByText('Ditt lösenord är sparat.')).toBeVisible();
  await signInWith(page, adminEmail, ADMIN_PASSWORD);
  await enrolTwoFactor(page);

  const session = await apiCall<{ user: { organisationId: string } }>(
    page,
    reportsBaseURL,
    'GET',
    '/api/auth/session',
  );
  const ngo = await apiCall<{ id: string }>(page, reportsBaseURL, 'POST', '/api/organisations', {
    name: 'Stödboendet Fyrbåken',
    type: 'ngo',
    county: 'AB',
    municipality: 'Stockholm',
  });
  await apiCall(page, reportsBaseURL, 'PUT', `/api/organisations/${ngo.id}/certification`, {
    status: 'certified',
    certifiedFrom: isoDay(-30),
    certifiedTo: isoDay(335),
    reason: 'Granskningen av verksamheten är klar.',
    expectedVersion: 0,
  });
  const memberOrg = await apiCall<{ id: string }>(
    page,
    reportsBaseURL,
    'POST',
    '/api/organisations',
    {
      name: 'Föreningen Trygg Hamn',
      type: 'ngo',
      membership: 'member',
      county: 'O',
      municipality: 'Göteborg',
    },
  );
  await inviteThroughOutbox(page, reportsBaseURL, ACTOR, 'actor_staff', ngo.id, actor.page);
  await inviteThroughOutbox(page, reportsBaseURL, MEMBER, 'member', memberOrg.id, member.page);
  await inviteThroughOutbox(
    page,
    reportsBaseURL,
    COORDINATOR,
    'coordinator',
    session.user.organisationId,
    coordinator.page,
  );
});

/** The backgrounds of the five people: three women admitted, a man denied, one waiting. */
const PEOPLE = {
  P1: {
    nationality: 'NG',
    gender: 'woman',
    ageBand: '18_25',
    childrenCount: 1,
    childrenAges: [4],
    forms: ['sexual'],
    countries: ['IT'],
    police: 'yes',
  },
  P2: {
    nationality: 'NG',
    gender: 'woman',
    ageBand: '18_25',
    childrenCount: 0,
    childrenAges: [],
    forms: ['sexual'],
    countries: ['IT', 'SE'],
    police: 'no',
  },
  P3: {
    nationality: 'RO',
    gender: 'woman',
    ageBand: '26_30',
    childrenCount: 0,
    childrenAges: [],
    forms: ['labour', 'sexual'],
    countries: ['SE'],
    police: 'no',
  },
  P4: {
    nationality: 'RO',
    gender: 'man',
    ageBand: '26_30',
    childrenCount: 0,
    childrenAges: [],
    forms: ['labour'],
    countries: ['SE'],
    police: 'no',
  },
  P5: {
    nationality: 'VN',
    gender: 'man',
    ageBand: '31_35',
    childrenCount: 0,
    childrenAges: [],
    forms: ['forced_criminality'],
    countries: ['SE'],
    police: 'unknown',
  },
} as const;
const applications: Record<string, string> = {};

test('the case worker creates five cases and applies for their admission', async () => {
  const page = actor.page;
  await apiCall(page, reportsBaseURL, 'POST', '/api/auth/sign-in', {
    email: ACTOR.email,
    password: ACTOR.password,
  });
  for (const [name, p] of Object.entries(PEOPLE)) {
    const created = await apiCall<{ id: string; code: string }>(
      page,
      reportsBaseURL,
      'POST',
      '/api/cases',
      {
        background: {
          nationality: p.nationality,
          gender: p.gender,
          ageBand: p.ageBand,
          childrenCount: p.childrenCount,
          childrenAges: p.childrenAges,
          childrenInHomeCountry: 0,
          exploitationForms: p.forms,
          exploitationCountries: p.countries,
          policeReport: p.police,
          policeReportDate: null,
          residenceStatus: 'undocumented',
          housingSituation: 'protected_housing',
        },
        protectedIdentity: false,
        protectedStaffUserIds: [],
        identityNote: null,
      },
    );
    codes[name] = created.code;
    const application = await apiCall<{ id: string }>(
      page,
      reportsBaseURL,
      'POST',
      '/api/applications',
      {
        caseId: created.id,
        type: 'admission',
        justification: `Ansökan om tillträde till stödprogrammet för ${created.code}.`,
      },
    );
    applications[name] = application.id;
  }
});

test('the coordinator plans a budget period and decides four applications', async () => {
  const page = coordinator.page;
  await page.goto('/sign-in');
  await signInWith(page, COORDINATOR.email, COORDINATOR.password);
  await enrolTwoFactor(page);

  const period = await apiCall<{ id: string; posts: Array<{ id: string; kind: string }> }>(
    page,
    reportsBaseURL,
    'POST',
    '/api/budget/periods',
    { name: PERIOD, startsOn: isoDay(-30), endsOn: isoDay(150) },
  );
  const post = (kind: string) => period.posts.find((p) => p.kind === kind)?.id ?? '';
  // 100 000 kr for reflection, 50 000 kr for interventions; 10 000 kr moved between them.
  await apiCall(page, reportsBaseURL, 'PATCH', `/api/budget/posts/${post('reflection')}`, {
    planAmountOre: 10_000_000,
  });
  await apiCall(page, reportsBaseURL, 'PATCH', `/api/budget/posts/${post('intervention')}`, {
    planAmountOre: 5_000_000,
  });
  await apiCall(page, reportsBaseURL, 'POST', '/api/budget/transfers', {
    fromPostId: post('reflection'),
    toPostId: post('intervention'),
    amountOre: 1_000_000,
    reason: 'Fler insatser än planerat.',
  });

  const decide = async (name: string, body: Record<string, unknown>) => {
    const id = applications[name] ?? '';
    const { version } = await apiCall<{ version: number }>(
      page,
      reportsBaseURL,
      'GET',
      `/api/applications/${id}`,
    );
    await apiCall(page, reportsBaseURL, 'POST', `/api/applications/${id}/decisions`, {
      expectedVersion: version,
      ...body,
    });
  };
  for (const name of ['P1', 'P2', 'P3'])
    await decide(name, {
      outcome: 'granted',
      grounds: ['meets_criteria'],
      rationale: 'Uppfyller kriterierna enligt underlaget.',
    });
  await decide('P4', { outcome: 'denied', grounds: ['information_missing'], rationale: DENIAL });
});

test('the coordinator opens the period report: the internal version with its figures and case codes', async () => {
  const page = coordinator.page;
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name: 'Rapporter', exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Periodrapport' })).toBeVisible();
  // The internal version is the coordinator's first view; the address keeps nothing else yet.
  await expect(page.getByLabel('Intern', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Publiceringströskel')).toHaveCount(0);

  const applicationsTable = page.getByRole('table', {
    name: 'Inkomna, beslutade och under behandling',
  });
  const admission = row(applicationsTable, 'Tillträde').getByRole('cell');
  // Received 5, decided 4: granted 3, partially 0, with a condition 0, denied 1; 1 under processing.
  await expect(admission).toHaveText(['5', '4', '3', '0', '0', '1', '1']);

  const notes = page.getByRole('table', { name: 'Beslut med anteckningar' });
  const denied = row(notes, codes.P4 ?? '');
  await expect(denied).toContainText('Nekad');
  await expect(denied).toContainText(DENIAL);
  for (const name of ['P1', 'P2', 'P3']) await expect(notes).toContainText(codes[name] ?? '');
  await expect(notes).not.toContainText(codes.P5 ?? '');
  // The notes come a page at a time: the four fit on the first, so neither button leads anywhere.
  const pager = page.getByRole('navigation', { name: 'Sidor med beslut' });
  await expect(pager).toContainText('Beslut 1–4 av 4');
  await expect(pager.getByRole('button', { name: 'Föregående sida med beslut' })).toBeDisabled();
  await expect(pager.getByRole('button', { name: 'Nästa sida med beslut' })).toBeDisabled();

  const gender = page.getByRole('table', { name: 'Kön', exact: true });
  await expect(row(gender, 'Kvinna').getByRole('cell')).toHaveText(['3', /^100\s?%$/]);
  await expect(row(gender, 'Man').getByRole('cell')).toHaveText(['0', /^0\s?%$/]);
  await expect(gender.locator('tfoot')).toContainText('3');
  const nationality = page.getByRole('table', { name: 'Nationalitet', exact: true });
  await expect(row(nationality, 'Nigeria').getByRole('cell').first()).toHaveText('2');
  await expect(row(nationality, 'Rumänien').getByRole('cell').first()).toHaveText('1');
  // Countries of exploitation: a person counted in each of their countries, said under the table.
  const countries = page.getByRole('table', {
    name: 'Länder där personen exploaterades',
    exact: true,
  });
  await expect(row(countries, 'Italien').getByRole('cell').first()).toHaveText('2');
  await expect(row(countries, 'Sverige').getByRole('cell').first()).toHaveText('2');
  await expect(page.getByText(/räknas då en gång i varje/)).toBeVisible();

  // Funds per post in kronor: 100 000 − 10 000 moved out leaves 90 000 kr.
  const funds = page.getByRole('table', { name: new RegExp(`^${PERIOD} \\(`) });
  const reflection = row(funds, 'Reflektionsperiod').getByRole('cell');
  await expect(reflection.nth(1)).toHaveText(kr('100000'));
  await expect(reflection.nth(3)).toHaveText(kr('10000'));
  await expect(reflection.last()).toHaveText(kr('90000'));
  await expect(row(funds, 'Insatser').getByRole('cell').last()).toHaveText(kr('60000'));

  // The charts are images with names; their tables hold the figures.
  await expect(
    page.getByRole('img', { name: /^Stapeldiagram: ansökningar per typ/ }),
  ).toBeVisible();
  await expect(page.getByRole('img', { name: /^Stapeldiagram: medel per post/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Stapeldiagram: Kön,/ })).toBeVisible();
  await expect(
    page.getByText('Diagrammet visar bara publicerade tal', { exact: false }),
  ).toHaveCount(0);
  await expectAccessible(page, 'period report, internal');
});

test('the coordinator switches to the publishable version with the keyboard only', async () => {
  const page = coordinator.page;
  // From the last date field (Tab walks through its year, month and day first) to the version.
  const internal = page.getByLabel('Intern', { exact: true });
  await page.getByLabel('Till och med').focus();
  for (let i = 0; i < 6 && !(await internal.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(internal).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Publicerbar', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Publiceringströskel')).toHaveValue('11');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Publiceringströskel')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]version=publishable(&|$)/);

  const facts = page.locator('dl.details').first();
  await expect(facts).toContainText('Publicerbar');
  await expect(facts).toContainText('11');
  const applicationsTable = page.getByRole('table', {
    name: 'Inkomna, beslutade och under behandling',
  });
  // 5 received is below 11: not published, with words for screen readers.
  await expect(row(applicationsTable, 'Tillträde').getByRole('cell').first()).toHaveText(
    '..publiceras inte',
  );
  await expect(page.getByText(/^\.\. = publiceras inte: ett antal under 11/).first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Beslut med anteckningar' })).toHaveCount(0);
  for (const code of Object.values(codes))
    await expect(page.locator('main')).not.toContainText(code);
  await expect(page.locator('main')).not.toContainText(DENIAL);
  await expect(page.locator('main')).not.toContainText(PERIOD);
  // Posts by their kind, sums only (no lines).
  const funds = page.getByRole('table', { name: /^Budgetperiod / });
  await expect(row(funds, 'Reflektionsperioder').getByRole('cell').last()).toHaveText(kr('90000'));
  await expect(page.getByRole('table', { name: /: rader under perioden$/ })).toHaveCount(0);
  // Merged categories: the rule is printed under the table.
  await expect(
    page.getByText(/^Nationaliteterna är sammanslagna till världsdelar/).first(),
  ).toBeVisible();
  const gender = page.getByRole('table', { name: 'Kön', exact: true });
  await expect(row(gender, 'Kvinna').getByRole('cell').first()).toHaveText('..publiceras inte');
  // The charts leave out what is not published, and say so.
  await expect(
    page.getByText('Diagrammet visar bara publicerade tal', { exact: false }).first(),
  ).toBeVisible();
  await expectAccessible(page, 'period report, publishable');

  // A threshold of 3 publishes the three women (and no case code still).
  await page.getByLabel('Publiceringströskel').fill('3');
  await page.getByLabel('Publiceringströskel').press('Enter');
  await expect(page).toHaveURL(/[?&]threshold=3(&|$)/);
  await expect(row(gender, 'Kvinna').getByRole('cell').first()).toHaveText('3');
  await expectAccessible(page, 'period report, publishable, threshold 3');
});

test('bad choices get the server’s messages, and a range without data says so', async () => {
  const page = coordinator.page;
  const threshold = page.getByLabel('Publiceringströskel');
  await threshold.fill('2');
  await page.getByRole('button', { name: 'Visa rapporten' }).click();
  await expect(page.getByText('Tröskelvärdet måste vara ett heltal som är minst 3.')).toBeVisible();
  await expect(threshold).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toContainText('Kontrollera de markerade fälten.');
  await expectAccessible(page, 'period report, threshold too low');

  await threshold.fill('11');
  await page.getByLabel('Från och med').fill(isoDay(1));
  await page.getByLabel('Till och med').fill(isoDay(0));
  await page.getByRole('button', { name: 'Visa rapporten' }).click();
  await expect(page.getByText('Slutdatumet kan inte vara före startdatumet.')).toBeVisible();
  await expect(page.getByLabel('Till och med')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'period report, reversed range');

  await page.getByLabel('Från och med').fill('2020-01-01');
  await page.getByLabel('Till och med').fill('2020-12-31');
  await page.getByRole('button', { name: 'Visa rapporten' }).click();
  await expect(page.getByText(/^Det finns inget att rapportera för perioden/)).toBeVisible();
  await expectAccessible(page, 'period report, empty');
});

test('the files of both versions open and hold the figures', async () => {
  const page = coordinator.page;
  const from = `${isoDay(0).slice(0, 4)}-01-01`;
  const to = isoDay(0);

  // A page of notes past the last one (from an address): said so, and Previous leads back.
  await page.goto(`/reports/period?from=${from}&to=${to}&version=internal&notesPage=2`);
  const pager = page.getByRole('navigation', { name: 'Sidor med beslut' });
  await expect(pager).toContainText('Det finns ingen sida 2 med beslut (den sista är sida 1).');
  await expect(page.getByRole('table', { name: 'Beslut med anteckningar' })).toHaveCount(0);
  await expect(pager.getByRole('button', { name: 'Nästa sida med beslut' })).toBeDisabled();
  const previous = pager.getByRole('button', { name: 'Föregående sida med beslut' });
  await expect(previous).toBeEnabled();
  await expectAccessible(page, 'period report, a page of notes past the last');
  await previous.focus();
  await page.keyboard.press('Enter');
  await expect(page).not.toHaveURL(/notesPage=/);
  await expect(pager).toContainText('Beslut 1–4 av 4');
  await expect(page.getByRole('table', { name: 'Beslut med anteckningar' })).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Nästa sida med beslut' })).toBeDisabled();
  await expect(previous).toBeDisabled();

  await page.goto(`/reports/period?from=${from}&to=${to}&version=internal&notesPage=2`);
  await expect(pager).toContainText('Det finns ingen sida 2');
  // The files hold every note: their links carry no page (checked in download()).
  const internalGroup = 'Ladda ned den interna versionen';
  const xlsx = await workbookRows(await download(page, internalGroup, 'Exportera Excel (XLSX)'));
  expect(xlsx.some((r) => r.startsWith('Kvinna\t3\t100'))).toBe(true);
  expect(xlsx.some((r) => r.startsWith('Tillträde\t5\t4\t3\t0\t0\t1\t1'))).toBe(true);
  expect(xlsx.some((r) => r.includes(codes.P4 ?? '-') && r.includes(DENIAL))).toBe(true);
  const pdf = await download(page, internalGroup, 'Exportera PDF');
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdfInternal = pdfText(pdf);
  expect(pdfInternal).toContain(codes.P4 ?? '-');
  expect(pdfInternal).toContain('Kvinna');
  expect(pdfInternal.split('\n')).toContain('Tillträde');

  await page.goto(`/reports/period?from=${from}&to=${to}&version=publishable`);
  await expect(page.locator('dl.details').first()).toContainText('Publicerbar');
  const publishableGroup = 'Ladda ned den publicerbara versionen';
  const pubXlsx = await workbookRows(
    await download(page, publishableGroup, 'Exportera Excel (XLSX)'),
  );
  expect(pubXlsx.some((r) => r.startsWith('Kvinna\t..\t..'))).toBe(true);
  expect(pubXlsx.some((r) => r.startsWith('Tillträde\t..'))).toBe(true);
  for (const code of Object.values(codes)) expect(pubXlsx.join('\n')).not.toContain(code);
  expect(pubXlsx.join('\n')).not.toContain(DENIAL);
  const pubPdf = await download(page, publishableGroup, 'Exportera PDF');
  expect(pubPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdfPublishable = pdfText(pubPdf);
  expect(pdfPublishable).toContain('Kvinna');
  expect(pdfPublishable.split('\n')).toContain('..');
  for (const code of Object.values(codes)) expect(pdfPublishable).not.toContain(code);
  await expectAccessible(page, 'period report, publishable, opened from its address');
});

test('in English: the same report, its pager and its file', async () => {
  const page = coordinator.page;
  const from = `${isoDay(0).slice(0, 4)}-01-01`;
  const to = isoDay(0);
  await page.getByRole('group', { name: 'Språk' }).getByRole('button', { name: 'English' }).click();
  await page.goto(`/reports/period?from=${from}&to=${to}&version=internal`);
  await expect(page.getByRole('heading', { level: 1, name: 'Period report' })).toBeVisible();
  const applicationsTable = page.getByRole('table', {
    name: 'Received, decided and under processing',
  });
  await expect(row(applicationsTable, 'Admission').getByRole('cell')).toHaveText([
    '5',
    '4',
    '3',
    '0',
    '0',
    '1',
    '1',
  ]);
  const notes = page.getByRole('table', { name: 'Decisions with their notes' });
  await expect(row(notes, codes.P4 ?? '')).toContainText(DENIAL);
  const pager = page.getByRole('navigation', { name: 'Pages of decisions' });
  await expect(pager).toContainText('Decisions 1–4 of 4');
  await expect(pager.getByRole('button', { name: 'Next page of decisions' })).toBeDisabled();
  const gender = page.getByRole('table', { name: 'Gender', exact: true });
  await expect(row(gender, 'Woman').getByRole('cell')).toHaveText(['3', /^100\s?%$/]);
  await expect(page.getByRole('img', { name: /^Bar chart/ }).first()).toBeVisible();
  await expectAccessible(page, 'period report, in English');

  const csv = await download(page, 'Download the internal version', 'Export CSV', 'en');
  const lines = csv
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .split('\r\n');
  expect(lines[0]).toBe('Period report');
  expect(lines).toContain('1. Applications per type');

  await page
    .getByRole('group', { name: 'Language' })
    .getByRole('button', { name: 'Svenska' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Periodrapport' })).toBeVisible();
});

test('a member sees only the publishable version, and asking for the internal one is refused', async () => {
  const page = member.page;
  await page.goto('/sign-in');
  await signInWith(page, MEMBER.email, MEMBER.password);
  await expect(page.getByRole('heading', { level: 1, name: 'Start' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Huvudmeny' })
    .getByRole('link', { name: 'Rapporter', exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Periodrapport' })).toBeVisible();
  await expect(page.getByText(/^Du ser den publicerbara versionen/)).toBeVisible();
  await expect(page.getByLabel('Intern', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('radio')).toHaveCount(0);
  await expect(page.locator('dl.details').first()).toContainText('Publicerbar');
  const gender = page.getByRole('table', { name: 'Kön', exact: true });
  await expect(row(gender, 'Kvinna').getByRole('cell').first()).toHaveText('..publiceras inte');
  for (const code of Object.values(codes))
    await expect(page.locator('main')).not.toContainText(code);
  await expectAccessible(page, 'period report, member');

  await page.goto('/reports/period?version=internal');
  await expect(page.getByRole('alert')).toContainText('Du har inte behörighet till detta.');
  await expect(page.getByRole('table')).toHaveCount(0);
  await expectAccessible(page, 'period report, member asking for the internal version');
  const res = await page.request.get(
    '/api/reports/period/export?from=2026-01-01&to=2026-01-31&version=internal&format=pdf',
  );
  expect(res.status()).toBe(403);
});
