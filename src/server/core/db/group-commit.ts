import type SQLite from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Group commit for SQLite.
 *
 * With `synchronous=FULL` every commit waits for the disk, and better-sqlite3
 * waits on the event loop's thread: one commit per request makes the disk the
 * server's speed limit, and every audited read is a write. So the one
 * connection works in batches: every use of it runs inside a shared write
 * transaction, each unit of work (a Kysely transaction) is a savepoint in it
 * that succeeds or rolls back on its own, and the batch commits, one fsync,
 * once the requests that arrived together have had their turn.
 *
 * Nobody learns the outcome of a use before the batch holding it is durable:
 * releasing the connection waits for the batch's commit, and fails if the
 * batch does. So an answer never reports a write, or shows data, that a crash
 * could still take back.
 */
export class GroupCommitSqliteDriver implements Driver {
  private readonly lock = new FifoLock();
  private readonly connection: GroupConnection;
  private batch: Batch | undefined;
  /** A commit is wanted at the next moment the connection is free. */
  private commitWanted = false;
  private commitScheduled = false;
  private readonly stmts: {
    begin: SQLite.Statement;
    commit: SQLite.Statement;
    rollback: SQLite.Statement;
    savepoint: SQLite.Statement;
    release: SQLite.Statement;
    rollbackTo: SQLite.Statement;
  };

  /** Inside a unit of work (a savepoint). */
  private inUnit = false;
  /** Counters for benchmarks and tests: how much one commit carries. */
  readonly stats = { commits: 0, units: 0 };

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly prepare: (sql: string) => SQLite.Statement,
  ) {
    this.connection = new GroupConnection(this);
    this.stmts = {
      begin: sqlite.prepare('begin'),
      commit: sqlite.prepare('commit'),
      rollback: sqlite.prepare('rollback'),
      savepoint: sqlite.prepare('savepoint unit_of_work'),
      release: sqlite.prepare('release unit_of_work'),
      rollbackTo: sqlite.prepare('rollback to unit_of_work'),
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.lock();
    if (!this.batch) {
      try {
        this.stmts.begin.run();
      } catch (err) {
        // Nobody will release a connection they never got.
        this.lock.unlock();
        throw err;
      }
      this.batch = new Batch();
    }
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    this.stmts.savepoint.run();
    this.inUnit = true;
    this.stats.units += 1;
  }

  async commitTransaction(): Promise<void> {
    this.inUnit = false;
    this.stmts.release.run();
  }

  async rollbackTransaction(): Promise<void> {
    this.inUnit = false;
    // A failure SQLite answers by rolling back the whole transaction (disk full,
    // I/O error) has already ended the batch; there is no savepoint left.
    if (!this.checkBatchAlive()) return;
    this.stmts.rollbackTo.run();
    this.stmts.release.run();
  }

  /** Runs one statement for the holder of the connection. */
  run<R>(compiledQuery: CompiledQuery): QueryResult<R> {
    const { sql, parameters } = compiledQuery;
    // Once SQLite has rolled the batch back, the rest of that use must not run
    // on its own in autocommit mode.
    if (!this.batch) throw new Error('The transaction was rolled back; the statement was not run.');
    // Some pragmas (synchronous, journal_mode) and VACUUM refuse to run inside
    // a transaction: outside a unit of work, the batch commits first.
    if (!this.inUnit && OUTSIDE_TRANSACTION.test(sql)) {
      this.commitNow();
      try {
        return this.execute<R>(sql, parameters);
      } finally {
        this.stmts.begin.run();
        this.batch = new Batch();
      }
    }
    try {
      return this.execute<R>(sql, parameters);
    } catch (err) {
      this.checkBatchAlive();
      throw err;
    }
  }

  private execute<R>(sql: string, parameters: readonly unknown[]): QueryResult<R> {
    const stmt = this.prepare(sql);
    if (!stmt.readonly && this.batch) this.batch.dirty = true;
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async releaseConnection(): Promise<void> {
    const batch = this.batch;
    if (this.commitWanted && batch) {
      this.commitNow();
    } else if (batch && !this.commitScheduled) {
      // After the I/O callbacks of this turn of the event loop: the requests
      // that arrived together share the commit.
      this.commitScheduled = true;
      setImmediate(() => {
        this.commitScheduled = false;
        if (!this.batch) return;
        if (this.lock.busy) this.commitWanted = true;
        else {
          this.lock.busy = true;
          this.commitNow();
          this.lock.unlock();
        }
      });
    }
    // What a use read while nothing in the batch had been written yet was
    // committed already: it need not wait. A batch that a failed statement
    // ended is already settled (rejected).
    const mustWait = batch?.dirty === true;
    this.lock.unlock();
    if (batch && mustWait) await batch.done;
  }

  /** Commits the open batch; the caller holds the lock. */
  private commitNow(): void {
    const batch = this.batch;
    this.commitWanted = false;
    if (!batch) return;
    this.batch = undefined;
    try {
      this.stmts.commit.run();
      this.stats.commits += 1;
      batch.settle();
    } catch (err) {
      if (this.sqlite.inTransaction) this.stmts.rollback.run();
      batch.settle(err);
    }
  }

  /**
   * After a failed statement: did SQLite keep the batch's transaction? If it
   * rolled it back, every use in the batch fails with the cause.
   */
  private checkBatchAlive(): boolean {
    if (this.sqlite.inTransaction) return true;
    const batch = this.batch;
    if (batch) {
      this.batch = undefined;
      batch.settle(new Error('The database rolled back the transaction; nothing of it was saved.'));
    }
    return false;
  }

  /** Commits what is open and closes the file (shut-down). */
  async destroy(): Promise<void> {
    await this.lock.lock();
    this.commitNow();
    this.sqlite.close();
  }
}

const OUTSIDE_TRANSACTION = /^\s*(pragma|vacuum)\b/i;

/** One shared transaction and everyone waiting for its commit. */
class Batch {
  /** Something in it has been written (or may have been): its readers wait for the commit. */
  dirty = false;
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  private settled = false;
  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A batch nobody waits on (all its uses failed) must not raise an unhandled rejection.
    this.done.catch(() => undefined);
  }
  settle(err?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (err === undefined) this.resolve();
    else this.reject(err);
  }
}

/** The one connection, as Kysely sees it: every statement goes through the driver. */
class GroupConnection implements DatabaseConnection {
  constructor(private readonly driver: GroupCommitSqliteDriver) {}
  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.driver.run<R>(compiledQuery));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not used on SQLite');
  }
}

/**
 * A first-come, first-served lock. Kysely's SQLite driver guards its one
 * connection with a lock that wakes every waiter on each release: with a few
 * hundred requests in flight that costs more than the queries and lets some
 * requests wait far longer than others (bench/README.md, Mixed load).
 */
class FifoLock {
  busy = false;
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

/** Kysely's SQLite dialect with the group-commit driver. */
export class GroupCommitSqliteDialect implements Dialect {
  readonly driver: GroupCommitSqliteDriver;
  constructor(sqlite: SQLite.Database, prepare: (sql: string) => SQLite.Statement) {
    this.driver = new GroupCommitSqliteDriver(sqlite, prepare);
  }
  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler(): SqliteQueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): SqliteAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): SqliteIntrospector {
    return new SqliteIntrospector(db);
  }
}
