import { stringify } from 'csv-stringify/sync';
import type { Fill } from 'exceljs';
import { CSV_TYPE, loadExcelJs, neutraliseFormula, XLSX_TYPE } from '../../core/export.js';
import { t, type Locale } from '../../core/i18n.js';
import {
  createPdf,
  drawFooters,
  drawNote,
  drawSectionHeading,
  drawTable,
  drawTitleBlock,
  PDF_TYPE,
  tableHeight,
  type PdfTable,
} from '../../core/pdf.js';
import { BUSINESS_TIME_ZONE } from '../../core/time.js';
import { formatAmount } from '../budget/budget.report.js';
import type {
  ExportFormat,
  OneWayReply,
  PeriodReport,
  ReportFigure,
  TextRef,
} from './reports.schemas.js';

/**
 * The period report as a file: XLSX (one sheet per section), CSV (the
 * sections one after another, each table with its heading row, separated by
 * blank lines; UTF-8 with a byte-order mark and semicolons like core/export.ts)
 * or an A4 PDF. Headings and categories in the request's language; what the
 * file holds is exactly what the report holds, so the publishable file has no
 * case code and no text typed by a person. A figure not published is "..".
 */

/** The mark of a figure that disclosure control did not publish. */
export const SUPPRESSED = '..';

type Cell = string | number | { ore: number } | null;

interface Row {
  cells: Cell[];
  total?: boolean;
}

interface Table {
  heading: string;
  columns: Array<{ title: string; numeric?: boolean }>;
  rows: Row[];
  notes: string[];
  /** PDF column widths (fractions of the text width). */
  widths?: number[];
}

interface Section {
  heading: string;
  sheet: string;
  intro: string[];
  tables: Table[];
}

const tr = (locale: Locale, key: string, params: Record<string, string | number> = {}) =>
  t(locale, `reports.period.${key}`, params);

const text = (locale: Locale, ref: TextRef) => t(locale, ref.key, ref.params);

/* ---------- categories in words ---------- */

const GENDER_KEYS: Record<string, string> = {
  woman: 'woman',
  man: 'man',
  non_binary_other: 'nonBinaryOrOther',
  unknown: 'unknown',
};

function countryName(code: string, locale: Locale): string {
  try {
    return (
      new Intl.DisplayNames([locale === 'sv' ? 'sv-SE' : 'en-GB'], { type: 'region' }).of(code) ??
      code
    );
  } catch {
    return code;
  }
}

/** A category of a table in the request's language. */
export function categoryLabel(dimension: string, code: string, locale: Locale): string {
  const web = (key: string) => t(locale, `web.${key}`);
  if (code === 'unknown' && dimension !== 'gender' && dimension !== 'policeReport')
    return tr(locale, 'categories.unknown');
  switch (dimension) {
    case 'applicationType':
      return web(`applications.types.${code}`);
    case 'outcome':
      return web(`outcomes.${code}`);
    case 'gender':
      return web(`background.genders.${GENDER_KEYS[code] ?? 'unknown'}`);
    case 'ageBand':
      return code === '18_30' || code === '31_45'
        ? tr(locale, `categories.ageBands.${code}`)
        : web(`background.ageBands.${code}`);
    case 'childrenAccompanying':
    case 'childrenInHomeCountry':
      return tr(locale, `categories.children.${code}`);
    case 'exploitationForm':
    case 'exploitationFormsEach':
      return code === 'multiple'
        ? tr(locale, 'categories.multiple')
        : web(`background.exploitationForms.${code}`);
    case 'policeReport':
      return web(`background.policeReports.${code}`);
    case 'nationality':
    case 'exploitationCountry':
      return /^[A-Z]{2}$/.test(code)
        ? countryName(code, locale)
        : tr(locale, `categories.regions.${code}`);
    default:
      return code;
  }
}

/* ---------- the report as tables ---------- */

/** The funds table's column headings: the funder report's where it has them. */
function fundsHeading(locale: Locale, key: string): string {
  return key === 'broughtForward' || key === 'budgetAdded'
    ? tr(locale, `funds.${key}`)
    : t(locale, `budget.report.${key}`);
}

