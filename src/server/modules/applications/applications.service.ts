import { sql, type Insertable } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import { prepared, preparedLockable } from '../../core/db/prepared.js';
import { forUpdate } from '../../core/db/dialect.js';
import { auditActor } from '../../core/audit.js';
import { isLocale, t, type Locale } from '../../core/i18n.js';
import {
  FINAL_OUTCOMES,
  type ApplicationStatus,
  type ApplicationType,
  type DecisionOutcome,
} from '../../core/reference.js';
import {
  assertCertifiedToday,
  caseForRead,
  currentProgramme,
  lockCase,
} from '../cases/cases.service.js';
import {
  amountForDays,
  checkShape,
  computeBreakdown,
  isPeriodType,
  ruleWarnings,
  type Category,
  type Rates,
} from './applications.rules.js';
import type {
  ApplicationDetail,
  ApplicationInput,
  ApplicationSummary,
  Breakdown,
  DecideInput,
  DecisionView,
  QuoteInput,
  Warning,
} from './applications.schemas.js';
import { budgetHint, checkDecision, commitDecision } from '../budget/budget.service.js';

/**
 * Applications of the support programme and the coordinator's decisions
 * (domain.md §3). Staff of a certified actor apply for their own cases; the
 * coordinator decides with grounds and a rationale; a decision is never
 * changed, only superseded; above a configurable amount a second person
 * approves before it is final. The applicant is told by e-mail with the case
 * code and a link only.
 */

export const APPLICATION_PAGE_SIZE = 50;
const OPEN_STATUSES: ApplicationStatus[] = ['submitted', 'under_processing'];
const DAY_MS = 86_400_000;

/* ---------- the programme's catalogues ---------- */

export async function rateScheduleOn(
  db: Db | Tx,
  date: string,
): Promise<(Rates & { id: string }) | undefined> {
  return (
    db
      .selectFrom('rate_schedules')
      .select([
        'id',
        'reflection_daily_ore',
        'reflection_child_daily_ore',
        'protection_daily_ore',
        'integration_daily_ore',
        'integration_child_daily_ore',
      ])
      .where('valid_from', '<=', date)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', date)]))
      // Budget: a period's current rates come before the programme's defaults.
      .where('superseded_at', 'is', null)
      .orderBy(sql`case when budget_period_id is null then 1 else 0 end`)
      .orderBy('valid_from', 'desc')
      .limit(1)
      .executeTakeFirst()
  );
}

/**
 * An intervention category with the price and cap that apply: those of the
 * given (budget period's) rate schedule when it has them, else the catalogue's.
 */
async function categoryOf(
  db: Db | Tx,
  code: string | null,
  rateScheduleId: string | null,
  includeRetired = false,
): Promise<Category | undefined> {
  if (code === null) return undefined;
  let q = db
    .selectFrom('intervention_categories as i')
    .leftJoin('rate_schedule_interventions as r', (j) =>
      j.onRef('r.intervention_code', '=', 'i.code').on('r.rate_schedule_id', '=', rateScheduleId),
    )
    .select([
      'i.code',
      'i.unit_price_ore',
      'i.cap_ore',
      'i.responsibility',
      'r.rate_schedule_id',
      'r.unit_price_ore as period_unit_price_ore',
      'r.cap_ore as period_cap_ore',
    ])
    .where('i.code', '=', code);
  if (!includeRetired) q = q.where('i.retired_at', 'is', null);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const own = row.rate_schedule_id !== null;
  return {
    code: row.code,
    responsibility: row.responsibility,
    unit_price_ore: own ? row.period_unit_price_ore : row.unit_price_ore,
    cap_ore: own ? row.period_cap_ore : row.cap_ore,
  };
}

export async function getProgramme(ctx: AppContext) {
  const p = await currentProgramme(ctx.db);
  const [rates, interventions, grounds] = await Promise.all([
    ctx.db.selectFrom('rate_schedules').selectAll().orderBy('valid_from', 'desc').execute(),
    ctx.db.selectFrom('intervention_categories').selectAll().orderBy('sort_order').execute(),
    ctx.db.selectFrom('decision_grounds').selectAll().orderBy('sort_order').execute(),
  ]);
  return {
    id: p.id,
    name: p.name,
    codePrefix: p.code_prefix,
    approvalLimitOre: p.approval_limit_ore,
    rateSchedules: rates.map((r) => ({
      id: r.id,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      reflectionDailyOre: r.reflection_daily_ore,
      reflectionChildDailyOre: r.reflection_child_daily_ore,
      protectionDailyOre: r.protection_daily_ore,
      integrationDailyOre: r.integration_daily_ore,
      integrationChildDailyOre: r.integration_child_daily_ore,
    })),
    interventions: interventions.map((i) => ({
      code: i.code,
      nameSv: i.name_sv,
      nameEn: i.name_en,
      unit: i.unit as 'item' | 'session' | 'hour',
      unitPriceOre: i.unit_price_ore,
      capOre: i.cap_ore,
      responsibility: i.responsibility as 'programme' | 'actor' | 'authority',
      retired: i.retired_at !== null,
    })),
    grounds: grounds.map((g) => ({ code: g.code, nameSv: g.name_sv, nameEn: g.name_en })),
  };
}

