import type { Fill } from 'exceljs';
import { z } from 'zod';
import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import type { Db } from '../../core/db/database.js';
import { AppError } from '../../core/errors.js';
import { auditActor } from '../../core/audit.js';
import { loadExcelJs, neutraliseFormula, XLSX_TYPE } from '../../core/export.js';
import {
  createPdf,
  drawFooters,
  drawNote,
  drawTable,
  drawTitleBlock,
  PDF_TYPE,
  type PdfRow,
} from '../../core/pdf.js';
import { t, type Locale } from '../../core/i18n.js';
import { id, isoDate, locale } from '../../core/schemas.js';
import { BUSINESS_TIME_ZONE, stockholmDate } from '../../core/time.js';
import { FIXED_COST_KINDS, FUNDING_KINDS, POST_KINDS } from './budget.schemas.js';

/**
 * The funder report of a budget period (domain.md §3, Rates and budget; the
 * issue's "a report that matches the ledger to the öre"): the period's funds,
 * fixed costs, overhead, the payout posts with their budget, transfers,
 * commitments, deductions and payouts, and the result. The figures are the
 * balances' (`periodBalances`), read from the ledger up to a date with the
 * same integer arithmetic. As JSON, as an XLSX workbook (numeric cells, never
 * formulas) and as an A4 PDF.
 */

/* ---------- schemas ---------- */

const ore = z.number().int();

export const reportParams = z.strictObject({ id });
export const reportQuery = z.strictObject({ date: isoDate.optional() });
export const REPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const reportExportQuery = z.strictObject({
  format: z.enum(REPORT_FORMATS),
  date: isoDate.optional(),
  /** The language of the file's headings: a link carries the browser's language, not the interface's. */
  lang: locale.optional(),
});

export const funderReportReply = z.object({
  period: z.object({
    id: z.string(),
    name: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    overheadBp: z.number().int(),
    status: z.enum(['open', 'closed']),
    closedAt: z.string().nullable(),
    version: z.number().int(),
  }),
  /** The ledger is read up to and including this date. */
  date: z.string(),
  funding: z.array(
    z.object({
      kind: z.enum(FUNDING_KINDS),
      name: z.string(),
      amountOre: ore,
      /** The case earmarked funds are for. */
      caseCode: z.string().nullable(),
    }),
  ),
  fundsOre: ore,
  fixedCosts: z.array(
    z.object({ kind: z.enum(FIXED_COST_KINDS), name: z.string(), amountOre: ore }),
  ),
  fixedCostsOre: ore,
  overheadBp: z.number().int(),
  /** floor(funds × overheadBp / 10 000). */
  overheadOre: ore,
  posts: z.array(
    z.object({
      postId: z.string(),
      kind: z.enum(POST_KINDS),
      name: z.string(),
      budgetOre: ore,
      transferredInOre: ore,
      transferredOutOre: ore,
      /** What decisions have granted, net of deductions and reversals. */
      committedOre: ore,
      /** The deductions (amounts another body already pays) taken off the commitments. */
      deductedOre: ore,
      paidOre: ore,
      /** budget + transferred in − transferred out − committed. */
      remainingOre: ore,
    }),
  ),
  committedOre: ore,
  paidOre: ore,
  /** funds − fixed costs − overhead − committed. */
  resultOre: ore,
  /** funds − fixed costs − overhead − paid. */
  resultPaidOre: ore,
});
export type FunderReport = z.infer<typeof funderReportReply>;

/* ---------- the figures ---------- */

type PostKind = (typeof POST_KINDS)[number];

const sumOf = (xs: ReadonlyArray<number>): number => xs.reduce((n, x) => n + x, 0);

