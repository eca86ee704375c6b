// The crash harness: runs the built app as a child process on SQLite and on
// PostgreSQL, drives it over HTTP, kills it with SIGKILL at seeded random
// moments, restarts it and checks that every acknowledged write survived and
// nothing was half-written (see README.md). Exits non-zero on any violation.
//
//   npm run test:crash -- [--kills N] [--db sqlite|postgres|both] [--seed S]
//                         [--server dist/server/main.js] [--clients 4]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { prng } from '../../bench/lib/directory-data.mjs';
import { REPO_DIR, startSlussa } from '../../bench/lib/server.mjs';
import { ackedCount, checkDatabase, emptyAcked, selfTest } from './checks.mjs';
import { createPostgresDatabase, openPostgres, openSqlite } from './db.mjs';
import { drive, emptyPools, FINAL_ROUND, seedWorld } from './driver.mjs';

const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '200' },
    db: { type: 'string', default: 'both' },
    seed: { type: 'string' },
    server: { type: 'string', default: process.env.SLUSSA_CRASH_SERVER },
    clients: { type: 'string', default: '4' },
    'min-delay': { type: 'string', default: '50' },
    'max-delay': { type: 'string', default: '1500' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const kills = Number(args.kills);
const clients = Number(args.clients);
const minDelay = Number(args['min-delay']);
const maxDelay = Number(args['max-delay']);
const seed = args.seed === undefined ? randomBytes(4).readUInt32BE() : Number(args.seed);
const databases =
  args.db === 'both' ? ['sqlite', 'postgres'] : args.db ? [args.db] : ['sqlite', 'postgres'];
const main = path.resolve(args.server ?? path.join(REPO_DIR, 'dist', 'server', 'main.js'));
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

for (const [name, v] of /** @type {const} */ ([
  ['--kills', kills],
  ['--clients', clients],
  ['--seed', seed],
  ['--min-delay', minDelay],
  ['--max-delay', maxDelay],
]))
  if (!Number.isInteger(v) || v < 0) usage(`${name} must be a whole number`);
if (clients < 1 || maxDelay < minDelay) usage('--clients ≥ 1 and --max-delay ≥ --min-delay');
if (!databases.every((d) => d === 'sqlite' || d === 'postgres'))
  usage('--db is sqlite, postgres or both');
if (!fs.existsSync(main))
  usage(`${main} is missing: run \`npm run build\` first, or point --server at a build`);

/** @param {string} msg @returns {never} */
function usage(msg) {
  process.stderr.write(`test:crash: ${msg}\n`);
  process.exit(2);
}

/** The server's own verifier, from the build under test. */
const { verifyAuditChain } = await import(
  pathToFileURL(path.join(path.dirname(main), 'core', 'audit.js')).href
);

/**
 * A free port, drawn at random below the system's ephemeral range: the run
 * keeps it across restarts, and another run (or the other database's) on the
 * same port would answer this one's health checks.
 *
 * @returns {Promise<number>}
 */
async function randomFreePort() {
  for (let i = 0; i < 50; i += 1) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
        srv.close(() => resolve(true)),
      );
    });
    if (free) return port;
  }
  throw new Error('no free port found');
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (/** @type {string} */ s) => process.stdout.write(`${s}\n`);

/**
 * @typedef {object} DbResult
 * @property {string} db
 * @property {number} kills
 * @property {ReturnType<typeof ackedCount>} acked   distinct acknowledged writes and reads
 * @property {number} verifications   acknowledged items checked, summed over every cycle
 * @property {{ sent: number, acked: number, unanswered: number, refused: number, serverErrors: number }} requests
 * @property {string[]} failures
 * @property {string[]} notes
 * @property {string} integrity
 * @property {string[]} selfTest
 * @property {number} seconds
 * @property {number} startMs  mean time from spawn to a healthy server, per restart
 * @property {number} checkMs  mean time of the checks after a restart
 */

/**
 * @param {'sqlite' | 'postgres'} kind
 * @returns {Promise<DbResult>}
 */
