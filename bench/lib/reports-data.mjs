// Data and raw SQL for the reports benchmark (bench/reports.mjs):
// - seedContactStatistics: a few hundred civil-society organisations and three
//   yearly contact-statistics rounds with their reports and figures, written
//   straight into a stopped server's SQLite file;
// - the raw SQL aggregates of the period report's and the national contact
//   table's figures (the baselines), and the figures they give, to check the
//   routes' answers against.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { prng } from './directory-data.mjs';
import { between, iso, pick, pickWeighted, uuidv7At } from './programme-data.mjs';
import { percentile, round3 } from './report.mjs';
import { DIST_DIR } from './server.mjs';

/** @param {string} rel  a module under dist/server */
const dist = (rel) => import(pathToFileURL(path.join(DIST_DIR, 'server', rel)).href);

const DAY_MS = 86_400_000;

/* ---------- contact statistics ---------- */

const CERTAINTY = /** @type {Array<[string, number]>} */ ([
  ['possible', 5],
  ['probable', 3],
  ['suspected', 2],
]);
const GENDER = /** @type {Array<[string, number]>} */ ([
  ['woman', 62],
  ['man', 33],
  ['non_binary_other', 2],
  ['unknown', 3],
]);
const AGE_GROUP = /** @type {Array<[string, number]>} */ ([
  ['adult', 80],
  ['child', 15],
  ['unknown', 5],
]);
const FORM = /** @type {Array<[string, number]>} */ ([
  ['sexual', 45],
  ['labour', 25],
  ['forced_criminality', 8],
  ['begging', 10],
  ['organ_removal', 1],
  ['other', 11],
]);

/**
 * @typedef {object} ContactSeed
 * @property {Array<{ id: string, year: number, submitted: number, drafts: number }>} rounds
 * @property {string} measuredRoundId   the last closed round (the previous year's): its national table is measured
 * @property {number} organisations     organisations written (reporting and others)
 * @property {Record<string, number>} rows
 * @property {number} seconds
 */

/**
 * Writes `organisations` civil-society organisations (most of them members or
 * partners of the platform, so expected to report; some not) and a round for
 * each of the three years up to this one: the two closed rounds with nearly
 * every expected organisation's report submitted, this year's open one about
 * half submitted, some drafts. Each report counts 3–400 persons spread over
 * certainty × gender × age group × form (one row per non-zero cell), with the
 * totals the breakdown adds up to.
 *
 * @param {object} o
 * @param {string} o.sqlitePath
 * @param {string} o.coordinatorId
 * @param {number} o.organisations
 * @param {number} [o.now]
 * @param {number} [o.seed]
 * @returns {ContactSeed}
 */
