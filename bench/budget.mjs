// The programme budget benchmark section (run from bench/run.mjs;
// BENCH_ONLY=budget runs it alone). See bench/README.md.
//
// Starts its own Slussa server on a fresh data folder, creates the people and
// NGOs through the API (as the programme section does), stops the server,
// writes a year of the programme (cases, applications, decisions) and its
// budget (a period covering today, three posts, rates and 100,000 ledger
// entries derived from those decisions) straight into its SQLite file
// (bench/lib/programme-data.mjs, bench/lib/budget-data.mjs), starts it again
// and measures, as the coordinator:
// - the period's balances and the biggest post's statement (last page, the
//   default, and the first page), one request at a time, against the raw SQL
//   that sums the same entries, timed in this process with better-sqlite3 on
//   the same file (p95 against p95);
// - decisions that commit money (decision + ledger entries + audit in one
//   transaction) on fresh applications, against a raw single-row SQLite
//   commit loop on the same file system (transactions/s against commits/s).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { seedPeople } from './programme.mjs';
import { ApiClient } from './lib/api.mjs';
import {
  applyBudgetCandidateFixes,
  BUDGET_CANDIDATE_FIXES,
  budgetPeriodDates,
  seedBudget,
} from './lib/budget-data.mjs';
import { measureRoute, probeGet, waitUntilIdle } from './lib/measure.mjs';
import { latestProfile } from './lib/profile.mjs';
import { seedProgramme } from './lib/programme-data.mjs';
import {
  busyWarning,
  environment,
  envNumber,
  fmt,
  formatTable,
  invalidProblem,
  percentile,
  ratio,
  rawDriftWarning,
  round2,
  round3,
  secondsSince,
  verifyAuditChain,
  writeResults,
} from './lib/report.mjs';
import { fileSystemOf, freePort, REPO_DIR, RESULTS_DIR, startSlussa } from './lib/server.mjs';
import { countRows, sqliteCommitBaseline } from './lib/sqlite.mjs';

/** The issue's targets for the budget. */
export const BUDGET_TARGETS = {
  /** Balances and statement: p95 of a request ÷ p95 of the raw SQL sum of the same entries. */
  readP95Ratio: 1.5,
  /** Decisions that commit money: decisions/s ÷ raw single-row commits/s. */
  decisionRatio: 0.6,
};

const ROUTE_CHOICES = ['balances', 'statement', 'statementFirst', 'decide'];
/** Fewer answers than this in a duration run: the read is measured as a fixed number of requests. */
const MIN_ANSWERS = 10;
const DAY_MS = 86_400_000;

export function budgetSettings() {
  const routes = (process.env.BENCH_BUDGET_ROUTES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of routes) {
    if (!ROUTE_CHOICES.includes(r))
      throw new Error(`BENCH_BUDGET_ROUTES: unknown ${r} (${ROUTE_CHOICES.join(', ')})`);
  }
  const entries = Math.max(1000, Math.round(envNumber('BENCH_BUDGET_ENTRIES', 100_000)));
  const applications = Math.max(100, Math.round(envNumber('BENCH_BUDGET_APPLICATIONS', entries)));
  return {
    /** Ledger entries in the period (exactly). */
    entries,
    /** The year's applications and cases the ledger is derived from. */
    applications,
    cases: Math.max(20, Math.round(envNumber('BENCH_BUDGET_CASES', applications / 3))),
    /**
     * Fresh applications to decide, one per request; by default enough for decisions at 120 % of the
     * raw commit rate measured before the seed (each decision commits at least once, so they cannot
     * outrun it) for the warm-up and the run, and at least 2,000.
     */
    pool:
      process.env.BENCH_BUDGET_POOL === undefined || process.env.BENCH_BUDGET_POOL === ''
        ? undefined
        : Math.max(50, Math.round(envNumber('BENCH_BUDGET_POOL', 0))),
    /** Connections for the reads: one, so that p95 is a request's own time, comparable to a query's. */
    readConnections: Math.max(1, Math.round(envNumber('BENCH_BUDGET_READ_CONNECTIONS', 1))),
    /** Concurrent connections deciding. */
    writers: Math.max(1, Math.round(envNumber('BENCH_BUDGET_WRITERS', 16))),
    /** Commits in each raw SQLite loop (one before and one after the decisions). */
    rawCommits: Math.max(100, Math.round(envNumber('BENCH_BUDGET_COMMITS', 2000))),
    /** Seconds each raw SQL sum is repeated (before and after the reads). */
    rawSeconds: Math.max(0.2, envNumber('BENCH_BUDGET_RAW_SECONDS', 2)),
    routes: routes.length ? routes : ROUTE_CHOICES,
    /** An experiment: apply BUDGET_CANDIDATE_FIXES (indexes, ANALYZE) to the seeded file before measuring. */
    candidateFixes: process.env.BENCH_BUDGET_CANDIDATE_FIXES === '1',
  };
}

/** The raw SQL baselines: the same entries the server sums, summed by SQLite alone. */
export const RAW_SQL = {
  balances:
    'select post_id, kind, sum(amount_ore) as s from budget_entries where period_id = ? and entry_date <= ? group by post_id, kind',
  postSum:
    'select kind, sum(amount_ore) as s from budget_entries where post_id = ? and entry_date <= ? group by kind',
};

