// The harness's own connection to the database the app wrote: raw SQL for the
// checks (both dialects) and a Kysely instance on the same connection for the
// server's own audit-chain verifier, so that a check run inside a transaction
// (the self-test) sees that transaction's changes.
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

// As the server reads PostgreSQL (src/server/core/db/database.ts): integers as
// numbers, instants as ISO strings, dates as YYYY-MM-DD. The audit chain's
// hashes cover the instant as the server wrote it.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());
pg.types.setTypeParser(1082, (v) => v);

/**
 * @typedef {object} Conn
 * @property {'sqlite' | 'postgres'} dialect
 * @property {(sql: string, params?: unknown[]) => Promise<any[]>} all   `?` placeholders in both dialects
 * @property {(sql: string, params?: unknown[]) => Promise<number>} run  returns the rows changed
 * @property {import('kysely').Kysely<any>} kysely  on this same connection
 * @property {() => Promise<void>} close
 */

/**
 * @param {string} file
 * @returns {Promise<Conn>}
 */
export async function openSqlite(file) {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const kysely = new Kysely({ dialect: new SqliteDialect({ database: db }) });
  return {
    dialect: 'sqlite',
    all: async (sql, params = []) => db.prepare(sql).all(...params),
    run: async (sql, params = []) => db.prepare(sql).run(...params).changes,
    kysely,
    // Not kysely.destroy(): that would close the connection a second time.
    close: async () => {
      db.close();
    },
  };
}

/** @param {string} sql */
const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${(n += 1)}`);
};

/**
 * @param {string} url
 * @returns {Promise<Conn>}
 */
export async function openPostgres(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Kysely asks a pool for connections; this one always hands out the same client.
  const pool = {
    connect: async () => Object.assign(client, { release: () => undefined }),
    end: async () => undefined,
  };
  const kysely = new Kysely({
    dialect: new PostgresDialect({ pool: /** @type {any} */ (pool) }),
  });
  return {
    dialect: 'postgres',
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
    run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    kysely,
    close: async () => {
      await client.end();
    },
  };
}

/**
 * A fresh, empty PostgreSQL database for one run, next to the one `adminUrl`
 * names; `drop()` removes it (closing whatever still holds it).
 *
 * @param {string} adminUrl
 * @param {string} name
 */
export async function createPostgresDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
