import type { Locale } from './i18n.js';

/**
 * A4 reports as PDF (pdfkit, the built-in Helvetica): a document with a title
 * block, tables that break across pages with their column headings repeated,
 * and a running footer with page numbers. Shared by the budget's funder report
 * and the period report.
 *
 * The built-in fonts use the WinAnsi encoding (Windows-1252): every text goes
 * through {@link pdfText}, which writes characters Helvetica lacks as "?" (and
 * minus signs and special spaces as their plain forms).
 */

export const PDF_TYPE = 'application/pdf';

/** Characters of Windows-1252 (the built-in fonts' WinAnsi encoding) above Latin-1's control range. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the built-in Helvetica can show: minus signs and special spaces made plain, anything else it lacks a "?". */
export function pdfText(text: string): string {
  return [...text.normalize('NFC')]
    .map((ch) => {
      if (ch === '\u2212') return '-';
      if (/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/.test(ch)) return ' ';
      if (ch === '\t' || ch === '\n') return ch;
      const code = ch.codePointAt(0) ?? 0;
      if ((code >= 0x20 && code < 0x7f) || (code >= 0xa1 && code <= 0xff)) return ch;
      return WIN_ANSI_EXTRA.has(ch) ? ch : '?';
    })
    .join('');
}

export const PAGE_MARGINS = { top: 56, bottom: 64, left: 50, right: 50 };
const RULE = '#9aa5b1';
const SHADE = '#e8ecef';
export const REGULAR = 'Helvetica';
export const BOLD = 'Helvetica-Bold';
export const ITALIC = 'Helvetica-Oblique';

export interface PdfColumn {
  /** The heading (already translated); '' for none. */
  title: string;
  /** Figures: right-aligned, and shrunk to fit on one line rather than wrapped. */
  numeric?: boolean;
}

export interface PdfRow {
  /** Cell texts (already formatted); a row of one cell spans the table, in italics. */
  cells: string[];
  /** A total: bold, between two rules. */
  total?: boolean;
}

export interface PdfTable {
  heading: string;
  columns: PdfColumn[];
  rows: PdfRow[];
  /** Column widths as fractions of the text width; equal widths when left out. */
  widths?: number[];
  /** Font size of the cells; 8 pt for tables of more than four columns, else 9.5 pt. */
  fontSize?: number;
  /** Lines printed in small italics under the table (rules, notes). */
  notes?: string[];
}

export interface PdfOptions {
  locale: Locale;
  /** The document's title in its metadata. */
  title: string;
  generatedAt: Date;
  /** `false` leaves the content streams readable (for tests). */
  compress?: boolean;
}

/** A report being written: the document, the text width, and `finish()` for the bytes. */
export interface PdfReport {
  doc: PDFKit.PDFDocument;
  /** Width of the text between the margins. */
  width: number;
  /** Ends the document and resolves to its bytes. */
  finish(): Promise<Buffer>;
}

/** pdfkit is loaded on first use, like exceljs (see export.ts): start-up stays fast. */
export async function createPdf(options: PdfOptions): Promise<PdfReport> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: PAGE_MARGINS,
    bufferPages: true,
    compress: options.compress ?? true,
    lang: options.locale === 'sv' ? 'sv-SE' : 'en-GB',
    displayTitle: true,
    info: {
      Title: options.title,
      Author: 'Slussa',
      Creator: 'Slussa',
      Producer: 'Slussa',
      CreationDate: options.generatedAt,
      ModDate: options.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    width: doc.page.width - PAGE_MARGINS.left - PAGE_MARGINS.right,
    finish: () => {
      doc.end();
      return done;
    },
  };
}

/** The title and the facts about the report (label and value, one per line). */
export function drawTitleBlock(
  report: PdfReport,
  title: string,
  facts: ReadonlyArray<readonly [label: string, value: string]>,
): void {
  const { doc, width } = report;
  const left = PAGE_MARGINS.left;
  doc
    .font(BOLD)
    .fontSize(18)
    .fillColor('#000000')
    .text(pdfText(title), left, PAGE_MARGINS.top, { width });
  doc.moveDown(0.4);
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font(BOLD).fontSize(10).text(pdfText(label), left, y, { width: 130 });
    doc
      .font(REGULAR)
      .fontSize(10)
      .text(pdfText(value), left + 130, y, { width: width - 130 });
    doc.y = Math.max(doc.y, y + 14);
  }
}

