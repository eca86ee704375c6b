// `npm run bench`: the foundation benchmark. See bench/README.md.
//
// Starts a bare Fastify hello-world and the built Slussa server (SQLite) as
// child processes, seeds Slussa through its API, and measures with autocannon:
// the bare route (before and after, as the baseline), /api/health, an
// authenticated read without audit, an authenticated read that writes its
// audit event, and sign-in. Every figure is reported as a ratio to the bare
// route measured in the same run, because the machine is shared and noisy.
// Then the support programme section (bench/programme.mjs) runs on a server
// of its own, with the same bare server as its baseline, and the programme
// budget section (bench/budget.mjs) on another, against raw SQLite figures of
// its own run.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureDirectory, seedDirectory } from './directory.mjs';
import { runBudget } from './budget.mjs';
import { runLoad } from './load.mjs';
import { runReports } from './reports.mjs';
import { runProgramme } from './programme.mjs';
import { seedSlussa } from './lib/api.mjs';
import { measureRoute, throughputOf } from './lib/measure.mjs';
import { latestProfile } from './lib/profile.mjs';
import {
  busyWarning,
  environment,
  envNumber,
  fmt,
  formatTable,
  invalidProblem,
  ratio,
  verifyAuditChain,
  writeResults,
} from './lib/report.mjs';
import {
  fileSystemOf,
  freePort,
  REPO_DIR,
  RESULTS_DIR,
  startBare,
  startSlussa,
} from './lib/server.mjs';
import { countRows, sqliteCommitBaseline } from './lib/sqlite.mjs';

/** The route limit on POST /api/auth/sign-in (src/server/modules/auth/auth.routes.ts). */
const SIGN_IN_LIMIT_PER_MINUTE = 30;

const ROUTE_KEYS = [
  'health',
  'organisations',
  'session',
  'audited',
  'directory',
  'signin',
  'programme',
  'budget',
  'reports',
  'load',
];
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const k of only) {
  if (!ROUTE_KEYS.includes(k))
    throw new Error(`BENCH_ONLY: unknown ${k} (${ROUTE_KEYS.join(', ')})`);
}
/** @param {string} key */
const wanted = (key) => only.length === 0 || only.includes(key);
/** Sections with a server of their own, run after the foundation part. */
const SECTIONS = ['programme', 'budget', 'reports', 'load'];
/** The foundation part (everything but those sections) runs unless only sections are wanted. */
const foundationWanted = only.length === 0 || only.some((k) => !SECTIONS.includes(k));

const settings = {
  durationS: envNumber('BENCH_DURATION', 10),
  warmupS: envNumber('BENCH_WARMUP', 2),
  connections: envNumber('BENCH_CONNECTIONS', 64),
  signInConnections: envNumber('BENCH_SIGNIN_CONNECTIONS', 8),
  signInDurationS: envNumber('BENCH_SIGNIN_DURATION', 5),
  users: envNumber('BENCH_USERS', 5),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  only: only.length ? only : undefined,
};

const TARGETS = {
  auditedReadRatio: 0.4,
  auditedReadP95Ms: 25,
};

/** @param {string} s */
const log = (s) => process.stdout.write(`${s}\n`);
/** @param {Array<number | undefined>} xs */
const mean = (xs) => {
  const ok = xs.filter((x) => x !== undefined);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : undefined;
};
/** @param {number | undefined} x */
const signed = (x) => (x === undefined ? '–' : `${x >= 0 ? '+' : ''}${fmt(x, 1)}`);

async function main() {
  const taken = new Set();
  const barePort = await freePort(3300, taken);
  const bare = await startBare({ port: barePort });
  try {
    if (foundationWanted) await foundation({ bare, taken });
    if (wanted('programme')) {
      await runProgramme({
        bare,
        measureOpts: {
          connections: settings.connections,
          duration: settings.durationS,
          warmup: settings.warmupS,
        },
        cpuProfile: settings.cpuProfile,
        taken,
        log,
      });
    }
    if (wanted('budget')) {
      await runBudget({
        bare,
        measureOpts: {
          connections: settings.connections,
          duration: settings.durationS,
          warmup: settings.warmupS,
        },
        cpuProfile: settings.cpuProfile,
        taken,
        log,
      });
    }
    if (wanted('reports')) {
      await runReports({
        bare,
        measureOpts: {
          connections: settings.connections,
          duration: settings.durationS,
          warmup: settings.warmupS,
        },
        cpuProfile: settings.cpuProfile,
        taken,
        log,
      });
    }
    if (wanted('load')) await runLoad({ bare, taken, log });
  } finally {
    await bare.stop();
  }
}