/** The background tables' headings: the case form's field names where they fit. */
const BACKGROUND_FIELDS: Record<string, string> = {
  nationality: 'nationality',
  gender: 'gender',
  ageBand: 'ageBand',
  childrenAccompanying: 'childrenCount',
  childrenInHomeCountry: 'childrenInHomeCountry',
  exploitationCountry: 'exploitationCountries',
  policeReport: 'policeReport',
};

function backgroundHeading(locale: Locale, key: string): string {
  const field = BACKGROUND_FIELDS[key];
  return field
    ? t(locale, `web.background.fields.${field}`)
    : tr(locale, `background.tables.${key}`);
}

const countCell = (f: ReportFigure): Cell => (f.state === 'published' ? f.count : SUPPRESSED);
const percentCell = (f: ReportFigure): Cell =>
  f.state === 'published' ? (f.percent ?? null) : SUPPRESSED;

function suppressedAny(figures: ReportFigure[]): boolean {
  return figures.some((f) => f.state === 'suppressed');
}

/** What is printed under a statistical table: its rules, notes, the percentage rule and the legend. */
function tableNotes(
  locale: Locale,
  table: Pick<OneWayReply, 'rules' | 'notes' | 'percentRule' | 'withheld'>,
  figures: ReportFigure[],
  threshold: number | null,
  percent: boolean,
): string[] {
  const out = [...table.rules, ...table.notes].map((r) => text(locale, r));
  if (percent)
    out.push(
      tr(locale, table.percentRule === 'half_up' ? 'notes.percentHalfUp' : 'notes.percentLargest'),
    );
  if (table.withheld) out.push(tr(locale, 'notes.withheld'));
  else if (suppressedAny(figures) && threshold !== null)
    out.push(tr(locale, 'notes.suppressed', { mark: SUPPRESSED, threshold }));
  return out;
}

function backgroundTable(
  locale: Locale,
  key: string,
  table: OneWayReply,
  threshold: number | null,
): Table {
  const figures = [...table.categories.map((c) => c.figure), table.total];
  return {
    heading: backgroundHeading(locale, key),
    columns: [
      { title: tr(locale, 'background.category') },
      { title: tr(locale, 'background.persons'), numeric: true },
      { title: '%', numeric: true },
    ],
    rows: [
      ...table.categories.map((c) => ({
        cells: [
          categoryLabel(table.dimension, c.code, locale),
          countCell(c.figure),
          percentCell(c.figure),
        ],
      })),
      {
        cells: [tr(locale, 'background.personsTotal'), countCell(table.total), null],
        total: true,
      },
    ],
    notes: tableNotes(locale, table, figures, threshold, true),
    widths: [0.6, 0.2, 0.2],
  };
}

