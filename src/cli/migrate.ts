import type { Kysely } from 'kysely';
import type { Config } from '../server/core/config.js';
import { openDatabase } from '../server/core/db/database.js';
import { KNOWN_MIGRATIONS, appliedMigrations, migrateToLatest } from '../server/core/db/migrate.js';
import { CliError, describeDatabase, out, sqlitePath, withDatabase } from './common.js';

/** `slussa migrate`: applies pending migrations and lists them. */
export async function migrateCommand(config: Config): Promise<void> {
  // On SQLite the server's lock is taken: migrating under a running server is refused.
  let handle;
  try {
    handle = openDatabase({
      databaseUrl: config.databaseUrl,
      sqlitePath: sqlitePath(config),
      lock: true,
      poolSize: 2,
    });
  } catch (err) {
    throw new CliError(
      `${err instanceof Error ? err.message : String(err)} Stop the Slussa server before migrating (it migrates by itself at start).`,
    );
  }
  await withDatabase(handle, async (h) => {
    const db = h.db as unknown as Kysely<unknown>;
    out(`Database: ${describeDatabase(config)}`);
    let applied: string[];
    try {
      applied = await migrateToLatest(db, h.dialect);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/corrupted migrations/i.test(msg)) {
        throw new CliError(
          `The database has a migration this version of Slussa does not know (${msg}). It was created by a newer version: upgrade Slussa.`,
        );
      }
      throw err;
    }
    if (applied.length === 0) out('Nothing to apply: the database is up to date.');
    else for (const name of applied) out(`Applied ${name}`);
    const all = await appliedMigrations(db, h.dialect);
    out(
      `Schema version: ${all.at(-1) ?? 'none'} (${all.length} of ${KNOWN_MIGRATIONS.length} migrations applied).`,
    );
  });
}
