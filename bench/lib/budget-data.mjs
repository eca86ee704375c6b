// The programme's budget (domain.md §3, Rates and budget) written straight
// into a stopped server's SQLite file, after seedProgramme has written the
// cases, applications and decisions of the same year: one budget period
// covering today, with its funding sources, fixed costs, overhead share, the
// three default posts (reflection, integration, interventions) and the
// period's rates, and a ledger of (by default) 100,000 entries. As in
// programme-data.mjs the rows are the server's own:
//
// - every commitment (and its deduction) belongs to a final decision the
//   programme seed made, on the post matching the application type, dated the
//   day of the decision, for the granted amount (gross, with the deduction
//   scaled to the days granted as commitDecision does); a decision that
//   superseded another first reverses the other's entries, line by line;
// - budget lines are the posts' plans (set a few days into the period, one
//   change later in the year); transfers come in pairs with one transfer id
//   and an encrypted reason (the server's field cipher); payouts follow the
//   commitments they pay (monthly in arrears for reflection and integration,
//   one invoice for an intervention), never for a reversed commitment;
// - line numbers run 1, 2, 3 … per post in the order the entries were made,
//   and every entry date lies in the period, on or before today.
//
// The number of entries is exact: the payouts, which come last in the real
// programme too, fill up what the decisions leave; the newest of them are the
// ones "not paid yet".
//
// Also the pool of fresh applications the benchmark decides one per request:
// submitted minutes ago on unprotected cases of the largest (certified) NGO,
// interventions and integration periods priced with the period's rates, each
// of which commits money when granted.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { prng } from './directory-data.mjs';
import {
  addDays,
  between,
  iso,
  openFieldCipher,
  pick,
  pickWeighted,
  stockholmDate,
  uuidv7At,
} from './programme-data.mjs';
import { DIST_DIR } from './server.mjs';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The API's bound on an amount (the `ore` schema). */
const MAX_ORE = 100_000_000_000;

/** @param {string} rel  a module under dist/server */
const dist = (rel) => import(pathToFileURL(path.join(DIST_DIR, 'server', rel)).href);

/** The posts every period starts with (DEFAULT_POSTS in budget.service.ts). */
const DEFAULT_POSTS = /** @type {const} */ ([
  ['reflection', 'Reflektionsperiod'],
  ['integration', 'Integrationsperiod'],
  ['intervention', 'Insatser'],
]);
/** Interventions invoiced as they are used (sessions, hours), in up to three invoices. */
const INVOICED_BY_USE = new Set(['therapy_session', 'interpreter', 'lawyer_hours']);
const FINAL_OUTCOMES = ['granted', 'partially_granted', 'granted_with_condition', 'denied'];
const TRANSFER_REASONS = [
  'Omfördelning: fler personer i reflektionsperiod än planerat.',
  'Omfördelning inför hösten enligt styrgruppens beslut.',
  'Insatserna har kostat mindre än beräknat; medel flyttas till integrationsperioder.',
  'Tillfällig förstärkning av posten i väntan på extra medel.',
];
/** Interventions in the pool of fresh applications: code, weight, [min, max] quantity, [min, max] SEK a unit when the catalogue sets no price. */
const POOL_INTERVENTIONS = /** @type {const} */ ([
  ['interpreter', 30, [1, 6], [450, 900]],
  ['therapy_session', 25, [1, 10], [800, 1200]],
  ['travel', 15, [1, 2], [300, 2500]],
  ['lawyer_hours', 15, [2, 12], [0, 0]],
  ['medical_certificate', 8, [1, 1], [500, 2500]],
  ['passport', 7, [1, 1], [600, 1600]],
]);

/**
 * The period the benchmark's "today" falls in: twelve months from the first
 * of the month ten months ago (in November 2026: 2026-01-01 to 2026-12-31),
 * so that most of it lies behind today and the rest ahead.
 *
 * @param {number} now
 */
export function budgetPeriodDates(now) {
  const today = stockholmDate(now);
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  const start = new Date(Date.UTC(y, m - 10, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), 1) - DAY_MS);
  const startsOn = start.toISOString().slice(0, 10);
  const endsOn = end.toISOString().slice(0, 10);
  return { startsOn, endsOn, today, name: `Budgetår ${startsOn} – ${endsOn}` };
}

