// The mixed load section of `npm run bench` (BENCH_ONLY=load). See bench/README.md.
//
// On SQLite and on PostgreSQL (a fresh database), a Slussa server of its own is
// seeded through its API (people, certified NGOs with staff sessions, a
// coordinator session, a budget period, a few thousand cases with
// applications, most of them decided), then a mixed workload runs at 16, 64
// and 256 connections: 70 % reads (case lists, case detail, application lists
// and detail), 20 % new applications, 10 % decisions, each on a distinct
// pending application (a pool the new applications keep topped up), so a
// conflict (409) is never part of the design. Requests/s is reported as a
// ratio to the bare Fastify route measured at the same connections in the same run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { seedPeople } from './programme.mjs';
import {
  ApiClient,
  BENCH_PASSWORD,
  setPasswordFromInvitation,
  signInComplete,
} from './lib/api.mjs';
import { measureRoute } from './lib/measure.mjs';
import { environment, envNumber, fmt, formatTable, writeResults } from './lib/report.mjs';
import { freePort, startSlussa } from './lib/server.mjs';

/** The mix, per 10 requests: R = read, A = new application, D = decision. */
const MIX = ['R', 'A', 'R', 'R', 'D', 'R', 'R', 'A', 'R', 'R'];

/** A background that passes validation (domain.md §3), varied a little per case. */
const GENDERS = ['woman', 'man', 'woman', 'non_binary_other'];
const AGE_BANDS = ['18_25', '26_30', '31_35', '36_45', '46_plus'];
const NATIONALITIES = ['NG', 'RO', 'TH', 'BG', 'VN', 'SE'];

/** @param {number} i */
function caseBody(i) {
  return {
    background: {
      nationality: NATIONALITIES[i % NATIONALITIES.length],
      gender: GENDERS[i % GENDERS.length],
      ageBand: AGE_BANDS[i % AGE_BANDS.length],
      childrenCount: i % 3 === 0 ? 1 : 0,
      childrenAges: i % 3 === 0 ? [4] : [],
      childrenInHomeCountry: 0,
      exploitationForms: ['sexual'],
      exploitationCountries: ['SE'],
      policeReport: 'no',
      policeReportDate: null,
      residenceStatus: 'asylum_seeker',
      housingSituation: 'protected_housing',
    },
    protectedIdentity: false,
    protectedStaffUserIds: [],
    identityNote: null,
  };
}

/** @param {string} caseId */
const applicationBody = (caseId) =>
  JSON.stringify({
    caseId,
    type: 'intervention',
    interventionCode: 'interpreter',
    quantity: 2,
    unitCostOre: 65_000,
    justification: 'Tolk vid läkarbesök och vid samtal med juristen.',
  });

const DECISION_BODY = JSON.stringify({
  expectedVersion: 1,
  outcome: 'granted',
  grounds: ['meets_criteria'],
  rationale: 'Ansökan uppfyller programmets kriterier.',
});

export function loadSettings() {
  const list = (/** @type {string} */ name, /** @type {string} */ fallback) =>
    (process.env[name] || fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    durationS: envNumber('BENCH_LOAD_DURATION', 30),
    warmupS: envNumber('BENCH_WARMUP', 2),
    bareDurationS: envNumber('BENCH_LOAD_BARE_DURATION', 10),
    connections: list('BENCH_LOAD_CONNECTIONS', '16,64,256').map(Number),
    databases: list('BENCH_LOAD_DATABASES', 'sqlite,postgres'),
    databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    cases: envNumber('BENCH_LOAD_CASES', 2000),
    pending: envNumber('BENCH_LOAD_PENDING', 500),
    staffSessions: envNumber('BENCH_LOAD_STAFF', 5),
    seedConcurrency: envNumber('BENCH_LOAD_SEED_CONCURRENCY', 16),
  };
}

/**
 * Runs `fn` over `items` with `concurrency` at a time; throws on the first failure.
 *
 * @template T, R
 * @param {T[]} items
 * @param {number} concurrency
 * @param {(item: T, i: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
async function inParallel(items, concurrency, fn) {
  /** @type {R[]} */
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next;
        next += 1;
        out[i] = await fn(/** @type {T} */ (items[i]), i);
      }
    }),
  );
  return out;
}

