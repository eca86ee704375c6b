import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { DialectName } from './dialect.js';
import { GroupCommitSqliteDialect } from './group-commit.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  sqlitePath: string | undefined;
  /** SQLite: commits made and units of work they carried (group commit). */
  commitStats?: { readonly commits: number; readonly units: number };
  close(): Promise<void>;
}

// pg returns bigint and count(*) as strings and timestamps as Date; Slussa keeps
// integers as numbers (öre stay far below 2^53) and instants as ISO strings.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());
pg.types.setTypeParser(1082, (v) => v);

export interface OpenOptions {
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** Take the single-process lock on the SQLite file (the server does; one-shot CLI reads do not need to). */
  lock?: boolean;
  poolSize?: number;
}

export function openDatabase(opts: OpenOptions): DatabaseHandle {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlitePath: undefined, close: () => db.destroy() };
  }
  const file = opts.sqlitePath;
  if (!file) throw new Error('sqlitePath is required without a database URL');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const release = opts.lock && file !== ':memory:' ? lockFile(`${file}.lock`) : () => undefined;
  const sqlite = new SQLite(file);
  // WAL for concurrent readers, FULL so an acknowledged commit survives power loss.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's LIKE folds ASCII only; Swedish names need Å = å (see dialect.ts ilike).
  sqlite.function('slussa_fold', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? v.toLocaleLowerCase('sv') : v,
  );
  // Group commit: the requests of one turn of the event loop share one fsync (group-commit.ts).
  const dialect = new GroupCommitSqliteDialect(sqlite, statementCache(sqlite));
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: file,
    commitStats: dialect.driver.stats,
    close: async () => {
      await db.destroy();
      release();
    },
  };
}

/**
 * One process holds the SQLite file: a second server on the same file would
 * break the audit chain's ordering. A stale lock (its process gone) is taken over.
 * Exported for `slussa restore`, which must not replace a file the server holds.
 */
export function lockFile(lockPath: string): () => void {
  const tryTake = (): boolean => {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false;
    }
  };
  if (!tryTake()) {
    const holder = Number(fs.readFileSync(lockPath, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`The database is in use by process ${holder} (lock file ${lockPath}).`);
    }
    fs.rmSync(lockPath, { force: true });
    if (!tryTake()) throw new Error(`Could not lock ${lockPath}.`);
  }
  return () => fs.rmSync(lockPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more
 * than running a point query. Statements are reused per SQL text (a prepared
 * statement can be run again with new parameters), in a bounded cache.
 */
function statementCache(sqlite: SQLite.Database, max = 1000): (sql: string) => SQLite.Statement {
  const cache = new Map<string, SQLite.Statement>();
  return (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = sqlite.prepare(sql);
      if (cache.size >= max) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
