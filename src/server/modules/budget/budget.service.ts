import type { AppContext } from '../../core/context.js';
import { prepared, preparedLockable } from '../../core/db/prepared.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import type { Database } from '../../core/db/schema.js';
import type { Insertable } from 'kysely';
import { forUpdate } from '../../core/db/dialect.js';
import { auditActor } from '../../core/audit.js';
import { stockholmDate } from '../../core/time.js';
import { currentProgramme } from '../cases/cases.service.js';
import { amountForDays, type Rates } from '../applications/applications.rules.js';
import type {
  BudgetHint,
  PayoutInput,
  PeriodCreateInput,
  PeriodDetail,
  PeriodPatchInput,
  PostBalance,
  PostCreateInput,
  PostPatchInput,
  RatesInput,
  TransferInput,
} from './budget.schemas.js';
import type { ENTRY_KINDS, FIXED_COST_KINDS, FUNDING_KINDS, POST_KINDS } from './budget.schemas.js';
import { STATEMENT_PAGE_SIZE } from './budget.schemas.js';

/**
 * The programme's budget (domain.md §3, Rates and budget). A period has
 * funding sources, fixed costs, an overhead share and payout posts; its rates
 * price the applications whose first day falls in it. Every movement of money
 * is a ledger entry, never changed: the budget of a post, the commitments (and
 * their deductions) that decisions make, reversals when a decision is
 * superseded, transfers between posts and payouts. Balances are sums of
 * entries up to a date.
 *
 * Sign convention: `amount_ore` is the entry's effect on the post's remaining
 * funds (budget, transfer_in, deduction and the reversal of a commitment add;
 * commitment, transfer_out and the reversal of a deduction take). Payout
 * entries are the exception: they record money paid (positive) and leave the
 * remaining funds as they are, so committed and paid can be compared.
 */

type EntryKind = (typeof ENTRY_KINDS)[number];
type PostKind = (typeof POST_KINDS)[number];

/** The posts every period starts with; decisions commit to the one matching the application type. */
const DEFAULT_POSTS: ReadonlyArray<readonly [PostKind, string]> = [
  ['reflection', 'Reflektionsperiod'],
  ['integration', 'Integrationsperiod'],
  ['intervention', 'Insatser'],
];

const RATE_COLUMNS = [
  'reflection_daily_ore',
  'reflection_child_daily_ore',
  'protection_daily_ore',
  'integration_daily_ore',
  'integration_child_daily_ore',
] as const;

const today = (ctx: AppContext): string => stockholmDate(ctx.clock.now());

/* ---------- reading ---------- */

type PeriodRow = NonNullable<Awaited<ReturnType<typeof selectPeriod>>>;

// A decision that commits money runs these fixed-shape queries (and the
// ledger's below): built once (prepared.ts).
const periodById = preparedLockable((db: Db, v: { id: string }) =>
  db.selectFrom('budget_periods').selectAll().where('id', '=', v.id),
);

function selectPeriod(db: Db | Tx, id: string, lock = false) {
  return periodById(lock).executeTakeFirst(db, { id });
}

/**
 * Locks a period for a ledger write (PostgreSQL; SQLite serialises writers).
 * Every writer locks the period first, then (for the statement's line numbers)
 * appends in order, so concurrent commitments on a post are checked one after
 * the other and a close cannot slip between a check and a write.
 */
async function lockPeriod(ctx: AppContext, tx: Tx, id: string): Promise<PeriodRow> {
  const p = await selectPeriod(tx, id, forUpdate(ctx.dialect));
  if (!p) throw new AppError('not_found');
  return p;
}

function assertOpen(p: PeriodRow): void {
  if (p.status !== 'open') throw new AppError('period_closed');
}

function plannedOre(p: {
  plan_persons: number | null;
  plan_days: number | null;
  plan_rate_ore: number | null;
  plan_amount_ore: number | null;
}): number {
  if (p.plan_persons !== null && p.plan_days !== null && p.plan_rate_ore !== null)
    return p.plan_persons * p.plan_days * Number(p.plan_rate_ore);
  return Number(p.plan_amount_ore ?? 0);
}

function toPostView(p: {
  id: string;
  kind: string;
  name: string;
  plan_persons: number | null;
  plan_days: number | null;
  plan_rate_ore: number | null;
  plan_amount_ore: number | null;
}) {
  return {
    id: p.id,
    kind: p.kind as PostKind,
    name: p.name,
    planPersons: p.plan_persons,
    planDays: p.plan_days,
    planRateOre: p.plan_rate_ore === null ? null : Number(p.plan_rate_ore),
    planAmountOre: p.plan_amount_ore === null ? null : Number(p.plan_amount_ore),
    plannedOre: plannedOre(p),
  };
}

function toSummary(p: PeriodRow) {
  return {
    id: p.id,
    name: p.name,
    startsOn: p.starts_on,
    endsOn: p.ends_on,
    overheadBp: p.overhead_bp,
    status: p.status as 'open' | 'closed',
    closedAt: p.closed_at,
    version: p.version,
  };
}

async function periodRates(db: Db | Tx, periodId: string) {
  return db
    .selectFrom('rate_schedules')
    .select(['id', ...RATE_COLUMNS])
    .where('budget_period_id', '=', periodId)
    .where('superseded_at', 'is', null)
    .executeTakeFirstOrThrow();
}

/**
 * The intervention prices and caps of a rate schedule: its own, or the
 * catalogue's for a category added to the catalogue after the schedule was made.
 * Retired categories are left out unless the schedule has its own figures for them.
 */
async function scheduleInterventions(db: Db | Tx, scheduleId: string | null) {
  const rows = await db
    .selectFrom('intervention_categories as i')
    .leftJoin('rate_schedule_interventions as r', (j) =>
      j.onRef('r.intervention_code', '=', 'i.code').on('r.rate_schedule_id', '=', scheduleId),
    )
    .select([
      'i.code',
      'i.name_sv',
      'i.name_en',
      'i.unit',
      'i.unit_price_ore',
      'i.cap_ore',
      'i.retired_at',
      'r.rate_schedule_id',
      'r.unit_price_ore as own_unit_price_ore',
      'r.cap_ore as own_cap_ore',
    ])
    .orderBy('i.sort_order')
    .execute();
  return rows
    .filter((r) => r.retired_at === null || r.rate_schedule_id !== null)
    .map((r) => {
      const own = r.rate_schedule_id !== null;
      const price = own ? r.own_unit_price_ore : r.unit_price_ore;
      const cap = own ? r.own_cap_ore : r.cap_ore;
      return {
        code: r.code,
        nameSv: r.name_sv,
        nameEn: r.name_en,
        unit: r.unit as 'item' | 'session' | 'hour',
        unitPriceOre: price === null ? null : Number(price),
        capOre: cap === null ? null : Number(cap),
      };
    });
}

