import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Config } from '../server/core/config.js';
import { openDatabase, type DatabaseHandle } from '../server/core/db/database.js';
import { systemClock, type AppContext } from '../server/core/context.js';
import { AuditLog } from '../server/core/audit.js';
import { Mailer } from '../server/core/mail.js';
import { createFieldCrypto, loadMasterKey } from '../server/core/crypto.js';
import { describeUrl } from '../server/core/backup.js';

import { CliError } from './errors.js';

export { CliError };

export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
export const warn = (line: string): void => {
  process.stderr.write(`warning: ${line}\n`);
};

export const sqlitePath = (config: Config): string => path.join(config.dataDir, config.sqliteFile);

/** Where the configured database is, for messages (never prints a password). */
export const describeDatabase = (config: Config): string =>
  config.databaseUrl
    ? `PostgreSQL ${describeUrl(config.databaseUrl)}`
    : `SQLite ${sqlitePath(config)}`;

/**
 * Opens an existing database without migrating it or taking the server's lock.
 * A SQLite file that does not exist is an error (opening would create an empty one).
 */
export function openExisting(config: Config): DatabaseHandle {
  if (!config.databaseUrl) {
    const file = sqlitePath(config);
    if (!fs.existsSync(file)) {
      throw new CliError(
        `There is no database at ${file}. Check SLUSSA_DATA_DIR (or DATABASE_URL for PostgreSQL), or run \`slussa migrate\` to create one.`,
      );
    }
  }
  return openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqlitePath(config),
    lock: false,
    poolSize: 2,
  });
}

/** Runs `fn` with a database handle and always closes it. */
export async function withDatabase<T>(
  handle: DatabaseHandle,
  fn: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

/**
 * The services' context without the HTTP server: the same field crypto (data
 * keys wrapped by the master key), audit chain and mail outbox the server uses.
 */
export async function buildCliContext(config: Config, handle: DatabaseHandle): Promise<AppContext> {
  const log = pino({ level: 'silent' });
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  let crypto;
  try {
    crypto = await createFieldCrypto(handle.db, masterKey, () => systemClock.now());
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/authenticate|Malformed/i.test(msg)) {
      throw new CliError(
        `The master key (${config.masterKey ? 'SLUSSA_MASTER_KEY' : path.join(config.dataDir, 'master.key')}) does not open this database's data keys. ` +
          'Use the same key the server uses.',
      );
    }
    throw err;
  }
  return {
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock,
    crypto,
    audit: new AuditLog(handle.db, handle.dialect, systemClock),
    mail: new Mailer(handle.db, handle.dialect, systemClock, log, {
      smtpUrl: undefined,
      from: config.mailFrom,
      logBodies: false,
    }),
    log,
  };
}

/** Formats rows as a plain-text table with a header line. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
