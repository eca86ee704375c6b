import type ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';

/**
 * Spreadsheet exports. A cell that starts with =, +, -, @, tab or carriage
 * return would be run as a formula by Excel or LibreOffice (CSV/formula
 * injection, OWASP); such values are prefixed with an apostrophe.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export type Cell = string | number | null;

export interface Table {
  /** Column headings, already translated. */
  headings: string[];
  rows: Cell[][];
}

const cell = (v: Cell): string | number =>
  typeof v === 'string' ? neutraliseFormula(v) : (v ?? '');

/** UTF-8 CSV with a byte-order mark (so Excel reads å, ä, ö right) and semicolons (Swedish Excel's separator). */
export function toCsv(table: Table): Buffer {
  const text = stringify(
    [table.headings.map(neutraliseFormula), ...table.rows.map((r) => r.map(cell))],
    {
      delimiter: ';',
      record_delimiter: '\r\n',
    },
  );
  return Buffer.concat([Buffer.from('\ufeff', 'utf8'), Buffer.from(text, 'utf8')]);
}

/**
 * exceljs is loaded on first use: it is the heaviest module of the server, and
 * most processes never write a workbook, so start-up (and a restart after a
 * crash) stays fast.
 */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export async function toXlsx(table: Table, sheetName: string): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Slussa';
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.addRow(table.headings);
  sheet.getRow(1).font = { bold: true };
  // Values are written as strings and numbers, never as formulas.
  for (const row of table.rows) sheet.addRow(row.map(cell));
  sheet.columns.forEach((col) => {
    col.width = 22;
  });
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out);
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