/**
 * @typedef {object} RawTiming
 * @property {string} sql
 * @property {number} runs
 * @property {number} rows        rows one run returns
 * @property {{ mean: number, p50: number, p95: number, p99: number, max: number }} ms
 */

/**
 * Times one query, run again and again on its own connection (read-only, the
 * server's default cache) for `seconds` (at least 30 runs, at most 5,000)
 * after 10 unmeasured runs. Each run is a complete `all()`: prepare once,
 * step through every row, as the server's driver does.
 *
 * @param {string} sqlitePath
 * @param {string} sql
 * @param {unknown[]} params
 * @param {number} seconds
 * @returns {RawTiming}
 */
export function timeRawQuery(sqlitePath, sql, params, seconds) {
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare(sql);
    let rows = 0;
    for (let i = 0; i < 10; i += 1) rows = stmt.all(...params).length;
    /** @type {number[]} */
    const ms = [];
    const end = performance.now() + seconds * 1000;
    while ((performance.now() < end || ms.length < 30) && ms.length < 5000) {
      const t = process.hrtime.bigint();
      stmt.all(...params);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    ms.sort((a, b) => a - b);
    return {
      sql,
      runs: ms.length,
      rows,
      ms: {
        mean: round3(ms.reduce((a, b) => a + b, 0) / ms.length),
        p50: round3(percentile(ms, 50)),
        p95: round3(percentile(ms, 95)),
        p99: round3(percentile(ms, 99)),
        max: round3(ms.at(-1) ?? NaN),
      },
    };
  } finally {
    db.close();
  }
}

/**
 * Both raw sums, for the period (balances) and the statement's post.
 *
 * @param {string} sqlitePath
 * @param {{ periodId: string, postId: string, date: string, seconds: number }} o
 */
function rawSums(sqlitePath, { periodId, postId, date, seconds }) {
  return {
    balances: timeRawQuery(sqlitePath, RAW_SQL.balances, [periodId, date], seconds),
    postSum: timeRawQuery(sqlitePath, RAW_SQL.postSum, [postId, date], seconds),
  };
}

/**
 * What the server's balances must say, from the raw sums (the formulas of
 * balancesOf in budget.service.ts).
 *
 * @param {Array<{ post_id: string, kind: string, s: number }>} sums
 * @param {string} postId
 */
function expectedBalance(sums, postId) {
  const of = (/** @type {string} */ k) =>
    Number(sums.find((r) => r.post_id === postId && r.kind === k)?.s ?? 0);
  const budget = of('budget');
  const committed = -(of('commitment') + of('deduction') + of('reversal'));
  return {
    budgetOre: budget,
    committedOre: committed,
    deductedOre: of('deduction'),
    paidOre: of('payout'),
    transferredInOre: of('transfer_in'),
    transferredOutOre: -of('transfer_out'),
    remainingOre: budget + of('transfer_in') + of('transfer_out') - committed,
  };
}

/**
 * The programme budget section: seed, measure, write `budget-<timestamp>.json`,
 * print the tables. Same shape as runProgramme; the baselines are raw SQLite
 * figures measured in this run (the bare server only gives the port range).
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').ChildServer} o.bare
 * @param {{ connections: number, duration: number, warmup: number }} o.measureOpts
 * @param {boolean} [o.cpuProfile]
 * @param {Set<number>} [o.taken]   ports already handed out
 * @param {(s: string) => void} o.log
 */