type InterventionRates = Array<{
  code: string;
  unitPriceOre: number | null;
  capOre: number | null;
}>;

async function periodDetail(db: Db | Tx, p: PeriodRow): Promise<PeriodDetail> {
  const rates = await periodRates(db, p.id);
  const [funding, fixed, posts, interventions] = await Promise.all([
    db
      .selectFrom('budget_funding_sources as f')
      .leftJoin('cases as c', 'c.id', 'f.case_id')
      .select(['f.id', 'f.kind', 'f.name', 'f.amount_ore', 'f.case_id', 'c.code'])
      .where('f.period_id', '=', p.id)
      .orderBy('f.sort_order')
      .execute(),
    db
      .selectFrom('budget_fixed_costs')
      .selectAll()
      .where('period_id', '=', p.id)
      .orderBy('sort_order')
      .execute(),
    db
      .selectFrom('budget_posts')
      .selectAll()
      .where('period_id', '=', p.id)
      .orderBy('sort_order')
      .execute(),
    scheduleInterventions(db, rates.id),
  ]);
  return {
    ...toSummary(p),
    fundingSources: funding.map((f) => ({
      id: f.id,
      kind: f.kind as (typeof FUNDING_KINDS)[number],
      name: f.name,
      amountOre: Number(f.amount_ore),
      caseId: f.case_id,
      caseCode: f.code,
    })),
    fixedCosts: fixed.map((f) => ({
      id: f.id,
      kind: f.kind as (typeof FIXED_COST_KINDS)[number],
      name: f.name,
      amountOre: Number(f.amount_ore),
    })),
    posts: posts.map(toPostView),
    rates: {
      id: rates.id,
      reflectionDailyOre: Number(rates.reflection_daily_ore),
      reflectionChildDailyOre: Number(rates.reflection_child_daily_ore),
      protectionDailyOre: Number(rates.protection_daily_ore),
      integrationDailyOre: Number(rates.integration_daily_ore),
      integrationChildDailyOre: Number(rates.integration_child_daily_ore),
      interventions,
    },
  };
}

async function audited<T>(
  ctx: AppContext,
  actor: Actor,
  action: string,
  objectType: string,
  objectId: string | null,
  requestId: string,
  value: T,
): Promise<T> {
  await ctx.audit.record({ ...auditActor(actor), action, objectType, objectId, requestId });
  return value;
}

export async function listPeriods(ctx: AppContext, actor: Actor, requestId: string) {
  const rows = await ctx.db
    .selectFrom('budget_periods')
    .selectAll()
    .orderBy('starts_on', 'desc')
    .execute();
  return audited(ctx, actor, 'budget.periods_listed', 'budget_period', null, requestId, {
    items: rows.map(toSummary),
  });
}

export async function getPeriod(ctx: AppContext, actor: Actor, id: string, requestId: string) {
  const p = await selectPeriod(ctx.db, id);
  if (!p) throw new AppError('not_found');
  const detail = await periodDetail(ctx.db, p);
  return audited(ctx, actor, 'budget.period_read', 'budget_period', id, requestId, detail);
}

/* ---------- the ledger ---------- */

interface NewEntry {
  periodId: string;
  postId: string;
  kind: EntryKind;
  amountOre: number;
  caseId?: string | null;
  applicationId?: string | null;
  decisionId?: string | null;
  transferId?: string | null;
  reversesId?: string | null;
  reference?: string | null;
  reasonEnc?: string | null;
  entryDate: string;
}

const ledger = {
  lastLine: prepared((db: Db, v: { postId: string }) =>
    db
      .selectFrom('budget_entries')
      .select((eb) => eb.fn.max('line_no').as('m'))
      .where('post_id', '=', v.postId),
  ),
  insert: prepared((db: Db, v: Insertable<Database['budget_entries']>) =>
    db.insertInto('budget_entries').values({
      id: v.id,
      period_id: v.period_id,
      post_id: v.post_id,
      line_no: v.line_no,
      kind: v.kind,
      amount_ore: v.amount_ore,
      case_id: v.case_id,
      application_id: v.application_id,
      decision_id: v.decision_id,
      transfer_id: v.transfer_id,
      reverses_id: v.reverses_id,
      reference: v.reference,
      reason_enc: v.reason_enc,
      entry_date: v.entry_date,
      created_at: v.created_at,
      created_by: v.created_by,
    }),
  ),
  // The day's totals move with the entry, in the same transaction (migration 0007).
  addToDay: prepared(
    (
      db: Db,
      v: { postId: string; entryDate: string; kind: string; periodId: string; amountOre: number },
    ) =>
      db
        .insertInto('budget_daily_totals')
        .values({
          post_id: v.postId,
          entry_date: v.entryDate,
          kind: v.kind,
          period_id: v.periodId,
          amount_ore: v.amountOre,
          lines: 1,
        })
        .onConflict((oc) =>
          oc.columns(['post_id', 'entry_date', 'kind']).doUpdateSet((eb) => ({
            amount_ore: eb('budget_daily_totals.amount_ore', '+', eb.ref('excluded.amount_ore')),
            lines: eb('budget_daily_totals.lines', '+', 1),
          })),
        ),
  ),
  remaining: prepared((db: Db, v: { postId: string }) =>
    db
      .selectFrom('budget_daily_totals')
      .select((eb) => eb.fn.sum<number | string | null>('amount_ore').as('s'))
      .where('post_id', '=', v.postId)
      .where('kind', '!=', 'payout'),
  ),
  budget: prepared((db: Db, v: { postId: string }) =>
    db
      .selectFrom('budget_daily_totals')
      .select((eb) => eb.fn.sum<number | string | null>('amount_ore').as('s'))
      .where('post_id', '=', v.postId)
      .where('kind', '=', 'budget'),
  ),
};