/**
 * @typedef {object} BudgetSeed
 * @property {string} periodId
 * @property {string} startsOn
 * @property {string} endsOn
 * @property {string} today                 the Stockholm date the seed took as today
 * @property {Array<{ id: string, kind: string, name: string, entries: number, plannedOre: number }>} posts
 * @property {string} biggestPostId          the post with the most entries (its statement is measured)
 * @property {number} entries                ledger entries written
 * @property {Record<string, number>} entriesByKind
 * @property {{ decisions: number, superseded: number, outsidePeriod: number, payoutCandidates: number }} ledgerFrom
 * @property {Array<{ id: string, version: number, type: string, amount: number }>} pool  fresh applications to decide (amount: öre applied for)
 * @property {Record<string, number>} rows   rows inserted per table
 * @property {number} seconds
 * @property {number} encryptions
 */

/**
 * Seeds the budget of a stopped server that seedProgramme has filled.
 *
 * @param {object} o
 * @param {string} o.sqlitePath
 * @param {string} o.dataDir                   the data folder (holds master.key)
 * @param {string[]} o.coordinatorIds          who makes budget lines, transfers and payouts
 * @param {{ id: string, staffIds: string[] }} o.poolOrganisation  the NGO whose staff submitted the pool
 * @param {string[]} o.poolCaseIds             unprotected cases of that NGO
 * @param {number} o.entries                   ledger entries to write (exactly)
 * @param {number} o.pool                      fresh applications to write
 * @param {number} [o.now]
 * @param {number} [o.seed]
 * @param {(s: string) => void} [o.log]
 * @returns {Promise<BudgetSeed>}
 */
