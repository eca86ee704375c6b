// The set-up the *-queries tools share (bench/programme-queries.mjs,
// bench/budget-queries.mjs, bench/reports-queries.mjs): the command line, a
// copy of a kept data folder, every SQLite statement timed, the app built in
// this process from the build (BENCH_DIST or dist), requests through
// app.inject() and SQLite's query plans.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { DIST_DIR } from './server.mjs';

/**
 * `<data folder> [requests per route] [--fixes] [--only=a,b]`; prints `usage`
 * and exits when the folder holds no slussa.db.
 *
 * @param {{ usage: string, requests: number }} o  requests: the default per route
 */
export function queriesArgs({ usage, requests }) {
  const args = process.argv.slice(2);
  const positional = args.filter((a) => !a.startsWith('--'));
  const source = positional.find((a) => !/^\d+$/.test(a));
  const perRoute = Number(positional.find((a) => /^\d+$/.test(a)) ?? requests);
  const only = (args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '')
    .split(',')
    .filter(Boolean);
  if (!source || !fs.existsSync(path.join(source, 'slussa.db'))) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return {
    source,
    perRoute,
    withFixes: args.includes('--fixes'),
    only,
    wanted: (/** @type {string} */ k) => only.length === 0 || only.includes(k),
  };
}

/**
 * Copies a kept data folder (a consistent backup of slussa.db and its master
 * key) to a temp folder, so that the requests' writes do not change it; with
 * `fixes`, applies them to the copy and prints what they did.
 *
 * @param {string} source
 * @param {string} prefix  of the temp folder's name
 * @param {((sqlitePath: string) => Array<{ sql: string, ms: number }>) | undefined} [fixes]
 */
export async function copyDataFolder(source, prefix, fixes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const sqlitePath = path.join(dir, 'slussa.db');
  const src = new Database(path.join(source, 'slussa.db'), { readonly: true });
  await src.backup(sqlitePath);
  src.close();
  fs.copyFileSync(path.join(source, 'master.key'), path.join(dir, 'master.key'));
  if (fixes)
    for (const f of fixes(sqlitePath)) process.stdout.write(`applied: ${f.sql} (${f.ms} ms)\n`);
  return { dir, sqlitePath };
}

/**
 * Times every call of better-sqlite3's Statement `methods` in this process
 * (COMMIT includes its fsync), per SQL text, into `timer.stats` until
 * `timer.reset()` starts a new count.
 *
 * @param {string[]} [methods]
 */
export function timeStatements(methods = ['all', 'get', 'run', 'iterate']) {
  const timer = {
    /** @type {Map<string, { calls: number, ms: number }>} */
    stats: new Map(),
    reset() {
      timer.stats = new Map();
    },
  };
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const method of methods) {
    const original = Statement[method];
    Statement[method] = function timed(/** @type {unknown[]} */ ...args) {
      const t = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t;
        const s = timer.stats.get(this.source) ?? { calls: 0, ms: 0 };
        s.calls += 1;
        s.ms += ms;
        timer.stats.set(this.source, s);
      }
    };
  }
  return timer;
}

/**
 * The app built in this process on a data folder, from the build the
 * benchmarks use (the same code the server runs), with a session cookie maker.
 *
 * @param {string} dir
 */
export async function buildAppIn(dir) {
  const dist = (/** @type {string} */ rel) =>
    import(pathToFileURL(path.join(DIST_DIR, 'server', rel)).href);
  const { loadConfig } = await dist('core/config.js');
  const { openAndMigrate } = await dist('core/bootstrap.js');
  const { buildApp } = await dist('app.js');
  const { createSession } = await dist('core/auth/sessions.js');
  const config = loadConfig({
    ...process.env,
    SLUSSA_DATA_DIR: dir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SLUSSA_RATE_LIMIT: '100000000',
    SLUSSA_MASTER_KEY: '',
    DATABASE_URL: '',
  });
  const database = await openAndMigrate(config);
  const { app, ctx } = await buildApp({ config, database });
  const limits = { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs };
  /** A full session for a user, as a Cookie header. @param {string} userId */
  const sessionCookie = async (userId) =>
    `slussa_session=${(await createSession(ctx.db, userId, 'full', new Date(), limits)).token}`;
  /** @param {string} method @param {string} url @param {string} cookie @param {unknown} [body] */
  const call = async (method, url, cookie, body) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        cookie,
        origin: config.publicUrl,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    if (res.statusCode >= 300)
      throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  return { app, ctx, config, database, sessionCookie, call };
}

/**
 * SQLite's query plan of a statement (its parameters bound to null), or ''
 * where it cannot be explained.
 *
 * @param {import('better-sqlite3').Database} db
 * @param {string} sql
 */
export function queryPlan(db, sql) {
  try {
    return /** @type {Array<{ detail: string }>} */ (
      db
        .prepare(`explain query plan ${sql}`)
        .all(...Array((sql.match(/\?/g) ?? []).length).fill(null))
    )
      .map((r) => r.detail)
      .join('; ');
  } catch {
    return '';
  }
}