async function runDatabase(kind) {
  const t0 = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `slussa-crash-${kind}-`));
  const pgDb =
    kind === 'postgres'
      ? await createPostgresDatabase(adminUrl, `slussa_crash_${process.pid}_${Date.now()}`)
      : undefined;
  /** @type {DbResult} */
  const result = {
    db: kind,
    kills: 0,
    acked: ackedCount(emptyAcked()),
    verifications: 0,
    requests: { sent: 0, acked: 0, unanswered: 0, refused: 0, serverErrors: 0 },
    failures: [],
    notes: [],
    integrity: '',
    selfTest: [],
    seconds: 0,
    startMs: 0,
    checkMs: 0,
  };
  const env = {
    // A fixed key, so every restart reads the encrypted fields the last one wrote.
    SLUSSA_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'error',
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
  };
  const port = await randomFreePort();
  const connect = () =>
    pgDb ? openPostgres(pgDb.url) : openSqlite(path.join(dataDir, 'slussa.db'));
  let starts = 0;
  let checkTotal = 0;
  let startTotal = 0;
  const start = async () => {
    for (let attempt = 1; ; attempt += 1) {
      const t = performance.now();
      try {
        // A loaded machine can take many seconds to load the app; 2 minutes is a hang.
        const s = await startSlussa({ port, dataDir, env, main, timeoutMs: 120_000 });
        startTotal += performance.now() - t;
        starts += 1;
        return s;
      } catch (err) {
        // The lock of a killed process may outlive it for a moment, and a start that overran
        // the wait was itself killed mid-start-up: try again. Any other failure to start after
        // a crash fails the run.
        const msg = err instanceof Error ? err.message : String(err);
        if (attempt >= 3 || !/did not answer|is in use/.test(msg)) throw err;
        result.notes.push(`a start was retried: ${msg.split('\n')[0]}`);
        await sleep(1000);
      }
    }
  };
  // Failures are printed as they happen too: the other database's run may go on for a while.
  const push = (/** @type {string} */ f) => {
    result.failures.push(f);
    log(`  FAIL ${f}`);
  };
  /** @param {number} cycle @param {string} what */
  const failed = (cycle, what) =>
    push(
      `${kind} cycle ${cycle}: ${what} (reproduce: npm run test:crash -- --db ${kind} --seed ${seed} --kills ${cycle})`,
    );

  /** @type {import('../../bench/lib/server.mjs').SlussaServer | undefined} */
  let server;
  let keep = args.keep;
  try {
    server = await start();
    // The set-up link may reach the pipe after the first healthy answer: wait for it.
    for (let i = 0; i < 100 && !server.setupToken; i += 1) {
      await sleep(100);
      server.setupToken = /\/welcome#token=([A-Za-z0-9_-]+)/.exec(server.stdout())?.[1];
    }
    const world = await seedWorld(server);
    const acked = emptyAcked();
    acked.cases.set(world.firstCase.id, { code: world.firstCase.code, cycle: 0 });
    const pools = emptyPools();
    pools.cases.push(world.firstCase.id);

    for (let cycle = 1; cycle <= kills; cycle += 1) {
      const rnd = prng(
        (seed ^ Math.imul(cycle, 0x9e3779b1) ^ (kind === 'sqlite' ? 0 : 0x5bd1e995)) >>> 0,
      );
      const delay = minDelay + Math.floor(rnd() * (maxDelay - minDelay + 1));
      /** @type {() => void} */
      let halt = () => undefined;
      const stop = new Promise((/** @type {(v: void) => void} */ r) => (halt = r));
      const driving = drive({ world, acked, pools, clients, rnd, cycle, stop });
      // Awaited below; meanwhile a failure must not count as unhandled.
      driving.catch(() => undefined);
      await sleep(delay);
      // The whole process, at once: no signal handler runs, nothing is flushed.
      process.kill(server.pid, 'SIGKILL');
      halt();
      await server.stop();
      const stats = await driving;
      result.kills += 1;
      for (const k of /** @type {const} */ ([
        'sent',
        'acked',
        'unanswered',
        'refused',
        'serverErrors',
      ]))
        result.requests[k] += stats[k];
      for (const n of stats.notes)
        if (result.notes.length < 10) result.notes.push(`cycle ${cycle}: ${n}`);

      server = await start();
      const conn = await connect();
      try {
        const tc = performance.now();
        const check = await checkDatabase(conn, acked, verifyAuditChain);
        checkTotal += performance.now() - tc;
        result.verifications += check.ackedChecked;
        result.integrity = check.integrity;
        for (const v of check.violations.slice(0, 20)) failed(cycle, `${v.check}: ${v.detail}`);
        if (check.violations.length > 20)
          failed(cycle, `… and ${check.violations.length - 20} more violations`);
      } finally {
        await conn.close();
      }
      if (result.failures.length > 0) break;
      if (cycle % 10 === 0 || cycle === kills) {
        const a = ackedCount(acked);
        log(
          `  ${kind}: ${cycle}/${kills} kills, ${a.total} acknowledged (${a.cases} cases, ${a.applications} applications, ${a.decisions} decisions, ${a.transfers} transfers, ${a.reads} reads), ${Math.round((performance.now() - t0) / 1000)} s`,
        );
      }
    }
    const underKills = ackedCount(acked);
    if (result.failures.length === 0)
      for (const k of /** @type {const} */ ([
        'cases',
        'applications',
        'decisions',
        'transfers',
        'reads',
      ]))
        if (kills > 0 && underKills[k] === 0)
          result.notes.push(
            `no ${k} were acknowledged between kills: raise --kills or --max-delay`,
          );

    // A last round without a kill, then a graceful stop: the self-test below needs one
    // acknowledged write of each kind, and a clean shutdown must keep them too.
    const last = await drive({
      world,
      acked,
      pools,
      clients: 1,
      rnd: prng(seed ^ 0x2545f491),
      cycle: kills + 1,
      stop: Promise.resolve(),
      script: FINAL_ROUND,
    });
    if (last.acked !== FINAL_ROUND.length)
      push(`${kind}: the round after the last kill was refused: ${last.notes.join('; ')}`);
    result.acked = ackedCount(acked);
    await server.stop();
    const conn = await connect();
    try {
      const clean = await checkDatabase(conn, acked, verifyAuditChain);
      for (const v of clean.violations.slice(0, 5))
        push(`${kind} after a graceful stop: ${v.check}: ${v.detail}`);
      // The checker's own test: it must catch corruption made on purpose (rolled back after).
      const st = await selfTest(conn, acked, verifyAuditChain);
      result.selfTest = st.passed;
      for (const f of st.failed) push(`${kind} self-test: ${f}`);
      const after = await checkDatabase(conn, acked, verifyAuditChain);
      for (const v of after.violations.slice(0, 5))
        push(`${kind} after the self-test: ${v.check}: ${v.detail}`);
    } finally {
      await conn.close();
    }
  } catch (err) {
    push(
      `${kind}: the harness stopped: ${err instanceof Error ? err.stack : String(err)}\n${server?.stderr().slice(-2000) ?? ''}`,
    );
  } finally {
    await server?.stop();
    if (result.failures.length > 0) keep = true;
    if (keep) log(`  ${kind}: data kept in ${dataDir}${pgDb ? ` and database ${pgDb.url}` : ''}`);
    else {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await pgDb?.drop();
    }
  }
  result.seconds = Math.round((performance.now() - t0) / 100) / 10;
  result.startMs = starts ? Math.round(startTotal / starts) : 0;
  result.checkMs = result.kills ? Math.round(checkTotal / result.kills) : 0;
  return result;
}