async function appendEntry(ctx: AppContext, tx: Tx, userId: string | null, e: NewEntry) {
  const last = await ledger.lastLine.executeTakeFirst(tx, { postId: e.postId });
  const id = newId();
  await ledger.insert.run(tx, {
    id,
    period_id: e.periodId,
    post_id: e.postId,
    line_no: Number(last?.m ?? 0) + 1,
    kind: e.kind,
    amount_ore: e.amountOre,
    case_id: e.caseId ?? null,
    application_id: e.applicationId ?? null,
    decision_id: e.decisionId ?? null,
    transfer_id: e.transferId ?? null,
    reverses_id: e.reversesId ?? null,
    reference: e.reference ?? null,
    reason_enc: e.reasonEnc ?? null,
    entry_date: e.entryDate,
    created_at: ctx.clock.now().toISOString(),
    created_by: userId,
  });
  await ledger.addToDay.run(tx, {
    postId: e.postId,
    entryDate: e.entryDate,
    kind: e.kind,
    periodId: e.periodId,
    amountOre: e.amountOre,
  });
  return id;
}

/** The post's remaining funds now (every entry but payouts). */
async function remainingOf(db: Db | Tx, postId: string): Promise<number> {
  const row = await ledger.remaining.executeTakeFirst(db, { postId });
  return Number(row?.s ?? 0);
}

async function budgetOf(db: Db | Tx, postId: string): Promise<number> {
  const row = await ledger.budget.executeTakeFirst(db, { postId });
  return Number(row?.s ?? 0);
}

/** Balances of a period's posts from the entries dated on or before `date` (through the daily totals). */
export async function balancesOf(
  db: Db | Tx,
  periodId: string,
  date: string,
): Promise<PostBalance[]> {
  const [posts, sums] = await Promise.all([
    db
      .selectFrom('budget_posts')
      .select(['id', 'kind', 'name'])
      .where('period_id', '=', periodId)
      .orderBy('sort_order')
      .execute(),
    db
      .selectFrom('budget_daily_totals')
      .select(['post_id', 'kind', (eb) => eb.fn.sum<number | string>('amount_ore').as('s')])
      .where('period_id', '=', periodId)
      .where('entry_date', '<=', date)
      .groupBy(['post_id', 'kind'])
      .execute(),
  ]);
  return posts.map((p) =>
    toPostBalance(p, (k) => Number(sums.find((s) => s.post_id === p.id && s.kind === k)?.s ?? 0)),
  );
}

/** A post's balance from the signed sums of its entries by kind. */
function toPostBalance(
  post: { id: string; kind: string; name: string },
  of: (kind: EntryKind) => number,
): PostBalance {
  const budget = of('budget');
  const transferIn = of('transfer_in');
  const transferOut = -of('transfer_out');
  // Commitments are negative, deductions positive: what was committed, net, is their negated sum.
  const committed = -(of('commitment') + of('deduction') + of('reversal'));
  return {
    postId: post.id,
    kind: post.kind as PostKind,
    name: post.name,
    budgetOre: budget,
    committedOre: committed,
    deductedOre: of('deduction'),
    paidOre: of('payout'),
    transferredInOre: transferIn,
    transferredOutOre: transferOut,
    remainingOre: budget + transferIn - transferOut - committed,
  };
}

export async function periodBalances(
  ctx: AppContext,
  actor: Actor,
  periodId: string,
  date: string | undefined,
  requestId: string,
) {
  const p = await selectPeriod(ctx.db, periodId);
  if (!p) throw new AppError('not_found');
  const at = date ?? today(ctx);
  const [posts, funding, fixed] = await Promise.all([
    balancesOf(ctx.db, p.id, at),
    ctx.db
      .selectFrom('budget_funding_sources')
      .select((eb) => eb.fn.sum<number | string | null>('amount_ore').as('s'))
      .where('period_id', '=', p.id)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('budget_fixed_costs')
      .select((eb) => eb.fn.sum<number | string | null>('amount_ore').as('s'))
      .where('period_id', '=', p.id)
      .executeTakeFirst(),
  ]);
  const funds = Number(funding?.s ?? 0);
  const fixedCosts = Number(fixed?.s ?? 0);
  // Integer arithmetic: the share is rounded down to whole öre.
  const overhead = Math.floor((funds * p.overhead_bp) / 10_000);
  const committed = posts.reduce((n, b) => n + b.committedOre, 0);
  const paid = posts.reduce((n, b) => n + b.paidOre, 0);
  return audited(ctx, actor, 'budget.balances_read', 'budget_period', p.id, requestId, {
    periodId: p.id,
    date: at,
    posts,
    fundsOre: funds,
    fixedCostsOre: fixedCosts,
    overheadOre: overhead,
    committedOre: committed,
    paidOre: paid,
    resultOre: funds - fixedCosts - overhead - committed,
    resultPaidOre: funds - fixedCosts - overhead - paid,
  });
}

/** One post's balance from the entries dated on or before `date`, and how many entries that is. */
async function postBalanceOf(
  db: Db | Tx,
  post: { id: string; kind: string; name: string },
  date: string,
): Promise<{ balance: PostBalance; lines: number }> {
  const sums = await db
    .selectFrom('budget_daily_totals')
    .select([
      'kind',
      (eb) => eb.fn.sum<number | string>('amount_ore').as('s'),
      (eb) => eb.fn.sum<number | string>('lines').as('n'),
    ])
    .where('post_id', '=', post.id)
    .where('entry_date', '<=', date)
    .groupBy('kind')
    .execute();
  return {
    balance: toPostBalance(post, (k) => Number(sums.find((s) => s.kind === k)?.s ?? 0)),
    lines: sums.reduce((n, s) => n + Number(s.n), 0),
  };
}