export async function runBudget({ bare, measureOpts, cpuProfile = false, taken = new Set(), log }) {
  const startedAt = new Date().toISOString();
  const env = environment();
  const settings = budgetSettings();
  const wanted = (/** @type {string} */ k) => settings.routes.includes(k);
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const warnings = [];
  const sectionStart = process.hrtime.bigint();
  log(
    `\nProgramme budget benchmark: ${settings.entries.toLocaleString('en-GB')} ledger entries ` +
      `(from ${settings.applications.toLocaleString('en-GB')} applications on ${settings.cases.toLocaleString('en-GB')} cases), ` +
      `reads at ${settings.readConnections} connection${settings.readConnections === 1 ? '' : 's'}, ` +
      `decisions at ${settings.writers}; ${measureOpts.duration} s per route after ${measureOpts.warmup} s warm-up`,
  );

  const port = await freePort(bare.port + 1, taken);
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  /** @type {import('./lib/server.mjs').SlussaServer} */
  let server = await startSlussa({ port });
  const dataDir = server.dataDir;
  try {
    // 1. People and NGOs through the API (the programme section's seedPeople).
    log(`· budget: Slussa on port ${port}, data in ${dataDir}; people and NGOs through the API`);
    const t0 = process.hrtime.bigint();
    const people = await seedPeople(server);
    const apiSeedSeconds = secondsSince(t0);
    const code = await server.stop();
    if (code !== 0)
      throw new Error(`Slussa exited with ${code} before the seed: ${server.stderr()}`);
    // How many fresh applications the decisions could use: a short raw commit loop on this disk.
    const sizing = wanted('decide')
      ? sqliteCommitBaseline({ commits: 300, rowsPerCommit: 1, dir: dataDir })
      : { commitsPerSecond: 0 };
    const poolSize =
      settings.pool ??
      Math.max(
        2000,
        Math.ceil(sizing.commitsPerSecond * 1.2 * (measureOpts.duration + measureOpts.warmup)) + 50,
      );

    // 2. A year of the programme, then its budget, straight into the stopped server's file.
    const now = Date.now();
    const period = budgetPeriodDates(now);
    // The cases of the year open from the day after the period starts.
    const spanDays = Math.max(2, (now - Date.parse(`${period.startsOn}T00:00:00Z`)) / DAY_MS - 1.5);
    log(
      `· budget: writing ${settings.cases.toLocaleString('en-GB')} cases and ` +
        `${settings.applications.toLocaleString('en-GB')} applications of ${period.startsOn} – ${period.today}, ` +
        `then the budget period with ${settings.entries.toLocaleString('en-GB')} ledger entries (server stopped)`,
    );
    const programme = await seedProgramme({
      sqlitePath: server.sqlitePath,
      dataDir,
      organisations: people.organisations,
      benchStaffId: people.benchStaffId,
      coordinatorIds: people.coordinatorIds,
      cases: settings.cases,
      applications: settings.applications,
      open: Math.max(20, Math.round(settings.applications * 0.01)),
      spanDays,
      now,
      log,
    });
    const big = /** @type {{ id: string, staffIds: string[] }} */ (people.organisations[0]);
    const budget = await seedBudget({
      sqlitePath: server.sqlitePath,
      dataDir,
      coordinatorIds: people.coordinatorIds,
      poolOrganisation: big,
      poolCaseIds: programme.writableCaseIds,
      entries: settings.entries,
      pool: wanted('decide') ? poolSize : 0,
      now,
      log,
    });
    const programmeRows = Object.values(programme.rows).reduce((a, b) => a + b, 0);
    const budgetRows = Object.values(budget.rows).reduce((a, b) => a + b, 0);
    log(
      `  seeded ${fmt(programmeRows, 0)} programme rows in ${fmt(programme.seconds, 1)} s and ` +
        `${fmt(budgetRows, 0)} budget rows in ${fmt(budget.seconds, 1)} s: ${fmt(budget.entries, 0)} ledger entries ` +
        `(${Object.entries(budget.entriesByKind)
          .map(([k, n]) => `${fmt(n, 0)} ${k}`)
          .join(', ')}), ${fmt(budget.pool.length, 0)} fresh applications to decide`,
    );
    if (budget.entries !== settings.entries)
      warnings.push(
        `the ledger holds ${budget.entries} entries, not ${settings.entries}: raise BENCH_BUDGET_APPLICATIONS`,
      );
    /** @type {Array<{ sql: string, ms: number }> | undefined} */
    let fixes;
    if (settings.candidateFixes) {
      log('· budget: EXPERIMENT: applying the candidate fixes (not the shipped schema):');
      fixes = applyBudgetCandidateFixes(server.sqlitePath);
      for (const f of fixes) log(`    ${f.sql} (${fmt(f.ms, 0)} ms)`);
    }
    const statementPost = /** @type {(typeof budget.posts)[number]} */ (
      budget.posts.find((p) => p.id === budget.biggestPostId)
    );

    // 3. The same folder again: the coordinator's session made above still holds.
    if (cpuProfile) fs.mkdirSync(profileDir, { recursive: true });
    const profileStart = Date.now();
    server = await startSlussa({
      port,
      dataDir,
      nodeArgs: cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const restartedAt = new Date().toISOString();
    const coordinator = new ApiClient(server.url, server.origin);
    coordinator.cookie = people.coordinatorCookie;
    const headers = { cookie: people.coordinatorCookie, origin: server.origin };

    // What the reads answer, checked against the raw sums of the same entries.
    log('· budget: checking the seeded budget through the API');
    const balancesPath = `/api/budget/periods/${budget.periodId}/balances`;
    const statementPath = `/api/budget/posts/${statementPost.id}/statement`;
    const firstPagePath = `${statementPath}?page=1`;
    const balancesProbe = await probeGet(coordinator, balancesPath, 5, 5);
    if (balancesProbe.status !== 200)
      throw new Error(
        `GET ${balancesPath} answered ${balancesProbe.status}: ${JSON.stringify(balancesProbe.body).slice(0, 500)}`,
      );
    const date = /** @type {string} */ (balancesProbe.body.date);
    const raw = new Database(server.sqlitePath, { readonly: true });
    /** @type {Array<{ post_id: string, kind: string, s: number }>} */
    let sums;
    /** @type {number} */
    let lines;
    try {
      sums = /** @type {typeof sums} */ (raw.prepare(RAW_SQL.balances).all(budget.periodId, date));
      lines = /** @type {{ n: number }} */ (
        raw
          .prepare('select count(*) as n from budget_entries where post_id = ? and entry_date <= ?')
          .get(statementPost.id, date)
      ).n;
    } finally {
      raw.close();
    }
    for (const p of /** @type {Array<Record<string, unknown>>} */ (balancesProbe.body.posts)) {
      const want = expectedBalance(sums, /** @type {string} */ (p.postId));
      for (const [k, v] of Object.entries(want))
        if (p[k] !== v)
          problems.push(
            `balances: ${p.name} ${k} is ${p[k]}, the raw sum of its entries gives ${v}`,
          );
    }
    /** @type {Record<string, unknown>} */
    const answers = {
      balances: {
        aloneMs: balancesProbe.aloneMs,
        bytes: balancesProbe.bytes,
        posts: balancesProbe.body.posts.length,
        date,
      },
    };
    let alone = `balances ${fmt(balancesProbe.aloneMs.median, 1)} ms`;
    // Whether the server pages the statement (null: not asked, no statement route wanted).
    /** @type {boolean | null} */
    let paginated = null;
    if (wanted('statement') || wanted('statementFirst')) {
      const statementProbe = await probeGet(coordinator, statementPath, 5, 5);
      if (statementProbe.status !== 200)
        throw new Error(
          `GET ${statementPath} answered ${statementProbe.status}: ${JSON.stringify(statementProbe.body).slice(0, 500)}`,
        );
      const firstPageProbe = await probeGet(coordinator, firstPagePath, 5, 5);
      const s = statementProbe.body;
      paginated = firstPageProbe.status === 200 && typeof s.pageCount === 'number';
      if (!paginated)
        warnings.push(
          `this server does not page the statement yet (GET …/statement?page=1 answered ${firstPageProbe.status}, ` +
            `the default answer has ${s.pageCount === undefined ? 'no pageCount' : `pageCount ${s.pageCount}`}): ` +
            'the first page is not measured and the default request returns every line',
        );
      const want = expectedBalance(sums, statementPost.id);
      const lastLine = s.lines.at(-1);
      if (lastLine && lastLine.remainingOre !== want.remainingOre)
        problems.push(
          `statement: the last line's remaining is ${lastLine.remainingOre}, the raw sum gives ${want.remainingOre}`,
        );
      if (paginated) {
        if (s.totalLines !== lines)
          problems.push(`statement: totalLines ${s.totalLines}, the post has ${lines} entries`);
        if (s.pageCount !== Math.ceil(lines / 100) || s.page !== s.pageCount)
          problems.push(
            `statement: page ${s.page} of ${s.pageCount} by default, expected the last of ${Math.ceil(lines / 100)}`,
          );
        const f = firstPageProbe.body;
        if (f.broughtForwardOre !== 0 || f.lines[0]?.lineNo !== 1 || f.lines.length !== 100)
          problems.push(
            `statement page 1: brought forward ${f.broughtForwardOre}, first line ${f.lines[0]?.lineNo}, ${f.lines.length} lines`,
          );
      } else if (s.lines.length !== lines) {
        problems.push(`statement: ${s.lines.length} lines, the post has ${lines} entries`);
      }
      answers.statement = {
        aloneMs: statementProbe.aloneMs,
        bytes: statementProbe.bytes,
        lines: s.lines.length,
        page: s.page,
        pageCount: s.pageCount,
        totalLines: s.totalLines,
        post: { kind: statementPost.kind, entries: statementPost.entries },
      };
      answers.statementFirst = paginated
        ? {
            aloneMs: firstPageProbe.aloneMs,
            bytes: firstPageProbe.bytes,
            lines: firstPageProbe.body.lines.length,
            page: firstPageProbe.body.page,
          }
        : { status: firstPageProbe.status };
      alone +=
        `, statement ${fmt(statementProbe.aloneMs.median, 1)} ms (${s.lines.length} lines` +
        `${paginated ? `, page ${s.page} of ${s.pageCount}` : ''}, ${fmt(statementProbe.bytes / 1024, 0)} KiB)` +
        (paginated ? `, first page ${fmt(firstPageProbe.aloneMs.median, 1)} ms` : '');
    }
    log(`  one request alone (median): ${alone}`);

    // 4. Reads against the raw sums (before and after, averaged).
    /** @type {Record<string, import('./lib/measure.mjs').Measurement>} */
    const routes = {};
    const readDefs = {
      balances: {
        title: 'GET /api/budget/periods/:id/balances',
        requests: [{ path: balancesPath }],
        raw: 'balances',
      },
      statement: {
        title: `GET /api/budget/posts/:id/statement (${statementPost.kind}, default: last page)`,
        requests: [{ path: statementPath }],
        raw: 'postSum',
      },
      statementFirst: {
        title: `GET /api/budget/posts/:id/statement?page=1 (${statementPost.kind})`,
        requests: [{ path: firstPagePath }],
        raw: 'postSum',
      },
    };
    const reads = Object.keys(readDefs).filter(
      (k) => wanted(k) && (k !== 'statementFirst' || paginated === true),
    );
    /** @type {Record<string, { requests: number, aloneMs: number }>} reads measured as a fixed number of requests */
    const fixedAmount = {};
    /** @type {{ balances: RawTiming, postSum: RawTiming } | undefined} */
    let rawBefore;
    /** @type {{ balances: RawTiming, postSum: RawTiming } | undefined} */
    let rawAfter;
    if (reads.length) {
      const rawOpts = {
        periodId: budget.periodId,
        postId: statementPost.id,
        date,
        seconds: settings.rawSeconds,
      };
      log('· budget: raw SQL sums of the same entries, in-process (before)');
      rawBefore = rawSums(server.sqlitePath, rawOpts);
      for (const key of reads) {
        const def = readDefs[/** @type {keyof typeof readDefs} */ (key)];
        // A route so slow that a run would answer fewer than MIN_ANSWERS requests (or none:
        // autocannon counts only answers inside the window) is measured as a fixed number of
        // requests one after another instead, after the probes that warmed it.
        const alone = /** @type {{ aloneMs: { median: number } }} */ (answers[key]).aloneMs.median;
        const perConnection = (measureOpts.duration * 1000) / alone;
        const amount =
          perConnection < MIN_ANSWERS
            ? Math.max(3, Math.floor(perConnection)) * settings.readConnections
            : undefined;
        if (amount !== undefined) {
          fixedAmount[key] = { requests: amount, aloneMs: alone };
          log(`· ${def.title}: ${amount} requests (one request alone takes ${fmt(alone, 0)} ms)`);
        } else {
          log(`· ${def.title}, ${settings.readConnections} connection(s)`);
        }
        routes[key] = await measureRoute({
          title: def.title,
          url: server.url,
          pid: server.pid,
          headers,
          requests: def.requests,
          settle: true,
          ...measureOpts,
          connections: settings.readConnections,
          ...(amount !== undefined ? { amount, warmup: 0 } : {}),
        });
      }
      log('· budget: raw SQL sums (after)');
      rawAfter = rawSums(server.sqlitePath, rawOpts);
    }
    const rawP95 = (/** @type {'balances' | 'postSum'} */ k) =>
      rawBefore && rawAfter ? (rawBefore[k].ms.p95 + rawAfter[k].ms.p95) / 2 : NaN;

    // 5. Decisions that commit money: raw commits, decisions on fresh applications, raw commits.
    /** @type {Record<string, unknown> | undefined} */
    let decisions;
    if (wanted('decide')) {
      const pool = budget.pool;
      let next = 0;
      let exhausted = false;
      const bodyOf = (/** @type {{ version: number }} */ a) =>
        JSON.stringify({
          expectedVersion: a.version,
          outcome: 'granted',
          grounds: ['meets_criteria'],
          rationale: 'Ansökan uppfyller programmets kriterier.',
          allowOverdraw: true,
        });
      const nextApplication = () => {
        if (next >= pool.length) exhausted = true;
        const a = /** @type {(typeof pool)[number]} */ (pool[Math.min(next, pool.length - 1)]);
        next += 1;
        return a;
      };
      // A few alone first: each must answer 200 and commit its amount on the post.
      const committedBefore = /** @type {Array<{ committedOre: number }>} */ (
        (await coordinator.expect('GET', balancesPath)).posts
      ).reduce((n, p) => n + p.committedOre, 0);
      /** @type {number[]} */
      const aloneMs = [];
      let expected = 0;
      for (let i = 0; i < 5; i += 1) {
        const a = nextApplication();
        expected += a.amount;
        const t = performance.now();
        const res = await coordinator.send(
          'POST',
          `/api/applications/${a.id}/decisions`,
          bodyOf(a),
          'application/json',
        );
        aloneMs.push(performance.now() - t);
        if (res.status !== 200)
          throw new Error(
            `POST /api/applications/${a.id}/decisions answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
          );
      }
      const committedAfter = /** @type {Array<{ committedOre: number }>} */ (
        (await coordinator.expect('GET', balancesPath)).posts
      ).reduce((n, p) => n + p.committedOre, 0);
      if (committedAfter - committedBefore !== expected)
        problems.push(
          `decisions: 5 grants of ${expected} öre in all moved the committed total by ${committedAfter - committedBefore}`,
        );
      aloneMs.sort((x, y) => x - y);

      log(
        `· budget: raw SQLite single-row commit loop (${settings.rawCommits} commits, in the data folder)`,
      );
      const commitsBefore = sqliteCommitBaseline({
        commits: settings.rawCommits,
        rowsPerCommit: 1,
        dir: dataDir,
      });
      const first = nextApplication();
      log(
        `· POST /api/applications/:id/decisions (grant in full, commits money), ${settings.writers} connections`,
      );
      const run = await measureRoute({
        title: `POST /api/applications/:id/decisions (${settings.writers} connections)`,
        url: server.url,
        pid: server.pid,
        headers: { ...headers, 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: `/api/applications/${first.id}/decisions`,
            body: bodyOf(first),
            setupRequest: (req) => {
              const a = nextApplication();
              return { ...req, path: `/api/applications/${a.id}/decisions`, body: bodyOf(a) };
            },
          },
        ],
        settle: true,
        ...measureOpts,
        connections: settings.writers,
      });
      await waitUntilIdle(server.pid);
      log('· budget: raw SQLite single-row commit loop (after)');
      const commitsAfter = sqliteCommitBaseline({
        commits: settings.rawCommits,
        rowsPerCommit: 1,
        dir: dataDir,
      });
      const rawRate = (commitsBefore.commitsPerSecond + commitsAfter.commitsPerSecond) / 2;
      if (exhausted)
        problems.push(
          `decisions: the ${pool.length} fresh applications ran out (raise BENCH_BUDGET_POOL); later requests decided decided ones`,
        );
      decisions = {
        raw: { commitsPerSecond: Math.round(rawRate), runs: [commitsBefore, commitsAfter] },
        run,
        decisionsPerSecond: run.okPerSecond,
        ratio: ratio(run.okPerSecond, rawRate),
        aloneMs: { median: round2(percentile(aloneMs, 50)), max: round2(aloneMs.at(-1) ?? NaN) },
        applicationsUsed: Math.min(next, pool.length),
        pool: pool.length,
        poolExhausted: exhausted,
        note:
          'Each decision is one transaction: the decision, the application, its ledger entries (a commitment, ' +
          'and a deduction where the application has one), the mail to the applicant and the audit event; the ' +
          'answer then reads the application back with the budget hint (an audited read, group-committed).',
      };
      if (commitsBefore.fileSystem === 'tmpfs')
        warnings.push(
          'the data folder is on tmpfs: fsync is free there, so commit figures mean nothing',
        );
    }

    // 6. Stop (flushes the audit queue), then check what the app wrote.
    const stopCode = await server.stop();
    if (stopCode !== 0)
      problems.push(`Slussa exited with code ${stopCode}: ${server.stderr().slice(-500)}`);
    const profileMs = Date.now() - profileStart;
    const events = (/** @type {string} */ action) =>
      countRows(
        server.sqlitePath,
        'select count(*) as n from audit_events where action = ? and at >= ?',
        [action, restartedAt],
      );
    /** @param {string[]} keys */
    const answered = (keys) =>
      keys.reduce((n, k) => n + (routes[k] ? routes[k].ok + routes[k].warmupOk : 0), 0);
    /** @type {Record<string, unknown>} */
    const audit = {
      'budget.balances_read': {
        events: events('budget.balances_read'),
        answered: answered(['balances']),
      },
      'budget.statement_read': {
        events: events('budget.statement_read'),
        answered: answered(['statement', 'statementFirst']),
      },
    };
    if (decisions) {
      const run = /** @type {import('./lib/measure.mjs').Measurement} */ (decisions.run);
      const decided = run.ok + run.warmupOk;
      audit['application.decided'] = {
        events: events('application.decided'),
        answered: decided,
      };
      const commitments = countRows(
        server.sqlitePath,
        "select count(*) as n from budget_entries where kind = 'commitment' and created_at >= ?",
        [restartedAt],
      );
      decisions.ledger = { commitmentsWritten: commitments, decisionsAnswered: decided };
      if (commitments < decided)
        problems.push(`decisions: ${commitments} commitments for ${decided} answered decisions`);
    }
    for (const [action, v] of Object.entries(audit)) {
      const { events: n, answered: a } = /** @type {{ events: number, answered: number }} */ (v);
      if (n < a) problems.push(`only ${n} ${action} audit events for ${a} answered requests`);
    }
    audit.chain = await verifyAuditChain(server.sqlitePath, problems, path.join(REPO_DIR, 'dist'));

    const profile = cpuProfile
      ? latestProfile({ dir: profileDir, since: profileStart, wallMs: profileMs, log, warnings })
      : undefined;

    // Validity, ratios and targets.
    for (const m of Object.values(routes)) if (!m.valid) problems.push(invalidProblem(m));
    const decideRun = /** @type {import('./lib/measure.mjs').Measurement | undefined} */ (
      decisions?.run
    );
    if (decideRun && !decideRun.valid) problems.push(invalidProblem(decideRun));
    if (rawBefore && rawAfter) {
      for (const k of /** @type {const} */ (['balances', 'postSum'])) {
        const drift = rawDriftWarning(k, rawBefore[k].ms.p95, rawAfter[k].ms.p95);
        if (drift) warnings.push(drift);
      }
    }
    const busy = busyWarning(env);
    if (busy) warnings.push(busy);

    /** @type {Array<{ name: string, actual: number | undefined, threshold: number, unit: string, status: string }>} */
    const targets = [];
    /** @type {Record<string, number>} */
    const readRatios = {};
    for (const [key, m] of Object.entries(routes)) {
      const def = readDefs[/** @type {keyof typeof readDefs} */ (key)];
      const base = rawP95(/** @type {'balances' | 'postSum'} */ (def.raw));
      const r = ratio(m.latencyMs.p95, base);
      readRatios[key] = r;
      targets.push({
        name: `${def.title}: p95 ≤ ${BUDGET_TARGETS.readP95Ratio} × p95 of the raw ${def.raw === 'balances' ? 'period' : 'post'} sum`,
        actual: r,
        threshold: BUDGET_TARGETS.readP95Ratio,
        unit: '×',
        status: !m.valid ? 'INVALID' : r <= BUDGET_TARGETS.readP95Ratio ? 'met' : 'MISSED',
      });
    }
    if (paginated === false && wanted('statementFirst'))
      targets.push({
        name: 'GET /api/budget/posts/:id/statement?page=1: not measured (this server does not page the statement yet)',
        actual: undefined,
        threshold: BUDGET_TARGETS.readP95Ratio,
        unit: '×',
        status: 'not run',
      });
    if (decisions && decideRun) {
      const r = /** @type {number} */ (decisions.ratio);
      targets.push({
        name: `decisions that commit money: decisions/s ≥ ${BUDGET_TARGETS.decisionRatio * 100} % of raw single-row commits/s`,
        actual: r,
        threshold: BUDGET_TARGETS.decisionRatio,
        unit: 'ratio',
        status:
          !decideRun.valid || decisions.poolExhausted
            ? 'INVALID'
            : r >= BUDGET_TARGETS.decisionRatio
              ? 'met'
              : 'MISSED',
      });
    }

    const { pool: _pool, ...budgetFigures } = budget;
    const {
      caseSample: _c,
      staffCaseSample: _s,
      writableCaseIds: _w,
      applicationSample: _a,
      ...programmeFigures
    } = programme;
    const results = {
      name: 'budget',
      startedAt,
      finishedAt: new Date().toISOString(),
      sectionSeconds: secondsSince(sectionStart),
      environment: {
        ...env,
        loadAverageEnd: environment().loadAverage,
        dataFileSystem: fileSystemOf(path.dirname(dataDir)),
      },
      settings: { ...settings, pool: poolSize, ...measureOpts, cpuProfile },
      seed: {
        apiSeconds: apiSeedSeconds,
        programme: programmeFigures,
        budget: { ...budgetFigures, poolApplications: budget.pool.length },
        poolSizing: settings.pool === undefined ? sizing : undefined,
        method:
          'People, NGOs and certifications through the API; then, with the server stopped, a year of cases, ' +
          'applications and decisions (bench/lib/programme-data.mjs) and the budget period with its ledger ' +
          '(bench/lib/budget-data.mjs: commitments, deductions and reversals from those decisions, budget lines, ' +
          'transfer pairs, payouts) inserted with better-sqlite3.',
      },
      baselines: {
        rawSql: rawBefore && rawAfter ? { before: rawBefore, after: rawAfter } : undefined,
        rawSqlP95Ms:
          rawBefore && rawAfter
            ? { balances: rawP95('balances'), postSum: rawP95('postSum') }
            : undefined,
      },
      candidateFixes: fixes
        ? {
            note: 'EXPERIMENT: these changes were applied to the seeded file; they are not the shipped schema',
            applied: fixes,
            fixes: BUDGET_CANDIDATE_FIXES,
          }
        : undefined,
      answers,
      paginated,
      fixedAmount,
      routes: Object.fromEntries(
        Object.entries(routes).map(([k, m]) => [k, { ...m, p95RatioToRaw: readRatios[k] }]),
      ),
      decisions,
      audit,
      targets,
      valid: problems.length === 0,
      problems,
      warnings,
      profile,
    };
    const written = writeResults(
      settings.candidateFixes ? 'budget-candidate-fixes' : 'budget',
      results,
    );

    // The tables.
    log('');
    if (fixes)
      log(
        'EXPERIMENT: candidate fixes applied (BENCH_BUDGET_CANDIDATE_FIXES=1); not the shipped schema',
      );
    log(
      `Programme budget: ${fmt(budget.entries, 0)} ledger entries in ${budget.startsOn} – ${budget.endsOn} ` +
        `(today ${date}); statement of ${statementPost.name} (${fmt(statementPost.entries, 0)} entries)`,
    );
    if (rawBefore && rawAfter) {
      /** @param {string} label @param {RawTiming} b @param {RawTiming} a */
      const rawRow = (label, b, a) => [
        label,
        '–',
        fmt(1000 / ((b.ms.mean + a.ms.mean) / 2), 0),
        fmt((b.ms.p50 + a.ms.p50) / 2, 2),
        fmt((b.ms.p95 + a.ms.p95) / 2, 2),
        fmt((b.ms.p99 + a.ms.p99) / 2, 2),
        '–',
        '–',
        '–',
        '–',
      ];
      /** @param {string} key */
      const row = (key) => {
        const m = /** @type {import('./lib/measure.mjs').Measurement} */ (routes[key]);
        return [
          `${m.title}${fixedAmount[key] ? '‡' : ''}`,
          m.connections,
          fmt(m.rps, 0),
          fmt(m.latencyMs.p50, 2),
          fmt(m.latencyMs.p95, 2),
          fmt(m.latencyMs.p99, 2),
          fmt(readRatios[key], 2),
          m.errors + m.timeouts,
          m.non2xx,
          fmt(m.serverCpuUsPerRequest, 0),
        ];
      };
      const tableRows = [];
      tableRows.push(
        rawRow(
          `raw SQL: period sum by post and kind (${rawBefore.balances.rows} rows)`,
          rawBefore.balances,
          rawAfter.balances,
        ),
      );
      if (routes.balances) tableRows.push(row('balances'));
      tableRows.push(
        rawRow(
          `raw SQL: the post's sum by kind (${rawBefore.postSum.rows} rows)`,
          rawBefore.postSum,
          rawAfter.postSum,
        ),
      );
      if (routes.statement) tableRows.push(row('statement'));
      if (routes.statementFirst) tableRows.push(row('statementFirst'));
      log('');
      log(
        formatTable(
          [
            'reads',
            'conns',
            'per s',
            'p50 ms',
            'p95 ms',
            'p99 ms',
            'p95 × raw',
            'errors',
            'non-2xx',
            'CPU µs/req',
          ],
          tableRows,
        ),
      );
      for (const [k, f] of Object.entries(fixedAmount))
        log(
          `‡ ${routes[k]?.title}: ${f.requests} requests one after another (one alone takes ${fmt(f.aloneMs, 0)} ms, ` +
            `so a ${measureOpts.duration} s run would answer fewer than ${MIN_ANSWERS}); its p95 is of ${f.requests} latencies`,
        );
      log(
        `raw SQL: better-sqlite3 in this process on the server's file, ${rawBefore.balances.runs} + ${rawAfter.balances.runs} and ` +
          `${rawBefore.postSum.runs} + ${rawAfter.postSum.runs} runs (before and after the reads; the table shows their mean); ` +
          'every server read writes its audit event before it answers',
      );
    }
    if (decisions && decideRun) {
      const raw =
        /** @type {{ commitsPerSecond: number, runs: Array<import('./lib/sqlite.mjs').CommitBaseline> }} */ (
          decisions.raw
        );
      log('');
      log(
        formatTable(
          [
            'writes',
            'conc.',
            'per s',
            '× raw',
            'p50 ms',
            'p95 ms',
            'p99 ms',
            'non-2xx',
            'CPU µs/tx',
          ],
          [
            ...raw.runs.map((r, i) => [
              `raw SQLite single-row commits (${i === 0 ? 'before' : 'after'}, ${r.fileSystem})`,
              1,
              fmt(r.commitsPerSecond, 0),
              '–',
              fmt(r.msPerCommit, 2),
              '–',
              '–',
              '–',
              '–',
            ]),
            [
              decideRun.title,
              decideRun.connections,
              fmt(decideRun.okPerSecond, 0),
              fmt(/** @type {number} */ (decisions.ratio), 2),
              fmt(decideRun.latencyMs.p50, 1),
              fmt(decideRun.latencyMs.p95, 1),
              fmt(decideRun.latencyMs.p99, 1),
              decideRun.non2xx + decideRun.errors + decideRun.timeouts,
              fmt(decideRun.serverCpuUsPerRequest, 0),
            ],
          ],
        ),
      );
      log(
        `raw baseline ${fmt(raw.commitsPerSecond, 0)} commits/s (mean of 2 loops of ${settings.rawCommits}, WAL, synchronous=FULL, ` +
          `in the data folder); one decision alone ${fmt(/** @type {{ median: number }} */ (decisions.aloneMs).median, 1)} ms; ` +
          `${decisions.applicationsUsed} of ${decisions.pool} fresh applications used; server ${fmt(decideRun.serverCpuCores, 2)} cores busy`,
      );
    }
    log(
      `seed: ${fmt(programmeRows + budgetRows, 0)} rows in ${fmt(programme.seconds + budget.seconds, 1)} s ` +
        `(API part ${fmt(apiSeedSeconds, 1)} s); ledger from ${fmt(budget.ledgerFrom.decisions, 0)} decisions`,
    );
    const chain = /** @type {{ ok?: boolean, checked?: number } | string} */ (audit.chain);
    log(
      `audit: ${Object.entries(audit)
        .filter(([k]) => k !== 'chain')
        .map(([k, v]) => `${/** @type {{ events: number }} */ (v).events} ${k}`)
        .join(
          ', ',
        )}; chain ${typeof chain === 'string' ? chain : chain.ok ? `intact (${chain.checked} events)` : 'BROKEN'}`,
    );
    log('');
    log('Budget targets (benchmarks inform; they do not fail the build):');
    for (const t of targets) {
      const actual =
        t.actual === undefined
          ? '–'
          : t.unit === 'ratio'
            ? `${fmt(t.actual * 100, 1)} %`
            : `${fmt(t.actual, 2)} ×`;
      log(`  ${t.status === 'met' ? 'met   ' : t.status.padEnd(6)}  ${t.name}: ${actual}`);
    }
    for (const w of warnings) log(`note: ${w}`);
    if (problems.length) {
      log('');
      log('!!! THE BUDGET SECTION HAS PROBLEMS; figures marked INVALID must not be used:');
      for (const p of problems) log(`!!!   ${p}`);
    }
    log(`budget section took ${fmt(results.sectionSeconds, 0)} s`);
    log(`written: ${written.map((f) => path.relative(REPO_DIR, f)).join(', ')}`);
    return results;
  } finally {
    await server.stop();
    if (process.env.BENCH_KEEP_DATA === '1') log(`data folder kept: ${dataDir}`);
    else server.cleanup();
  }
}