export async function updateSettings(
  ctx: AppContext,
  actor: Actor,
  input: { approvalLimitOre: number | null },
  requestId: string,
) {
  await ctx.db.transaction().execute(async (tx) => {
    const p = await currentProgramme(tx);
    await tx
      .updateTable('programmes')
      .set({ approval_limit_ore: input.approvalLimitOre })
      .where('id', '=', p.id)
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'programme.settings_changed',
      objectType: 'programme',
      objectId: p.id,
      requestId,
    });
  });
  return getProgramme(ctx);
}

export async function upsertIntervention(
  ctx: AppContext,
  actor: Actor,
  code: string,
  input: {
    nameSv: string;
    nameEn: string;
    unit: string;
    unitPriceOre: number | null;
    capOre: number | null;
    responsibility: string;
    retired: boolean;
  },
  requestId: string,
) {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('intervention_categories')
      .select(['code', 'retired_at'])
      .where('code', '=', code)
      .executeTakeFirst();
    const values = {
      name_sv: input.nameSv,
      name_en: input.nameEn,
      unit: input.unit,
      unit_price_ore: input.unitPriceOre,
      cap_ore: input.capOre,
      responsibility: input.responsibility,
      retired_at: input.retired ? (existing?.retired_at ?? now) : null,
      updated_at: now,
    };
    if (existing) {
      await tx
        .updateTable('intervention_categories')
        .set(values)
        .where('code', '=', code)
        .execute();
    } else {
      const last = await tx
        .selectFrom('intervention_categories')
        .select((eb) => eb.fn.max('sort_order').as('m'))
        .executeTakeFirst();
      await tx
        .insertInto('intervention_categories')
        .values({ code, ...values, sort_order: Number(last?.m ?? 0) + 10 })
        .execute();
    }
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: existing ? 'programme.intervention_changed' : 'programme.intervention_added',
      objectType: 'intervention_category',
      objectId: code,
      requestId,
    });
  });
  return getProgramme(ctx);
}

/* ---------- applying ---------- */

/** Reflection applications of a person that are not denied: their periods and the days that count. */
async function reflectionsOf(db: Db | Tx, caseId: string, exceptId?: string) {
  let q = db
    .selectFrom('applications as a')
    .leftJoin('decisions as d', 'd.id', 'a.current_decision_id')
    .select(['a.id', 'a.period_from', 'a.period_to', 'a.days', 'd.outcome', 'd.granted_days'])
    .where('a.case_id', '=', caseId)
    .where('a.type', '=', 'reflection');
  if (exceptId) q = q.where('a.id', '!=', exceptId);
  const rows = await q.execute();
  return rows.filter((r) => r.outcome !== 'denied');
}

interface Prepared {
  breakdown: Breakdown;
  warnings: Warning[];
  rateScheduleId: string | null;
  category: Category | undefined;
}

/** Validates an application against its case and the catalogues, and computes amount and warnings. */
async function prepare(
  ctx: AppContext,
  db: Db | Tx,
  actor: Actor,
  input: ApplicationInput,
  today: string,
): Promise<Prepared> {
  // Periods are priced by the rates of their first day, interventions by those of today.
  const rates = isPeriodType(input.type)
    ? await rateScheduleOn(db, input.periodFrom ?? today)
    : input.type === 'intervention'
      ? await rateScheduleOn(db, today)
      : undefined;
  const category = await categoryOf(db, input.interventionCode, rates?.id ?? null);
  checkShape(input, category);
  const c = input.caseId ? await caseForRead(db, actor, input.caseId) : undefined;
  if (c && !c.owner) throw new AppError('forbidden');
  if (isPeriodType(input.type) && !rates)
    throw new AppError('validation', [{ path: 'periodFrom', code: 'no_rates' }]);
  const breakdown = computeBreakdown(input, rates, category);
  let otherReflectionDays = 0;
  if (input.type === 'reflection' && c && input.periodFrom && input.periodTo) {
    const others = await reflectionsOf(db, c.row.id);
    const from = input.periodFrom;
    const to = input.periodTo;
    if (others.some((o) => o.period_from! <= to && o.period_to! >= from))
      throw new AppError('overlapping_period');
    otherReflectionDays = others.reduce((n, o) => n + (o.granted_days ?? o.days ?? 0), 0);
  }
  const warnings = ruleWarnings({
    type: input.type,
    periodFrom: input.periodFrom,
    days: breakdown.days,
    amountOre: breakdown.amountOre,
    submittedDate: today,
    policeReport: c?.row.police_report ?? null,
    policeReportDate: c?.row.police_report_date ?? null,
    residenceStatus: c?.row.residence_status ?? null,
    otherReflectionDays,
    category,
  });
  return { breakdown, warnings, rateScheduleId: rates?.id ?? null, category };
}

/** What an application would cost and which warnings the coordinator would see; nothing is stored. */
export async function quote(ctx: AppContext, actor: Actor, input: QuoteInput, requestId: string) {
  const today = await assertCertifiedToday(ctx, ctx.db, actor);
  const p = await prepare(ctx, ctx.db, actor, { ...input, justification: '' }, today);
  // A quote reads the case (its warnings carry the case's facts): audited like every read.
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'application.quoted',
    objectType: 'case',
    objectId: input.caseId,
    requestId,
  });
  return { breakdown: p.breakdown, warnings: p.warnings };
}

