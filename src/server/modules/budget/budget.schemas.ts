import { z } from 'zod';
import { id, isoDate, optionalText, shortText } from '../../core/schemas.js';

/**
 * Money is integer öre, never negative in input (the same bounds as the applications'
 * `ore`; defined here because applications.schemas imports the budget hint from this file).
 */
export const ore = z.number().int().min(0).max(100_000_000_000);

/** Where a period's money comes from (domain.md §3). */
export const FUNDING_KINDS = ['grant', 'carried_over', 'earmarked', 'other_grant'] as const;
/** A period's fixed costs. */
export const FIXED_COST_KINDS = ['coordinator_salary', 'travel', 'website', 'other'] as const;
/** Payout posts: one of each of the first three per period (decisions commit to them), and others. */
export const POST_KINDS = ['reflection', 'integration', 'intervention', 'other'] as const;
/** Ledger entry kinds; see migration 0004 for the sign convention. */
export const ENTRY_KINDS = [
  'budget',
  'commitment',
  'reversal',
  'deduction',
  'payout',
  'transfer_in',
  'transfer_out',
] as const;

/** The overhead share in basis points: 1000 is 10 %. Integers only, no floats. */
const basisPoints = z.number().int().min(0).max(10_000);

const fundingSource = z.strictObject({
  kind: z.enum(FUNDING_KINDS),
  name: shortText(200),
  amountOre: ore,
  /** Earmarked extra funds may name the case they are for. */
  caseId: id.nullable().default(null),
});

const fixedCost = z.strictObject({
  kind: z.enum(FIXED_COST_KINDS),
  name: shortText(200),
  amountOre: ore,
});

export const periodCreateBody = z
  .strictObject({
    name: shortText(120),
    startsOn: isoDate,
    endsOn: isoDate,
    overheadBp: basisPoints.default(1000),
    fundingSources: z.array(fundingSource).max(50).default([]),
    fixedCosts: z.array(fixedCost).max(50).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.endsOn < v.startsOn)
      ctx.addIssue({ code: 'custom', message: 'date_order', path: ['endsOn'] });
  });
export type PeriodCreateInput = z.infer<typeof periodCreateBody>;

/** Changes to a period; the dates stay (the period's rates and ledger hang on them). */
export const periodPatchBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  name: shortText(120).optional(),
  overheadBp: basisPoints.optional(),
  /** Replaces the period's funding sources. */
  fundingSources: z.array(fundingSource).max(50).optional(),
  /** Replaces the period's fixed costs. */
  fixedCosts: z.array(fixedCost).max(50).optional(),
});
export type PeriodPatchInput = z.infer<typeof periodPatchBody>;

/** A period's price (hourly rate) and cap for one intervention category; null: none. */
const interventionRate = z.strictObject({
  code: shortText(60),
  unitPriceOre: ore.nullable(),
  capOre: ore.nullable(),
});

export const ratesBody = z
  .strictObject({
    reflectionDailyOre: ore,
    reflectionChildDailyOre: ore,
    protectionDailyOre: ore,
    integrationDailyOre: ore,
    integrationChildDailyOre: ore,
    /** The catalogue's prices and caps for this period; left out: they stay as they are. */
    interventions: z.array(interventionRate).max(200).optional(),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    for (const [i, r] of (v.interventions ?? []).entries()) {
      if (seen.has(r.code))
        ctx.addIssue({ code: 'custom', message: 'duplicate', path: ['interventions', i, 'code'] });
      seen.add(r.code);
    }
  });
export type RatesInput = z.infer<typeof ratesBody>;

const planFields = {
  /** Planned units: persons × days × rate; or a plain amount when these are null. */
  planPersons: z.number().int().min(0).max(10_000).nullable().default(null),
  planDays: z.number().int().min(0).max(366).nullable().default(null),
  planRateOre: ore.nullable().default(null),
  planAmountOre: ore.nullable().default(null),
};

