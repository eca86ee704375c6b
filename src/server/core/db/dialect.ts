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
