// The support programme benchmark section (run from bench/run.mjs;
// BENCH_ONLY=programme runs it alone). See bench/README.md.
//
// Starts its own Slussa server on a fresh data folder, creates the people and
// organisations through the API (administrator and coordinator with TOTP,
// certified NGOs, staff), stops the server, writes 100,000 cases and 500,000
// applications (with decisions) straight into its SQLite file
// (bench/lib/programme-data.mjs), starts it again on the same folder and
// measures, with the bare Fastify route measured before and after:
// - the coordinator's queue, the case list (staff of the largest NGO, and the
//   coordinator) and case detail (both), every read audited by the app;
// - submit + decide through the API against a raw single-row SQLite commit
//   loop on the same file system.
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiClient,
  BENCH_PASSWORD,
  seedSlussa,
  setPasswordFromInvitation,
  signInComplete,
} from './lib/api.mjs';
import { cycling, measureRoute, processCpuMs, waitUntilIdle } from './lib/measure.mjs';
import { latestProfile } from './lib/profile.mjs';
import { applyCandidateFixes, CANDIDATE_FIXES, seedProgramme } from './lib/programme-data.mjs';
import {
  busyWarning,
  environment,
  envNumber,
  fmt,
  formatTable,
  invalidProblem,
  percentile,
  ratio,
  round2,
  secondsSince,
  verifyAuditChain,
  writeResults,
} from './lib/report.mjs';
import { fileSystemOf, freePort, REPO_DIR, RESULTS_DIR, startSlussa } from './lib/server.mjs';
import { countRows, sqliteCommitBaseline } from './lib/sqlite.mjs';

/** The issue's targets for the programme. */
export const PROGRAMME_TARGETS = {
  /** Audited reads: requests/s ÷ the bare route's requests/s. */
  readRatio: 0.4,
  /** Audited reads: p95 at 64 connections. */
  readP95Ms: 25,
  /** Submit + decide: write transactions/s ÷ raw single-row commits/s. */
  writeRatio: 0.6,
};

const READ_ROUTES = ['queue', 'casesStaff', 'casesCoordinator', 'caseDetail', 'caseDetailStaff'];
const ROUTE_CHOICES = [...READ_ROUTES, 'write'];

export function programmeSettings() {
  const scale = envNumber('BENCH_SCALE', 1);
  const routes = (process.env.BENCH_PROG_ROUTES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of routes) {
    if (!ROUTE_CHOICES.includes(r))
      throw new Error(`BENCH_PROG_ROUTES: unknown ${r} (${ROUTE_CHOICES.join(', ')})`);
  }
  return {
    scale,
    cases: Math.max(10, Math.round(envNumber('BENCH_PROG_CASES', 100_000 * scale))),
    applications: Math.max(10, Math.round(envNumber('BENCH_PROG_APPLICATIONS', 500_000 * scale))),
    /** Applications not decided yet: the queue (submitted, under processing) and information requests. */
    open: Math.max(20, Math.round(envNumber('BENCH_PROG_OPEN', 3500 * scale))),
    /** Concurrent submit → decide loops. */
    writers: Math.max(1, Math.round(envNumber('BENCH_PROG_WRITERS', 16))),
    /** Commits in each raw SQLite loop (one before and one after the API writes). */
    rawCommits: Math.max(100, Math.round(envNumber('BENCH_PROG_COMMITS', 5000))),
    routes: routes.length ? routes : ROUTE_CHOICES,
    /** An experiment: apply CANDIDATE_FIXES (indexes, ANALYZE) to the seeded file before measuring. */
    candidateFixes: process.env.BENCH_PROG_CANDIDATE_FIXES === '1',
  };
}

/** Certified NGOs that own the cases: name, county, share of the cases. The first is the largest. */
const NGOS = /** @type {const} */ ([
  // 'Bänkföreningen' (M) is created by seedSlussa and owns 30 % of the cases.
  ['Stiftelsen Trygg Hamn', 'AB', 18],
  ['Kvinnojouren Fristad Göteborg', 'O', 14],
  ['Föreningen Nya Steg', 'AB', 11],
  ['Stödcentrum Norrsken', 'AC', 9],
  ['Ideella föreningen Ankaret', 'E', 7],
  ['Frizonen Uppsala', 'C', 6],
  ['Nätverket Ledstjärnan', 'M', 5],
]);
const BIG_SHARE = 30;
/**
 * The longest a round of requests (one per connection, answered one after
 * another by the server) may take before a route is measured with fewer
 * connections than BENCH_CONNECTIONS.
 */
const MAX_ROUND_MS = 4000;
/** Staff per NGO (the largest has the benchmark's signed-in user among them). */
const STAFF_PER_NGO = 3;

/**
 * The people and organisations, through the API: the administrator (TOTP),
 * seven more NGOs, certification of all eight valid today, staff of each, two
 * coordinators (one signed in with TOTP), and the benchmark's staff user
 * signed in.
 *
 * @param {import('./lib/server.mjs').SlussaServer} server
 */