/** The effect on the remaining funds of a post's first (asc) or last (desc) `count` statement lines. */
async function effectOfLines(
  db: Db | Tx,
  postId: string,
  date: string,
  count: number,
  direction: 'asc' | 'desc',
): Promise<number> {
  if (count <= 0) return 0;
  const lines = db
    .selectFrom('budget_entries')
    .select(['kind', 'amount_ore'])
    .where('post_id', '=', postId)
    .where('entry_date', '<=', date)
    .orderBy('entry_date', direction)
    .orderBy('line_no', direction)
    .limit(count)
    .as('l');
  const row = await db
    .selectFrom(lines)
    .select((eb) => eb.fn.sum<number | string | null>('l.amount_ore').as('s'))
    .where('l.kind', '!=', 'payout')
    .executeTakeFirst();
  return Number(row?.s ?? 0);
}

/**
 * A post's statement as the programme reports it: its entries in date order
 * with the running remaining funds, a page at a time (the newest by default).
 * The page starts from what is brought forward (the effect of every line before
 * it), so the last line of the last page always equals the balance.
 */
export async function postStatement(
  ctx: AppContext,
  actor: Actor,
  postId: string,
  query: { date?: string | undefined; page?: number | undefined },
  requestId: string,
) {
  const post = await ctx.db
    .selectFrom('budget_posts as p')
    .innerJoin('budget_periods as bp', 'bp.id', 'p.period_id')
    .selectAll('p')
    .select('bp.name as period_name')
    .where('p.id', '=', postId)
    .executeTakeFirst();
  if (!post) throw new AppError('not_found');
  const at = query.date ?? today(ctx);
  const { balance, lines: totalLines } = await postBalanceOf(ctx.db, post, at);
  const pageCount = Math.max(1, Math.ceil(totalLines / STATEMENT_PAGE_SIZE));
  const page = Math.min(query.page ?? pageCount, pageCount);
  const first = (page - 1) * STATEMENT_PAGE_SIZE;
  const last = Math.min(page * STATEMENT_PAGE_SIZE, totalLines);
  // Pages in the newer half are read backwards from the newest line, so the default page skips nothing.
  const backwards = page > pageCount / 2;
  // The page's line numbers first, from the covering index; then only those lines in full.
  let pageQuery = ctx.db
    .selectFrom('budget_entries')
    .select('line_no')
    .where('post_id', '=', post.id)
    .where('entry_date', '<=', at);
  pageQuery = backwards
    ? pageQuery
        .orderBy('entry_date', 'desc')
        .orderBy('line_no', 'desc')
        .limit(Math.max(0, last - first))
        .offset(totalLines - last)
    : pageQuery
        .orderBy('entry_date')
        .orderBy('line_no')
        .limit(Math.max(0, last - first))
        .offset(first);
  const lineNos = (await pageQuery.execute()).map((r) => r.line_no);
  const rows =
    lineNos.length === 0
      ? []
      : await ctx.db
          .selectFrom('budget_entries as e')
          .leftJoin('cases as c', 'c.id', 'e.case_id')
          .leftJoin('users as u', 'u.id', 'e.created_by')
          .leftJoin('budget_entries as other', (j) =>
            j
              .onRef('other.transfer_id', '=', 'e.transfer_id')
              .onRef('other.id', '!=', 'e.id')
              .on('e.transfer_id', 'is not', null),
          )
          .leftJoin('budget_posts as op', 'op.id', 'other.post_id')
          .select([
            'e.id',
            'e.line_no',
            'e.entry_date',
            'e.kind',
            'e.amount_ore',
            'c.code',
            'e.application_id',
            'e.decision_id',
            'e.transfer_id',
            'e.reference',
            'e.reason_enc',
            'u.name as by_name',
            'op.name as counterpart',
          ])
          .where('e.post_id', '=', post.id)
          .where('e.line_no', 'in', lineNos)
          // Sorted here, not in SQL: an ORDER BY would lead SQLite to walk the post's date index.
          .execute()
          .then((found) => {
            const position = new Map(lineNos.map((n, i) => [n, i]));
            const order = (n: number) => position.get(n) ?? 0;
            return found.sort((a, b) =>
              backwards ? order(b.line_no) - order(a.line_no) : order(a.line_no) - order(b.line_no),
            );
          });
  const pageEffect = rows.reduce((n, r) => (r.kind === 'payout' ? n : n + Number(r.amount_ore)), 0);
  // What the lines outside the page do: those before it (read forwards) or after it (backwards).
  const outside = backwards
    ? await effectOfLines(ctx.db, post.id, at, totalLines - last, 'desc')
    : await effectOfLines(ctx.db, post.id, at, first, 'asc');
  const broughtForward = backwards ? balance.remainingOre - pageEffect - outside : outside;
  let remaining = broughtForward;
  const lines = rows.map((r) => {
    const amount = Number(r.amount_ore);
    const payout = r.kind === 'payout';
    if (!payout) remaining += amount;
    return {
      id: r.id,
      lineNo: r.line_no,
      date: r.entry_date,
      kind: r.kind as EntryKind,
      amountOre: payout ? 0 : amount,
      paidOre: payout ? amount : 0,
      caseCode: r.code,
      applicationId: r.application_id,
      decisionId: r.decision_id,
      transferId: r.transfer_id,
      counterpartPostName: r.counterpart,
      reference: r.reference,
      reason: r.reason_enc ? ctx.crypto.decrypt(r.reason_enc) : null,
      byName: r.by_name,
      remainingOre: remaining,
    };
  });
  // The decisions on this page, with everything booked on them up to the date (also on other pages).
  const decisionIds = [...new Set(rows.flatMap((r) => (r.decision_id ? [r.decision_id] : [])))];
  const sums =
    decisionIds.length === 0
      ? []
      : await ctx.db
          .selectFrom('budget_entries')
          .select(['decision_id', 'kind', (eb) => eb.fn.sum<number | string>('amount_ore').as('s')])
          .where('decision_id', 'in', decisionIds)
          .where('post_id', '=', post.id)
          .where('entry_date', '<=', at)
          .groupBy(['decision_id', 'kind'])
          .execute();
  const caseOf = new Map(rows.map((r) => [r.decision_id, r.code]));
  const decisions = decisionIds
    .map((decisionId) => {
      const mine = sums.filter((x) => x.decision_id === decisionId);
      const paid = mine.filter((x) => x.kind === 'payout').reduce((n, x) => n + Number(x.s), 0);
      const committed = -mine
        .filter((x) => x.kind !== 'payout')
        .reduce((n, x) => n + Number(x.s), 0);
      return {
        decisionId,
        caseCode: caseOf.get(decisionId) ?? null,
        committedOre: committed,
        paidOre: paid,
        differenceOre: committed - paid,
      };
    })
    // A superseded decision whose commitment was reversed and that was never paid is history only.
    .filter((d) => d.committedOre !== 0 || d.paidOre !== 0);
  return audited(ctx, actor, 'budget.statement_read', 'budget_post', post.id, requestId, {
    post: { ...toPostView(post), periodId: post.period_id, periodName: post.period_name },
    date: at,
    page,
    pageCount,
    totalLines,
    broughtForwardOre: broughtForward,
    lines,
    balance,
    decisions,
  });
}

