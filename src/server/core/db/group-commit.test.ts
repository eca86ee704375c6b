import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../../../../test/harness.js';
import type { Db } from './database.js';

/**
 * Transactions under concurrency, as the services use them. On SQLite they run
 * through group commit (group-commit.ts); the guarantees are the same on
 * PostgreSQL, where each is a transaction of its own.
 */
describe(`transactions under concurrency (${TEST_DB})`, () => {
  let t: TestDatabase;
  let db: Db;
  /** Reads the probe table through a connection of its own: what is committed, nothing else. */
  let committedIds: () => Promise<number[]>;
  let closeReader: () => Promise<void>;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.handle.db;
    await sql`create table gc_probe (id integer primary key, v text not null)`.execute(db);
    if (t.handle.dialect === 'sqlite') {
      const reader = new SQLite(path.join(t.dataDir, 'slussa.db'), { readonly: true });
      const stmt = reader.prepare('select id from gc_probe order by id');
      committedIds = () => Promise.resolve((stmt.all() as Array<{ id: number }>).map((r) => r.id));
      closeReader = () => Promise.resolve(void reader.close());
    } else {
      const client = new pg.Client({
        connectionString: await databaseUrlOf(db, process.env.TEST_DATABASE_URL),
      });
      await client.connect();
      committedIds = async () =>
        (await client.query<{ id: number }>('select id from gc_probe order by id')).rows.map(
          (r) => r.id,
        );
      closeReader = () => client.end();
    }
  });
  afterAll(async () => {
    await closeReader();
    await t.destroy();
  });
  beforeEach(async () => {
    await sql`delete from gc_probe`.execute(db);
  });

  const insert = (q: Db, id: number) =>
    sql`insert into gc_probe (id, v) values (${id}, ${`row ${id}`})`.execute(q);

  it('commits every transaction that succeeds and none that fails, each on its own', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        db.transaction().execute(async (tx) => {
          await insert(tx, i + 1);
          await insert(tx, 1000 + i);
          if (i % 5 === 4) throw new Error(`unit ${i} fails`);
          return i;
        }),
      ),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    expect(failed).toBe(12);
    const expected = Array.from({ length: 60 }, (_, i) => i)
      .filter((i) => i % 5 !== 4)
      .flatMap((i) => [i + 1, 1000 + i])
      .sort((a, b) => a - b);
    expect(await committedIds()).toEqual(expected);
  });

  it('has a write committed, visible to another connection, by the time the transaction returns', async () => {
    const seen: number[][] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db
          .transaction()
          .execute((tx) => insert(tx, i + 1))
          .then(async () => {
            seen.push(await committedIds());
          }),
      ),
    );
    // Each transaction, when it returned, found its own row committed.
    seen.forEach((ids) => expect(ids.length).toBeGreaterThan(0));
    for (let i = 1; i <= 20; i++) {
      expect(seen.some((ids) => ids.includes(i))).toBe(true);
    }
    expect(await committedIds()).toHaveLength(20);
  });

  it('never answers a read with a write that is not yet committed', async () => {
    const write = db.transaction().execute((tx) => insert(tx, 7));
    const read = sql<{ id: number }>`select id from gc_probe`
      .execute(db)
      .then(async (r) => ({ seen: r.rows.map((row) => row.id), committed: await committedIds() }));
    const [, { seen, committed }] = await Promise.all([write, read]);
    for (const id of seen) expect(committed).toContain(id);
    // On SQLite's one connection the read does see the write: it waited for its commit.
    if (TEST_DB === 'sqlite') expect(seen).toEqual([7]);
  });

  it('keeps a constraint violation inside its own transaction', async () => {
    await db.transaction().execute((tx) => insert(tx, 1));
    const results = await Promise.allSettled([
      db.transaction().execute((tx) => insert(tx, 2)),
      db.transaction().execute(async (tx) => {
        await insert(tx, 3);
        await insert(tx, 1); // duplicate key: this whole transaction goes
      }),
      db.transaction().execute((tx) => insert(tx, 4)),
      insert(db, 5),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await committedIds()).toEqual([1, 2, 4, 5]);
  });

  if (TEST_DB !== 'sqlite') return;

  it('shares one commit among the transactions that arrive together (SQLite group commit)', async () => {
    const stats = t.handle.commitStats;
    expect(stats).toBeDefined();
    const before = { ...stats! };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => db.transaction().execute((tx) => insert(tx, i + 1))),
    );
    const units = stats!.units - before.units;
    const commits = stats!.commits - before.commits;
    expect(units).toBe(50);
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(5);
    expect(await committedIds()).toHaveLength(50);
  });

  it('answers a read that found nothing uncommitted without waiting for a commit', async () => {
    await db.transaction().execute((tx) => insert(tx, 1));
    const stats = t.handle.commitStats!;
    const before = stats.commits;
    const rows = await sql<{ id: number }>`select id from gc_probe`.execute(db);
    expect(rows.rows.map((r) => r.id)).toEqual([1]);
    // The read's own (read-only) batch commits after it has answered.
    expect(stats.commits).toBe(before);
    await new Promise((r) => setImmediate(r));
    expect(stats.commits).toBe(before + 1);
  });

  it('runs a pragma that refuses transactions between batches, and keeps what came before', async () => {
    const write = db.transaction().execute((tx) => insert(tx, 1));
    const pragma = sql`pragma synchronous = full`.execute(db);
    await Promise.all([write, pragma]);
    const mode = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    expect(mode.rows[0]?.synchronous).toBe(2);
    expect(await committedIds()).toEqual([1]);
    await sql`pragma synchronous = off`.execute(db);
  });
});

/** The URL of the test database the handle is connected to (PostgreSQL). */
async function databaseUrlOf(db: Db, adminUrl: string | undefined): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  const url = new URL(adminUrl ?? '');
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}
