// Raw SQLite baselines: what the disk and better-sqlite3 allow before any
// server code runs. Same settings as the server (WAL, synchronous=FULL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fileSystemOf } from './server.mjs';

/**
 * @typedef {object} CommitBaseline
 * @property {number} commits          transactions committed in the measured loop
 * @property {number} rowsPerCommit
 * @property {number} seconds
 * @property {number} commitsPerSecond
 * @property {number} rowsPerSecond
 * @property {number} msPerCommit
 * @property {string} fileSystem       where the temp file lived (tmpfs would make fsync free)
 */

/**
 * N inserts, each batch of `rowsPerCommit` rows in its own transaction, into a
 * fresh file in `dir` (default: the OS temp folder, the same disk the
 * benchmark server's data folder uses). rowsPerCommit = 1 is the single-row
 * commit loop; larger values show what group commit can reach.
 *
 * @param {{ commits?: number, rowsPerCommit?: number, dir?: string, warmup?: number }} [o]
 * @returns {CommitBaseline}
 */
export function sqliteCommitBaseline({ commits = 2000, rowsPerCommit = 1, dir, warmup = 50 } = {}) {
  const folder = fs.mkdtempSync(path.join(dir ?? os.tmpdir(), 'slussa-bench-sqlite-'));
  const file = path.join(folder, 'baseline.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'create table events (seq integer primary key, id text not null, at text not null, body text not null)',
    );
    const insert = db.prepare('insert into events (id, at, body) values (?, ?, ?)');
    const body = 'x'.repeat(200); // about the size of an audit row
    const commit = db.transaction((/** @type {number} */ n) => {
      for (let i = 0; i < n; i += 1) {
        insert.run(crypto.randomUUID(), new Date().toISOString(), body);
      }
    });
    for (let i = 0; i < warmup; i += 1) commit(rowsPerCommit);
    const start = process.hrtime.bigint();
    for (let i = 0; i < commits; i += 1) commit(rowsPerCommit);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      commits,
      rowsPerCommit,
      seconds: Math.round(seconds * 1000) / 1000,
      commitsPerSecond: Math.round(commits / seconds),
      rowsPerSecond: Math.round((commits * rowsPerCommit) / seconds),
      msPerCommit: Math.round((seconds / commits) * 1e5) / 100,
      fileSystem: fileSystemOf(folder),
    };
  } finally {
    db.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Counts rows in a (stopped) server's SQLite file, read-only.
 *
 * @param {string} sqlitePath
 * @param {string} sql  a query returning one row with a column `n`
 * @param {unknown[]} [params]
 * @returns {number}
 */
export function countRows(sqlitePath, sql, params = []) {
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const row = /** @type {{ n: number } | undefined} */ (db.prepare(sql).get(...params));
    return Number(row?.n ?? 0);
  } finally {
    db.close();
  }
}