/* ---------- periods ---------- */

async function checkCases(db: Db | Tx, sources: PeriodCreateInput['fundingSources']) {
  const ids = [...new Set(sources.flatMap((s) => (s.caseId ? [s.caseId] : [])))];
  if (ids.length === 0) return;
  const found = await db.selectFrom('cases').select('id').where('id', 'in', ids).execute();
  const known = new Set(found.map((r) => r.id));
  const fields = sources.flatMap((s, i) =>
    s.caseId && !known.has(s.caseId)
      ? [{ path: `fundingSources.${i}.caseId`, code: 'unknown_case' }]
      : [],
  );
  if (fields.length > 0) throw new AppError('validation', fields);
}

async function writeLines(
  tx: Tx,
  periodId: string,
  funding: PeriodCreateInput['fundingSources'] | undefined,
  fixed: PeriodCreateInput['fixedCosts'] | undefined,
) {
  if (funding) {
    await tx.deleteFrom('budget_funding_sources').where('period_id', '=', periodId).execute();
    for (const [i, f] of funding.entries())
      await tx
        .insertInto('budget_funding_sources')
        .values({
          id: newId(),
          period_id: periodId,
          kind: f.kind,
          name: f.name,
          amount_ore: f.amountOre,
          case_id: f.caseId,
          sort_order: (i + 1) * 10,
        })
        .execute();
  }
  if (fixed) {
    await tx.deleteFrom('budget_fixed_costs').where('period_id', '=', periodId).execute();
    for (const [i, f] of fixed.entries())
      await tx
        .insertInto('budget_fixed_costs')
        .values({
          id: newId(),
          period_id: periodId,
          kind: f.kind,
          name: f.name,
          amount_ore: f.amountOre,
          sort_order: (i + 1) * 10,
        })
        .execute();
  }
}

export async function createPeriod(
  ctx: AppContext,
  actor: Actor,
  input: PeriodCreateInput,
  requestId: string,
): Promise<PeriodDetail> {
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    const programme = await currentProgramme(tx);
    // One creation at a time per programme, so two overlapping periods cannot both pass the check.
    if (forUpdate(ctx.dialect))
      await tx
        .selectFrom('programmes')
        .select('id')
        .where('id', '=', programme.id)
        .forUpdate()
        .execute();
    const overlapping = await tx
      .selectFrom('budget_periods')
      .select('id')
      .where('programme_id', '=', programme.id)
      .where('starts_on', '<=', input.endsOn)
      .where('ends_on', '>=', input.startsOn)
      .executeTakeFirst();
    if (overlapping) throw new AppError('period_overlap');
    await checkCases(tx, input.fundingSources);
    const now = ctx.clock.now().toISOString();
    await tx
      .insertInto('budget_periods')
      .values({
        id,
        programme_id: programme.id,
        name: input.name,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        overhead_bp: input.overheadBp,
        status: 'open',
        closed_at: null,
        closed_by: null,
        version: 1,
        created_at: now,
        created_by: actor.userId,
      })
      .execute();
    await writeLines(tx, id, input.fundingSources, input.fixedCosts);
    for (const [i, [kind, name]] of DEFAULT_POSTS.entries())
      await tx
        .insertInto('budget_posts')
        .values({
          id: newId(),
          period_id: id,
          kind,
          name,
          plan_persons: null,
          plan_days: null,
          plan_rate_ore: null,
          plan_amount_ore: null,
          sort_order: (i + 1) * 10,
          created_at: now,
        })
        .execute();
    // The rates of the period before it, or the programme's defaults (the 2016 pilot).
    const previous = await tx
      .selectFrom('rate_schedules as r')
      .innerJoin('budget_periods as p', 'p.id', 'r.budget_period_id')
      .select(['r.id', ...RATE_COLUMNS.map((c) => `r.${c}` as const)])
      .where('p.programme_id', '=', programme.id)
      .where('p.starts_on', '<', input.startsOn)
      .where('r.superseded_at', 'is', null)
      .orderBy('p.starts_on', 'desc')
      .limit(1)
      .executeTakeFirst();
    const rates =
      previous ??
      (await tx
        .selectFrom('rate_schedules')
        .select(['id', ...RATE_COLUMNS])
        .where('budget_period_id', 'is', null)
        .orderBy('valid_from')
        .limit(1)
        .executeTakeFirstOrThrow());
    // Intervention prices and caps likewise: the previous period's, else the catalogue's.
    const interventions = await scheduleInterventions(tx, previous ? previous.id : null);
    await insertRates(tx, id, input.startsOn, input.endsOn, rates, interventions, now);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.period_created',
      objectType: 'budget_period',
      objectId: id,
      requestId,
    });
  });
  const p = await selectPeriod(ctx.db, id);
  return periodDetail(ctx.db, p!);
}

async function insertRates(
  tx: Tx,
  periodId: string,
  from: string,
  to: string,
  rates: Rates,
  interventions: InterventionRates,
  now: string,
) {
  const scheduleId = newId();
  await tx
    .insertInto('rate_schedules')
    .values({
      id: scheduleId,
      valid_from: from,
      valid_to: to,
      reflection_daily_ore: rates.reflection_daily_ore,
      reflection_child_daily_ore: rates.reflection_child_daily_ore,
      protection_daily_ore: rates.protection_daily_ore,
      integration_daily_ore: rates.integration_daily_ore,
      integration_child_daily_ore: rates.integration_child_daily_ore,
      created_at: now,
      budget_period_id: periodId,
      superseded_at: null,
    })
    .execute();
  if (interventions.length > 0)
    await tx
      .insertInto('rate_schedule_interventions')
      .values(
        interventions.map((i) => ({
          rate_schedule_id: scheduleId,
          intervention_code: i.code,
          unit_price_ore: i.unitPriceOre,
          cap_ore: i.capOre,
        })),
      )
      .execute();
}