function applicationsSection(report: PeriodReport, locale: Locale): Section {
  const { received, decided, underProcessing, notes } = report.applications;
  const types = decided.rows.categories;
  const figures = [
    ...received.categories.map((c) => c.figure),
    received.total,
    ...decided.cells.flat(),
    ...decided.rowTotals,
    ...decided.columnTotals,
    decided.total,
    ...underProcessing.categories.map((c) => c.figure),
    underProcessing.total,
  ];
  const legend =
    received.withheld || decided.withheld || underProcessing.withheld
      ? [tr(locale, 'notes.withheld')]
      : suppressedAny(figures) && report.threshold !== null
        ? [tr(locale, 'notes.suppressed', { mark: SUPPRESSED, threshold: report.threshold })]
        : [];
  const tables: Table[] = [
    {
      heading: tr(locale, 'applications.heading'),
      columns: [
        { title: tr(locale, 'applications.type') },
        { title: tr(locale, 'applications.received'), numeric: true },
        { title: tr(locale, 'applications.decided'), numeric: true },
        ...decided.columns.categories.map((o) => ({
          title: categoryLabel('outcome', o, locale),
          numeric: true,
        })),
        { title: tr(locale, 'applications.underProcessing'), numeric: true },
      ],
      rows: [
        ...types.map((type, i) => ({
          cells: [
            categoryLabel('applicationType', type, locale),
            countCell(received.categories[i]?.figure ?? received.total),
            countCell(decided.rowTotals[i] ?? decided.total),
            ...(decided.cells[i] ?? []).map(countCell),
            countCell(underProcessing.categories[i]?.figure ?? underProcessing.total),
          ],
        })),
        {
          cells: [
            tr(locale, 'applications.total'),
            countCell(received.total),
            countCell(decided.total),
            ...decided.columnTotals.map(countCell),
            countCell(underProcessing.total),
          ],
          total: true,
        },
      ],
      notes: [
        ...[...received.notes, ...decided.notes, ...underProcessing.notes].map((r) =>
          text(locale, r),
        ),
        ...legend,
      ],
      widths: [0.2, ...Array.from({ length: 7 }, () => 0.8 / 7)],
    },
  ];
  if (notes)
    tables.push({
      heading: tr(locale, 'applications.notesHeading'),
      columns: [
        { title: tr(locale, 'applications.date') },
        { title: t(locale, 'budget.report.case') },
        { title: tr(locale, 'applications.type') },
        { title: tr(locale, 'applications.outcome') },
        { title: tr(locale, 'applications.grounds') },
        { title: tr(locale, 'applications.description') },
      ],
      rows:
        notes.length === 0
          ? [{ cells: [tr(locale, 'applications.noDecisions')] }]
          : notes.map((n) => ({
              cells: [
                n.decidedOn,
                n.caseCode ?? '',
                categoryLabel('applicationType', n.type, locale),
                n.correction
                  ? tr(locale, 'applications.correction', {
                      outcome: categoryLabel('outcome', n.outcome, locale),
                    })
                  : categoryLabel('outcome', n.outcome, locale),
                n.grounds.map((g) => g.name).join('; '),
                n.description,
              ],
            })),
      notes: [tr(locale, 'notes.decisionNotes')],
      widths: [0.11, 0.08, 0.15, 0.12, 0.2, 0.34],
    });
  return {
    heading: tr(locale, 'sections.applications'),
    sheet: tr(locale, 'sheets.applications'),
    intro: [],
    tables,
  };
}

