import { z } from 'zod';
import { id, isoDate, optionalText, searchText, shortText } from '../../core/schemas.js';
import {
  APPLICATION_STATUSES,
  APPLICATION_TYPES,
  COST_RESPONSIBILITIES,
  DECISION_OUTCOMES,
  INTERVENTION_UNITS,
  RULE_WARNINGS,
} from '../../core/reference.js';
import { caseText } from '../cases/cases.schemas.js';
import { budgetHint } from '../budget/budget.schemas.js';

/** Money is integer öre; the most a single figure may be is far below 2^53. */
export const ore = z.number().int().min(0).max(100_000_000_000);

export const applicationType = z.enum(APPLICATION_TYPES);
export const applicationStatus = z.enum(APPLICATION_STATUSES);
export const decisionOutcome = z.enum(DECISION_OUTCOMES);

const applicationFields = {
  /** Null only for an inquiry made before a case exists. */
  caseId: id.nullable(),
  type: applicationType,
  periodFrom: isoDate.nullable().default(null),
  periodTo: isoDate.nullable().default(null),
  interventionCode: shortText(60).nullable().default(null),
  quantity: z.number().int().min(1).max(10_000).nullable().default(null),
  /** Cost per unit when the catalogue sets no price (e.g. a ticket); öre. */
  unitCostOre: ore.nullable().default(null),
  childrenCount: z.number().int().min(0).max(20).default(0),
  protection24h: z.boolean().default(false),
  /** What another body already pays (e.g. the Migration Agency's daily allowance), deducted; öre. */
  deductionsOre: ore.default(0),
  deductionsBy: optionalText(200).default(null),
  justification: caseText(10_000),
};

function periodInOrder(
  v: { periodFrom: string | null; periodTo: string | null },
  ctx: z.RefinementCtx,
): void {
  if (v.periodFrom && v.periodTo && v.periodTo < v.periodFrom)
    ctx.addIssue({ code: 'custom', message: 'date_order', path: ['periodTo'] });
}

/** What an actor applies for. Which fields are required depends on the type (checked in the service). */
export const applicationInput = z.strictObject(applicationFields).superRefine(periodInOrder);

/** A price quote is asked for while the form is filled in: the justification may still be missing. */
export const quoteInput = z
  .strictObject({ ...applicationFields, justification: z.string().max(10_000).optional() })
  .superRefine(periodInOrder);
export type QuoteInput = z.infer<typeof quoteInput>;
export type ApplicationInput = z.infer<typeof applicationInput>;

export const warning = z.object({
  code: z.enum(RULE_WARNINGS),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type Warning = z.infer<typeof warning>;

export const breakdown = z.object({
  days: z.number().int().nullable(),
  dailyOre: z.number().int().nullable(),
  childDailyOre: z.number().int().nullable(),
  protectionDailyOre: z.number().int().nullable(),
  quantity: z.number().int().nullable(),
  unitOre: z.number().int().nullable(),
  grossOre: z.number().int(),
  deductionsOre: z.number().int(),
  amountOre: z.number().int(),
});
export type Breakdown = z.infer<typeof breakdown>;

export const quoteReply = z.object({ breakdown, warnings: z.array(warning) });

export const applicationSummary = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  caseCode: z.string().nullable(),
  organisationId: z.string(),
  organisationName: z.string(),
  type: applicationType,
  status: applicationStatus,
  periodFrom: z.string().nullable(),
  periodTo: z.string().nullable(),
  days: z.number().int().nullable(),
  interventionCode: z.string().nullable(),
  quantity: z.number().int().nullable(),
  amountOre: z.number().int(),
  submittedAt: z.string(),
  submittedDate: z.string(),
  /** When it last entered the queue. */
  queuedAt: z.string(),
  /** Whole days in the queue since then. */
  ageDays: z.number().int(),
  /** The first day of the period applied for: the decision should come before it. */
  deadline: z.string().nullable(),
  warningCount: z.number().int(),
  currentOutcome: decisionOutcome.nullable(),
  grantedAmountOre: z.number().int().nullable(),
});
export type ApplicationSummary = z.infer<typeof applicationSummary>;

