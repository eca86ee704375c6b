import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { auditActor } from '../../core/audit.js';
import type { Db } from '../../core/db/database.js';
import { stockholmDate, stockholmDayStartUtc } from '../../core/time.js';
import {
  APPLICATION_TYPES,
  DECISION_OUTCOMES,
  type ApplicationType,
  type DecisionOutcome,
} from '../../core/reference.js';
import { balancesOf, periodHolding } from '../budget/budget.service.js';
import { dateAfter, endingCertifications } from '../certification/certification.service.js';
import {
  ADMISSION_MONTHS,
  AWAITING_DECISION,
  CERTIFICATION_WINDOW_DAYS,
  type DashboardReply,
} from './dashboard.schemas.js';

/**
 * The coordinator's dashboard. Every figure is an aggregate computed by the
 * database (COUNT, SUM, MIN, GROUP BY), never rows counted in memory; month
 * boundaries are Stockholm midnights turned into UTC instants here, so the one
 * query code compares timestamps on both databases.
 */

const DAY_MS = 86_400_000;

/** Outcomes that admit a person. */
const GRANTING: readonly DecisionOutcome[] = [
  'granted',
  'partially_granted',
  'granted_with_condition',
];

interface Month {
  month: string;
  /** The UTC instant the month begins in Stockholm. */
  start: string;
  /** The UTC instant the next month begins in Stockholm. */
  end: string;
}

/** The Stockholm month `back` months before the one of `date` (YYYY-MM-DD). */
function monthOf(date: string, back = 0): Month {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 - back;
  const first = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return {
    month: first.slice(0, 7),
    start: stockholmDayStartUtc(first),
    end: stockholmDayStartUtc(new Date(Date.UTC(y, m + 1, 1)).toISOString().slice(0, 10)),
  };
}

/** When a decision became final: its second approval, or when it was made. */
const finalAt: RawBuilder<string> = sql<string>`coalesce(${sql.ref('d.approved_at')}, ${sql.ref('d.decided_at')})`;

const n = (v: number | string | bigint | null | undefined): number => Number(v ?? 0);

async function openApplications(db: Db, now: Date) {
  const rows = await db
    .selectFrom('applications')
    .select((eb) => [
      'type',
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min<string>('queued_at').as('oldest'),
    ])
    .where('status', 'in', [...AWAITING_DECISION])
    .groupBy(['type', 'status'])
    .execute();
  const sum = (keep: (r: (typeof rows)[number]) => boolean) =>
    rows.filter(keep).reduce((total, r) => total + n(r.n), 0);
  const oldest = rows.reduce<string | null>(
    (min, r) =>
      r.oldest !== null && (min === null || Date.parse(r.oldest) < Date.parse(min))
        ? r.oldest
        : min,
    null,
  );
  return {
    total: sum(() => true),
    byType: APPLICATION_TYPES.map((type: ApplicationType) => ({
      type,
      count: sum((r) => r.type === type),
    })),
    byStatus: AWAITING_DECISION.map((status) => ({
      status,
      count: sum((r) => r.status === status),
    })),
    oldestAgeDays:
      oldest === null
        ? null
        : Math.max(0, Math.floor((now.getTime() - Date.parse(oldest)) / DAY_MS)),
  };
}

/** Decisions that became final in the month, by outcome (a decision awaiting approval has not). */
async function decisionsIn(db: Db, month: Month) {
  const rows = await db
    .selectFrom('decisions as d')
    .select((eb) => ['d.outcome', eb.fn.countAll<number>().as('n')])
    .where('d.approval_status', '=', 'final')
    .where(finalAt, '>=', month.start)
    .where(finalAt, '<', month.end)
    .groupBy('d.outcome')
    .execute();
  const byOutcome = DECISION_OUTCOMES.map((outcome) => ({
    outcome,
    count: n(rows.find((r) => r.outcome === outcome)?.n),
  }));
  return {
    month: month.month,
    total: byOutcome.reduce((total, o) => total + o.count, 0),
    byOutcome,
  };
}