/** A line of small italics across the text width (a note under the title or a table). */
export function drawNote(report: PdfReport, text: string, size = 9): void {
  report.doc
    .font(ITALIC)
    .fontSize(size)
    .fillColor('#000000')
    .text(pdfText(text), PAGE_MARGINS.left, report.doc.y, { width: report.width });
}

/**
 * A heading between sections (larger than a table's heading). It starts a new
 * page when what must follow it on the same page (`keepWith` points, e.g. an
 * introduction and the first table) does not fit in the room left.
 */
export function drawSectionHeading(report: PdfReport, text: string, keepWith = 120): void {
  const { doc, width } = report;
  // Not on a page that is still empty: what follows would not fit on the next one either.
  if (doc.y > PAGE_MARGINS.top + 1 && roomLeft(report) < keepWith + 40) doc.addPage();
  doc.moveDown(1.2);
  doc
    .font(BOLD)
    .fontSize(14.5)
    .fillColor('#000000')
    .text(pdfText(text), PAGE_MARGINS.left, doc.y, { width });
}

const PAD = 3;
const sumOf = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

/** Where a table's columns are and how tall its header and rows are (measured, not drawn). */
function layout(report: PdfReport, table: PdfTable) {
  const { doc, width } = report;
  const size = table.fontSize ?? (table.columns.length > 4 ? 8 : 9.5);
  const widths = (table.widths ?? table.columns.map(() => 1 / table.columns.length)).map(
    (f) => f * width,
  );
  const xs = widths.map((_, i) => PAGE_MARGINS.left + sumOf(widths.slice(0, i)));
  const lineHeight = (font: string, s: number) =>
    doc.font(font).fontSize(s).currentLineHeight(true);
  const heightOf = (cells: string[], font: string, wrapAll: boolean) =>
    Math.max(
      lineHeight(font, size),
      ...cells.map((c, i) =>
        wrapAll || !table.columns[i]?.numeric
          ? doc
              .font(font)
              .fontSize(size)
              .heightOfString(c || ' ', { width: (widths[i] ?? 0) - 2 * PAD })
          : 0,
      ),
    ) +
    2 * PAD;
  const hasHeader = table.columns.some((c) => c.title !== '');
  const headerTitles = table.columns.map((c) => pdfText(c.title));
  const headerHeight = hasHeader ? heightOf(headerTitles, BOLD, true) : 0;
  const rows = table.rows.map((r) => {
    const texts = r.cells.map(pdfText);
    const total = r.total === true;
    const font = total ? BOLD : REGULAR;
    // A row of one cell (the "none" line) spans the table.
    const spanning = texts.length === 1;
    const h = spanning
      ? doc
          .font(ITALIC)
          .fontSize(size)
          .heightOfString(texts[0] || ' ', { width: width - 2 * PAD }) +
        2 * PAD
      : heightOf(texts, font, false);
    return { texts, total, font, spanning, h };
  });
  const notes = (table.notes ?? []).map(pdfText);
  // The heading, the column headings, the rows and room for the notes.
  const needed = 40 + headerHeight + sumOf(rows.map((r) => r.h)) + (notes.length > 0 ? 30 : 0);
  return { size, widths, xs, hasHeader, headerTitles, headerHeight, rows, notes, needed };
}

/** About how tall a table is when drawn whole (to keep what comes before it on the same page). */
export function tableHeight(report: PdfReport, table: PdfTable): number {
  return layout(report, table).needed;
}

/** Room left on the current page, in points. */
export function roomLeft(report: PdfReport): number {
  return report.doc.page.height - PAGE_MARGINS.bottom - report.doc.y;
}

/**
 * A table: its heading, the column headings on a shaded band, the rows with
 * thin rules between them, totals between two rules, and the notes. A table
 * that fits on a page is kept together; a longer one breaks between rows and
 * repeats its column headings, and never starts with its heading alone.
 */
