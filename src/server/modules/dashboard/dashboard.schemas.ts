import { z } from 'zod';
import { isoDate } from '../../core/schemas.js';
import { APPLICATION_TYPES, DECISION_OUTCOMES } from '../../core/reference.js';
import { POST_KINDS } from '../budget/budget.schemas.js';

/**
 * The coordinator's dashboard (issue 6): counts and sums only, never a case
 * code or anything about a person.
 */

/** Statuses in which an application waits for the coordinator (or a second approver) to decide. */
export const AWAITING_DECISION = ['submitted', 'under_processing', 'awaiting_approval'] as const;

/** Certifications that end within this many days are listed (the same window as the home page's). */
export const CERTIFICATION_WINDOW_DAYS = 60;

/** Months shown in the admissions chart: the current one and the eleven before it. */
export const ADMISSION_MONTHS = 12;

const count = z.number().int().nonnegative();
const month = z.string().regex(/^\d{4}-\d{2}$/);

export const dashboardReply = z.object({
  /** Today in Stockholm: the day the figures are for. */
  date: isoDate,
  openApplications: z.object({
    total: count,
    byType: z.array(z.object({ type: z.enum(APPLICATION_TYPES), count })),
    byStatus: z.array(z.object({ status: z.enum(AWAITING_DECISION), count })),
    /** Whole days since the longest-waiting application joined the queue; null when none waits. */
    oldestAgeDays: count.nullable(),
  }),
  decisionsThisMonth: z.object({
    month,
    total: count,
    byOutcome: z.array(z.object({ outcome: z.enum(DECISION_OUTCOMES), count })),
  }),
  /** The budget period that holds today, or null when none does. */
  funds: z
    .object({
      periodId: z.string(),
      name: z.string(),
      startsOn: isoDate,
      endsOn: isoDate,
      posts: z.array(
        z.object({
          postId: z.string(),
          kind: z.enum(POST_KINDS),
          name: z.string(),
          budgetOre: z.number().int(),
          committedOre: z.number().int(),
          remainingOre: z.number().int(),
        }),
      ),
      budgetOre: z.number().int(),
      remainingOre: z.number().int(),
    })
    .nullable(),
  /** Granted admissions per Stockholm month, oldest first, months without any included. */
  admissionsPerMonth: z.array(z.object({ month, count })),
  expiringCertifications: z.object({
    windowDays: z.number().int(),
    items: z.array(
      z.object({
        organisationId: z.string(),
        organisationName: z.string(),
        certifiedTo: isoDate,
        /** Negative when the end date has passed (the organisation is still marked certified). */
        daysLeft: z.number().int(),
      }),
    ),
  }),
});
export type DashboardReply = z.infer<typeof dashboardReply>;