export async function submitApplication(
  ctx: AppContext,
  actor: Actor,
  input: ApplicationInput,
  requestId: string,
): Promise<{ id: string }> {
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    // Inside the transaction: two submissions for the same person are checked one after the other.
    if (input.caseId) await lockCase(ctx, tx, input.caseId);
    const today = await assertCertifiedToday(ctx, tx, actor);
    const p = await prepare(ctx, tx, actor, input, today);
    const programme = await currentProgramme(tx);
    const now = ctx.clock.now().toISOString();
    await tx
      .insertInto('applications')
      .values({
        id,
        programme_id: programme.id,
        case_id: input.caseId,
        organisation_id: actor.organisationId,
        type: input.type,
        status: 'submitted',
        period_from: input.periodFrom,
        period_to: input.periodTo,
        days: p.breakdown.days,
        intervention_code: input.interventionCode,
        quantity: input.quantity,
        // The unit price used (the catalogue's or the actor's), kept with the application.
        unit_cost_ore: p.breakdown.unitOre,
        children_count: input.childrenCount,
        protection_24h: input.protection24h ? 1 : 0,
        deductions_ore: input.deductionsOre,
        deductions_by: input.deductionsBy,
        amount_ore: p.breakdown.amountOre,
        rate_schedule_id: p.rateScheduleId,
        justification_enc: ctx.crypto.encrypt(input.justification),
        warnings: JSON.stringify(p.warnings),
        submitted_date: today,
        submitted_at: now,
        submitted_by: actor.userId,
        queued_at: now,
        current_decision_id: null,
        decided_at: null,
        version: 1,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'application.submitted',
      objectType: 'application',
      objectId: id,
      requestId,
    });
  });
  return { id };
}

/* ---------- reading ---------- */

function summaryQuery(db: Db | Tx) {
  return db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .leftJoin('decisions as d', 'd.id', 'a.current_decision_id');
}

const SUMMARY_COLUMNS = [
  'a.id',
  'a.case_id',
  'c.code as case_code',
  'a.organisation_id',
  'o.name as organisation_name',
  'a.type',
  'a.status',
  'a.period_from',
  'a.period_to',
  'a.days',
  'a.intervention_code',
  'a.quantity',
  'a.amount_ore',
  'a.submitted_at',
  'a.submitted_date',
  'a.queued_at',
  'a.warnings',
  'd.outcome as current_outcome',
  'd.granted_amount_ore',
] as const;

type SummaryRow = {
  id: string;
  case_id: string | null;
  case_code: string | null;
  organisation_id: string;
  organisation_name: string;
  type: string;
  status: string;
  period_from: string | null;
  period_to: string | null;
  days: number | null;
  intervention_code: string | null;
  quantity: number | null;
  amount_ore: number;
  submitted_at: string;
  submitted_date: string;
  queued_at: string;
  warnings: string;
  current_outcome: string | null;
  granted_amount_ore: number | null;
};

function toSummary(r: SummaryRow, now: number): ApplicationSummary {
  const type = r.type as ApplicationType;
  return {
    id: r.id,
    caseId: r.case_id,
    caseCode: r.case_code,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    type,
    status: r.status as ApplicationStatus,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    days: r.days,
    interventionCode: r.intervention_code,
    quantity: r.quantity,
    amountOre: Number(r.amount_ore),
    submittedAt: r.submitted_at,
    submittedDate: r.submitted_date,
    queuedAt: r.queued_at,
    ageDays: Math.max(0, Math.floor((now - Date.parse(r.queued_at)) / DAY_MS)),
    deadline: isPeriodType(type) ? r.period_from : null,
    warningCount: (JSON.parse(r.warnings) as unknown[]).length,
    currentOutcome: (r.current_outcome as DecisionOutcome | null) ?? null,
    grantedAmountOre: r.granted_amount_ore === null ? null : Number(r.granted_amount_ore),
  };
}

