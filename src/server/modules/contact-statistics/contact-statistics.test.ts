/**
 * Contact statistics (domain.md §5): the coordinator opens the year's round,
 * civil-society organisations save, submit and correct their figures before
 * the deadline, one that has not submitted is reminded through the outbox,
 * the national table is the sum of the submitted reports, and after the
 * deadline nothing changes until the coordinator reopens a report. Bad input
 * and refusals leave the database as it was. The publishable version of the
 * national table (JSON, CSV, XLSX, PDF) suppresses small counts and names no
 * organisation; its three summary tables are protected together, checked by
 * an attacker of the test's own over all three at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  mailTo,
  ORIGIN,
  sessionFor,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import type { Role } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { EXPLOITATION_FORMS, GENDERS } from '../../core/reference.js';
import { protect } from '../statistics/disclosure.js';
import { AGE_GROUPS, CERTAINTIES } from './contact-statistics.schemas.js';
import { internalTables, publishableTables } from './contact-statistics.publish.js';
import { pdfText } from '../../../../test/pdf-text.js';

const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];
const DAY = 86_400_000;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
type Who =
  | 'coordinator'
  | 'admin'
  | 'staffA'
  | 'memberA'
  | 'memberB'
  | 'staffC'
  | 'memberC'
  | 'authority'
  | 'outsideStaff'
  | 'researchMember';

interface Cell {
  certainty: string;
  gender: string;
  ageGroup: string;
  form: string;
  persons: number;
}
const cell = (
  certainty: string,
  gender: string,
  ageGroup: string,
  form: string,
  persons: number,
): Cell => ({ certainty, gender, ageGroup, form, persons });

interface ReportJson {
  id: string | null;
  status: string;
  version: number;
  editable: boolean;
  submittedAt: string | null;
  reopenedAt: string | null;
  totals: Record<string, number | null>;
  breakdownTotals: Record<string, number>;
  figures: Cell[];
}
interface RoundJson {
  id: string;
  year: number;
  deadline: string;
  version: number;
  expected: number;
  submitted: number;
  deadlinePassed: boolean;
  organisations: Array<{
    organisationId: string;
    name: string;
    status: string;
    reportId: string | null;
    submittedAt: string | null;
    lastReminderAt: string | null;
    reminders: number;
  }>;
}
interface NationalJson {
  version: 'internal';
  reportingOrganisations: number;
  expectedOrganisations: number;
  totals: Record<string, number>;
  cells: Cell[];
  tables: SummaryJson[];
}

/* The figures of the organisations, and the national table summed by hand. */
const A_FIRST = {
  totals: { possible: 2, probable: 2, suspected: 0 },
  figures: [
    cell('possible', 'woman', 'adult', 'sexual', 2),
    cell('probable', 'man', 'adult', 'labour', 2),
  ],
};
const A_CORRECTED = {
  totals: { possible: 4, probable: 2, suspected: 1 },
  figures: [
    cell('possible', 'woman', 'adult', 'sexual', 3),
    cell('possible', 'woman', 'child', 'sexual', 1),
    cell('probable', 'man', 'adult', 'labour', 2),
    cell('suspected', 'woman', 'adult', 'sexual', 1),
    // Zeros may be sent; they are not stored.
    cell('suspected', 'man', 'adult', 'begging', 0),
  ],
};
const B = {
  totals: { possible: 2, probable: 2, suspected: 1 },
  figures: [
    cell('possible', 'woman', 'adult', 'sexual', 2),
    cell('probable', 'man', 'adult', 'labour', 1),
    cell('probable', 'non_binary_other', 'unknown', 'begging', 1),
    cell('suspected', 'man', 'child', 'forced_criminality', 1),
  ],
};
const C = {
  totals: { possible: 5, probable: 0, suspected: 0 },
  figures: [cell('possible', 'woman', 'adult', 'other', 5)],
};

/** A + B by hand: the national table while only A and B have submitted. */
const NATIONAL_AB: Cell[] = [
  cell('possible', 'woman', 'adult', 'sexual', 5),
  cell('possible', 'woman', 'child', 'sexual', 1),
  cell('probable', 'man', 'adult', 'labour', 3),
  cell('probable', 'non_binary_other', 'unknown', 'begging', 1),
  cell('suspected', 'woman', 'adult', 'sexual', 1),
  cell('suspected', 'man', 'child', 'forced_criminality', 1),
];

const sortCells = (list: Cell[]): Cell[] =>
  [...list].sort((a, b) =>
    `${a.certainty}|${a.gender}|${a.ageGroup}|${a.form}`.localeCompare(
      `${b.certainty}|${b.gender}|${b.ageGroup}|${b.form}`,
    ),
  );

/** Sums cells of several reports (what the database must compute). */
function sumCells(...reports: Cell[][]): Cell[] {
  const sums = new Map<string, Cell>();
  for (const f of reports.flat()) {
    if (f.persons === 0) continue;
    const key = `${f.certainty}|${f.gender}|${f.ageGroup}|${f.form}`;
    const prev = sums.get(key);
    sums.set(key, { ...f, persons: (prev?.persons ?? 0) + f.persons });
  }
  return sortCells([...sums.values()]);
}

interface SummaryFigureJson {
  state: 'published' | 'suppressed';
  count?: number;
  percent?: number;
  reason?: string;
}
interface SummaryJson {
  key: string;
  dimension: 'form' | 'gender' | 'ageGroup';
  categories: string[];
  rows: Array<{ certainty: string; cells: SummaryFigureJson[]; total: SummaryFigureJson }>;
  columnTotals: SummaryFigureJson[];
  total: SummaryFigureJson;
  withheld: boolean;
}
interface PublishableJson {
  version: 'publishable';
  threshold: number;
  reportingOrganisations: number;
  expectedOrganisations: number;
  tables: SummaryJson[];
}

const ORGANISATION_NAMES = ['Skyddat boende Ljuset', 'Församlingen Hoppet', 'Föreningen Hamnen'];

function summary(tables: readonly SummaryJson[], key: string): SummaryJson {
  const table = tables.find((x) => x.key === key);
  if (!table) throw new Error(`no table ${key}`);
  return table;
}

function figureAt(table: SummaryJson, certainty: string, category: string): SummaryFigureJson {
  const row = table.rows.find((r) => r.certainty === certainty);
  const j = table.categories.indexOf(category);
  const f = row?.cells[j];
  if (!f) throw new Error(`no figure ${certainty} × ${category}`);
  return f;
}

/** A summary table with full counts adds up to the cells it summarises. */
function checkSums(table: SummaryJson, cells: readonly Cell[]): void {
  const of = (c: Cell) =>
    table.dimension === 'form' ? c.form : table.dimension === 'gender' ? c.gender : c.ageGroup;
  const persons = (keep: (c: Cell) => boolean) =>
    cells.filter(keep).reduce((n, c) => n + c.persons, 0);
  for (const row of table.rows) {
    table.categories.forEach((cat, j) =>
      expect(row.cells[j]?.count).toBe(
        persons((c) => c.certainty === row.certainty && of(c) === cat),
      ),
    );
    expect(row.total.count).toBe(persons((c) => c.certainty === row.certainty));
  }
  table.categories.forEach((cat, j) =>
    expect(table.columnTotals[j]?.count).toBe(persons((c) => of(c) === cat)),
  );
  expect(table.total.count).toBe(persons(() => true));
}

/**
 * What must hold of publishable tables whatever the figures: published
 * figures are the internal ones and never from 1 to threshold − 1; a total
 * the tables share (persons per certainty, all persons) is published in all
 * of them or in none; no row, column or total equation leaves exactly one
 * suppressed figure to be worked out; percentages only of published figures.
 */
