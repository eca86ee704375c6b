/**
 * The funder report of a budget period (JSON, XLSX, PDF): its figures are the
 * balances' and the ledger's to the öre, the workbook holds the same figures
 * as numeric cells under headings in the request's language, the PDF carries
 * the result, the date filter reads the ledger up to a day, and unknown
 * periods, other roles and bad formats are refused with nothing changed.
 */
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import {
  balances,
  createPeriod,
  postOf,
  type PeriodJson,
} from '../../../../test/budget-fixture.js';
import { newId } from '../../core/ids.js';
import { t as translate, type Locale } from '../../core/i18n.js';
import { XLSX_TYPE } from '../../core/export.js';
import { formatAmount, reportPdf, type FunderReport } from './budget.report.js';
import { pdfText } from '../../../../test/pdf-text.js';

const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];
const DAY = 86_400_000;
// 30 days × (1,200 + 300 for one child) SEK, less a deduction of 3,000 SEK.
const FULL = 4_500_000;
const DEDUCTION = 300_000;
const PAID = 4_000_000;
const MOVED = 1_000_000;

const k = (locale: Locale, key: string) => translate(locale, `budget.report.${key}`);

/** The worksheet's rows as arrays of cell values (column A first). */
function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    rows[n - 1] = Array.from(values, (v) => v ?? null);
  });
  return Array.from(rows, (r) => r ?? []);
}