export async function listApplications(
  ctx: AppContext,
  actor: Actor,
  q: {
    status?: 'open' | ApplicationStatus | undefined;
    type?: ApplicationType | undefined;
    organisationId?: string | undefined;
    caseCode?: string | undefined;
    page: number;
  },
  requestId: string,
) {
  // Filters on the applications table alone, so the planner walks its indexes
  // (the queue: status and age); the joins are made for the page's 50 rows only.
  let base = ctx.db.selectFrom('applications as a');
  if (actor.role !== 'coordinator') {
    // Staff see their organisation's applications: on the cases it owns (a
    // protected case only for its named staff) and its inquiries without a case.
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('a.case_id', 'is', null), eb('a.organisation_id', '=', actor.organisationId)]),
        eb(
          'a.case_id',
          'in',
          eb
            .selectFrom('cases as c')
            .select('c.id')
            .where('c.owner_organisation_id', '=', actor.organisationId)
            .where((e) =>
              e.or([
                e('c.protected_identity', '=', 0),
                e.exists(
                  e
                    .selectFrom('case_protected_staff as ps')
                    .select('ps.user_id')
                    .whereRef('ps.case_id', '=', 'c.id')
                    .where('ps.user_id', '=', actor.userId),
                ),
              ]),
            ),
        ),
      ]),
    );
  } else if (q.organisationId) {
    base = base.where('a.organisation_id', '=', q.organisationId);
  }
  if (q.status === 'open') base = base.where('a.status', 'in', OPEN_STATUSES);
  else if (q.status) base = base.where('a.status', '=', q.status);
  if (q.type) base = base.where('a.type', '=', q.type);
  const code = q.caseCode?.trim().toUpperCase();
  if (code)
    base = base.where('a.case_id', 'in', (eb) =>
      eb.selectFrom('cases').select('id').where('code', '=', code),
    );
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  // The queue is worked oldest first; other lists show the newest first.
  const ordered =
    q.status === 'open' || q.status === 'submitted' || q.status === 'under_processing'
      ? base.orderBy('a.queued_at', 'asc').orderBy('a.id')
      : base.orderBy('a.submitted_at', 'desc').orderBy('a.id');
  const ids = (
    await ordered
      .select('a.id')
      .limit(APPLICATION_PAGE_SIZE)
      .offset((q.page - 1) * APPLICATION_PAGE_SIZE)
      .execute()
  ).map((r) => r.id);
  const page =
    ids.length === 0
      ? []
      : await summaryQuery(ctx.db)
          .select([...SUMMARY_COLUMNS])
          .where('a.id', 'in', ids)
          .execute();
  const byId = new Map(page.map((r) => [r.id, r]));
  const rows = ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'application.listed',
    objectType: 'application_list',
    objectId: null,
    requestId,
  });
  const now = ctx.clock.now().getTime();
  return {
    items: rows.map((r) => toSummary(r, now)),
    total: Number(total),
    page: q.page,
    pageSize: APPLICATION_PAGE_SIZE,
  };
}

type AppRow = NonNullable<Awaited<ReturnType<typeof selectApplication>>>;

// Opening and deciding an application are the programme's busiest paths: their
// fixed-shape queries are built once (prepared.ts).
const applicationById = preparedLockable((db: Db, v: { id: string }) =>
  db.selectFrom('applications').selectAll().where('id', '=', v.id),
);

function selectApplication(db: Db | Tx, id: string, lock = false) {
  return applicationById(lock).executeTakeFirst(db, { id });
}

/**
 * An application the actor may read: the coordinator reads all; staff read
 * those on cases they may read, and their own organisation's inquiries
 * without a case. Anything else is 404.
 */
async function applicationForRead(
  ctx: AppContext,
  db: Db | Tx,
  actor: Actor,
  id: string,
  lock = false,
): Promise<{ app: AppRow; owner: boolean }> {
  const app = await selectApplication(db, id, lock && forUpdate(ctx.dialect));
  if (!app) throw new AppError('not_found');
  if (app.case_id) {
    const { owner } = await caseForRead(db, actor, app.case_id);
    return { app, owner };
  }
  if (actor.role === 'coordinator') return { app, owner: false };
  if (actor.role === 'actor_staff' && app.organisation_id === actor.organisationId)
    return { app, owner: true };
  throw new AppError('not_found');
}

function toDecisionView(
  ctx: AppContext,
  d: {
    id: string;
    sequence: number;
    outcome: string;
    grounds: string;
    rationale_enc: string;
    granted_days: number | null;
    granted_quantity: number | null;
    granted_amount_ore: number;
    condition_enc: string | null;
    condition_ends_on: string | null;
    supersedes_id: string | null;
    approval_status: string;
    decided_at: string;
    decided_by_name: string | null;
    approved_at: string | null;
    approved_by_name: string | null;
    approval_comment_enc: string | null;
  },
  currentId: string | null,
  showApprovalComment: boolean,
): DecisionView {
  return {
    id: d.id,
    sequence: d.sequence,
    outcome: d.outcome as DecisionOutcome,
    grounds: JSON.parse(d.grounds) as string[],
    rationale: ctx.crypto.decrypt(d.rationale_enc),
    grantedDays: d.granted_days,
    grantedQuantity: d.granted_quantity,
    grantedAmountOre: Number(d.granted_amount_ore),
    condition: d.condition_enc ? ctx.crypto.decrypt(d.condition_enc) : null,
    conditionEndsOn: d.condition_ends_on,
    supersedesId: d.supersedes_id,
    approvalStatus: d.approval_status as DecisionView['approvalStatus'],
    decidedAt: d.decided_at,
    decidedByName: d.decided_by_name,
    approvedAt: d.approved_at,
    approvedByName: d.approved_by_name,
    approvalComment:
      showApprovalComment && d.approval_comment_enc
        ? ctx.crypto.decrypt(d.approval_comment_enc)
        : null,
    current: d.id === currentId,
  };
}

/** Current facts for the rule checks: recomputed while the application waits in the queue. */
async function currentWarnings(ctx: AppContext, db: Db | Tx, app: AppRow): Promise<Warning[]> {
  const c = app.case_id
    ? await detailQueries.caseFacts.executeTakeFirst(db, { id: app.case_id })
    : undefined;
  const others =
    app.type === 'reflection' && app.case_id ? await reflectionsOf(db, app.case_id, app.id) : [];
  return ruleWarnings({
    type: app.type as ApplicationType,
    periodFrom: app.period_from,
    days: app.days,
    amountOre: Number(app.amount_ore),
    submittedDate: app.submitted_date,
    policeReport: c?.police_report ?? null,
    policeReportDate: c?.police_report_date ?? null,
    residenceStatus: c?.residence_status ?? null,
    otherReflectionDays: others.reduce((n, o) => n + (o.granted_days ?? o.days ?? 0), 0),
    category: await categoryOf(db, app.intervention_code, app.rate_schedule_id, true),
  });
}

