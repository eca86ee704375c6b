// Where the budget routes spend their time, statement by statement.
//
//   BENCH_KEEP_DATA=1 BENCH_ONLY=budget node bench/run.mjs   # keeps the seeded data folder
//   node bench/budget-queries.mjs <data folder> [requests per route] [--fixes] [--only=decide,…]
//
// With --fixes, the candidate fixes (BUDGET_CANDIDATE_FIXES in
// lib/budget-data.mjs: indexes and ANALYZE) are applied to the copy first.
//
// Copies the kept database (and its master key) to a temp folder, builds the
// app in this process from the build (BENCH_DIST or dist; buildApp, the same
// code the server runs), times every SQLite statement it executes (better-sqlite3's
// Statement methods, wrapped; COMMIT includes its fsync), and sends each
// budget route a number of requests with app.inject(), one at a time, so
// that no other request is in the way: the period's balances, the biggest
// post's statement (last page, first page, a middle page) and decisions that
// commit money on fresh applications. Prints, per route, the handler's time
// per request and the statements that take it, with SQLite's query plan, next
// to the raw SQL sums the benchmark compares the reads with.
//
// Not part of `npm run bench`: it explains figures, it does not measure throughput.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { RAW_SQL, timeRawQuery } from './budget.mjs';
import { applyBudgetCandidateFixes } from './lib/budget-data.mjs';
import {
  buildAppIn,
  copyDataFolder,
  queriesArgs,
  queryPlan,
  timeStatements,
} from './lib/queries.mjs';
import { fmt, formatTable } from './lib/report.mjs';

/** --only=balances,statement,statementFirst,statementMiddle,decide: profile only these. */
const { source, perRoute, withFixes, wanted } = queriesArgs({
  usage:
    'node bench/budget-queries.mjs <data folder with slussa.db> [requests] [--fixes] [--only=balances,statement,statementFirst,statementMiddle,decide]',
  requests: 50,
});

// A copy: the writes below (audit events, decisions, ledger entries) must not change the kept folder.
const { dir, sqlitePath } = await copyDataFolder(
  source,
  'slussa-bench-budget-queries-',
  withFixes ? applyBudgetCandidateFixes : undefined,
);
const timer = timeStatements();
const { app, database, sessionCookie, call: inject } = await buildAppIn(dir);
const raw = new Database(sqlitePath, { readonly: true });

const coordinatorId = /** @type {{ id: string }} */ (
  raw.prepare('select id from users where email = ?').get('samordnare1@bench.example')
).id;
const coordinator = await sessionCookie(coordinatorId);

const period = /** @type {{ id: string }} */ (
  raw.prepare('select id from budget_periods order by starts_on desc limit 1').get()
);
const post = /** @type {{ id: string, name: string, n: number }} */ (
  raw
    .prepare(
      `select p.id, p.name, count(*) as n from budget_posts p join budget_entries e on e.post_id = p.id
       where p.period_id = ? group by p.id order by n desc limit 1`,
    )
    .get(period.id)
);
const fresh = /** @type {Array<{ id: string, version: number }>} */ (
  raw
    .prepare(
      `select id, version from applications where status = 'submitted' and type in ('intervention', 'integration')
       and rate_schedule_id in (select id from rate_schedules where budget_period_id = ?)
       order by submitted_at desc limit ?`,
    )
    .all(period.id, perRoute + 1)
);

/** As the coordinator. @param {string} method @param {string} url @param {unknown} [body] */
const call = (method, url, body) => inject(method, url, coordinator, body);
/** @param {string} sql */
const planOf = (sql) => queryPlan(raw, sql);

/**
 * @param {string} title
 * @param {(i: number) => Promise<void>} one
 * @param {number} [count]
 */