function checkPublishable(
  published: readonly SummaryJson[],
  internal: readonly SummaryJson[],
  threshold: number,
): void {
  const figures = (x: SummaryJson) => [
    ...x.rows.flatMap((r) => [...r.cells, r.total]),
    ...x.columnTotals,
    x.total,
  ];
  for (const table of published) {
    const full = figures(summary(internal, table.key));
    figures(table).forEach((f, i) => {
      if (f.state === 'published') {
        expect(f.count).toBe(full[i]?.count);
        expect(f.count === 0 || (f.count ?? 0) >= threshold, `${table.key} ${f.count}`).toBe(true);
      } else {
        expect(f.percent).toBeUndefined();
        expect(f.count).toBeUndefined();
      }
    });
    if (table.withheld) continue;
    const column = (j: number) => [...table.rows.map((r) => r.cells[j]), table.columnTotals[j]];
    const lines = [
      ...table.rows.map((r) => [...r.cells, r.total]),
      ...table.categories.map((_, j) => column(j)),
      [...table.rows.map((r) => r.total), table.total],
      [...table.columnTotals, table.total],
    ];
    for (const line of lines)
      expect(line.filter((f) => f?.state === 'suppressed')).not.toHaveLength(1);
    for (const r of table.rows) {
      const shown = r.cells.filter((f) => f.percent !== undefined);
      if (r.total.state !== 'published') expect(shown).toEqual([]);
      expect(shown.reduce((n, f) => n + (f.percent ?? 0), 0)).toBeLessThanOrEqual(100);
    }
  }
  const shared = (x: SummaryJson) => [...x.rows.map((r) => r.total), x.total];
  const open = published.filter((x) => !x.withheld);
  for (const x of open) expect(shared(x)).toEqual(shared(open[0] ?? x));
}