export async function seedPeople(server) {
  const seeded = await seedSlussa(server, { users: 1 });
  const admin = new ApiClient(server.url, server.origin);
  admin.cookie = seeded.adminCookie;
  const me = await admin.expect('GET', '/api/auth/session');
  const platformId = me.user.organisationId;
  const { items: serviceList } = await admin.expect('GET', '/api/services');
  const services = new Set(serviceList.map((/** @type {{ code: string }} */ s) => s.code));
  const offered = [
    'protected_housing_women',
    'protected_housing_children',
    'protection_24h',
    'therapy',
    'legal_counsel',
    'interpreter',
  ].filter((s) => services.has(s));

  /** @type {Array<{ id: string, name: string, share: number, staffIds: string[] }>} */
  const organisations = [
    {
      id: seeded.organisationId,
      name: 'Bänkföreningen',
      share: BIG_SHARE,
      staffIds: [.../** @type {string[]} */ (seeded.userIds)],
    },
  ];
  for (const [name, county, share] of NGOS) {
    const org = await admin.expect(
      'POST',
      '/api/organisations',
      { name, type: 'ngo', county },
      201,
    );
    organisations.push({ id: org.id, name, share, staffIds: [] });
  }
  const today = new Date();
  const day = (/** @type {number} */ d) =>
    new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  let userNo = 0;
  for (const [i, org] of organisations.entries()) {
    // Certified since 2016 (the programme's start) up to well after today.
    await admin.expect('PUT', `/api/organisations/${org.id}/certification`, {
      status: 'certified',
      certifiedFrom: '2016-01-01',
      certifiedTo: day(700),
      services: offered.slice(0, 2 + (i % 4)),
      reason: 'Certifierad efter granskning (benchmark)',
      expectedVersion: 0,
    });
    while (org.staffIds.length < STAFF_PER_NGO) {
      userNo += 1;
      const u = await admin.expect(
        'POST',
        '/api/users',
        {
          email: `handlaggare${userNo}@bench.example`,
          name: `Handläggare ${userNo}`,
          role: 'actor_staff',
          organisationId: org.id,
          locale: 'sv',
        },
        201,
      );
      org.staffIds.push(u.id);
    }
  }
  /** @type {string[]} */
  const coordinatorIds = [];
  for (const n of [1, 2]) {
    const u = await admin.expect(
      'POST',
      '/api/users',
      {
        email: `samordnare${n}@bench.example`,
        name: `Samordnare ${n}`,
        role: 'coordinator',
        organisationId: platformId,
        locale: 'sv',
      },
      201,
    );
    coordinatorIds.push(u.id);
  }
  await setPasswordFromInvitation(server, admin, 'samordnare1@bench.example', BENCH_PASSWORD);
  const coordinator = await signInComplete(server, {
    email: 'samordnare1@bench.example',
    password: BENCH_PASSWORD,
  });
  const staff = await signInComplete(server, seeded.signInUser);
  return {
    adminCookie: seeded.adminCookie,
    organisations,
    coordinatorIds,
    coordinatorCookie: /** @type {string} */ (coordinator.client.cookie),
    staffCookie: /** @type {string} */ (staff.client.cookie),
    benchStaffId: /** @type {string} */ (seeded.userIds[0]),
  };
}

/**
 * One request per path, one at a time, before the load (for at most
 * `maxSeconds`, at least 3 requests): all must answer 200. Returns what the
 * answers held and how long one request takes alone (the client's view).
 *
 * @param {ApiClient} client
 * @param {string[]} paths
 * @param {{ maxSeconds?: number }} [o]
 */
