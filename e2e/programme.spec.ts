import { expect, test, type Page } from '@playwright/test';
import {
  AUTH_TEXTS,
  certifiedNgoWithStaff,
  checkAndClosePages,
  enrolTwoFactor,
  expectAccessible,
  firstAdministratorSignsIn,
  isoDay,
  openPage,
  programmeBaseURL,
  programmeWelcomeLink,
  signInWith,
  type Opened,
  type Person,
} from './helpers.js';

/*
 * The national support programme end to end, on its own server and database
 * (see run.mjs), once in Swedish and once in English: the administrator sets
 * up a certified NGO with a case worker and a coordinator; the case worker
 * creates a case (police report made) and applies for a 30-day reflection
 * period with one child, seeing the amount (30 × (1 200 + 300) kr) before
 * submitting; the coordinator takes it from the work queue, sees the
 * police-report warning and partially grants 26 of the 30 days for budget
 * reasons; the case worker sees the decision and its rationale. Every new page
 * and dialog is checked with axe.
 */
test.describe.configure({ mode: 'serial' });

type Language = 'sv' | 'en';

const ADMIN_PASSWORD = 'Lingonsylt på Gotland varje midsommar';

/** A 1×1 PNG: an attachment the server accepts by its content. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** The interface texts the scenario reads and clicks, in each language. */
const TEXTS = {
  sv: {
    english: false,
    cases: 'Ärenden',
    workQueue: 'Arbetskö',
    ourApplications: 'Våra ansökningar',
    approvals: 'Godkännanden',
    programme: 'Programinställningar',
    noCases: 'Er organisation har inga ärenden ännu.',
    newCase: 'Nytt ärende',
    nationality: 'Nationalitet',
    gender: 'Kön',
    ageBand: 'Åldersgrupp',
    residence: 'Uppehållsstatus',
    housing: 'Boendesituation',
    childrenCount: 'Medföljande barn',
    childrenAges: 'De medföljande barnens åldrar',
    forms: 'Former av exploatering',
    sexual: 'Sexuell exploatering',
    countries: 'Länder där personen exploaterades',
    searchCountry: 'Sök land',
    italy: 'Italien',
    policeReport: 'Polisanmälan gjord',
    policeReportDate: 'Datum för polisanmälan',
    identityNote: 'Identitetsanteckning',
    woman: 'Kvinna',
    age: '18–25 år',
    undocumented: 'Papperslös',
    protectedHousing: 'Skyddat boende',
    yes: 'Ja',
    createCase: 'Skapa ärendet',
    checkFields: 'Kontrollera de markerade fälten.',
    created: (code: string) => `Ärendet ${code} är skapat.`,
    showNote: 'Visa identitetsanteckningen',
    hideNote: 'Dölj anteckningen',
    moveCase: 'Flytta ärendet',
    moveTitle: (code: string) => `Flytta ${code} till en annan stödaktör?`,
    cancel: 'Avbryt',
    note: 'Anteckning',
    saveNote: 'Spara anteckningen',
    noteSaved: 'Anteckningen är sparad.',
    events: 'Händelser',
    uploadLabel: 'Ladda upp en bilaga',
    upload: 'Ladda upp',
    uploaded: (name: string) => `${name} är uppladdad.`,
    attachments: 'Bilagor',
    newApplication: 'Ny ansökan',
    newApplicationFor: (code: string) => `Ny ansökan för ${code}`,
    type: 'Typ av ansökan',
    reflection: 'Reflektionsperiod',
    from: 'Från och med',
    to: 'Till och med',
    justification: 'Motivering',
    calculated: 'Beräknat belopp',
    breakdown: 'Beloppets beräkning',
    childSupplement: 'Barntillägg',
    policeWarning: 'En polisanmälan finns (gjord',
    tutRoute: 'tidsbegränsat uppehållstillstånd (TUT)',
    submit: 'Skicka ansökan',
    submitted: 'Ansökan är skickad till samordnaren.',
    appTitle: (code: string) => `Reflektionsperiod – ${code}`,
    warnings: 'Varningar',
    decide: 'Fatta beslut',
    outcome: 'Beslut',
    partly: 'Delvis beviljad',
    grantedDays: 'Beviljade dagar (av 30 sökta)',
    grounds: 'Skäl',
    budget: 'Budgetbegränsning: färre dagar eller timmar än sökt',
    rationale: 'Motivering',
    record: 'Registrera beslutet',
    recorded: 'Beslutet är registrerat.',
    decisions: 'Beslut',
    days26: '26 dagar',
    current: 'Gällande',
    correct: 'Rätta beslutet',
    noApprovals: 'Inga beslut väntar på godkännande.',
    rates: 'Ersättningsnivåer per dag',
    catalogue: 'Insatser',
    applicationsIn: (code: string) => `Ansökningar i ${code}`,
    justificationText: 'Behöver skyddat boende och stöd under reflektionsperioden.',
    rationaleText: 'Budgeten räcker till 26 dagar under perioden.',
  },
  en: {
    english: true,
    cases: 'Cases',
    workQueue: 'Work queue',
    ourApplications: 'Our applications',
    approvals: 'Approvals',
    programme: 'Programme settings',
    noCases: 'Your organisation has no cases yet.',
    newCase: 'New case',
    nationality: 'Nationality',
    gender: 'Gender',
    ageBand: 'Age band',
    residence: 'Residence status',
    housing: 'Housing situation',
    childrenCount: 'Accompanying children',
    childrenAges: 'Ages of the accompanying children',
    forms: 'Forms of exploitation',
    sexual: 'Sexual exploitation',
    countries: 'Countries where the person was exploited',
    searchCountry: 'Search for a country',
    italy: 'Italy',
    policeReport: 'Police report made',
    policeReportDate: 'Date of the police report',
    identityNote: 'Identity note',
    woman: 'Woman',
    age: '18–25',
    undocumented: 'Undocumented',
    protectedHousing: 'Protected housing',
    yes: 'Yes',
    createCase: 'Create the case',
    checkFields: 'Please check the highlighted fields.',
    created: (code: string) => `Case ${code} is created.`,
    showNote: 'Show the identity note',
    hideNote: 'Hide the note',
    moveCase: 'Move the case',
    moveTitle: (code: string) => `Move ${code} to another support actor?`,
    cancel: 'Cancel',
    note: 'Note',
    saveNote: 'Save the note',
    noteSaved: 'The note is saved.',
    events: 'Events',
    uploadLabel: 'Upload an attachment',
    upload: 'Upload',
    uploaded: (name: string) => `${name} is uploaded.`,
    attachments: 'Attachments',
    newApplication: 'New application',
    newApplicationFor: (code: string) => `New application for ${code}`,
    type: 'Type of application',
    reflection: 'Reflection period',
    from: 'From',
    to: 'To (inclusive)',
    justification: 'Justification',
    calculated: 'Calculated amount',
    breakdown: 'How the amount is calculated',
    childSupplement: 'Child supplement',
    policeWarning: 'A police report exists (made',
    tutRoute: 'temporary residence permit (TUT)',
    submit: 'Submit the application',
    submitted: 'The application is sent to the coordinator.',
    appTitle: (code: string) => `Reflection period – ${code}`,
    warnings: 'Warnings',
    decide: 'Make a decision',
    outcome: 'Decision',
    partly: 'Partially granted',
    grantedDays: 'Days granted (of 30 applied for)',
    grounds: 'Grounds',
    budget: 'Budget restriction: fewer days or hours than applied for',
    rationale: 'Rationale',
    record: 'Record the decision',
    recorded: 'The decision is recorded.',
    decisions: 'Decisions',
    days26: '26 days',
    current: 'Current',
    correct: 'Correct the decision',
    noApprovals: 'No decisions are waiting for approval.',
    rates: 'Daily rates',
    catalogue: 'Interventions',
    applicationsIn: (code: string) => `Applications in ${code}`,
    justificationText: 'Needs protected housing and support during the reflection period.',
    rationaleText: 'The budget covers 26 days in this period.',
  },
} as const;