/** Kronor in a cell back to öre: exact, since the cell holds öre / 100. */
function oreOf(v: unknown): number {
  expect(typeof v, `not a number: ${String(v)}`).toBe('number');
  return Math.round((v as number) * 100);
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

describe(`the funder report (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let period: PeriodJson;
  let earmarkCode: string;
  let reflection: string;
  let integration: string;
  const report = async (date?: string) => {
    const res = await f.as(
      'coordinator',
      'GET',
      `/api/budget/periods/${period.id}/report${date ? `?date=${date}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as FunderReport;
  };
  const download = (format: string, locale: string, date = '2026-12-31') =>
    call(t, {
      method: 'GET',
      url: `/api/budget/periods/${period.id}/report/export?format=${format}&date=${date}`,
      cookie: f.users.coordinator.cookie,
      headers: { 'accept-language': locale },
    });
  const auditCount = async (action: string) => {
    await t.ctx.audit.flush();
    const row = await t.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('action', '=', action)
      .where('object_id', '=', period.id)
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 365 * DAY, sessionAbsoluteMs: 365 * DAY });
    f = await programmeFixture(t);
    const earmarked = await newCase(f);
    earmarkCode = earmarked.code;
    period = await createPeriod(
      f,
      {
        name: 'Hösten 2026',
        startsOn: '2026-09-01',
        endsOn: '2026-12-31',
        overheadBp: 1000,
        fundingSources: [
          // An odd öre, so that the overhead share is rounded down.
          { kind: 'grant', name: 'Länsstyrelsen Stockholm', amountOre: 100_000_007 },
          { kind: 'carried_over', name: 'Överfört från våren', amountOre: 5_000_000 },
          {
            kind: 'earmarked',
            name: 'Tandvård',
            amountOre: 1_234_567,
            caseId: earmarked.id,
          },
        ],
        fixedCosts: [
          { kind: 'coordinator_salary', name: 'Samordnare 50 %', amountOre: 20_000_000 },
          { kind: 'travel', name: 'Resor', amountOre: 1_000_050 },
          // A formula-like name and characters the PDF's font lacks.
          { kind: 'website', name: '+Webbplats − drift ≥ 2026', amountOre: 500_000 },
        ],
      },
      { reflection: 20_000_000, integration: 10_000_000, intervention: 5_000_000 },
    );
    reflection = postOf(period, 'reflection');
    integration = postOf(period, 'integration');
    // A granted decision (2026-11-23): a commitment and its deduction on the reflection post.
    const c = await newCase(f);
    const app = await submitApplication(
      f,
      reflectionBody(c.id, { deductionsOre: DEDUCTION, deductionsBy: 'Migrationsverket (EBO)' }),
    );
    const decided = await decideApplication(f, app, { outcome: 'granted' });
    expect(decided.statusCode, decided.body).toBe(200);
    const decisionId = (decided.json() as { decisions: Array<{ id: string }> }).decisions[0]!.id;
    // The next day, a transfer; a payout in December.
    t.clock.advance(DAY);
    const moved = await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: reflection,
      toPostId: integration,
      amountOre: MOVED,
      reason: 'Fler integrationsdagar behövs.',
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const paid = await f.as('coordinator', 'POST', '/api/budget/payouts', {
      decisionId,
      paidOn: '2026-12-15',
      amountOre: PAID,
      reference: 'Faktura 2026-117',
    });
    expect(paid.statusCode, paid.body).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives the balances’ figures, equal to the ledger’s entries to the öre', async () => {
    const before = await auditCount('budget.report_read');
    const r = await report('2026-12-31');
    const b = await balances(f, period.id, '2026-12-31');
    expect(r.period).toMatchObject({
      id: period.id,
      name: 'Hösten 2026',
      startsOn: '2026-09-01',
      endsOn: '2026-12-31',
      overheadBp: 1000,
      status: 'open',
      closedAt: null,
    });
    expect(r.date).toBe('2026-12-31');
    const keys = Object.keys(r.posts[0]!) as Array<keyof FunderReport['posts'][number]>;
    expect(keys).toHaveLength(10);
    expect(r.posts).toEqual(
      b.posts.map((p) => Object.fromEntries(keys.map((key) => [key, p[key as keyof typeof p]]))),
    );
    for (const key of [
      'fundsOre',
      'overheadOre',
      'committedOre',
      'paidOre',
      'resultOre',
      'resultPaidOre',
    ] as const)
      expect(r[key], key).toBe(b[key]);
    expect(r.fixedCostsOre).toBe(b.fixedCostsOre);

    // The funds, fixed costs and overhead, line by line.
    expect(r.funding).toEqual([
      { kind: 'grant', name: 'Länsstyrelsen Stockholm', amountOre: 100_000_007, caseCode: null },
      { kind: 'carried_over', name: 'Överfört från våren', amountOre: 5_000_000, caseCode: null },
      { kind: 'earmarked', name: 'Tandvård', amountOre: 1_234_567, caseCode: earmarkCode },
    ]);
    expect(r.fundsOre).toBe(106_234_574);
    expect(r.fixedCosts.map((c) => c.amountOre)).toEqual([20_000_000, 1_000_050, 500_000]);
    expect(r.fixedCostsOre).toBe(21_500_050);
    expect(r.overheadBp).toBe(1000);
    expect(r.overheadOre).toBe(10_623_457); // 10 % of 106,234,574 öre, rounded down
    expect(r.resultOre).toBe(r.fundsOre - r.fixedCostsOre - r.overheadOre - r.committedOre);
    expect(r.resultPaidOre).toBe(r.fundsOre - r.fixedCostsOre - r.overheadOre - r.paidOre);

    // The posts, from the ledger itself.
    const entries = await t.ctx.db
      .selectFrom('budget_entries')
      .select(['post_id', 'kind', 'amount_ore'])
      .where('period_id', '=', period.id)
      .where('entry_date', '<=', '2026-12-31')
      .execute();
    for (const p of r.posts) {
      const of = (...kinds: string[]) =>
        sum(
          entries
            .filter((e) => e.post_id === p.postId && kinds.includes(e.kind))
            .map((e) => Number(e.amount_ore)),
        );
      expect(p.budgetOre, p.name).toBe(of('budget'));
      expect(p.transferredInOre, p.name).toBe(of('transfer_in'));
      expect(p.transferredOutOre, p.name).toBe(0 - of('transfer_out'));
      expect(p.committedOre, p.name).toBe(
        0 - of('commitment', 'deduction', 'reversal', 'adjustment'),
      );
      expect(p.deductedOre, p.name).toBe(of('deduction'));
      expect(p.paidOre, p.name).toBe(of('payout'));
      expect(p.remainingOre, p.name).toBe(
        of(
          'budget',
          'commitment',
          'deduction',
          'reversal',
          'adjustment',
          'transfer_in',
          'transfer_out',
        ),
      );
    }
    const byPost = Object.fromEntries(r.posts.map((p) => [p.postId, p]));
    expect(byPost[reflection]).toMatchObject({
      budgetOre: 20_000_000,
      transferredOutOre: MOVED,
      committedOre: FULL - DEDUCTION,
      deductedOre: DEDUCTION,
      paidOre: PAID,
      remainingOre: 20_000_000 - MOVED - (FULL - DEDUCTION),
    });
    expect(byPost[integration]).toMatchObject({
      transferredInOre: MOVED,
      remainingOre: 11_000_000,
    });
    expect(r.committedOre).toBe(FULL - DEDUCTION);
    expect(r.paidOre).toBe(PAID);
    expect(await auditCount('budget.report_read')).toBe(before + 1);
  });

  it('reads the ledger up to the date asked for, today when none is', async () => {
    const at = async (date: string) => {
      const r = await report(date);
      const p = r.posts.find((x) => x.postId === integration)!;
      return { transferred: p.transferredInOre, paid: r.paidOre, committed: r.committedOre };
    };
    expect(await at('2026-11-22')).toEqual({ transferred: 0, paid: 0, committed: 0 });
    expect(await at('2026-11-23')).toEqual({
      transferred: 0,
      paid: 0,
      committed: FULL - DEDUCTION,
    });
    expect(await at('2026-12-14')).toEqual({
      transferred: MOVED,
      paid: 0,
      committed: FULL - DEDUCTION,
    });
    expect(await at('2026-12-15')).toEqual({
      transferred: MOVED,
      paid: PAID,
      committed: FULL - DEDUCTION,
    });
    // Before any entry: no budget on the posts yet, but the funds and fixed costs are the period's.
    const early = await report('2026-11-22');
    expect(early.posts.every((p) => p.budgetOre === 0 && p.remainingOre === 0)).toBe(true);
    expect(early.resultOre).toBe(early.fundsOre - early.fixedCostsOre - early.overheadOre);
    expect(early).toMatchObject({
      fundsOre: 106_234_574,
      fixedCostsOre: 21_500_050,
      overheadOre: 10_623_457,
    });
    // No date: today in Stockholm (the test clock has moved on a day).
    const today = await report();
    expect(today.date).toBe('2026-11-24');
    expect(today).toEqual({ ...(await report('2026-11-24')) });
  });

  it('exports a workbook with the same figures as numbers, headings in the request’s language', async () => {
    const r = await report('2026-12-31');
    const before = await auditCount('budget.report_exported');
    for (const [accept, locale] of [
      ['sv-SE,sv;q=0.9', 'sv'],
      ['en-GB,en;q=0.9', 'en'],
    ] as const) {
      const res = await download('xlsx', accept);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX_TYPE);
      expect(res.headers['content-disposition']).toContain(
        'attachment; filename="slussa-budget-2026-09-01-2026-12-31-2026-12-31.xlsx"',
      );
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
      expect(wb.worksheets).toHaveLength(1);
      const sheet = wb.worksheets[0]!;
      expect(sheet.name).toBe(k(locale, 'sheet'));
      // Never a formula, whatever the data.
      sheet.eachRow((row) =>
        row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)),
      );
      const rows = sheetRows(sheet);
      const label = (row: unknown[] | undefined) => row?.[0];
      expect(label(rows[0])).toBe(k(locale, 'title'));
      const section = (heading: string) => {
        const i = rows.findIndex((row) => label(row) === heading);
        expect(i, heading).toBeGreaterThan(0);
        return i;
      };
      /** The lines of a section (after its heading and column headings) up to its total row. */
      const linesOf = (heading: string, total: string) => {
        const start = section(heading) + 2;
        const end = rows.findIndex((row, n) => n >= start && label(row) === total);
        expect(end, total).toBeGreaterThanOrEqual(start);
        return { lines: rows.slice(start, end), total: rows[end]! };
      };

      // Funds: the lines as in the report, the total their exact sum.
      const funds = linesOf(k(locale, 'funds'), k(locale, 'totalFunds'));
      expect(rows[section(k(locale, 'funds')) + 1]).toEqual([
        k(locale, 'kind'),
        k(locale, 'name'),
        k(locale, 'case'),
        k(locale, 'amount'),
      ]);
      expect(funds.lines.map((l) => [l[0], l[1], l[2], oreOf(l[3])])).toEqual(
        r.funding.map((x) => [
          k(locale, `fundingKinds.${x.kind}`),
          x.name,
          x.caseCode,
          x.amountOre,
        ]),
      );
      expect(oreOf(funds.total[3])).toBe(r.fundsOre);
      expect(oreOf(funds.total[3])).toBe(sum(funds.lines.map((l) => oreOf(l[3]))));

      // Fixed costs; a name that looks like a formula is kept as text.
      const fixed = linesOf(k(locale, 'fixedCosts'), k(locale, 'totalFixedCosts'));
      expect(fixed.lines.map((l) => oreOf(l[3]))).toEqual(r.fixedCosts.map((c) => c.amountOre));
      expect(fixed.lines.map((l) => l[1])).toEqual([
        'Samordnare 50 %',
        'Resor',
        "'+Webbplats − drift ≥ 2026",
      ]);
      expect(oreOf(fixed.total[3])).toBe(r.fixedCostsOre);
      expect(oreOf(fixed.total[3])).toBe(sum(fixed.lines.map((l) => oreOf(l[3]))));

      // Overhead: the share and the amount.
      const overhead = linesOf(k(locale, 'overheadHeading'), k(locale, 'overheadAmount'));
      expect(overhead.lines).toHaveLength(1);
      expect(Math.round((overhead.lines[0]![3] as number) * 10_000)).toBe(r.overheadBp);
      expect(oreOf(overhead.total[3])).toBe(r.overheadOre);

      // Payouts per post: every column of every post; the totals their exact sums.
      const postsHeading = section(k(locale, 'posts'));
      expect(rows[postsHeading + 1]).toEqual(
        [
          'post',
          'budget',
          'transferredIn',
          'transferredOut',
          'committed',
          'deducted',
          'paid',
          'remaining',
        ].map((key) => k(locale, key)),
      );
      const posts = linesOf(k(locale, 'posts'), k(locale, 'total'));
      const columns = [
        'budgetOre',
        'transferredInOre',
        'transferredOutOre',
        'committedOre',
        'deductedOre',
        'paidOre',
        'remainingOre',
      ] as const;
      expect(posts.lines.map((l) => [l[0], ...l.slice(1, 8).map(oreOf)])).toEqual(
        r.posts.map((p) => [p.name, ...columns.map((c) => p[c])]),
      );
      columns.forEach((c, i) =>
        expect(oreOf(posts.total[i + 1]), c).toBe(sum(posts.lines.map((l) => oreOf(l[i + 1])))),
      );
      expect(oreOf(posts.total[4])).toBe(r.committedOre);
      expect(oreOf(posts.total[6])).toBe(r.paidOre);

      // The result, on commitments and on payments: the sum of the signed lines above it.
      const result = linesOf(k(locale, 'resultHeading'), k(locale, 'result'));
      expect(rows[section(k(locale, 'resultHeading')) + 1]).toEqual([
        null,
        k(locale, 'onCommitments'),
        k(locale, 'onPayments'),
      ]);
      expect(result.lines.map((l) => [l[0], oreOf(l[1]), oreOf(l[2])])).toEqual([
        [k(locale, 'resultFunds'), r.fundsOre, r.fundsOre],
        [k(locale, 'resultFixedCosts'), -r.fixedCostsOre, -r.fixedCostsOre],
        [k(locale, 'resultOverhead'), -r.overheadOre, -r.overheadOre],
        [k(locale, 'resultPosts'), -r.committedOre, -r.paidOre],
      ]);
      expect([oreOf(result.total[1]), oreOf(result.total[2])]).toEqual([
        r.resultOre,
        r.resultPaidOre,
      ]);
      expect(oreOf(result.total[1])).toBe(sum(result.lines.map((l) => oreOf(l[1]))));
      expect(oreOf(result.total[2])).toBe(sum(result.lines.map((l) => oreOf(l[2]))));

      // Amounts carry a number format with two decimals.
      const totalRow = rows.findIndex((row) => label(row) === k(locale, 'totalFunds')) + 1;
      expect(sheet.getRow(totalRow).getCell(4).numFmt).toBe('#,##0.00');
    }
    expect(await auditCount('budget.report_exported')).toBe(before + 2);
  });

  it('exports an A4 PDF with the result, in the request’s language', async () => {
    const r = await report('2026-12-31');
    for (const [accept, locale] of [
      ['sv', 'sv'],
      ['en', 'en'],
    ] as const) {
      const res = await download('pdf', accept);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain(
        'attachment; filename="slussa-budget-2026-09-01-2026-12-31-2026-12-31.pdf"',
      );
      const pdf = res.rawPayload;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
      const text = pdfText(pdf).split('\n');
      expect(text).toContain(k(locale, 'title'));
      expect(text).toContain(k(locale, 'result'));
      expect(text).toContain(formatAmount(r.resultOre, locale));
      expect(text).toContain(formatAmount(r.resultPaidOre, locale));
      expect(text).toContain(formatAmount(r.fundsOre, locale));
      expect(text).toContain(translate(locale, 'budget.report.page', { page: 1, pages: 1 }));
      // The minus sign and ≥ the built-in font lacks are written as "-" and "?".
      expect(text).toContain('+Webbplats - drift ? 2026');
    }
    expect(formatAmount(r.resultOre, 'sv')).toMatch(/^\d{1,3}( \d{3})*,\d{2} kr$/);

    // Uncompressed, the same text is there as it is written.
    const plain = await reportPdf(r, 'sv', { compress: false });
    expect(plain.toString('latin1')).not.toContain('/FlateDecode');
    expect(pdfText(plain)).toContain(formatAmount(r.resultOre, 'sv'));
  });

  it('reports a closed period without funds or costs: its status, "none" lines and zero totals', async () => {
    const empty = await createPeriod(f, {
      name: 'Våren 2027',
      startsOn: '2027-01-01',
      endsOn: '2027-06-30',
    });
    const closed = await f.as('coordinator', 'POST', `/api/budget/periods/${empty.id}/close`, {
      expectedVersion: empty.version,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const res = await f.as('coordinator', 'GET', `/api/budget/periods/${empty.id}/report`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as FunderReport;
    expect(r.period.status).toBe('closed');
    expect(r.period.closedAt).toEqual(expect.any(String));
    expect(r).toMatchObject({ funding: [], fundsOre: 0, fixedCosts: [], resultOre: 0 });
    const xlsx = await call(t, {
      method: 'GET',
      url: `/api/budget/periods/${empty.id}/report/export?format=xlsx`,
      cookie: f.users.coordinator.cookie,
      headers: { 'accept-language': 'sv' },
    });
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain(
      'filename="slussa-budget-2027-01-01-2027-06-30-2026-11-24.xlsx"',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const rows = sheetRows(wb.worksheets[0]!);
    expect(rows.find((row) => row[0] === k('sv', 'status'))?.[1]).toBe(
      translate('sv', 'budget.report.statusClosed', { date: '2026-11-24' }),
    );
    expect(rows.filter((row) => row[0] === k('sv', 'none'))).toHaveLength(2);
    expect(rows.find((row) => row[0] === k('sv', 'totalFunds'))?.[3]).toBe(0);
    const pdf = await f.as(
      'coordinator',
      'GET',
      `/api/budget/periods/${empty.id}/report/export?format=pdf`,
    );
    expect(pdf.statusCode).toBe(200);
    const text = pdfText(pdf.rawPayload).split('\n');
    expect(text).toContain(k('sv', 'none'));
    expect(text).toContain(formatAmount(0, 'sv'));
  });

  it('formats amounts exactly, with characters the PDF fonts have', () => {
    expect(formatAmount(-123_450, 'sv')).toBe('-1 234,50 kr');
    expect(formatAmount(-123_450, 'en')).toBe('-SEK 1,234.50');
    expect(formatAmount(5, 'sv')).toBe('0,05 kr');
    expect(formatAmount(123_456_789_012, 'sv', false)).toBe('1 234 567 890,12');
    expect(formatAmount(0, 'en', false)).toBe('0.00');
  });

  it('writes the file’s headings in the language the link asks for, else the browser’s', async () => {
    const res = await call(t, {
      method: 'GET',
      url: `/api/budget/periods/${period.id}/report/export?format=xlsx&date=2026-12-31&lang=en`,
      cookie: f.users.coordinator.cookie,
      headers: { 'accept-language': 'sv' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const rows = sheetRows(wb.worksheets[0]!);
    expect(rows.some((row) => row[0] === k('en', 'totalFunds'))).toBe(true);
    expect(rows.some((row) => row[0] === k('sv', 'totalFunds'))).toBe(false);
    const bad = await call(t, {
      method: 'GET',
      url: `/api/budget/periods/${period.id}/report/export?format=xlsx&lang=xx`,
      cookie: f.users.coordinator.cookie,
      headers: { 'accept-language': 'sv' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 404 for an unknown period', async () => {
    for (const url of [
      `/api/budget/periods/${newId()}/report`,
      `/api/budget/periods/${newId()}/report/export?format=xlsx`,
      `/api/budget/periods/${newId()}/report/export?format=pdf`,
    ]) {
      const res = await f.as('coordinator', 'GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
  });

  it('refuses actor staff and authority contacts, and a bad format or date, with nothing changed', async () => {
    const before = await fingerprint(t, IGNORE);
    const exported = await auditCount('budget.report_exported');
    const read = await auditCount('budget.report_read');
    const expectRefused = (res: LightMyRequestResponse, status: number, code: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(errorOf(res).code).toBe(code);
      expect(res.headers['content-disposition']).toBeUndefined();
    };
    for (const who of ['staffA', 'authority'] as const)
      for (const url of [
        `/api/budget/periods/${period.id}/report`,
        `/api/budget/periods/${period.id}/report/export?format=xlsx`,
        `/api/budget/periods/${period.id}/report/export?format=pdf`,
      ])
        expectRefused(await f.as(who, 'GET', url), 403, 'forbidden');
    for (const query of [
      'format=docx',
      'format=PDF',
      'format=',
      '',
      'format=pdf&date=2026-13-01',
      'format=xlsx&extra=1',
    ])
      expectRefused(
        await f.as('coordinator', 'GET', `/api/budget/periods/${period.id}/report/export?${query}`),
        400,
        'validation',
      );
    expectRefused(
      await f.as('coordinator', 'GET', `/api/budget/periods/${period.id}/report?date=31/12/2026`),
      400,
      'validation',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    expect(await auditCount('budget.report_exported')).toBe(exported);
    expect(await auditCount('budget.report_read')).toBe(read);
  });
});