/** A fresh PostgreSQL database for one run; dropped afterwards. */
async function freshPostgres(/** @type {string} */ adminUrl) {
  const name = `slussa_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * Seeds the data set through the API: who works, the budget period, the cases
 * and their applications (all but `pending` decided).
 *
 * @param {import('./lib/server.mjs').SlussaServer} server
 * @param {ReturnType<typeof loadSettings>} s
 * @param {(line: string) => void} log
 */
async function seed(server, s, log) {
  const t0 = performance.now();
  const people = await seedPeople(server);
  const admin = new ApiClient(server.url, server.origin);
  admin.cookie = people.adminCookie;
  const coordinator = new ApiClient(server.url, server.origin);
  coordinator.cookie = people.coordinatorCookie;

  // One signed-in staff member in each of the first NGOs (the first is seedPeople's).
  /** @type {Array<{ organisationId: string, cookie: string, client: ApiClient, caseIds: string[], applicationIds: string[] }>} */
  const staff = [];
  for (const [i, org] of people.organisations.slice(0, s.staffSessions).entries()) {
    let cookie = people.staffCookie;
    if (i > 0) {
      const user = await admin.expect('GET', `/api/users/${org.staffIds[0]}`);
      await setPasswordFromInvitation(server, admin, user.email, BENCH_PASSWORD);
      const signed = await signInComplete(server, { email: user.email, password: BENCH_PASSWORD });
      cookie = /** @type {string} */ (signed.client.cookie);
    }
    const client = new ApiClient(server.url, server.origin);
    client.cookie = cookie;
    staff.push({ organisationId: org.id, cookie, client, caseIds: [], applicationIds: [] });
  }

  // A budget period of the current year whose intervention post holds plenty.
  const year = new Date().getFullYear();
  const period = await coordinator.expect(
    'POST',
    '/api/budget/periods',
    { name: `Programmet ${year}`, startsOn: `${year}-01-01`, endsOn: `${year}-12-31` },
    201,
  );
  for (const post of period.posts) {
    await coordinator.expect('PATCH', `/api/budget/posts/${post.id}`, {
      planAmountOre: 10_000_000_000,
    });
  }

  const tCases = performance.now();
  await inParallel(
    Array.from({ length: s.cases }, (_, i) => i),
    s.seedConcurrency,
    async (i) => {
      const who = /** @type {(typeof staff)[number]} */ (staff[i % staff.length]);
      const c = await who.client.expect('POST', '/api/cases', caseBody(i), 201);
      who.caseIds.push(c.id);
    },
  );
  const tApplications = performance.now();
  /** @type {Array<{ id: string, staff: number }>} */
  const applications = await inParallel(
    Array.from({ length: s.cases }, (_, i) => i),
    s.seedConcurrency,
    async (i) => {
      const n = i % staff.length;
      const who = /** @type {(typeof staff)[number]} */ (staff[n]);
      const caseId = /** @type {string} */ (who.caseIds[Math.floor(i / staff.length)]);
      const res = await who.client.send(
        'POST',
        '/api/applications',
        applicationBody(caseId),
        'application/json',
      );
      if (res.status !== 201)
        throw new Error(
          `POST /api/applications answered ${res.status}: ${JSON.stringify(res.body)}`,
        );
      who.applicationIds.push(res.body.id);
      return { id: res.body.id, staff: n };
    },
  );
  const tDecisions = performance.now();
  const toDecide = applications.slice(0, Math.max(0, applications.length - s.pending));
  await inParallel(toDecide, s.seedConcurrency, async (a) => {
    const res = await coordinator.send(
      'POST',
      `/api/applications/${a.id}/decisions`,
      DECISION_BODY,
      'application/json',
    );
    if (res.status !== 200)
      throw new Error(`decision answered ${res.status}: ${JSON.stringify(res.body)}`);
  });
  const tEnd = performance.now();
  const round1 = (/** @type {number} */ ms) => Math.round(ms / 100) / 10;
  const seedFigures = {
    organisations: people.organisations.length,
    staffSessions: staff.length,
    cases: s.cases,
    applications: applications.length,
    decided: toDecide.length,
    pending: applications.length - toDecide.length,
    seconds: {
      people: round1(tCases - t0),
      cases: round1(tApplications - tCases),
      applications: round1(tDecisions - tApplications),
      decisions: round1(tEnd - tDecisions),
    },
  };
  log(
    `  seeded ${seedFigures.cases} cases, ${seedFigures.applications} applications ` +
      `(${seedFigures.decided} decided) in ${round1(tEnd - t0)} s`,
  );
  return {
    staff,
    coordinatorCookie: people.coordinatorCookie,
    pendingIds: applications.slice(toDecide.length).map((a) => a.id),
    seed: seedFigures,
  };
}

/**
 * The mixed workload as one autocannon request whose setupRequest picks the
 * next request of the mix (one counter shared by all connections).
 *
 * @param {import('./lib/server.mjs').SlussaServer} server
 * @param {Awaited<ReturnType<typeof seed>>} data
 */
function mixedWorkload(server, data) {
  /** @param {string} cookie @param {boolean} [json] */
  const headers = (cookie, json = false) => ({
    origin: server.origin,
    cookie,
    accept: 'application/json',
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  const coordinatorHeaders = headers(data.coordinatorCookie);
  const coordinatorJson = headers(data.coordinatorCookie, true);
  const staffHeaders = data.staff.map((s) => headers(s.cookie));
  const staffJson = data.staff.map((s) => headers(s.cookie, true));
  const pool = [...data.pendingIds];
  /** @type {Record<string, Record<string, number>>} kind → status → count */
  let byKind = {};
  /** @type {Record<string, number[]>} kind → latencies (ms) of its 2xx answers */
  let latencies = {};
  let deferredDecisions = 0;
  let slot = 0;
  let reads = 0;

  /** @param {number} n */
  const pick = (/** @type {string[]} */ xs, n) =>
    /** @type {string} */ (xs[Math.floor(n / data.staff.length) % xs.length]);

  /** The n-th read: the seven kinds in turn, staff rotating over the NGOs. */
  const read = () => {
    const n = reads;
    reads += 1;
    const s = n % data.staff.length;
    const who = /** @type {(typeof data.staff)[number]} */ (data.staff[s]);
    switch (n % 7) {
      case 0:
        return { kind: 'caseList', method: 'GET', path: '/api/cases', headers: staffHeaders[s] };
      case 1:
        return {
          kind: 'caseList',
          method: 'GET',
          path: `/api/cases?page=${1 + (n % 10)}`,
          headers: coordinatorHeaders,
        };
      case 2:
        return {
          kind: 'caseDetail',
          method: 'GET',
          path: `/api/cases/${pick(who.caseIds, n)}`,
          headers: staffHeaders[s],
        };
      case 3:
        return {
          kind: 'caseDetail',
          method: 'GET',
          path: `/api/cases/${pick(who.caseIds, n + 3)}`,
          headers: coordinatorHeaders,
        };
      case 4:
        return {
          kind: 'applicationList',
          method: 'GET',
          path: '/api/applications?status=open',
          headers: coordinatorHeaders,
        };
      case 5:
        return {
          kind: 'applicationList',
          method: 'GET',
          path: '/api/applications',
          headers: staffHeaders[s],
        };
      default:
        return {
          kind: 'applicationDetail',
          method: 'GET',
          path: `/api/applications/${pick(who.applicationIds, n)}`,
          headers: n % 2 ? coordinatorHeaders : staffHeaders[s],
        };
    }
  };

  /** @returns {{ kind: string, method: string, path: string, headers: any, body?: string }} */
  const next = () => {
    const k = MIX[slot % MIX.length];
    slot += 1;
    if (k === 'A') {
      const s = slot % data.staff.length;
      const who = /** @type {(typeof data.staff)[number]} */ (data.staff[s]);
      return {
        kind: 'apply',
        method: 'POST',
        path: '/api/applications',
        headers: staffJson[s],
        body: applicationBody(pick(who.caseIds, slot)),
      };
    }
    if (k === 'D') {
      const id = pool.shift();
      if (id) {
        return {
          kind: 'decide',
          method: 'POST',
          path: `/api/applications/${id}/decisions`,
          headers: coordinatorJson,
          body: DECISION_BODY,
        };
      }
      // Not expected (new applications come at twice the rate): a read keeps the mix going.
      deferredDecisions += 1;
    }
    return read();
  };

  /** @type {import('./lib/measure.mjs').RouteRequest[]} */
  const requests = [
    {
      path: '/api/cases',
      // @ts-expect-error autocannon passes the connection's context as the second argument
      setupRequest: (req, context) => {
        const r = next();
        context.kind = r.kind;
        // Built right before it is written (pipelining 1), so this times the request.
        context.sentAt = performance.now();
        const { kind: _kind, ...rest } = r;
        return { ...req, ...rest, ...(r.body === undefined ? { body: undefined } : {}) };
      },
      // @ts-expect-error autocannon's per-request response hook
      onResponse: (status, body, context) => {
        const kind = /** @type {string} */ (context.kind);
        const row = (byKind[kind] ??= {});
        row[status] = (row[status] ?? 0) + 1;
        if (status >= 200 && status < 300)
          (latencies[kind] ??= []).push(performance.now() - /** @type {number} */ (context.sentAt));
        if (kind === 'apply' && status === 201) {
          try {
            pool.push(JSON.parse(body).id);
          } catch {
            // counted by status already
          }
        }
      },
    },
  ];
  return {
    requests,
    /** Starts counting afresh (after the warm-up). */
    reset: () => {
      byKind = {};
      latencies = {};
      deferredDecisions = 0;
    },
    counts: () => ({
      byKind,
      latencyMsByKind: Object.fromEntries(
        Object.entries(latencies).map(([kind, xs]) => {
          const sorted = [...xs].sort((a, b) => a - b);
          return [kind, { p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99) }];
        }),
      ),
      deferredDecisions,
      poolLeft: pool.length,
    }),
  };
}

/** Exact percentile of sorted values, rounded to 0.1 ms. @param {number[]} sorted @param {number} p */
function pct(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(/** @type {number} */ (sorted[rank - 1]) * 10) / 10;
}

/** @param {import('./lib/measure.mjs').Measurement} m */
function errorsOf(m) {
  /** @type {Record<string, number>} */
  const byStatus = {};
  for (const [code, n] of Object.entries(m.statusCodes)) {
    if (Number(code) < 200 || Number(code) >= 300) byStatus[code] = n;
  }
  // autocannon counts a time-out as an error too.
  const socket = m.errors - m.timeouts;
  if (socket) byStatus.socket = socket;
  if (m.timeouts) byStatus.timeout = m.timeouts;
  return { total: m.non2xx + m.errors, byStatus };
}

/**
 * Waits until the server has worked off what autocannon abandoned when it
 * stopped: its closed connections still wait in the server's accept queue,
 * and each request on them is still served (to no one). Otherwise that backlog
 * runs into the next measurement. Done when GET /api/health, which queues
 * behind it, answers within 250 ms twice in a row. Returns the wait (ms).
 *
 * @param {string} url
 * @param {number} [maxMs]
 */
async function waitForBacklog(url, maxMs = 180_000) {
  const start = performance.now();
  let quick = 0;
  while (quick < 2 && performance.now() - start < maxMs) {
    const t = performance.now();
    try {
      const res = await fetch(`${url}/api/health`);
      await res.arrayBuffer();
      quick = res.status === 200 && performance.now() - t < 250 ? quick + 1 : 0;
    } catch {
      quick = 0;
    }
    if (quick < 2) await new Promise((r) => setTimeout(r, 200));
  }
  return Math.round(performance.now() - start);
}

/**
 * The load section: bare baseline at each connection count, then per database
 * seed and the mixed workload at each connection count.
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').ChildServer} o.bare
 * @param {Set<number>} [o.taken]
 * @param {(s: string) => void} o.log
 */
export async function runLoad({ bare, taken = new Set(), log }) {
  const s = loadSettings();
  const startedAt = new Date().toISOString();
  const env = environment();
  /** @type {string[]} */
  const problems = [];
  log(
    `\nSlussa mixed load: ${s.connections.join('/')} connections, ${s.durationS} s each, ` +
      `on ${s.databases.join(' and ')} (load average ${env.loadAverage.join(' ')})`,
  );

  /** @type {Record<number, import('./lib/measure.mjs').Measurement>} */
  const bareRuns = {};
  for (const c of s.connections) {
    log(`· bare Fastify at ${c} connections`);
    bareRuns[c] = await measureRoute({
      title: `bare GET / (${c})`,
      url: bare.url,
      requests: [{ path: '/' }],
      connections: c,
      duration: s.bareDurationS,
      warmup: 1,
      pid: bare.pid,
    });
  }

  /** @type {any[]} */
  const databases = [];
  for (const database of s.databases) {
    if (database !== 'sqlite' && database !== 'postgres')
      throw new Error(`BENCH_LOAD_DATABASES: unknown ${database}`);
    log(`· ${database}: seeding through the API`);
    const pgdb = database === 'postgres' ? await freshPostgres(s.databaseUrl) : undefined;
    const server = await startSlussa({
      port: await freePort(3300, taken),
      env: pgdb ? { DATABASE_URL: pgdb.url } : {},
    });
    try {
      const data = await seed(server, s, log);
      const workload = mixedWorkload(server, data);
      /** @type {any[]} */
      const levels = [];
      for (const c of s.connections) {
        log(`· ${database}: mixed workload at ${c} connections`);
        /** @type {import('./lib/measure.mjs').Measurement | undefined} */
        let warm;
        if (s.warmupS > 0) {
          warm = await measureRoute({
            title: 'warm-up',
            url: server.url,
            requests: workload.requests,
            connections: c,
            duration: s.warmupS,
            warmup: 0,
          });
        }
        const warmupCounts = workload.counts();
        const backlogAfterWarmupMs = await waitForBacklog(server.url);
        workload.reset();
        const m = await measureRoute({
          title: `mixed (${database}, ${c})`,
          url: server.url,
          requests: workload.requests,
          connections: c,
          duration: s.durationS,
          warmup: 0,
          pid: server.pid,
        });
        const counts = workload.counts();
        const backlogAfterRunMs = await waitForBacklog(server.url);
        const errors = errorsOf(m);
        const bareRps = /** @type {import('./lib/measure.mjs').Measurement} */ (bareRuns[c]).rps;
        const level = {
          connections: c,
          rps: m.rps,
          ratioToBare: Math.round((m.rps / bareRps) * 1000) / 1000,
          bareRps,
          latencyMs: m.latencyMs,
          errors,
          requests: m.requests,
          ok: m.ok,
          byKind: counts.byKind,
          latencyMsByKind: counts.latencyMsByKind,
          deferredDecisions: counts.deferredDecisions,
          pendingPoolLeft: counts.poolLeft,
          serverCpuUsPerRequest: m.serverCpuUsPerRequest,
          serverCpuCores: m.serverCpuCores,
          unanswered: m.unanswered,
          warmup: warm ? { errors: errorsOf(warm), byKind: warmupCounts.byKind } : undefined,
          backlogMs: { afterWarmup: backlogAfterWarmupMs, afterRun: backlogAfterRunMs },
        };
        levels.push(level);
        if (errors.total > 0)
          problems.push(
            `${database} at ${c}: ${errors.total} errors ${JSON.stringify(errors.byStatus)}`,
          );
        if (warm && errorsOf(warm).total > 0)
          problems.push(
            `${database} at ${c} (warm-up): ${JSON.stringify(errorsOf(warm).byStatus)}`,
          );
        if (counts.deferredDecisions > 0)
          problems.push(`${database} at ${c}: ${counts.deferredDecisions} decisions deferred`);
        workload.reset();
      }
      databases.push({ database, seed: data.seed, levels });
    } finally {
      const code = await server.stop();
      if (code !== 0) problems.push(`${database}: the server exited with ${code}`);
      server.cleanup();
      await pgdb?.drop();
    }
  }

  // The bare route again at the middle count: how much the machine's load drifted.
  const mid = s.connections.includes(64) ? 64 : /** @type {number} */ (s.connections[0]);
  const bareAfter = await measureRoute({
    title: `bare GET / after (${mid})`,
    url: bare.url,
    requests: [{ path: '/' }],
    connections: mid,
    duration: s.bareDurationS,
    warmup: 1,
    pid: bare.pid,
  });
  const drift =
    Math.round(
      (bareAfter.rps / /** @type {import('./lib/measure.mjs').Measurement} */ (bareRuns[mid]).rps -
        1) *
        1000,
    ) / 10;

  const rows = databases.flatMap((d) =>
    d.levels.map((/** @type {any} */ l) => [
      d.database,
      l.connections,
      fmt(l.rps, 0),
      fmt(l.ratioToBare, 3),
      fmt(l.latencyMs.p50, 1),
      fmt(l.latencyMs.p95, 1),
      fmt(l.latencyMs.p99, 1),
      l.errors.total,
      fmt(l.bareRps, 0),
    ]),
  );
  log('');
  log(
    formatTable(
      [
        'database',
        'conns',
        'req/s',
        '× bare',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'errors',
        'bare req/s',
      ],
      rows,
    ),
  );
  const kinds = [
    'caseList',
    'caseDetail',
    'applicationList',
    'applicationDetail',
    'apply',
    'decide',
  ];
  log('\np95 ms by kind of request (2xx):');
  log(
    formatTable(
      ['database', 'conns', ...kinds],
      databases.flatMap((d) =>
        d.levels.map((/** @type {any} */ l) => [
          d.database,
          l.connections,
          ...kinds.map((k) => fmt(l.latencyMsByKind[k]?.p95, 1)),
        ]),
      ),
    ),
  );
  log(`bare drift (after ÷ before at ${mid} connections): ${drift >= 0 ? '+' : ''}${drift} %`);
  const loadNow = environment().loadAverage;
  log(`load average at the start ${env.loadAverage.join(' ')}, at the end ${loadNow.join(' ')}`);
  for (const p of problems) log(`!!! ${p}`);
  if (problems.length === 0) log('0 errors at every level: met');

  const written = writeResults('load', {
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: { ...env, loadAverageAtEnd: loadNow },
    settings: s,
    mix: { reads: 0.7, applications: 0.2, decisions: 0.1 },
    bare: { runs: bareRuns, after: bareAfter, driftPercent: drift },
    databases,
    problems,
  });
  log(`results: ${written.join(', ')}`);
  return { databases, problems };
}