/** 45 000 kr and 39 000 kr as the interface shows them (any space, or English grouping). */
const AMOUNT_APPLIED = /45\s?000\s?kr|SEK\s?45,000/;
const AMOUNT_GRANTED = /39\s?000\s?kr|SEK\s?39,000/;

interface People {
  actor: Person;
  coordinator: Person;
  organisation: string;
}

const PEOPLE: Record<Language, People> = {
  sv: {
    actor: {
      email: 'sara.stod@example.org',
      name: 'Sara Stöd',
      password: 'Tolv trötta tranor vid Tåkern i april',
    },
    coordinator: {
      email: 'sam.samordnare@example.org',
      name: 'Sam Samordnare',
      password: 'Nio nyfikna nötskrikor i Nacka',
    },
    organisation: 'Stödboendet Gryning',
  },
  en: {
    actor: {
      email: 'alex.support@example.org',
      name: 'Alex Support',
      password: 'Seven sleepy seals on Saltholmen',
    },
    coordinator: {
      email: 'chris.coordinator@example.org',
      name: 'Chris Coordinator',
      password: 'Eleven elks crossing the Dalälven',
    },
    organisation: 'Kvinnojouren Norrsken',
  },
};

let admin: Opened;
/** The case code each language's scenario created. */
const codes: Partial<Record<Language, string>> = {};
const opened: Opened[] = [];
const browsers: Record<string, Opened> = {};

