/**
 * Contact statistics (domain.md §5): the coordinator opens the year's round,
 * civil-society organisations save, submit and correct their figures before
 * the deadline, one that has not submitted is reminded through the outbox,
 * the national table is the sum of the submitted reports, and after the
 * deadline nothing changes until the coordinator reopens a report. Bad input
 * and refusals leave the database as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
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
  reportingOrganisations: number;
  expectedOrganisations: number;
  totals: Record<string, number>;
  cells: Cell[];
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
    expect(exported).toHaveLength(2);
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
    const reopened = await as('coordinator', 'POST', `${base()}/reopen`, { organisationId: ngoC });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(statusOf(reopened.json() as RoundJson, ngoC)?.status).toBe('reopened');
    const twice = await refused(() =>
      as('coordinator', 'POST', `${base()}/reopen`, { organisationId: ngoC }),
    );
    expect(errorOf(twice).code).toBe('not_reopenable');
    const notExpected = await refused(() =>
      as('coordinator', 'POST', `${base()}/reopen`, { organisationId: outsideOrg }),
    );
    expect(fieldCodes(notExpected)).toEqual([['organisationId', 'invalid_value']]);

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
});