function planComplete(
  v: {
    planPersons?: number | null;
    planDays?: number | null;
    planRateOre?: number | null;
    planAmountOre?: number | null;
  },
  ctx: z.RefinementCtx,
): void {
  const units = [v.planPersons, v.planDays, v.planRateOre];
  const some = units.some((u) => u !== null && u !== undefined);
  const all = units.every((u) => u !== null && u !== undefined);
  if (some && !all)
    for (const [k, u] of [
      ['planPersons', v.planPersons],
      ['planDays', v.planDays],
      ['planRateOre', v.planRateOre],
    ] as const)
      if (u === null || u === undefined)
        ctx.addIssue({ code: 'custom', message: 'required', path: [k] });
  if (all && v.planAmountOre !== null && v.planAmountOre !== undefined)
    ctx.addIssue({ code: 'custom', message: 'not_for_type', path: ['planAmountOre'] });
  if (all && (v.planPersons ?? 0) * (v.planDays ?? 0) * (v.planRateOre ?? 0) > 100_000_000_000)
    ctx.addIssue({ code: 'custom', message: 'plan_too_large', path: ['planRateOre'] });
}

export const postCreateBody = z
  .strictObject({ name: shortText(120), ...planFields, allowOverdraw: z.boolean().default(false) })
  .superRefine(planComplete);
export type PostCreateInput = z.infer<typeof postCreateBody>;

export const postPatchBody = z
  .strictObject({
    name: shortText(120).optional(),
    /** Sent together: the plan is replaced (a field left out is empty); none sent: the plan stays. */
    planPersons: planFields.planPersons.unwrap().optional(),
    planDays: planFields.planDays.unwrap().optional(),
    planRateOre: planFields.planRateOre.unwrap().optional(),
    planAmountOre: planFields.planAmountOre.unwrap().optional(),
    /** Lowering a post's budget below what it has committed needs this. */
    allowOverdraw: z.boolean().default(false),
  })
  .superRefine(planComplete);
export type PostPatchInput = z.infer<typeof postPatchBody>;

export const transferBody = z
  .strictObject({
    fromPostId: id,
    toPostId: id,
    amountOre: ore.min(1),
    reason: shortText(2000),
    /** A transfer that would leave the source post negative needs this. */
    allowOverdraw: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.fromPostId === v.toPostId)
      ctx.addIssue({ code: 'custom', message: 'duplicate', path: ['toPostId'] });
  });
export type TransferInput = z.infer<typeof transferBody>;

export const payoutBody = z.strictObject({
  /** The decision whose commitment is paid. */
  decisionId: id,
  paidOn: isoDate,
  amountOre: ore.min(1),
  reference: optionalText(200).default(null),
});
export type PayoutInput = z.infer<typeof payoutBody>;

export const dateQuery = z.strictObject({ date: isoDate.optional() });

/** Lines per statement page. */
export const STATEMENT_PAGE_SIZE = 100;

export const statementQuery = z.strictObject({
  date: isoDate.optional(),
  /** 1-based; left out: the last page (the newest lines). */
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const idParams = z.strictObject({ id });

/* ---------- replies ---------- */

export const ratesView = z.object({
  id: z.string(),
  reflectionDailyOre: z.number().int(),
  reflectionChildDailyOre: z.number().int(),
  protectionDailyOre: z.number().int(),
  integrationDailyOre: z.number().int(),
  integrationChildDailyOre: z.number().int(),
  interventions: z.array(
    z.object({
      code: z.string(),
      nameSv: z.string(),
      nameEn: z.string(),
      unit: z.enum(['item', 'session', 'hour']),
      unitPriceOre: z.number().int().nullable(),
      capOre: z.number().int().nullable(),
    }),
  ),
});

export const postView = z.object({
  id: z.string(),
  kind: z.enum(POST_KINDS),
  name: z.string(),
  planPersons: z.number().int().nullable(),
  planDays: z.number().int().nullable(),
  planRateOre: z.number().int().nullable(),
  planAmountOre: z.number().int().nullable(),
  /** What the plan adds up to (persons × days × rate, or the plain amount). */
  plannedOre: z.number().int(),
});

export const periodSummary = z.object({
  id: z.string(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  overheadBp: z.number().int(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  version: z.number().int(),
});

export const periodDetail = periodSummary.extend({
  fundingSources: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(FUNDING_KINDS),
      name: z.string(),
      amountOre: z.number().int(),
      caseId: z.string().nullable(),
      caseCode: z.string().nullable(),
    }),
  ),
  fixedCosts: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(FIXED_COST_KINDS),
      name: z.string(),
      amountOre: z.number().int(),
    }),
  ),
  posts: z.array(postView),
  rates: ratesView,
});
export type PeriodDetail = z.infer<typeof periodDetail>;