async function nav(page: Page, menu: string, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: menu })
    .getByRole('link', { name, exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

/** Signs in (switching the sign-in page to English first when asked) . */
async function signIn(page: Page, lang: Language, email: string, password: string) {
  await page.goto('/sign-in');
  if (TEXTS[lang].english) await page.getByRole('button', { name: 'English' }).click();
  await signInWith(page, email, password, AUTH_TEXTS[lang]);
}

test.beforeAll(async ({ browser }) => {
  expect(programmeWelcomeLink, 'E2E_PROGRAMME_WELCOME_LINK from e2e/run.mjs').toMatch(
    /\/welcome#token=/,
  );
  admin = await openPage(browser, programmeBaseURL);
  opened.push(admin);
  for (const lang of ['sv', 'en'] as const) {
    for (const who of ['actor', 'coordinator'] as const) {
      const o = await openPage(browser, programmeBaseURL);
      browsers[`${lang}-${who}`] = o;
      opened.push(o);
    }
  }
});

checkAndClosePages(() => opened);

function opener(lang: Language, who: 'actor' | 'coordinator'): Page {
  const o = browsers[`${lang}-${who}`];
  if (!o) throw new Error(`no browser for ${lang} ${who}`);
  return o.page;
}

test('set-up: the administrator certifies two NGOs and invites their staff and coordinators', async () => {
  const { page } = admin;
  await firstAdministratorSignsIn(page, programmeWelcomeLink, ADMIN_PASSWORD);

  // The administrator has the programme's settings and approvals, but no cases.
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(menu.getByRole('link', { name: 'Programinställningar', exact: true })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Godkännanden', exact: true })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Ärenden', exact: true })).toHaveCount(0);

  for (const lang of ['sv', 'en'] as const) {
    const people = PEOPLE[lang];
    await certifiedNgoWithStaff(page, programmeBaseURL, {
      organisation: people.organisation,
      actor: people.actor,
      actorPage: opener(lang, 'actor'),
      coordinator: people.coordinator,
      coordinatorPage: opener(lang, 'coordinator'),
      locale: lang,
    });
  }
});