export async function seedBudget({
  sqlitePath,
  dataDir,
  coordinatorIds,
  poolOrganisation,
  poolCaseIds,
  entries: entryCount,
  pool: poolCount,
  now = Date.now(),
  seed = 20260101,
  log = () => undefined,
}) {
  const started = process.hrtime.bigint();
  const rules = await dist('modules/applications/applications.rules.js');
  const cipher = await openFieldCipher(sqlitePath, dataDir);
  let encryptions = 0;
  const enc = (/** @type {string} */ s) => {
    encryptions += 1;
    return cipher.encrypt(s);
  };
  const rnd = prng(seed);
  const coordinator = () => pick(rnd, coordinatorIds);
  const { startsOn, endsOn, today, name } = budgetPeriodDates(now);
  const startMs = Date.parse(`${startsOn}T00:00:00Z`);

  const db = new Database(sqlitePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -262144');
  /** @type {Record<string, number>} */
  const rows = {
    budget_periods: 0,
    budget_funding_sources: 0,
    budget_fixed_costs: 0,
    budget_posts: 0,
    rate_schedules: 0,
    rate_schedule_interventions: 0,
    budget_entries: 0,
    budget_daily_totals: 0,
    applications: 0,
  };
  try {
    const programme = /** @type {{ id: string }} */ (
      db.prepare('select id from programmes limit 1').get()
    );
    if (db.prepare('select 1 from budget_periods limit 1').get())
      throw new Error('the database already has a budget period: seed an empty budget only');
    const defaults = /** @type {Record<string, number> & { id: string }} */ (
      db
        .prepare(
          'select * from rate_schedules where budget_period_id is null order by valid_from limit 1',
        )
        .get()
    );
    const hasScheduleInterventions = Boolean(
      db
        .prepare(
          "select 1 from sqlite_master where type = 'table' and name = 'rate_schedule_interventions'",
        )
        .get(),
    );
    const categories = new Map(
      /** @type {Array<{ code: string, unit_price_ore: number | null, cap_ore: number | null, responsibility: string }>} */ (
        db
          .prepare(
            'select code, unit_price_ore, cap_ore, responsibility from intervention_categories where retired_at is null',
          )
          .all()
      ).map((c) => [c.code, c]),
    );

    /* 1. The ledger's raw material: the final decisions of applications that belong on a post. */
    const decisions =
      /** @type {Array<{ id: string, application_id: string, outcome: string, granted_days: number | null, granted_amount_ore: number, supersedes_id: string | null, decided_at: string, decided_by: string | null, case_id: string | null, type: string, period_from: string | null, submitted_date: string, days: number | null, deductions_ore: number, intervention_code: string | null, quantity: number | null }>} */ (
        db
          .prepare(
            `select d.id, d.application_id, d.outcome, d.granted_days, d.granted_amount_ore, d.supersedes_id,
                    d.decided_at, d.decided_by, a.case_id, a.type, a.period_from, a.submitted_date, a.days,
                    a.deductions_ore, a.intervention_code, coalesce(d.granted_quantity, a.quantity) as quantity
             from decisions d join applications a on a.id = d.application_id
             where d.approval_status = 'final' and d.outcome in (${FINAL_OUTCOMES.map(() => '?').join(', ')})
               and a.type in ('reflection', 'integration', 'intervention')
             order by d.decided_at, d.sequence`,
          )
          .all(...FINAL_OUTCOMES)
      );

    /* 2. The period, as createPeriod writes it (its budget lines come with the ledger). */
    const createdMs = startMs - 20 * DAY_MS + 9 * HOUR_MS;
    const periodId = uuidv7At(createdMs);
    const creator = coordinator();
    /** @type {Array<{ id: string, kind: string, name: string }>} */
    const posts = DEFAULT_POSTS.map(([kind, postName], i) => ({
      id: uuidv7At(createdMs + i),
      kind,
      name: postName,
    }));
    const postOfKind = new Map(posts.map((p) => [p.kind, p]));
    const scheduleId = uuidv7At(createdMs + 10);

    /* 3. The ledger, entry by entry, with the time each was made. */
    /**
     * @typedef {{ ms: number, seq: number, post: string, kind: string, amount: number, caseId: string | null,
     *   applicationId: string | null, decisionId: string | null, transferId: string | null,
     *   reversesId: string | null, reference: string | null, reason: string | null, date: string,
     *   by: string | null, id: string }} Entry
     */
    /** @type {Entry[]} */
    const ledger = [];
    let seq = 0;
    /** @param {Omit<Entry, 'seq' | 'id' | 'caseId' | 'applicationId' | 'decisionId' | 'transferId' | 'reversesId' | 'reference' | 'reason'> & Partial<Entry>} e */
    const entry = (e) => {
      seq += 1;
      /** @type {Entry} */
      const full = {
        caseId: null,
        applicationId: null,
        decisionId: null,
        transferId: null,
        reversesId: null,
        reference: null,
        reason: null,
        ...e,
        seq,
        id: uuidv7At(e.ms),
      };
      ledger.push(full);
      return full;
    };

    /** The entries each decision made (commitment, deduction), for reversals. */
    /** @type {Map<string, Entry[]>} */
    const byDecision = new Map();
    const superseded = new Set(
      decisions.flatMap((d) => (d.supersedes_id ? [d.supersedes_id] : [])),
    );
    /** @type {Array<{ commitment: Entry, type: string, periodFrom: string | null, days: number, net: number, invoices: number }>} */
    const commitments = [];
    let outsidePeriod = 0;
    let taken = 0;
    // Commitments, deductions and reversals may take at most this share; payouts fill the rest.
    const decisionBudget = Math.floor(entryCount * 0.5);
    for (const d of decisions) {
      const budgetDate =
        d.type === 'reflection' || d.type === 'integration'
          ? (d.period_from ?? d.submitted_date)
          : d.submitted_date;
      if (budgetDate < startsOn || budgetDate > endsOn) {
        outsidePeriod += 1;
        continue;
      }
      const ms = Date.parse(d.decided_at);
      const date = stockholmDate(ms);
      if (date < startsOn || date > today) {
        outsidePeriod += 1;
        continue;
      }
      const made = ledger.length;
      if (made >= decisionBudget) break;
      taken += 1;
      const post = /** @type {{ id: string }} */ (postOfKind.get(d.type));
      const by = d.decided_by;
      if (d.supersedes_id) {
        for (const old of byDecision.get(d.supersedes_id) ?? []) {
          entry({
            ms,
            post: old.post,
            kind: 'reversal',
            amount: -old.amount,
            caseId: old.caseId,
            applicationId: d.application_id,
            decisionId: d.supersedes_id,
            reversesId: old.id,
            date,
            by,
          });
        }
      }
      const granted = d.outcome === 'denied' ? 0 : Number(d.granted_amount_ore);
      if (granted <= 0) continue;
      // deductionFor in budget.service.ts: the application's deduction, scaled to the days granted.
      const deductions = Number(d.deductions_ore);
      const deduction =
        deductions === 0
          ? 0
          : (d.type === 'reflection' || d.type === 'integration') &&
              d.days &&
              d.granted_days !== null
            ? Math.round((deductions * d.granted_days) / d.days)
            : deductions;
      const common = {
        ms,
        post: post.id,
        caseId: d.case_id,
        applicationId: d.application_id,
        decisionId: d.id,
        date,
        by,
      };
      const c = entry({ ...common, kind: 'commitment', amount: -(granted + deduction) });
      const own = [c];
      if (deduction > 0) own.push(entry({ ...common, kind: 'deduction', amount: deduction }));
      byDecision.set(d.id, own);
      if (!superseded.has(d.id))
        commitments.push({
          commitment: c,
          type: d.type,
          periodFrom: d.period_from,
          days: d.granted_days ?? d.days ?? 0,
          net: granted,
          // Sessions and hours are invoiced as they are used: up to three invoices.
          invoices:
            d.intervention_code && INVOICED_BY_USE.has(d.intervention_code)
              ? Math.min(d.quantity ?? 1, between(rnd, 1, 3))
              : 1,
        });
    }
    if (taken < decisions.length - outsidePeriod)
      log(
        `  (budget: the ledger's share for decisions is full; ${decisions.length - outsidePeriod - taken} later decisions book nothing)`,
      );

    // What each post has committed so far, and what a year of it would be: the plans.
    /** @type {Map<string, number>} */
    const committedPerPost = new Map();
    for (const e of ledger)
      committedPerPost.set(e.post, (committedPerPost.get(e.post) ?? 0) - e.amount);
    const elapsed = Math.max(30, (now - startMs) / DAY_MS);
    const yearFactor = Math.min(6, 365 / elapsed);
    const rateOf = (/** @type {string} */ kind) =>
      kind === 'reflection'
        ? Number(defaults.reflection_daily_ore)
        : kind === 'integration'
          ? Number(defaults.integration_daily_ore)
          : 0;
    /** @type {Map<string, { plan: number, persons: number | null, days: number | null, rate: number | null }>} */
    const planned = new Map(
      posts.map((p) => {
        // The interventions are under-planned (a rebudget and transfers follow), the periods a little over.
        const f = p.kind === 'intervention' ? 0.86 : 1.04;
        const target = Math.min(
          MAX_ORE,
          Math.max(100_000_00, (committedPerPost.get(p.id) ?? 0) * yearFactor * f),
        );
        const rate = rateOf(p.kind);
        if (rate > 0) {
          // Planned units (persons × days × rate) within the API's bounds: persons ≤ 10,000, days ≤ 366.
          let days = p.kind === 'reflection' ? 30 : 90;
          if (target / (days * rate) > 10_000)
            days = Math.min(366, Math.ceil(target / (10_000 * rate)));
          const persons = Math.max(1, Math.round(target / (days * rate)));
          if (persons <= 10_000 && persons * days * rate <= MAX_ORE)
            return [p.id, { plan: persons * days * rate, persons, days, rate }];
        }
        const plan = Math.round(target / 100_000_00) * 100_000_00;
        return [p.id, { plan, persons: null, days: null, rate: null }];
      }),
    );
    const planOf = (/** @type {string} */ id) =>
      /** @type {{ plan: number, persons: number | null, days: number | null, rate: number | null }} */ (
        planned.get(id)
      );
    // The budget lines: the plans set a few days into the period, and one change in spring.
    const planSetMs = startMs + 2 * DAY_MS + 8 * HOUR_MS;
    const rebudgetMs = Math.min(startMs + 150 * DAY_MS + 10 * HOUR_MS, now - DAY_MS);
    for (const p of posts) {
      const { plan } = planOf(p.id);
      const first = p.kind === 'intervention' ? Math.round((plan * 0.9) / 100_00) * 100_00 : plan;
      entry({
        ms: planSetMs + seq,
        post: p.id,
        kind: 'budget',
        amount: first,
        date: stockholmDate(planSetMs),
        by: creator,
      });
      if (plan !== first) {
        entry({
          ms: rebudgetMs,
          post: p.id,
          kind: 'budget',
          amount: plan - first,
          date: stockholmDate(rebudgetMs),
          by: creator,
        });
      }
    }
    // Transfers: about one a week between two posts, mostly towards the periods.
    const transferPairs = Math.max(1, Math.floor(elapsed / 7));
    for (let k = 0; k < transferPairs; k += 1) {
      const ms = startMs + (k + 0.5 + rnd() * 0.4) * 7 * DAY_MS + 9 * HOUR_MS;
      if (ms > now - HOUR_MS) break;
      const [from, to] =
        rnd() < 0.7
          ? [
              postOfKind.get('intervention'),
              rnd() < 0.6 ? postOfKind.get('reflection') : postOfKind.get('integration'),
            ]
          : [postOfKind.get('reflection'), postOfKind.get('integration')];
      const amount = between(rnd, 5, 50) * 10_000_00;
      const transferId = uuidv7At(ms);
      const reason = enc(pick(rnd, TRANSFER_REASONS));
      const by = coordinator();
      const date = stockholmDate(ms);
      const common = { ms, transferId, reason, date, by };
      entry({
        ...common,
        post: /** @type {{ id: string }} */ (from).id,
        kind: 'transfer_out',
        amount: -amount,
      });
      entry({
        ...common,
        post: /** @type {{ id: string }} */ (to).id,
        kind: 'transfer_in',
        amount,
      });
    }

    // Payouts: every candidate, then the oldest ones up to the entry count.
    /** @type {Array<{ ms: number, c: Entry, amount: number }>} */
    const candidates = [];
    for (const { commitment: c, type, periodFrom, days, net, invoices } of commitments) {
      const decidedMs = c.ms;
      if (type === 'intervention') {
        // Invoices paid one to six weeks apart after the decision; now and then less than granted in all.
        const total = rnd() < 0.06 ? Math.round(net * (0.7 + rnd() * 0.25)) : net;
        let paidMs = decidedMs;
        let left = total;
        for (let k = 0; k < invoices && left > 0; k += 1) {
          paidMs += between(rnd, 7, 45) * DAY_MS + between(rnd, 1, 6) * HOUR_MS;
          const amount = k === invoices - 1 ? left : Math.round(total / invoices);
          left -= amount;
          if (amount > 0) candidates.push({ ms: paidMs, c, amount });
        }
        continue;
      }
      // A period: paid monthly in arrears, for the days of each month, ten to twenty days after the month.
      if (!periodFrom || days <= 0) continue;
      let left = net;
      let dayIndex = 0;
      while (dayIndex < days && left > 0) {
        const date = addDays(periodFrom, dayIndex);
        const y = Number(date.slice(0, 4));
        const m = Number(date.slice(5, 7)) - 1;
        const monthEnd = new Date(Date.UTC(y, m + 1, 1) - DAY_MS).toISOString().slice(0, 10);
        const inMonth = Math.min(
          days - dayIndex,
          Math.round((Date.parse(monthEnd) - Date.parse(date)) / DAY_MS) + 1,
        );
        dayIndex += inMonth;
        const amount = dayIndex >= days ? left : Math.round((net * inMonth) / days);
        left -= amount;
        const paidMs =
          Date.parse(`${monthEnd}T00:00:00Z`) +
          between(rnd, 10, 20) * DAY_MS +
          between(rnd, 8, 15) * HOUR_MS;
        if (amount > 0) candidates.push({ ms: Math.max(paidMs, decidedMs + HOUR_MS), c, amount });
      }
    }
    const paidByNow = candidates.filter((p) => p.ms <= now - HOUR_MS).sort((a, b) => a.ms - b.ms);
    const room = entryCount - ledger.length;
    if (room < 0)
      throw new Error(
        `budget seed: ${ledger.length} entries before payouts, more than ${entryCount}`,
      );
    if (paidByNow.length < room)
      log(
        `  (budget: only ${paidByNow.length} payouts are due; the ledger holds ${ledger.length + paidByNow.length} entries)`,
      );
    for (const p of paidByNow.slice(0, room)) {
      entry({
        ms: p.ms,
        post: p.c.post,
        kind: 'payout',
        amount: p.amount,
        caseId: p.c.caseId,
        applicationId: p.c.applicationId,
        decisionId: p.c.decisionId,
        reference: `Faktura ${between(rnd, 100_000, 999_999)}`,
        date: stockholmDate(p.ms),
        by: coordinator(),
      });
    }

    /* 4. Funding and fixed costs that fit the plans (integer öre, the API's bounds: ≤ 1e11 a line). */
    const plannedTotal = posts.reduce((n, p) => n + planOf(p.id).plan, 0);
    const fixed = /** @type {const} */ ([
      ['coordinator_salary', 'Samordnare, 50 % av lönen', 420_000_00],
      ['travel', 'Resor och nätverksträffar', 85_000_00],
      ['website', 'Webbplats och stödlinje', 60_000_00],
      ['other', 'Revision och årsrapport', 45_000_00],
    ]);
    const fixedTotal = fixed.reduce((n, [, , a]) => n + a, 0);
    const funds = Math.ceil((plannedTotal + fixedTotal) / 0.9 / 1_000_00) * 1_000_00;
    /** @type {Array<[string, string, number, string | null]>} */
    const funding = [];
    const carried = Math.round((funds * 0.08) / 1_000_00) * 1_000_00;
    const earmarked = 250_000_00;
    const regional = Math.round((funds * 0.1) / 1_000_00) * 1_000_00;
    let grant = funds - carried - earmarked - regional;
    for (let part = 1; grant > 0; part += 1) {
      const a = Math.min(grant, MAX_ORE);
      funding.push(['grant', `Statsbidrag från Jämställdhetsmyndigheten, del ${part}`, a, null]);
      grant -= a;
    }
    funding.push(['carried_over', 'Överfört från föregående budgetår', carried, null]);
    funding.push(['other_grant', 'Länsstyrelsen, regionalt utvecklingsbidrag', regional, null]);
    const earmarkedCase = commitments[0]?.commitment.caseId ?? null;
    funding.push([
      'earmarked',
      'Extra medel för skyddat boende (ett ärende)',
      earmarked,
      earmarkedCase,
    ]);

    /* 5. Line numbers per post, in the order the entries were made. */
    ledger.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
    /** @type {Map<string, number>} */
    const lineNo = new Map();
    /** @type {Record<string, number>} */
    const entriesByKind = {};
    for (const e of ledger) {
      if (e.date < startsOn || e.date > today)
        throw new Error(`budget seed: entry dated ${e.date} outside ${startsOn}–${today}`);
      entriesByKind[e.kind] = (entriesByKind[e.kind] ?? 0) + 1;
    }

    /* 6. The pool of fresh applications (written below, with the rest). */
    const poolRates = {
      id: scheduleId,
      reflection_daily_ore: Number(defaults.reflection_daily_ore),
      reflection_child_daily_ore: Number(defaults.reflection_child_daily_ore),
      protection_daily_ore: Number(defaults.protection_daily_ore),
      integration_daily_ore: Number(defaults.integration_daily_ore),
      integration_child_daily_ore: Number(defaults.integration_child_daily_ore),
    };
    const interventions = POOL_INTERVENTIONS.filter(([code]) => categories.has(code));
    if (interventions.length === 0) throw new Error('no pool intervention is in the catalogue');
    const caseFacts = db.prepare(
      'select police_report, police_report_date, residence_status, children_count from cases where id = ?',
    );

    /* 7. Everything in one transaction. */
    const insertEntry = db.prepare(
      `insert into budget_entries (id, period_id, post_id, line_no, kind, amount_ore, case_id, application_id,
        decision_id, transfer_id, reverses_id, reference, reason_enc, entry_date, created_at, created_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertApplication = db.prepare(
      `insert into applications (id, programme_id, case_id, organisation_id, type, status, period_from,
        period_to, days, intervention_code, quantity, unit_cost_ore, children_count, protection_24h,
        deductions_ore, deductions_by, amount_ore, rate_schedule_id, justification_enc, warnings,
        submitted_date, submitted_at, submitted_by, queued_at, current_decision_id, decided_at, version)
       values (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, 1)`,
    );
    /** @type {Array<{ id: string, version: number, type: string, amount: number }>} */
    const pool = [];
    db.transaction(() => {
      db.prepare(
        `insert into budget_periods (id, programme_id, name, starts_on, ends_on, overhead_bp, status, closed_at,
          closed_by, version, created_at, created_by) values (?, ?, ?, ?, ?, 1000, 'open', null, null, 1, ?, ?)`,
      ).run(periodId, programme.id, name, startsOn, endsOn, iso(createdMs), creator);
      rows.budget_periods += 1;
      const insertFunding = db.prepare(
        `insert into budget_funding_sources (id, period_id, kind, name, amount_ore, case_id, sort_order)
         values (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [i, [kind, label, amount, caseId]] of funding.entries()) {
        insertFunding.run(
          uuidv7At(createdMs + 20 + i),
          periodId,
          kind,
          label,
          amount,
          caseId,
          (i + 1) * 10,
        );
        rows.budget_funding_sources += 1;
      }
      const insertFixed = db.prepare(
        `insert into budget_fixed_costs (id, period_id, kind, name, amount_ore, sort_order) values (?, ?, ?, ?, ?, ?)`,
      );
      for (const [i, [kind, label, amount]] of fixed.entries()) {
        insertFixed.run(uuidv7At(createdMs + 40 + i), periodId, kind, label, amount, (i + 1) * 10);
        rows.budget_fixed_costs += 1;
      }
      const insertPost = db.prepare(
        `insert into budget_posts (id, period_id, kind, name, plan_persons, plan_days, plan_rate_ore,
          plan_amount_ore, sort_order, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [i, p] of posts.entries()) {
        const { plan, persons, days, rate } = planOf(p.id);
        insertPost.run(
          p.id,
          periodId,
          p.kind,
          p.name,
          persons,
          days,
          rate,
          persons === null ? plan : null,
          (i + 1) * 10,
          iso(createdMs),
        );
        rows.budget_posts += 1;
      }
      db.prepare(
        `insert into rate_schedules (id, valid_from, valid_to, reflection_daily_ore, reflection_child_daily_ore,
          protection_daily_ore, integration_daily_ore, integration_child_daily_ore, created_at, budget_period_id,
          superseded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)`,
      ).run(
        scheduleId,
        startsOn,
        endsOn,
        poolRates.reflection_daily_ore,
        poolRates.reflection_child_daily_ore,
        poolRates.protection_daily_ore,
        poolRates.integration_daily_ore,
        poolRates.integration_child_daily_ore,
        iso(createdMs),
        periodId,
      );
      rows.rate_schedules += 1;
      if (hasScheduleInterventions) {
        // A new period without a previous one takes the catalogue's prices and caps (createPeriod).
        rows.rate_schedule_interventions = db
          .prepare(
            `insert into rate_schedule_interventions (rate_schedule_id, intervention_code, unit_price_ore, cap_ore)
             select ?, code, unit_price_ore, cap_ore from intervention_categories where retired_at is null`,
          )
          .run(scheduleId).changes;
      }
      // Applications whose budget date falls in the period are priced with the period's rates.
      db.prepare(
        `update applications set rate_schedule_id = ?
         where rate_schedule_id = ? and type in ('reflection', 'integration') and period_from between ? and ?`,
      ).run(scheduleId, defaults.id, startsOn, endsOn);

      for (const e of ledger) {
        const n = (lineNo.get(e.post) ?? 0) + 1;
        lineNo.set(e.post, n);
        insertEntry.run(
          e.id,
          periodId,
          e.post,
          n,
          e.kind,
          e.amount,
          e.caseId,
          e.applicationId,
          e.decisionId,
          e.transferId,
          e.reversesId,
          e.reference,
          e.reason,
          e.date,
          iso(e.ms),
          e.by,
        );
      }
      rows.budget_entries = ledger.length;
      // The per-day totals the server keeps beside the ledger (migration 0007), as appendEntry would.
      if (
        db
          .prepare(
            "select 1 from sqlite_master where type = 'table' and name = 'budget_daily_totals'",
          )
          .get()
      )
        rows.budget_daily_totals = db
          .prepare(
            `insert into budget_daily_totals (post_id, entry_date, kind, period_id, amount_ore, lines)
             select post_id, entry_date, kind, min(period_id), sum(amount_ore), count(*)
             from budget_entries group by post_id, entry_date, kind`,
          )
          .run().changes;

      // The pool: submitted in the last hour, each on another case.
      for (let i = 0; i < poolCount; i += 1) {
        const caseId = /** @type {string} */ (poolCaseIds[i % poolCaseIds.length]);
        const facts =
          /** @type {{ police_report: string, police_report_date: string | null, residence_status: string, children_count: number }} */ (
            caseFacts.get(caseId)
          );
        const at = now - HOUR_MS + Math.floor((i / poolCount) * (HOUR_MS - 60_000));
        const submittedDate = stockholmDate(at);
        const integration = rnd() < 0.3;
        /** @type {Record<string, any>} */
        const input = {
          caseId,
          type: integration ? 'integration' : 'intervention',
          periodFrom: null,
          periodTo: null,
          interventionCode: null,
          quantity: null,
          unitCostOre: null,
          childrenCount: 0,
          protection24h: false,
          deductionsOre: 0,
          deductionsBy: null,
          justification: integration
            ? 'Integrationsperiod efter beviljat uppehållstillstånd; stöd med bostad och skola för barnen.'
            : 'Insatsen behövs för att personen ska kunna ta del av vård och rättsligt stöd.',
        };
        /** @type {any} */
        let category;
        if (integration) {
          const from = addDays(submittedDate, between(rnd, 0, 7));
          const days = rnd() < 0.6 ? 90 : between(rnd, 30, 89);
          input.periodFrom = from;
          input.periodTo = addDays(from, days - 1);
          input.childrenCount = facts.children_count;
          if (facts.residence_status === 'asylum_seeker' && rnd() < 0.3) {
            input.deductionsOre = days * 2400;
            input.deductionsBy = 'Migrationsverket, dagersättning (eget boende)';
          }
        } else {
          const [code, , [qLo, qHi], [cLo, cHi]] = pickWeighted(
            rnd,
            interventions.map((x) => /** @type {const} */ ([x, x[1]])),
          );
          category = categories.get(code);
          input.interventionCode = code;
          input.quantity = between(rnd, qLo, qHi);
          if (category.unit_price_ore === null) input.unitCostOre = between(rnd, cLo, cHi) * 100;
        }
        rules.checkShape(input, category);
        const breakdown = rules.computeBreakdown(
          input,
          integration ? poolRates : undefined,
          category,
        );
        const warnings = rules.ruleWarnings({
          type: input.type,
          periodFrom: input.periodFrom,
          days: breakdown.days,
          amountOre: breakdown.amountOre,
          submittedDate,
          policeReport: facts.police_report,
          policeReportDate: facts.police_report_date,
          residenceStatus: facts.residence_status,
          otherReflectionDays: 0,
          category,
        });
        const id = uuidv7At(at);
        insertApplication.run(
          id,
          programme.id,
          caseId,
          poolOrganisation.id,
          input.type,
          input.periodFrom,
          input.periodTo,
          breakdown.days,
          input.interventionCode,
          input.quantity,
          breakdown.unitOre,
          input.childrenCount,
          0,
          input.deductionsOre,
          input.deductionsBy,
          breakdown.amountOre,
          scheduleId,
          enc(input.justification),
          JSON.stringify(warnings),
          submittedDate,
          iso(at),
          pick(rnd, poolOrganisation.staffIds),
          iso(at),
        );
        rows.applications += 1;
        if (breakdown.amountOre > 0)
          pool.push({ id, version: 1, type: input.type, amount: breakdown.amountOre });
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');

    /** @type {Map<string, number>} */
    const perPost = new Map();
    for (const e of ledger) perPost.set(e.post, (perPost.get(e.post) ?? 0) + 1);
    const postFigures = posts.map((p) => ({
      id: p.id,
      kind: p.kind,
      name: p.name,
      entries: perPost.get(p.id) ?? 0,
      plannedOre: planOf(p.id).plan,
    }));
    const biggest = postFigures.reduce((a, b) => (b.entries > a.entries ? b : a));
    return {
      periodId,
      startsOn,
      endsOn,
      today,
      posts: postFigures,
      biggestPostId: biggest.id,
      entries: ledger.length,
      entriesByKind,
      ledgerFrom: {
        decisions: taken,
        superseded: superseded.size,
        outsidePeriod,
        payoutCandidates: candidates.length,
      },
      pool,
      rows,
      seconds: Math.round((Number(process.hrtime.bigint() - started) / 1e9) * 1000) / 1000,
      encryptions,
    };
  } finally {
    db.close();
  }
}

/**
 * Candidate fixes found with bench/budget-queries.mjs that are not (yet) in
 * the shipped schema; the benchmark applies them only with
 * BENCH_BUDGET_CANDIDATE_FIXES=1 (and budget-queries.mjs with --fixes), to
 * show what they would change.
 */
// The three indexes first found here (the transfer counterpart, the period sums and the
// per-decision sums) shipped in migration 0005; new candidates go here.
/** @type {Array<{ route: string, why: string, sql: string }>} */
export const BUDGET_CANDIDATE_FIXES = [];

/**
 * Applies BUDGET_CANDIDATE_FIXES to a stopped server's database.
 *
 * @param {string} sqlitePath
 * @returns {Array<{ sql: string, ms: number }>}
 */
export function applyBudgetCandidateFixes(sqlitePath) {
  const db = new Database(sqlitePath);
  try {
    return BUDGET_CANDIDATE_FIXES.map(({ sql }) => {
      const t = performance.now();
      db.exec(sql);
      return { sql, ms: Math.round(performance.now() - t) };
    });
  } finally {
    db.close();
  }
}