/** The report's figures from the ledger (entries dated on or before `date`). */
async function buildReport(db: Db, periodId: string, date: string): Promise<FunderReport> {
  const p = await db
    .selectFrom('budget_periods')
    .select(['id', 'name', 'starts_on', 'ends_on', 'overhead_bp', 'status', 'closed_at', 'version'])
    .where('id', '=', periodId)
    .executeTakeFirst();
  if (!p) throw new AppError('not_found');
  const [funding, fixed, posts, sums] = await Promise.all([
    db
      .selectFrom('budget_funding_sources as f')
      .leftJoin('cases as c', 'c.id', 'f.case_id')
      .select(['f.kind', 'f.name', 'f.amount_ore', 'c.code'])
      .where('f.period_id', '=', p.id)
      .orderBy('f.sort_order')
      .orderBy('f.id')
      .execute(),
    db
      .selectFrom('budget_fixed_costs')
      .select(['kind', 'name', 'amount_ore'])
      .where('period_id', '=', p.id)
      .orderBy('sort_order')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('budget_posts')
      .select(['id', 'kind', 'name'])
      .where('period_id', '=', p.id)
      .orderBy('sort_order')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('budget_entries')
      .select(['post_id', 'kind', (eb) => eb.fn.sum<number | string>('amount_ore').as('s')])
      .where('period_id', '=', p.id)
      .where('entry_date', '<=', date)
      .groupBy(['post_id', 'kind'])
      .execute(),
  ]);
  const postLines = posts.map((post) => {
    const of = (kind: string) =>
      Number(sums.find((s) => s.post_id === post.id && s.kind === kind)?.s ?? 0);
    const budget = of('budget');
    const transferredIn = of('transfer_in');
    const transferredOut = 0 - of('transfer_out');
    // Commitments are negative, deductions positive: what was committed, net, is their negated sum.
    // (0 − x rather than −x: never a negative zero.)
    const committed = 0 - (of('commitment') + of('deduction') + of('reversal') + of('adjustment'));
    return {
      postId: post.id,
      kind: post.kind as PostKind,
      name: post.name,
      budgetOre: budget,
      transferredInOre: transferredIn,
      transferredOutOre: transferredOut,
      committedOre: committed,
      deductedOre: of('deduction'),
      paidOre: of('payout'),
      remainingOre: budget + transferredIn - transferredOut - committed,
    };
  });
  const fundingLines = funding.map((f) => ({
    kind: f.kind as (typeof FUNDING_KINDS)[number],
    name: f.name,
    amountOre: Number(f.amount_ore),
    caseCode: f.code,
  }));
  const fixedLines = fixed.map((f) => ({
    kind: f.kind as (typeof FIXED_COST_KINDS)[number],
    name: f.name,
    amountOre: Number(f.amount_ore),
  }));
  const funds = sumOf(fundingLines.map((f) => f.amountOre));
  const fixedCosts = sumOf(fixedLines.map((f) => f.amountOre));
  // Integer arithmetic, rounded down to whole öre (as the balances); BigInt keeps it exact for any sum.
  const overhead = Number((BigInt(funds) * BigInt(p.overhead_bp)) / 10_000n);
  const committed = sumOf(postLines.map((b) => b.committedOre));
  const paid = sumOf(postLines.map((b) => b.paidOre));
  return {
    period: {
      id: p.id,
      name: p.name,
      startsOn: p.starts_on,
      endsOn: p.ends_on,
      overheadBp: p.overhead_bp,
      status: p.status === 'closed' ? 'closed' : 'open',
      closedAt: p.closed_at,
      version: p.version,
    },
    date,
    funding: fundingLines,
    fundsOre: funds,
    fixedCosts: fixedLines,
    fixedCostsOre: fixedCosts,
    overheadBp: p.overhead_bp,
    overheadOre: overhead,
    posts: postLines,
    committedOre: committed,
    paidOre: paid,
    resultOre: funds - fixedCosts - overhead - committed,
    resultPaidOre: funds - fixedCosts - overhead - paid,
  };
}

export async function funderReport(
  ctx: AppContext,
  actor: Actor,
  periodId: string,
  date: string | undefined,
  requestId: string,
): Promise<FunderReport> {
  const report = await buildReport(ctx.db, periodId, date ?? stockholmDate(ctx.clock.now()));
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'budget.report_read',
    objectType: 'budget_period',
    objectId: report.period.id,
    requestId,
  });
  return report;
}

