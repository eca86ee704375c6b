import { sql, type Expression, type RawBuilder } from 'kysely';

/** The two databases Slussa runs on. Every dialect difference lives in this file. */
export type DialectName = 'sqlite' | 'postgres';

/** Column types used by migrations. */
export function columnTypes(dialect: DialectName) {
  const pg = dialect === 'postgres';
  return {
    /** UTC instant; ISO text on SQLite, timestamptz on PostgreSQL. */
    timestamp: pg ? sql`timestamptz` : sql`text`,
    /** Calendar date YYYY-MM-DD. */
    date: pg ? sql`date` : sql`text`,
    /** Integer that may exceed 2^31 (money in öre, counters). */
    bigint: pg ? sql`bigint` : sql`integer`,
    /** Bytes (encrypted documents). */
    blob: pg ? sql`bytea` : sql`blob`,
  } as const;
}

/** Row lock for read-modify-write inside a transaction (no-op on SQLite, whose writers are serialised). */
export function forUpdate(dialect: DialectName): boolean {
  return dialect === 'postgres';
}

/** Case-insensitive substring match (Unicode-aware on both databases: "åsa" finds "Åsa"). */
export function ilike(
  dialect: DialectName,
  column: Expression<string | null>,
  needle: string,
): RawBuilder<boolean> {
  const pattern = `%${needle.toLocaleLowerCase('sv').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return dialect === 'postgres'
    ? sql<boolean>`${column} ilike ${pattern} escape '\\'`
    : sql<boolean>`slussa_fold(${column}) like ${pattern} escape '\\'`;
}

/**
 * The elements of a JSON array of strings kept in a text column (e.g. a case's
 * forms or countries of exploitation), as a table function for a FROM or JOIN
 * that refers to the row before it; alias it and read its column `value`:
 * SQLite's json_each, PostgreSQL's jsonb_array_elements_text (whose column is
 * also named `value`).
 */
export function jsonArrayElements(
  dialect: DialectName,
  json: Expression<string>,
): RawBuilder<{ value: string }> {
  return dialect === 'postgres'
    ? sql<{ value: string }>`jsonb_array_elements_text(cast(${json} as jsonb))`
    : sql<{ value: string }>`json_each(${json})`;
}

/** The number of elements of a JSON array kept in a text column. */
export function jsonArrayLength(
  dialect: DialectName,
  json: Expression<string>,
): RawBuilder<number> {
  return dialect === 'postgres'
    ? sql<number>`jsonb_array_length(cast(${json} as jsonb))`
    : sql<number>`json_array_length(${json})`;
}
