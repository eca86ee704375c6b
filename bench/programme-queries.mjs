// Where the programme routes spend their time, statement by statement.
//
//   BENCH_KEEP_DATA=1 BENCH_ONLY=programme node bench/run.mjs   # keeps the seeded data folder
//   node bench/programme-queries.mjs <data folder> [requests per route] [--fixes]
//
// With --fixes, the candidate fixes (CANDIDATE_FIXES in lib/programme-data.mjs:
// indexes and ANALYZE) are applied to the copy first, to show what they change.
//
// Copies the kept database (and its master key) to a temp folder, builds the
// app in this process from the build (BENCH_DIST or dist; buildApp, the same
// code the server runs), times every SQLite statement it executes (better-sqlite3's
// Statement methods, wrapped), and sends each programme route a number of
// requests with app.inject(), one at a time, so that no other request is in
// the way. Prints, per route, the handler's time per request and the
// statements that take most of it, with SQLite's query plan.
//
// Not part of `npm run bench`: it explains figures, it does not measure throughput.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { applyCandidateFixes } from './lib/programme-data.mjs';
import {
  buildAppIn,
  copyDataFolder,
  queriesArgs,
  queryPlan,
  timeStatements,
} from './lib/queries.mjs';
import { fmt, formatTable } from './lib/report.mjs';

const { source, perRoute, withFixes } = queriesArgs({
  usage: 'node bench/programme-queries.mjs <data folder with slussa.db> [requests]',
  requests: 50,
});

// A copy: the writes below (audit events, applications, decisions) must not change the kept folder.
const { dir, sqlitePath } = await copyDataFolder(
  source,
  'slussa-bench-queries-',
  withFixes ? applyCandidateFixes : undefined,
);
const timer = timeStatements(['all', 'get', 'run']);
const { app, database, sessionCookie, call } = await buildAppIn(dir);
const raw = new Database(sqlitePath, { readonly: true });

const user = (/** @type {string} */ email) =>
  /** @type {{ id: string, organisation_id: string }} */ (
    raw.prepare('select id, organisation_id from users where email = ?').get(email)
  );
const cookieOf = (/** @type {string} */ email) => sessionCookie(user(email).id);
const coordinator = await cookieOf('samordnare1@bench.example');
const staffUser = user('staff1@bench.example');
const staff = await cookieOf('staff1@bench.example');

const sample = (/** @type {string} */ sql, /** @type {unknown[]} */ ...params) =>
  /** @type {Array<{ id: string }>} */ (raw.prepare(sql).all(...params)).map((r) => r.id);
const anyCases = sample('select id from cases order by random() limit ?', perRoute);
const staffCases = sample(
  'select id from cases where owner_organisation_id = ? and protected_identity = 0 order by random() limit ?',
  staffUser.organisation_id,
  perRoute * 4,
);

/**
 * @param {string} title
 * @param {(i: number) => Promise<void>} one
 */
async function profileRoute(title, one) {
  await one(0); // warm: statement cache, JIT
  timer.reset();
  const t = performance.now();
  for (let i = 1; i <= perRoute; i += 1) await one(i);
  const ms = (performance.now() - t) / perRoute;
  const sqlMs = [...timer.stats.values()].reduce((n, s) => n + s.ms, 0) / perRoute;
  const top = [...timer.stats.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, Number(process.env.QUERIES_TOP ?? 6));
  process.stdout.write(
    `\n${title}: ${fmt(ms, 2)} ms a request, of which SQLite ${fmt(sqlMs, 2)} ms ` +
      `(${[...timer.stats.values()].reduce((n, s) => n + s.calls, 0) / perRoute} statements)\n`,
  );
  process.stdout.write(
    `${formatTable(
      ['statement (share of the request)', 'ms/request', 'calls/request', 'plan'],
      top.map(([sql, s]) => {
        const plan = queryPlan(raw, sql);
        return [
          `${Math.round((s.ms / perRoute / ms) * 100)} % ${sql.replace(/\s+/g, ' ').slice(0, 90)}`,
          fmt(s.ms / perRoute, 3),
          fmt(s.calls / perRoute, 1),
          plan.slice(0, 110),
        ];
      }),
    )}\n`,
  );
}

const counts = /** @type {{ cases: number, applications: number }} */ (
  raw
    .prepare(
      'select (select count(*) from cases) as cases, (select count(*) from applications) as applications',
    )
    .get()
);
process.stdout.write(
  `${counts.cases} cases, ${counts.applications} applications; ${perRoute} requests per route, one at a time, in-process (app.inject)\n`,
);
await profileRoute('GET /api/applications?status=open (coordinator)', async () => {
  await call('GET', '/api/applications?status=open', coordinator);
});
await profileRoute('GET /api/cases (staff of the largest NGO)', async () => {
  await call('GET', '/api/cases', staff);
});
await profileRoute('GET /api/cases (coordinator)', async () => {
  await call('GET', '/api/cases', coordinator);
});
await profileRoute('GET /api/cases/:id (coordinator)', async (i) => {
  await call('GET', `/api/cases/${anyCases[i % anyCases.length]}`, coordinator);
});
await profileRoute(
  'POST /api/applications (submit) + POST /api/applications/:id/decisions',
  async (i) => {
    const { id } = await call('POST', '/api/applications', staff, {
      caseId: staffCases[i % staffCases.length],
      type: 'intervention',
      interventionCode: 'interpreter',
      quantity: 2,
      unitCostOre: 65_000,
      justification: 'Tolk vid läkarbesök och vid samtal med juristen.',
    });
    await call('POST', `/api/applications/${id}/decisions`, coordinator, {
      expectedVersion: 1,
      outcome: 'granted',
      grounds: ['meets_criteria'],
      rationale: 'Ansökan uppfyller programmets kriterier.',
    });
  },
);

raw.close();
await app.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