/** The report as a file to download; its name carries the period's dates and the report date only. */
export async function exportReport(
  ctx: AppContext,
  actor: Actor,
  periodId: string,
  date: string | undefined,
  format: ReportFormat,
  locale: Locale,
  requestId: string,
): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
  const now = ctx.clock.now();
  const report = await buildReport(ctx.db, periodId, date ?? stockholmDate(now));
  const bytes =
    format === 'xlsx'
      ? await reportXlsx(report, locale, { generatedAt: now })
      : await reportPdf(report, locale, { generatedAt: now });
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'budget.report_exported',
    objectType: 'budget_period',
    objectId: report.period.id,
    requestId,
  });
  const { startsOn, endsOn } = report.period;
  return {
    fileName: `slussa-budget-${startsOn}-${endsOn}-${report.date}.${format}`,
    contentType: format === 'xlsx' ? XLSX_TYPE : PDF_TYPE,
    bytes,
  };
}

/* ---------- shared by both files ---------- */

export interface RenderOptions {
  /** When the file is made (shown in it); now unless told. */
  generatedAt?: Date;
}

const tr = (locale: Locale, key: string, params: Record<string, string | number> = {}) =>
  t(locale, `budget.report.${key}`, params);

const generatedFormatter = new Intl.DateTimeFormat('sv-SE', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A Stockholm date and time, "2026-11-23 10:00" (the same in both languages, like the dates). */
function generatedText(at: Date): string {
  const parts = Object.fromEntries(
    generatedFormatter.formatToParts(at).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function periodText(report: FunderReport, locale: Locale): string {
  const { name, startsOn, endsOn } = report.period;
  return tr(locale, 'periodValue', { name, from: startsOn, to: endsOn });
}

function statusText(report: FunderReport, locale: Locale): string {
  const { status, closedAt } = report.period;
  return status === 'closed' && closedAt
    ? tr(locale, 'statusClosed', { date: stockholmDate(new Date(closedAt)) })
    : tr(locale, 'statusOpen');
}

/** The overhead share, e.g. "10,00 %" or "10.00%", from whole basis points (no floats). */
function percentText(bp: number, locale: Locale): string {
  const text = `${Math.floor(bp / 100)}${locale === 'sv' ? ',' : '.'}${String(bp % 100).padStart(2, '0')}`;
  return locale === 'sv' ? `${text} %` : `${text}%`;
}

/**
 * An amount in öre as kronor, exactly (integer arithmetic): "-1 234,50 kr" in
 * Swedish, "-SEK 1,234.50" in English; `unit: false` leaves the currency out.
 * Only plain ASCII hyphen-minus and spaces, which the PDF's built-in fonts have.
 */
export function formatAmount(amountOre: number, locale: Locale, unit = true): string {
  const sign = amountOre < 0 ? '-' : '';
  const abs = Math.abs(amountOre);
  const whole = String(Math.floor(abs / 100)).replace(
    /\B(?=(\d{3})+(?!\d))/g,
    locale === 'sv' ? ' ' : ',',
  );
  const cents = String(abs % 100).padStart(2, '0');
  if (locale === 'sv') return `${sign}${whole},${cents}${unit ? ' kr' : ''}`;
  return `${sign}${unit ? 'SEK ' : ''}${whole}.${cents}`;
}

/** One row of a report table: cells as text or as an amount in öre. */
type Cell = string | { ore: number } | { bp: number };
interface TableRow {
  cells: Cell[];
  total?: boolean;
}
interface ReportTable {
  heading: string;
  columns: Array<{ title: string; amount?: boolean }>;
  rows: TableRow[];
  /** Shown when there are no rows (besides the total). */
  empty?: string;
  note?: string;
}

/** The report's sections, the same in the workbook and the PDF. */
function sections(report: FunderReport, locale: Locale): ReportTable[] {
  const k = (key: string) => tr(locale, key);
  const amount = (ore: number): Cell => ({ ore });
  const less = (ore: number): Cell => ({ ore: 0 - ore });
  const sum = (f: (p: FunderReport['posts'][number]) => number) =>
    amount(sumOf(report.posts.map(f)));
  return [
    {
      heading: k('funds'),
      columns: [
        { title: k('kind') },
        { title: k('name') },
        { title: k('case') },
        { title: k('amount'), amount: true },
      ],
      rows: [
        ...report.funding.map((f) => ({
          cells: [k(`fundingKinds.${f.kind}`), f.name, f.caseCode ?? '', amount(f.amountOre)],
        })),
        { cells: [k('totalFunds'), '', '', amount(report.fundsOre)], total: true },
      ],
      empty: k('none'),
    },
    {
      heading: k('fixedCosts'),
      columns: [
        { title: k('kind') },
        { title: k('name') },
        { title: '' },
        { title: k('amount'), amount: true },
      ],
      rows: [
        ...report.fixedCosts.map((f) => ({
          cells: [k(`fixedCostKinds.${f.kind}`), f.name, '', amount(f.amountOre)],
        })),
        { cells: [k('totalFixedCosts'), '', '', amount(report.fixedCostsOre)], total: true },
      ],
      empty: k('none'),
    },
    {
      heading: k('overheadHeading'),
      columns: [{ title: '' }, { title: '' }, { title: '' }, { title: k('amount'), amount: true }],
      rows: [
        { cells: [k('overheadShare'), '', '', { bp: report.overheadBp }] },
        { cells: [k('overheadAmount'), '', '', amount(report.overheadOre)], total: true },
      ],
    },
    {
      heading: k('posts'),
      columns: [
        { title: k('post') },
        { title: k('budget'), amount: true },
        { title: k('transferredIn'), amount: true },
        { title: k('transferredOut'), amount: true },
        { title: k('committed'), amount: true },
        { title: k('deducted'), amount: true },
        { title: k('paid'), amount: true },
        { title: k('remaining'), amount: true },
      ],
      rows: [
        ...report.posts.map((p) => ({
          cells: [
            p.name,
            amount(p.budgetOre),
            amount(p.transferredInOre),
            amount(p.transferredOutOre),
            amount(p.committedOre),
            amount(p.deductedOre),
            amount(p.paidOre),
            amount(p.remainingOre),
          ],
        })),
        {
          cells: [
            k('total'),
            sum((p) => p.budgetOre),
            sum((p) => p.transferredInOre),
            sum((p) => p.transferredOutOre),
            amount(report.committedOre),
            sum((p) => p.deductedOre),
            amount(report.paidOre),
            sum((p) => p.remainingOre),
          ],
          total: true,
        },
      ],
      empty: k('none'),
      note: k('committedNote'),
    },
    {
      heading: k('resultHeading'),
      columns: [
        { title: '' },
        { title: k('onCommitments'), amount: true },
        { title: k('onPayments'), amount: true },
      ],
      // Signed lines: the result is the sum of the lines above it.
      rows: [
        { cells: [k('resultFunds'), amount(report.fundsOre), amount(report.fundsOre)] },
        {
          cells: [k('resultFixedCosts'), less(report.fixedCostsOre), less(report.fixedCostsOre)],
        },
        {
          cells: [k('resultOverhead'), less(report.overheadOre), less(report.overheadOre)],
        },
        {
          cells: [k('resultPosts'), less(report.committedOre), less(report.paidOre)],
        },
        {
          cells: [k('result'), amount(report.resultOre), amount(report.resultPaidOre)],
          total: true,
        },
      ],
    },
  ];
}

/* ---------- XLSX ---------- */

const KRONOR_FORMAT = '#,##0.00';
const PERCENT_FORMAT = '0.00%';
const HEADER_FILL: Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE8ECEF' },
};

/**
 * The report as a workbook: one sheet, amounts as numeric cells in kronor
 * (öre / 100, exact to the öre) with a number format, totals written as values
 * (the sums of the lines in öre), text from the data neutralised, no formulas.
 */
export async function reportXlsx(
  report: FunderReport,
  locale: Locale,
  options: RenderOptions = {},
): Promise<Buffer> {
  const generatedAt = options.generatedAt ?? new Date();
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Slussa';
  workbook.created = generatedAt;
  workbook.modified = generatedAt;
  workbook.title = tr(locale, 'title');
  const sheet = workbook.addWorksheet(tr(locale, 'sheet').slice(0, 31), {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
  });
  sheet.columns = [{ width: 34 }, ...Array.from({ length: 7 }, () => ({ width: 17 }))];

  const title = sheet.addRow([tr(locale, 'title')]);
  title.font = { bold: true, size: 16 };
  for (const [label, value] of [
    [tr(locale, 'period'), periodText(report, locale)],
    [tr(locale, 'status'), statusText(report, locale)],
    [tr(locale, 'date'), report.date],
    [tr(locale, 'generated'), generatedText(generatedAt)],
  ] as const) {
    const row = sheet.addRow([label, neutraliseFormula(value)]);
    row.getCell(1).font = { bold: true };
  }
  sheet.addRow([tr(locale, 'amountsIn')]).font = { italic: true };

  for (const table of sections(report, locale)) {
    sheet.addRow([]);
    sheet.addRow([table.heading]).font = { bold: true, size: 13 };
    const header = sheet.addRow(table.columns.map((c) => c.title || null));
    header.eachCell({ includeEmpty: false }, (cell, col) => {
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      cell.alignment = {
        horizontal: table.columns[col - 1]?.amount ? 'right' : 'left',
        wrapText: true,
        vertical: 'bottom',
      };
    });
    for (let col = 1; col <= table.columns.length; col++) header.getCell(col).fill = HEADER_FILL;
    if (table.rows.length === 1 && table.empty) sheet.addRow([table.empty]).font = { italic: true };
    for (const r of table.rows) {
      const row = sheet.addRow([]);
      r.cells.forEach((c, i) => {
        const cell = row.getCell(i + 1);
        if (c === '') return;
        if (typeof c === 'string') cell.value = neutraliseFormula(c);
        else if ('ore' in c) {
          cell.value = c.ore / 100;
          cell.numFmt = KRONOR_FORMAT;
        } else {
          cell.value = c.bp / 10_000;
          cell.numFmt = PERCENT_FORMAT;
        }
      });
      if (r.total)
        for (let col = 1; col <= table.columns.length; col++) {
          const cell = row.getCell(col);
          cell.font = { bold: true };
          cell.border = { top: { style: 'thin' } };
        }
    }
    if (table.note) sheet.addRow([table.note]).font = { italic: true };
  }
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out);
}

/* ---------- PDF ---------- */

/** Column widths (fractions of the text width) per number of columns of the report's tables. */
const WIDTHS: Record<number, number[]> = {
  3: [0.46, 0.27, 0.27],
  4: [0.26, 0.38, 0.14, 0.22],
  8: [0.184, ...Array.from({ length: 7 }, () => 0.1166)],
};

/**
 * The report as an A4 PDF (pdfkit, built-in Helvetica; see core/pdf.ts):
 * title, period, the report and generation dates, the sections as tables, and
 * page numbers. `compress: false` leaves the content streams readable (for tests).
 */
export async function reportPdf(
  report: FunderReport,
  locale: Locale,
  options: RenderOptions & { compress?: boolean } = {},
): Promise<Buffer> {
  const generatedAt = options.generatedAt ?? new Date();
  const k = (key: string, params: Record<string, string | number> = {}) => tr(locale, key, params);
  const pdf = await createPdf({
    locale,
    title: `${tr(locale, 'title')}: ${report.period.name}`,
    generatedAt,
    ...(options.compress === undefined ? {} : { compress: options.compress }),
  });

  // Title and the facts about the report.
  drawTitleBlock(pdf, k('title'), [
    [k('period'), periodText(report, locale)],
    [k('status'), statusText(report, locale)],
    [k('date'), report.date],
    [k('generated'), generatedText(generatedAt)],
  ]);
  pdf.doc.moveDown(0.3);
  drawNote(pdf, k('amountsIn'));

  const render = (c: Cell, columns: number) =>
    typeof c === 'string'
      ? c
      : 'ore' in c
        ? formatAmount(c.ore, locale, columns <= 4)
        : percentText(c.bp, locale);
  for (const table of sections(report, locale)) {
    const n = table.columns.length;
    const rows: PdfRow[] = table.rows.map((r) => ({
      cells: r.cells.map((c) => render(c, n)),
      ...(r.total ? { total: true } : {}),
    }));
    drawTable(pdf, {
      heading: table.heading,
      columns: table.columns.map((c) => ({ title: c.title, numeric: Boolean(c.amount) })),
      // The "none" line, spanning the table, when there is nothing but the total.
      rows: table.rows.length === 1 && table.empty ? [{ cells: [table.empty] }, ...rows] : rows,
      ...(WIDTHS[n] ? { widths: WIDTHS[n] } : {}),
      ...(table.note ? { notes: [table.note] } : {}),
    });
  }

  // Page numbers and the running footer, once every page exists.
  drawFooters(pdf, `Slussa · ${tr(locale, 'title')} · ${report.period.name}`, (page, pages) =>
    k('page', { page, pages }),
  );
  return pdf.finish();
}