/**
 * Admissions granted per month: each admission application once, by the
 * decision that stands for it now (a grant later corrected to a denial is not
 * an admission), in the Stockholm month that decision became final.
 */
async function admissionsPerMonth(db: Db, months: readonly Month[]) {
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) return [];
  // The month as a CASE over the boundaries; grouped in an outer query, as
  // PostgreSQL would not match a GROUP BY expression whose parameters differ.
  const bucket = sql<string>`case ${sql.join(
    months.map((m) => sql`when ${finalAt} < ${m.end} then ${m.month}`),
    sql` `,
  )} end`;
  const admitted = db
    .selectFrom('applications as a')
    .innerJoin('decisions as d', 'd.id', 'a.current_decision_id')
    .select(bucket.as('month'))
    .where('a.type', '=', 'admission')
    .where('d.outcome', 'in', [...GRANTING])
    .where(finalAt, '>=', first.start)
    .where(finalAt, '<', last.end);
  const rows = await db
    .selectFrom(admitted.as('x'))
    .select((eb) => ['x.month', eb.fn.countAll<number>().as('n')])
    .groupBy('x.month')
    .execute();
  return months.map((m) => ({
    month: m.month,
    count: n(rows.find((r) => r.month === m.month)?.n),
  }));
}

/** The posts of the budget period that holds today, through the budget module's balances. */
async function fundsOn(db: Db, date: string): Promise<DashboardReply['funds']> {
  const period = await periodHolding(db, date);
  if (!period) return null;
  const posts = (await balancesOf(db, period.id, date)).map((b) => ({
    postId: b.postId,
    kind: b.kind,
    name: b.name,
    budgetOre: b.budgetOre,
    committedOre: b.committedOre,
    remainingOre: b.remainingOre,
  }));
  return {
    periodId: period.id,
    name: period.name,
    startsOn: period.starts_on,
    endsOn: period.ends_on,
    posts,
    budgetOre: posts.reduce((total, p) => total + p.budgetOre, 0),
    remainingOre: posts.reduce((total, p) => total + p.remainingOre, 0),
  };
}

async function expiringCertifications(db: Db, today: string) {
  const rows = await endingCertifications(
    db,
    dateAfter(today, CERTIFICATION_WINDOW_DAYS),
  ).execute();
  return {
    windowDays: CERTIFICATION_WINDOW_DAYS,
    items: rows.flatMap((r) =>
      r.certified_to === null
        ? []
        : [
            {
              organisationId: r.organisation_id,
              organisationName: r.organisation_name,
              certifiedTo: r.certified_to,
              daysLeft: Math.round(
                (Date.parse(`${r.certified_to}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) /
                  DAY_MS,
              ),
            },
          ],
    ),
  };
}

export async function dashboard(
  ctx: AppContext,
  actor: Actor,
  requestId: string,
): Promise<DashboardReply> {
  const now = ctx.clock.now();
  const today = stockholmDate(now);
  const months = Array.from({ length: ADMISSION_MONTHS }, (_, i) =>
    monthOf(today, ADMISSION_MONTHS - 1 - i),
  );
  const [open, decisions, funds, admissions, certifications] = await Promise.all([
    openApplications(ctx.db, now),
    decisionsIn(ctx.db, monthOf(today)),
    fundsOn(ctx.db, today),
    admissionsPerMonth(ctx.db, months),
    expiringCertifications(ctx.db, today),
  ]);
  // Like the period report: one audited read of aggregates, no case is read.
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'dashboard.read',
    objectType: 'dashboard',
    objectId: null,
    requestId,
  });
  return {
    date: today,
    openApplications: open,
    decisionsThisMonth: decisions,
    funds,
    admissionsPerMonth: admissions,
    expiringCertifications: certifications,
  };
}
