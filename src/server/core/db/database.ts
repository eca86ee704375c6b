import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.js';
import type { DialectName } from './dialect.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  sqlitePath: string | undefined;
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
  const db = new Kysely<Database>({
    dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: file,
    close: async () => {
      await db.destroy();
      release();
    },
  };
}

/**
 * A first-come, first-served lock. Kysely's SQLite driver guards its one
 * connection with a lock that wakes every waiter on each release: with a few
 * hundred requests in flight that costs more than the queries and lets some
 * requests wait far longer than others (bench/README.md, Mixed load).
 */
class FifoLock {
  private busy = false;
  private readonly waiting: Array<() => void> = [];
  lock(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  unlock(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/** Kysely's SQLite driver behind a FIFO lock, so its own lock never has more than one waiter. */
class FifoSqliteDriver extends SqliteDriver {
  private readonly fifo = new FifoLock();
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.fifo.lock();
    return super.acquireConnection();
  }
  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.fifo.unlock();
  }
}

class FifoSqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: SqliteDialectConfig) {
    super(sqliteConfig);
  }
  override createDriver(): Driver {
    return new FifoSqliteDriver(this.sqliteConfig);
  }
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
function withStatementCache(sqlite: SQLite.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
