import path from 'node:path';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Kysely } from 'kysely';

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else SQLite in the data folder) and migrates it. */
export async function openAndMigrate(
  config: Config,
  opts: { lock?: boolean } = {},
): Promise<DatabaseHandle> {
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, config.sqliteFile),
    lock: opts.lock ?? false,
  });
  try {
    await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
