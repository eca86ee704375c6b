import { parse } from 'csv-parse/sync';
import { AppError } from '../../core/errors.js';

/**
 * The CSV layouts of the directory import and export. Columns are stable
 * codes; list values are separated by "|" (the field separator may be "," or
 * ";", as spreadsheet programs in Sweden write ";").
 */
export const ORGANISATION_COLUMNS = [
  'name',
  'type',
  'authority_kind',
  'county',
  'municipality',
  'district',
  'country',
  'website',
  'phone',
  'email',
  'languages',
  'services',
  'membership',
  'membership_since',
  'about',
] as const;
export const ORGANISATION_REQUIRED = ['name', 'type', 'county'] as const;

export const CONTACT_COLUMNS = [
  'organisation',
  'organisation_county',
  'name',
  'title',
  'email',
  'phone',
  'roles',
  'active_from',
  'active_to',
  'public',
] as const;
export const CONTACT_REQUIRED = ['organisation', 'organisation_county', 'name'] as const;

export const LIST_SEPARATOR = '|';
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

export interface ParsedCsv {
  /** Each record with its line number in the file. */
  records: Array<{ line: number; values: Record<string, string> }>;
}

/**
 * Reads an uploaded CSV: UTF-8 only (with or without BOM), known columns
 * only, every required column present. Problems with the file as a whole are
 * refused outright; problems in rows are left to the row validation.
 */
export function readCsv(
  bytes: Buffer,
  columns: readonly string[],
  required: readonly string[],
): ParsedCsv {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('validation', [{ path: 'file', code: 'csv_encoding' }]);
  }
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      delimiter: [',', ';'],
      skip_empty_lines: true,
      relax_column_count: false,
      trim: true,
    }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new AppError('validation', [
      { path: 'file', code: 'csv_malformed', params: { line: line ?? 0 } },
    ]);
  }
  const [heading, ...body] = rows;
  if (!heading || body.length === 0)
    throw new AppError('validation', [{ path: 'file', code: 'csv_empty' }]);
  if (body.length > MAX_IMPORT_ROWS) {
    throw new AppError('validation', [
      { path: 'file', code: 'too_big', params: { maximum: MAX_IMPORT_ROWS } },
    ]);
  }
  const names = heading.map((h) => h.trim().toLowerCase());
  const unknown = names.filter((n) => !columns.includes(n));
  const missing = required.filter((r) => !names.includes(r));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  if (unknown.length > 0 || missing.length > 0 || duplicated.length > 0) {
    throw new AppError('validation', [
      ...unknown.map((c) => ({ path: `columns.${c}`, code: 'csv_unknown_column' })),
      ...missing.map((c) => ({ path: `columns.${c}`, code: 'csv_missing_column' })),
      ...duplicated.map((c) => ({ path: `columns.${c}`, code: 'csv_duplicate_column' })),
    ]);
  }
  return {
    records: body.map((cells, i) => ({
      // Blank lines are skipped by the parser, so this counts records, which is what people see in a spreadsheet.
      line: i + 2,
      values: Object.fromEntries(names.map((n, j) => [n, cells[j] ?? ''])),
    })),
  };
}

/**
 * "" → undefined, so an empty cell means "not given". The apostrophe that the
 * export puts before a value starting with + = - @ (formula injection) is
 * taken off again, so an exported file imports as it was.
 */
export const cellValue = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v.replace(/^'(?=[=+\-@\t\r])/, '');

export const cellList = (v: string | undefined): string[] | undefined =>
  v === undefined || v === ''
    ? undefined
    : (cellValue(v) ?? '')
        .split(LIST_SEPARATOR)
        .map((x) => x.trim())
        .filter(Boolean);