export const periodListReply = z.object({ items: z.array(periodSummary) });

export const postBalance = z.object({
  postId: z.string(),
  kind: z.enum(POST_KINDS),
  name: z.string(),
  budgetOre: z.number().int(),
  /** Gross commitments less deductions and reversals: what decisions have granted. */
  committedOre: z.number().int(),
  /** The deductions (e.g. the Migration Agency's daily allowance) within the committed figure. */
  deductedOre: z.number().int(),
  paidOre: z.number().int(),
  transferredInOre: z.number().int(),
  transferredOutOre: z.number().int(),
  /** budget + transferred in − transferred out − committed. */
  remainingOre: z.number().int(),
});
export type PostBalance = z.infer<typeof postBalance>;

export const balancesReply = z.object({
  periodId: z.string(),
  date: z.string(),
  posts: z.array(postBalance),
  fundsOre: z.number().int(),
  fixedCostsOre: z.number().int(),
  overheadOre: z.number().int(),
  committedOre: z.number().int(),
  paidOre: z.number().int(),
  /** funds − fixed costs − overhead − committed payouts. */
  resultOre: z.number().int(),
  /** funds − fixed costs − overhead − what has actually been paid out. */
  resultPaidOre: z.number().int(),
});

export const statementLine = z.object({
  id: z.string(),
  lineNo: z.number().int(),
  date: z.string(),
  kind: z.enum(ENTRY_KINDS),
  /** The signed effect on the remaining funds (0 for a payout). */
  amountOre: z.number().int(),
  /** Money paid out (payout lines only). */
  paidOre: z.number().int(),
  caseCode: z.string().nullable(),
  applicationId: z.string().nullable(),
  decisionId: z.string().nullable(),
  transferId: z.string().nullable(),
  /** The other post of a transfer. */
  counterpartPostName: z.string().nullable(),
  reference: z.string().nullable(),
  reason: z.string().nullable(),
  byName: z.string().nullable(),
  remainingOre: z.number().int(),
});

export const statementReply = z.object({
  post: postView.extend({ periodId: z.string(), periodName: z.string() }),
  date: z.string(),
  page: z.number().int(),
  pageCount: z.number().int(),
  totalLines: z.number().int(),
  /** The remaining funds before the page's first line; plus the page's lines, the last line's remaining. */
  broughtForwardOre: z.number().int(),
  lines: z.array(statementLine),
  balance: postBalance,
  /** Per decision on this page: committed (net, up to the date) against paid, and the difference. */
  decisions: z.array(
    z.object({
      decisionId: z.string(),
      caseCode: z.string().nullable(),
      committedOre: z.number().int(),
      paidOre: z.number().int(),
      differenceOre: z.number().int(),
    }),
  ),
});

export const transferReply = z.object({ id: z.string() });
export const payoutReply = z.object({ id: z.string() });

/** The budget hint the coordinator sees on an application. */
export const budgetHint = z
  .object({
    periodId: z.string(),
    periodName: z.string(),
    periodClosed: z.boolean(),
    postId: z.string(),
    postName: z.string(),
    remainingOre: z.number().int(),
    /** How many days (period types) the remaining funds pay for; null for interventions. */
    daysThatFit: z.number().int().nullable(),
    /** Would granting it in full leave the post negative? */
    wouldOverdraw: z.boolean(),
  })
  .nullable();
export type BudgetHint = z.infer<typeof budgetHint>;
