import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './dialect.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-directory.js';
import * as m0003 from './migrations/0003-support-programme.js';
import * as m0004 from './migrations/0004-budget.js';
import * as m0005 from './migrations/0005-period-intervention-rates.js';
import * as m0006 from './migrations/0006-contact-statistics.js';
import * as m0007 from './migrations/0007-budget-daily-totals.js';

type Up = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

/** Every migration, in order. Names never change once released. */
const MIGRATIONS: ReadonlyArray<readonly [string, Up]> = [
  ['0001-foundation', m0001.up],
  ['0002-directory', m0002.up],
  ['0003-support-programme', m0003.up],
  ['0004-budget', m0004.up],
  ['0005-period-intervention-rates', m0005.up],
  ['0006-contact-statistics', m0006.up],
  ['0007-budget-daily-totals', m0007.up],
];

export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]![0];

class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, up] of MIGRATIONS) out[name] = { up: (db) => up(db, this.dialect) };
    return Promise.resolve(out);
  }
}

/** Applies pending migrations; each runs in its own transaction on both databases. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: DialectName,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies pending migrations up to and including `name` (a logical restore
 * recreates the schema of the backup's version before loading its rows).
 */
export async function migrateUpTo(
  db: Kysely<unknown>,
  dialect: DialectName,
  name: string,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations applied to this database, oldest first. */
export async function appliedMigrations(
  db: Kysely<unknown>,
  dialect: DialectName,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(dialect) });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt).map((m) => m.name);
}

export const KNOWN_MIGRATIONS = MIGRATIONS.map(([name]) => name);