async function profileRoute(title, one, count = perRoute) {
  const warm = performance.now();
  await one(0); // warm: statement cache, JIT
  const alone = performance.now() - warm;
  // Slow routes get fewer requests: about ten seconds' worth, at least two.
  if (alone * count > 10_000) count = Math.max(2, Math.floor(10_000 / alone));
  timer.reset();
  const t = performance.now();
  for (let i = 1; i <= count; i += 1) await one(i);
  const ms = (performance.now() - t) / count;
  const sqlMs = [...timer.stats.values()].reduce((n, s) => n + s.ms, 0) / count;
  const top = [...timer.stats.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, Number(process.env.QUERIES_TOP ?? 8));
  process.stdout.write(
    `\n${title}: ${fmt(ms, 2)} ms a request, of which SQLite ${fmt(sqlMs, 2)} ms ` +
      `(${fmt([...timer.stats.values()].reduce((n, s) => n + s.calls, 0) / count, 1)} statements)\n`,
  );
  process.stdout.write(
    `${formatTable(
      ['statement (share of the request)', 'ms/request', 'calls/request', 'plan'],
      top.map(([sql, s]) => [
        `${Math.round((s.ms / count / ms) * 100)} % ${sql.replace(/\s+/g, ' ').slice(0, 100)}`,
        fmt(s.ms / count, 3),
        fmt(s.calls / count, 1),
        planOf(sql).slice(0, 120),
      ]),
    )}\n`,
  );
  // The whole plan of the statements that take most of the time.
  for (const [sql, s] of top.slice(0, 2)) {
    if (s.ms / count / ms < 0.1) continue;
    const plan = planOf(sql);
    if (plan)
      process.stdout.write(
        `  plan of ${sql.replace(/\s+/g, ' ').slice(0, 60)}…:\n    ${plan.split('; ').join('\n    ')}\n`,
      );
  }
}

const counts = /** @type {{ entries: number, posts: number }} */ (
  raw
    .prepare(
      'select (select count(*) from budget_entries where period_id = ?) as entries, (select count(*) from budget_posts where period_id = ?) as posts',
    )
    .get(period.id, period.id)
);
const today = (await call('GET', `/api/budget/periods/${period.id}/balances`)).date;
process.stdout.write(
  `${counts.entries} ledger entries on ${counts.posts} posts; statement of ${post.name} (${post.n} entries); ` +
    `${perRoute} requests per route, one at a time, in-process (app.inject)\n`,
);
const rawBalances = timeRawQuery(sqlitePath, RAW_SQL.balances, [period.id, today], 1);
const rawPost = timeRawQuery(sqlitePath, RAW_SQL.postSum, [post.id, today], 1);
process.stdout.write(
  `raw SQL, p50 / p95: period sum ${fmt(rawBalances.ms.p50, 2)} / ${fmt(rawBalances.ms.p95, 2)} ms (${planOf(RAW_SQL.balances)}); ` +
    `post sum ${fmt(rawPost.ms.p50, 2)} / ${fmt(rawPost.ms.p95, 2)} ms (${planOf(RAW_SQL.postSum)})\n`,
);

if (wanted('balances'))
  await profileRoute('GET /api/budget/periods/:id/balances', async () => {
    await call('GET', `/api/budget/periods/${period.id}/balances`);
  });
const last = await call('GET', `/api/budget/posts/${post.id}/statement`);
if (wanted('statement'))
  await profileRoute(
    `GET /api/budget/posts/:id/statement (default: page ${last.page ?? '–'} of ${last.pageCount ?? '–'})`,
    async () => {
      await call('GET', `/api/budget/posts/${post.id}/statement`);
    },
  );
if (typeof last.pageCount === 'number' && wanted('statementFirst'))
  await profileRoute('GET /api/budget/posts/:id/statement?page=1', async () => {
    await call('GET', `/api/budget/posts/${post.id}/statement?page=1`);
  });
if (typeof last.pageCount === 'number' && wanted('statementMiddle')) {
  const middle = Math.max(1, Math.floor(last.pageCount / 2));
  const t = performance.now();
  await call('GET', `/api/budget/posts/${post.id}/statement?page=1`);
  const firstMs = performance.now() - t;
  // A middle page makes SQLite produce (and join) every line before it; when the first page is
  // already slow, that would take minutes.
  if (firstMs < 1000)
    await profileRoute(`GET /api/budget/posts/:id/statement?page=${middle}`, async () => {
      await call('GET', `/api/budget/posts/${post.id}/statement?page=${middle}`);
    });
  else
    process.stdout.write(
      `\nGET /api/budget/posts/:id/statement?page=${middle}: not profiled; the first page alone takes ` +
        `${fmt(firstMs, 0)} ms, and a middle page makes SQLite join about ${fmt(middle, 0)} times as many lines\n`,
    );
}
if (fresh.length > 1 && wanted('decide')) {
  await profileRoute(
    'POST /api/applications/:id/decisions (grant in full, commits money)',
    async (i) => {
      const a = /** @type {{ id: string, version: number }} */ (fresh[i]);
      await call('POST', `/api/applications/${a.id}/decisions`, {
        expectedVersion: a.version,
        outcome: 'granted',
        grounds: ['meets_criteria'],
        rationale: 'Ansökan uppfyller programmets kriterier.',
        allowOverdraw: true,
      });
    },
    fresh.length - 1,
  );
}

raw.close();
await app.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