const detailQueries = {
  summary: prepared((db: Db, v: { id: string }) =>
    summaryQuery(db)
      .select([...SUMMARY_COLUMNS])
      .where('a.id', '=', v.id),
  ),
  decisions: prepared((db: Db, v: { id: string }) =>
    db
      .selectFrom('decisions as d')
      .leftJoin('users as u', 'u.id', 'd.decided_by')
      .leftJoin('users as v', 'v.id', 'd.approved_by')
      .select([
        'd.id',
        'd.sequence',
        'd.outcome',
        'd.grounds',
        'd.rationale_enc',
        'd.granted_days',
        'd.granted_quantity',
        'd.granted_amount_ore',
        'd.condition_enc',
        'd.condition_ends_on',
        'd.supersedes_id',
        'd.approval_status',
        'd.decided_at',
        'u.name as decided_by_name',
        'd.approved_at',
        'v.name as approved_by_name',
        'd.approval_comment_enc',
      ])
      .where('d.application_id', '=', v.id)
      .orderBy('d.sequence', 'desc'),
  ),
  messages: prepared((db: Db, v: { id: string }) =>
    db
      .selectFrom('application_messages as m')
      .leftJoin('users as u', 'u.id', 'm.by_user_id')
      .select(['m.id', 'm.kind', 'm.body_enc', 'm.at', 'u.name'])
      .where('m.application_id', '=', v.id)
      .orderBy('m.at'),
  ),
  rates: prepared((db: Db, v: { id: string }) =>
    db.selectFrom('rate_schedules').selectAll().where('id', '=', v.id),
  ),
  caseFacts: prepared((db: Db, v: { id: string }) =>
    db
      .selectFrom('cases')
      .select(['police_report', 'police_report_date', 'residence_status'])
      .where('id', '=', v.id),
  ),
  lastSequence: prepared((db: Db, v: { id: string }) =>
    db
      .selectFrom('decisions')
      .select((eb) => eb.fn.max('sequence').as('m'))
      .where('application_id', '=', v.id),
  ),
};

async function buildDetail(
  ctx: AppContext,
  actor: Actor,
  app: AppRow,
  owner: boolean,
): Promise<ApplicationDetail> {
  const [summary, decisions, messages, rates] = await Promise.all([
    detailQueries.summary.executeTakeFirst(ctx.db, { id: app.id }),
    detailQueries.decisions.execute(ctx.db, { id: app.id }),
    detailQueries.messages.execute(ctx.db, { id: app.id }),
    app.rate_schedule_id
      ? detailQueries.rates.executeTakeFirst(ctx.db, { id: app.rate_schedule_id })
      : undefined,
  ]);
  if (!summary) throw new AppError('not_found');
  const open = OPEN_STATUSES.includes(app.status as ApplicationStatus);
  const warnings = open
    ? await currentWarnings(ctx, ctx.db, app)
    : (JSON.parse(app.warnings) as Warning[]);
  const breakdown = computeBreakdown(
    {
      type: app.type as ApplicationType,
      periodFrom: app.period_from,
      periodTo: app.period_to,
      childrenCount: app.children_count,
      protection24h: app.protection_24h === 1,
      quantity: app.quantity,
      // The unit price as applied for: a later catalogue change does not rewrite an application.
      unitCostOre: app.unit_cost_ore === null ? null : Number(app.unit_cost_ore),
      deductionsOre: Number(app.deductions_ore),
    },
    rates,
    undefined,
  );
  const coordinator = actor.role === 'coordinator';
  return {
    ...toSummary(summary, ctx.clock.now().getTime()),
    warningCount: warnings.length,
    childrenCount: app.children_count,
    protection24h: app.protection_24h === 1,
    deductionsOre: Number(app.deductions_ore),
    deductionsBy: app.deductions_by,
    unitCostOre: app.unit_cost_ore === null ? null : Number(app.unit_cost_ore),
    justification: ctx.crypto.decrypt(app.justification_enc),
    warnings,
    breakdown: { ...breakdown, amountOre: Number(app.amount_ore) },
    // Staff see decisions once final; one awaiting (or refused) a second approval is internal.
    decisions: decisions
      .filter((d) => coordinator || d.approval_status === 'final')
      .map((d) => toDecisionView(ctx, d, app.current_decision_id, coordinator)),
    messages: messages.map((m) => ({
      id: m.id,
      kind: m.kind as 'question' | 'answer',
      text: ctx.crypto.decrypt(m.body_enc),
      at: m.at,
      byName: m.name,
    })),
    version: app.version,
    mayDecide: coordinator && app.status !== 'awaiting_approval',
    mayAnswer: owner && app.status === 'information_requested',
    budget: coordinator ? await budgetHint(ctx.db, app) : null,
  };
}

export async function getApplication(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<ApplicationDetail> {
  const { app, owner } = await applicationForRead(ctx, ctx.db, actor, id);
  const detail = await buildDetail(ctx, actor, app, owner);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'application.read',
    objectType: 'application',
    objectId: id,
    requestId,
  });
  return detail;
}