export function seedContactStatistics({
  sqlitePath,
  coordinatorId,
  organisations: orgCount,
  now = Date.now(),
  seed = 20250331,
}) {
  const started = process.hrtime.bigint();
  const rnd = prng(seed);
  const db = new Database(sqlitePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  /** @type {Record<string, number>} */
  const rows = {
    organisations: 0,
    contact_stat_rounds: 0,
    contact_stat_reports: 0,
    contact_stat_figures: 0,
  };
  /** @type {ContactSeed['rounds']} */
  const rounds = [];
  try {
    const counties = /** @type {string[]} */ ([
      'AB',
      'AB',
      'AB',
      'O',
      'O',
      'M',
      'M',
      'C',
      'D',
      'E',
      'F',
      'H',
      'K',
      'S',
      'T',
      'U',
      'X',
      'Y',
      'Z',
      'BD',
      'national',
    ]);
    const insertOrg = db.prepare(
      `insert into organisations (id, name, type, county, created_at, updated_at, membership, membership_since)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertRound = db.prepare(
      `insert into contact_stat_rounds (id, year, deadline, version, opened_at, opened_by, updated_at, updated_by)
       values (?, ?, ?, 1, ?, ?, ?, ?)`,
    );
    const insertReport = db.prepare(
      `insert into contact_stat_reports (id, round_id, organisation_id, status, version, total_possible,
         total_probable, total_suspected, submitted_at, submitted_by, reopened, created_at, created_by,
         updated_at, updated_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, 0, ?, null, ?, null)`,
    );
    const insertFigure = db.prepare(
      `insert into contact_stat_figures (report_id, certainty, gender, age_group, form, persons)
       values (?, ?, ?, ?, ?, ?)`,
    );
    const thisYear = new Date(now).getUTCFullYear();
    db.transaction(() => {
      /** @type {Array<{ id: string, expected: boolean, size: number }>} */
      const orgs = [];
      const created = now - 6 * 365 * DAY_MS;
      for (let i = 0; i < orgCount; i += 1) {
        const id = uuidv7At(created + i * 1000);
        const expected = rnd() < 0.85;
        const type = rnd() < 0.85 ? 'ngo' : 'faith';
        const membership = expected ? (rnd() < 0.8 ? 'member' : 'partner') : 'none';
        insertOrg.run(
          id,
          `Stödföreningen ${i + 1}`,
          type,
          pick(rnd, counties),
          iso(created),
          iso(created),
          membership,
          expected ? '2016-01-01' : null,
        );
        // Most organisations meet few persons a year, a handful many.
        const size = rnd() < 0.1 ? between(rnd, 100, 400) : between(rnd, 3, 60);
        orgs.push({ id, expected, size });
      }
      rows.organisations = orgCount;

      for (const year of [thisYear - 2, thisYear - 1, thisYear]) {
        const open = year === thisYear;
        const openedAt = Date.UTC(year + 1, 0, 10);
        const roundId = uuidv7At(Math.min(openedAt, now - DAY_MS));
        const at = iso(Math.min(openedAt, now - DAY_MS));
        insertRound.run(roundId, year, `${year + 1}-03-31`, at, coordinatorId, at, coordinatorId);
        rows.contact_stat_rounds += 1;
        let submitted = 0;
        let drafts = 0;
        for (const org of orgs) {
          // Organisations outside the platform report now and then (they count as expected then).
          const reports = org.expected ? rnd() < (open ? 0.65 : 0.97) : rnd() < 0.1;
          if (!reports) continue;
          const draft = rnd() < (open ? 0.25 : 0.03);
          const reportId = uuidv7At(
            Math.min(openedAt + between(rnd, 1, 60) * DAY_MS, now - 3600_000),
          );
          /** @type {Map<string, number>} */
          const cells = new Map();
          const persons = Math.max(1, Math.round(org.size * (0.7 + rnd() * 0.6)));
          const totals = { possible: 0, probable: 0, suspected: 0 };
          for (let p = 0; p < persons; p += 1) {
            const c = pickWeighted(rnd, CERTAINTY);
            const key = [
              c,
              pickWeighted(rnd, GENDER),
              pickWeighted(rnd, AGE_GROUP),
              pickWeighted(rnd, FORM),
            ].join('|');
            cells.set(key, (cells.get(key) ?? 0) + 1);
            totals[/** @type {'possible' | 'probable' | 'suspected'} */ (c)] += 1;
          }
          const when = iso(Math.min(openedAt + between(rnd, 20, 80) * DAY_MS, now - 3600_000));
          insertReport.run(
            reportId,
            roundId,
            org.id,
            draft ? 'draft' : 'submitted',
            draft ? 1 : 2,
            totals.possible,
            totals.probable,
            totals.suspected,
            draft ? null : when,
            when,
            when,
          );
          rows.contact_stat_reports += 1;
          for (const [key, n] of cells) {
            const [c, g, a, f] = key.split('|');
            insertFigure.run(reportId, c, g, a, f, n);
            rows.contact_stat_figures += 1;
          }
          if (draft) drafts += 1;
          else submitted += 1;
        }
        rounds.push({ id: roundId, year, submitted, drafts });
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const measured = /** @type {ContactSeed['rounds'][number]} */ (rounds[1]);
  return {
    rounds,
    measuredRoundId: measured.id,
    organisations: orgCount,
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

/* ---------- the raw SQL of the same figures ---------- */

/** A statement of a raw baseline, with its parameters. */
/** @typedef {{ name: string, sql: string, params: unknown[] }} RawStatement */

/** `?, ?, ?` for a list. @param {readonly unknown[]} xs */
const marks = (xs) => xs.map(() => '?').join(', ');

/**
 * The reference lists the report uses (from the built server, so the raw SQL
 * and the check follow the same vocabulary).
 */
export async function reportVocabulary() {
  const ref = await dist('core/reference.js');
  const schemas = await dist('modules/reports/reports.schemas.js');
  const regions = await dist('modules/statistics/regions.js');
  const time = await dist('core/time.js');
  return {
    applicationTypes: /** @type {string[]} */ ([...ref.APPLICATION_TYPES]),
    outcomes: /** @type {string[]} */ ([...schemas.REPORT_OUTCOMES]),
    forms: /** @type {string[]} */ ([...ref.EXPLOITATION_FORMS]),
    genders: /** @type {string[]} */ ([...ref.GENDERS]),
    ageBands: /** @type {string[]} */ ([...ref.AGE_BANDS]),
    police: /** @type {string[]} */ ([...ref.POLICE_REPORT_ANSWERS]),
    countryCodes: /** @type {string[]} */ ([...ref.COUNTRY_CODES]),
    worldRegions: /** @type {string[]} */ ([...regions.WORLD_REGIONS]),
    regionByCountry: /** @type {Record<string, string>} */ (regions.REGION_BY_COUNTRY),
    maxLinesPerPost: /** @type {number} */ (schemas.MAX_LINES_PER_POST),
    notesPageSize: /** @type {number} */ (schemas.NOTES_PAGE_SIZE),
    dayStartUtc: /** @type {(date: string, days?: number) => string} */ (time.stockholmDayStartUtc),
  };
}
/** @typedef {Awaited<ReturnType<typeof reportVocabulary>>} Vocabulary */

const GRANTING = ['granted', 'partially_granted', 'granted_with_condition'];

/**
 * The raw SQL of the period report's figures for a range: the same GROUP BYs
 * over the same rows, written by hand for SQLite. The admitted persons are
 * selected once (a materialised CTE) and every background table is one
 * grouped branch of a single statement; the internal version adds the rows it
 * lists (the first page of decision notes, as the route reads it by default,
 * and each post's ledger lines, as stored: the raw side decrypts nothing).
 *
 * @param {Vocabulary} v
 * @param {{ from: string, to: string }} range
 * @param {'internal' | 'publishable'} version
 * @param {string[]} postIds   the posts of the periods overlapping the range (internal: their lines)
 * @returns {RawStatement[]}
 */
export function periodReportSql(v, { from, to }, version, postIds) {
  const start = v.dayStartUtc(from);
  const end = v.dayStartUtc(to, 1);
  const o = v.outcomes;
  const counted = `
    select a.type as type, a.case_id as case_id, d.outcome as outcome, d.id as id,
           coalesce(d.approved_at, d.decided_at) as final_at
    from decisions d join applications a on a.id = d.application_id
    where d.approval_status = 'final' and d.outcome in (${marks(o)})
      and coalesce(d.approved_at, d.decided_at) >= ? and coalesce(d.approved_at, d.decided_at) < ?
      and not exists (
        select 1 from decisions l
        where l.application_id = d.application_id and l.sequence > d.sequence
          and l.approval_status = 'final' and l.outcome in (${marks(o)})
          and coalesce(l.approved_at, l.decided_at) < ?)`;
  const countedParams = [...o, start, end, ...o, end];
  const band = (col) =>
    `case when ${col} = 0 then '0' when ${col} = 1 then '1' when ${col} = 2 then '2' else '3_plus' end`;
  const regionCase = `case ${v.worldRegions
    .map((r) => {
      const codes = Object.keys(v.regionByCountry).filter((c) => v.regionByCountry[c] === r);
      return `when x.value in (${codes.map((c) => `'${c}'`).join(', ')}) then '${r}'`;
    })
    .join(' ')} else 'unknown' end`;
  /** @type {RawStatement[]} */
  const out = [
    {
      name: 'received',
      sql: 'select type as code, count(*) as n from applications where submitted_date >= ? and submitted_date <= ? group by type',
      params: [from, to],
    },
    {
      name: 'decided',
      sql: `select type, outcome, count(*) as n from (${counted}) group by type, outcome`,
      params: countedParams,
    },
    {
      name: 'open',
      sql: `select a.type as code, count(*) as n from applications a
            where a.submitted_date <= ? and not exists (
              select 1 from decisions d where d.application_id = a.id and d.approval_status = 'final'
                and d.outcome in (${marks(o)}) and coalesce(d.approved_at, d.decided_at) < ?)
            group by a.type`,
      params: [to, ...o, end],
    },
    {
      name: 'periods',
      sql: 'select id, starts_on, ends_on from budget_periods where starts_on <= ? and ends_on >= ? order by starts_on, id',
      params: [to, from],
    },
    {
      name: 'posts',
      sql: `select p.id, p.period_id from budget_posts p join budget_periods b on b.id = p.period_id
            where b.starts_on <= ? and b.ends_on >= ? order by p.period_id, p.sort_order, p.id`,
      params: [to, from],
    },
    {
      name: 'fundsBefore',
      sql: `select e.post_id, e.kind, sum(e.amount_ore) as s from budget_entries e
            join budget_periods b on b.id = e.period_id
            where b.starts_on <= ? and b.ends_on >= ? and e.entry_date < ? group by e.post_id, e.kind`,
      params: [to, from, from],
    },
    {
      name: 'fundsDuring',
      sql: `select e.post_id, e.kind, sum(e.amount_ore) as s from budget_entries e
            join budget_periods b on b.id = e.period_id
            where b.starts_on <= ? and b.ends_on >= ? and e.entry_date >= ? and e.entry_date <= ?
            group by e.post_id, e.kind`,
      params: [to, from, from, to],
    },
    {
      name: 'background',
      sql: `with adm as materialized (
              select c.* from cases c where c.id in (
                select case_id from (${counted}) where type = 'admission' and outcome in (${marks(GRANTING)}))
            )
            select 'persons' as dim, null as code, count(*) as n from adm
            union all select 'nationality', nationality, count(*) from adm group by nationality
            union all select 'gender', gender, count(*) from adm group by gender
            union all select 'ageBand', age_band, count(*) from adm group by age_band
            union all select 'accompanying', ${band('children_count')}, count(*) from adm group by 2
            union all select 'home', ${band('children_in_home_country')}, count(*) from adm group by 2
            union all select 'formClass', case json_array_length(exploitation_forms) when 0 then 'unknown'
                when 1 then 'single' else 'multiple' end, count(*) from adm group by 2
            union all select 'singleForm', f.value, count(*) from adm, json_each(adm.exploitation_forms) f
                where json_array_length(adm.exploitation_forms) = 1 group by f.value
            union all select 'formEach', f.value, count(distinct adm.id) from adm, json_each(adm.exploitation_forms) f
                group by f.value
            union all select 'combination', exploitation_forms, count(*) from adm
                where json_array_length(exploitation_forms) > 1 group by exploitation_forms
            union all select 'country', x.value, count(distinct adm.id) from adm, json_each(adm.exploitation_countries) x
                group by x.value
            union all select 'region', code, count(*) from (
                select distinct adm.id, ${regionCase} as code from adm, json_each(adm.exploitation_countries) x)
                group by code
            union all select 'countryNone', null, count(*) from adm where json_array_length(exploitation_countries) = 0
            union all select 'police', police_report, count(*) from adm group by police_report`,
      params: [...countedParams, ...GRANTING],
    },
  ];
  if (version === 'internal') {
    out.push({
      name: 'notes',
      sql: `select k.id, k.outcome, d.grounds, d.rationale_enc, d.supersedes_id, k.type, c.code, k.final_at
            from (${counted}) k join decisions d on d.id = k.id left join cases c on c.id = k.case_id
            order by k.final_at, k.id limit ? offset ?`,
      params: [...countedParams, v.notesPageSize, 0],
    });
    out.push({
      name: 'grounds',
      sql: 'select code, name_sv, name_en from decision_grounds',
      params: [],
    });
    for (const postId of postIds)
      out.push({
        name: `lines:${postId}`,
        sql: `select e.entry_date, e.line_no, e.kind, e.amount_ore, c.code, op.name
              from budget_entries e
              left join cases c on c.id = e.case_id
              left join budget_entries other on other.transfer_id = e.transfer_id and other.id != e.id
                and e.transfer_id is not null
              left join budget_posts op on op.id = other.post_id
              where e.post_id = ? and e.entry_date >= ? and e.entry_date <= ?
              order by e.entry_date, e.line_no limit ?`,
        params: [postId, from, to, v.maxLinesPerPost + 1],
      });
  }
  return out;
}

/**
 * The raw SQL of the national contact table of a round: the round's counts of
 * expected and reporting organisations, the cells summed over its submitted
 * reports, and the totals per certainty.
 *
 * @param {string} roundId
 * @returns {RawStatement[]}
 */
export function nationalTableSql(roundId) {
  return [
    {
      name: 'round',
      sql: `select k.id, k.year, k.deadline,
              (select count(*) from organisations o
                where (o.type in ('ngo', 'faith') and o.membership in ('member', 'partner'))
                   or exists (select 1 from contact_stat_reports x where x.round_id = k.id and x.organisation_id = o.id)
              ) as expected,
              (select count(*) from contact_stat_reports s where s.round_id = k.id and s.status = 'submitted') as submitted
            from contact_stat_rounds k where k.id = ?`,
      params: [roundId],
    },
    {
      name: 'cells',
      sql: `select f.certainty, f.gender, f.age_group, f.form, sum(f.persons) as persons
            from contact_stat_figures f join contact_stat_reports r on r.id = f.report_id
            where r.round_id = ? and r.status = 'submitted'
            group by f.certainty, f.gender, f.age_group, f.form`,
      params: [roundId],
    },
    {
      name: 'certainty',
      sql: `select f.certainty, sum(f.persons) as persons
            from contact_stat_figures f join contact_stat_reports r on r.id = f.report_id
            where r.round_id = ? and r.status = 'submitted' group by f.certainty`,
      params: [roundId],
    },
  ];
}

/**
 * Runs a raw baseline's statements once each, in one read transaction (as the
 * server reads a report in one snapshot), every row stepped through.
 *
 * @param {Database.Database} db
 * @param {Array<{ name: string, stmt: Database.Statement, params: unknown[] }>} prepared
 */
function runOnce(db, prepared) {
  /** @type {Record<string, any[]>} */
  const out = {};
  db.exec('begin');
  try {
    for (const p of prepared) out[p.name] = p.stmt.all(...p.params);
  } finally {
    db.exec('commit');
  }
  return out;
}

/**
 * @typedef {object} RawSetTiming
 * @property {string[]} statements   their names
 * @property {number} runs
 * @property {Record<string, number>} rows   rows each statement returns
 * @property {{ mean: number, p50: number, p95: number, p99: number, max: number }} ms  per run of the whole set
 * @property {number} cpuMsPerRun    this process's CPU per run
 */

/**
 * Times a raw baseline: all its statements, one after another in one read
 * transaction, again and again on a connection of its own (read-only, the
 * default cache, as the budget section's raw sums) for `seconds` (at least
 * `minRuns`, at most 5,000) after `warm` unmeasured runs. Returns the timing
 * and the rows of the last run.
 *
 * @param {string} sqlitePath
 * @param {RawStatement[]} statements
 * @param {{ seconds: number, minRuns?: number, warm?: number }} o
 * @returns {{ timing: RawSetTiming, rows: Record<string, any[]> }}
 */
export function timeRawSet(sqlitePath, statements, { seconds, minRuns = 10, warm = 2 }) {
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const prepared = statements.map((s) => ({
      name: s.name,
      stmt: db.prepare(s.sql),
      params: s.params,
    }));
    let rows = runOnce(db, prepared);
    for (let i = 1; i < warm; i += 1) rows = runOnce(db, prepared);
    /** @type {number[]} */
    const ms = [];
    const cpu0 = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    while ((performance.now() < end || ms.length < minRuns) && ms.length < 5000) {
      const t = process.hrtime.bigint();
      rows = runOnce(db, prepared);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const cpu = process.cpuUsage(cpu0);
    const runs = ms.length;
    ms.sort((a, b) => a - b);
    return {
      timing: {
        statements: statements.map((s) => s.name),
        runs,
        rows: Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.length])),
        ms: {
          mean: round3(ms.reduce((a, b) => a + b, 0) / runs),
          p50: round3(percentile(ms, 50)),
          p95: round3(percentile(ms, 95)),
          p99: round3(percentile(ms, 99)),
          max: round3(ms.at(-1) ?? NaN),
        },
        cpuMsPerRun: round3((cpu.user + cpu.system) / 1000 / runs),
      },
      rows,
    };
  } finally {
    db.close();
  }
}

/* ---------- checking the answers against the raw figures ---------- */

/**
 * Compares a one-way table of the reply with the counts it must show: every
 * published count equal, and, in the internal version, none suppressed.
 *
 * @param {string[]} problems
 * @param {string} label
 * @param {any} table          a OneWayReply
 * @param {Map<string, number>} want  count per category code
 * @param {boolean} internal
 */
function checkOneWay(problems, label, table, want, internal) {
  if (!table) {
    problems.push(`${label}: missing`);
    return;
  }
  let total = 0;
  for (const n of want.values()) total += n;
  for (const c of table.categories) {
    const n = want.get(c.code) ?? 0;
    if (c.figure.state === 'published') {
      if (c.figure.count !== n)
        problems.push(`${label} ${c.code}: ${c.figure.count}, raw SQL ${n}`);
    } else if (internal) problems.push(`${label} ${c.code}: suppressed in the internal version`);
  }
  if (internal) {
    const shown = new Set(table.categories.map((/** @type {{ code: string }} */ c) => c.code));
    for (const [code, n] of want)
      if (n > 0 && !shown.has(code))
        problems.push(`${label} ${code}: ${n} in raw SQL, not in the reply`);
  }
  if (
    table.total.state === 'published' &&
    !table.dimension?.startsWith?.('exploitation') &&
    !table.multiValued
  ) {
    if (table.total.count !== total)
      problems.push(`${label} total: ${table.total.count}, raw SQL ${total}`);
  }
}

/** @param {Array<{ code: string | null, n: number }>} rows @param {(code: string) => string} [map] */
const tally = (rows, map = (c) => c) => {
  /** @type {Map<string, number>} */
  const m = new Map();
  for (const r of rows) {
    const k = map(r.code ?? 'unknown');
    m.set(k, (m.get(k) ?? 0) + Number(r.n));
  }
  return m;
};

/**
 * Checks a period report (as the route answered it) against the raw figures.
 * Returns the problems found (empty: every figure agrees).
 *
 * @param {Vocabulary} v
 * @param {any} report
 * @param {Record<string, any[]>} raw   rows of periodReportSql's statements
 * @param {'internal' | 'publishable'} version
 */
export function checkPeriodReport(v, report, raw, version) {
  /** @type {string[]} */
  const problems = [];
  const internal = version === 'internal';
  const app = report.applications;
  checkOneWay(
    problems,
    'received',
    app.received,
    tally(/** @type {any} */ (raw.received)),
    internal,
  );
  checkOneWay(
    problems,
    'under processing',
    app.underProcessing,
    tally(/** @type {any} */ (raw.open)),
    internal,
  );
  const decided = /** @type {Array<{ type: string, outcome: string, n: number }>} */ (raw.decided);
  v.applicationTypes.forEach((type, i) =>
    v.outcomes.forEach((outcome, j) => {
      const want = Number(decided.find((r) => r.type === type && r.outcome === outcome)?.n ?? 0);
      const f = app.decided.cells[i]?.[j];
      if (!f) problems.push(`decided ${type} ${outcome}: missing`);
      else if (f.state === 'published' ? f.count !== want : internal)
        problems.push(`decided ${type} ${outcome}: ${JSON.stringify(f)}, raw SQL ${want}`);
    }),
  );
  const decidedTotal = decided.reduce((n, r) => n + Number(r.n), 0);
  if (app.decided.total.state === 'published' && app.decided.total.count !== decidedTotal)
    problems.push(`decided total: ${app.decided.total.count}, raw SQL ${decidedTotal}`);
  if (internal) {
    // The route's first page of notes (its default): the paging counts every counted
    // decision, and the page holds the raw SQL's page, the same cases in the same order.
    const paging = app.notesPaging;
    if (paging?.total !== decidedTotal)
      problems.push(
        `decision notes: paging total ${paging?.total}, raw SQL ${decidedTotal} decisions`,
      );
    const onPage = Math.min(v.notesPageSize, decidedTotal);
    if (app.notes?.length !== onPage)
      problems.push(`decision notes: ${app.notes?.length} on the first page, want ${onPage}`);
    const rawPage = /** @type {Array<{ code: string | null }>} */ (raw.notes ?? []);
    if (rawPage.length !== onPage)
      problems.push(`decision notes: raw SQL page of ${rawPage.length}, want ${onPage}`);
    const differ = rawPage.findIndex((r, i) => app.notes?.[i]?.caseCode !== r.code);
    if (differ >= 0)
      problems.push(
        `decision note ${differ + 1}: case ${app.notes?.[differ]?.caseCode}, raw SQL ${rawPage[differ]?.code}`,
      );
  } else if (app.notes !== null || app.notesPaging !== null)
    problems.push('decision notes in the publishable version');

  // Funds: per post, the sums by kind before and during the range (budget.service's formulas).
  /** @param {any[]} rows */
  const sums = (rows) => {
    /** @type {Map<string, Map<string, number>>} */
    const m = new Map();
    for (const r of rows) {
      const p = m.get(r.post_id) ?? new Map();
      p.set(r.kind, Number(r.s));
      m.set(r.post_id, p);
    }
    return m;
  };
  const before = sums(/** @type {any[]} */ (raw.fundsBefore));
  const during = sums(/** @type {any[]} */ (raw.fundsDuring));
  const effect = (/** @type {Map<string, number> | undefined} */ m) =>
    [...(m ?? new Map())].reduce((n, [k, s]) => (k === 'payout' ? n : n + s), 0);
  const posts = report.funds.periods.flatMap((/** @type {any} */ p) => p.posts);
  if (posts.length !== raw.posts?.length)
    problems.push(`funds: ${posts.length} posts, raw SQL ${raw.posts?.length}`);
  for (const p of posts) {
    const b = before.get(p.postId);
    const d = during.get(p.postId) ?? new Map();
    const of = (/** @type {string} */ k) => d.get(k) ?? 0;
    const bf = effect(b);
    const want = {
      broughtForwardOre: bf,
      remainingOre: bf + effect(d),
      budgetOre: (b?.get('budget') ?? 0) + of('budget'),
    };
    for (const [k, n] of Object.entries(want))
      if (p[k] !== n) problems.push(`funds ${p.kind} ${k}: ${p[k]}, raw SQL ${n}`);
    const m = p.movements;
    const committed = 0 - (effect(d) - of('budget') - of('transfer_in') + (0 - of('transfer_out')));
    const wantM = {
      budgetOre: of('budget'),
      transferredInOre: of('transfer_in'),
      transferredOutOre: 0 - of('transfer_out'),
      committedOre: committed,
      deductedOre: of('deduction'),
      paidOre: of('payout'),
    };
    for (const [k, n] of Object.entries(wantM))
      if (m[k] !== n) problems.push(`funds ${p.kind} movements.${k}: ${m[k]}, raw SQL ${n}`);
    if (internal) {
      const lines = raw[`lines:${p.postId}`]?.length ?? 0;
      const shown = Math.min(lines, v.maxLinesPerPost);
      if (p.lines?.length !== shown || p.linesTruncated !== lines > v.maxLinesPerPost)
        problems.push(
          `funds ${p.kind}: ${p.lines?.length} lines (truncated ${p.linesTruncated}), raw SQL ${lines}`,
        );
    }
  }

  // Background of the persons admitted.
  const bg = /** @type {Array<{ dim: string, code: string | null, n: number }>} */ (raw.background);
  const dim = (/** @type {string} */ k) => bg.filter((r) => r.dim === k);
  const persons = Number(dim('persons')[0]?.n ?? 0);
  const b = report.background;
  checkOneWay(problems, 'gender', b.gender, tally(dim('gender')), internal);
  checkOneWay(problems, 'police report', b.policeReport, tally(dim('police')), internal);
  const classes = tally(dim('formClass'));
  const formMain = tally(dim('singleForm'));
  formMain.set('multiple', classes.get('multiple') ?? 0);
  formMain.set('unknown', classes.get('unknown') ?? 0);
  checkOneWay(problems, 'form of exploitation', b.exploitationForm, formMain, internal);
  const ageMerge = internal
    ? (/** @type {string} */ c) => c
    : (/** @type {string} */ c) =>
        /** @type {Record<string, string>} */ ({
          under_18: 'under_18',
          '18_25': '18_30',
          '26_30': '18_30',
          '31_35': '31_45',
          '36_45': '31_45',
          '46_plus': '46_plus',
        })[c] ?? c;
  checkOneWay(problems, 'age band', b.ageBand, tally(dim('ageBand'), ageMerge), internal);
  const children = internal
    ? (/** @type {string} */ c) => c
    : (/** @type {string} */ c) => (c === '0' ? 'none' : 'one_or_more');
  checkOneWay(
    problems,
    'children accompanying',
    b.childrenAccompanying,
    tally(dim('accompanying'), children),
    internal,
  );
  checkOneWay(
    problems,
    'children in home country',
    b.childrenInHomeCountry,
    tally(dim('home'), children),
    internal,
  );
  const region = (/** @type {string} */ c) =>
    c === 'unknown' ? 'unknown' : (v.regionByCountry[c] ?? 'unknown');
  checkOneWay(
    problems,
    'nationality',
    b.nationality,
    tally(dim('nationality'), internal ? (c) => c : region),
    internal,
  );
  const countryNone = Number(dim('countryNone')[0]?.n ?? 0);
  if (internal) {
    const each = tally(dim('formEach'));
    each.set('multiple', classes.get('multiple') ?? 0);
    each.set('unknown', classes.get('unknown') ?? 0);
    checkOneWay(problems, 'forms each', b.exploitationFormsEach, each, true);
    const countries = tally(dim('country'));
    countries.set('unknown', (countries.get('unknown') ?? 0) + countryNone);
    checkOneWay(problems, 'country of exploitation', b.exploitationCountry, countries, true);
    const combos = dim('combination').reduce((n, r) => n + Number(r.n), 0);
    const shown = (b.exploitationFormCombinations ?? []).reduce(
      (/** @type {number} */ n, /** @type {{ count: number }} */ c) => n + c.count,
      0,
    );
    if (shown !== combos) problems.push(`form combinations: ${shown} persons, raw SQL ${combos}`);
    if (b.gender.total.count !== persons)
      problems.push(`persons: ${b.gender.total.count}, raw SQL ${persons}`);
  } else {
    const regions = tally(dim('region'));
    regions.set('unknown', (regions.get('unknown') ?? 0) + countryNone);
    checkOneWay(problems, 'region of exploitation', b.exploitationCountry, regions, false);
  }
  return problems;
}

/**
 * Checks a national contact table (as the route answered it) against the raw
 * figures. Returns the problems found.
 *
 * @param {any} reply
 * @param {Record<string, any[]>} raw   rows of nationalTableSql's statements
 */
export function checkNationalTable(reply, raw) {
  /** @type {string[]} */
  const problems = [];
  const round = /** @type {any} */ (raw.round?.[0]);
  if (!round) return ['the round is missing in raw SQL'];
  if (reply.reportingOrganisations !== Number(round.submitted))
    problems.push(
      `reporting organisations: ${reply.reportingOrganisations}, raw SQL ${round.submitted}`,
    );
  if (reply.expectedOrganisations !== Number(round.expected))
    problems.push(
      `expected organisations: ${reply.expectedOrganisations}, raw SQL ${round.expected}`,
    );
  const cells =
    /** @type {Array<{ certainty: string, gender: string, age_group: string, form: string, persons: number }>} */ (
      raw.cells
    );
  if (reply.version === 'internal') {
    const want = new Map(
      cells.map((c) => [`${c.certainty}|${c.gender}|${c.age_group}|${c.form}`, Number(c.persons)]),
    );
    if (reply.cells.length !== want.size)
      problems.push(`cells: ${reply.cells.length}, raw SQL ${want.size}`);
    for (const c of reply.cells) {
      const n = want.get(`${c.certainty}|${c.gender}|${c.ageGroup}|${c.form}`);
      if (n !== c.persons)
        problems.push(
          `cell ${c.certainty} ${c.gender} ${c.ageGroup} ${c.form}: ${c.persons}, raw SQL ${n}`,
        );
    }
    let all = 0;
    for (const r of /** @type {Array<{ certainty: string, persons: number }>} */ (raw.certainty)) {
      all += Number(r.persons);
      if (reply.totals[r.certainty] !== Number(r.persons))
        problems.push(`total ${r.certainty}: ${reply.totals[r.certainty]}, raw SQL ${r.persons}`);
    }
    if (reply.totals.all !== all) problems.push(`total: ${reply.totals.all}, raw SQL ${all}`);
  }
  // The summary tables (both versions): every published figure equals the raw sums.
  const column = /** @type {Record<string, 'form' | 'gender' | 'age_group'>} */ ({
    form: 'form',
    gender: 'gender',
    ageGroup: 'age_group',
  });
  for (const t of reply.tables) {
    const col = column[t.dimension];
    if (!col) continue;
    for (const row of t.rows) {
      const mine = cells.filter((c) => c.certainty === row.certainty);
      t.categories.forEach((/** @type {string} */ cat, /** @type {number} */ i) => {
        const f = row.cells[i];
        const n = mine.filter((c) => c[col] === cat).reduce((s, c) => s + Number(c.persons), 0);
        if (f?.state === 'published' && f.count !== n)
          problems.push(`${t.key} ${row.certainty} ${cat}: ${f.count}, raw SQL ${n}`);
      });
      const n = mine.reduce((s, c) => s + Number(c.persons), 0);
      if (row.total.state === 'published' && row.total.count !== n)
        problems.push(`${t.key} ${row.certainty} total: ${row.total.count}, raw SQL ${n}`);
    }
  }
  return problems;
}