function fundsSection(report: PeriodReport, locale: Locale): Section {
  const internal = report.version === 'internal';
  const tables: Table[] = [];
  for (const period of report.funds.periods) {
    let others = 0;
    const labels = period.posts.map((p) => {
      if (internal && p.name !== null) return p.name;
      if (p.kind === 'other') return tr(locale, 'funds.otherPost', { number: ++others });
      return t(locale, `web.budget.postKinds.${p.kind}`);
    });
    const sumOf = (f: (p: (typeof period.posts)[number]) => number) =>
      period.posts.reduce((n, p) => n + f(p), 0);
    const money = (ore: number): Cell => ({ ore });
    tables.push({
      heading:
        internal && period.name !== null
          ? tr(locale, 'funds.periodNamed', {
              name: period.name,
              from: period.startsOn,
              to: period.endsOn,
            })
          : tr(locale, 'funds.period', { from: period.startsOn, to: period.endsOn }),
      columns: [
        { title: t(locale, 'budget.report.post') },
        ...[
          'broughtForward',
          'budgetAdded',
          'transferredIn',
          'transferredOut',
          'committed',
          'deducted',
          'paid',
          'remaining',
        ].map((key) => ({ title: fundsHeading(locale, key), numeric: true })),
      ],
      rows: [
        ...period.posts.map((p, i) => ({
          cells: [
            labels[i] ?? '',
            money(p.broughtForwardOre),
            money(p.movements.budgetOre),
            money(p.movements.transferredInOre),
            money(p.movements.transferredOutOre),
            money(p.movements.committedOre),
            money(p.movements.deductedOre),
            money(p.movements.paidOre),
            money(p.remainingOre),
          ],
        })),
        {
          cells: [
            tr(locale, 'funds.total'),
            money(sumOf((p) => p.broughtForwardOre)),
            money(sumOf((p) => p.movements.budgetOre)),
            money(sumOf((p) => p.movements.transferredInOre)),
            money(sumOf((p) => p.movements.transferredOutOre)),
            money(sumOf((p) => p.movements.committedOre)),
            money(sumOf((p) => p.movements.deductedOre)),
            money(sumOf((p) => p.movements.paidOre)),
            money(sumOf((p) => p.remainingOre)),
          ],
          total: true,
        },
      ],
      notes: report.funds.notes.map((r) => text(locale, r)),
      widths: [0.16, ...Array.from({ length: 8 }, () => 0.105)],
    });
    if (!internal) continue;
    period.posts.forEach((p, i) => {
      const lines = p.lines ?? [];
      tables.push({
        heading: tr(locale, 'funds.linesHeading', { post: labels[i] ?? '' }),
        columns: [
          { title: tr(locale, 'funds.date') },
          { title: tr(locale, 'funds.kind') },
          { title: t(locale, 'budget.report.case') },
          { title: tr(locale, 'funds.counterpart') },
          { title: t(locale, 'budget.report.amount'), numeric: true },
          { title: t(locale, 'budget.report.paid'), numeric: true },
          { title: t(locale, 'budget.report.remaining'), numeric: true },
        ],
        rows: [
          {
            cells: [
              report.from,
              tr(locale, 'funds.atStart'),
              '',
              '',
              null,
              null,
              money(p.broughtForwardOre),
            ],
          },
          ...(lines.length === 0
            ? [{ cells: [tr(locale, 'funds.noLines')] }]
            : lines.map((l) => ({
                cells: [
                  l.date,
                  t(locale, `web.budget.entryKinds.${l.kind}`),
                  l.caseCode ?? '',
                  l.counterpartPostName ?? '',
                  l.kind === 'payout' ? null : money(l.amountOre),
                  l.kind === 'payout' ? money(l.paidOre) : null,
                  money(l.remainingOre),
                ],
              }))),
          {
            cells: [
              report.to,
              tr(locale, 'funds.atEnd'),
              '',
              '',
              null,
              null,
              money(p.remainingOre),
            ],
            total: true,
          },
        ],
        notes: p.linesTruncated
          ? [tr(locale, 'notes.linesTruncated', { count: lines.length })]
          : [],
        widths: [0.12, 0.15, 0.1, 0.21, 0.14, 0.14, 0.14],
      });
    });
  }
  return {
    heading: tr(locale, 'sections.funds'),
    sheet: tr(locale, 'sheets.funds'),
    intro: [
      report.funds.periods.length === 0
        ? tr(locale, 'funds.none')
        : t(locale, 'budget.report.amountsIn'),
    ],
    tables,
  };
}

function backgroundSection(report: PeriodReport, locale: Locale): Section {
  const b = report.background;
  const th = report.threshold;
  const tables: Table[] = [
    backgroundTable(locale, 'nationality', b.nationality, th),
    backgroundTable(locale, 'gender', b.gender, th),
    backgroundTable(locale, 'ageBand', b.ageBand, th),
    backgroundTable(locale, 'childrenAccompanying', b.childrenAccompanying, th),
    backgroundTable(locale, 'childrenInHomeCountry', b.childrenInHomeCountry, th),
    backgroundTable(locale, 'exploitationForm', b.exploitationForm, th),
  ];
  if (b.exploitationFormsEach)
    tables.push(backgroundTable(locale, 'exploitationFormsEach', b.exploitationFormsEach, th));
  if (b.exploitationFormCombinations)
    tables.push({
      heading: tr(locale, 'background.tables.exploitationFormCombinations'),
      columns: [
        { title: tr(locale, 'background.combination') },
        { title: tr(locale, 'background.persons'), numeric: true },
      ],
      rows:
        b.exploitationFormCombinations.length === 0
          ? [{ cells: [tr(locale, 'background.noCombinations')] }]
          : b.exploitationFormCombinations.map((c) => ({
              cells: [
                c.forms.map((f) => categoryLabel('exploitationForm', f, locale)).join(' + '),
                c.count,
              ],
            })),
      notes: [],
      widths: [0.8, 0.2],
    });
  tables.push(
    backgroundTable(locale, 'exploitationCountry', b.exploitationCountry, th),
    backgroundTable(locale, 'policeReport', b.policeReport, th),
  );
  return {
    heading: tr(locale, 'sections.background'),
    sheet: tr(locale, 'sheets.background'),
    intro: b.notes.map((r) => text(locale, r)),
    tables,
  };
}