export const listQuery = z.strictObject({
  /** `open`: in the coordinator's queue (submitted or under processing). */
  status: z.enum(['open', ...APPLICATION_STATUSES]).optional(),
  type: applicationType.optional(),
  organisationId: id.optional(),
  caseCode: searchText(20).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const listReply = z.object({
  items: z.array(applicationSummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const decisionView = z.object({
  id: z.string(),
  sequence: z.number().int(),
  outcome: decisionOutcome,
  grounds: z.array(z.string()),
  rationale: z.string(),
  grantedDays: z.number().int().nullable(),
  grantedQuantity: z.number().int().nullable(),
  grantedAmountOre: z.number().int(),
  condition: z.string().nullable(),
  conditionEndsOn: z.string().nullable(),
  supersedesId: z.string().nullable(),
  approvalStatus: z.enum(['final', 'pending_approval', 'rejected']),
  decidedAt: z.string(),
  decidedByName: z.string().nullable(),
  approvedAt: z.string().nullable(),
  approvedByName: z.string().nullable(),
  approvalComment: z.string().nullable(),
  /** The decision that stands now (the latest final one not superseded). */
  current: z.boolean(),
});
export type DecisionView = z.infer<typeof decisionView>;

export const messageView = z.object({
  id: z.string(),
  kind: z.enum(['question', 'answer']),
  text: z.string(),
  at: z.string(),
  byName: z.string().nullable(),
});

export const applicationDetail = applicationSummary.extend({
  childrenCount: z.number().int(),
  protection24h: z.boolean(),
  deductionsOre: z.number().int(),
  deductionsBy: z.string().nullable(),
  unitCostOre: z.number().int().nullable(),
  justification: z.string(),
  warnings: z.array(warning),
  breakdown,
  decisions: z.array(decisionView),
  messages: z.array(messageView),
  version: z.number().int(),
  mayDecide: z.boolean(),
  mayAnswer: z.boolean(),
  /** For the coordinator: the budget post's remaining funds and the days they pay for. */
  budget: budgetHint.optional(),
});
export type ApplicationDetail = z.infer<typeof applicationDetail>;

export const decideBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  outcome: decisionOutcome,
  grounds: z.array(shortText(60)).min(1).max(10),
  rationale: caseText(10_000),
  grantedDays: z.number().int().min(1).max(90).nullable().default(null),
  grantedQuantity: z.number().int().min(1).max(10_000).nullable().default(null),
  grantedAmountOre: ore.nullable().default(null),
  condition: caseText(2000).nullable().default(null),
  conditionEndsOn: isoDate.nullable().default(null),
  /** Correcting a decision: the id of the decision this one replaces. */
  supersedesDecisionId: id.nullable().default(null),
  /** Commit even when the budget post's remaining funds do not cover it. */
  allowOverdraw: z.boolean().default(false),
});
/** The CLI's demo data decides without the budget flag: it defaults to false. */
export type DecideInput = Omit<z.infer<typeof decideBody>, 'allowOverdraw'> & {
  allowOverdraw?: boolean;
};

export const answerBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  text: caseText(10_000),
});

export const approvalBody = z.strictObject({
  approve: z.boolean(),
  comment: optionalText(2000).default(null),
  /** Commit even when the budget post's remaining funds do not cover it. */
  allowOverdraw: z.boolean().default(false),
});

export const applicationParams = z.strictObject({ id });
export const decisionParams = z.strictObject({ id });

export const createdReply = z.object({ id: z.string() });

export const approvalItem = z.object({
  decisionId: z.string(),
  applicationId: z.string(),
  caseCode: z.string().nullable(),
  organisationName: z.string(),
  type: applicationType,
  outcome: decisionOutcome,
  amountOre: z.number().int(),
  grantedAmountOre: z.number().int(),
  decidedAt: z.string(),
  decidedByName: z.string().nullable(),
  /** The reader made this decision and so may not approve it. */
  ownDecision: z.boolean(),
});
export const approvalsReply = z.object({ items: z.array(approvalItem) });

/* The programme's catalogues and settings. */

export const interventionView = z.object({
  code: z.string(),
  nameSv: z.string(),
  nameEn: z.string(),
  unit: z.enum(INTERVENTION_UNITS),
  unitPriceOre: z.number().int().nullable(),
  capOre: z.number().int().nullable(),
  responsibility: z.enum(COST_RESPONSIBILITIES),
  retired: z.boolean(),
});

export const rateScheduleView = z.object({
  id: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  reflectionDailyOre: z.number().int(),
  reflectionChildDailyOre: z.number().int(),
  protectionDailyOre: z.number().int(),
  integrationDailyOre: z.number().int(),
  integrationChildDailyOre: z.number().int(),
});

export const programmeReply = z.object({
  id: z.string(),
  name: z.string(),
  codePrefix: z.string(),
  approvalLimitOre: z.number().int().nullable(),
  rateSchedules: z.array(rateScheduleView),
  interventions: z.array(interventionView),
  grounds: z.array(z.object({ code: z.string(), nameSv: z.string(), nameEn: z.string() })),
});

export const settingsBody = z.strictObject({
  /** Null turns the second approval off. */
  approvalLimitOre: ore.nullable(),
});

export const interventionCodeParams = z.strictObject({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,59}$/)
    .max(60),
});

export const interventionBody = z.strictObject({
  nameSv: shortText(120),
  nameEn: shortText(120),
  unit: z.enum(INTERVENTION_UNITS),
  unitPriceOre: ore.nullable(),
  capOre: ore.nullable(),
  responsibility: z.enum(COST_RESPONSIBILITIES),
  retired: z.boolean(),
});
