// The reports benchmark section (run from bench/run.mjs; BENCH_ONLY=reports
// runs it alone). See bench/README.md.
//
// Starts its own Slussa server on a fresh data folder, creates the people and
// NGOs through the API (as the programme section does), stops the server,
// writes a few years of the programme (100,000 cases, 500,000 applications
// with their decisions), a budget period with its ledger and three rounds of
// contact statistics from a few hundred organisations straight into its
// SQLite file, starts it again and measures, as the coordinator, one request
// at a time:
// - GET /api/reports/period for a year and for a month, internal and publishable
//   (the internal one with its first page of decision notes, the route's default);
// - GET /api/contact-statistics/rounds/:id/national, internal and publishable;
// each against the raw SQL aggregate of the same figures, timed in this
// process with better-sqlite3 on the same file (p95 against p95), after
// checking that the route's figures equal the raw SQL's.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { seedPeople } from './programme.mjs';
import { ApiClient } from './lib/api.mjs';
import { budgetPeriodDates, seedBudget } from './lib/budget-data.mjs';
import { measureRoute, probeGet } from './lib/measure.mjs';
import { latestProfile } from './lib/profile.mjs';
import { seedProgramme } from './lib/programme-data.mjs';
import {
  checkNationalTable,
  checkPeriodReport,
  nationalTableSql,
  periodReportSql,
  reportVocabulary,
  seedContactStatistics,
  timeRawSet,
} from './lib/reports-data.mjs';
import {
  busyWarning,
  environment,
  envNumber,
  fmt,
  formatTable,
  invalidProblem,
  ratio,
  rawDriftWarning,
  secondsSince,
  verifyAuditChain,
  writeResults,
} from './lib/report.mjs';
import {
  DIST_DIR,
  fileSystemOf,
  freePort,
  REPO_DIR,
  RESULTS_DIR,
  startSlussa,
} from './lib/server.mjs';
import { countRows, sqliteCommitBaseline } from './lib/sqlite.mjs';

/** The issue's target: a report's p95 ÷ the p95 of the raw SQL aggregate of the same figures. */
export const REPORTS_TARGETS = { p95Ratio: 1.5 };

const ROUTE_CHOICES = [
  'yearInternal',
  'yearPublishable',
  'monthInternal',
  'monthPublishable',
  'nationalInternal',
  'nationalPublishable',
];
/** Fewer answers than this in a duration run: the route is measured as a fixed number of requests. */
const MIN_ANSWERS = 10;
const DAY_MS = 86_400_000;

export function reportsSettings() {
  const routes = (process.env.BENCH_REPORTS_ROUTES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of routes)
    if (!ROUTE_CHOICES.includes(r))
      throw new Error(`BENCH_REPORTS_ROUTES: unknown ${r} (${ROUTE_CHOICES.join(', ')})`);
  const scale = envNumber('BENCH_SCALE', 1);
  return {
    cases: Math.max(100, Math.round(envNumber('BENCH_REPORTS_CASES', 100_000 * scale))),
    applications: Math.max(
      300,
      Math.round(envNumber('BENCH_REPORTS_APPLICATIONS', 500_000 * scale)),
    ),
    /** Years the cases and applications are spread over (up to today). */
    years: Math.max(1.2, envNumber('BENCH_REPORTS_YEARS', 4)),
    /** Ledger entries at least (more when the year's grants need more commitments). */
    entries: Math.max(1000, Math.round(envNumber('BENCH_REPORTS_ENTRIES', 100_000 * scale))),
    /** Civil-society organisations reporting contact statistics. */
    organisations: Math.max(10, Math.round(envNumber('BENCH_REPORTS_ORGANISATIONS', 300))),
    /** Seconds each raw baseline is repeated (before and after the routes; at least 5 runs). */
    rawSeconds: Math.max(0.2, envNumber('BENCH_REPORTS_RAW_SECONDS', 3)),
    /** Measurement passes on the same seeded server (the seed takes minutes; a second pass shows the spread). */
    passes: Math.max(1, Math.round(envNumber('BENCH_REPORTS_PASSES', 1))),
    routes: routes.length ? routes : ROUTE_CHOICES,
  };
}