export function drawTable(report: PdfReport, table: PdfTable): void {
  const { doc, width } = report;
  const left = PAGE_MARGINS.left;
  const bottom = () => doc.page.height - PAGE_MARGINS.bottom;
  const { size, widths, xs, hasHeader, headerTitles, headerHeight, rows, notes, needed } = layout(
    report,
    table,
  );

  /** Writes text in a cell, shrinking the font (never below 5 pt) until it fits on one line when it must. */
  const cellText = (
    text: string,
    x: number,
    y: number,
    w: number,
    font: string,
    fontSize: number,
    align: 'left' | 'right',
    oneLine: boolean,
  ) => {
    let s = fontSize;
    doc.font(font).fontSize(s);
    while (oneLine && s > 5 && doc.widthOfString(text) > w) doc.fontSize((s -= 0.25));
    doc.text(text, x, y, { width: w, align });
  };

  const drawHeader = () => {
    if (!hasHeader) return;
    const h = headerHeight;
    const y = doc.y;
    doc.rect(left, y, width, h).fill(SHADE);
    doc.fillColor('#000000');
    headerTitles.forEach((title, i) =>
      cellText(
        title,
        (xs[i] ?? 0) + PAD,
        y + PAD,
        (widths[i] ?? 0) - 2 * PAD,
        BOLD,
        size,
        table.columns[i]?.numeric ? 'right' : 'left',
        false,
      ),
    );
    doc
      .moveTo(left, y + h)
      .lineTo(left + width, y + h)
      .lineWidth(0.75)
      .strokeColor(RULE)
      .stroke();
    doc.y = y + h;
  };

  const room = bottom() - doc.y;
  if (needed > room && (needed <= bottom() - PAGE_MARGINS.top || room < 100)) doc.addPage();
  doc.moveDown(1);
  doc
    .font(BOLD)
    .fontSize(12.5)
    .fillColor('#000000')
    .text(pdfText(table.heading), left, doc.y, { width });
  doc.moveDown(0.3);
  drawHeader();
  for (const { texts, total, font, spanning, h } of rows) {
    if (doc.y + h > bottom()) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    if (spanning)
      cellText(texts[0] ?? '', left + PAD, y + PAD, width - 2 * PAD, ITALIC, size, 'left', false);
    else
      texts.forEach((text, i) =>
        cellText(
          text,
          (xs[i] ?? 0) + PAD,
          y + PAD,
          (widths[i] ?? 0) - 2 * PAD,
          font,
          size,
          table.columns[i]?.numeric ? 'right' : 'left',
          Boolean(table.columns[i]?.numeric),
        ),
      );
    if (total)
      for (const at of [y, y + h])
        doc
          .moveTo(left, at)
          .lineTo(left + width, at)
          .lineWidth(0.75)
          .strokeColor('#000000')
          .stroke();
    else
      doc
        .moveTo(left, y + h)
        .lineTo(left + width, y + h)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke();
    doc.y = y + h;
  }
  for (const note of notes) {
    doc.moveDown(0.3);
    doc.font(ITALIC).fontSize(8.5).fillColor('#000000').text(note, left, doc.y, { width });
  }
}

/**
 * The running footer on every page, once every page exists: a rule, the
 * footer text on the left and "page n of m" (from `pageLabel`) on the right.
 */
export function drawFooters(
  report: PdfReport,
  footer: string,
  pageLabel: (page: number, pages: number) => string,
): void {
  const { doc, width } = report;
  const left = PAGE_MARGINS.left;
  const range = doc.bufferedPageRange();
  const text = pdfText(footer);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - PAGE_MARGINS.bottom + 24;
    doc
      .moveTo(left, y - 6)
      .lineTo(left + width, y - 6)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    doc.font(REGULAR).fontSize(8).fillColor('#444444');
    doc.text(text, left, y, { width: width * 0.75, height: 12, ellipsis: true });
    doc.text(pdfText(pageLabel(i - range.start + 1, range.count)), left + width * 0.75, y, {
      width: width * 0.25,
      align: 'right',
    });
    doc.page.margins.bottom = margin;
  }
}