/* ---------- deciding ---------- */

async function assertGrounds(db: Db | Tx, grounds: string[]): Promise<void> {
  const unique = [...new Set(grounds)];
  const rows = await db
    .selectFrom('decision_grounds')
    .select('code')
    .where('code', 'in', unique)
    .execute();
  if (rows.length !== unique.length || unique.length !== grounds.length)
    throw new AppError('validation', [{ path: 'grounds', code: 'unknown_ground' }]);
}

/** The granted figures of a decision, checked against what was applied for. */
async function grantedFigures(
  db: Db | Tx,
  app: AppRow,
  input: DecideInput,
): Promise<{ days: number | null; quantity: number | null; amount: number }> {
  const applied = Number(app.amount_ore);
  const all = { days: app.days, quantity: app.quantity, amount: applied };
  switch (input.outcome) {
    case 'granted':
      return all;
    case 'granted_with_condition':
      if (!input.condition)
        throw new AppError('validation', [{ path: 'condition', code: 'required_for_type' }]);
      return all;
    case 'partially_granted': {
      if (app.type === 'inquiry' || app.type === 'admission' || applied === 0)
        throw new AppError('validation', [{ path: 'outcome', code: 'not_for_type' }]);
      let days = app.days;
      let quantity = app.quantity;
      let amount = applied;
      if (isPeriodType(app.type as ApplicationType) && input.grantedDays !== null) {
        if (input.grantedDays >= (app.days ?? 0))
          throw new AppError('validation', [{ path: 'grantedDays', code: 'not_fewer' }]);
        const rates = app.rate_schedule_id
          ? await db
              .selectFrom('rate_schedules')
              .selectAll()
              .where('id', '=', app.rate_schedule_id)
              .executeTakeFirst()
          : undefined;
        if (!rates) throw new AppError('wrong_state');
        days = input.grantedDays;
        amount = amountForDays(app, rates, days);
      } else if (app.type === 'intervention' && input.grantedQuantity !== null) {
        if (input.grantedQuantity >= (app.quantity ?? 0))
          throw new AppError('validation', [{ path: 'grantedQuantity', code: 'not_fewer' }]);
        quantity = input.grantedQuantity;
        const unit = Number(app.unit_cost_ore ?? 0);
        amount = Math.max(0, quantity * unit - Number(app.deductions_ore));
      } else if (input.grantedAmountOre === null) {
        const path = isPeriodType(app.type as ApplicationType) ? 'grantedDays' : 'grantedQuantity';
        throw new AppError('validation', [{ path, code: 'required_for_type' }]);
      }
      if (input.grantedAmountOre !== null) {
        if (input.grantedAmountOre > amount)
          throw new AppError('validation', [
            { path: 'grantedAmountOre', code: 'above_applied', params: { maximum: amount } },
          ]);
        amount = input.grantedAmountOre;
      }
      if (amount >= applied)
        throw new AppError('validation', [{ path: 'grantedAmountOre', code: 'not_fewer' }]);
      return { days, quantity, amount };
    }
    default:
      return { days: null, quantity: null, amount: 0 };
  }
}

/** Tells the applicant: the case code and a link, never anything about the person. */
async function notifyApplicant(
  ctx: AppContext,
  tx: Tx,
  app: AppRow,
  kind: 'decision' | 'info_request',
) {
  const c = app.case_id
    ? await decisionQueries.caseToNotify.executeTakeFirst(tx, { id: app.case_id })
    : undefined;
  // Whoever can open the link: active staff of the organisation that owns the case now
  // (a protected case: its named staff). The submitter, while that is still them;
  // after a transfer, the new owner's staff instead.
  let staff = tx
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.locale'])
    .where('u.organisation_id', '=', c?.owner_organisation_id ?? app.organisation_id)
    .where('u.role', '=', 'actor_staff')
    .where('u.disabled_at', 'is', null);
  if (c && c.protected_identity === 1)
    staff = staff.where('u.id', 'in', (eb) =>
      eb.selectFrom('case_protected_staff').select('user_id').where('case_id', '=', c.id),
    );
  const candidates = await staff.orderBy('u.id').execute();
  const submitter = candidates.find((u) => u.id === app.submitted_by);
  for (const user of submitter ? [submitter] : candidates) {
    const loc: Locale = isLocale(user.locale) ? user.locale : 'sv';
    const label = c?.code ?? t(loc, 'mail.inquiry_label');
    const link = `${ctx.config.publicUrl}/applications/${app.id}`;
    await ctx.mail.enqueue(tx, {
      kind: `application.${kind}`,
      to: user.email,
      subject: t(loc, `mail.${kind}_subject`, { code: label }),
      text: t(loc, `mail.${kind}_body`, { code: label, link }),
    });
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed'))
  );
}

