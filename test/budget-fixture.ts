import type { LightMyRequestResponse } from 'fastify';
import type { ProgrammeFixture, PersonKey } from './programme-fixture.js';

/** Budget helpers for the tests: a period through the API, its posts and balances. */

export interface PeriodJson {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  overheadBp: number;
  status: 'open' | 'closed';
  version: number;
  fundingSources: Array<{ kind: string; name: string; amountOre: number; caseId: string | null }>;
  fixedCosts: Array<{ kind: string; name: string; amountOre: number }>;
  posts: Array<{ id: string; kind: string; name: string; plannedOre: number }>;
  rates: {
    id: string;
    reflectionDailyOre: number;
    reflectionChildDailyOre: number;
    protectionDailyOre: number;
    integrationDailyOre: number;
    integrationChildDailyOre: number;
    interventions: Array<{
      code: string;
      unit: string;
      unitPriceOre: number | null;
      capOre: number | null;
    }>;
  };
}

export interface BalanceJson {
  postId: string;
  kind: string;
  name: string;
  budgetOre: number;
  committedOre: number;
  deductedOre: number;
  paidOre: number;
  transferredInOre: number;
  transferredOutOre: number;
  remainingOre: number;
}

export interface BalancesJson {
  periodId: string;
  date: string;
  posts: BalanceJson[];
  fundsOre: number;
  fixedCostsOre: number;
  overheadOre: number;
  committedOre: number;
  paidOre: number;
  resultOre: number;
  resultPaidOre: number;
}

export interface StatementJson {
  page: number;
  pageCount: number;
  totalLines: number;
  broughtForwardOre: number;
  lines: Array<{
    kind: string;
    amountOre: number;
    paidOre: number;
    caseCode: string | null;
    decisionId: string | null;
    counterpartPostName: string | null;
    reason: string | null;
    reference: string | null;
    remainingOre: number;
    date: string;
  }>;
  balance: BalanceJson;
  decisions: Array<{
    decisionId: string;
    committedOre: number;
    paidOre: number;
    differenceOre: number;
  }>;
}

function ok(res: LightMyRequestResponse, status: number, what: string): unknown {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Creates a period (as the coordinator unless told) and gives its three default posts a plain budget. */
export async function createPeriod(
  f: ProgrammeFixture,
  body: Record<string, unknown> = {},
  budgets: Partial<Record<'reflection' | 'integration' | 'intervention', number>> = {},
  who: PersonKey = 'coordinator',
): Promise<PeriodJson> {
  const res = await f.as(who, 'POST', '/api/budget/periods', {
    name: 'Hösten 2026',
    startsOn: '2026-09-01',
    endsOn: '2026-12-31',
    ...body,
  });
  let period = ok(res, 201, 'period not created') as PeriodJson;
  for (const [kind, amount] of Object.entries(budgets)) {
    const post = period.posts.find((p) => p.kind === kind)!;
    period = ok(
      await f.as(who, 'PATCH', `/api/budget/posts/${post.id}`, { planAmountOre: amount }),
      200,
      'post not budgeted',
    ) as PeriodJson;
  }
  return period;
}

export function postOf(period: PeriodJson, kind: string): string {
  const post = period.posts.find((p) => p.kind === kind);
  if (!post) throw new Error(`no ${kind} post`);
  return post.id;
}

export async function balances(
  f: ProgrammeFixture,
  periodId: string,
  date?: string,
): Promise<BalancesJson> {
  const res = await f.as(
    'coordinator',
    'GET',
    `/api/budget/periods/${periodId}/balances${date ? `?date=${date}` : ''}`,
  );
  return ok(res, 200, 'balances not read') as BalancesJson;
}

export async function balanceOf(
  f: ProgrammeFixture,
  periodId: string,
  postId: string,
  date?: string,
): Promise<BalanceJson> {
  const b = (await balances(f, periodId, date)).posts.find((p) => p.postId === postId);
  if (!b) throw new Error('post not in balances');
  return b;
}

export async function statement(
  f: ProgrammeFixture,
  postId: string,
  date?: string,
  page?: number,
): Promise<StatementJson> {
  const query = new URLSearchParams();
  if (date) query.set('date', date);
  if (page !== undefined) query.set('page', String(page));
  const res = await f.as(
    'coordinator',
    'GET',
    `/api/budget/posts/${postId}/statement${query.size ? `?${query.toString()}` : ''}`,
  );
  return ok(res, 200, 'statement not read') as StatementJson;
}
