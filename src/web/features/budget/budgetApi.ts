import type { z } from 'zod';
import type * as budgetSchemas from '../../../server/modules/budget/budget.schemas.js';
import type * as reportSchemas from '../../../server/modules/budget/budget.report.js';
import { ApiError, request, withQuery } from '../../api.js';
import { currentLanguage } from '../../i18n.js';

/*
 * The budget's part of the API (periods, rates, posts, transfers, payouts,
 * balances, statements and the funder report) through src/web/api.ts's
 * request, with types from the server's zod schemas.
 */

export type PeriodSummary = z.infer<typeof budgetSchemas.periodSummary>;
export type PeriodList = z.infer<typeof budgetSchemas.periodListReply>;
export type PeriodDetail = z.infer<typeof budgetSchemas.periodDetail>;
export type PeriodCreateInput = z.input<typeof budgetSchemas.periodCreateBody>;
export type PeriodPatchInput = z.input<typeof budgetSchemas.periodPatchBody>;
export type RatesInput = z.input<typeof budgetSchemas.ratesBody>;
export type PostView = z.infer<typeof budgetSchemas.postView>;
export type PostCreateInput = z.input<typeof budgetSchemas.postCreateBody>;
export type PostPatchInput = z.input<typeof budgetSchemas.postPatchBody>;
export type TransferInput = z.input<typeof budgetSchemas.transferBody>;
export type PayoutInput = z.input<typeof budgetSchemas.payoutBody>;
export type PostBalance = z.infer<typeof budgetSchemas.postBalance>;
export type BalancesReply = z.infer<typeof budgetSchemas.balancesReply>;
export type StatementReply = z.infer<typeof budgetSchemas.statementReply>;
export type StatementLine = StatementReply['lines'][number];
export type EntryKind = StatementLine['kind'];
export type FundingKind = (typeof budgetSchemas.FUNDING_KINDS)[number];
export type FixedCostKind = (typeof budgetSchemas.FIXED_COST_KINDS)[number];
export type PostKind = (typeof budgetSchemas.POST_KINDS)[number];
export type BudgetHint = z.infer<typeof budgetSchemas.budgetHint>;

/** The funder report of a period at a date (GET /api/budget/periods/:id/report). */
export type ReportReply = z.infer<typeof reportSchemas.funderReportReply>;

const enc = encodeURIComponent;

export const budgetApi = {
  periods: () => request<PeriodList>('GET', '/api/budget/periods'),
  period: (id: string) => request<PeriodDetail>('GET', `/api/budget/periods/${enc(id)}`),
  createPeriod: (body: PeriodCreateInput) =>
    request<PeriodDetail>('POST', '/api/budget/periods', body),
  updatePeriod: (id: string, body: PeriodPatchInput) =>
    request<PeriodDetail>('PATCH', `/api/budget/periods/${enc(id)}`, body),
  closePeriod: (id: string, expectedVersion: number) =>
    request<PeriodDetail>('POST', `/api/budget/periods/${enc(id)}/close`, { expectedVersion }),
  setRates: (id: string, body: RatesInput) =>
    request<PeriodDetail>('PUT', `/api/budget/periods/${enc(id)}/rates`, body),
  addPost: (periodId: string, body: PostCreateInput) =>
    request<{ id: string }>('POST', `/api/budget/periods/${enc(periodId)}/posts`, body),
  updatePost: (postId: string, body: PostPatchInput) =>
    request<PeriodDetail>('PATCH', `/api/budget/posts/${enc(postId)}`, body),
  transfer: (body: TransferInput) => request<{ id: string }>('POST', '/api/budget/transfers', body),
  payout: (body: PayoutInput) => request<{ id: string }>('POST', '/api/budget/payouts', body),
  balances: (periodId: string, date: string) =>
    request<BalancesReply>(
      'GET',
      withQuery(`/api/budget/periods/${enc(periodId)}/balances`, { date }),
    ),
  statement: (postId: string, q: { date: string; page?: number | undefined }) =>
    request<StatementReply>('GET', withQuery(`/api/budget/posts/${enc(postId)}/statement`, q)),
  report: (periodId: string, date: string) =>
    request<ReportReply>('GET', withQuery(`/api/budget/periods/${enc(periodId)}/report`, { date })),
};

/** The funder report as a file (a plain link, so the browser saves it). */
export const reportDownload = (periodId: string, format: 'xlsx' | 'pdf', date: string) =>
  withQuery(`/api/budget/periods/${enc(periodId)}/report/export`, {
    format,
    date,
    lang: currentLanguage(),
  });

/** Query keys: everything of the budget starts with 'budget', so one invalidation refreshes it all. */
export const budgetKeys = {
  all: ['budget'] as const,
  periods: ['budget', 'periods'] as const,
  period: (id: string) => ['budget', 'period', id] as const,
  balances: (id: string, date: string) => ['budget', 'balances', id, date] as const,
  statement: (postId: string, date: string, page: number | undefined) =>
    ['budget', 'statement', postId, date, page ?? 'last'] as const,
  report: (id: string, date: string) => ['budget', 'report', id, date] as const,
};

/** The server refused because a post would go below zero; the person may confirm and send again. */
export const isOverdrawn = (err: unknown): boolean =>
  err instanceof ApiError && err.code === 'post_overdrawn';