async function probe(client, paths, { maxSeconds = 8 } = {}) {
  /** @type {number[]} */
  const bytes = [];
  /** @type {number[]} */
  const items = [];
  /** @type {number[]} */
  const ms = [];
  /** @type {number | undefined} */
  let total;
  const deadline = performance.now() + maxSeconds * 1000;
  for (const p of paths) {
    if (ms.length >= 3 && performance.now() > deadline) break;
    const t = performance.now();
    const res = await client.send('GET', p, undefined, 'application/json');
    ms.push(performance.now() - t);
    if (res.status !== 200) {
      throw new Error(`GET ${p} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    bytes.push(Buffer.byteLength(JSON.stringify(res.body)));
    const list = res.body.items ?? res.body.timeline ?? res.body.decisions;
    if (Array.isArray(list)) items.push(list.length);
    if (typeof res.body.total === 'number') total = res.body.total;
  }
  const mean = (/** @type {number[]} */ xs) =>
    xs.length ? Math.round(xs.reduce((x, y) => x + y, 0) / xs.length) : undefined;
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    requests: ms.length,
    of: paths.length,
    total,
    items: items.length
      ? { min: Math.min(...items), max: Math.max(...items), mean: mean(items) }
      : undefined,
    bytes: { min: Math.min(...bytes), max: Math.max(...bytes), mean: mean(bytes) },
    /** One request alone (sequential, through HTTP, the audit commit included). */
    aloneMs: { median: round2(percentile(sorted, 50)), max: round2(sorted.at(-1) ?? NaN) },
  };
}

/**
 * @typedef {object} WriteRun
 * @property {number} workers
 * @property {number} seconds            the measured window
 * @property {number} submits            201 answers to POST /api/applications inside the window
 * @property {number} decisions          200 answers to POST /api/applications/:id/decisions inside the window
 * @property {number} submitsPerSecond
 * @property {number} decisionsPerSecond
 * @property {number} transactionsPerSecond  (submits + decisions) / s: each is one transaction with its audit event
 * @property {{ submit: Record<string, number>, decide: Record<string, number> }} latencyMs
 * @property {Record<string, number>} statusCodes
 * @property {number} errors             network errors
 * @property {string[]} failures         the first few non-2xx answers
 * @property {number | undefined} serverCpuUsPerTransaction
 * @property {number | undefined} serverCpuCores
 * @property {boolean} valid
 */

/**
 * Closed loops of "submit an application as the actor's staff, then decide it
 * as the coordinator": `workers` at once for `seconds`. Only answers that
 * arrive inside the window count; the loops then finish what is in flight.
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').SlussaServer} o.server
 * @param {string} o.staffCookie
 * @param {string} o.coordinatorCookie
 * @param {string[]} o.caseIds      cases the staff user may apply on (cycled, so consecutive submits hit different cases)
 * @param {{ next: number }} o.cursor
 * @param {number} o.workers
 * @param {number} o.seconds
 * @returns {Promise<WriteRun>}
 */
async function submitAndDecide({
  server,
  staffCookie,
  coordinatorCookie,
  caseIds,
  cursor,
  workers,
  seconds,
}) {
  /** @param {string} cookie */
  const headers = (cookie) => ({
    origin: server.origin,
    cookie,
    accept: 'application/json',
    'content-type': 'application/json',
  });
  const staffHeaders = headers(staffCookie);
  const coordinatorHeaders = headers(coordinatorCookie);
  const decideBody = JSON.stringify({
    expectedVersion: 1,
    outcome: 'granted',
    grounds: ['meets_criteria'],
    rationale: 'Ansökan uppfyller programmets kriterier.',
  });
  /** @type {Record<string, number>} */
  const statusCodes = {};
  /** @type {string[]} */
  const failures = [];
  /** @type {number[]} */
  const submitMs = [];
  /** @type {number[]} */
  const decideMs = [];
  let errors = 0;
  let completed = 0;
  /**
   * @param {string} p
   * @param {Record<string, string>} h
   * @param {string} body
   */
  const post = async (p, h, body) => {
    try {
      const res = await fetch(`${server.url}${p}`, { method: 'POST', headers: h, body });
      const text = await res.text();
      statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
      if (res.status >= 300 && failures.length < 5)
        failures.push(`${p} ${res.status} ${text.slice(0, 300)}`);
      return { status: res.status, text };
    } catch (err) {
      errors += 1;
      if (failures.length < 5)
        failures.push(`${p}: ${err instanceof Error ? err.message : String(err)}`);
      return { status: 0, text: '' };
    }
  };
  const cpuBefore = processCpuMs(server.pid);
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const caseId = caseIds[cursor.next % caseIds.length];
        cursor.next += 1;
        const t0 = performance.now();
        const submitted = await post(
          '/api/applications',
          staffHeaders,
          JSON.stringify({
            caseId,
            type: 'intervention',
            interventionCode: 'interpreter',
            quantity: 2,
            unitCostOre: 65_000,
            justification: 'Tolk vid läkarbesök och vid samtal med juristen.',
          }),
        );
        const t1 = performance.now();
        if (submitted.status !== 201) continue;
        completed += 1;
        if (t1 <= end) submitMs.push(t1 - t0);
        const { id } = JSON.parse(submitted.text);
        const decided = await post(
          `/api/applications/${id}/decisions`,
          coordinatorHeaders,
          decideBody,
        );
        const t2 = performance.now();
        if (decided.status !== 200) continue;
        completed += 1;
        if (t2 <= end) decideMs.push(t2 - t1);
      }
    }),
  );
  const cpuAfter = processCpuMs(server.pid);
  const wall = (performance.now() - start) / 1000;
  const window = seconds;
  submitMs.sort((x, y) => x - y);
  decideMs.sort((x, y) => x - y);
  /** @param {number[]} xs */
  const lat = (xs) => ({
    p50: round2(percentile(xs, 50)),
    p95: round2(percentile(xs, 95)),
    p99: round2(percentile(xs, 99)),
    max: round2(xs.at(-1) ?? NaN),
  });
  const non2xx = Object.entries(statusCodes)
    .filter(([code]) => Number(code) >= 300)
    .reduce((n, [, c]) => n + c, 0);
  const cpuMs =
    cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return {
    workers,
    seconds: window,
    submits: submitMs.length,
    decisions: decideMs.length,
    submitsPerSecond: round2(submitMs.length / window),
    decisionsPerSecond: round2(decideMs.length / window),
    transactionsPerSecond: round2((submitMs.length + decideMs.length) / window),
    latencyMs: { submit: lat(submitMs), decide: lat(decideMs) },
    statusCodes,
    errors,
    failures,
    serverCpuUsPerTransaction:
      cpuMs !== undefined && completed > 0 ? Math.round((cpuMs * 1000) / completed) : undefined,
    serverCpuCores: cpuMs !== undefined ? round2(cpuMs / 1000 / wall) : undefined,
    valid: errors === 0 && non2xx === 0 && decideMs.length > 0,
  };
}

/**
 * The programme section: seed, measure, write `programme-<timestamp>.json`,
 * print the table. Uses the bare Fastify server the caller started.
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').ChildServer} o.bare
 * @param {{ connections: number, duration: number, warmup: number }} o.measureOpts
 * @param {boolean} [o.cpuProfile]
 * @param {Set<number>} [o.taken]   ports already handed out
 * @param {(s: string) => void} o.log
 */
export async function runProgramme({
  bare,
  measureOpts,
  cpuProfile = false,
  taken = new Set(),
  log,
}) {
  const startedAt = new Date().toISOString();
  const env = environment();
  const settings = programmeSettings();
  const wanted = (/** @type {string} */ k) => settings.routes.includes(k);
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const warnings = [];
  const sectionStart = process.hrtime.bigint();
  log(
    `\nSupport programme benchmark (BENCH_SCALE=${settings.scale}): ${settings.cases.toLocaleString('en-GB')} cases, ` +
      `${settings.applications.toLocaleString('en-GB')} applications, ${measureOpts.connections} connections, ` +
      `${measureOpts.duration} s per route after ${measureOpts.warmup} s warm-up`,
  );

  const port = await freePort(bare.port + 1, taken);
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  /** @type {import('./lib/server.mjs').SlussaServer} */
  let server = await startSlussa({ port });
  const dataDir = server.dataDir;
  try {
    // 1. People and organisations through the API.
    log(`· programme: Slussa on port ${port}, data in ${dataDir}; people and NGOs through the API`);
    const t0 = process.hrtime.bigint();
    const people = await seedPeople(server);
    const apiSeedSeconds = secondsSince(t0);

    // 2. Cases and applications straight into the stopped server's file.
    const code = await server.stop();
    if (code !== 0)
      throw new Error(`Slussa exited with ${code} before the seed: ${server.stderr()}`);
    log(
      `· programme: writing ${settings.cases.toLocaleString('en-GB')} cases and ` +
        `${settings.applications.toLocaleString('en-GB')} applications into ${path.basename(server.sqlitePath)} (server stopped)`,
    );
    const seed = await seedProgramme({
      sqlitePath: server.sqlitePath,
      dataDir,
      organisations: people.organisations,
      benchStaffId: people.benchStaffId,
      coordinatorIds: people.coordinatorIds,
      cases: settings.cases,
      applications: settings.applications,
      open: settings.open,
      log,
    });
    const seedRows = Object.values(seed.rows).reduce((a, b) => a + b, 0);
    log(
      `  seeded ${seedRows.toLocaleString('en-GB')} rows in ${fmt(seed.seconds, 1)} s ` +
        `(${fmt(seed.rowsPerSecond, 0)} rows/s, ${fmt(seed.encryptions, 0)} values encrypted); ` +
        `${fmt(seed.fileBytes / 2 ** 20, 0)} MiB`,
    );

    /** @type {Array<{ sql: string, ms: number }> | undefined} */
    let fixes;
    if (settings.candidateFixes) {
      log('· programme: EXPERIMENT: applying the candidate fixes (not the shipped schema):');
      fixes = applyCandidateFixes(server.sqlitePath);
      for (const f of fixes) log(`    ${f.sql} (${fmt(f.ms, 0)} ms)`);
    }

    // 3. The same folder again: the sessions made above still hold.
    if (cpuProfile) fs.mkdirSync(profileDir, { recursive: true });
    const profileStart = Date.now();
    server = await startSlussa({
      port,
      dataDir,
      nodeArgs: cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const coordinator = new ApiClient(server.url, server.origin);
    coordinator.cookie = people.coordinatorCookie;
    const staff = new ApiClient(server.url, server.origin);
    staff.cookie = people.staffCookie;
    const coordinatorHeaders = { cookie: people.coordinatorCookie, origin: server.origin };
    const staffHeaders = { cookie: people.staffCookie, origin: server.origin };

    // Every seeded row a detail view reads must come back (schema, decryption, rules).
    log('· programme: checking the seeded data through the API');
    const detailPaths = seed.caseSample.map((id) => `/api/cases/${id}`);
    const staffDetailPaths = seed.staffCaseSample.map((id) => `/api/cases/${id}`);
    const answers = {
      queue: await probe(coordinator, Array(5).fill('/api/applications?status=open')),
      casesStaff: await probe(staff, Array(5).fill('/api/cases')),
      casesCoordinator: await probe(coordinator, Array(5).fill('/api/cases')),
      caseDetail: await probe(coordinator, detailPaths.slice(0, 300)),
      caseDetailStaff: await probe(staff, staffDetailPaths.slice(0, 100)),
      applicationDetail: await probe(
        coordinator,
        seed.applicationSample.map((id) => `/api/applications/${id}`),
      ),
    };
    log(
      `  one request alone (median): ${Object.entries(answers)
        .map(([k, a]) => `${k} ${fmt(a.aloneMs.median, 1)} ms`)
        .join(', ')}`,
    );
    if (answers.queue.total !== seed.queue) {
      problems.push(
        `the queue holds ${answers.queue.total} applications, the seed put ${seed.queue} there`,
      );
    }

    /** @type {Record<string, import('./lib/measure.mjs').Measurement>} */
    const routes = {};
    const routeDefs = {
      queue: {
        title: 'GET /api/applications?status=open (coordinator: the queue)',
        headers: coordinatorHeaders,
        requests: [{ path: '/api/applications?status=open' }],
      },
      casesStaff: {
        title: 'GET /api/cases (staff of the largest NGO)',
        headers: staffHeaders,
        requests: [{ path: '/api/cases' }],
      },
      casesCoordinator: {
        title: 'GET /api/cases (coordinator)',
        headers: coordinatorHeaders,
        requests: [{ path: '/api/cases' }],
      },
      caseDetail: {
        title: `GET /api/cases/:id (coordinator, ${detailPaths.length} cases)`,
        headers: coordinatorHeaders,
        requests: cycling(detailPaths),
      },
      caseDetailStaff: {
        title: `GET /api/cases/:id (staff, ${staffDetailPaths.length} of its cases)`,
        headers: staffHeaders,
        requests: cycling(staffDetailPaths),
      },
    };
    const anyRead = READ_ROUTES.some(wanted);
    /** @type {Record<string, { connections: number, wanted: number, aloneMs: number }>} routes measured with fewer connections */
    const reduced = {};
    /** @type {import('./lib/measure.mjs').Measurement | undefined} */
    let bareBefore;
    /** @type {import('./lib/measure.mjs').Measurement | undefined} */
    let bareAfter;
    if (anyRead) {
      log('· programme: bare Fastify hello world (before)');
      bareBefore = await measureRoute({
        title: 'bare Fastify GET / (programme, before)',
        url: bare.url,
        pid: bare.pid,
        requests: [{ path: '/' }],
        ...measureOpts,
      });
      for (const [key, def] of Object.entries(routeDefs)) {
        if (!wanted(key)) continue;
        // A route so slow that one round of requests over all connections
        // would take longer than MAX_ROUND_MS is measured with fewer
        // connections: at 64, every request would queue behind 63 others,
        // time out, and leave a backlog that runs into the next route.
        const alone = answers[/** @type {keyof typeof answers} */ (key)].aloneMs.median;
        const connections =
          alone * measureOpts.connections > MAX_ROUND_MS
            ? Math.max(1, Math.floor(MAX_ROUND_MS / alone))
            : measureOpts.connections;
        if (connections < measureOpts.connections) {
          reduced[key] = { connections, wanted: measureOpts.connections, aloneMs: alone };
          log(
            `· ${def.title}: ${connections} connections (one request alone takes ${fmt(alone, 0)} ms)`,
          );
        } else {
          log(`· ${def.title}`);
        }
        routes[key] = await measureRoute({
          ...def,
          url: server.url,
          pid: server.pid,
          settle: true,
          ...measureOpts,
          connections,
        });
      }
      log('· programme: bare Fastify hello world (after)');
      bareAfter = await measureRoute({
        title: 'bare Fastify GET / (programme, after)',
        url: bare.url,
        pid: bare.pid,
        requests: [{ path: '/' }],
        ...measureOpts,
      });
    }

    // 4. Writes: raw commits on the data folder's file system, then submit + decide, then raw again.
    /** @type {Record<string, unknown> | undefined} */
    let writes;
    if (wanted('write')) {
      log(
        `· programme: raw SQLite single-row commit loop (${settings.rawCommits} commits, in the data folder)`,
      );
      const rawBefore = sqliteCommitBaseline({
        commits: settings.rawCommits,
        rowsPerCommit: 1,
        dir: dataDir,
      });
      const cursor = { next: 0 };
      const writeOpts = {
        server,
        staffCookie: people.staffCookie,
        coordinatorCookie: people.coordinatorCookie,
        caseIds: seed.writableCaseIds,
        cursor,
        workers: settings.writers,
      };
      log(`· programme: submit + decide, ${settings.writers} concurrent loops`);
      if (measureOpts.warmup > 0)
        await submitAndDecide({ ...writeOpts, seconds: measureOpts.warmup });
      await waitUntilIdle(server.pid);
      const run = await submitAndDecide({ ...writeOpts, seconds: measureOpts.duration });
      await waitUntilIdle(server.pid);
      log('· programme: raw SQLite single-row commit loop (after)');
      const rawAfter = sqliteCommitBaseline({
        commits: settings.rawCommits,
        rowsPerCommit: 1,
        dir: dataDir,
      });
      const rawRate = (rawBefore.rowsPerSecond + rawAfter.rowsPerSecond) / 2;
      writes = {
        raw: { rowsPerSecond: Math.round(rawRate), runs: [rawBefore, rawAfter] },
        run,
        transactionsRatio: ratio(run.transactionsPerSecond, rawRate, 5),
        decisionsRatio: ratio(run.decisionsPerSecond, rawRate, 5),
        note:
          'Each submit and each decision is one transaction with its audit event (one commit each); ' +
          'the decide answer also reads the application back, an audited read (group-committed). ' +
          'The target compares write transactions/s with raw single-row commits/s; decisions/s alone is the stricter reading.',
      };
      if (!run.valid) {
        problems.push(
          `submit + decide: INVALID (errors ${run.errors}, status codes ${JSON.stringify(run.statusCodes)}): ${run.failures.join(' | ')}`,
        );
      }
      if (rawBefore.fileSystem === 'tmpfs')
        warnings.push(
          'the data folder is on tmpfs: fsync is free there, so commit figures mean nothing',
        );
    }

    // 5. Stop (flushes the audit queue), then check what the app wrote.
    const stopCode = await server.stop();
    if (stopCode !== 0)
      problems.push(`Slussa exited with code ${stopCode}: ${server.stderr().slice(-500)}`);
    const profileMs = Date.now() - profileStart;
    const events = (/** @type {string} */ action) =>
      countRows(server.sqlitePath, 'select count(*) as n from audit_events where action = ?', [
        action,
      ]);
    /** @param {string[]} keys */
    const answered = (keys) =>
      keys.reduce((n, k) => n + (routes[k] ? routes[k].ok + routes[k].warmupOk : 0), 0);
    /** @type {Record<string, unknown>} */
    const audit = {
      'application.listed': {
        events: events('application.listed'),
        answeredReads: answered(['queue']),
      },
      'case.listed': {
        events: events('case.listed'),
        answeredReads: answered(['casesStaff', 'casesCoordinator']),
      },
      'case.read': {
        events: events('case.read'),
        answeredReads: answered(['caseDetail', 'caseDetailStaff']),
      },
      'application.submitted': { events: events('application.submitted') },
      'application.decided': { events: events('application.decided') },
    };
    for (const [action, v] of Object.entries(audit)) {
      const { events: n, answeredReads } =
        /** @type {{ events: number, answeredReads?: number }} */ (v);
      if (answeredReads !== undefined && n < answeredReads)
        problems.push(`only ${n} ${action} audit events for ${answeredReads} answered reads`);
    }
    audit.chain = await verifyAuditChain(server.sqlitePath, problems, path.join(REPO_DIR, 'dist'));

    const profile = cpuProfile
      ? latestProfile({ dir: profileDir, since: profileStart, wallMs: profileMs, log, warnings })
      : undefined;

    // Ratios and targets.
    const bareRuns = [bareBefore, bareAfter].filter((m) => m !== undefined);
    const bareRps = bareRuns.length
      ? bareRuns.reduce((n, m) => n + m.rps, 0) / bareRuns.length
      : NaN;
    const bareDrift =
      bareBefore && bareAfter
        ? ratio(bareAfter.rps - bareBefore.rps, bareBefore.rps, 5)
        : undefined;
    const bareCpuRuns = bareRuns.map((m) => m.serverCpuUsPerRequest).filter((x) => x !== undefined);
    const bareCpu = bareCpuRuns.length
      ? bareCpuRuns.reduce((a, b) => a + b, 0) / bareCpuRuns.length
      : undefined;
    /** @param {import('./lib/measure.mjs').Measurement} m */
    const cpuRatio = (m) =>
      bareCpu && m.serverCpuUsPerRequest ? ratio(bareCpu, m.serverCpuUsPerRequest, 5) : undefined;
    for (const m of [...Object.values(routes), ...bareRuns])
      if (!m.valid) problems.push(invalidProblem(m));
    if (bareDrift !== undefined && Math.abs(bareDrift) > 0.15)
      warnings.push(
        `the bare baseline moved ${Math.round(bareDrift * 100)} % between its two runs: the machine was busy; ratios are rough`,
      );
    const busy = busyWarning(env);
    if (busy) warnings.push(busy);

    /** @type {Array<{ name: string, actual: number | undefined, threshold: number, unit: string, status: string }>} */
    const targets = [];
    for (const [key, m] of Object.entries(routes)) {
      const r = ratio(m.rps, bareRps, 5);
      const status = (/** @type {boolean} */ ok) => (!m.valid ? 'INVALID' : ok ? 'met' : 'MISSED');
      const label = routeDefs[/** @type {keyof typeof routeDefs} */ (key)].title;
      targets.push({
        name: `${label}: requests/s ≥ 40 % of bare`,
        actual: r,
        threshold: PROGRAMME_TARGETS.readRatio,
        unit: 'ratio',
        status: status(r >= PROGRAMME_TARGETS.readRatio),
      });
      const fewer = reduced[key];
      targets.push({
        name: fewer
          ? `${label}: p95 < ${PROGRAMME_TARGETS.readP95Ms} ms at ${fewer.wanted} connections ` +
            `(measured at ${m.connections}: a lower bound; by Little's law the mean at ${fewer.wanted} ` +
            `would be about ${fmt((fewer.wanted / Math.max(m.rps, 0.01)) * 1000, 0)} ms)`
          : `${label}: p95 < ${PROGRAMME_TARGETS.readP95Ms} ms at ${m.connections} connections`,
        actual: m.latencyMs.p95,
        threshold: PROGRAMME_TARGETS.readP95Ms,
        unit: 'ms',
        status: fewer && m.valid ? 'MISSED' : status(m.latencyMs.p95 < PROGRAMME_TARGETS.readP95Ms),
      });
    }
    if (writes) {
      const run = /** @type {WriteRun} */ (writes.run);
      const r = /** @type {number} */ (writes.transactionsRatio);
      targets.push({
        name: 'submit + decide: write transactions/s ≥ 60 % of raw single-row commits/s',
        actual: r,
        threshold: PROGRAMME_TARGETS.writeRatio,
        unit: 'ratio',
        status: !run.valid ? 'INVALID' : r >= PROGRAMME_TARGETS.writeRatio ? 'met' : 'MISSED',
      });
      const d = /** @type {number} */ (writes.decisionsRatio);
      targets.push({
        name: 'submit + decide (stricter reading): decisions/s ≥ 60 % of raw single-row commits/s',
        actual: d,
        threshold: PROGRAMME_TARGETS.writeRatio,
        unit: 'ratio',
        status: !run.valid ? 'INVALID' : d >= PROGRAMME_TARGETS.writeRatio ? 'met' : 'MISSED',
      });
    }

    const withRatios = Object.fromEntries(
      Object.entries(routes).map(([k, m]) => [
        k,
        { ...m, ratioToBare: ratio(m.rps, bareRps, 5), cpuRatioToBare: cpuRatio(m) },
      ]),
    );
    const { caseSample, staffCaseSample, writableCaseIds, applicationSample, ...seedFigures } =
      seed;
    const results = {
      name: 'programme',
      startedAt,
      finishedAt: new Date().toISOString(),
      sectionSeconds: secondsSince(sectionStart),
      environment: {
        ...env,
        loadAverageEnd: environment().loadAverage,
        dataFileSystem: fileSystemOf(path.dirname(dataDir)),
      },
      settings: { ...settings, ...measureOpts, cpuProfile },
      seed: {
        apiSeconds: apiSeedSeconds,
        ...seedFigures,
        samples: {
          caseDetail: caseSample.length,
          caseDetailStaff: staffCaseSample.length,
          writableCases: writableCaseIds.length,
          applications: applicationSample.length,
        },
        method:
          'People, NGOs and certifications through the API; then, with the server stopped, cases, applications, ' +
          'decisions, messages, notes and ownership changes inserted with better-sqlite3 (one transaction per ' +
          '5,000 cases, prepared statements, foreign keys on), amounts and warnings from the built rules module, ' +
          'encrypted columns from the built field cipher with the data folder master key.',
      },
      baselines: {
        bare: {
          rps: Math.round(bareRps),
          serverCpuUsPerRequest: bareCpu,
          drift: bareDrift,
          runs: bareRuns,
        },
      },
      candidateFixes: fixes
        ? {
            note: 'EXPERIMENT: these changes were applied to the seeded file; they are not the shipped schema',
            applied: fixes,
            fixes: CANDIDATE_FIXES,
          }
        : undefined,
      answers,
      reducedConnections: reduced,
      routes: withRatios,
      writes,
      audit,
      targets,
      valid: problems.length === 0,
      problems,
      warnings,
      profile,
    };
    const written = writeResults(
      settings.candidateFixes ? 'programme-candidate-fixes' : 'programme',
      results,
    );

    // The tables.
    /** @param {import('./lib/measure.mjs').Measurement} m */
    const starved = (m) =>
      m.latencyMs.p95WithUnanswered !== undefined &&
      m.latencyMs.p95WithUnanswered > m.latencyMs.p95 * 1.25;
    /** @param {import('./lib/measure.mjs').Measurement} m */
    const row = (m) => [
      m.title,
      `${m.connections}${Object.values(routes).includes(m) && reduced[Object.keys(routes).find((k) => routes[k] === m) ?? ''] ? '†' : ''}`,
      fmt(m.rps, m.rps < 10 ? 2 : 0),
      fmt(ratio(m.rps, bareRps, 5), m.rps / bareRps < 0.01 ? 4 : 2),
      fmt(m.latencyMs.p50, 1),
      `${fmt(m.latencyMs.p95, 1)}${starved(m) ? '*' : ''}`,
      fmt(m.latencyMs.p99, 1),
      m.errors + m.timeouts,
      m.non2xx,
      fmt(m.serverCpuUsPerRequest, 0),
      fmt(cpuRatio(m), 2),
    ];
    log('');
    if (fixes)
      log(
        'EXPERIMENT: candidate fixes applied (BENCH_PROG_CANDIDATE_FIXES=1); not the shipped schema',
      );
    log(
      `Support programme: ${fmt(seed.rows.cases, 0)} cases, ${fmt(seed.rows.applications, 0)} applications ` +
        `(${fmt(seed.queue, 0)} in the queue), ${fmt(seed.rows.decisions, 0)} decisions; BENCH_SCALE=${settings.scale}`,
    );
    if (bareRuns.length) {
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
          [...bareRuns.map(row), ...Object.values(routes).map(row)],
        ),
      );
      log(
        `bare baseline ${fmt(bareRps, 0)} req/s (mean of ${bareRuns.length} runs, drift ${fmt((bareDrift ?? 0) * 100, 1)} %); ` +
          'every programme read writes its audit event before it answers',
      );
      for (const [k, r] of Object.entries(reduced)) {
        log(
          `† ${routes[k]?.title}: measured at ${r.connections} connection${r.connections === 1 ? '' : 's'}, not ${r.wanted}: ` +
            `one request alone takes ${fmt(r.aloneMs, 0)} ms, so at ${r.wanted} each would wait behind the others ` +
            `for about ${fmt((r.wanted * r.aloneMs) / 1000, 1)} s (autocannon gives up after 30 s)`,
        );
      }
      for (const m of Object.values(routes).filter(starved)) {
        const u = /** @type {NonNullable<typeof m.unanswered>} */ (m.unanswered);
        log(
          `* ${m.title}: ${u.count} requests unanswered when the run stopped (oldest ${fmt(u.oldestMs / 1000, 1)} s); ` +
            `counting them, p95 ≥ ${fmt(m.latencyMs.p95WithUnanswered, 0)} ms`,
        );
      }
    }
    if (writes) {
      const run = /** @type {WriteRun} */ (writes.run);
      const raw =
        /** @type {{ rowsPerSecond: number, runs: Array<{ rowsPerSecond: number, msPerCommit: number, fileSystem: string }> }} */ (
          writes.raw
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
              fmt(r.rowsPerSecond, 0),
              '–',
              fmt(r.msPerCommit, 2),
              '–',
              '–',
              '–',
              '–',
            ]),
            [
              'POST /api/applications (submit, staff)',
              run.workers,
              fmt(run.submitsPerSecond, 0),
              fmt(ratio(run.submitsPerSecond, raw.rowsPerSecond, 5), 2),
              fmt(run.latencyMs.submit.p50, 1),
              fmt(run.latencyMs.submit.p95, 1),
              fmt(run.latencyMs.submit.p99, 1),
              '',
              '',
            ],
            [
              'POST /api/applications/:id/decisions (coordinator)',
              run.workers,
              fmt(run.decisionsPerSecond, 0),
              fmt(ratio(run.decisionsPerSecond, raw.rowsPerSecond, 5), 2),
              fmt(run.latencyMs.decide.p50, 1),
              fmt(run.latencyMs.decide.p95, 1),
              fmt(run.latencyMs.decide.p99, 1),
              '',
              '',
            ],
            [
              'write transactions (submits + decisions)',
              run.workers,
              fmt(run.transactionsPerSecond, 0),
              fmt(ratio(run.transactionsPerSecond, raw.rowsPerSecond, 5), 2),
              '–',
              '–',
              '–',
              Object.entries(run.statusCodes)
                .filter(([c]) => Number(c) >= 300)
                .reduce((n, [, c]) => n + c, 0) + run.errors,
              fmt(run.serverCpuUsPerTransaction, 0),
            ],
          ],
        ),
      );
      log(
        `raw baseline ${fmt(raw.rowsPerSecond, 0)} commits/s (mean of 2 loops of ${settings.rawCommits}, WAL, synchronous=FULL, ` +
          `in the data folder); server ${fmt(run.serverCpuCores, 2)} cores busy during the writes`,
      );
    }
    const queueAnswer = answers.queue;
    log(
      `seed: ${fmt(seedRows, 0)} rows in ${fmt(seed.seconds, 1)} s = ${fmt(seed.rowsPerSecond, 0)} rows/s ` +
        `(${fmt(seed.encryptions, 0)} values encrypted; API part ${fmt(apiSeedSeconds, 1)} s; file ${fmt(seed.fileBytes / 2 ** 20, 0)} MiB); ` +
        `queue total ${queueAnswer.total}, case detail ${answers.caseDetail.bytes.mean} bytes and ` +
        `${answers.caseDetail.items?.mean} timeline entries on average`,
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
    log('Programme targets (benchmarks inform; they do not fail the build):');
    for (const t of targets) {
      const actual =
        t.actual === undefined
          ? '–'
          : t.unit === 'ratio'
            ? `${fmt(t.actual * 100, t.actual < 0.01 ? 3 : 1)} %`
            : `${fmt(t.actual, 1)} ms`;
      log(`  ${t.status === 'met' ? 'met   ' : t.status.padEnd(6)}  ${t.name}: ${actual}`);
    }
    for (const w of warnings) log(`note: ${w}`);
    if (problems.length) {
      log('');
      log('!!! THE PROGRAMME SECTION HAS PROBLEMS; figures marked INVALID must not be used:');
      for (const p of problems) log(`!!!   ${p}`);
    }
    log(`programme section took ${fmt(results.sectionSeconds, 0)} s`);
    log(`written: ${written.map((f) => path.relative(REPO_DIR, f)).join(', ')}`);
    return results;
  } finally {
    await server.stop();
    if (process.env.BENCH_KEEP_DATA === '1') log(`data folder kept: ${dataDir}`);
    else server.cleanup();
  }
}
