/**
 * Property: for random sequences of decisions (full, partial, denied),
 * corrections (superseding decisions), transfers, budget changes and payouts,
 * spread over several days, every post's balance at every date equals
 * budget + transfers in − transfers out − commitments as a model computes it,
 * equals the sum of its ledger entries and the sum of its statement lines,
 * and each standing decision's net commitment equals its granted amount to
 * the öre: no rounding drift. Refusals (overdraw without the override) happen
 * exactly when the model says the post would be overdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, errorOf, TEST_DB, type TestApp } from '../../../../test/harness.js';
import {
  applicationVersion,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import {
  balances,
  createPeriod,
  statement,
  type PeriodJson,
} from '../../../../test/budget-fixture.js';
import { stockholmDate } from '../../core/time.js';

const DAY = 86_400_000;
const RUNS = Number(process.env.BUDGET_PROPERTY_RUNS ?? 25);
// The pilot's reflection rates: 1,200 SEK a day and 300 per child.
const DAILY = 120_000;
const CHILD = 30_000;

type Op =
  | { op: 'decide'; days: number; children: number; deductionShare: number; kind: 'granted' | 'partial' | 'denied'; keep: number; allow: boolean }
  | { op: 'supersede'; pick: number; kind: 'granted' | 'partial' | 'denied'; keep: number; allow: boolean }
  | { op: 'transfer'; from: number; to: number; amount: number; allow: boolean }
  | { op: 'rebudget'; post: number; amount: number; allow: boolean }
  | { op: 'payout'; pick: number; amount: number }
  | { op: 'advance' }; // prettier-ignore

const outcome = fc.constantFrom('granted' as const, 'partial' as const, 'denied' as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('decide' as const), days: fc.integer({ min: 2, max: 30 }), children: fc.integer({ min: 0, max: 2 }), deductionShare: fc.integer({ min: 0, max: 100 }), kind: outcome, keep: fc.integer({ min: 1, max: 29 }), allow: fc.boolean() }),
  fc.record({ op: fc.constant('supersede' as const), pick: fc.nat(), kind: outcome, keep: fc.integer({ min: 1, max: 29 }), allow: fc.boolean() }),
  fc.record({ op: fc.constant('transfer' as const), from: fc.nat(2), to: fc.nat(2), amount: fc.integer({ min: 1, max: 6_000_000 }), allow: fc.boolean() }),
  fc.record({ op: fc.constant('rebudget' as const), post: fc.nat(2), amount: fc.integer({ min: 0, max: 20_000_000 }), allow: fc.boolean() }),
  fc.record({ op: fc.constant('payout' as const), pick: fc.nat(), amount: fc.integer({ min: 1, max: 5_000_000 }) }),
  fc.constant({ op: 'advance' as const }),
); // prettier-ignore

interface PostModel {
  budget: number;
  in: number;
  out: number;
  committed: number;
  paid: number;
}

interface AppModel {
  id: string;
  days: number;
  children: number;
  deductions: number;
  decisionId: string | null;
  granted: number;
}

const remainingOf = (p: PostModel) => p.budget + p.in - p.out - p.committed;

/** What a decision grants, computed independently of the server (the rules of domain.md §3). */
function grantFor(a: AppModel, kind: 'granted' | 'partial' | 'denied', keep: number) {
  const perDay = DAILY + a.children * CHILD;
  if (kind === 'denied') return { body: { outcome: 'denied', grounds: ['other'] }, granted: 0 };
  if (kind === 'granted' || keep >= a.days)
    return { body: { outcome: 'granted' }, granted: a.days * perDay - a.deductions };
  const granted = Math.max(0, keep * perDay - Math.round((a.deductions * keep) / a.days));
  return {
    body: { outcome: 'partially_granted', grounds: ['budget_restriction'], grantedDays: keep },
    granted,
  };
}