function sections(report: PeriodReport, locale: Locale): Section[] {
  return [
    applicationsSection(report, locale),
    fundsSection(report, locale),
    backgroundSection(report, locale),
  ];
}

/* ---------- the facts at the top ---------- */

const generatedFormatter = new Intl.DateTimeFormat('sv-SE', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A Stockholm date and time, "2026-11-23 10:00". */
function generatedText(at: string): string {
  const parts = Object.fromEntries(
    generatedFormatter.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function facts(report: PeriodReport, locale: Locale): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [tr(locale, 'period'), tr(locale, 'periodValue', { from: report.from, to: report.to })],
    [
      tr(locale, 'version'),
      tr(locale, report.version === 'internal' ? 'versionInternal' : 'versionPublishable'),
    ],
  ];
  if (report.threshold !== null) out.push([tr(locale, 'threshold'), String(report.threshold)]);
  out.push([tr(locale, 'generated'), generatedText(report.generatedAt)]);
  return out;
}

/* ---------- the files ---------- */

/** The file's name: the range and the version, nothing about a person. */
export function reportFileName(report: PeriodReport, format: ExportFormat): string {
  return `slussa-period-report-${report.from}-${report.to}-${report.version}.${format}`;
}

export function contentTypeOf(format: ExportFormat): string {
  return format === 'xlsx' ? XLSX_TYPE : format === 'csv' ? CSV_TYPE : PDF_TYPE;
}

export async function renderReport(
  report: PeriodReport,
  format: ExportFormat,
  locale: Locale,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  if (format === 'xlsx') return reportXlsx(report, locale);
  if (format === 'csv') return reportCsv(report, locale);
  return reportPdf(report, locale, options);
}

/** Kronor with two decimals and the language's decimal sign, no grouping (for CSV). */
function kronorText(ore: number, locale: Locale): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const text = `${Math.floor(abs / 100)}${locale === 'sv' ? ',' : '.'}${String(abs % 100).padStart(2, '0')}`;
  return `${sign}${text}`;
}

export function reportCsv(report: PeriodReport, locale: Locale): Buffer {
  const records: Array<Array<string | number>> = [];
  const cell = (c: Cell): string | number =>
    c === null
      ? ''
      : typeof c === 'string'
        ? neutraliseFormula(c)
        : typeof c === 'number'
          ? c
          : kronorText(c.ore, locale);
  records.push([neutraliseFormula(tr(locale, 'title'))]);
  for (const [label, value] of facts(report, locale))
    records.push([label, neutraliseFormula(value)]);
  for (const section of sections(report, locale)) {
    records.push([]);
    records.push([neutraliseFormula(section.heading)]);
    for (const line of section.intro) records.push([neutraliseFormula(line)]);
    for (const table of section.tables) {
      records.push([]);
      records.push([neutraliseFormula(table.heading)]);
      records.push(table.columns.map((c) => neutraliseFormula(c.title)));
      for (const row of table.rows) records.push(row.cells.map(cell));
      for (const line of table.notes) records.push([neutraliseFormula(line)]);
    }
  }
  const body = stringify(records, { delimiter: ';', record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from('\ufeff', 'utf8'), Buffer.from(body, 'utf8')]);
}

const KRONOR_FORMAT = '#,##0.00';
const HEADER_FILL: Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE8ECEF' },
};

