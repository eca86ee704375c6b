// Where the reports' time goes: `node bench/reports-queries.mjs <data folder> [requests per route] [--only=key,…]`
// on a folder kept by `BENCH_KEEP_DATA=1 BENCH_ONLY=reports node bench/run.mjs`. Copies it, builds the app
// in-process from the build (BENCH_DIST or dist), times every SQLite statement while it sends each route
// requests one at a time with app.inject(), and prints per route the time per request, the statements that
// take it, and the raw SQL of the same figures next to it. See bench/README.md.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { budgetPeriodDates } from './lib/budget-data.mjs';
import { buildAppIn, copyDataFolder, queriesArgs, timeStatements } from './lib/queries.mjs';
import {
  nationalTableSql,
  periodReportSql,
  reportVocabulary,
  timeRawSet,
} from './lib/reports-data.mjs';

const { source, perRoute, only } = queriesArgs({
  usage:
    'node bench/reports-queries.mjs <data folder with slussa.db> [requests] [--only=yearInternal,…]',
  requests: 3,
});

// A copy: the audit events written below must not change the kept folder.
const { dir, sqlitePath } = await copyDataFolder(source, 'slussa-bench-reports-queries-');
const timer = timeStatements();
const { app, config, database, sessionCookie } = await buildAppIn(dir);
const raw = new Database(sqlitePath, { readonly: true });
const coordinatorId = /** @type {{ id: string }} */ (
  raw.prepare('select id from users where email = ?').get('samordnare1@bench.example')
).id;
const cookie = await sessionCookie(coordinatorId);
const period = /** @type {{ starts_on: string, ends_on: string }} */ (
  raw.prepare('select starts_on, ends_on from budget_periods order by starts_on desc limit 1').get()
);
const round = /** @type {{ id: string, year: number }} */ (
  raw.prepare('select id, year from contact_stat_rounds order by year desc limit 1 offset 1').get()
);
const postIds = (/** @type {{ from: string, to: string }} */ r) =>
  /** @type {Array<{ id: string }>} */ (
    raw
      .prepare(
        'select p.id from budget_posts p join budget_periods b on b.id = p.period_id where b.starts_on <= ? and b.ends_on >= ?',
      )
      .all(r.to, r.from)
  ).map((p) => p.id);
const v = await reportVocabulary();
const year = { from: period.starts_on, to: period.ends_on };
const today = budgetPeriodDates(Date.now()).today;
const y = Number(today.slice(0, 4));
const m = Number(today.slice(5, 7)) - 1;
const month = {
  from: new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10),
  to: new Date(Date.UTC(y, m, 1) - 86_400_000).toISOString().slice(0, 10),
};
const posts = { year: postIds(year), month: postIds(month) };
raw.close();
/** @type {Record<string, { url: string, raw: () => import('./lib/reports-data.mjs').RawStatement[] }>} */
const routes = {};
for (const [key, r] of /** @type {const} */ ([
  ['year', year],
  ['month', month],
]))
  for (const version of /** @type {const} */ (['internal', 'publishable']))
    routes[`${key}${version === 'internal' ? 'Internal' : 'Publishable'}`] = {
      url: `/api/reports/period?from=${r.from}&to=${r.to}&version=${version}`,
      raw: () => periodReportSql(v, r, version, posts[key]),
    };
for (const version of ['internal', 'publishable'])
  routes[`national${version === 'internal' ? 'Internal' : 'Publishable'}`] = {
    url: `/api/contact-statistics/rounds/${round.id}/national?version=${version}`,
    raw: () => nationalTableSql(round.id),
  };

const line = (/** @type {string} */ s) => process.stdout.write(`${s}\n`);
for (const [key, r] of Object.entries(routes)) {
  if (only.length && !only.includes(key)) continue;
  timer.reset();
  /** @type {number[]} */
  const ms = [];
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < perRoute; i += 1) {
    const t = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: r.url,
      headers: { cookie, origin: config.publicUrl },
    });
    ms.push(performance.now() - t);
    bytes = res.body.length;
    if (res.statusCode !== 200)
      throw new Error(`${r.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  }
  const cpu = process.cpuUsage(cpu0);
  const sqlMs = [...timer.stats.values()].reduce((n, s) => n + s.ms, 0) / perRoute;
  const top = [...timer.stats].sort((x, z) => z[1].ms - x[1].ms).slice(0, 8);
  const rawTiming = timeRawSet(sqlitePath, r.raw(), {
    seconds: 0,
    minRuns: perRoute,
    warm: 1,
  }).timing;
  line(
    `\n${key}: ${r.url}\n  ${ms.map((x) => x.toFixed(0)).join(', ')} ms per request (${(bytes / 1024).toFixed(0)} KiB); ` +
      `SQL ${sqlMs.toFixed(0)} ms of it; CPU ${((cpu.user + cpu.system) / 1000 / perRoute).toFixed(0)} ms per request; ` +
      `raw SQL of the same figures: mean ${rawTiming.ms.mean} ms`,
  );
  for (const [sql, s] of top)
    line(
      `  ${(s.ms / perRoute).toFixed(1).padStart(8)} ms ${String(s.calls / perRoute).padStart(4)}× ${sql.replace(/\s+/g, ' ').slice(0, 160)}`,
    );
}
await app.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