describe(`budget ledger property (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let year = 2200;
  /** What the runs reached, so a vacuous pass shows. */
  const reached = { decided: 0, superseded: 0, refused: 0, transferred: 0, paid: 0 };
  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 3650 * DAY, sessionAbsoluteMs: 3650 * DAY });
    f = await programmeFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('balances equal the model and the sum of entries at every date, with no rounding drift', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const y = year++;
        const period: PeriodJson = await createPeriod(f, {
          name: `Egenskap ${y}`,
          startsOn: `${y}-01-01`,
          endsOn: `${y}-12-31`,
        });
        const posts = period.posts.map((p) => p.id);
        const reflection = posts[0]!;
        const model = new Map<string, PostModel>(
          posts.map((p) => [p, { budget: 0, in: 0, out: 0, committed: 0, paid: 0 }]),
        );
        const m = (p: string) => model.get(p)!;
        const apps: AppModel[] = [];
        const snapshots = new Map<string, Map<string, PostModel>>();
        const snapshot = () =>
          snapshots.set(
            stockholmDate(t.clock.now()),
            new Map([...model].map(([k, v]) => [k, { ...v }])),
          );
        snapshot();

        const decideOn = async (
          a: AppModel,
          kind: 'granted' | 'partial' | 'denied',
          keep: number,
          allow: boolean,
        ) => {
          const { body, granted } = grantFor(a, kind, keep);
          const r = m(reflection);
          const before = remainingOf(r);
          const after = before + a.granted - granted;
          const res = await f.as('coordinator', 'POST', `/api/applications/${a.id}/decisions`, {
            expectedVersion: await applicationVersion(f, a.id),
            grounds: ['meets_criteria'],
            rationale: 'Egenskapstest.',
            ...body,
            ...(a.decisionId ? { supersedesDecisionId: a.decisionId } : {}),
            allowOverdraw: allow,
          });
          if (!allow && after < 0 && after < before) {
            expect(res.statusCode, res.body).toBe(409);
            expect(errorOf(res).code).toBe('post_overdrawn');
            reached.refused++;
            return;
          }
          expect(res.statusCode, res.body).toBe(200);
          const d = res.json() as {
            grantedAmountOre: number;
            decisions: Array<{ id: string; current: boolean }>;
          };
          expect(d.grantedAmountOre).toBe(granted);
          r.committed += granted - a.granted;
          if (a.decisionId) reached.superseded++;
          else reached.decided++;
          a.decisionId = d.decisions.find((x) => x.current)!.id;
          a.granted = granted;
        };

        for (const o of ops) {
          switch (o.op) {
            case 'decide': {
              const c = await newCase(f, {
                background: { childrenCount: o.children, childrenAges: Array(o.children).fill(3) },
              });
              const gross = o.days * (DAILY + o.children * CHILD);
              const deductions = Math.floor((gross * o.deductionShare) / 1000);
              const day = String(1 + o.days - 1).padStart(2, '0');
              const id = await submitApplication(
                f,
                reflectionBody(c.id, { periodFrom: `${y}-03-01`, periodTo: `${y}-03-${day}`, childrenCount: o.children, deductionsOre: deductions }),
              ); // prettier-ignore
              const a: AppModel = {
                id,
                days: o.days,
                children: o.children,
                deductions,
                decisionId: null,
                granted: 0,
              };
              apps.push(a);
              await decideOn(a, o.kind, o.keep, o.allow);
              break;
            }
            case 'supersede': {
              const decided = apps.filter((a) => a.decisionId);
              if (decided.length === 0) break;
              await decideOn(decided[o.pick % decided.length]!, o.kind, o.keep, o.allow);
              break;
            }
            case 'transfer': {
              if (o.from === o.to) break;
              const from = m(posts[o.from]!);
              const res = await f.as('coordinator', 'POST', '/api/budget/transfers', {
                fromPostId: posts[o.from],
                toPostId: posts[o.to],
                amountOre: o.amount,
                reason: 'Egenskapstest.',
                allowOverdraw: o.allow,
              });
              if (!o.allow && remainingOf(from) - o.amount < 0) {
                expect(res.statusCode, res.body).toBe(409);
                break;
              }
              expect(res.statusCode, res.body).toBe(201);
              from.out += o.amount;
              reached.transferred++;
              m(posts[o.to]!).in += o.amount;
              break;
            }
            case 'rebudget': {
              const p = m(posts[o.post]!);
              const delta = o.amount - p.budget;
              const res = await f.as('coordinator', 'PATCH', `/api/budget/posts/${posts[o.post]}`, {
                planAmountOre: o.amount,
                allowOverdraw: o.allow,
              });
              if (!o.allow && delta < 0 && remainingOf(p) + delta < 0) {
                expect(res.statusCode, res.body).toBe(409);
                break;
              }
              expect(res.statusCode, res.body).toBe(200);
              p.budget = o.amount;
              break;
            }
            case 'payout': {
              const granted = apps.filter((a) => a.decisionId && a.granted > 0);
              if (granted.length === 0) break;
              const a = granted[o.pick % granted.length]!;
              const res = await f.as('coordinator', 'POST', '/api/budget/payouts', {
                decisionId: a.decisionId,
                paidOn: stockholmDate(t.clock.now()),
                amountOre: o.amount,
              });
              expect(res.statusCode, res.body).toBe(201);
              m(reflection).paid += o.amount;
              reached.paid++;
              break;
            }
            case 'advance':
              t.clock.advance(DAY);
              break;
          }
          snapshot();
        }

        // Every date: the API's balances equal the model's.
        for (const [date, state] of snapshots) {
          const b = await balances(f, period.id, date);
          for (const p of b.posts) {
            const e = state.get(p.postId)!;
            expect(p, date).toMatchObject({
              budgetOre: e.budget,
              transferredInOre: e.in,
              transferredOutOre: e.out,
              committedOre: e.committed,
              paidOre: e.paid,
              remainingOre: remainingOf(e),
            });
            expect(p.remainingOre).toBe(
              p.budgetOre + p.transferredInOre - p.transferredOutOre - p.committedOre,
            );
            const s = await statement(f, p.postId, date);
            expect(s.lines.reduce((n, l) => n + l.amountOre, s.broughtForwardOre)).toBe(
              p.remainingOre,
            );
            expect(s.lines.reduce((n, l) => n + l.paidOre, 0)).toBe(p.paidOre);
          }
        }
        // The raw ledger: the sum of the entries is the balance.
        for (const post of posts) {
          const rows = await t.ctx.db
            .selectFrom('budget_entries')
            .select(['kind', 'amount_ore'])
            .where('post_id', '=', post)
            .execute();
          const sum = rows
            .filter((r) => r.kind !== 'payout')
            .reduce((n, r) => n + Number(r.amount_ore), 0);
          expect(Number.isInteger(sum)).toBe(true);
          expect(sum).toBe(remainingOf(m(post)));
        }
        // The daily totals that balances are read from are exactly the ledger's sums.
        const fromEntries = await t.ctx.db
          .selectFrom('budget_entries')
          .select([
            'post_id',
            'entry_date',
            'kind',
            (eb) => eb.fn.sum<number | string>('amount_ore').as('s'),
            (eb) => eb.fn.countAll<number | string>().as('n'),
          ])
          .where('period_id', '=', period.id)
          .groupBy(['post_id', 'entry_date', 'kind'])
          .execute();
        const totals = await t.ctx.db
          .selectFrom('budget_daily_totals')
          .select(['post_id', 'entry_date', 'kind', 'amount_ore', 'lines'])
          .where('period_id', '=', period.id)
          .execute();
        const key = (r: { post_id: string; entry_date: string; kind: string }) =>
          `${r.post_id} ${r.entry_date} ${r.kind}`;
        expect(
          new Map(totals.map((r) => [key(r), [Number(r.amount_ore), Number(r.lines)]])),
        ).toEqual(new Map(fromEntries.map((r) => [key(r), [Number(r.s), Number(r.n)]])));
        // Each standing decision's net commitment is its granted amount, to the öre.
        const s = await statement(f, reflection);
        for (const a of apps.filter((x) => x.decisionId && x.granted > 0)) {
          expect(s.decisions.find((d) => d.decisionId === a.decisionId)?.committedOre).toBe(
            a.granted,
          );
        }
      }),
      {
        numRuns: RUNS,
        seed: Number(process.env.BUDGET_PROPERTY_SEED ?? 20161231),
        endOnFailure: true,
      },
    );
    for (const [k, n] of Object.entries(reached)) expect(n, k).toBeGreaterThan(0);
  }, 300_000);
});
