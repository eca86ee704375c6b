import { t, type Locale } from '../../core/i18n.js';
import type { Cell, Table } from '../../core/export.js';
import {
  createPdf,
  drawFooters,
  drawNote,
  drawTable,
  drawTitleBlock,
  type PdfRow,
  type PdfTable,
} from '../../core/pdf.js';
import { BUSINESS_TIME_ZONE } from '../../core/time.js';
import { EXPLOITATION_FORMS, GENDERS } from '../../core/reference.js';
import {
  AGE_GROUPS,
  CERTAINTIES,
  type NationalReply,
  type NationalTable,
  type PublishableNationalReply,
  type SummaryFigure,
  type SummaryTable,
} from './contact-statistics.schemas.js';

/**
 * The national table as files: CSV and XLSX (one sheet) and an A4 PDF, in
 * the request's language. The internal version carries every cell; the
 * publishable one only the disclosure-controlled summary tables, where a
 * suppressed figure is printed as {@link SUPPRESSED} and explained below.
 */

/** The mark of a figure that disclosure control did not publish (as in the period report). */
export const SUPPRESSED = '..';

const tr = (locale: Locale, key: string, params: Record<string, string | number> = {}) =>
  t(locale, `contactStatistics.${key}`, params);

/**
 * The internal national table as a spreadsheet: a row per certainty × gender
 * × age group with a column per form of exploitation and the row's total,
 * then the totals per certainty, the grand total and the number of reporting
 * organisations.
 */
export function nationalSheet(table: NationalTable, locale: Locale): Table {
  const cube = new Map<string, number>();
  for (const c of table.cells)
    cube.set(`${c.certainty}|${c.gender}|${c.ageGroup}|${c.form}`, c.persons);
  const all = tr(locale, 'export.all');
  const rows: Cell[][] = [];
  const grand = EXPLOITATION_FORMS.map(() => 0);
  for (const c of CERTAINTIES) {
    const perForm = EXPLOITATION_FORMS.map(() => 0);
    for (const g of GENDERS) {
      for (const a of AGE_GROUPS) {
        const counts = EXPLOITATION_FORMS.map((f) => cube.get(`${c}|${g}|${a}|${f}`) ?? 0);
        counts.forEach((n, i) => {
          perForm[i] = (perForm[i] ?? 0) + n;
        });
        rows.push([
          tr(locale, `certainties.${c}`),
          tr(locale, `genders.${g}`),
          tr(locale, `ageGroups.${a}`),
          ...counts,
          counts.reduce((s, n) => s + n, 0),
        ]);
      }
    }
    perForm.forEach((n, i) => {
      grand[i] = (grand[i] ?? 0) + n;
    });
    rows.push([
      tr(locale, `certainties.${c}`),
      all,
      all,
      ...perForm,
      perForm.reduce((s, n) => s + n, 0),
    ]);
  }
  rows.push([
    tr(locale, 'export.allCertainties'),
    all,
    all,
    ...grand,
    grand.reduce((s, n) => s + n, 0),
  ]);
  rows.push([
    tr(locale, 'export.reportingOrganisations'),
    null,
    null,
    table.reportingOrganisations,
  ]);
  return {
    headings: [
      tr(locale, 'export.certainty'),
      tr(locale, 'export.gender'),
      tr(locale, 'export.ageGroup'),
      ...EXPLOITATION_FORMS.map((f) => tr(locale, `forms.${f}`)),
      tr(locale, 'export.total'),
    ],
    rows,
  };
}

/* ---------- the summary tables ---------- */

const DIMENSION_KEYS = { form: 'forms', gender: 'genders', ageGroup: 'ageGroups' } as const;

function categoryLabel(table: SummaryTable, category: string, locale: Locale): string {
  return tr(locale, `${DIMENSION_KEYS[table.dimension]}.${category}`);
}

function tableHeadings(table: SummaryTable, locale: Locale): string[] {
  return [
    tr(locale, 'export.certainty'),
    ...table.categories.map((c) => categoryLabel(table, c, locale)),
    tr(locale, 'export.total'),
  ];
}

/** The figures of a table line by line: each certainty's row, then the column totals. */
function lines(
  table: SummaryTable,
  locale: Locale,
): Array<{ label: string; figures: SummaryFigure[]; total: boolean }> {
  return [
    ...table.rows.map((r) => ({
      label: tr(locale, `certainties.${r.certainty}`),
      figures: [...r.cells, r.total],
      total: false,
    })),
    {
      label: tr(locale, 'export.allCertainties'),
      figures: [...table.columnTotals, table.total],
      total: true,
    },
  ];
}

const countCell = (f: SummaryFigure): Cell => (f.state === 'published' ? f.count : SUPPRESSED);
const percentCell = (f: SummaryFigure): Cell =>
  f.state === 'published' ? (f.percent ?? null) : SUPPRESSED;

/** "40 %" in Swedish, "40%" in English. */
export function percentText(p: number, locale: Locale): string {
  return locale === 'sv' ? `${p} %` : `${p}%`;
}

