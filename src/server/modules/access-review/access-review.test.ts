/**
 * The access review on a programme whose reads are placed by hand on the test
 * clock (Monday 2026-11-23 10:00 Stockholm onwards): reads in and outside
 * working hours (a weeknight, a Saturday, Christmas Eve), an application, an
 * attachment and an identity note, a case transferred between organisations,
 * and reads of another organisation's cases written straight into the audit
 * log (the access rules refuse them today; reads that slipped through under an
 * earlier rule or a bug are exactly what the review must find). The reads
 * table, its filters and paging, both patterns with default and custom rules,
 * the exports, bad input, other roles and the review's own audit trail.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorOf,
  fingerprint,
  sessionFor,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import {
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import { CSV_TYPE, XLSX_TYPE } from '../../core/export.js';
import type { PatternsReply, ReadsReply } from './access-review.schemas.js';
import { isWorkingDay, swedishHolidays, workingIntervals } from './access-review.calendar.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const IDENTITY = 'Ljudmila Petrova, född 1999-04-02';
const RANGE = 'from=2026-11-23&to=2026-12-31';
const IGNORE = ['sessions', 'audit_events', 'audit_head'];

describe('Swedish working days', () => {
  it('knows the public holidays, the eves and the movable feasts', () => {
    const h2026 = swedishHolidays(2026);
    for (const d of [
      '2026-01-01',
      '2026-01-06',
      '2026-04-03', // Good Friday (Easter Sunday 5 April)
      '2026-04-06',
      '2026-05-01',
      '2026-05-14', // Ascension Day
      '2026-06-06',
      '2026-06-19', // Midsummer Eve
      '2026-06-20',
      '2026-10-31', // All Saints' Day (a Saturday in 31 Oct – 6 Nov)
      '2026-12-24',
      '2026-12-25',
      '2026-12-26',
      '2026-12-31',
    ])
      expect(h2026.has(d), d).toBe(true);
    expect(swedishHolidays(2027).has('2027-03-26')).toBe(true); // Good Friday 2027
    expect(swedishHolidays(2027).has('2027-06-25')).toBe(true); // Midsummer Eve 2027
    expect(swedishHolidays(2027).has('2027-11-06')).toBe(true); // All Saints' Day 2027
    expect(isWorkingDay('2026-11-23')).toBe(true); // a Monday
    expect(isWorkingDay('2026-11-28')).toBe(false); // a Saturday
    expect(isWorkingDay('2026-12-24')).toBe(false);
    expect(isWorkingDay('2026-06-18')).toBe(true);
  });

  it('gives working hours as UTC intervals in winter and summer time', () => {
    expect(workingIntervals('2026-06-10', '2026-06-10', 7, 19)).toEqual([
      { start: '2026-06-10T05:00:00.000Z', end: '2026-06-10T17:00:00.000Z' },
    ]);
    expect(workingIntervals('2026-11-27', '2026-11-30', 8, 24)).toEqual([
      { start: '2026-11-27T07:00:00.000Z', end: '2026-11-27T23:00:00.000Z' },
      { start: '2026-11-30T07:00:00.000Z', end: '2026-11-30T23:00:00.000Z' },
    ]);
  });
});

describe(`access review (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let case1: { id: string; code: string };
  let case2: { id: string; code: string };

  /** A fresh session each time: the clock moves by days and sessions idle out after 15 minutes. */
  const as = async (who: PersonKey, method: 'GET' | 'POST', url: string, body?: unknown) =>
    call(t, { method, url, body, cookie: await sessionFor(t, f.users[who].id) });
  /** Moves the clock to a Stockholm wall-clock time in winter (UTC+1). */
  const at = (local: string): void => {
    const target = Date.parse(`${local}:00.000+01:00`);
    t.clock.advance(target - t.clock.now().getTime());
  };
  const ok = <R extends { statusCode: number; body: string }>(res: R, status = 200): R => {
    expect(res.statusCode, res.body).toBe(status);
    return res;
  };
  /** A read of case data as the audit log records it, by someone the access rules let through then. */
  const loggedRead = (who: PersonKey, action: string, objectType: string, objectId: string) =>
    t.ctx.db.transaction().execute((tx) =>
      t.ctx.audit.append(tx, {
        actorUserId: f.users[who].id,
        actorOrganisationId: f.users[who].organisationId,
        action,
        objectType,
        objectId,
      }),
    );
  const reads = async (query: string) =>
    ok(await as('coordinator', 'GET', `/api/access-review/reads?${query}`)).json() as ReadsReply;
  const patterns = async (query: string) =>
    ok(
      await as('coordinator', 'GET', `/api/access-review/patterns?${query}`),
    ).json() as PatternsReply;

  beforeAll(async () => {
    t = await createTestApp();
    f = await programmeFixture(t);
    // A name that a spreadsheet would run as a formula.
    await t.ctx.db
      .updateTable('users')
      .set({ name: '=1+1 Lisa' })
      .where('id', '=', f.users.staffA2.id)
      .execute();

    // Monday 23 November, 10:00: staffA opens two cases and reads the first, with an attachment.
    at('2026-11-23T10:00');
    case1 = await newCase(f, { identityNote: IDENTITY });
    case2 = await newCase(f);
    const appId = await submitApplication(f, reflectionBody(case1.id));
    const upload = ok(
      await call(t, {
        method: 'POST',
        url: `/api/cases/${case1.id}/attachments`,
        body: PDF,
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'intyg.pdf' },
        cookie: await sessionFor(t, f.users.staffA.id),
      }),
      201,
    );
    ok(await as('staffA', 'GET', `/api/cases/${case1.id}`));
    ok(
      await as(
        'staffA',
        'GET',
        `/api/cases/${case1.id}/attachments/${(upload.json() as { id: string }).id}`,
      ),
    );
    // The coordinator reads both cases and the application (expected by role).
    ok(await as('coordinator', 'GET', `/api/cases/${case1.id}`));
    ok(await as('coordinator', 'GET', `/api/cases/${case2.id}`));
    ok(await as('coordinator', 'GET', `/api/applications/${appId}`));
    // A list names no case: not a read of one.
    ok(await as('staffA', 'GET', '/api/cases'));

    // Monday 22:30: staffA views the identity note (outside working hours).
    at('2026-11-23T22:30');
    ok(await as('staffA', 'GET', `/api/cases/${case1.id}/identity-note`));

    // Tuesday 12:00: staffA2 reads case 2 45 times (in hours; fills more than a page).
    at('2026-11-24T12:00');
    for (let i = 0; i < 45; i += 1) ok(await as('staffA2', 'GET', `/api/cases/${case2.id}`));

    // Wednesday 10:00: staffB (NGO B) reads both cases of NGO A, case 1 twice.
    at('2026-11-25T10:00');
    await loggedRead('staffB', 'case.read', 'case', case1.id);
    at('2026-11-25T10:05');
    await loggedRead('staffB', 'case.read', 'case', case2.id);
    at('2026-11-25T10:10');
    await loggedRead('staffB', 'case.identity_note_read', 'case', case1.id);

    // Saturday 28 November, 11:00: staffA2 reads case 2 (a weekend).
    at('2026-11-28T11:00');
    ok(await as('staffA2', 'GET', `/api/cases/${case2.id}`));

    // Monday 30 November, 10:00: case 2 moves to NGO B, whose staff read it at 11:00 (their own now).
    at('2026-11-30T10:00');
    const detail = ok(await as('staffA', 'GET', `/api/cases/${case2.id}`)).json() as {
      version: number;
    };
    ok(
      await as('staffA', 'POST', `/api/cases/${case2.id}/transfer`, {
        expectedVersion: detail.version,
        toOrganisationId: f.ngoB,
        reason: 'Personen flyttar till Göteborg.',
      }),
    );
    at('2026-11-30T11:00');
    ok(await as('staffB', 'GET', `/api/cases/${case2.id}`));

    // Christmas Eve, 10:00: staffA reads case 1 (a holiday).
    at('2026-12-24T10:00');
    ok(await as('staffA', 'GET', `/api/cases/${case1.id}`));
    await t.ctx.audit.flush();
  }, 120_000);
  afterAll(async () => t.close());

  it('lists every read of a case with who, when, what and the owner at the time', async () => {
    const r = await reads(RANGE);
    // staffA 5 (case, attachment, identity note, case 2 before the transfer, Christmas Eve),
    // coordinator 3, staffA2 46, staffB 4.
    expect(r.total).toBe(58);
    expect(r.items).toHaveLength(50);
    expect(r.pageSize).toBe(50);
    const seqs = r.items.map((i) => i.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const page2 = await reads(`${RANGE}&page=2`);
    expect(page2.items).toHaveLength(8);
    expect(Math.max(...page2.items.map((i) => i.seq))).toBeLessThan(Math.min(...seqs));

    const newest = r.items[0];
    expect(newest).toMatchObject({
      at: '2026-12-24T09:00:00.000Z',
      userId: f.users.staffA.id,
      role: 'actor_staff',
      organisationId: f.ngoA,
      organisationName: 'Skyddat boende Ljuset',
      caseCode: case1.code,
      kind: 'case',
      ownerOrganisationId: f.ngoA,
      otherOrganisation: false,
    });
    const kinds = [...r.items, ...page2.items].map((i) => `${i.caseCode}:${i.kind}`);
    expect(kinds).toContain(`${case1.code}:application`);
    expect(kinds).toContain(`${case1.code}:attachment`);
    expect(kinds.filter((k) => k === `${case1.code}:identity_note`)).toHaveLength(2);
    // Nothing about the person: no identity note text in the answer.
    expect(JSON.stringify([r, page2])).not.toContain('Ljudmila');
  });

  it('takes ownership at the time of the read, across a transfer', async () => {
    const r = await reads(`${RANGE}&caseCode=${case2.code.toLowerCase()}&page=1`);
    // staffA2 46, staffB 2 (one before, one after the transfer), the coordinator 1, staffA 1.
    expect(r.total).toBe(50);
    const byB = r.items.filter((i) => i.userId === f.users.staffB.id);
    expect(byB.map((i) => [i.at, i.ownerOrganisationId, i.otherOrganisation])).toEqual([
      ['2026-11-30T10:00:00.000Z', f.ngoB, false],
      ['2026-11-25T09:05:00.000Z', f.ngoA, true],
    ]);
    // staffA2's Saturday read came before the transfer: NGO A's own case then.
    const saturday = r.items.find((i) => i.at === '2026-11-28T10:00:00.000Z');
    expect(saturday).toMatchObject({
      userId: f.users.staffA2.id,
      ownerOrganisationId: f.ngoA,
      ownerOrganisationName: 'Skyddat boende Ljuset',
      otherOrganisation: false,
    });
  });

  it('filters by user, organisation, kind and date range', async () => {
    expect((await reads(`${RANGE}&userId=${f.users.staffB.id}`)).total).toBe(4);
    expect((await reads(`${RANGE}&organisationId=${f.ngoB}`)).total).toBe(4);
    expect((await reads(`${RANGE}&organisationId=${f.platformOrg}`)).total).toBe(3);
    const notes = await reads(`${RANGE}&kind=identity_note`);
    expect(notes.items.map((i) => i.userId).sort()).toEqual(
      [f.users.staffA.id, f.users.staffB.id].sort(),
    );
    // Stockholm dates: Monday 23 November only (its 22:30 read included).
    const monday = await reads('from=2026-11-23&to=2026-11-23');
    expect(monday.total).toBe(6);
    expect(monday.items.map((i) => i.at)).toContain('2026-11-23T21:30:00.000Z');
    expect((await reads('from=2026-12-25&to=2026-12-31')).total).toBe(0);
    expect((await reads(`${RANGE}&caseCode=NSP999`)).items).toEqual([]);
  });

  it('defaults to the last 30 days', async () => {
    const r = await reads('');
    expect(r.to).toBe('2026-12-24');
    expect(r.from).toBe('2026-11-25');
    // From Wednesday 25 November: staffB 4, staffA2's Saturday, staffA's Christmas Eve and case 2 on the 30th.
    expect(r.total).toBe(7);
  });

  it('finds users who read other organisations’ cases, with the coordinator marked as expected', async () => {
    const byDefault = await patterns(RANGE);
    expect(byDefault.rules).toEqual({
      threshold: 5,
      startHour: 7,
      endHour: 19,
      timeZone: 'Europe/Stockholm',
    });
    expect(byDefault.otherOrganisation).toEqual([]);

    const two = await patterns(`${RANGE}&threshold=2`);
    expect(two.otherOrganisation.map((p) => [p.userId, p.cases, p.reads, p.roleExpected])).toEqual([
      [f.users.staffB.id, 2, 3, false],
      [f.users.coordinator.id, 2, 3, true],
    ]);
    expect(two.otherOrganisation[0]).toMatchObject({
      role: 'actor_staff',
      organisationId: f.ngoB,
      organisationName: 'Stödcentrum Väst',
    });
    expect((await patterns(`${RANGE}&threshold=3`)).otherOrganisation).toEqual([]);
  });

  it('counts reads outside working hours: nights, weekends and holidays', async () => {
    const byDefault = await patterns(RANGE);
    expect(byDefault.outsideHours.map((p) => [p.userId, p.outsideReads, p.totalReads])).toEqual([
      // The identity note at 22:30 and Christmas Eve.
      [f.users.staffA.id, 2, 5],
      // Saturday.
      [f.users.staffA2.id, 1, 46],
    ]);
    // Working hours 11–23: Monday 10:00 and Wednesday 10:00–10:10 fall outside, 22:30 inside.
    const late = await patterns(`${RANGE}&startHour=11&endHour=23`);
    expect(late.outsideHours.map((p) => [p.userId, p.outsideReads, p.totalReads])).toEqual([
      [f.users.staffA.id, 4, 5],
      // Equal counts by name: "actor_staff …" before "coordinator …".
      [f.users.staffB.id, 3, 4],
      [f.users.coordinator.id, 3, 3],
      [f.users.staffA2.id, 1, 46],
    ]);
  });

  it('exports the reads and the patterns as CSV and XLSX, formulas neutralised, no person data', async () => {
    const csv = ok(
      await as('coordinator', 'GET', `/api/access-review/reads/export?${RANGE}&format=csv`),
    );
    expect(csv.headers['content-type']).toBe(CSV_TYPE);
    expect(csv.headers['content-disposition']).toContain('attachment');
    const text = csv.body.replace(/^\ufeff/, '');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Tid;Användare;Roll;Organisation;Ärendekod;Typ av läsning;Ägare vid läsningen;Annan organisations ärende',
    );
    expect(lines).toHaveLength(59);
    const staffA = await t.ctx.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', f.users.staffA.id)
      .executeTakeFirstOrThrow();
    expect(lines[1]).toBe(
      `2026-12-24 10:00:00;${staffA.name};Personal hos aktör;Skyddat boende Ljuset;${case1.code};Ärendet;Skyddat boende Ljuset;Nej`,
    );
    // The interface's language, asked for in the link, wins over the browser's.
    const english = ok(
      await call(t, {
        method: 'GET',
        url: `/api/access-review/reads/export?${RANGE}&format=csv&lang=en`,
        cookie: await sessionFor(t, f.users.coordinator.id),
        headers: { 'accept-language': 'sv' },
      }),
    );
    expect(english.body.replace(/^\ufeff/, '').split('\r\n')[0]).toBe(
      'Time;User;Role;Organisation;Case code;Kind of read;Owner at the time;Another organisation’s case',
    );
    expect(english.headers['content-disposition']).toContain('reads-2026-11-23-2026-12-31.csv');
    expect(text).toContain("'=1+1 Lisa");
    expect(text).not.toMatch(/;=1\+1/);
    expect(text).not.toContain('Ljudmila');

    const xlsx = ok(
      await call(t, {
        method: 'GET',
        url: `/api/access-review/patterns/export?${RANGE}&threshold=2&format=xlsx`,
        cookie: await sessionFor(t, f.users.coordinator.id),
        headers: { 'accept-language': 'en' },
      }),
    );
    expect(xlsx.headers['content-type']).toBe(XLSX_TYPE);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const rows: unknown[][] = [];
    sheet?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual([
      'Pattern',
      'User',
      'Role',
      'Organisation',
      'Count',
      'Reads in total',
      'Note',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[4], r[5]])).toEqual([
      ['Cases owned by other organisations', 2, 3],
      ['Cases owned by other organisations', 2, 3],
      ['Reads outside working hours', 2, 5],
      ['Reads outside working hours', 1, 46],
    ]);
    expect(rows[2]?.[6]).toBe('Expected by role (the coordinator reads every case)');
    expect(rows[4]?.[1]).toBe("'=1+1 Lisa");
  });

  it('audits every look at the review and every export', async () => {
    const before = await t.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', 'like', 'access_review.%')
      .executeTakeFirstOrThrow();
    ok(await as('admin', 'GET', `/api/access-review/reads?${RANGE}`));
    ok(await as('admin', 'GET', `/api/access-review/patterns?${RANGE}`));
    ok(await as('admin', 'GET', `/api/access-review/reads/export?${RANGE}&format=xlsx`));
    await t.ctx.audit.flush();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'object_type', 'object_id', 'actor_user_id'])
      .where('action', 'like', 'access_review.%')
      .orderBy('seq', 'desc')
      .limit(3)
      .execute();
    expect(events.reverse()).toEqual([
      {
        action: 'access_review.read',
        object_type: 'access_review',
        object_id: 'reads',
        actor_user_id: f.users.admin.id,
      },
      {
        action: 'access_review.read',
        object_type: 'access_review',
        object_id: 'patterns',
        actor_user_id: f.users.admin.id,
      },
      {
        action: 'access_review.exported',
        object_type: 'access_review',
        object_id: 'reads',
        actor_user_id: f.users.admin.id,
      },
    ]);
    expect(Number(before.n)).toBeGreaterThan(0);
    // The review's own events are not reads of cases.
    expect((await reads(RANGE)).total).toBe(58);
  });

  it('refuses bad input with translated field errors and changes nothing', async () => {
    const snapshot = await fingerprint(t, IGNORE);
    const cases: Array<[string, string, string]> = [
      ['reads?from=2026-12-10&to=2026-12-01', 'to', 'date_order'],
      ['reads?from=2025-01-01&to=2026-12-01', 'to', 'period_too_long'],
      ['reads?from=2026-02-30&to=2026-03-01', 'from', 'invalid_format'],
      ['reads?caseCode=NSP-1', 'caseCode', 'invalid_format'],
      ['reads?page=0', 'page', 'too_small'],
      ['reads?kind=note', 'kind', 'invalid_value'],
      ['reads/export?format=pdf', 'format', 'invalid_value'],
      ['patterns?threshold=0', 'threshold', 'too_small'],
      ['patterns?threshold=two', 'threshold', 'invalid_type'],
      ['patterns?startHour=19&endHour=7', 'endHour', 'hours_order'],
      ['patterns?startHour=10&endHour=10', 'endHour', 'hours_order'],
      ['patterns?endHour=25', 'endHour', 'too_big'],
      ['patterns/export?format=xlsx&from=2026-12-10&to=2026-12-01', 'to', 'date_order'],
      ['patterns?userId=x', 'userId', 'unrecognized_keys'],
    ];
    for (const [url, path, code] of cases) {
      const res = await call(t, {
        method: 'GET',
        url: `/api/access-review/${url}`,
        cookie: await sessionFor(t, f.users.coordinator.id),
        headers: { 'accept-language': 'sv' },
      });
      expect(res.statusCode, url).toBe(400);
      const err = errorOf(res);
      expect(err.code, url).toBe('validation');
      const field = err.fields.find((x) => x.path.endsWith(path));
      expect(field?.code, `${url}: ${JSON.stringify(err.fields)}`).toBe(code);
      expect(field?.message, url).not.toMatch(/^validation\./);
    }
    const hours = errorOf(
      await call(t, {
        method: 'GET',
        url: '/api/access-review/patterns?startHour=19&endHour=7',
        cookie: await sessionFor(t, f.users.coordinator.id),
        headers: { 'accept-language': 'sv' },
      }),
    );
    expect(hours.fields[0]?.message).toBe('Arbetstidens slut måste vara efter dess början.');
    expect(await fingerprint(t, IGNORE)).toEqual(snapshot);
  });

  it('refuses every other role', async () => {
    for (const who of ['staffA', 'staffB', 'authority', 'member'] as const) {
      for (const url of [
        `/api/access-review/reads?${RANGE}`,
        `/api/access-review/reads/export?${RANGE}&format=csv`,
        `/api/access-review/patterns?${RANGE}`,
        `/api/access-review/patterns/export?${RANGE}&format=csv`,
      ]) {
        const res = await as(who, 'GET', url);
        expect(res.statusCode, `${who} ${url}`).toBe(403);
        expect(res.body).not.toContain(case1.code);
      }
    }
  });
});