export async function updatePeriod(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: PeriodPatchInput,
  requestId: string,
): Promise<PeriodDetail> {
  await ctx.db.transaction().execute(async (tx) => {
    const p = await lockPeriod(ctx, tx, id);
    if (p.version !== input.expectedVersion) throw new AppError('conflict');
    assertOpen(p);
    if (input.fundingSources) await checkCases(tx, input.fundingSources);
    await writeLines(tx, id, input.fundingSources, input.fixedCosts);
    const res = await tx
      .updateTable('budget_periods')
      .set({
        name: input.name ?? p.name,
        overhead_bp: input.overheadBp ?? p.overhead_bp,
        version: p.version + 1,
      })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.period_changed',
      objectType: 'budget_period',
      objectId: id,
      requestId,
    });
  });
  return periodDetail(ctx.db, (await selectPeriod(ctx.db, id))!);
}

export async function closePeriod(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { expectedVersion: number },
  requestId: string,
): Promise<PeriodDetail> {
  await ctx.db.transaction().execute(async (tx) => {
    const p = await lockPeriod(ctx, tx, id);
    assertOpen(p);
    if (p.version !== input.expectedVersion) throw new AppError('conflict');
    const res = await tx
      .updateTable('budget_periods')
      .set({
        status: 'closed',
        closed_at: ctx.clock.now().toISOString(),
        closed_by: actor.userId,
        version: p.version + 1,
      })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.period_closed',
      objectType: 'budget_period',
      objectId: id,
      requestId,
    });
  });
  return periodDetail(ctx.db, (await selectPeriod(ctx.db, id))!);
}

/**
 * New rates for a period: a new schedule replaces the current one for
 * applications submitted from now on; those already priced keep theirs, and
 * decisions already made are not touched.
 */
export async function setRates(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: RatesInput,
  requestId: string,
): Promise<PeriodDetail> {
  await ctx.db.transaction().execute(async (tx) => {
    const p = await lockPeriod(ctx, tx, id);
    assertOpen(p);
    const now = ctx.clock.now().toISOString();
    const current = await periodRates(tx, id);
    // The figures sent replace the current ones; categories left out keep theirs.
    const interventions = await scheduleInterventions(tx, current.id);
    const known = new Map(interventions.map((i) => [i.code, i]));
    const unknown = (input.interventions ?? []).flatMap((r, i) =>
      known.has(r.code) ? [] : [{ path: `interventions.${i}.code`, code: 'unknown_intervention' }],
    );
    if (unknown.length > 0) throw new AppError('validation', unknown);
    for (const r of input.interventions ?? [])
      known.set(r.code, { ...known.get(r.code)!, unitPriceOre: r.unitPriceOre, capOre: r.capOre });
    await tx
      .updateTable('rate_schedules')
      .set({ superseded_at: now })
      .where('budget_period_id', '=', id)
      .where('superseded_at', 'is', null)
      .execute();
    await insertRates(
      tx,
      id,
      p.starts_on,
      p.ends_on,
      {
        reflection_daily_ore: input.reflectionDailyOre,
        reflection_child_daily_ore: input.reflectionChildDailyOre,
        protection_daily_ore: input.protectionDailyOre,
        integration_daily_ore: input.integrationDailyOre,
        integration_child_daily_ore: input.integrationChildDailyOre,
      },
      [...known.values()],
      now,
    );
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.rates_changed',
      objectType: 'budget_period',
      objectId: id,
      requestId,
    });
  });
  return periodDetail(ctx.db, (await selectPeriod(ctx.db, id))!);
}

/* ---------- posts ---------- */

function plan(input: {
  planPersons?: number | null | undefined;
  planDays?: number | null | undefined;
  planRateOre?: number | null | undefined;
  planAmountOre?: number | null | undefined;
}) {
  return {
    plan_persons: input.planPersons ?? null,
    plan_days: input.planDays ?? null,
    plan_rate_ore: input.planRateOre ?? null,
    plan_amount_ore: input.planAmountOre ?? null,
  };
}

/** Books the difference between a post's plan and its budget entries as a budget entry. */
async function rebudget(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  periodId: string,
  postId: string,
  planned: number,
  allowOverdraw: boolean,
) {
  const delta = planned - (await budgetOf(tx, postId));
  if (delta === 0) return;
  if (delta < 0 && !allowOverdraw) {
    const remaining = await remainingOf(tx, postId);
    if (remaining + delta < 0)
      throw new AppError('post_overdrawn', [], { remaining: formatKronor(remaining) });
  }
  await appendEntry(ctx, tx, actor.userId, {
    periodId,
    postId,
    kind: 'budget',
    amountOre: delta,
    entryDate: today(ctx),
  });
}

export async function addPost(
  ctx: AppContext,
  actor: Actor,
  periodId: string,
  input: PostCreateInput,
  requestId: string,
): Promise<{ id: string }> {
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    const p = await lockPeriod(ctx, tx, periodId);
    assertOpen(p);
    const last = await tx
      .selectFrom('budget_posts')
      .select((eb) => eb.fn.max('sort_order').as('m'))
      .where('period_id', '=', periodId)
      .executeTakeFirst();
    const values = plan(input);
    await tx
      .insertInto('budget_posts')
      .values({
        id,
        period_id: periodId,
        kind: 'other',
        name: input.name,
        ...values,
        sort_order: Number(last?.m ?? 0) + 10,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    await rebudget(ctx, tx, actor, periodId, id, plannedOre(values), true);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.post_added',
      objectType: 'budget_post',
      objectId: id,
      requestId,
    });
  });
  return { id };
}