for (const lang of ['sv', 'en'] as const) {
  const T = TEXTS[lang];
  const A = AUTH_TEXTS[lang];
  const people = PEOPLE[lang];
  let code = '';

  test(`${lang}: the case worker creates a case and applies for a reflection period`, async () => {
    const page = opener(lang, 'actor');
    await signIn(page, lang, people.actor.email, people.actor.password);
    await expect(page.getByRole('heading', { level: 1, name: A.home })).toBeVisible();
    const menu = page.getByRole('navigation', { name: A.menu });
    await expect(menu.getByRole('link', { name: T.ourApplications, exact: true })).toBeVisible();
    await expect(menu.getByRole('link', { name: T.workQueue, exact: true })).toHaveCount(0);
    await expect(menu.getByRole('link', { name: T.approvals, exact: true })).toHaveCount(0);

    await nav(page, A.menu, T.cases);
    await expect(page.getByRole('heading', { level: 1, name: T.cases })).toBeVisible();
    await expect(page.getByText(T.noCases)).toBeVisible();
    await expectAccessible(page, `${lang}: cases, empty`);

    await page.getByRole('link', { name: T.newCase }).click();
    await expect(page.getByRole('heading', { level: 1, name: T.newCase })).toBeVisible();
    await expectAccessible(page, `${lang}: new case`);
    // No name or identity-number field anywhere: the person is known by the code.
    await expect(page.getByRole('main').getByRole('textbox', { name: /name|namn/i })).toHaveCount(
      0,
    );

    await page.getByLabel(T.nationality, { exact: true }).selectOption({ label: 'Nigeria' });
    await page.getByLabel(T.ageBand, { exact: true }).selectOption({ label: T.age });
    await page.getByLabel(T.residence, { exact: true }).selectOption({ label: T.undocumented });
    await page.getByLabel(T.housing, { exact: true }).selectOption({ label: T.protectedHousing });
    await page.getByLabel(T.childrenCount, { exact: true }).fill('1');
    await page.getByLabel(T.childrenAges, { exact: true }).fill('4');
    await page.getByRole('group', { name: T.forms }).getByLabel(T.sexual, { exact: true }).check();
    const countries = page.getByRole('group', { name: T.countries });
    await countries.getByLabel(T.searchCountry).fill(T.italy.slice(0, 4));
    await countries.getByLabel(T.italy, { exact: true }).check();
    await page.getByLabel(T.policeReport, { exact: true }).selectOption({ label: T.yes });
    await page.getByLabel(T.policeReportDate, { exact: true }).fill(isoDay(-10));
    await page.getByLabel(T.identityNote, { exact: true }).fill('Mira, via boendets telefon.');

    // The gender is missing: the server's message sits at the field.
    await page.getByRole('button', { name: T.createCase }).click();
    await expect(page.getByRole('alert')).toContainText(T.checkFields);
    await expect(page.getByLabel(T.gender, { exact: true })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await expectAccessible(page, `${lang}: new case with an error`);
    await page.getByLabel(T.gender, { exact: true }).selectOption({ label: T.woman });
    await page.getByRole('button', { name: T.createCase }).click();

    const heading = page.getByRole('heading', { level: 1, name: /^NSP\d{3}$/ });
    await expect(heading).toBeVisible();
    code = ((await heading.textContent()) ?? '').trim();
    codes[lang] = code;
    await expect(page.getByText(T.created(code))).toBeVisible();
    await expectAccessible(page, `${lang}: case page`);

    // The identity note is fetched only when asked for, and hidden again.
    await expect(page.getByText('Mira, via boendets telefon.')).toHaveCount(0);
    await page.getByRole('button', { name: T.showNote }).click();
    await expect(page.getByText('Mira, via boendets telefon.')).toBeVisible();
    await expectAccessible(page, `${lang}: case page with the identity note shown`);
    await page.getByRole('button', { name: T.hideNote }).click();
    await expect(page.getByText('Mira, via boendets telefon.')).toHaveCount(0);

    // Moving the case asks first; cancelled here.
    await page.getByRole('button', { name: T.moveCase }).click();
    const dialog = page.getByRole('dialog', { name: T.moveTitle(code) });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, `${lang}: move case dialog`);
    await dialog.getByRole('button', { name: T.cancel }).click();
    await expect(dialog).toBeHidden();

    // A note and an attachment appear among the events.
    await page.getByLabel(T.note, { exact: true }).fill('Första samtalet hölls i dag.');
    await page.getByRole('button', { name: T.saveNote }).click();
    await expect(page.getByText(T.noteSaved)).toBeVisible();
    const events = page.getByRole('region', { name: T.events });
    await expect(events).toContainText('Första samtalet hölls i dag.');
    await page.getByLabel(T.uploadLabel).setInputFiles({
      name: 'intyg.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await page.getByRole('button', { name: T.upload, exact: true }).click();
    await expect(page.getByText(T.uploaded('intyg.png'))).toBeVisible();
    await expect(
      page.getByRole('region', { name: T.attachments }).getByRole('link', { name: 'intyg.png' }),
    ).toBeVisible();
    await expectAccessible(page, `${lang}: case page with a note and an attachment`);

    // The application: a 30-day reflection period starting next week, with one child.
    await page.getByRole('link', { name: T.newApplication }).first().click();
    await expect(
      page.getByRole('heading', { level: 1, name: T.newApplicationFor(code) }),
    ).toBeVisible();
    await page.getByLabel(T.type, { exact: true }).selectOption({ label: T.reflection });
    await page.getByLabel(T.from, { exact: true }).fill(isoDay(7));
    await page.getByLabel(T.to, { exact: true }).fill(isoDay(36));
    await expect(page.getByLabel(T.childrenCount, { exact: true })).toHaveValue('1');
    await page.getByLabel(T.justification, { exact: true }).fill(T.justificationText);

    // The amount and the warnings are shown before submitting.
    const quote = page.getByRole('region', { name: T.calculated });
    await expect(quote).toContainText(AMOUNT_APPLIED);
    const breakdown = quote.getByRole('table', { name: T.breakdown });
    await expect(breakdown.getByRole('row').filter({ hasText: T.childSupplement })).toContainText(
      /9\s?000\s?kr|SEK\s?9,000/,
    );
    await expect(quote).toContainText(T.policeWarning);
    await expect(quote).toContainText(T.tutRoute);
    await expectAccessible(page, `${lang}: new application with its amount`);

    await page.getByRole('button', { name: T.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: T.appTitle(code) })).toBeVisible();
    await expect(page.getByText(T.submitted)).toBeVisible();
    await expectAccessible(page, `${lang}: application page (case worker)`);

    await nav(page, A.menu, T.ourApplications);
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: code })).toContainText(
      AMOUNT_APPLIED,
    );
    await expectAccessible(page, `${lang}: our applications`);
  });

  test(`${lang}: the coordinator partially grants it from the work queue`, async () => {
    const page = opener(lang, 'coordinator');
    await signIn(page, lang, people.coordinator.email, people.coordinator.password);
    await enrolTwoFactor(page, A);

    await nav(page, A.menu, T.workQueue);
    await expect(page.getByRole('heading', { level: 1, name: T.workQueue })).toBeVisible();
    const row = page.getByRole('table').getByRole('row').filter({ hasText: code });
    await expect(row).toContainText(people.organisation);
    await expect(row).toContainText(AMOUNT_APPLIED);
    await expectAccessible(page, `${lang}: work queue`);

    await row.getByRole('link', { name: T.reflection }).click();
    await expect(page.getByRole('heading', { level: 1, name: T.appTitle(code) })).toBeVisible();
    const warnings = page.getByRole('region', { name: T.warnings, exact: true });
    await expect(warnings).toContainText(T.policeWarning);
    await expectAccessible(page, `${lang}: application page (coordinator)`);

    const form = page.getByRole('region', { name: T.decide });
    await form.getByLabel(T.outcome, { exact: true }).selectOption({ label: T.partly });
    await form.getByLabel(T.grantedDays, { exact: true }).fill('26');
    await form.getByLabel(T.rationale, { exact: true }).fill(T.rationaleText);
    // No ground chosen: the form says so at the grounds.
    await form.getByRole('button', { name: T.record }).click();
    await expect(form.getByRole('alert')).toContainText(T.checkFields);
    await expect(form.getByRole('group', { name: T.grounds })).toHaveAttribute(
      'aria-describedby',
      /error/,
    );
    await expectAccessible(page, `${lang}: decision form with an error`);
    await form.getByRole('group', { name: T.grounds }).getByLabel(T.budget).check();
    await form.getByRole('button', { name: T.record }).click();
    await expect(page.getByText(T.recorded)).toBeVisible();

    const decisions = page.getByRole('region', { name: T.decisions, exact: true });
    await expect(decisions).toContainText(T.partly);
    await expect(decisions).toContainText(T.days26);
    await expect(decisions).toContainText(AMOUNT_GRANTED);
    await expect(decisions).toContainText(T.current);
    await expect(page.getByRole('button', { name: T.correct })).toBeVisible();
    await expectAccessible(page, `${lang}: application page with a decision`);

    // Nothing waits for a second approval (no limit is set); the settings are readable.
    await nav(page, A.menu, T.approvals);
    await expect(page.getByText(T.noApprovals)).toBeVisible();
    await expectAccessible(page, `${lang}: approvals`);
    await nav(page, A.menu, T.programme);
    await expect(page.getByRole('table', { name: T.rates })).toContainText(/1\s?200|1,200/);
    await expect(page.getByRole('table', { name: T.catalogue })).toBeVisible();
    await expectAccessible(page, `${lang}: programme settings`);
  });

  test(`${lang}: the case worker sees the decision and its rationale`, async () => {
    const page = opener(lang, 'actor');
    await nav(page, A.menu, T.cases);
    await page.getByRole('link', { name: code, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: code })).toBeVisible();
    const apps = page.getByRole('table', { name: T.applicationsIn(code) });
    await expect(apps).toContainText(T.partly);
    await expect(apps).toContainText(AMOUNT_GRANTED);
    await expect(page.getByRole('region', { name: T.events })).toContainText(T.partly);
    await expectAccessible(page, `${lang}: case page with a decision`);

    await apps.getByRole('link', { name: T.reflection }).click();
    const decisions = page.getByRole('region', { name: T.decisions, exact: true });
    await expect(decisions).toContainText(T.partly);
    await expect(decisions).toContainText(T.days26);
    await expect(decisions).toContainText(AMOUNT_GRANTED);
    await expect(decisions).toContainText(T.rationaleText);
    // The case worker cannot decide.
    await expect(page.getByRole('button', { name: T.record })).toHaveCount(0);
    await expectAccessible(page, `${lang}: decided application (case worker)`);
  });
}