/**
 * The foundation benchmark (and the directory section) on one server.
 *
 * @param {{ bare: import('./lib/server.mjs').ChildServer, taken: Set<number> }} o
 */
async function foundation({ bare, taken }) {
  const barePort = bare.port;
  const startedAt = new Date().toISOString();
  const env = environment();
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} things that make the figures rougher, not wrong */
  const warnings = [];
  log(
    `Slussa foundation benchmark: ${settings.connections} connections, ${settings.durationS} s per route ` +
      `after ${settings.warmupS} s warm-up; ${env.cpus} CPUs, load ${env.loadAverage.join(' ')}`,
  );

  // 1. Raw SQLite: what a commit costs on this disk before any server code.
  log('· raw SQLite commit loops (WAL, synchronous=FULL)');
  const sqliteSingle = sqliteCommitBaseline({ commits: 2000, rowsPerCommit: 1 });
  const sqliteGroup = sqliteCommitBaseline({ commits: 300, rowsPerCommit: settings.connections });
  if (sqliteSingle.fileSystem === 'tmpfs') {
    warnings.push(
      'the temp folder is on tmpfs: fsync is free there, so commit figures mean nothing',
    );
  }

  // 2. Argon2id with the server's own parameters (the built module), in-process.
  /** @type {{ count: number, concurrency: number, seconds: number, perSecond: number } | undefined} */
  let argon2;
  if (wanted('signin')) {
    log('· Argon2id verify baseline');
    const pw = await import(
      pathToFileURL(path.join(REPO_DIR, 'dist/server/core/auth/passwords.js')).href
    );
    const hash = await pw.hashPassword('Bänkpress-vid-Slussen-2026');
    argon2 = await throughputOf(() => pw.verifyPassword(hash, 'Bänkpress-vid-Slussen-2026'), {
      count: 40,
      concurrency: settings.signInConnections,
    });
  }

  const slussaPort = await freePort(barePort + 1, taken);
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  /** @type {import('./lib/server.mjs').SlussaServer | undefined} */
  let slussa;
  try {
    const measureOpts = {
      connections: settings.connections,
      duration: settings.durationS,
      warmup: settings.warmupS,
    };
    log(`· bare Fastify hello world (run 1), port ${barePort}`);
    const bare1 = await measureRoute({
      title: 'bare Fastify GET / (run 1)',
      url: bare.url,
      pid: bare.pid,
      requests: [{ path: '/' }],
      ...measureOpts,
    });

    if (settings.cpuProfile) fs.mkdirSync(profileDir, { recursive: true });
    const profileStart = Date.now();
    slussa = await startSlussa({
      port: slussaPort,
      nodeArgs: settings.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    log(`· Slussa started on port ${slussaPort}, data in ${slussa.dataDir}; seeding`);
    const seeded = await seedSlussa(slussa, { users: settings.users });
    const authed = { cookie: seeded.adminCookie, origin: slussa.origin };

    /** @type {Record<string, import('./lib/measure.mjs').Measurement>} */
    const routes = {};
    if (wanted('health')) {
      log('· GET /api/health');
      routes.health = await measureRoute({
        title: 'GET /api/health',
        url: slussa.url,
        pid: slussa.pid,
        requests: [{ path: '/api/health' }],
        ...measureOpts,
      });
    }
    if (wanted('organisations')) {
      log('· GET /api/organisations?limit=20 (authenticated, no audit)');
      routes.organisations = await measureRoute({
        title: 'GET /api/organisations?limit=20',
        url: slussa.url,
        pid: slussa.pid,
        headers: authed,
        requests: [{ path: '/api/organisations?limit=20' }],
        ...measureOpts,
      });
    }
    if (wanted('session')) {
      // The audited read's twin: the same session lookup and the same kind of
      // users ⋈ organisations point query, but no audit event.
      log('· GET /api/auth/session (authenticated point read, no audit)');
      routes.sessionRead = await measureRoute({
        title: 'GET /api/auth/session',
        url: slussa.url,
        pid: slussa.pid,
        headers: authed,
        requests: [{ path: '/api/auth/session' }],
        ...measureOpts,
      });
    }
    if (wanted('audited')) {
      log('· GET /api/users/:id (authenticated, audited read)');
      routes.auditedRead = await measureRoute({
        title: 'GET /api/users/:id (audited)',
        url: slussa.url,
        pid: slussa.pid,
        headers: authed,
        requests: seeded.userIds.map((id) => ({ path: `/api/users/${id}` })),
        ...measureOpts,
      });
    }

    // The directory: seeded after the routes above (so that they measure the
    // same small database as before) and measured before the second bare run.
    /** @type {Record<string, unknown> | undefined} */
    let directory;
    if (wanted('directory')) {
      log('· directory: seeding through the CSV import API');
      const seed = await seedDirectory(slussa, seeded.adminCookie, { log });
      const measured = await measureDirectory({
        server: slussa,
        cookie: seeded.adminCookie,
        measureOpts,
        log,
      });
      Object.assign(routes, measured.routes);
      directory = {
        seed,
        answers: measured.answers,
        terms: measured.terms,
        note:
          'No target is set for the directory searches: p95 and the ratio to the bare route are reported. ' +
          'Seeding (CSV import in commit mode, one transaction per file, audit event per row) is informative.',
      };
    }

    log('· bare Fastify hello world (run 2)');
    const bare2 = await measureRoute({
      title: 'bare Fastify GET / (run 2)',
      url: bare.url,
      pid: bare.pid,
      requests: [{ path: '/' }],
      ...measureOpts,
    });

    // Sign-in: one address may make 30 attempts a minute. First a burst that
    // stays inside the limit (the only valid throughput figure), then a
    // sustained run that shows what the limit does to it.
    /** @type {Record<string, unknown> | undefined} */
    let signIn;
    if (wanted('signin')) {
      const signInHeaders = { origin: slussa.origin, 'content-type': 'application/json' };
      const body = JSON.stringify(seeded.signInUser);
      const budget = Math.max(
        settings.signInConnections,
        SIGN_IN_LIMIT_PER_MINUTE - seeded.limitedCallsUsed.signIn - 1,
      );
      log(`· POST /api/auth/sign-in: ${budget} requests (inside the route's 30/min limit)`);
      const burst = await measureRoute({
        title: `POST /api/auth/sign-in (${budget} requests)`,
        url: slussa.url,
        pid: slussa.pid,
        headers: signInHeaders,
        requests: [{ method: 'POST', path: '/api/auth/sign-in', body }],
        connections: settings.signInConnections,
        amount: budget,
      });
      log(`· POST /api/auth/sign-in: ${settings.signInDurationS} s sustained`);
      const sustained = await measureRoute({
        title: `POST /api/auth/sign-in (${settings.signInDurationS} s sustained)`,
        url: slussa.url,
        pid: slussa.pid,
        headers: signInHeaders,
        requests: [{ method: 'POST', path: '/api/auth/sign-in', body }],
        connections: settings.signInConnections,
        duration: settings.signInDurationS,
        warmup: 0,
      });
      const limited = sustained.statusCodes['429'] ?? 0;
      signIn = {
        withinLimit: burst,
        sustained,
        routeLimitPerMinute: SIGN_IN_LIMIT_PER_MINUTE,
        rateLimited: limited,
        argon2VerifyPerSecond: argon2?.perSecond,
        ratioToArgon2: argon2 ? ratio(burst.okPerSecond, argon2.perSecond) : undefined,
        note:
          `POST /api/auth/sign-in allows ${SIGN_IN_LIMIT_PER_MINUTE} requests a minute per address, and ` +
          'the benchmark has one address; the burst inside the limit is the throughput figure. ' +
          `The sustained run got ${sustained.ok} sign-ins and ${limited} × 429 in ${sustained.durationS} s.`,
      };
      if (!burst.valid)
        problems.push(`sign-in burst had errors or non-2xx: ${JSON.stringify(burst.statusCodes)}`);
    }

    // Stop the server (flushes the audit queue), then check what it wrote.
    const code = await slussa.stop();
    if (code !== 0)
      problems.push(`Slussa exited with code ${code}: ${slussa.stderr().slice(-500)}`);
    const profileMs = Date.now() - profileStart;
    /** @type {Record<string, unknown>} */
    const audit = {};
    if (routes.auditedRead) {
      const events = countRows(
        slussa.sqlitePath,
        "select count(*) as n from audit_events where action = 'user.read'",
      );
      const answered = routes.auditedRead.ok + routes.auditedRead.warmupOk;
      audit.userReadEvents = events;
      audit.auditedReadsAnswered = answered;
      if (events < answered) {
        problems.push(
          `only ${events} user.read audit events for ${answered} answered audited reads`,
        );
      }
    }
    audit.chain = await verifyAuditChain(slussa.sqlitePath, problems, path.join(REPO_DIR, 'dist'));

    const profile = settings.cpuProfile
      ? latestProfile({ dir: profileDir, since: profileStart, wallMs: profileMs, log, warnings })
      : undefined;

    // Baseline and ratios.
    const bareRps = (bare1.rps + bare2.rps) / 2;
    const bareDrift = ratio(bare2.rps - bare1.rps, bare1.rps);
    for (const m of Object.values(routes)) if (!m.valid) problems.push(invalidProblem(m));
    for (const m of [bare1, bare2]) if (!m.valid) problems.push(`${m.title}: INVALID`);
    const busy = busyWarning(env);
    if (busy) warnings.push(busy);
    if (Math.abs(bareDrift) > 0.15) {
      warnings.push(
        `the bare baseline moved ${Math.round(bareDrift * 100)} % between its two runs: the machine was busy; ratios are rough`,
      );
    }
    // Server CPU per request is far less sensitive to other load on the
    // machine than requests/s: bare CPU/request ÷ route CPU/request is the
    // ratio the route would reach if both were CPU-bound on the same core.
    const bareCpu = mean([bare1.serverCpuUsPerRequest, bare2.serverCpuUsPerRequest]);
    /** @param {import('./lib/measure.mjs').Measurement} m */
    const cpuRatio = (m) =>
      bareCpu && m.serverCpuUsPerRequest ? ratio(bareCpu, m.serverCpuUsPerRequest) : undefined;
    const withRatios = Object.fromEntries(
      Object.entries(routes).map(([k, m]) => [
        k,
        { ...m, ratioToBare: ratio(m.rps, bareRps), cpuRatioToBare: cpuRatio(m) },
      ]),
    );

    /** @type {Array<{ name: string, actual: number | undefined, threshold: number, unit: string, status: 'met' | 'MISSED' | 'INVALID' | 'not run' }>} */
    const targets = [];
    const ar = routes.auditedRead;
    const arRatio = ar ? ratio(ar.rps, bareRps) : undefined;
    targets.push({
      name: 'audited read requests/s ≥ 40 % of bare Fastify',
      actual: arRatio,
      threshold: TARGETS.auditedReadRatio,
      unit: 'ratio',
      status: !ar
        ? 'not run'
        : !ar.valid
          ? 'INVALID'
          : (arRatio ?? 0) >= TARGETS.auditedReadRatio
            ? 'met'
            : 'MISSED',
    });
    targets.push({
      name: `audited read p95 < ${TARGETS.auditedReadP95Ms} ms at ${settings.connections} connections`,
      actual: ar?.latencyMs.p95,
      threshold: TARGETS.auditedReadP95Ms,
      unit: 'ms',
      status: !ar
        ? 'not run'
        : !ar.valid
          ? 'INVALID'
          : ar.latencyMs.p95 < TARGETS.auditedReadP95Ms
            ? 'met'
            : 'MISSED',
    });

    // What writing the audit event costs: the audited read against its twin.
    const twin = routes.sessionRead;
    const auditCost =
      ar && twin
        ? {
            twin: twin.title,
            rpsRatio: ratio(ar.rps, twin.rps),
            cpuUsPerRequestAdded:
              ar.serverCpuUsPerRequest !== undefined && twin.serverCpuUsPerRequest !== undefined
                ? Math.round(ar.serverCpuUsPerRequest - twin.serverCpuUsPerRequest)
                : undefined,
            p95AddedMs: Math.round((ar.latencyMs.p95 - twin.latencyMs.p95) * 10) / 10,
          }
        : undefined;

    const results = {
      name: 'foundation',
      startedAt,
      finishedAt: new Date().toISOString(),
      environment: {
        ...env,
        loadAverageEnd: environment().loadAverage,
        dataFileSystem: fileSystemOf(path.dirname(slussa.dataDir)),
      },
      settings,
      baselines: {
        sqliteSingleRowCommits: sqliteSingle,
        sqliteGroupCommits: sqliteGroup,
        argon2Verify: argon2,
        bare: {
          rps: Math.round(bareRps),
          serverCpuUsPerRequest: bareCpu,
          drift: bareDrift,
          runs: [bare1, bare2],
        },
      },
      routes: withRatios,
      auditCost,
      directory,
      signIn,
      audit,
      targets,
      valid: problems.length === 0,
      problems,
      warnings,
      profile,
    };
    const written = writeResults('foundation', results, { latest: 'latest.json' });

    // The table.
    /**
     * Routes that left requests waiting much longer than their answered p95:
     * the p95 of answered requests understates them (marked * in the table).
     * @param {import('./lib/measure.mjs').Measurement} m
     */
    const starved = (m) =>
      m.latencyMs.p95WithUnanswered !== undefined &&
      m.latencyMs.p95WithUnanswered > m.latencyMs.p95 * 1.25;
    /** @param {import('./lib/measure.mjs').Measurement} m @param {string} [label] */
    const row = (m, label) => [
      label ?? m.title,
      m.connections,
      fmt(m.rps, 0),
      fmt(ratio(m.rps, bareRps), 2),
      fmt(m.latencyMs.p50, 1),
      `${fmt(m.latencyMs.p95, 1)}${starved(m) ? '*' : ''}`,
      fmt(m.latencyMs.p99, 1),
      m.errors + m.timeouts,
      m.non2xx,
      fmt(m.serverCpuUsPerRequest, 0),
      fmt(cpuRatio(m), 2),
    ];
    const rows = [row(bare1), row(bare2), ...Object.values(routes).map((m) => row(m))];
    if (signIn) {
      const b = /** @type {import('./lib/measure.mjs').Measurement} */ (signIn.withinLimit);
      const s = /** @type {import('./lib/measure.mjs').Measurement} */ (signIn.sustained);
      // Sign-in rows show 2xx/s; a ratio to the bare route says nothing about Argon2id.
      rows.push([...row(b).slice(0, 2), fmt(b.okPerSecond, 1), '–', ...row(b).slice(4, -1), '–']);
      rows.push([...row(s).slice(0, 2), fmt(s.okPerSecond, 1), '–', ...row(s).slice(4, -1), '–']);
    }
    log('');
    log(
      formatTable(
        [
          'route',
          'conns',
          'req/s',
          '× bare',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'errors',
          'non-2xx',
          'CPU µs/req',
          'CPU × bare',
        ],
        rows,
      ),
    );
    log('');
    log(
      `bare baseline ${fmt(bareRps, 0)} req/s (mean of 2 runs, drift ${fmt(bareDrift * 100, 1)} %); ` +
        'sign-in rows show 2xx/s; latencies of 2xx responses only; ' +
        'CPU × bare = bare CPU/request ÷ route CPU/request (less sensitive to other load)',
    );
    log(
      `raw SQLite: ${fmt(sqliteSingle.commitsPerSecond, 0)} single-row commits/s (${sqliteSingle.msPerCommit} ms each); ` +
        `${fmt(sqliteGroup.commitsPerSecond, 0)} commits/s of ${sqliteGroup.rowsPerCommit} rows = ${fmt(sqliteGroup.rowsPerSecond, 0)} rows/s (${sqliteSingle.fileSystem})`,
    );
    if (argon2) {
      log(
        `Argon2id verify in-process: ${fmt(argon2.perSecond, 1)}/s at ${argon2.concurrency} concurrent; ` +
          `sign-in reaches ${fmt(/** @type {number} */ (signIn?.ratioToArgon2) * 100, 0)} % of it`,
      );
    }
    if (auditCost) {
      log(
        `audit cost: the audited read runs at ${fmt(auditCost.rpsRatio * 100, 0)} % of its unaudited twin's req/s ` +
          `(${auditCost.twin}); ${signed(auditCost.cpuUsPerRequestAdded)} µs CPU and ` +
          `${signed(auditCost.p95AddedMs)} ms p95 per request`,
      );
    }
    for (const m of Object.values(routes).filter(starved)) {
      const u = /** @type {NonNullable<typeof m.unanswered>} */ (m.unanswered);
      log(
        `* ${m.title}: ${u.count} requests were unanswered when the run stopped (the oldest for ` +
          `${fmt(u.oldestMs / 1000, 1)} s; ${u.neverAnsweredConnections} of ${m.connections} connections got no answer at all); ` +
          `counting them, p95 ≥ ${fmt(m.latencyMs.p95WithUnanswered, 0)} ms and p99 ≥ ${fmt(m.latencyMs.p99WithUnanswered, 0)} ms`,
      );
    }
    if (directory) {
      const seed = /** @type {Awaited<ReturnType<typeof seedDirectory>>} */ (directory.seed);
      const answers = /** @type {Record<string, any>} */ (directory.answers);
      /** @param {import('./directory.mjs').ImportFigures} f @param {string} what */
      const imported = (f, what) =>
        `${fmt(f.rows, 0)} ${what} in ${fmt(f.seconds, 1)} s (${fmt(f.rowsPerSecond, 0)} rows/s, ` +
        `${f.files} file${f.files === 1 ? '' : 's'} of ${fmt(f.bytes / f.files / 2 ** 20, 1)} MiB)`;
      log(
        `directory seed (CSV import, commit): ${imported(seed.organisations, 'organisations')}; ` +
          `${imported(seed.contacts, 'contact persons')}; ${fmt(seed.rowsPerSecond, 0)} rows/s overall ` +
          `(informative, not a target)`,
      );
      /** @param {string} key @param {string} what */
      const answered = (key, what) => {
        const a = answers[key];
        if (!a) return undefined;
        const total = a.total ? `, total ${a.total.min}–${a.total.max} (mean ${a.total.mean})` : '';
        return `${what}: ${a.items.mean} items${total}, ${fmt(a.bytes.mean / 1024, 0)} KiB`;
      };
      log(
        `directory answers: ${[
          answered('directoryOrgSearch', 'organisation search'),
          answered('directoryOrgFilter', 'filter'),
          answered('directoryWhoCanHelp', 'who can help'),
          answered('directoryContactSearch', 'contact search'),
        ]
          .filter(Boolean)
          .join('; ')}`,
      );
    }
    if (signIn) log(`sign-in: ${signIn.note}`);
    if (audit.userReadEvents !== undefined) {
      const chain = /** @type {{ ok?: boolean, checked?: number } | string} */ (audit.chain);
      log(
        `audit: ${audit.userReadEvents} user.read events for ${audit.auditedReadsAnswered} answered audited reads; ` +
          `chain ${typeof chain === 'string' ? chain : chain.ok ? `intact (${chain.checked} events)` : 'BROKEN'}`,
      );
    }
    log(
      `machine load average ${env.loadAverage.join(' ')} at the start, ` +
        `${results.environment.loadAverageEnd.join(' ')} at the end (${env.cpus} CPUs)`,
    );
    log('');
    log('Targets (benchmarks inform; they do not fail the build):');
    for (const t of targets) {
      const actual =
        t.actual === undefined
          ? '–'
          : t.unit === 'ratio'
            ? `${fmt(t.actual * 100, 1)} %`
            : `${fmt(t.actual, 1)} ms`;
      log(`  ${t.status === 'met' ? 'met   ' : t.status.padEnd(6)}  ${t.name}: ${actual}`);
    }
    if (warnings.length) {
      log('');
      for (const w of warnings) log(`note: ${w}`);
    }
    if (problems.length) {
      log('');
      log('!!! THIS RUN HAS PROBLEMS; figures marked INVALID must not be used:');
      for (const p of problems) log(`!!!   ${p}`);
    }
    log('');
    log(`written: ${written.map((f) => path.relative(REPO_DIR, f)).join(', ')}`);
  } finally {
    if (slussa) {
      await slussa.stop();
      slussa.cleanup();
    }
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