const began = performance.now();
log(
  `crash harness: ${kills} kills per database on ${databases.join(' and ')}, seed ${seed}, ${clients} clients, kill after ${minDelay}–${maxDelay} ms`,
);
log(`  server: ${path.relative(process.cwd(), main) || main}`);
// The databases run side by side: each run is mostly one process waiting on another.
const results = await Promise.all(
  /** @type {Array<'sqlite' | 'postgres'>} */ (databases).map((kind) => runDatabase(kind)),
);

log('');
log('Summary');
for (const r of results) {
  log(
    `  ${r.db}: ${r.kills} kills in ${r.seconds} s (restart to healthy ≈ ${r.startMs} ms, checks ≈ ${r.checkMs} ms); ` +
      `${r.acked.total} acknowledged (${r.acked.cases} cases, ${r.acked.applications} applications, ` +
      `${r.acked.decisions} decisions, ${r.acked.transfers} transfers, ${r.acked.reads} audited reads), ` +
      `${r.verifications} verifications over all cycles`,
  );
  log(
    `    requests: ${r.requests.sent} sent, ${r.requests.acked} answered 2xx, ${r.requests.unanswered} cut off by a kill, ` +
      `${r.requests.refused} refused (4xx), ${r.requests.serverErrors} server errors (5xx)`,
  );
  log(`    integrity: ${r.integrity || '–'}; self-test caught ${r.selfTest.length} corruptions`);
  for (const n of r.notes) log(`    note: ${n}`);
}
const failures = results.flatMap((r) => r.failures);
log(`  elapsed ${Math.round((performance.now() - began) / 100) / 10} s, seed ${seed}`);
if (failures.length > 0) {
  log('');
  log(`FAILED (${failures.length}):`);
  for (const f of failures) log(`  ${f}`);
  process.exit(1);
}
log('  ok: every acknowledged write survived, nothing half-written, chain and database intact');
