/**
 * The period report: a programme whose history is known — cases with known
 * backgrounds, applications submitted and decided on the test clock (a
 * correction, a decision waiting for a second approval across the end of the
 * range, decisions before and after it), a budget period with commitments, a
 * deduction, a transfer and payouts — and the report of one range computed by
 * hand: the counts per type, the decision notes, the posts' lines and remaining
 * funds, and the background's counts and percentages. Then the publishable
 * version (suppression, merged categories, no case code or text in the JSON,
 * CSV, XLSX or PDF), bad input, who may read which version, and the audit trail.
 */
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../../locales/en.json' with { type: 'json' };
import {
  call,
  createTestApp,
  errorOf,
  fingerprint,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import {
  decideApplication,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import { createPeriod, postOf, type PeriodJson } from '../../../../test/budget-fixture.js';
import { pdfText } from '../../../../test/pdf-text.js';
import { CSV_TYPE, XLSX_TYPE } from '../../core/export.js';
import type { DecisionNote, OneWayReply, PeriodReport, ReportFigure } from './reports.schemas.js';
import { renderReport } from './reports.export.js';

const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];
const DAY = 86_400_000;
const MINUTE = 60_000;
const FROM = '2026-11-24';
const TO = '2026-12-10';
const RANGE = `from=${FROM}&to=${TO}`;

/** The long rationale of B9's denial, and its short description as the notes must show it. */
const LONG_RATIONALE =
  'Polisanmälan finns sedan oktober. Polisen bör därför först ansöka om tidsbegränsat ' +
  'uppehållstillstånd (TUT) och statens stöd; programmets reflektionsperiod är avsedd för dem ' +
  'som står utanför den vägen. Personen och den sökande aktören har informerats om beslutet och ' +
  'om möjligheten att ansöka igen.';
// 298 characters. The first 199 end inside "vägen"; the description is cut at the space before it.
const LONG_DESCRIPTION =
  'Polisanmälan finns sedan oktober. Polisen bör därför först ansöka om tidsbegränsat ' +
  'uppehållstillstånd (TUT) och statens stöd; programmets reflektionsperiod är avsedd för dem ' +
  'som står utanför den…';
const CONDITION_RATIONALE = 'Tillträde med förbehåll om stödsamtal varje vecka.';
const DEFAULT_RATIONALE = 'Uppfyller kriterierna enligt underlaget.';

/** Every cell of every sheet as text, row by row (cells joined by tabs). */
async function workbookText(bytes: Buffer): Promise<{ sheets: string[]; rows: string[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  for (const sheet of wb.worksheets)
    sheet.eachRow((row) => {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      rows.push(Array.from(values, (v) => (v === null || v === undefined ? '' : String(v))));
    });
  return { sheets: wb.worksheets.map((s) => s.name), rows };
}

/** The published figures of a one-way table as [code, count, percent] (suppressed: [code, reason]). */
const figuresOf = (table: OneWayReply) =>
  table.categories.map((c) =>
    c.figure.state === 'published'
      ? [c.code, c.figure.count, c.figure.percent ?? null]
      : [c.code, c.figure.reason],
  );
const count = (f: ReportFigure | undefined) =>
  f?.state === 'published' ? f.count : `suppressed:${f?.reason}`;

describe(`the period report (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let period: PeriodJson;
  /** Case codes by the fixture's names. */
  const code: Record<string, string> = {};

  const get = (who: PersonKey, query: string, lang = 'en') =>
    call(t, {
      method: 'GET',
      url: `/api/reports/period?${query}`,
      cookie: f.users[who].cookie,
      headers: { 'accept-language': lang },
    });
  const download = (who: PersonKey, query: string, lang = 'en') =>
    call(t, {
      method: 'GET',
      url: `/api/reports/period/export?${query}`,
      cookie: f.users[who].cookie,
      headers: { 'accept-language': lang },
    });
  const report = async (query: string, who: PersonKey = 'coordinator') => {
    const res = await get(who, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as PeriodReport;
  };
  const decided = async (
    id: string,
    body: Record<string, unknown>,
    who: PersonKey = 'coordinator',
  ) => {
    const res = await decideApplication(f, id, body, who);
    expect(res.statusCode, res.body).toBe(200);
    t.clock.advance(MINUTE);
    return (res.json() as { decisions: Array<{ id: string }> }).decisions[0]!.id;
  };
  const auditEvents = async (action: string) => {
    await t.ctx.audit.flush();
    return t.ctx.db
      .selectFrom('audit_events')
      .select(['object_type', 'object_id', 'outcome', 'actor_user_id'])
      .where('action', '=', action)
      .orderBy('seq')
      .execute();
  };

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 365 * DAY, sessionAbsoluteMs: 365 * DAY });
    f = await programmeFixture(t);

    // --- 2026-11-23 (before the range) ---
    const people: Array<[string, Record<string, unknown>]> = [
      ['P0', { nationality: 'AL', gender: 'man', ageBand: '46_plus' }],
      [
        'A1',
        {
          nationality: 'NG',
          gender: 'woman',
          ageBand: '18_25',
          childrenCount: 1,
          childrenAges: [4],
          childrenInHomeCountry: 0,
          exploitationForms: ['sexual'],
          exploitationCountries: ['SE', 'IT'],
          policeReport: 'no',
        },
      ],
      [
        'A2',
        {
          nationality: 'NG',
          gender: 'woman',
          ageBand: '26_30',
          childrenCount: 0,
          childrenAges: [],
          childrenInHomeCountry: 2,
          exploitationForms: ['sexual', 'labour'],
          exploitationCountries: ['SE'],
          policeReport: 'yes',
          policeReportDate: '2026-10-01',
        },
      ],
      [
        'A3',
        {
          nationality: 'RO',
          gender: 'woman',
          ageBand: 'under_18',
          childrenCount: 0,
          childrenAges: [],
          childrenInHomeCountry: 2,
          exploitationForms: ['begging'],
          exploitationCountries: ['SE'],
          policeReport: 'unknown',
        },
      ],
      [
        'A4',
        {
          nationality: 'RO',
          gender: 'man',
          ageBand: '31_35',
          childrenCount: 2,
          childrenAges: [3, 9],
          childrenInHomeCountry: 1,
          exploitationForms: ['labour'],
          exploitationCountries: ['SE', 'DE'],
          policeReport: 'no',
        },
      ],
      [
        'A5',
        {
          nationality: 'SE',
          gender: 'woman',
          ageBand: '18_25',
          childrenCount: 3,
          childrenAges: [1, 2, 5],
          childrenInHomeCountry: 0,
          exploitationForms: ['sexual'],
          exploitationCountries: ['SE'],
          policeReport: 'yes',
          policeReportDate: null,
        },
      ],
      [
        'A6',
        {
          nationality: null,
          gender: 'non_binary_other',
          ageBand: '46_plus',
          childrenCount: 0,
          childrenAges: [],
          childrenInHomeCountry: 4,
          exploitationForms: [],
          exploitationCountries: [],
          policeReport: 'unknown',
        },
      ],
      [
        'A7',
        {
          nationality: 'VN',
          gender: 'man',
          ageBand: '36_45',
          childrenCount: 0,
          childrenAges: [],
          childrenInHomeCountry: 0,
          // Entered in the other order than the vocabulary's: the same combination.
          exploitationForms: ['forced_criminality', 'labour'],
          exploitationCountries: ['SE'],
          policeReport: 'no',
        },
      ],
      ['B8', { nationality: 'TH', gender: 'man', ageBand: '26_30' }],
      ['B9', { nationality: 'UA', gender: 'woman', ageBand: '31_35' }],
      ['B10', { nationality: 'BR', gender: 'woman', ageBand: '18_25' }],
    ];
    const caseId: Record<string, string> = {};
    for (const [name, background] of people) {
      const c = await newCase(f, { background });
      caseId[name] = c.id;
      code[name] = c.code;
    }
    period = await createPeriod(
      f,
      { name: 'Hösten 2026', startsOn: '2026-09-01', endsOn: '2026-12-31' },
      { reflection: 20_000_000, integration: 10_000_000, intervention: 5_000_000 },
    );
    // A period that does not overlap the range.
    await createPeriod(f, { name: 'Våren 2027', startsOn: '2027-01-01', endsOn: '2027-06-30' });
    const admission = (name: string) =>
      submitApplication(f, {
        caseId: caseId[name],
        type: 'admission',
        justification: `Ansökan om tillträde för ${name}.`,
      });
    await decided(await admission('P0'), { outcome: 'granted' });
    // Submitted before the range, decided in it: 30 days with one child.
    const refX = await submitApplication(f, reflectionBody(caseId.A1!));

    // --- 2026-11-24 (the first day of the range) ---
    t.clock.advance(DAY);
    const apps: Record<string, string> = {};
    for (const name of ['A1', 'A1b', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'B8', 'B9'])
      apps[name] = await admission(name === 'A1b' ? 'A1' : name);
    for (const name of ['A1', 'A1b']) await decided(apps[name]!, { outcome: 'granted' });
    await decided(apps.A2!, {
      outcome: 'granted_with_condition',
      condition: 'Deltar i stödsamtal varje vecka.',
      conditionEndsOn: '2027-02-28',
      rationale: CONDITION_RATIONALE,
    });
    for (const name of ['A3', 'A4', 'A5', 'A6', 'A7'])
      await decided(apps[name]!, { outcome: 'granted' });
    // Granted, then corrected to denied the same day: counted once, as denied, and not admitted.
    const first = await decided(apps.B8!, { outcome: 'granted' });
    await decided(apps.B8!, {
      outcome: 'denied',
      grounds: ['information_missing'],
      rationale: 'Underlaget visade sig ofullständigt.',
      supersedesDecisionId: first,
    });
    await decided(apps.B9!, {
      outcome: 'denied',
      grounds: ['police_report_tut', 'other'],
      rationale: LONG_RATIONALE,
    });
    // 20 of 30 days: 20 × (1,200 + 300) SEK = 30,000 SEK.
    await decided(refX, {
      outcome: 'partially_granted',
      grantedDays: 20,
      grounds: ['budget_restriction'],
      rationale: 'Budgeten räcker till 20 dagar.',
    });
    // 10 days × 1,200 SEK = 12,000 SEK, of which the Migration Agency pays 1,000 SEK.
    const refA2 = await submitApplication(
      f,
      reflectionBody(caseId.A2!, {
        periodFrom: '2026-12-01',
        periodTo: '2026-12-10',
        childrenCount: 0,
        deductionsOre: 100_000,
        deductionsBy: 'Migrationsverket (EBO)',
      }),
    );
    const refA2Decision = await decided(refA2, { outcome: 'granted' });
    const intervention = await submitApplication(f, {
      caseId: caseId.A4,
      type: 'intervention',
      interventionCode: 'travel',
      quantity: 1,
      unitCostOre: 50_000,
      justification: 'Resa till skyddat boende.',
    });
    await decided(intervention, {
      outcome: 'denied',
      grounds: ['actor_responsibility'],
      rationale: 'Kostnaden är aktörens eget ansvar.',
    });
    const inquiry = await submitApplication(f, {
      caseId: null,
      type: 'inquiry',
      justification: 'Kan ni ta emot en person i december?',
    });
    await decided(inquiry, {
      outcome: 'information_requested',
      grounds: ['information_missing'],
      rationale: 'Vilken kommun gäller det?',
    });

    // --- 2026-11-25: a transfer, and payouts dated in and after the range ---
    t.clock.advance(DAY);
    const moved = await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: postOf(period, 'reflection'),
      toPostId: postOf(period, 'intervention'),
      amountOre: 500_000,
      reason: 'Fler insatser än planerat.',
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const refXDecision = (
      (await f.as('coordinator', 'GET', `/api/applications/${refX}`)).json() as {
        decisions: Array<{ id: string }>;
      }
    ).decisions[0]!.id;
    for (const [decisionId, paidOn, amountOre] of [
      [refA2Decision, '2026-12-05', 1_000_000],
      [refXDecision, '2026-12-20', 2_000_000],
    ] as const) {
      const paid = await f.as('coordinator', 'POST', '/api/budget/payouts', {
        decisionId,
        paidOn,
        amountOre,
        reference: `Faktura ${paidOn}`,
      });
      expect(paid.statusCode, paid.body).toBe(201);
    }

    // --- 2026-12-01: a decision above the approval limit waits for a second person ---
    t.clock.advance(6 * DAY);
    const limit = await f.as('coordinator', 'PUT', '/api/programme/settings', {
      approvalLimitOre: 1_000_000,
    });
    expect(limit.statusCode, limit.body).toBe(200);
    const pending = await submitApplication(
      f,
      reflectionBody(caseId.A3!, {
        periodFrom: '2026-12-02',
        periodTo: '2026-12-31',
        childrenCount: 0,
      }),
    );
    const pendingDecision = await decided(pending, { outcome: 'granted' });
    await f.as('coordinator', 'PUT', '/api/programme/settings', { approvalLimitOre: null });

    // --- 2026-12-10 23:30 UTC, already 2026-12-11 in Stockholm: approved after the range ---
    t.clock.advance(Date.parse('2026-12-10T23:30:00Z') - t.clock.now().getTime());
    const approved = await f.as(
      'coordinator2',
      'POST',
      `/api/decisions/${pendingDecision}/approval`,
      {
        approve: true,
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);

    // --- 2026-12-11: received and decided after the range ---
    t.clock.advance(10 * 60 * MINUTE);
    await decided(await admission('B10'), { outcome: 'granted' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the applications per type: received, decided by outcome, under processing at the end', async () => {
    const r = await report(`${RANGE}&version=internal`);
    expect(r).toMatchObject({ version: 'internal', from: FROM, to: TO, threshold: null });
    const { received, decided: d, underProcessing } = r.applications;
    const types = ['inquiry', 'admission', 'reflection', 'integration', 'intervention'];
    expect(received.categories.map((c) => c.code)).toEqual(types);
    // Submitted 2026-11-24 … 2026-12-10: 10 admissions (A1 twice), 2 reflections, an intervention, an inquiry.
    // Percentages of 14 by the largest remainder: 7.1, 71.4, 14.3, 0, 7.1 → 7, 72, 14, 0, 7.
    expect(figuresOf(received)).toEqual([
      ['inquiry', 1, 7],
      ['admission', 10, 72],
      ['reflection', 2, 14],
      ['integration', 0, 0],
      ['intervention', 1, 7],
    ]);
    expect(received.total).toEqual({ state: 'published', count: 14 });

    expect(d.rows.categories).toEqual(types);
    expect(d.columns.categories).toEqual([
      'granted',
      'partially_granted',
      'granted_with_condition',
      'denied',
    ]);
    expect(d.percentOf).toBe('row');
    const counts = d.cells.map((row) => row.map(count));
    expect(counts).toEqual([
      [0, 0, 0, 0], // the inquiry only had more information asked for
      [7, 0, 1, 2], // A1 ×2, A3–A7 granted; A2 with a condition; B8 (corrected) and B9 denied
      [1, 1, 0, 0], // A2's reflection granted; the one submitted before the range partially
      [0, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
    // Cell percentages are of the row: what share of a type's decisions had each outcome.
    expect(d.cells[1]!.map((c) => (c.state === 'published' ? c.percent : null))).toEqual([
      70, 0, 10, 20,
    ]);
    expect(d.cells[2]!.map((c) => (c.state === 'published' ? c.percent : null))).toEqual([
      50, 50, 0, 0,
    ]);
    expect(d.cells[0]![0]).toEqual({ state: 'published', count: 0 });
    expect(d.rowTotals.map(count)).toEqual([0, 10, 2, 0, 1]);
    // Of 13: 76.9, 15.4, 7.7 → 77, 15, 8 (largest remainders 12 and 9 of 13 get the two points).
    expect(d.rowTotals.map((c) => (c.state === 'published' ? c.percent : null))).toEqual([
      0, 77, 15, 0, 8,
    ]);
    // 8, 1, 1, 3 of 13: 61.5, 7.7, 7.7, 23.1 → 61, 8, 8, 23.
    expect(d.columnTotals.map(count)).toEqual([8, 1, 1, 3]);
    expect(d.columnTotals.map((c) => (c.state === 'published' ? c.percent : null))).toEqual([
      61, 8, 8, 23,
    ]);
    expect(count(d.total)).toBe(13);

    // Open at the end of 2026-12-10 (Stockholm): the inquiry waiting for information and the
    // reflection whose second approval came at 00:30 on 2026-12-11.
    expect(figuresOf(underProcessing)).toEqual([
      ['inquiry', 1, 50],
      ['admission', 0, 0],
      ['reflection', 1, 50],
      ['integration', 0, 0],
      ['intervention', 0, 0],
    ]);
    expect(d.notes.map((n) => n.key)).toEqual(['reports.period.notes.decided']);

    // A day later the approval is in the range: decided, no longer open.
    const later = await report(`from=${FROM}&to=2026-12-11&version=internal`);
    expect(later.applications.decided.cells[2]!.map(count)).toEqual([2, 1, 0, 0]);
    expect(later.applications.underProcessing.categories.map((c) => count(c.figure))).toEqual([
      1, 0, 0, 0, 0,
    ]);
  });

  it('lists each counted decision with its case code, grounds and a short description (internal)', async () => {
    const r = await report(`${RANGE}&version=internal`);
    const notes = r.applications.notes!;
    expect(notes).toHaveLength(13);
    expect(notes.map((n) => [n.decidedOn, n.caseCode, n.type, n.outcome, n.correction])).toEqual([
      [FROM, code.A1, 'admission', 'granted', false],
      [FROM, code.A1, 'admission', 'granted', false],
      [FROM, code.A2, 'admission', 'granted_with_condition', false],
      [FROM, code.A3, 'admission', 'granted', false],
      [FROM, code.A4, 'admission', 'granted', false],
      [FROM, code.A5, 'admission', 'granted', false],
      [FROM, code.A6, 'admission', 'granted', false],
      [FROM, code.A7, 'admission', 'granted', false],
      [FROM, code.B8, 'admission', 'denied', true],
      [FROM, code.B9, 'admission', 'denied', false],
      [FROM, code.A1, 'reflection', 'partially_granted', false],
      [FROM, code.A2, 'reflection', 'granted', false],
      [FROM, code.A4, 'intervention', 'denied', false],
    ]);
    expect(notes[0]!.description).toBe(DEFAULT_RATIONALE);
    expect(notes[2]!.description).toBe(CONDITION_RATIONALE);
    expect(notes[9]!.grounds).toEqual([
      {
        code: 'police_report_tut',
        name: 'A police report exists: the police should first apply for a temporary residence permit (TUT) and state support',
      },
      { code: 'other', name: 'Other grounds' },
    ]);
    // Shortened at a word, at most 200 characters with the ellipsis.
    expect(notes[9]!.description).toBe(LONG_DESCRIPTION);
    expect([...LONG_DESCRIPTION].length).toBeLessThanOrEqual(200);
    // Grounds in the request's language.
    const sv = await get('coordinator', `${RANGE}&version=internal`, 'sv');
    expect((sv.json() as PeriodReport).applications.notes![8]!.grounds).toEqual([
      { code: 'information_missing', name: 'Underlaget är ofullständigt' },
    ]);
  });

  it('pages the decision notes of the JSON reply; the total is the decided table’s', async () => {
    const whole = await report(`${RANGE}&version=internal&notesPageSize=500`);
    const all = whole.applications.notes!;
    expect(all).toHaveLength(13);
    expect(whole.applications.notesPaging).toEqual({
      page: 1,
      pageSize: 500,
      total: 13,
      pageCount: 1,
    });
    // Left out: page 1 of 100, the same notes.
    const first = await report(`${RANGE}&version=internal`);
    expect(first.applications.notesPaging).toEqual({
      page: 1,
      pageSize: 100,
      total: 13,
      pageCount: 1,
    });
    expect(first.applications.notes).toEqual(all);
    expect(first.applications.notesPaging!.total).toBe(count(first.applications.decided.total));

    // Pages of 2: seven of them join up to exactly the whole list, in the same order.
    const joined: DecisionNote[] = [];
    for (let page = 1; page <= 7; page++) {
      const r = await report(`${RANGE}&version=internal&notesPage=${page}&notesPageSize=2`);
      expect(r.applications.notesPaging).toEqual({ page, pageSize: 2, total: 13, pageCount: 7 });
      expect(r.applications.notes).toHaveLength(page < 7 ? 2 : 1);
      joined.push(...r.applications.notes!);
    }
    expect(joined).toEqual(all);

    // Past the last page: no notes (not an error), the paging figures, the same report otherwise.
    const past = await report(`${RANGE}&version=internal&notesPage=8&notesPageSize=2`);
    expect(past.applications.notes).toEqual([]);
    expect(past.applications.notesPaging).toEqual({
      page: 8,
      pageSize: 2,
      total: 13,
      pageCount: 7,
    });
    const withoutNotes = (r: PeriodReport) => ({
      ...r,
      generatedAt: '',
      applications: { ...r.applications, notes: null, notesPaging: null },
    });
    expect(withoutNotes(past)).toEqual(withoutNotes(first));

    // A day later the pending approval is in the range: the total follows the decided table.
    const later = await report(`from=${FROM}&to=2026-12-11&version=internal&notesPageSize=3`);
    expect(count(later.applications.decided.total)).toBe(15);
    expect(later.applications.notesPaging).toEqual({
      page: 1,
      pageSize: 3,
      total: 15,
      pageCount: 5,
    });
    // No decision in the range: no page at all.
    const none = await report('from=2020-01-01&to=2020-01-31&version=internal');
    expect(none.applications.notes).toEqual([]);
    expect(none.applications.notesPaging).toEqual({
      page: 1,
      pageSize: 100,
      total: 0,
      pageCount: 0,
    });
    // The publishable version has neither notes nor paging, whatever page is asked for.
    const published = await report(`${RANGE}&notesPage=2&notesPageSize=2`, 'member');
    expect(published.applications.notes).toBeNull();
    expect(published.applications.notesPaging).toBeNull();
  });

  it('states the funds per post: brought forward, the lines of the range with what remains, and the sums', async () => {
    const r = await report(`${RANGE}&version=internal`);
    // Only the period overlapping the range.
    expect(r.funds.periods.map((p) => [p.name, p.startsOn, p.endsOn])).toEqual([
      ['Hösten 2026', '2026-09-01', '2026-12-31'],
    ]);
    const [reflection, integration, intervention] = r.funds.periods[0]!.posts;
    expect(reflection).toMatchObject({
      kind: 'reflection',
      name: 'Reflektionsperiod',
      budgetOre: 20_000_000,
      broughtForwardOre: 20_000_000,
      movements: {
        budgetOre: 0,
        transferredInOre: 0,
        transferredOutOre: 500_000,
        // 3,000,000 + 1,200,000 − 100,000 deducted.
        committedOre: 4_100_000,
        deductedOre: 100_000,
        // The payout of 2026-12-05; the one of 2026-12-20 is after the range.
        paidOre: 1_000_000,
      },
      remainingOre: 15_400_000,
      linesTruncated: false,
    });
    expect(reflection!.lines).toEqual([
      {
        date: FROM,
        kind: 'commitment',
        caseCode: code.A1,
        amountOre: -3_000_000,
        paidOre: 0,
        counterpartPostName: null,
        remainingOre: 17_000_000,
      },
      {
        date: FROM,
        kind: 'commitment',
        caseCode: code.A2,
        amountOre: -1_200_000,
        paidOre: 0,
        counterpartPostName: null,
        remainingOre: 15_800_000,
      },
      {
        date: FROM,
        kind: 'deduction',
        caseCode: code.A2,
        amountOre: 100_000,
        paidOre: 0,
        counterpartPostName: null,
        remainingOre: 15_900_000,
      },
      {
        date: '2026-11-25',
        kind: 'transfer_out',
        caseCode: null,
        amountOre: -500_000,
        paidOre: 0,
        counterpartPostName: 'Insatser',
        remainingOre: 15_400_000,
      },
      {
        date: '2026-12-05',
        kind: 'payout',
        caseCode: code.A2,
        amountOre: 0,
        paidOre: 1_000_000,
        counterpartPostName: null,
        remainingOre: 15_400_000,
      },
    ]);
    expect(integration).toMatchObject({
      budgetOre: 10_000_000,
      broughtForwardOre: 10_000_000,
      remainingOre: 10_000_000,
      lines: [],
    });
    expect(intervention).toMatchObject({
      broughtForwardOre: 5_000_000,
      movements: { transferredInOre: 500_000, committedOre: 0 },
      remainingOre: 5_500_000,
      lines: [
        {
          date: '2026-11-25',
          kind: 'transfer_in',
          caseCode: null,
          amountOre: 500_000,
          counterpartPostName: 'Reflektionsperiod',
          remainingOre: 5_500_000,
        },
      ],
    });

    // Into December 11th: the approved decision's commitment (30 days × 1,200 SEK) is in.
    const later = await report(`from=${FROM}&to=2026-12-11&version=internal`);
    const post = later.funds.periods[0]!.posts[0]!;
    expect(post.movements.committedOre).toBe(4_100_000 + 3_600_000);
    expect(post.remainingOre).toBe(15_400_000 - 3_600_000);
    expect(post.lines!.at(-1)).toMatchObject({
      date: '2026-12-11',
      kind: 'commitment',
      caseCode: code.A3,
      remainingOre: 11_800_000,
    });
    // From the day after the transfer: what was brought forward includes all of the above.
    const tail = await report('from=2026-11-26&to=2026-12-31&version=internal');
    expect(tail.funds.periods[0]!.posts[0]).toMatchObject({
      broughtForwardOre: 15_400_000,
      movements: { committedOre: 3_600_000, paidOre: 3_000_000 },
      remainingOre: 11_800_000,
    });
  });

  it('counts the background of the persons admitted, with percentages by the stated rules (internal)', async () => {
    const b = (await report(`${RANGE}&version=internal`)).background;
    // Admitted in the range: A1 (twice, counted once) … A7. Not P0 (before), B8 (corrected to
    // denied), B9 (denied) or B10 (after).
    expect(count(b.gender.total)).toBe(7);
    // Additive: largest remainder. 4, 2, 1, 0 of 7 = 57.1, 28.6, 14.3, 0 → 57, 29, 14, 0.
    expect(figuresOf(b.gender)).toEqual([
      ['woman', 4, 57],
      ['man', 2, 29],
      ['non_binary_other', 1, 14],
      ['unknown', 0, 0],
    ]);
    expect(b.gender.percentRule).toBe('largest_remainder');
    // The most frequent first, then by code; not known last. 28.6 ×2 and 14.3 ×3 → 29, 29, 14, 14, 14.
    expect(figuresOf(b.nationality)).toEqual([
      ['NG', 2, 29],
      ['RO', 2, 29],
      ['SE', 1, 14],
      ['VN', 1, 14],
      ['unknown', 1, 14],
    ]);
    expect(figuresOf(b.ageBand)).toEqual([
      ['under_18', 1, 15],
      ['18_25', 2, 29],
      ['26_30', 1, 14],
      ['31_35', 1, 14],
      ['36_45', 1, 14],
      ['46_plus', 1, 14],
    ]);
    expect(figuresOf(b.childrenAccompanying)).toEqual([
      ['0', 4, 57],
      ['1', 1, 15],
      ['2', 1, 14],
      ['3_plus', 1, 14],
    ]);
    expect(figuresOf(b.childrenInHomeCountry)).toEqual([
      ['0', 3, 43],
      ['1', 1, 14],
      ['2', 2, 29],
      ['3_plus', 1, 14],
    ]);
    // Each person once: A1, A5 sexual; A4 labour; A3 begging; A2, A7 several; A6 none recorded.
    expect(figuresOf(b.exploitationForm)).toEqual([
      ['sexual', 2, 29],
      ['labour', 1, 14],
      ['forced_criminality', 0, 0],
      ['begging', 1, 14],
      ['organ_removal', 0, 0],
      ['other', 0, 0],
      ['multiple', 2, 29],
      ['unknown', 1, 14],
    ]);
    expect(b.exploitationForm.multiValued).toBe(false);
    // Each form per person (multi-valued): shares of the 7 persons, each rounded half up.
    expect(b.exploitationFormsEach).toMatchObject({ multiValued: true, percentRule: 'half_up' });
    expect(figuresOf(b.exploitationFormsEach!)).toEqual([
      ['sexual', 3, 43],
      ['labour', 3, 43],
      ['forced_criminality', 1, 14],
      ['begging', 1, 14],
      ['organ_removal', 0, 0],
      ['other', 0, 0],
      ['multiple', 2, 29],
      ['unknown', 1, 14],
    ]);
    expect(b.exploitationFormCombinations).toEqual([
      { forms: ['sexual', 'labour'], count: 1 },
      { forms: ['labour', 'forced_criminality'], count: 1 },
    ]);
    // Countries: 6 of 7 in Sweden = 85.7 → 86; the shares add up to 128.
    expect(figuresOf(b.exploitationCountry)).toEqual([
      ['SE', 6, 86],
      ['DE', 1, 14],
      ['IT', 1, 14],
      ['unknown', 1, 14],
    ]);
    expect(b.exploitationCountry).toMatchObject({
      multiValued: true,
      percentRule: 'half_up',
      total: { state: 'published', count: 7 },
      notes: [{ key: 'reports.period.notes.countries', params: {} }],
    });
    // 2, 3, 2 of 7 = 28.6, 42.9, 28.6: "no" has the largest remainder (6/7), then a tie of 4/7
    // between yes and not known with equal counts: the earlier category, yes, gets the point.
    expect(figuresOf(b.policeReport)).toEqual([
      ['yes', 2, 29],
      ['no', 3, 43],
      ['unknown', 2, 28],
    ]);
  });

  it('the publishable version merges categories, suppresses small counts and carries no case code or text', async () => {
    const res = await get('coordinator', `${RANGE}&version=publishable&threshold=3`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as PeriodReport;
    expect(r).toMatchObject({ version: 'publishable', threshold: 3 });
    const b = r.background;
    // Man (2) and non-binary (1) are below 3; together 3 they can be split 1 + 2 or 2 + 1.
    // Woman's 4 of 7 is 57 % with the hidden 3 taking part in the rounding as one figure.
    expect(figuresOf(b.gender)).toEqual([
      ['woman', 4, 57],
      ['man', 'primary'],
      ['non_binary_other', 'primary'],
      ['unknown', 0, 0],
    ]);
    expect(b.gender.total).toEqual({ state: 'published', count: 7 });
    // Age bands merged into four; 18–30 holds A1, A2, A5.
    expect(figuresOf(b.ageBand)).toEqual([
      ['under_18', 'primary'],
      ['18_30', 3, 43],
      ['31_45', 'primary'],
      ['46_plus', 'primary'],
    ]);
    expect(b.ageBand.rules).toEqual([
      { key: 'reports.period.rules.ageBands', params: { dimension: 'ageBand', from: 6, to: 4 } },
    ]);
    // Nationality in world regions, every region listed (whether anyone is from it or not).
    expect(b.nationality.categories.map((c) => c.code)).toEqual([
      'sweden',
      'eu_eea',
      'europe_other',
      'africa',
      'americas',
      'asia',
      'oceania',
      'unknown',
    ]);
    expect(figuresOf(b.nationality).filter((x) => x.length === 3)).toEqual([
      ['europe_other', 0, 0],
      ['americas', 0, 0],
      ['oceania', 0, 0],
    ]);
    expect(b.nationality.rules[0]?.key).toBe('reports.period.rules.nationalityRegions');
    // Countries of exploitation in regions too: Sweden 6 of 7 persons (86 %).
    expect(b.exploitationCountry.categories[0]).toEqual({
      code: 'sweden',
      figure: { state: 'published', count: 6, percent: 86 },
    });
    expect(b.exploitationCountry.categories[1]?.figure).toMatchObject({ state: 'suppressed' });
    // Children: none / one or more.
    expect(figuresOf(b.childrenAccompanying)).toEqual([
      ['none', 4, 57],
      ['one_or_more', 3, 43],
    ]);
    expect(b.exploitationFormsEach).toBeNull();
    expect(b.exploitationFormCombinations).toBeNull();
    // No figure in [1, 2] is published anywhere.
    const figures: ReportFigure[] = [];
    for (const table of Object.values(b))
      if (table && typeof table === 'object' && 'categories' in table)
        figures.push(...table.categories.map((c) => c.figure), table.total);
    const apps = r.applications;
    figures.push(
      ...apps.decided.cells.flat(),
      ...apps.decided.rowTotals,
      ...apps.decided.columnTotals,
    );
    figures.push(...apps.received.categories.map((c) => c.figure));
    for (const fig of figures)
      if (fig.state === 'published') expect([1, 2]).not.toContain(fig.count);
    expect(apps.notes).toBeNull();
    // Money: sums per post, no lines, no names.
    expect(r.funds.periods[0]).toMatchObject({ name: null, startsOn: '2026-09-01' });
    expect(r.funds.periods[0]!.posts[0]).toMatchObject({
      name: null,
      lines: null,
      broughtForwardOre: 20_000_000,
      remainingOre: 15_400_000,
    });
    // Nothing typed by a person and no case code anywhere in the reply.
    for (const secret of [
      ...Object.values(code),
      'NSP',
      DEFAULT_RATIONALE,
      'Polisanmälan',
      'Hösten 2026',
      'Reflektionsperiod',
      'Insatser',
      'Fler insatser',
      'Faktura',
    ])
      expect(res.body, secret).not.toContain(secret);

    // With the default threshold (11) nothing of 7 persons is shown but zeros.
    const strict = await report(RANGE);
    expect(strict.threshold).toBe(11);
    expect(strict.background.gender.total).toMatchObject({ state: 'suppressed' });
    expect(strict.applications.received.categories[1]?.figure).toEqual({
      state: 'suppressed',
      reason: 'primary',
    });
  });

  it('exports the internal report as CSV, XLSX and PDF with headings in the request’s language', async () => {
    const csv = await download('coordinator', `${RANGE}&version=internal&format=csv`, 'sv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe(CSV_TYPE);
    expect(csv.headers['content-disposition']).toContain(
      `attachment; filename="slussa-period-report-${FROM}-${TO}-internal.csv"`,
    );
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.rawPayload.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('Periodrapport');
    // Sections one after another, each table after a blank line with its heading and column row.
    const at = lines.indexOf('1. Ansökningar per typ');
    expect(lines[at - 1]).toBe('');
    expect(lines[at + 2]).toBe('Inkomna, beslutade och under behandling');
    expect(lines[at + 3]).toBe(
      'Typ;Inkomna;Beslutade;Beviljad;Delvis beviljad;Beviljad med förbehåll;Nekad;Under behandling vid periodens slut',
    );
    expect(lines[at + 5]).toBe('Tillträde;10;10;7;0;1;2;0');
    expect(lines).toContain('Summa;14;13;8;1;1;3;2');
    expect(lines.indexOf('2. Medel per post')).toBeGreaterThan(at);
    // The interface's language, asked for in the link, wins over the browser's.
    const english = await download(
      'coordinator',
      `${RANGE}&version=internal&format=csv&lang=en`,
      'sv',
    );
    expect(english.statusCode, english.body).toBe(200);
    const englishLines = english.rawPayload.toString('utf8').slice(1).split('\r\n');
    expect(englishLines[0]).toBe('Period report');
    expect(englishLines).toContain('1. Applications per type');
    expect(lines.indexOf('3. Bakgrund för personerna som fått tillträde')).toBeGreaterThan(at);
    // Money in kronor with the Swedish decimal comma; a note line's text as it is.
    expect(lines).toContain(
      'Reflektionsperiod;200000,00;0,00;0,00;5000,00;41000,00;1000,00;10000,00;154000,00',
    );
    expect(lines).toContain(`${FROM};Åtagande;${code.A1};;-30000,00;;170000,00`);
    expect(lines).toContain('Kategori;Personer;%');
    expect(lines).toContain('Kvinna;4;57');
    expect(csv.rawPayload.toString('utf8')).toContain(code.B9);

    const xlsx = await download('coordinator', `${RANGE}&version=internal&format=xlsx`, 'en');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX_TYPE);
    const wb = await workbookText(xlsx.rawPayload);
    expect(wb.sheets).toEqual(['Applications', 'Funds', 'Background']);
    const rows = wb.rows.map((r) => r.join('\t'));
    expect(rows).toContain(['Admission', '10', '10', '7', '0', '1', '2', '0'].join('\t'));
    expect(rows).toContain(['Woman', '4', '57'].join('\t'));
    expect(rows).toContain(['Sweden', '6', '86'].join('\t'));
    expect(rows.some((row) => row.includes(code.B9!) && row.includes(LONG_DESCRIPTION))).toBe(true);
    // The files list every decision note in order: the JSON's paging does not apply to them.
    const listed = (await report(`${RANGE}&version=internal&notesPageSize=500`)).applications;
    expect(listed.notesPaging!.total).toBe(13);
    const everyNote = listed.notes!.map((n) => [n.decidedOn, n.caseCode]);
    expect(everyNote).toHaveLength(13);
    const codes = new Set(Object.values(code));
    const noteRows = (table: string[][]) =>
      table.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[0] ?? '') && codes.has(r[1] ?? ''));
    expect(noteRows(wb.rows).map((r) => [r[0], r[1]])).toEqual(everyNote);
    expect(noteRows(lines.map((l) => l.split(';'))).map((r) => [r[0], r[1]])).toEqual(everyNote);

    const pdf = await download('coordinator', `${RANGE}&version=internal&format=pdf`, 'en');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf.rawPayload).split('\n');
    expect(text).toContain('Period report');
    expect(text).toContain('1. Applications per type');
    expect(text).toContain(code.A1);
    expect(text).toContain('154,000.00');
    expect(text.some((line) => /^Page 1 of \d+$/.test(line))).toBe(true);
  });

  it('publishable exports hold no case code and no text typed by a person', async () => {
    const secrets = [
      ...Object.values(code),
      'NSP',
      DEFAULT_RATIONALE,
      CONDITION_RATIONALE,
      'Polisanmälan finns',
      'Hösten 2026',
      'Reflektionsperiod',
      'Insatser',
      'Fler insatser',
    ];
    const seen: Record<string, string> = {};
    for (const format of ['csv', 'xlsx', 'pdf'] as const) {
      const res = await download(
        'member',
        `${RANGE}&version=publishable&threshold=3&format=${format}`,
      );
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-disposition']).toContain(
        `slussa-period-report-${FROM}-${TO}-publishable.${format}`,
      );
      seen[format] =
        format === 'csv'
          ? res.rawPayload.toString('utf8')
          : format === 'xlsx'
            ? (await workbookText(res.rawPayload)).rows.map((r) => r.join('\t')).join('\n')
            : pdfText(res.rawPayload);
      for (const secret of secrets)
        expect(seen[format], `${format}: ${secret}`).not.toContain(secret);
    }
    // What they do hold: the merged and suppressed tables, and the rule under them.
    expect(seen.csv).toContain('Woman;4;57');
    expect(seen.csv).toContain('Man;..;..');
    expect(seen.csv).toContain(en.reports.period.rules.ageBands);
    expect(seen.xlsx).toContain(
      ['Reflection periods', '200000', '0', '0', '5000', '41000', '1000', '10000', '154000'].join(
        '\t',
      ),
    );
    expect(seen.pdf).toContain('18–30');
    expect(seen.pdf).toContain('Man\n..\n..\nNon-binary or other\n..\n..');
    // The same files, rendered without compression, hold the same (a check of the decoder).
    const r = await report(`${RANGE}&version=publishable&threshold=3`, 'member');
    const plain = await renderReport(r, 'pdf', 'en', { compress: false });
    expect(plain.toString('latin1')).not.toContain('/FlateDecode');
    expect(pdfText(plain)).toContain('Woman');
    for (const secret of secrets) expect(pdfText(plain)).not.toContain(secret);
  });

  it('refuses bad input with a translated 400 and changes nothing', async () => {
    const before = await fingerprint(t, IGNORE);
    const reads = (await auditEvents('reports.period_read')).length;
    const exports = (await auditEvents('reports.period_exported')).length;
    const refused = async (
      query: string,
      fields: Array<[string, string]>,
      route: 'json' | 'file' = 'json',
    ) => {
      const res: LightMyRequestResponse =
        route === 'json' ? await get('coordinator', query) : await download('coordinator', query);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.headers['content-disposition']).toBeUndefined();
      const err = errorOf(res);
      expect(err.code).toBe('validation');
      expect(err.message).toBe(en.errors.validation);
      expect(
        err.fields.map((x) => [x.path, x.code]),
        query,
      ).toEqual(fields);
      return err;
    };
    const reversed = await refused('from=2026-12-10&to=2026-11-24', [['to', 'date_order']]);
    expect(reversed.fields[0]!.message).toBe(en.validation.date_order);
    // 2026-01-01 … 2027-01-02 is 367 days; at most 366.
    const long = await refused('from=2026-01-01&to=2027-01-02', [['to', 'period_too_long']]);
    expect(long.fields[0]!.message).toBe('The period may be at most 366 days.');
    const low = await refused(`${RANGE}&threshold=2`, [['threshold', 'threshold_too_low']]);
    expect(low.fields[0]!.message).toBe('The threshold must be a whole number of at least 3.');
    await refused(`${RANGE}&threshold=0`, [['threshold', 'threshold_too_low']]);
    // Every problem at once.
    await refused('from=2026-12-10&to=2026-11-24&threshold=1', [
      ['to', 'date_order'],
      ['threshold', 'threshold_too_low'],
    ]);
    await refused(`${RANGE}&version=internal&threshold=2`, [['threshold', 'threshold_too_low']]);
    await refused(`${RANGE}&threshold=abc`, [['querystring.threshold', 'invalid_type']]);
    await refused(`${RANGE}&threshold=3.5`, [['querystring.threshold', 'not_integer']]);
    await refused(`${RANGE}&version=secret`, [['querystring.version', 'invalid_value']]);
    await refused('to=2026-12-10', [['querystring.from', 'required']]);
    await refused('from=2026-02-30&to=2026-03-01', [['querystring.from', 'invalid_format']]);
    await refused(`${RANGE}&extra=1`, [['querystring.extra', 'unrecognized_keys']]);
    // The notes' page: a whole number from 1, at most 500 notes a page.
    const page0 = await refused(`${RANGE}&version=internal&notesPage=0`, [
      ['querystring.notesPage', 'too_small'],
    ]);
    expect(page0.fields[0]!.message).toBe('The value is too short or too small (at least 1).');
    await refused(`${RANGE}&version=internal&notesPage=1.5`, [
      ['querystring.notesPage', 'not_integer'],
    ]);
    await refused(`${RANGE}&notesPage=abc`, [['querystring.notesPage', 'invalid_type']]);
    await refused(`${RANGE}&notesPage=-1`, [['querystring.notesPage', 'too_small']]);
    const size = await refused(`${RANGE}&version=internal&notesPageSize=501`, [
      ['querystring.notesPageSize', 'too_big'],
    ]);
    expect(size.fields[0]!.message).toBe('The value is too long or too large (at most 500).');
    await refused(`${RANGE}&version=internal&notesPageSize=0`, [
      ['querystring.notesPageSize', 'too_small'],
    ]);
    // The files hold every note: they take no page.
    await refused(
      `${RANGE}&version=internal&notesPage=2&format=csv`,
      [['querystring.notesPage', 'unrecognized_keys']],
      'file',
    );
    await refused(
      `${RANGE}&notesPageSize=10&format=xlsx`,
      [['querystring.notesPageSize', 'unrecognized_keys']],
      'file',
    );
    await refused(`${RANGE}&format=docx`, [['querystring.format', 'invalid_value']], 'file');
    await refused(`${RANGE}&format=csv&lang=de`, [['querystring.lang', 'invalid_value']], 'file');
    await refused(RANGE, [['querystring.format', 'invalid_value']], 'file');
    await refused('from=2026-12-10&to=2026-11-24&format=pdf', [['to', 'date_order']], 'file');
    await refused(`${RANGE}&threshold=2&format=csv`, [['threshold', 'threshold_too_low']], 'file');
    // In Swedish.
    const sv = await get('coordinator', 'from=2026-12-10&to=2026-11-24', 'sv');
    expect(errorOf(sv).fields[0]!.message).toBe('Slutdatumet kan inte vara före startdatumet.');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    expect(await auditEvents('reports.period_read')).toHaveLength(reads);
    expect(await auditEvents('reports.period_exported')).toHaveLength(exports);

    // A leap year of 366 days is allowed.
    expect((await get('coordinator', 'from=2028-01-01&to=2028-12-31')).statusCode).toBe(200);
  });

  it('lets only the coordinator read the internal version; everyone signed in the publishable one', async () => {
    const before = await fingerprint(t, IGNORE);
    const denied = (await auditEvents('access.denied')).length;
    for (const who of ['staffA', 'member', 'authority', 'admin'] as const) {
      for (const res of [
        await get(who, `${RANGE}&version=internal`),
        await download(who, `${RANGE}&version=internal&format=xlsx`),
      ]) {
        expect(res.statusCode, `${who}: ${res.body.slice(0, 100)}`).toBe(403);
        expect(errorOf(res).code).toBe('forbidden');
        expect(res.headers['content-disposition']).toBeUndefined();
      }
      expect((await get(who, `${RANGE}&version=publishable`)).statusCode, who).toBe(200);
      // Without a version: the publishable one.
      const plain = await get(who, RANGE);
      expect(plain.statusCode).toBe(200);
      expect((plain.json() as PeriodReport).version).toBe('publishable');
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // Each refusal is in the audit trail, with the version asked for.
    const refusals = (await auditEvents('access.denied')).slice(denied);
    expect(refusals).toHaveLength(8);
    expect(
      refusals.every((e) => e.object_type === 'period_report' && e.object_id === 'internal'),
    ).toBe(true);
    expect(refusals.every((e) => e.outcome === 'denied')).toBe(true);
    for (const url of [
      `/api/reports/period?${RANGE}`,
      `/api/reports/period/export?${RANGE}&format=csv`,
    ]) {
      const anonymous = await call(t, { method: 'GET', url });
      expect(anonymous.statusCode).toBe(401);
      expect(errorOf(anonymous).code).toBe('unauthenticated');
    }
  });

  it('audits every read and export with the version and the range', async () => {
    const reads = (await auditEvents('reports.period_read')).length;
    const exports = (await auditEvents('reports.period_exported')).length;
    await report(`${RANGE}&version=internal`);
    await report(`${RANGE}&threshold=5`, 'staffA');
    const file = await download('coordinator', `${RANGE}&version=internal&format=pdf`);
    expect(file.statusCode).toBe(200);
    const read = (await auditEvents('reports.period_read')).slice(reads);
    expect(read.map((e) => [e.object_type, e.object_id, e.outcome, e.actor_user_id])).toEqual([
      ['period_report', `internal:${FROM}:${TO}`, 'success', f.users.coordinator.id],
      ['period_report', `publishable:${FROM}:${TO}`, 'success', f.users.staffA.id],
    ]);
    const exported = (await auditEvents('reports.period_exported')).slice(exports);
    expect(exported.map((e) => [e.object_id, e.actor_user_id])).toEqual([
      [`internal:${FROM}:${TO}`, f.users.coordinator.id],
    ]);
  });
});