function figureText(f: SummaryFigure, locale: Locale): string {
  if (f.state === 'suppressed') return SUPPRESSED;
  // A zero's "0 %" says nothing; it is left out.
  return f.percent === undefined || f.count === 0
    ? String(f.count)
    : `${f.count} (${percentText(f.percent, locale)})`;
}

function suppressionNotes(reply: PublishableNationalReply, locale: Locale): string[] {
  return [
    tr(locale, 'export.suppressedNote', { mark: SUPPRESSED, below: reply.threshold - 1 }),
    tr(locale, 'export.percentNote'),
  ];
}

/**
 * The publishable version as a spreadsheet: the facts, then each summary
 * table (persons, then per cent), then what "–" means. Counts are numbers;
 * a suppressed figure is "–"; a percentage that cannot be given is empty.
 */
export function publishableSheet(reply: PublishableNationalReply, locale: Locale): Table {
  const rows: Cell[][] = [
    [tr(locale, 'export.version'), tr(locale, 'export.publishableVersion')],
    [tr(locale, 'export.year'), reply.year],
    [tr(locale, 'export.reportingOrganisations'), reply.reportingOrganisations],
    [tr(locale, 'export.threshold'), reply.threshold],
  ];
  for (const table of reply.tables) {
    const title = tr(locale, `export.tables.${table.key}`);
    rows.push([], [title], tableHeadings(table, locale));
    for (const l of lines(table, locale)) rows.push([l.label, ...l.figures.map(countCell)]);
    if (table.withheld) {
      rows.push([tr(locale, 'export.withheldNote')]);
      continue;
    }
    rows.push([], [tr(locale, 'export.percentOf', { table: title })], tableHeadings(table, locale));
    for (const l of lines(table, locale)) rows.push([l.label, ...l.figures.map(percentCell)]);
  }
  rows.push([], ...suppressionNotes(reply, locale).map((n) => [n]));
  return { headings: [tr(locale, 'export.title', { year: reply.year })], rows };
}

/* ---------- PDF ---------- */

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

/** Column widths: the certainty's label, then the categories and the total sharing the rest. */
function summaryWidths(columns: number): number[] {
  const label = columns > 6 ? 0.2 : 0.28;
  return [label, ...Array.from({ length: columns - 1 }, () => (1 - label) / (columns - 1))];
}

function summaryPdfTable(table: SummaryTable, locale: Locale): PdfTable {
  const headings = tableHeadings(table, locale);
  return {
    heading: tr(locale, `export.tables.${table.key}`),
    columns: headings.map((title, i) => (i === 0 ? { title } : { title, numeric: true })),
    widths: summaryWidths(headings.length),
    rows: lines(table, locale).map((l): PdfRow => ({
      cells: [l.label, ...l.figures.map((f) => figureText(f, locale))],
      ...(l.total ? { total: true } : {}),
    })),
    ...(table.withheld ? { notes: [tr(locale, 'export.withheldNote')] } : {}),
  };
}

export interface PdfOptions {
  generatedAt: Date;
  compress?: boolean;
}

/**
 * The national table as an A4 PDF: the facts (year, deadline, reporting
 * organisations, version, when made) and the summary tables. Every cell of
 * the internal version (216 of them) is in its CSV and XLSX files.
 */
export async function nationalPdf(
  reply: NationalReply,
  locale: Locale,
  options: PdfOptions,
): Promise<Buffer> {
  const publishable = reply.version === 'publishable';
  const title = tr(locale, 'export.title', { year: reply.year });
  const facts: Array<[string, string]> = [
    [tr(locale, 'export.year'), String(reply.year)],
    [tr(locale, 'export.deadline'), reply.deadline],
    [
      tr(locale, 'export.organisations'),
      tr(locale, 'export.reportingOf', {
        reporting: reply.reportingOrganisations,
        expected: reply.expectedOrganisations,
      }),
    ],
    [
      tr(locale, 'export.version'),
      publishable ? tr(locale, 'export.publishableVersion') : tr(locale, 'export.internalVersion'),
    ],
    ...(publishable
      ? [[tr(locale, 'export.threshold'), String(reply.threshold)] as [string, string]]
      : []),
    [tr(locale, 'export.generated'), generatedText(options.generatedAt)],
  ];
  const pdf = await createPdf({
    locale,
    title,
    generatedAt: options.generatedAt,
    ...(options.compress === undefined ? {} : { compress: options.compress }),
  });
  drawTitleBlock(pdf, title, facts);
  pdf.doc.moveDown(0.3);
  drawNote(
    pdf,
    publishable ? tr(locale, 'export.publishableLead') : tr(locale, 'export.internalLead'),
  );
  for (const table of reply.tables) drawTable(pdf, summaryPdfTable(table, locale));
  for (const note of publishable
    ? suppressionNotes(reply, locale)
    : [tr(locale, 'export.percentNote'), tr(locale, 'export.everyFigureNote')]) {
    pdf.doc.moveDown(0.6);
    drawNote(pdf, note, 8.5);
  }
  drawFooters(pdf, `Slussa · ${title}`, (page, pages) =>
    tr(locale, 'export.page', { page, pages }),
  );
  return pdf.finish();
}