export async function updatePost(
  ctx: AppContext,
  actor: Actor,
  postId: string,
  input: PostPatchInput,
  requestId: string,
): Promise<PeriodDetail> {
  const periodId = await ctx.db.transaction().execute(async (tx) => {
    const post = await tx
      .selectFrom('budget_posts')
      .selectAll()
      .where('id', '=', postId)
      .executeTakeFirst();
    if (!post) throw new AppError('not_found');
    const p = await lockPeriod(ctx, tx, post.period_id);
    assertOpen(p);
    const planSent = [
      input.planPersons,
      input.planDays,
      input.planRateOre,
      input.planAmountOre,
    ].some((v) => v !== undefined);
    const values = planSent ? plan(input) : plan({});
    await tx
      .updateTable('budget_posts')
      .set({ name: input.name ?? post.name, ...(planSent ? values : {}) })
      .where('id', '=', postId)
      .execute();
    if (planSent)
      await rebudget(ctx, tx, actor, p.id, postId, plannedOre(values), input.allowOverdraw);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.post_changed',
      objectType: 'budget_post',
      objectId: postId,
      requestId,
    });
    return p.id;
  });
  return periodDetail(ctx.db, (await selectPeriod(ctx.db, periodId))!);
}

/* ---------- transfers and payouts ---------- */

/** Kronor for an error message, which formats it as a currency in the reader's language. */
function formatKronor(ore: number): number {
  return ore / 100;
}

export async function transfer(
  ctx: AppContext,
  actor: Actor,
  input: TransferInput,
  requestId: string,
): Promise<{ id: string }> {
  const transferId = newId();
  await ctx.db.transaction().execute(async (tx) => {
    const posts = await tx
      .selectFrom('budget_posts')
      .select(['id', 'period_id'])
      .where('id', 'in', [input.fromPostId, input.toPostId])
      .execute();
    const from = posts.find((p) => p.id === input.fromPostId);
    const to = posts.find((p) => p.id === input.toPostId);
    if (!from || !to) throw new AppError('not_found');
    if (from.period_id !== to.period_id)
      throw new AppError('validation', [{ path: 'toPostId', code: 'different_period' }]);
    const p = await lockPeriod(ctx, tx, from.period_id);
    assertOpen(p);
    const remaining = await remainingOf(tx, from.id);
    if (remaining - input.amountOre < 0 && !input.allowOverdraw)
      throw new AppError('post_overdrawn', [], { remaining: formatKronor(remaining) });
    const reasonEnc = ctx.crypto.encrypt(input.reason);
    const date = today(ctx);
    const common = { periodId: p.id, transferId, reasonEnc, entryDate: date };
    await appendEntry(ctx, tx, actor.userId, {
      ...common,
      postId: from.id,
      kind: 'transfer_out',
      amountOre: -input.amountOre,
    });
    await appendEntry(ctx, tx, actor.userId, {
      ...common,
      postId: to.id,
      kind: 'transfer_in',
      amountOre: input.amountOre,
    });
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.transferred',
      objectType: 'budget_transfer',
      objectId: transferId,
      requestId,
    });
  });
  return { id: transferId };
}

/** Records money paid out against a decision's commitment; a difference stays visible. */
export async function recordPayout(
  ctx: AppContext,
  actor: Actor,
  input: PayoutInput,
  requestId: string,
): Promise<{ id: string }> {
  return ctx.db.transaction().execute(async (tx) => {
    const commitment = await tx
      .selectFrom('budget_entries')
      .select(['id', 'period_id', 'post_id', 'case_id', 'application_id'])
      .where('decision_id', '=', input.decisionId)
      .where('kind', '=', 'commitment')
      .executeTakeFirst();
    if (!commitment) {
      const exists = await tx
        .selectFrom('decisions')
        .select('id')
        .where('id', '=', input.decisionId)
        .executeTakeFirst();
      throw new AppError(exists ? 'no_commitment' : 'not_found');
    }
    const p = await lockPeriod(ctx, tx, commitment.period_id);
    assertOpen(p);
    const reversed = await tx
      .selectFrom('budget_entries')
      .select('id')
      .where('reverses_id', '=', commitment.id)
      .executeTakeFirst();
    if (reversed) throw new AppError('no_commitment');
    const id = await appendEntry(ctx, tx, actor.userId, {
      periodId: p.id,
      postId: commitment.post_id,
      kind: 'payout',
      amountOre: input.amountOre,
      caseId: commitment.case_id,
      applicationId: commitment.application_id,
      decisionId: input.decisionId,
      reference: input.reference,
      entryDate: input.paidOn,
    });
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'budget.payout_recorded',
      objectType: 'budget_entry',
      objectId: id,
      requestId,
    });
    return { id };
  });
}

/* ---------- decisions (called from the applications module, in its transaction) ---------- */

/** What the budget needs of an application. */
export interface BudgetApplication {
  id: string;
  programme_id: string;
  case_id: string | null;
  type: string;
  period_from: string | null;
  submitted_date: string;
  days: number | null;
  amount_ore: number;
  deductions_ore: number;
  children_count: number;
  protection_24h: number;
  rate_schedule_id: string | null;
}

const POST_FOR_TYPE: Record<string, PostKind | undefined> = {
  reflection: 'reflection',
  integration: 'integration',
  intervention: 'intervention',
};

/** The date that places an application in a budget period: its first day, or (interventions) when it came in. */
function budgetDate(app: BudgetApplication): string {
  return app.type === 'reflection' || app.type === 'integration'
    ? (app.period_from ?? app.submitted_date)
    : app.submitted_date;
}

/** The programme's budget period that holds a Stockholm calendar date, if any. */
export async function periodHolding(db: Db | Tx, date: string) {
  const programme = await currentProgramme(db);
  return db
    .selectFrom('budget_periods')
    .select(['id', 'name', 'starts_on', 'ends_on', 'status'])
    .where('programme_id', '=', programme.id)
    .where('starts_on', '<=', date)
    .where('ends_on', '>=', date)
    .orderBy('starts_on')
    .limit(1)
    .executeTakeFirst();
}

const periodOnDate = prepared((db: Db, v: { programmeId: string; date: string }) =>
  db
    .selectFrom('budget_periods')
    .selectAll()
    .where('programme_id', '=', v.programmeId)
    .where('starts_on', '<=', v.date)
    .where('ends_on', '>=', v.date),
);
const firstPostOfKind = prepared((db: Db, v: { periodId: string; kind: string }) =>
  db
    .selectFrom('budget_posts')
    .select(['id', 'name'])
    .where('period_id', '=', v.periodId)
    .where('kind', '=', v.kind)
    .orderBy('sort_order')
    .limit(1),
);