test('four eyes: a correction above the approval limit waits until someone else approves it', async () => {
  const code = codes.sv ?? '';
  expect(code).toMatch(/^NSP\d{3}$/);
  const coordinator = opener('sv', 'coordinator');

  // The coordinator turns the second approval on above 10 000 kr.
  await nav(coordinator, 'Huvudmeny', 'Programinställningar');
  const limit = coordinator.getByRole('region', { name: 'Andra godkännande' });
  await limit.getByLabel('Beloppsgräns (kr)').fill('10 000,005');
  await limit.getByRole('button', { name: 'Spara beloppsgränsen' }).click();
  await expect(limit.getByText('Ange högst två decimaler (hela ören).')).toBeVisible();
  await expectAccessible(coordinator, 'programme settings with a money error');
  await limit.getByLabel('Beloppsgräns (kr)').fill('10 000');
  await limit.getByRole('button', { name: 'Spara beloppsgränsen' }).click();
  await expect(limit.getByText('Ändringarna är sparade.')).toBeVisible();
  await expect(limit).toContainText(/10\s?000\s?kr/);

  // The catalogue's edit form, opened and left.
  await coordinator.getByRole('button', { name: 'Ändra Advokattimmar' }).click();
  await expect(coordinator.getByRole('heading', { name: 'Ändra Advokattimmar' })).toBeVisible();
  await expect(coordinator.getByLabel('Pris per enhet')).toHaveValue('2500');
  await expectAccessible(coordinator, 'intervention edit form');
  await coordinator
    .getByRole('region', { name: 'Insatskatalog' })
    .getByRole('button', { name: 'Avbryt' })
    .click();

  // The decision is corrected to a full grant: above the limit, so it waits.
  await nav(coordinator, 'Huvudmeny', 'Arbetskö');
  await coordinator.getByLabel('Status').selectOption({ label: 'Alla' });
  await coordinator.getByRole('button', { name: 'Sök', exact: true }).click();
  await coordinator
    .getByRole('table')
    .getByRole('row')
    .filter({ hasText: code })
    .getByRole('link', { name: 'Reflektionsperiod' })
    .click();
  await coordinator.getByRole('button', { name: 'Rätta beslutet' }).click();
  const form = coordinator.getByRole('region', { name: 'Rätta beslutet' });
  await form.getByLabel('Beslut', { exact: true }).selectOption({ label: 'Beviljad' });
  await form
    .getByRole('group', { name: 'Skäl' })
    .getByLabel('Uppfyller programmets kriterier')
    .check();
  await form
    .getByLabel('Motivering', { exact: true })
    .fill('Budgeten räckte ändå till hela perioden.');
  await expectAccessible(coordinator, 'decision correction form');
  await form.getByRole('button', { name: 'Registrera det rättade beslutet' }).click();
  await expect(coordinator.getByText('väntar på ett andra godkännande')).toBeVisible();
  const decisions = coordinator.getByRole('region', { name: 'Beslut', exact: true });
  await expect(decisions).toContainText('Väntar på andra godkännande');
  await expect(decisions).toContainText('Gällande');
  await expect(decisions).not.toContainText('Ersatt');

  // The one who decided cannot approve it.
  await nav(coordinator, 'Huvudmeny', 'Godkännanden');
  const own = coordinator.getByRole('table').getByRole('row').filter({ hasText: code });
  await expect(own.getByRole('button', { name: /^Godkänn Reflektionsperiod/ })).toBeDisabled();
  await expect(own).toContainText('Du fattade beslutet och kan inte själv godkänna det.');
  await expectAccessible(coordinator, 'approvals with an own decision');

  // The administrator approves it, after a confirmation.
  const { page } = admin;
  await nav(page, 'Huvudmeny', 'Godkännanden');
  const row = page.getByRole('table').getByRole('row').filter({ hasText: code });
  await row.getByRole('button', { name: `Godkänn Reflektionsperiod ${code}` }).click();
  const dialog = page.getByRole('dialog', {
    name: `Godkänna beslutet om Reflektionsperiod ${code}?`,
  });
  await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'approve dialog');
  await dialog.getByLabel('Kommentar').fill('Kontrollerat mot budgeten.');
  await dialog.getByRole('button', { name: 'Godkänn', exact: true }).click();
  await expect(page.getByText(`Beslutet (${code}) är godkänt.`)).toBeVisible();
  await expect(page.getByText('Inga beslut väntar på godkännande.')).toBeVisible();

  // The case worker now sees the full grant; the partial one is superseded.
  const actor = opener('sv', 'actor');
  await nav(actor, 'Huvudmeny', 'Ärenden');
  await actor.getByRole('link', { name: code, exact: true }).click();
  await actor
    .getByRole('table', { name: `Ansökningar i ${code}` })
    .getByRole('link', { name: 'Reflektionsperiod' })
    .click();
  const seen = actor.getByRole('region', { name: 'Beslut', exact: true });
  await expect(seen.getByRole('listitem').first()).toContainText('Beviljad');
  await expect(seen.getByRole('listitem').first()).toContainText('Gällande');
  await expect(seen.getByRole('listitem').first()).toContainText(AMOUNT_APPLIED);
  await expect(seen.getByRole('listitem').last()).toContainText('Ersatt');
  await expectAccessible(actor, 'corrected and approved decision (case worker)');
});