/** One sheet per section; counts and percentages as numbers, money in kronor with a number format, no formulas. */
export async function reportXlsx(report: PeriodReport, locale: Locale): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  const at = new Date(report.generatedAt);
  workbook.creator = 'Slussa';
  workbook.created = at;
  workbook.modified = at;
  workbook.title = tr(locale, 'title');
  for (const section of sections(report, locale)) {
    const sheet = workbook.addWorksheet(section.sheet.slice(0, 31), {
      pageSetup: {
        paperSize: 9,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
      },
    });
    sheet.columns = [{ width: 34 }, ...Array.from({ length: 8 }, () => ({ width: 17 }))];
    sheet.addRow([neutraliseFormula(`${tr(locale, 'title')}: ${section.heading}`)]).font = {
      bold: true,
      size: 16,
    };
    for (const [label, value] of facts(report, locale)) {
      const row = sheet.addRow([label, neutraliseFormula(value)]);
      row.getCell(1).font = { bold: true };
    }
    for (const line of section.intro)
      sheet.addRow([neutraliseFormula(line)]).font = { italic: true };
    for (const table of section.tables) {
      sheet.addRow([]);
      sheet.addRow([neutraliseFormula(table.heading)]).font = { bold: true, size: 13 };
      const header = sheet.addRow(table.columns.map((c) => neutraliseFormula(c.title)));
      table.columns.forEach((c, i) => {
        const cell = header.getCell(i + 1);
        cell.font = { bold: true };
        cell.fill = HEADER_FILL;
        cell.alignment = {
          horizontal: c.numeric ? 'right' : 'left',
          wrapText: true,
          vertical: 'bottom',
        };
      });
      for (const r of table.rows) {
        const row = sheet.addRow([]);
        r.cells.forEach((c, i) => {
          const cell = row.getCell(i + 1);
          if (c === null || c === '') return;
          if (typeof c === 'string') {
            cell.value = neutraliseFormula(c);
            if (table.columns[i]?.numeric) cell.alignment = { horizontal: 'right' };
          } else if (typeof c === 'number') cell.value = c;
          else {
            cell.value = c.ore / 100;
            cell.numFmt = KRONOR_FORMAT;
          }
        });
        if (r.total)
          for (let col = 1; col <= table.columns.length; col++) {
            const cell = row.getCell(col);
            cell.font = { bold: true };
            cell.border = { top: { style: 'thin' } };
          }
      }
      for (const line of table.notes)
        sheet.addRow([neutraliseFormula(line)]).font = { italic: true };
    }
  }
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out);
}

/** An A4 PDF: the facts, then each section with its tables; `compress: false` for tests. */
export async function reportPdf(
  report: PeriodReport,
  locale: Locale,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const pdf = await createPdf({
    locale,
    title: `${tr(locale, 'title')} ${report.from} – ${report.to}`,
    generatedAt: new Date(report.generatedAt),
    ...(options.compress === undefined ? {} : { compress: options.compress }),
  });
  drawTitleBlock(pdf, tr(locale, 'title'), facts(report, locale));
  const render = (c: Cell): string =>
    c === null
      ? ''
      : typeof c === 'string'
        ? c
        : typeof c === 'number'
          ? String(c)
          : formatAmount(c.ore, locale, false);
  for (const section of sections(report, locale)) {
    const tables: PdfTable[] = section.tables.map((table) => ({
      heading: table.heading,
      columns: table.columns,
      rows: table.rows.map((r) => ({
        cells: r.cells.map(render),
        ...(r.total ? { total: true } : {}),
      })),
      notes: table.notes,
      ...(table.widths ? { widths: table.widths } : {}),
    }));
    // The heading stays with its introduction and first table.
    const first = tables[0];
    drawSectionHeading(
      pdf,
      section.heading,
      20 * section.intro.length + (first ? tableHeight(pdf, first) : 0),
    );
    for (const line of section.intro) {
      pdf.doc.moveDown(0.3);
      drawNote(pdf, line);
    }
    for (const table of tables) drawTable(pdf, table);
  }
  drawFooters(
    pdf,
    `Slussa · ${tr(locale, 'title')} · ${tr(locale, 'periodValue', { from: report.from, to: report.to })}`,
    (page, pages) => t(locale, 'budget.report.page', { page, pages }),
  );
  return pdf.finish();
}