async function periodFor(db: Db | Tx, app: BudgetApplication) {
  return periodOnDate.executeTakeFirst(db, {
    programmeId: app.programme_id,
    date: budgetDate(app),
  });
}

async function postFor(db: Db | Tx, periodId: string, app: BudgetApplication) {
  const kind = POST_FOR_TYPE[app.type];
  if (!kind) return undefined;
  return firstPostOfKind.executeTakeFirst(db, { periodId, kind });
}

/** The deduction within a granted amount: the application's, scaled to the days granted. */
function deductionFor(app: BudgetApplication, grantedDays: number | null, granted: number): number {
  const deductions = Number(app.deductions_ore);
  if (granted <= 0 || deductions === 0) return 0;
  if ((app.type === 'reflection' || app.type === 'integration') && app.days && grantedDays !== null)
    return Math.round((deductions * grantedDays) / app.days);
  return deductions;
}

export interface DecisionFigures {
  id: string;
  grantedDays: number | null;
  grantedAmountOre: number;
  supersedesId: string | null;
}

/**
 * Refuses a final decision on an application whose budget period is closed,
 * and (when the decision would be committed now or later, after a second
 * approval) one that would overdraw the post without `allowOverdraw`. Writes nothing.
 */
export async function checkDecision(
  ctx: AppContext,
  tx: Tx,
  app: BudgetApplication,
  decision: DecisionFigures,
  allowOverdraw: boolean,
): Promise<void> {
  const period = await periodFor(tx, app);
  if (!period) return;
  const p = await lockPeriod(ctx, tx, period.id);
  assertOpen(p);
  const post = await postFor(tx, p.id, app);
  if (!post || allowOverdraw) return;
  const before = await remainingOf(tx, post.id);
  const released = decision.supersedesId ? -(await decisionEffect(tx, decision.supersedesId)) : 0;
  const after = before + released - decision.grantedAmountOre;
  if (after < 0 && after < before)
    throw new AppError('post_overdrawn', [], { remaining: formatKronor(before + released) });
}

/** The net effect of a decision's commitment and deduction entries on remaining (negative). */
async function decisionEffect(db: Db | Tx, decisionId: string): Promise<number> {
  const row = await db
    .selectFrom('budget_entries')
    .select((eb) => eb.fn.sum<number | string | null>('amount_ore').as('s'))
    .where('decision_id', '=', decisionId)
    .where('kind', 'in', ['commitment', 'deduction', 'reversal'])
    .executeTakeFirst();
  return Number(row?.s ?? 0);
}

/**
 * Books a decision that has become final: first reverses the entries of the
 * decision it supersedes (each as its own reversal line), then commits the
 * gross granted amount on the post matching the application type and books
 * the deduction as its own line, so that the net equals the granted amount
 * exactly. No period covering the application: nothing is booked.
 */
export async function commitDecision(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  app: BudgetApplication,
  decision: DecisionFigures,
  allowOverdraw: boolean,
): Promise<void> {
  await checkDecision(ctx, tx, app, decision, allowOverdraw);
  const date = today(ctx);
  if (decision.supersedesId) {
    const old = await tx
      .selectFrom('budget_entries as e')
      .select(['e.id', 'e.period_id', 'e.post_id', 'e.amount_ore', 'e.case_id'])
      .where('e.decision_id', '=', decision.supersedesId)
      .where('e.kind', 'in', ['commitment', 'deduction'])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('budget_entries as r')
              .select('r.id')
              .whereRef('r.reverses_id', '=', 'e.id'),
          ),
        ),
      )
      .orderBy('e.line_no')
      .execute();
    for (const e of old) {
      const period = await lockPeriod(ctx, tx, e.period_id);
      assertOpen(period);
      await appendEntry(ctx, tx, actor.userId, {
        periodId: e.period_id,
        postId: e.post_id,
        kind: 'reversal',
        amountOre: -Number(e.amount_ore),
        caseId: e.case_id,
        applicationId: app.id,
        decisionId: decision.supersedesId,
        reversesId: e.id,
        entryDate: date,
      });
    }
  }
  if (decision.grantedAmountOre <= 0) return;
  const period = await periodFor(tx, app);
  if (!period) return;
  const post = await postFor(tx, period.id, app);
  if (!post) return;
  const deduction = deductionFor(app, decision.grantedDays, decision.grantedAmountOre);
  const common = {
    periodId: period.id,
    postId: post.id,
    caseId: app.case_id,
    applicationId: app.id,
    decisionId: decision.id,
    entryDate: date,
  };
  await appendEntry(ctx, tx, actor.userId, {
    ...common,
    kind: 'commitment',
    amountOre: -(decision.grantedAmountOre + deduction),
  });
  if (deduction > 0)
    await appendEntry(ctx, tx, actor.userId, {
      ...common,
      kind: 'deduction',
      amountOre: deduction,
    });
}

const ratesOf = prepared((db: Db, v: { id: string }) =>
  db
    .selectFrom('rate_schedules')
    .select([...RATE_COLUMNS])
    .where('id', '=', v.id),
);

/** The coordinator's budget hint on an application: the post's remaining funds and the days they pay for. */
export async function budgetHint(db: Db, app: BudgetApplication): Promise<BudgetHint> {
  const period = await periodFor(db, app);
  if (!period) return null;
  const post = await postFor(db, period.id, app);
  if (!post) return null;
  const remaining = await remainingOf(db, post.id);
  let daysThatFit: number | null = null;
  if (
    (app.type === 'reflection' || app.type === 'integration') &&
    app.days &&
    app.rate_schedule_id
  ) {
    const rates = await ratesOf.executeTakeFirst(db, { id: app.rate_schedule_id });
    if (rates) {
      daysThatFit = 0;
      for (let d = app.days; d >= 1; d--)
        if (amountForDays(app, rates, d) <= remaining) {
          daysThatFit = d;
          break;
        }
    }
  }
  return {
    periodId: period.id,
    periodName: period.name,
    periodClosed: period.status !== 'open',
    postId: post.id,
    postName: post.name,
    remainingOre: remaining,
    daysThatFit,
    wouldOverdraw: Number(app.amount_ore) > remaining,
  };
}