const decisionQueries = {
  insert: prepared((db: Db, v: Insertable<Database['decisions']>) =>
    db.insertInto('decisions').values({
      id: v.id,
      application_id: v.application_id,
      sequence: v.sequence,
      outcome: v.outcome,
      grounds: v.grounds,
      rationale_enc: v.rationale_enc,
      granted_days: v.granted_days,
      granted_quantity: v.granted_quantity,
      granted_amount_ore: v.granted_amount_ore,
      condition_enc: v.condition_enc,
      condition_ends_on: v.condition_ends_on,
      supersedes_id: v.supersedes_id,
      approval_status: v.approval_status,
      decided_at: v.decided_at,
      decided_by: v.decided_by,
      approved_at: v.approved_at,
      approved_by: v.approved_by,
      approval_comment_enc: v.approval_comment_enc,
    }),
  ),
  // Under the version the decision was made against: a concurrent change makes it fail.
  moveApplication: prepared(
    (
      db: Db,
      v: {
        id: string;
        status: string;
        currentDecisionId: string | null;
        decidedAt: string | null;
        version: number;
        expectedVersion: number;
      },
    ) =>
      db
        .updateTable('applications')
        .set({
          status: v.status,
          current_decision_id: v.currentDecisionId,
          decided_at: v.decidedAt,
          version: v.version,
        })
        .where('id', '=', v.id)
        .where('version', '=', v.expectedVersion),
  ),
  caseToNotify: prepared((db: Db, v: { id: string }) =>
    db
      .selectFrom('cases')
      .select(['id', 'code', 'owner_organisation_id', 'protected_identity'])
      .where('id', '=', v.id),
  ),
};

export async function decide(
  ctx: AppContext,
  actor: Actor,
  applicationId: string,
  input: DecideInput,
  requestId: string,
): Promise<ApplicationDetail> {
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const { app } = await applicationForRead(ctx, tx, actor, applicationId, true);
      if (app.version !== input.expectedVersion) throw new AppError('conflict');
      await assertGrounds(tx, input.grounds);
      const status = app.status as ApplicationStatus;
      const final = FINAL_OUTCOMES.has(input.outcome);
      if (status === 'awaiting_approval') throw new AppError('wrong_state');
      if (input.supersedesDecisionId !== null) {
        // A correction replaces the decision that stands, with a final outcome.
        if (status !== 'decided') throw new AppError('wrong_state');
        if (input.supersedesDecisionId !== app.current_decision_id) throw new AppError('conflict');
        if (!final) throw new AppError('validation', [{ path: 'outcome', code: 'invalid_value' }]);
      } else if (status === 'decided') {
        throw new AppError('already_decided');
      }
      const figures = await grantedFigures(tx, app, input);
      const programme = await currentProgramme(tx);
      const needsApproval =
        final &&
        figures.amount > 0 &&
        programme.approval_limit_ore !== null &&
        figures.amount > Number(programme.approval_limit_ore);
      const last = await detailQueries.lastSequence.executeTakeFirst(tx, { id: app.id });
      const now = ctx.clock.now().toISOString();
      const decisionId = newId();
      await decisionQueries.insert.run(tx, {
        id: decisionId,
        application_id: app.id,
        sequence: Number(last?.m ?? 0) + 1,
        outcome: input.outcome,
        grounds: JSON.stringify(input.grounds),
        rationale_enc: ctx.crypto.encrypt(input.rationale),
        granted_days: final ? figures.days : null,
        granted_quantity: final ? figures.quantity : null,
        granted_amount_ore: input.outcome === 'denied' ? 0 : figures.amount,
        condition_enc:
          input.outcome === 'granted_with_condition' && input.condition
            ? ctx.crypto.encrypt(input.condition)
            : null,
        condition_ends_on:
          input.outcome === 'granted_with_condition' ? input.conditionEndsOn : null,
        supersedes_id: input.supersedesDecisionId,
        approval_status: needsApproval ? 'pending_approval' : 'final',
        decided_at: now,
        decided_by: actor.userId,
        approved_at: null,
        approved_by: null,
        approval_comment_enc: null,
      });
      // Budget: a final decision commits its figures (reversing the one it supersedes) in this
      // transaction; one awaiting approval is only checked. A closed period refuses both.
      if (final) {
        const budgeted = {
          id: decisionId,
          grantedDays: figures.days,
          grantedAmountOre: input.outcome === 'denied' ? 0 : figures.amount,
          supersedesId: input.supersedesDecisionId,
        };
        if (needsApproval)
          await checkDecision(ctx, tx, app, budgeted, input.allowOverdraw ?? false);
        else await commitDecision(ctx, tx, actor, app, budgeted, input.allowOverdraw ?? false);
      }
      const nextStatus: ApplicationStatus = needsApproval
        ? 'awaiting_approval'
        : final
          ? 'decided'
          : input.outcome === 'information_requested'
            ? 'information_requested'
            : 'under_processing';
      if (input.outcome === 'information_requested')
        await tx
          .insertInto('application_messages')
          .values({
            id: newId(),
            application_id: app.id,
            kind: 'question',
            body_enc: ctx.crypto.encrypt(input.rationale),
            at: now,
            by_user_id: actor.userId,
          })
          .execute();
      const res = await decisionQueries.moveApplication.run(tx, {
        id: app.id,
        status: nextStatus,
        currentDecisionId: final && !needsApproval ? decisionId : app.current_decision_id,
        decidedAt: final && !needsApproval ? now : app.decided_at,
        version: app.version + 1,
        expectedVersion: input.expectedVersion,
      });
      if (Number(res.numAffectedRows) !== 1) throw new AppError('conflict');
      if ((final && !needsApproval) || input.outcome === 'information_requested')
        await notifyApplicant(ctx, tx, app, final ? 'decision' : 'info_request');
      await ctx.audit.append(tx, {
        ...auditActor(actor),
        action: input.supersedesDecisionId
          ? 'application.decision_superseded'
          : 'application.decided',
        objectType: 'decision',
        objectId: decisionId,
        requestId,
      });
    });
  } catch (err) {
    // Two decisions at once: the unique (application, sequence) lets exactly one in.
    if (isUniqueViolation(err)) throw new AppError('conflict');
    throw err;
  }
  return getApplication(ctx, actor, applicationId, requestId);
}