describe(`contact statistics (${TEST_DB})`, () => {
  let t: TestApp;
  let cookies: Record<Who, string>;
  let emails: Record<Who, string>;
  let ngoA: string;
  let faithB: string;
  let ngoC: string;
  let round: RoundJson;
  let reportB: string;
  let outsideOrg: string;
  let disabledEmail: string;

  const as = (
    who: Who,
    method: Method,
    url: string,
    body?: unknown,
    lang = 'en',
  ): Promise<LightMyRequestResponse> =>
    call(t, { method, url, body, cookie: cookies[who], headers: { 'accept-language': lang } });
  const base = () => `/api/contact-statistics/rounds/${round.id}`;
  const own = (who: Who) => as(who, 'GET', `${base()}/report`);
  const save = (who: Who, expectedVersion: number, data: { totals: unknown; figures: unknown }) =>
    as(who, 'PUT', `${base()}/report`, { expectedVersion, ...data });
  const submit = (who: Who, expectedVersion: number) =>
    as(who, 'POST', `${base()}/report/submit`, { expectedVersion });
  const national = async (): Promise<NationalJson> => {
    const res = await as('coordinator', 'GET', `${base()}/national`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as NationalJson;
  };
  const detail = async (): Promise<RoundJson> => {
    const res = await as('coordinator', 'GET', base());
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as RoundJson;
  };
  const statusOf = (r: RoundJson, org: string) =>
    r.organisations.find((o) => o.organisationId === org);
  /** Runs a request that must be refused, and checks that the database stayed as it was. */
  async function refused(
    send: () => Promise<LightMyRequestResponse>,
  ): Promise<LightMyRequestResponse> {
    const before = await fingerprint(t, IGNORE);
    const res = await send();
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    return res;
  }
  const fieldCodes = (res: LightMyRequestResponse) =>
    errorOf(res).fields.map((f) => [f.path, f.code]);
  const auditCount = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 365 * DAY, sessionAbsoluteMs: 365 * DAY });
    const platform = await createOrganisation(t, 'Plattformen', 'other', 'national');
    ngoA = await createOrganisation(t, 'Skyddat boende Ljuset', 'ngo', 'M');
    faithB = await createOrganisation(t, 'Församlingen Hoppet', 'faith', 'O');
    ngoC = await createOrganisation(t, 'Föreningen Hamnen', 'ngo', 'AB');
    const authority = await createOrganisation(t, 'Polisen Region Syd', 'authority', 'M');
    const outside = await createOrganisation(t, 'Fristående föreningen', 'ngo', 'AB');
    outsideOrg = outside;
    const research = await createOrganisation(t, 'Institutet', 'research_culture', 'AB');
    const membership: Array<[string, string]> = [
      [ngoA, 'member'],
      [faithB, 'partner'],
      [ngoC, 'member'],
      [authority, 'member'],
      [research, 'member'],
      // `outside` is an NGO that is not in the platform.
    ];
    for (const [org, m] of membership)
      await t.ctx.db
        .updateTable('organisations')
        .set({ membership: m })
        .where('id', '=', org)
        .execute();
    const cast: Array<[Who, Role, string]> = [
      ['coordinator', 'coordinator', platform],
      ['admin', 'admin', platform],
      ['staffA', 'actor_staff', ngoA],
      ['memberA', 'member', ngoA],
      ['memberB', 'member', faithB],
      ['staffC', 'actor_staff', ngoC],
      ['memberC', 'member', ngoC],
      ['authority', 'authority_contact', authority],
      ['outsideStaff', 'actor_staff', outside],
      ['researchMember', 'member', research],
    ];
    cookies = {} as Record<Who, string>;
    emails = {} as Record<Who, string>;
    for (const [who, role, org] of cast) {
      const u = await createUser(t, role, org);
      cookies[who] = await sessionFor(t, u.id);
      emails[who] = u.email;
    }
    // memberC reads English; a disabled account and an authority contact of C get no reminders.
    await t.ctx.db
      .updateTable('users')
      .set({ locale: 'en' })
      .where('email', '=', emails.memberC)
      .execute();
    const disabled = await createUser(t, 'actor_staff', ngoC);
    await t.ctx.db
      .updateTable('users')
      .set({ disabled_at: t.clock.now().toISOString() })
      .where('id', '=', disabled.id)
      .execute();
    disabledEmail = disabled.email;
    await createUser(t, 'authority_contact', ngoC, { email: 'kontakt.hamnen@example.org' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('opens a round for a year; a past deadline, a future year and a second round are refused', async () => {
    const past = await refused(() =>
      as('coordinator', 'POST', '/api/contact-statistics/rounds', {
        year: 2026,
        deadline: '2026-11-22',
      }),
    );
    expect(past.statusCode).toBe(400);
    expect(fieldCodes(past)).toEqual([['deadline', 'date_in_past']]);
    expect(errorOf(past).fields[0]?.message).toBe('The date has already passed.');

    const future = await refused(() =>
      as('coordinator', 'POST', '/api/contact-statistics/rounds', {
        year: 2027,
        deadline: '2027-02-01',
      }),
    );
    expect(fieldCodes(future)).toEqual([['year', 'year_in_future']]);

    const notADate = await refused(() =>
      as('coordinator', 'POST', '/api/contact-statistics/rounds', {
        year: 2026,
        deadline: '15/12/2026',
      }),
    );
    expect(fieldCodes(notADate)).toEqual([['deadline', 'invalid_format']]);

    const res = await as('coordinator', 'POST', '/api/contact-statistics/rounds', {
      year: 2026,
      deadline: '2026-12-10',
    });
    expect(res.statusCode, res.body).toBe(201);
    round = res.json() as RoundJson;
    expect(round).toMatchObject({ year: 2026, deadline: '2026-12-10', version: 1 });
    // Expected: the platform's civil-society organisations only (NGOs and faith communities,
    // members or partners), not the authority, the research institute or the NGO outside the platform.
    expect(round.organisations.map((o) => [o.organisationId, o.status]).sort()).toEqual(
      [
        [ngoA, 'not_started'],
        [faithB, 'not_started'],
        [ngoC, 'not_started'],
      ].sort(),
    );
    expect(round).toMatchObject({ expected: 3, submitted: 0, deadlinePassed: false });

    const twice = await refused(() =>
      as('coordinator', 'POST', '/api/contact-statistics/rounds', {
        year: 2026,
        deadline: '2026-12-31',
      }),
    );
    expect(twice.statusCode).toBe(409);
    expect(errorOf(twice)).toMatchObject({
      code: 'round_exists',
      message: 'Contact statistics for 2026 have already been opened.',
    });

    // The deadline moves (not into the past); the version guards against a stale form.
    const moved = await as('coordinator', 'PATCH', base(), {
      expectedVersion: 1,
      deadline: '2026-12-15',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    round = moved.json() as RoundJson;
    expect(round).toMatchObject({ deadline: '2026-12-15', version: 2 });
    const stale = await refused(() =>
      as('coordinator', 'PATCH', base(), { expectedVersion: 1, deadline: '2026-12-20' }),
    );
    expect(errorOf(stale).code).toBe('conflict');
    const backwards = await refused(() =>
      as('coordinator', 'PATCH', base(), { expectedVersion: 2, deadline: '2026-11-01' }),
    );
    expect(fieldCodes(backwards)).toEqual([['deadline', 'date_in_past']]);

    const list = await as('coordinator', 'GET', '/api/contact-statistics/rounds');
    expect(list.json()).toMatchObject({
      items: [{ id: round.id, year: 2026, expected: 3, submitted: 0 }],
    });
  });

  it('an organisation saves a draft, submits when it adds up, and corrects before the deadline', async () => {
    const empty = await own('staffA');
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toMatchObject({
      id: null,
      status: 'not_started',
      version: 0,
      editable: true,
      totals: { possible: null, probable: null, suspected: null },
      breakdownTotals: { possible: 0, probable: 0, suspected: 0 },
      figures: [],
    });

    // A draft need not add up yet.
    const draft = await save('staffA', 0, {
      totals: { possible: 3, probable: null, suspected: null },
      figures: A_FIRST.figures,
    });
    expect(draft.statusCode, draft.body).toBe(200);
    const d = draft.json() as ReportJson;
    expect(d).toMatchObject({ status: 'draft', version: 1, submittedAt: null });
    expect(d.breakdownTotals).toEqual({ possible: 2, probable: 2, suspected: 0 });

    // Submitting checks the totals against the breakdown.
    const mismatch = await refused(() => submit('staffA', 1));
    expect(mismatch.statusCode).toBe(400);
    expect(fieldCodes(mismatch)).toEqual([
      ['totals.possible', 'totals_mismatch'],
      ['totals.probable', 'required'],
      ['totals.suspected', 'required'],
    ]);
    expect(errorOf(mismatch).fields[0]?.message).toBe(
      'The total does not match the breakdown, which adds up to 2.',
    );

    // A member of the same organisation completes it.
    const fixed = await save('memberA', 1, A_FIRST);
    expect(fixed.statusCode, fixed.body).toBe(200);
    const sent = await submit('staffA', 2);
    expect(sent.statusCode, sent.body).toBe(200);
    const s = sent.json() as ReportJson;
    expect(s).toMatchObject({ status: 'submitted', version: 3, editable: true });
    expect(s.submittedAt).toBe(t.clock.now().toISOString());

    const again = await refused(() => submit('staffA', 3));
    expect(errorOf(again)).toMatchObject({ code: 'already_submitted' });
    expect(again.statusCode).toBe(409);

    // A correction of a submitted report must add up; it stays submitted, with a new version.
    const badCorrection = await refused(() =>
      save('staffA', 3, {
        totals: { possible: 9, probable: 2, suspected: 1 },
        figures: A_CORRECTED.figures,
      }),
    );
    expect(fieldCodes(badCorrection)).toEqual([['totals.possible', 'totals_mismatch']]);
    const corrected = await save('staffA', 3, A_CORRECTED);
    expect(corrected.statusCode, corrected.body).toBe(200);
    const c = corrected.json() as ReportJson;
    expect(c).toMatchObject({ status: 'submitted', version: 4, submittedAt: s.submittedAt });
    expect(sortCells(c.figures)).toEqual(sumCells(A_CORRECTED.figures));
    await t.ctx.audit.flush();
    const actions = (
      await t.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('object_id', '=', String(c.id))
        .orderBy('seq')
        .execute()
    ).map((e) => e.action);
    expect(actions).toEqual([
      'contact_statistics.draft_saved',
      'contact_statistics.draft_saved',
      'contact_statistics.submitted',
      'contact_statistics.corrected',
    ]);

    // The faith community (a partner of the platform) reports through a member account.
    const b1 = await save('memberB', 0, B);
    expect(b1.statusCode, b1.body).toBe(200);
    const b2 = await submit('memberB', 1);
    expect(b2.statusCode, b2.body).toBe(200);
    reportB = String((b2.json() as ReportJson).id);

    // C saves a draft and stops there.
    const c1 = await save('staffC', 0, C);
    expect(c1.statusCode, c1.body).toBe(200);

    const mine = await as('staffA', 'GET', '/api/contact-statistics/reports');
    expect(mine.json()).toEqual({
      items: [
        {
          roundId: round.id,
          year: 2026,
          deadline: '2026-12-15',
          reportId: c.id,
          status: 'submitted',
          version: 4,
          editable: true,
          submittedAt: s.submittedAt,
        },
      ],
    });
    const byId = await as('memberA', 'GET', `/api/contact-statistics/reports/${String(c.id)}`);
    expect(byId.statusCode, byId.body).toBe(200);
    expect(byId.json()).toMatchObject({ id: c.id, version: 4, status: 'submitted' });
  });

  it('refuses bad figures with translated messages and changes nothing', async () => {
    const totals = { possible: 1, probable: 0, suspected: 0 };
    const cases: Array<[unknown, Array<[string, string]>]> = [
      [[cell('possible', 'woman', 'adult', 'sexual', -1)], [['figures.0.persons', 'too_small']]],
      [[cell('possible', 'woman', 'adult', 'sexual', 1.5)], [['figures.0.persons', 'not_integer']]],
      [
        [cell('certain', 'woman', 'adult', 'sexual', 1)],
        [['figures.0.certainty', 'invalid_value']],
      ],
      [[cell('possible', 'alien', 'adult', 'sexual', 1)], [['figures.0.gender', 'invalid_value']]],
      [
        [cell('possible', 'woman', 'elderly', 'sexual', 1)],
        [['figures.0.ageGroup', 'invalid_value']],
      ],
      [[cell('possible', 'woman', 'adult', 'theft', 1)], [['figures.0.form', 'invalid_value']]],
      [
        [{ ...cell('possible', 'woman', 'adult', 'sexual', 1), persons: '1' }],
        [['figures.0.persons', 'invalid_type']],
      ],
      [
        [
          cell('possible', 'woman', 'adult', 'sexual', 1),
          cell('possible', 'woman', 'adult', 'sexual', 2),
        ],
        [['figures.1', 'duplicate']],
      ],
    ];
    for (const [figures, expected] of cases) {
      const res = await refused(() => save('staffC', 1, { totals, figures }));
      expect(res.statusCode, JSON.stringify(figures)).toBe(400);
      expect(errorOf(res).code).toBe('validation');
      expect(fieldCodes(res), JSON.stringify(figures)).toEqual(expected);
    }
    const negativeTotal = await refused(() =>
      save('staffC', 1, { totals: { ...totals, probable: -3 }, figures: [] }),
    );
    expect(fieldCodes(negativeTotal)).toEqual([['totals.probable', 'too_small']]);

    // The messages, in English and in Swedish.
    const negative = await refused(() =>
      save('staffC', 1, { totals, figures: [cell('possible', 'woman', 'adult', 'sexual', -1)] }),
    );
    expect(errorOf(negative).message).toBe('Please check the highlighted fields.');
    expect(errorOf(negative).fields[0]?.message).toBe(
      'The value is too short or too small (at least 0).',
    );
    const fraction = await refused(() =>
      as(
        'staffC',
        'PUT',
        `${base()}/report`,
        {
          expectedVersion: 1,
          totals,
          figures: [cell('possible', 'woman', 'adult', 'sexual', 0.5)],
        },
        'sv',
      ),
    );
    expect(errorOf(fraction).fields[0]?.message).toBe('Ange ett heltal.');

    // A stale version: someone else saved in between.
    const stale = await refused(() => save('staffC', 0, C));
    expect(stale.statusCode).toBe(409);
    expect(errorOf(stale)).toMatchObject({
      code: 'conflict',
      message: 'The data was changed by someone else. Reload and try again.',
    });
    const staleSubmit = await refused(() => submit('staffC', 7));
    expect(errorOf(staleSubmit).code).toBe('conflict');
  });

  it('the coordinator sees who has submitted and reminds the others through the outbox', async () => {
    const r = await detail();
    expect(r).toMatchObject({ expected: 3, submitted: 2 });
    expect(statusOf(r, ngoA)).toMatchObject({ status: 'submitted', reminders: 0 });
    expect(statusOf(r, faithB)?.status).toBe('submitted');
    expect(statusOf(r, faithB)?.submittedAt).toBe(t.clock.now().toISOString());
    expect(statusOf(r, ngoC)).toMatchObject({ status: 'draft', submittedAt: null });

    // Only organisations that have not submitted, and may still, can be named.
    const notDue = await refused(() =>
      as('coordinator', 'POST', `${base()}/reminders`, { organisationIds: [ngoA] }),
    );
    expect(fieldCodes(notDue)).toEqual([['organisationIds.0', 'invalid_value']]);

    const res = await as('coordinator', 'POST', `${base()}/reminders`, {});
    expect(res.statusCode, res.body).toBe(200);
    const sentAt = t.clock.now().toISOString();
    expect(res.json()).toEqual({
      sentAt,
      recipients: 2,
      organisations: [{ organisationId: ngoC, name: 'Föreningen Hamnen', recipients: 2 }],
    });

    // To C's reporting users, each in their language: the year, the deadline and the link, nothing else.
    const [sv] = await mailTo(t, emails.staffC);
    expect(sv?.subject).toBe('Kontaktstatistik för 2026: rapportera senast 2026-12-15');
    expect(sv?.body_text).toContain(`${ORIGIN}/contact-statistics`);
    expect(sv?.body_text).toContain('2026-12-15');
    expect(sv?.body_text).not.toContain('Hamnen');
    const [en] = await mailTo(t, emails.memberC);
    expect(en?.subject).toBe('Contact statistics for 2026: please report by 2026-12-15');
    expect(en?.body_text).toBe(
      'Hello,\n\nThe platform is collecting contact statistics for 2026, and your organisation has not yet submitted its figures. The last day to report is 2026-12-15.\n\nSign in to Slussa to report:\nhttp://localhost:3000/contact-statistics\n\nSlussa',
    );
    expect(await mailTo(t, disabledEmail)).toEqual([]);
    expect(await mailTo(t, 'kontakt.hamnen@example.org')).toEqual([]); // no reporting permission
    expect(await mailTo(t, emails.staffA)).toEqual([]);

    // Sending again a little later is fine, and recorded.
    t.clock.advance(60_000);
    const second = await as('coordinator', 'POST', `${base()}/reminders`, {
      organisationIds: [ngoC],
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(await mailTo(t, emails.staffC)).toHaveLength(2);
    const after = await detail();
    expect(statusOf(after, ngoC)).toMatchObject({
      reminders: 2,
      lastReminderAt: t.clock.now().toISOString(),
    });
    expect(after.organisations.find((o) => o.organisationId === ngoA)?.lastReminderAt).toBeNull();
    await t.ctx.audit.flush();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'contact_statistics.reminders_sent')
      .where('object_id', '=', round.id)
      .execute();
    expect(events).toHaveLength(2);
  });

  it('the national table is the sum of the submitted reports, as JSON, CSV and XLSX', async () => {
    const table = await national();
    // The sums by hand, and the same from the reports themselves; C's draft is not in it.
    expect(sortCells(NATIONAL_AB)).toEqual(sumCells(A_CORRECTED.figures, B.figures));
    expect(sortCells(table.cells)).toEqual(sortCells(NATIONAL_AB));
    expect(table).toMatchObject({
      reportingOrganisations: 2,
      expectedOrganisations: 3,
      totals: { possible: 6, probable: 4, suspected: 2, all: 12 },
    });

    const subs = await as('coordinator', 'GET', `${base()}/submissions`);
    expect(subs.statusCode, subs.body).toBe(200);
    const items = (subs.json() as { items: Array<{ organisationId: string; figures: Cell[] }> })
      .items;
    expect(items.map((i) => i.organisationId).sort()).toEqual([ngoA, faithB].sort());
    expect(sortCells(items.find((i) => i.organisationId === faithB)?.figures ?? [])).toEqual(
      sumCells(B.figures),
    );

    const csv = await as('coordinator', 'GET', `${base()}/national/export?format=csv`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(csv.headers['content-disposition'])).toContain(
      'contact-statistics-2026-national-table.csv',
    );
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Certainty;Gender;Age group;Sexual exploitation;Labour exploitation;Forced criminality;Begging;Organ removal;Other form;Total',
    );
    expect(lines).toContain('Possible victims;Woman;Adult (18 or older);5;0;0;0;0;0;5');
    expect(lines).toContain('Probable victims;Non-binary or other;Age not known;0;0;0;1;0;0;1');
    expect(lines).toContain('Possible victims;All;All;6;0;0;0;0;0;6');
    expect(lines).toContain('All certainties;All;All;7;3;1;1;0;0;12');
    expect(lines.at(-1)).toBe('Reporting organisations;;;2');
    // 3 certainties × 4 genders × 3 age groups, 3 certainty totals, the grand total, the organisations.
    expect(lines).toHaveLength(1 + 36 + 3 + 1 + 1);
    // The interface's language, asked for in the link, wins over the browser's.
    const swedish = await as('coordinator', 'GET', `${base()}/national/export?format=csv&lang=sv`);
    expect(swedish.statusCode, swedish.body).toBe(200);
    const swedishHeader = swedish.body.replace(/^\ufeff/, '').split('\r\n')[0];
    expect(swedishHeader).not.toBe(lines[0]);
    expect(swedishHeader).toContain('Totalt');

    const xlsx = await as(
      'coordinator',
      'GET',
      `${base()}/national/export?format=xlsx`,
      undefined,
      'sv',
    );
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('Nationell tabell 2026');
    expect(sheet).toBeDefined();
    expect(sheet?.getRow(1).getCell(1).value).toBe('Grad av misstanke');
    expect(sheet?.getRow(2).values).toEqual([
      undefined,
      'Möjliga offer',
      'Kvinna',
      'Vuxen (18 år eller äldre)',
      5,
      0,
      0,
      0,
      0,
      0,
      5,
    ]);

    await t.ctx.audit.flush();
    const exported = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'contact_statistics.exported')
      .execute();
    // The CSV twice (the browser's language and `lang=sv`) and the XLSX.
    expect(exported).toHaveLength(3);
  });

  it('refuses those who may not: 403 without the permission, 404 for another organisation’s report', async () => {
    for (const who of ['staffA', 'memberB', 'authority', 'admin'] as const) {
      for (const url of [
        '/api/contact-statistics/rounds',
        base(),
        `${base()}/national`,
        `${base()}/national/export?format=csv`,
        `${base()}/submissions`,
      ]) {
        const res = await refused(() => as(who, 'GET', url));
        expect(`${who} ${url} ${res.statusCode} ${errorOf(res).code}`).toBe(
          `${who} ${url} 403 forbidden`,
        );
      }
      const remind = await refused(() => as(who, 'POST', `${base()}/reminders`, {}));
      expect(remind.statusCode).toBe(403);
      const reopen = await refused(() =>
        as(who, 'POST', `${base()}/reopen`, { organisationId: ngoC }),
      );
      expect(reopen.statusCode).toBe(403);
    }
    // Another organisation's report is not revealed.
    const other = await refused(() =>
      as('staffA', 'GET', `/api/contact-statistics/reports/${reportB}`),
    );
    expect(other.statusCode).toBe(404);
    expect(errorOf(other).code).toBe('not_found');
    const unknownRound = await refused(() =>
      as(
        'staffA',
        'GET',
        '/api/contact-statistics/rounds/01890000-0000-7000-8000-000000000009/report',
      ),
    );
    expect(unknownRound.statusCode).toBe(404);

    // An authority contact, the coordinator and the administrator do not report.
    for (const who of ['authority', 'coordinator', 'admin'] as const) {
      const read = await refused(() => own(who));
      expect(read.statusCode).toBe(403);
      const write = await refused(() => save(who, 0, C));
      expect(`${who} ${write.statusCode} ${errorOf(write).code}`).toBe(`${who} 403 forbidden`);
    }
    // Organisations that are not civil society in the platform cannot report, whatever the role.
    for (const who of ['outsideStaff', 'researchMember'] as const) {
      for (const send of [
        () => own(who),
        () => save(who, 0, C),
        () => submit(who, 1),
        () => as(who, 'GET', '/api/contact-statistics/reports'),
        () => as(who, 'GET', `/api/contact-statistics/reports/${reportB}`),
      ]) {
        const res = await refused(send);
        expect(res.statusCode).toBe(403);
        expect(errorOf(res)).toMatchObject({
          code: 'not_reporting_organisation',
          message: expect.stringContaining('civil-society organisations') as unknown as string,
        });
      }
    }
  });

  it('after the deadline nothing changes until the coordinator reopens a report', async () => {
    // 23:30 on the last day in Stockholm (22:30 UTC in winter) is still in time.
    t.clock.advance(Date.parse('2026-12-15T22:30:00.000Z') - t.clock.now().getTime());
    const lastMinute = await save('staffC', 1, C);
    expect(lastMinute.statusCode, lastMinute.body).toBe(200);
    expect(lastMinute.json()).toMatchObject({ version: 2, editable: true });

    // Half past midnight in Stockholm: the deadline has passed.
    t.clock.advance(60 * 60_000);
    for (const send of [
      () => submit('staffC', 2),
      () => save('staffC', 2, C),
      () => save('staffA', 4, A_FIRST),
    ]) {
      const res = await refused(send);
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toMatchObject({
        code: 'deadline_passed',
        message:
          'The last day to report (2026-12-15) has passed, so the report can no longer be changed. Ask the coordinator to reopen it.',
      });
    }
    const svMessage = await refused(() =>
      as('staffC', 'POST', `${base()}/report/submit`, { expectedVersion: 2 }, 'sv'),
    );
    expect(errorOf(svMessage).message).toBe(
      'Sista dagen att rapportera (2026-12-15) har passerat, så rapporten kan inte längre ändras. Be samordnaren att öppna den igen.',
    );
    expect((await own('staffC')).json()).toMatchObject({ status: 'draft', editable: false });
    expect((await detail()).deadlinePassed).toBe(true);

    // Reminders now reach only organisations that may still submit: none.
    const noOne = await as('coordinator', 'POST', `${base()}/reminders`, {});
    expect(noOne.json()).toMatchObject({ recipients: 0, organisations: [] });

    // The coordinator reopens C's report: C may save and submit once more.
    const reopenMails = async () =>
      t.ctx.db
        .selectFrom('outbox')
        .select(['to_address', 'subject', 'body_text'])
        .where('kind', '=', 'contact_statistics.reopened')
        .orderBy('to_address')
        .execute();
    expect(await reopenMails()).toEqual([]);
    const reopened = await as('coordinator', 'POST', `${base()}/reopen`, { organisationId: ngoC });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(statusOf(reopened.json() as RoundJson, ngoC)?.status).toBe('reopened');
    // C's reporting users are told, each in their language: the year, the organisation, the link.
    const toC = await reopenMails();
    expect(toC.map((m) => m.to_address)).toEqual([emails.staffC, emails.memberC].sort());
    const svMail = toC.find((m) => m.to_address === emails.staffC);
    expect(svMail?.subject).toBe('Kontaktstatistik för 2026: er rapport är öppen igen');
    expect(svMail?.body_text).toContain('för Föreningen Hamnen igen');
    expect(svMail?.body_text).toContain(`${ORIGIN}/contact-statistics`);
    const enMail = toC.find((m) => m.to_address === emails.memberC);
    expect(enMail?.subject).toBe('Contact statistics for 2026: your report is open again');
    expect(enMail?.body_text).toBe(
      'Hello,\n\nThe deadline for the contact statistics for 2026 has passed, but the coordinator has reopened the report of Föreningen Hamnen. You can now change it and submit it again; it stays open until it is submitted.\n\nSign in to Slussa to report:\nhttp://localhost:3000/contact-statistics\n\nSlussa',
    );
    // Refused reopenings enqueue nothing.
    const twice = await refused(() =>
      as('coordinator', 'POST', `${base()}/reopen`, { organisationId: ngoC }),
    );
    expect(errorOf(twice).code).toBe('not_reopenable');
    const notExpected = await refused(() =>
      as('coordinator', 'POST', `${base()}/reopen`, { organisationId: outsideOrg }),
    );
    expect(fieldCodes(notExpected)).toEqual([['organisationId', 'invalid_value']]);
    const notCoordinator = await refused(() =>
      as('staffC', 'POST', `${base()}/reopen`, { organisationId: ngoC }),
    );
    expect(notCoordinator.statusCode).toBe(403);
    expect(await reopenMails()).toEqual(toC);

    const view = (await own('staffC')).json() as ReportJson;
    expect(view).toMatchObject({ status: 'reopened', editable: true, version: 3 });
    expect(view.reopenedAt).toBe(t.clock.now().toISOString());
    const late = await submit('staffC', 3);
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json()).toMatchObject({ status: 'submitted', version: 4, editable: false });
    const after = await refused(() => save('staffC', 4, C));
    expect(errorOf(after).code).toBe('deadline_passed');

    let table = await national();
    expect(sortCells(table.cells)).toEqual(sumCells(NATIONAL_AB, C.figures));
    expect(table).toMatchObject({
      reportingOrganisations: 3,
      totals: { possible: 11, probable: 4, suspected: 2, all: 17 },
    });

    // Reopening a submitted report takes it out of the table until it is submitted again.
    const reopenA = await as('coordinator', 'POST', `${base()}/reopen`, { organisationId: ngoA });
    expect(reopenA.statusCode, reopenA.body).toBe(200);
    expect((await reopenMails()).map((m) => m.to_address)).toEqual(
      [emails.staffC, emails.memberC, emails.staffA, emails.memberA].sort(),
    );
    table = await national();
    expect(table.reportingOrganisations).toBe(2);
    expect(sortCells(table.cells)).toEqual(sumCells(B.figures, C.figures));
    const resaved = await save('staffA', 5, A_CORRECTED);
    expect(resaved.statusCode, resaved.body).toBe(200);
    expect((await submit('staffA', 6)).statusCode).toBe(200);
    table = await national();
    expect(sortCells(table.cells)).toEqual(sumCells(A_CORRECTED.figures, B.figures, C.figures));
    expect(table.totals.all).toBe(17);

    const final = await detail();
    expect(final.organisations.map((o) => o.status)).toEqual([
      'submitted',
      'submitted',
      'submitted',
    ]);
  });

  it('the publishable national table suppresses small counts in JSON, CSV, XLSX and PDF; the internal one keeps them', async () => {
    // Now A (corrected), B and C have submitted: 11 possible, 4 probable, 2 suspected, 17 in all;
    // one probable victim was exploited through begging.
    const internal = await national();
    expect(internal).toMatchObject({ version: 'internal', totals: { all: 17 } });
    const internalForm = summary(internal.tables, 'certainty_form');
    expect(figureAt(internalForm, 'probable', 'begging')).toEqual({
      state: 'published',
      count: 1,
      percent: 25,
    });
    expect(internalForm.rows.map((r) => r.total)).toEqual([
      { state: 'published', count: 11, percent: 65 },
      { state: 'published', count: 4, percent: 23 },
      { state: 'published', count: 2, percent: 12 },
    ]);
    // The summary tables are the sums of the cells.
    for (const table of internal.tables) checkSums(table, internal.cells);

    const publishable = async (query: string, lang = 'en') => {
      const res = await as('coordinator', 'GET', `${base()}/national?${query}`, undefined, lang);
      expect(res.statusCode, res.body).toBe(200);
      // No organisation is named, and neither the cells nor the full totals are there.
      for (const name of ORGANISATION_NAMES) expect(res.body).not.toContain(name);
      const body = res.json() as PublishableJson & { cells?: unknown; totals?: unknown };
      expect(body.cells).toBeUndefined();
      expect(body.totals).toBeUndefined();
      return body;
    };
    const byDefault = await publishable('version=publishable');
    expect(byDefault).toMatchObject({
      version: 'publishable',
      threshold: 11,
      reportingOrganisations: 3,
      expectedOrganisations: 3,
    });
    checkPublishable(byDefault.tables, internal.tables, 11);
    const form = summary(byDefault.tables, 'certainty_form');
    expect(figureAt(form, 'probable', 'begging')).toEqual({
      state: 'suppressed',
      reason: 'primary',
    });
    // The persons per certainty below 11 are suppressed in every table, the grand total of 17 is not.
    for (const table of byDefault.tables) {
      expect(table.rows.map((r) => r.total.state)).toEqual([
        'published',
        'suppressed',
        'suppressed',
      ]);
      expect(table.total).toEqual({ state: 'published', count: 17 });
    }

    const low = await publishable('version=publishable&threshold=4');
    expect(low.threshold).toBe(4);
    checkPublishable(low.tables, internal.tables, 4);
    const lowForm = summary(low.tables, 'certainty_form');
    expect(figureAt(lowForm, 'probable', 'begging')).toEqual({
      state: 'suppressed',
      reason: 'primary',
    });
    expect(lowForm.rows[1]?.total).toEqual({ state: 'published', count: 4 });

    // A threshold below 3 is refused, in the request's language, and nothing is read or recorded.
    await t.ctx.audit.flush();
    const eventsBefore = await auditCount();
    for (const url of [
      `${base()}/national?version=publishable&threshold=2`,
      `${base()}/national/export?format=pdf&version=publishable&threshold=2`,
    ]) {
      const tooLow = await refused(() => as('coordinator', 'GET', url));
      expect(tooLow.statusCode).toBe(400);
      expect(fieldCodes(tooLow)).toEqual([['threshold', 'threshold_too_low']]);
      expect(errorOf(tooLow).fields[0]?.message).toBe(
        'The threshold must be a whole number of at least 3.',
      );
    }
    const svTooLow = await refused(() =>
      as(
        'coordinator',
        'GET',
        `${base()}/national?version=publishable&threshold=0`,
        undefined,
        'sv',
      ),
    );
    expect(errorOf(svTooLow).fields[0]?.message).toBe(
      'Tröskelvärdet måste vara ett heltal som är minst 3.',
    );
    for (const query of ['version=public', 'version=publishable&threshold=tre', 'format=pdf']) {
      const bad = await refused(() => as('coordinator', 'GET', `${base()}/national?${query}`));
      expect(bad.statusCode, query).toBe(400);
    }
    const badFormat = await refused(() =>
      as('coordinator', 'GET', `${base()}/national/export?format=docx&version=publishable`),
    );
    expect(badFormat.statusCode).toBe(400);
    const badLang = await refused(() =>
      as('coordinator', 'GET', `${base()}/national/export?format=csv&lang=fi`),
    );
    expect(badLang.statusCode).toBe(400);
    await t.ctx.audit.flush();
    expect(await auditCount()).toBe(eventsBefore);

    // Only the coordinator.
    for (const who of ['staffA', 'memberB', 'admin'] as const) {
      for (const url of [
        `${base()}/national?version=publishable`,
        `${base()}/national/export?format=pdf&version=publishable`,
      ]) {
        const res = await refused(() => as(who, 'GET', url));
        expect(res.statusCode).toBe(403);
      }
    }

    const download = async (format: string, version: string, lang = 'en') => {
      const res = await as(
        'coordinator',
        'GET',
        `${base()}/national/export?format=${format}&version=${version}`,
        undefined,
        lang,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res;
    };

    // CSV: the form table's probable row with ".." where begging (1) and the row total (4) were.
    const csv = await download('csv', 'publishable');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(csv.headers['content-disposition'])).toContain(
      'contact-statistics-2026-publishable-table.csv',
    );
    const csvLines = csv.body.replace(/^\ufeff/, '').split('\r\n');
    expect(csvLines[0]).toBe('Contact statistics 2026: national table');
    const formAt = csvLines.indexOf('Persons by certainty and form of exploitation');
    expect(formAt).toBeGreaterThan(0);
    expect(csvLines.slice(formAt + 1, formAt + 6)).toEqual([
      'Certainty;Sexual exploitation;Labour exploitation;Forced criminality;Begging;Organ removal;Other form;Total',
      'Possible victims;..;0;0;0;0;..;11',
      'Probable victims;0;..;0;..;0;0;..',
      'Suspected victims (reported to the police);..;0;..;0;0;0;..',
      'All certainties;..;..;..;..;0;..;17',
    ]);
    expect(csvLines).toContain(
      '..: not published. Counts from 1 to 10 are suppressed, and where needed further figures too, so that no suppressed count can be worked out from the others.',
    );
    for (const name of ORGANISATION_NAMES) expect(csv.body).not.toContain(name);
    // The internal CSV keeps the one probable victim of begging.
    const internalCsv = await download('csv', 'internal');
    expect(internalCsv.body).toContain(
      'Probable victims;Non-binary or other;Age not known;0;0;0;1;0;0;1',
    );

    // XLSX, in Swedish: the same row, read back.
    const xlsx = await download('xlsx', 'publishable', 'sv');
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(String(xlsx.headers['content-disposition'])).toContain(
      'kontaktstatistik-2026-publicerbar-tabell.xlsx',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('Publicerbar tabell 2026');
    expect(sheet).toBeDefined();
    const rows: unknown[][] = [];
    sheet?.eachRow((row) => rows.push(Array.isArray(row.values) ? row.values.slice(1) : []));
    const title = rows.findIndex(
      (r) => r[0] === 'Personer efter grad av misstanke och exploateringsform',
    );
    expect(title).toBeGreaterThan(0);
    expect(rows[title + 3]).toEqual(['Troliga offer', 0, '..', 0, '..', 0, 0, '..']);
    expect(rows.flat()).not.toContain(1);
    for (const name of ORGANISATION_NAMES) expect(JSON.stringify(rows)).not.toContain(name);

    // PDF: A4; the row as the reader sees it; the internal PDF has the full counts.
    const pdf = await download('pdf', 'publishable');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(String(pdf.headers['content-disposition'])).toContain(
      'contact-statistics-2026-publishable-table.pdf',
    );
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const text = pdfText(pdf.rawPayload).split('\n');
    const probable = text.indexOf('Probable victims');
    expect(text.slice(probable, probable + 8)).toEqual([
      'Probable victims',
      '0',
      '..',
      '0',
      '..',
      '0',
      '0',
      '..',
    ]);
    expect(text).toContain('Version');
    expect(text).toContain('Publishable: small counts suppressed');
    for (const name of ORGANISATION_NAMES) expect(text.join(' ')).not.toContain(name);
    const internalPdf = pdfText((await download('pdf', 'internal')).rawPayload).split('\n');
    const internalProbable = internalPdf.indexOf('Probable victims');
    expect(internalPdf.slice(internalProbable, internalProbable + 8)).toEqual([
      'Probable victims',
      '0',
      '3 (75%)',
      '0',
      '1 (25%)',
      '0',
      '0',
      '4 (23%)',
    ]);
    expect(internalPdf).toContain('Internal: full counts, not for publication');

    await t.ctx.audit.flush();
    const actions = async (action: string) =>
      (
        await t.ctx.db
          .selectFrom('audit_events')
          .select('action')
          .where('action', '=', action)
          .where('object_id', '=', round.id)
          .execute()
      ).length;
    expect(await actions('contact_statistics.publishable_read')).toBe(2);
    expect(await actions('contact_statistics.publishable_exported')).toBe(3);
  });
});

/* ---------- the summary tables, protected together (no database) ---------- */

type Certainty = (typeof CERTAINTIES)[number];

/**
 * An attacker of its own, without the module's flows: every figure of the
 * three published tables is an unknown with the interval the publication
 * gives it (published: its value; primary: 1 … threshold − 1; secondary:
 * threshold … CAP; withheld: 0 … CAP), a shared total is one unknown for all
 * tables, and every row, column and total equation holds. Exact search
 * (bounds propagation and splitting) decides whether a figure can take two
 * values.
 */
function derivable(tables: readonly SummaryJson[], threshold: number, cap: number) {
  const bounds: Array<[number, number]> = [];
  const values: number[] = [];
  const equations: Array<Array<[number, 1 | -1]>> = [];
  const interval = (f: SummaryFigureJson): [number, number] =>
    f.state === 'published'
      ? [f.count ?? 0, f.count ?? 0]
      : f.reason === 'primary'
        ? [1, threshold - 1]
        : f.reason === 'secondary'
          ? [threshold, cap]
          : [0, cap];
  const unknown = (actual: number, f: SummaryFigureJson): number => {
    values.push(actual);
    bounds.push(interval(f));
    return values.length - 1;
  };
  const narrow = (i: number, f: SummaryFigureJson) => {
    const [lo, hi] = interval(f);
    const b = bounds[i];
    if (b) bounds[i] = [Math.max(b[0], lo), Math.min(b[1], hi)];
  };
  return (internal: readonly SummaryJson[]) => {
    const first = internal[0];
    if (!first) throw new Error('no tables');
    const rowTotals = first.rows.map((r, i) =>
      unknown(r.total.count ?? 0, tables[0]?.rows[i]?.total ?? r.total),
    );
    const total = unknown(first.total.count ?? 0, tables[0]?.total ?? first.total);
    equations.push([...rowTotals.map((r): [number, 1] => [r, 1]), [total, -1]]);
    const owned: Array<[number, SummaryFigureJson, string]> = [];
    tables.forEach((pub, k) => {
      const full = summary(internal, pub.key);
      pub.rows.forEach((r, i) => narrow(rowTotals[i] ?? 0, r.total));
      narrow(total, pub.total);
      const cells = pub.rows.map((r, i) =>
        r.cells.map((f, j) => {
          const v = unknown(full.rows[i]?.cells[j]?.count ?? 0, f);
          owned.push([v, f, `${k} ${i} ${j}`]);
          return v;
        }),
      );
      const columns = pub.columnTotals.map((f, j) => {
        const v = unknown(full.columnTotals[j]?.count ?? 0, f);
        owned.push([v, f, `${k} column ${j}`]);
        return v;
      });
      cells.forEach((r, i) =>
        equations.push([...r.map((c): [number, 1] => [c, 1]), [rowTotals[i] ?? 0, -1]]),
      );
      columns.forEach((c, j) =>
        equations.push([...cells.map((r): [number, 1] => [r[j] ?? 0, 1]), [c, -1]]),
      );
      equations.push([...columns.map((c): [number, 1] => [c, 1]), [total, -1]]);
    });
    const shared: Array<[number, string]> = [
      ...rowTotals.map((r, i): [number, string] => [r, `row total ${i}`]),
      [total, 'total'],
    ];
    const suppressed = [
      ...shared.filter(([v]) =>
        tables.some((x) => {
          const f = v === total ? x.total : x.rows[rowTotals.indexOf(v)]?.total;
          return !x.withheld && f?.state === 'suppressed';
        }),
      ),
      ...owned
        .filter(([, f]) => f.state === 'suppressed')
        .map(([v, , name]): [number, string] => [v, name]),
    ];
    const found: string[] = [];
    for (const [s, name] of suppressed) {
      const v = values[s] ?? 0;
      if (v === 0) continue;
      const [lo, hi] = bounds[s] ?? [0, 0];
      const budget = { left: 200_000 };
      const other = [
        [lo, v - 1],
        [v + 1, hi],
      ].some(([a = 0, b = -1]) => {
        if (a > b) return false;
        const start = bounds.map((x, i): [number, number] => (i === s ? [a, b] : [x[0], x[1]]));
        return solvable(start, equations, values, budget);
      });
      expect(budget.left, 'the search ran out of budget').toBeGreaterThan(0);
      if (!other) found.push(name);
    }
    return found;
  };
}

function solvable(
  bounds: Array<[number, number]>,
  equations: ReadonlyArray<ReadonlyArray<[number, 1 | -1]>>,
  prefer: readonly number[],
  budget: { left: number },
): boolean {
  budget.left -= 1;
  if (budget.left < 0 || !tighten(bounds, equations)) return false;
  let pick = -1;
  bounds.forEach(([lo, hi], i) => {
    const best = bounds[pick];
    if (lo < hi && (!best || hi - lo < best[1] - best[0])) pick = i;
  });
  if (pick < 0) return true;
  const [lo, hi] = bounds[pick] ?? [0, 0];
  const mid = Math.floor((lo + hi) / 2);
  const halves: Array<[number, number]> = [
    [lo, mid],
    [mid + 1, hi],
  ];
  if ((prefer[pick] ?? 0) > mid) halves.reverse();
  return halves.some((h) =>
    solvable(
      bounds.map((x, i): [number, number] => (i === pick ? h : [x[0], x[1]])),
      equations,
      prefer,
      budget,
    ),
  );
}

function tighten(
  bounds: Array<[number, number]>,
  equations: ReadonlyArray<ReadonlyArray<[number, 1 | -1]>>,
): boolean {
  for (let changed = true; changed;) {
    changed = false;
    for (const terms of equations) {
      const span = terms.map(([e, a]): [number, number] => {
        const [lo, hi] = bounds[e] ?? [0, 0];
        return a > 0 ? [lo, hi] : [-hi, -lo];
      });
      const min = span.reduce((n, x) => n + x[0], 0);
      const max = span.reduce((n, x) => n + x[1], 0);
      if (max < 0 || min > 0) return false;
      for (const [k, [e, a]] of terms.entries()) {
        const [kMin, kMax] = span[k] ?? [0, 0];
        const low = kMax - max;
        const high = kMin - min;
        const b = bounds[e];
        if (!b) continue;
        const lo = a > 0 ? low : -high;
        const hi = a > 0 ? high : -low;
        if (lo > b[0]) {
          b[0] = lo;
          changed = true;
        }
        if (hi < b[1]) {
          b[1] = hi;
          changed = true;
        }
        if (b[0] > b[1]) return false;
      }
    }
  }
  return true;
}

const figure = (
  certainty: Certainty,
  gender: (typeof GENDERS)[number],
  ageGroup: (typeof AGE_GROUPS)[number],
  form: (typeof EXPLOITATION_FORMS)[number],
  persons: number,
) => ({ certainty, gender, ageGroup, form, persons });

describe('the summary tables of the national table, protected together', () => {
  it('does not give a count away through a total that another table publishes', () => {
    // 4 suspected victims among 20. Protected one table at a time, the form table hides the grand
    // total and publishes the 16 probable victims, and the gender table hides the probable victims
    // and publishes the 20: together they tell that 20 − 16 − 0 = 4 were suspected.
    const cells = [
      figure('suspected', 'man', 'child', 'sexual', 4),
      figure('probable', 'man', 'adult', 'labour', 13),
      figure('probable', 'woman', 'adult', 'labour', 3),
    ];
    const oneByOne = publishableOneByOne(cells, 11);
    const [formAlone, genderAlone] = oneByOne;
    expect(formAlone?.rows.map((r) => r.total.state)).toEqual([
      'published',
      'published',
      'suppressed',
    ]);
    expect(formAlone?.total.state).toBe('suppressed');
    expect(genderAlone?.rows.map((r) => r.total.state)).toEqual([
      'published',
      'suppressed',
      'suppressed',
    ]);
    expect(genderAlone?.total).toMatchObject({ state: 'published', count: 20 });

    const internal = internalTables(cells) as SummaryJson[];
    expect(derivable(oneByOne, 11, 2 * 20 + 23)(internal)).toContain('row total 2');

    const together = publishableTables(cells, 11) as SummaryJson[];
    checkPublishable(together, internal, 11);
    for (const table of together) {
      expect(table.rows[2]?.total.state).toBe('suppressed');
      // Of the four shared figures, never exactly one is hidden.
      const hidden = [...table.rows.map((r) => r.total), table.total].filter(
        (f) => f.state === 'suppressed',
      );
      expect(hidden.length).toBeGreaterThan(1);
    }
    expect(derivable(together, 11, 2 * 20 + 23)(internal)).toEqual([]);
  });

  it('keeps every suppressed count of any figures from being worked out', () => {
    const cell = fc.record({
      certainty: fc.constantFrom(...CERTAINTIES),
      gender: fc.constantFrom('woman', 'man', 'non_binary_other'),
      ageGroup: fc.constantFrom(...AGE_GROUPS),
      form: fc.constantFrom('sexual', 'labour', 'begging', 'other'),
      persons: fc.integer({ min: 1, max: 14 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(cell, {
          minLength: 1,
          maxLength: 10,
          selector: (c) => `${c.certainty}|${c.gender}|${c.ageGroup}|${c.form}`,
        }),
        fc.constantFrom(3, 4, 5, 11),
        (list, threshold) => {
          const cells = list.map((c) =>
            figure(c.certainty, c.gender, c.ageGroup, c.form, c.persons),
          );
          const internal = internalTables(cells) as SummaryJson[];
          const published = publishableTables(cells, threshold) as SummaryJson[];
          checkPublishable(published, internal, threshold);
          const all = internal[0]?.total.count ?? 0;
          expect(derivable(published, threshold, 2 * all + 2 * threshold + 1)(internal)).toEqual(
            [],
          );
        },
      ),
      { numRuns: 60, seed: 20261124 },
    );
  });

  it('refuses a threshold below 3', () => {
    expect(() => publishableTables([], 2)).toThrow(AppError);
    expect(publishableTables([], 3).every((x) => !x.withheld)).toBe(true);
  });
});

/** The three tables through `protect` one at a time (what joint protection improves on). */
function publishableOneByOne(
  cells: ReadonlyArray<ReturnType<typeof figure>>,
  threshold: number,
): SummaryJson[] {
  const axes = [
    {
      key: 'certainty_form',
      categories: EXPLOITATION_FORMS,
      of: (c: ReturnType<typeof figure>) => c.form,
    },
    {
      key: 'certainty_gender',
      categories: GENDERS,
      of: (c: ReturnType<typeof figure>) => c.gender,
    },
    {
      key: 'certainty_age',
      categories: AGE_GROUPS,
      of: (c: ReturnType<typeof figure>) => c.ageGroup,
    },
  ];
  return axes.map((axis) => {
    const counts = CERTAINTIES.map((c) =>
      axis.categories.map((cat) =>
        cells
          .filter((x) => x.certainty === c && axis.of(x) === cat)
          .reduce((n, x) => n + x.persons, 0),
      ),
    );
    const rowTotals = counts.map((r) => r.reduce((a, b) => a + b, 0));
    const p = protect(
      {
        dimensions: [
          { key: 'certainty', categories: CERTAINTIES, multiValued: false },
          { key: 'other', categories: axis.categories, multiValued: false },
        ],
        counts,
        rowTotals,
        columnTotals: axis.categories.map((_, j) => counts.reduce((n, r) => n + (r[j] ?? 0), 0)),
        total: rowTotals.reduce((a, b) => a + b, 0),
      },
      { threshold },
    );
    const asJson = (f: (typeof p.cells)[number][number]): SummaryFigureJson =>
      f.state === 'published'
        ? { state: 'published', count: f.count }
        : { state: 'suppressed', reason: f.reason };
    return {
      key: axis.key,
      dimension: 'form',
      categories: [...axis.categories],
      rows: CERTAINTIES.map((certainty, i) => ({
        certainty,
        cells: (p.cells[i] ?? []).map(asJson),
        total: asJson(p.rowTotals[i] ?? p.total),
      })),
      columnTotals: p.columnTotals.map(asJson),
      total: asJson(p.total),
      withheld: p.withheld,
    };
  });
}