/** The last complete calendar month before today (Stockholm dates). @param {string} today */
function lastMonth(today) {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  const from = new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(y, m, 1) - DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

/**
 * The reports section: seed, check, measure, write `reports-<timestamp>.json`,
 * print the table. Same shape as runBudget.
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').ChildServer} o.bare
 * @param {{ connections: number, duration: number, warmup: number }} o.measureOpts
 * @param {boolean} [o.cpuProfile]
 * @param {Set<number>} [o.taken]
 * @param {(s: string) => void} o.log
 */
export async function runReports({
  bare,
  measureOpts,
  cpuProfile = false,
  taken = new Set(),
  log,
}) {
  const startedAt = new Date().toISOString();
  const env = environment();
  const settings = reportsSettings();
  const wanted = (/** @type {string} */ k) => settings.routes.includes(k);
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const warnings = [];
  const sectionStart = process.hrtime.bigint();
  log(
    `\nReports benchmark: ${fmt(settings.cases, 0)} cases and ${fmt(settings.applications, 0)} applications over ` +
      `${settings.years} years, a budget period, contact statistics of ${settings.organisations} organisations; ` +
      `one request at a time, ${measureOpts.duration} s per route after ${measureOpts.warmup} s warm-up`,
  );
  const vocabulary = await reportVocabulary();
  const port = await freePort(bare.port + 1, taken);
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  let server = await startSlussa({ port });
  const dataDir = server.dataDir;
  try {
    const now = Date.now();
    const period = budgetPeriodDates(now);
    /** @type {any} */ let people;
    /** @type {any} */ let programme;
    /** @type {any} */ let budget;
    /** @type {import('./lib/reports-data.mjs').ContactSeed} */ let contact;
    let apiSeedSeconds = 0;
    const reuse = process.env.BENCH_REPORTS_DATA;
    if (reuse) {
      // A folder seeded by an earlier run (BENCH_KEEP_DATA=1): copied over this server's fresh one.
      const code = await server.stop();
      if (code !== 0) throw new Error(`Slussa exited with ${code}: ${server.stderr()}`);
      log(`· reports: reusing the seeded folder ${reuse} (copied to ${dataDir})`);
      const reused = await reuseSeeded(reuse, server.sqlitePath, dataDir);
      people = { coordinatorCookie: reused.cookie };
      programme = { rows: reused.rows, seconds: 0, reused: reuse };
      budget = { rows: {}, seconds: 0, entries: reused.entries, reused: reuse };
      contact = reused.contact;
    } else {
      // 1. People and NGOs through the API.
      log(`· reports: Slussa on port ${port}, data in ${dataDir}; people and NGOs through the API`);
      const t0 = process.hrtime.bigint();
      people = await seedPeople(server);
      apiSeedSeconds = secondsSince(t0);
      const code = await server.stop();
      if (code !== 0)
        throw new Error(`Slussa exited with ${code} before the seed: ${server.stderr()}`);

      // 2. The programme, its budget and the contact statistics, straight into the file.
      log(
        `· reports: writing ${fmt(settings.cases, 0)} cases and ${fmt(settings.applications, 0)} applications ` +
          `over ${settings.years} years (server stopped)`,
      );
      programme = await seedProgramme({
        sqlitePath: server.sqlitePath,
        dataDir,
        organisations: people.organisations,
        benchStaffId: people.benchStaffId,
        coordinatorIds: people.coordinatorIds,
        cases: settings.cases,
        applications: settings.applications,
        open: Math.max(20, Math.round(settings.applications * 0.007)),
        spanDays: settings.years * 365,
        now,
        log,
      });
      // Every final grant of the budget year gets a commitment: make room for them and their payouts.
      const grants = countRows(
        server.sqlitePath,
        `select count(*) as n from decisions where approval_status = 'final'
           and outcome in ('granted', 'partially_granted', 'granted_with_condition') and decided_at >= ?`,
        [`${period.startsOn}T00:00:00Z`],
      );
      const entries = Math.max(settings.entries, Math.ceil(grants * 1.6) + 2000);
      log(
        `· reports: the budget period ${period.startsOn} – ${period.endsOn} with ${fmt(entries, 0)} ledger entries`,
      );
      const big = /** @type {{ id: string, staffIds: string[] }} */ (people.organisations[0]);
      budget = await seedBudget({
        sqlitePath: server.sqlitePath,
        dataDir,
        coordinatorIds: people.coordinatorIds,
        poolOrganisation: big,
        poolCaseIds: programme.writableCaseIds,
        entries,
        pool: 0,
        now,
        log,
      });
      contact = seedContactStatistics({
        sqlitePath: server.sqlitePath,
        coordinatorId: /** @type {string} */ (people.coordinatorIds[0]),
        organisations: settings.organisations,
        now,
      });
      const programmeRows = Object.values(programme.rows).reduce((a, b) => a + b, 0);
      const budgetRows = Object.values(budget.rows).reduce((a, b) => a + b, 0);
      const contactRows = Object.values(contact.rows).reduce((a, b) => a + b, 0);
      log(
        `  seeded ${fmt(programmeRows, 0)} programme rows in ${fmt(programme.seconds, 1)} s, ` +
          `${fmt(budgetRows, 0)} budget rows in ${fmt(budget.seconds, 1)} s, ` +
          `${fmt(contactRows, 0)} contact-statistics rows in ${fmt(contact.seconds, 1)} s ` +
          `(${contact.rounds.map((r) => `${r.year}: ${r.submitted} submitted, ${r.drafts} drafts`).join('; ')})`,
      );
    }

    // 3. The same folder again: the coordinator's session made above still holds.
    if (cpuProfile) fs.mkdirSync(profileDir, { recursive: true });
    const profileStart = Date.now();
    server = await startSlussa({
      port: await freePort(port, taken),
      dataDir,
      nodeArgs: cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const restartedAt = new Date().toISOString();
    const coordinator = new ApiClient(server.url, server.origin);
    coordinator.cookie = people.coordinatorCookie;
    const headers = { cookie: people.coordinatorCookie, origin: server.origin };

    const year = { from: period.startsOn, to: period.endsOn };
    const month = lastMonth(period.today);
    const postIds = (/** @type {{ from: string, to: string }} */ r) =>
      /** @type {Array<{ id: string }>} */ (
        countRowsAll(
          server.sqlitePath,
          `select p.id from budget_posts p join budget_periods b on b.id = p.period_id
           where b.starts_on <= ? and b.ends_on >= ?`,
          [r.to, r.from],
        )
      ).map((p) => p.id);
    const periodPath = (
      /** @type {{ from: string, to: string }} */ r,
      /** @type {string} */ version,
    ) => `/api/reports/period?from=${r.from}&to=${r.to}&version=${version}`;
    const nationalPath = (/** @type {string} */ version) =>
      `/api/contact-statistics/rounds/${contact.measuredRoundId}/national?version=${version}`;
    /**
     * @type {Record<string, { title: string, path: string, raw: () => import('./lib/reports-data.mjs').RawStatement[],
     *   check: (body: any, rows: Record<string, any[]>) => string[], audit: string }>}
     */
    const defs = {};
    for (const [key, range, label] of /** @type {const} */ ([
      ['year', year, 'a year'],
      ['month', month, 'a month'],
    ]))
      for (const version of /** @type {const} */ (['internal', 'publishable'])) {
        defs[`${key}${version === 'internal' ? 'Internal' : 'Publishable'}`] = {
          title: `GET /api/reports/period (${label}: ${range.from} – ${range.to}, ${version})`,
          path: periodPath(range, version),
          raw: () => periodReportSql(vocabulary, range, version, postIds(range)),
          check: (body, rows) => checkPeriodReport(vocabulary, body, rows, version),
          audit: 'reports.period_read',
        };
      }
    for (const version of /** @type {const} */ (['internal', 'publishable']))
      defs[`national${version === 'internal' ? 'Internal' : 'Publishable'}`] = {
        title: `GET /api/contact-statistics/rounds/:id/national (${contact.rounds[1]?.year}, ${version})`,
        path: nationalPath(version),
        raw: () => nationalTableSql(contact.measuredRoundId),
        check: (body, rows) => checkNationalTable(body, rows),
        audit:
          version === 'internal'
            ? 'contact_statistics.national_read'
            : 'contact_statistics.publishable_read',
      };
    const keys = ROUTE_CHOICES.filter(wanted);

    // 4. What the routes answer, checked against the raw SQL of the same figures.
    log('· reports: checking every answer against the raw SQL of the same figures');
    /** @type {Record<string, any>} */
    const answers = {};
    for (const key of keys) {
      const def = /** @type {(typeof defs)[string]} */ (defs[key]);
      const p = await probeGet(coordinator, def.path, 3, 8);
      if (p.status !== 200)
        throw new Error(
          `GET ${def.path} answered ${p.status}: ${JSON.stringify(p.body).slice(0, 500)}; server: ${server.stdout().slice(-1500)} ${server.stderr().slice(-500)}`,
        );
      const { rows } = timeRawSet(server.sqlitePath, def.raw(), {
        seconds: 0,
        minRuns: 1,
        warm: 1,
      });
      const found = def.check(p.body, rows);
      for (const f of found.slice(0, 20)) problems.push(`${def.title}: ${f}`);
      if (found.length > 20) problems.push(`${def.title}: … ${found.length - 20} more differences`);
      answers[key] = {
        aloneMs: p.aloneMs,
        bytes: p.bytes,
        figuresChecked: found.length === 0,
        decisionNotes: p.body.applications?.notes?.length,
        decisionNotesTotal: p.body.applications?.notesPaging?.total,
        ledgerLines: p.body.funds?.periods
          ?.flatMap((/** @type {any} */ x) => x.posts)
          .reduce((/** @type {number} */ n, /** @type {any} */ x) => n + (x.lines?.length ?? 0), 0),
        persons: p.body.background?.gender?.total?.count,
        cells: p.body.cells?.length,
        reportingOrganisations: p.body.reportingOrganisations,
      };
    }
    log(
      `  one request alone (median): ${keys
        .map(
          (k) =>
            `${k} ${fmt(answers[k].aloneMs.median, 1)} ms (${fmt(answers[k].bytes / 1024, 0)} KiB)`,
        )
        .join(', ')}`,
    );

    // 5. Raw baselines before, the routes, raw baselines after.
    /** @param {string} when */
    const rawAll = (when) => {
      log(`· reports: raw SQL of the same figures, in-process (${when})`);
      /** @type {Record<string, import('./lib/reports-data.mjs').RawSetTiming>} */
      const out = {};
      for (const key of keys) {
        const def = /** @type {(typeof defs)[string]} */ (defs[key]);
        out[key] = timeRawSet(server.sqlitePath, def.raw(), {
          seconds: settings.rawSeconds,
          minRuns: 3,
          warm: 2,
        }).timing;
      }
      return out;
    };
    /** One pass: the raw baselines, every route, the raw baselines again. @param {number} pass */
    const measurePass = async (pass) => {
      const rawBefore = rawAll(`before, pass ${pass}`);
      /** @type {Record<string, import('./lib/measure.mjs').Measurement>} */
      const routes = {};
      /** @type {Record<string, { requests: number, aloneMs: number }>} */
      const fixedAmount = {};
      for (const key of keys) {
        const def = /** @type {(typeof defs)[string]} */ (defs[key]);
        const alone = /** @type {number} */ (answers[key].aloneMs.median);
        const perRun = (measureOpts.duration * 1000) / alone;
        const amount = perRun < MIN_ANSWERS ? Math.max(3, Math.floor(perRun)) : undefined;
        if (amount !== undefined) {
          fixedAmount[key] = { requests: amount, aloneMs: alone };
          log(`· ${def.title}: ${amount} requests (one alone takes ${fmt(alone, 0)} ms)`);
        } else log(`· ${def.title}, 1 connection`);
        routes[key] = await measureRoute({
          title: def.title,
          url: server.url,
          pid: server.pid,
          headers,
          requests: [{ path: def.path }],
          settle: true,
          ...measureOpts,
          connections: 1,
          ...(amount !== undefined ? { amount, warmup: 0 } : {}),
          timeout: Math.max(30, Math.ceil((alone * 3) / 1000)),
        });
      }
      const rawAfter = rawAll(`after, pass ${pass}`);
      return { rawBefore, routes, fixedAmount, rawAfter };
    };
    /** @type {Array<Awaited<ReturnType<typeof measurePass>>>} */
    const passes = [];
    for (let pass = 1; pass <= settings.passes; pass += 1) passes.push(await measurePass(pass));
    // The targets are judged on the last pass; every pass is in the JSON and printed.
    const { rawBefore, routes, fixedAmount, rawAfter } = /** @type {(typeof passes)[number]} */ (
      passes.at(-1)
    );
    // What any audited read costs whatever it reads (informative): an authenticated read that
    // writes nothing, and a single-row commit in the data folder (the audit event's fsync).
    log('· reports: the floor: GET /api/auth/session, 1 connection; a raw single-row commit loop');
    const sessionRead = await measureRoute({
      title: 'GET /api/auth/session (authenticated, no audit)',
      url: server.url,
      pid: server.pid,
      headers,
      requests: [{ path: '/api/auth/session' }],
      ...measureOpts,
      connections: 1,
    });
    const commit = sqliteCommitBaseline({ commits: 300, rowsPerCommit: 1, dir: dataDir });
    const rawP95Of = (/** @type {(typeof passes)[number]} */ p, /** @type {string} */ k) =>
      ((p.rawBefore[k]?.ms.p95 ?? NaN) + (p.rawAfter[k]?.ms.p95 ?? NaN)) / 2;
    const rawP95 = (/** @type {string} */ k) =>
      rawP95Of(/** @type {(typeof passes)[number]} */ (passes.at(-1)), k);

    // 6. Stop (flushes the audit queue), then check what the app wrote.
    const stopCode = await server.stop();
    if (stopCode !== 0)
      problems.push(`Slussa exited with code ${stopCode}: ${server.stderr().slice(-500)}`);
    const profileMs = Date.now() - profileStart;
    /** @type {Record<string, unknown>} */
    const audit = {};
    for (const action of new Set(keys.map((k) => defs[k]?.audit ?? ''))) {
      const answered = keys
        .filter((k) => defs[k]?.audit === action)
        .reduce(
          (n, k) =>
            n +
            passes.reduce(
              (m, p) => m + (p.routes[k] ? p.routes[k].ok + p.routes[k].warmupOk : 0),
              0,
            ),
          0,
        );
      const events = countRows(
        server.sqlitePath,
        'select count(*) as n from audit_events where action = ? and at >= ?',
        [action, restartedAt],
      );
      audit[action] = { events, answered };
      if (events < answered)
        problems.push(`only ${events} ${action} audit events for ${answered} answered requests`);
    }
    audit.chain = await verifyAuditChain(server.sqlitePath, problems);

    const profile = cpuProfile
      ? latestProfile({ dir: profileDir, since: profileStart, wallMs: profileMs, log, warnings })
      : undefined;

    // Validity, ratios and targets.
    for (const m of Object.values(routes)) if (!m.valid) problems.push(invalidProblem(m));
    for (const k of keys) {
      const b = rawBefore[k];
      const a = rawAfter[k];
      if (!a || !b) continue;
      const drift = rawDriftWarning(k, b.ms.p95, a.ms.p95);
      if (drift) warnings.push(drift);
    }
    const busy = busyWarning(env);
    if (busy) warnings.push(busy);

    /** @type {Array<{ name: string, actual: number | undefined, threshold: number, unit: string, status: string }>} */
    const targets = [];
    /** @type {Record<string, number>} */
    const ratios = {};
    for (const [key, m] of Object.entries(routes)) {
      const r = ratio(m.latencyMs.p95, rawP95(key));
      ratios[key] = r;
      const checked = answers[key]?.figuresChecked === true;
      targets.push({
        name: `${m.title}: p95 ≤ ${REPORTS_TARGETS.p95Ratio} × p95 of the raw SQL of the same figures`,
        actual: r,
        threshold: REPORTS_TARGETS.p95Ratio,
        unit: '×',
        status: !m.valid || !checked ? 'INVALID' : r <= REPORTS_TARGETS.p95Ratio ? 'met' : 'MISSED',
      });
    }

    const {
      caseSample: _c,
      staffCaseSample: _s,
      writableCaseIds: _w,
      applicationSample: _a,
      ...programmeFigures
    } = programme;
    const { pool: _pool, ...budgetFigures } = budget;
    const results = {
      name: 'reports',
      startedAt,
      finishedAt: new Date().toISOString(),
      sectionSeconds: secondsSince(sectionStart),
      environment: {
        ...env,
        loadAverageEnd: environment().loadAverage,
        dataFileSystem: fileSystemOf(path.dirname(dataDir)),
        dist: DIST_DIR,
      },
      settings: { ...settings, ...measureOpts, cpuProfile },
      seed: {
        apiSeconds: apiSeedSeconds,
        programme: programmeFigures,
        budget: budgetFigures,
        contactStatistics: contact,
        ranges: { year, month },
        method:
          'People, NGOs and certifications through the API; then, with the server stopped, cases, applications ' +
          'and decisions (bench/lib/programme-data.mjs), the budget period with its ledger (bench/lib/budget-data.mjs) ' +
          'and contact-statistics rounds with organisations, reports and figures (bench/lib/reports-data.mjs) ' +
          'inserted with better-sqlite3.',
      },
      baselines: {
        rawSql: { before: rawBefore, after: rawAfter },
        rawSqlP95Ms: Object.fromEntries(keys.map((k) => [k, rawP95(k)])),
        floor: {
          note: 'informative: an authenticated read without audit at 1 connection, and a raw single-row commit (the audit event waits for one)',
          sessionRead,
          commit,
        },
      },
      answers,
      fixedAmount,
      routes: Object.fromEntries(
        Object.entries(routes).map(([k, m]) => [k, { ...m, p95RatioToRaw: ratios[k] }]),
      ),
      passes: passes.map((p) => ({
        rawSql: { before: p.rawBefore, after: p.rawAfter },
        fixedAmount: p.fixedAmount,
        routes: Object.fromEntries(
          Object.entries(p.routes).map(([k, m]) => [
            k,
            { ...m, p95RatioToRaw: ratio(m.latencyMs.p95, rawP95Of(p, k)) },
          ]),
        ),
      })),
      audit,
      targets,
      valid: problems.length === 0,
      problems,
      warnings,
      profile,
    };
    const written = writeResults('reports', results);

    // The table: each route under its raw baseline.
    log('');
    log(
      `Reports: ${fmt(settings.cases, 0)} cases, ${fmt(settings.applications, 0)} applications, ` +
        `${fmt(budget.entries, 0)} ledger entries, contact statistics of ${contact.rounds[1]?.submitted} submitted reports ` +
        `(round ${contact.rounds[1]?.year})`,
    );
    for (const [n, pass] of passes.entries()) {
      /** @type {Array<Array<string | number>>} */
      const tableRows = [];
      for (const key of keys) {
        const b = pass.rawBefore[key];
        const a = pass.rawAfter[key];
        const m = pass.routes[key];
        if (!b || !a || !m) continue;
        tableRows.push([
          `raw SQL (${b.statements.length} statements)`,
          fmt(1000 / ((b.ms.mean + a.ms.mean) / 2), 1),
          fmt((b.ms.p50 + a.ms.p50) / 2, 2),
          fmt((b.ms.p95 + a.ms.p95) / 2, 2),
          fmt((b.ms.p99 + a.ms.p99) / 2, 2),
          '–',
          '–',
          fmt(((b.cpuMsPerRun + a.cpuMsPerRun) / 2) * 1000, 0),
        ]);
        tableRows.push([
          `${m.title}${pass.fixedAmount[key] ? '‡' : ''}`,
          fmt(m.rps, 1),
          fmt(m.latencyMs.p50, 2),
          fmt(m.latencyMs.p95, 2),
          fmt(m.latencyMs.p99, 2),
          fmt(ratio(m.latencyMs.p95, rawP95Of(pass, key)), 2),
          m.errors + m.timeouts + m.non2xx,
          fmt(m.serverCpuUsPerRequest, 0),
        ]);
      }
      log('');
      if (passes.length > 1) log(`pass ${n + 1} of ${passes.length}:`);
      log(
        formatTable(
          [
            'reads (1 connection)',
            'per s',
            'p50 ms',
            'p95 ms',
            'p99 ms',
            'p95 × raw',
            'errors',
            'CPU µs/req',
          ],
          tableRows,
        ),
      );
    }
    log(
      `floor (informative): ${sessionRead.title} p50 ${fmt(sessionRead.latencyMs.p50, 2)} ms, ` +
        `p95 ${fmt(sessionRead.latencyMs.p95, 2)} ms, CPU ${fmt(sessionRead.serverCpuUsPerRequest, 0)} µs/req; ` +
        `a raw single-row commit ${fmt(commit.msPerCommit, 2)} ms (${commit.fileSystem}); every route above writes ` +
        'its audit event (one commit) before it answers',
    );
    for (const [k, f] of Object.entries(fixedAmount))
      log(
        `‡ ${routes[k]?.title}: ${f.requests} requests one after another (one alone takes ${fmt(f.aloneMs, 0)} ms); ` +
          `its p95 is of ${f.requests} latencies`,
      );
    log(
      "raw SQL: better-sqlite3 in this process on the server's file, all the statements of a report in one read " +
        "transaction, before and after the routes (the table shows their mean; CPU is this process's per run); " +
        'every route answer writes its audit event before it is sent',
    );
    for (const k of keys) {
      const a = answers[k];
      const extra = [
        a.decisionNotes !== undefined && a.decisionNotes !== null
          ? `${fmt(a.decisionNotes, 0)} of ${fmt(a.decisionNotesTotal ?? 0, 0)} decision notes (a page)`
          : '',
        a.ledgerLines ? `${fmt(a.ledgerLines, 0)} ledger lines` : '',
        a.persons !== undefined ? `${fmt(a.persons, 0)} persons admitted` : '',
        a.cells !== undefined ? `${a.cells} cells` : '',
        a.reportingOrganisations !== undefined
          ? `${a.reportingOrganisations} organisations reporting`
          : '',
      ]
        .filter(Boolean)
        .join(', ');
      log(
        `  ${k}: ${fmt(a.bytes / 1024, 0)} KiB${extra ? `; ${extra}` : ''}; figures ${a.figuresChecked ? 'equal the raw SQL' : 'DIFFER'}`,
      );
    }
    const chain = /** @type {{ ok?: boolean, checked?: number } | string} */ (audit.chain);
    log(
      `audit: ${Object.entries(audit)
        .filter(([k]) => k !== 'chain')
        .map(([k, v]) => `${/** @type {{ events: number }} */ (v).events} ${k}`)
        .join(
          ', ',
        )}; chain ${typeof chain === 'string' ? chain : chain.ok ? `intact (${chain.checked} events)` : 'BROKEN'}`,
    );
    log(
      `machine load average ${env.loadAverage.join(' ')} at the start, ${results.environment.loadAverageEnd.join(' ')} ` +
        `at the end (${env.cpus} CPUs)`,
    );
    log('');
    log('Reports targets (benchmarks inform; they do not fail the build):');
    for (const t of targets)
      log(
        `  ${t.status === 'met' ? 'met   ' : t.status.padEnd(6)}  ${t.name}: ${t.actual === undefined ? '–' : `${fmt(t.actual, 2)} ×`}`,
      );
    for (const w of warnings) log(`note: ${w}`);
    if (problems.length) {
      log('');
      log('!!! THE REPORTS SECTION HAS PROBLEMS; figures marked INVALID must not be used:');
      for (const p of problems) log(`!!!   ${p}`);
    }
    log(`reports section took ${fmt(results.sectionSeconds, 0)} s`);
    log(`written: ${written.map((f) => path.relative(REPO_DIR, f)).join(', ')}`);
    return results;
  } finally {
    await server.stop();
    if (process.env.BENCH_KEEP_DATA === '1') log(`data folder kept: ${dataDir}`);
    else server.cleanup();
  }
}

/**
 * Rows of a read-only query on the server's file.
 *
 * @param {string} sqlitePath
 * @param {string} sql
 * @param {unknown[]} params
 */
function countRowsAll(sqlitePath, sql, params) {
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

/**
 * Copies a seeded data folder (kept by BENCH_KEEP_DATA=1) over a stopped
 * server's fresh one and signs the first coordinator in (a session written
 * with the server's own function): the seed takes many minutes.
 *
 * @param {string} source
 * @param {string} sqlitePath   the fresh server's database file (replaced)
 * @param {string} dataDir
 */
async function reuseSeeded(source, sqlitePath, dataDir) {
  for (const f of ['slussa.db-wal', 'slussa.db-shm'])
    fs.rmSync(path.join(dataDir, f), { force: true });
  const src = new Database(path.join(source, 'slussa.db'), { readonly: true });
  await src.backup(sqlitePath);
  src.close();
  fs.copyFileSync(path.join(source, 'master.key'), path.join(dataDir, 'master.key'));
  const dbmod = await import(pathToFileURL(path.join(DIST_DIR, 'server/core/db/database.js')).href);
  const sessions = await import(
    pathToFileURL(path.join(DIST_DIR, 'server/core/auth/sessions.js')).href
  );
  const handle = dbmod.openDatabase({ sqlitePath });
  const db = new Database(sqlitePath, { readonly: true });
  try {
    const coordinator = /** @type {{ id: string }} */ (
      db.prepare('select id from users where email = ?').get('samordnare1@bench.example')
    );
    const { token } = await sessions.createSession(handle.db, coordinator.id, 'full', new Date(), {
      idleMs: 8 * 3_600_000,
      absoluteMs: 12 * 3_600_000,
    });
    const rounds =
      /** @type {Array<{ id: string, year: number, submitted: number, drafts: number }>} */ (
        db
          .prepare(
            `select k.id, k.year,
             (select count(*) from contact_stat_reports r where r.round_id = k.id and r.status = 'submitted') as submitted,
             (select count(*) from contact_stat_reports r where r.round_id = k.id and r.status = 'draft') as drafts
           from contact_stat_rounds k order by k.year`,
          )
          .all()
      );
    /** @type {Record<string, number>} */
    const rows = {};
    for (const t of ['cases', 'applications', 'decisions'])
      rows[t] = /** @type {{ n: number }} */ (db.prepare(`select count(*) as n from ${t}`).get()).n;
    return {
      cookie: `slussa_session=${token}`,
      rows,
      entries: /** @type {{ n: number }} */ (
        db.prepare('select count(*) as n from budget_entries').get()
      ).n,
      contact: {
        rounds,
        measuredRoundId: /** @type {{ id: string }} */ (rounds[1]).id,
        organisations: /** @type {{ n: number }} */ (
          db
            .prepare("select count(*) as n from organisations where name like 'Stödföreningen %'")
            .get()
        ).n,
        rows: {},
        seconds: 0,
      },
    };
  } finally {
    db.close();
    await handle.close();
  }
}