/** The actor answers a request for more information; the application returns to the queue. */
export async function answer(
  ctx: AppContext,
  actor: Actor,
  applicationId: string,
  input: { expectedVersion: number; text: string },
  requestId: string,
): Promise<ApplicationDetail> {
  await ctx.db.transaction().execute(async (tx) => {
    const { app, owner } = await applicationForRead(ctx, tx, actor, applicationId, true);
    if (!owner) throw new AppError('forbidden');
    if (app.version !== input.expectedVersion) throw new AppError('conflict');
    if (app.status !== 'information_requested') throw new AppError('wrong_state');
    const now = ctx.clock.now().toISOString();
    await tx
      .insertInto('application_messages')
      .values({
        id: newId(),
        application_id: app.id,
        kind: 'answer',
        body_enc: ctx.crypto.encrypt(input.text),
        at: now,
        by_user_id: actor.userId,
      })
      .execute();
    const warnings = await currentWarnings(ctx, tx, app);
    const res = await tx
      .updateTable('applications')
      .set({
        status: 'submitted',
        queued_at: now,
        warnings: JSON.stringify(warnings),
        version: app.version + 1,
      })
      .where('id', '=', app.id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'application.answered',
      objectType: 'application',
      objectId: app.id,
      requestId,
    });
  });
  return getApplication(ctx, actor, applicationId, requestId);
}

/* ---------- second approval (four-eyes) ---------- */

export async function listApprovals(ctx: AppContext, actor: Actor) {
  const rows = await ctx.db
    .selectFrom('decisions as d')
    .innerJoin('applications as a', 'a.id', 'd.application_id')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .leftJoin('users as u', 'u.id', 'd.decided_by')
    .select([
      'd.id',
      'a.id as application_id',
      'c.code',
      'o.name as organisation_name',
      'a.type',
      'd.outcome',
      'a.amount_ore',
      'd.granted_amount_ore',
      'd.decided_at',
      'd.decided_by',
      'u.name',
    ])
    .where('d.approval_status', '=', 'pending_approval')
    .orderBy('d.decided_at')
    .execute();
  return {
    items: rows.map((r) => ({
      decisionId: r.id,
      applicationId: r.application_id,
      caseCode: r.code,
      organisationName: r.organisation_name,
      type: r.type as ApplicationType,
      outcome: r.outcome as DecisionOutcome,
      amountOre: Number(r.amount_ore),
      grantedAmountOre: Number(r.granted_amount_ore),
      decidedAt: r.decided_at,
      decidedByName: r.name,
      ownDecision: r.decided_by === actor.userId,
    })),
  };
}

export async function approveDecision(
  ctx: AppContext,
  actor: Actor,
  decisionId: string,
  input: { approve: boolean; comment: string | null; allowOverdraw?: boolean },
  requestId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const d = await tx
      .selectFrom('decisions')
      .select([
        'id',
        'application_id',
        'approval_status',
        'decided_by',
        'granted_days',
        'granted_amount_ore',
        'supersedes_id',
      ])
      .where('id', '=', decisionId)
      .executeTakeFirst();
    if (!d) throw new AppError('not_found');
    if (d.approval_status !== 'pending_approval') throw new AppError('wrong_state');
    if (d.decided_by === actor.userId) throw new AppError('own_decision');
    const now = ctx.clock.now().toISOString();
    const res = await tx
      .updateTable('decisions')
      .set({
        approval_status: input.approve ? 'final' : 'rejected',
        approved_at: now,
        approved_by: actor.userId,
        approval_comment_enc: input.comment ? ctx.crypto.encrypt(input.comment) : null,
      })
      .where('id', '=', decisionId)
      .where('approval_status', '=', 'pending_approval')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    const app = await selectApplication(tx, d.application_id, forUpdate(ctx.dialect));
    if (!app) throw new AppError('not_found');
    await tx
      .updateTable('applications')
      .set(
        input.approve
          ? {
              status: 'decided',
              current_decision_id: decisionId,
              decided_at: now,
              version: app.version + 1,
            }
          : {
              // Refused: back to what stood before (the superseded decision, or the queue).
              status: app.current_decision_id ? 'decided' : 'under_processing',
              version: app.version + 1,
            },
      )
      .where('id', '=', app.id)
      .execute();
    if (input.approve)
      await commitDecision(
        ctx,
        tx,
        actor,
        app,
        {
          id: d.id,
          grantedDays: d.granted_days,
          grantedAmountOre: Number(d.granted_amount_ore),
          supersedesId: d.supersedes_id,
        },
        input.allowOverdraw ?? false,
      );
    if (input.approve) await notifyApplicant(ctx, tx, app, 'decision');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: input.approve ? 'decision.approved' : 'decision.approval_refused',
      objectType: 'decision',
      objectId: decisionId,
      requestId,
    });
  });
}
