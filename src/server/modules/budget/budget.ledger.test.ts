/**
 * Decisions in the budget ledger: a grant commits on the post of the
 * application type, a partial grant the granted figures, a deduction is its
 * own line, a superseding decision reverses and re-commits, payouts are
 * recorded against a commitment, overdrawing is refused unless told, a
 * closed period takes no decisions, and concurrent commitments never
 * overdraw a post silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorOf,
  fingerprint,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import {
  applicationVersion,
  decideApplication,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import {
  balanceOf,
  createPeriod,
  postOf,
  statement,
  type PeriodJson,
} from '../../../../test/budget-fixture.js';

const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];
const DAY = 86_400_000;
// 30 days × (1,200 + 300 for one child) SEK.
const FULL = 4_500_000;

type Detail = {
  version: number;
  grantedAmountOre: number | null;
  decisions: Array<{ id: string; grantedAmountOre: number; current: boolean }>;
  budget?: {
    postName: string;
    remainingOre: number;
    daysThatFit: number | null;
    wouldOverdraw: boolean;
  } | null;
};

describe(`decisions in the budget ledger (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let period: PeriodJson;
  let reflection: string;
  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 365 * DAY, sessionAbsoluteMs: 365 * DAY });
    f = await programmeFixture(t);
    period = await createPeriod(
      f,
      {},
      { reflection: 20_000_000, integration: 10_000_000, intervention: 5_000_000 },
    );
    reflection = postOf(period, 'reflection');
  });
  afterAll(async () => {
    await t.close();
  });

  const apply = async (patch: Record<string, unknown> = {}) => {
    const c = await newCase(f);
    return submitApplication(f, reflectionBody(c.id, patch));
  };
  const detail = async (id: string, who: 'coordinator' | 'staffA' = 'coordinator') =>
    (await f.as(who, 'GET', `/api/applications/${id}`)).json() as Detail;

  it('a grant commits the amount on the reflection post; a deduction is its own line', async () => {
    const before = await balanceOf(f, period.id, reflection);
    const id = await apply({ deductionsOre: 300_000, deductionsBy: 'Migrationsverket (EBO)' });
    const res = await decideApplication(f, id, { outcome: 'granted' });
    expect(res.statusCode, res.body).toBe(200);
    const granted = (res.json() as Detail).grantedAmountOre!;
    expect(granted).toBe(FULL - 300_000);
    const after = await balanceOf(f, period.id, reflection);
    expect(before.remainingOre - after.remainingOre).toBe(granted);
    expect(after.committedOre - before.committedOre).toBe(granted);
    expect(after.deductedOre - before.deductedOre).toBe(300_000);
    const s = await statement(f, reflection);
    const mine = s.lines.filter((l) => l.decisionId === (res.json() as Detail).decisions[0]!.id);
    expect(mine.map((l) => [l.kind, l.amountOre])).toEqual([
      ['commitment', -FULL],
      ['deduction', 300_000],
    ]);
    expect(mine[0]?.caseCode).toMatch(/^NSP\d{3}$/);
  });

  it('a partial grant commits the granted figures, the deduction scaled to the days', async () => {
    const before = await balanceOf(f, period.id, reflection);
    const id = await apply({ deductionsOre: 300_000 });
    const res = await decideApplication(f, id, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 26,
    });
    expect(res.statusCode, res.body).toBe(200);
    const granted = (res.json() as Detail).grantedAmountOre!;
    expect(granted).toBe(26 * 150_000 - 260_000);
    const after = await balanceOf(f, period.id, reflection);
    expect(after.committedOre - before.committedOre).toBe(granted);
    expect(after.deductedOre - before.deductedOre).toBe(260_000);
  });

  it('a denial commits nothing', async () => {
    const before = await balanceOf(f, period.id, reflection);
    const id = await apply();
    const res = await decideApplication(f, id, { outcome: 'denied', grounds: ['other'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await balanceOf(f, period.id, reflection)).toEqual(before);
  });

  it('a superseding decision reverses the old entries and commits the new figures', async () => {
    const id = await apply({ deductionsOre: 150_000 });
    const first = (await decideApplication(f, id, { outcome: 'granted' })).json() as Detail;
    const before = await balanceOf(f, period.id, reflection);
    const res = await decideApplication(f, id, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 10,
      supersedesDecisionId: first.decisions[0]!.id,
    });
    expect(res.statusCode, res.body).toBe(200);
    const second = res.json() as Detail;
    const after = await balanceOf(f, period.id, reflection);
    expect(after.committedOre - before.committedOre).toBe(
      second.grantedAmountOre! - first.grantedAmountOre!,
    );
    const s = await statement(f, reflection);
    const old = s.lines.filter((l) => l.decisionId === first.decisions[0]!.id);
    expect(old.map((l) => [l.kind, l.amountOre])).toEqual([
      ['commitment', -FULL],
      ['deduction', 150_000],
      ['reversal', FULL],
      ['reversal', -150_000],
    ]);
    // Superseded by a denial: everything is reversed.
    const third = await decideApplication(f, id, {
      outcome: 'denied',
      grounds: ['other'],
      supersedesDecisionId: second.decisions.find((d) => d.current)!.id,
    });
    expect(third.statusCode, third.body).toBe(200);
    expect((await balanceOf(f, period.id, reflection)).committedOre).toBe(
      before.committedOre - first.grantedAmountOre!,
    );
  });

  it('payouts are recorded against a commitment and the difference stays visible', async () => {
    const id = await apply();
    const d = (await decideApplication(f, id, { outcome: 'granted' })).json() as Detail;
    const decisionId = d.decisions[0]!.id;
    const res = await f.as('coordinator', 'POST', '/api/budget/payouts', {
      decisionId,
      paidOn: '2026-12-15',
      amountOre: 4_400_000,
      reference: 'Faktura 2016-117',
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = await statement(f, reflection, '2026-12-31');
    expect(s.decisions.find((x) => x.decisionId === decisionId)).toEqual({
      decisionId,
      caseCode: expect.any(String),
      committedOre: FULL,
      paidOre: 4_400_000,
      differenceOre: 100_000,
    });
    expect(s.lines.find((l) => l.kind === 'payout')).toMatchObject({
      amountOre: 0,
      paidOre: 4_400_000,
      reference: 'Faktura 2016-117',
      date: '2026-12-15',
    });
    // Before the payment date, nothing is paid yet.
    const early = await statement(f, reflection, '2026-12-14');
    expect(early.decisions.find((x) => x.decisionId === decisionId)?.paidOre).toBe(0);
    // A denied decision has no commitment to pay against.
    const denied = await apply();
    const dd = (
      await decideApplication(f, denied, { outcome: 'denied', grounds: ['other'] })
    ).json() as Detail;
    const none = await f.as('coordinator', 'POST', '/api/budget/payouts', {
      decisionId: dd.decisions[0]!.id,
      paidOn: '2026-12-15',
      amountOre: 1,
    });
    expect(none.statusCode).toBe(409);
    expect(errorOf(none).code).toBe('no_commitment');
  });

  it('shows the coordinator how many days fit, and refuses to overdraw unless told', async () => {
    // Leave 26 days' worth (26 × 1,500 SEK) on the integration post, moved to reflection.
    const b = await balanceOf(f, period.id, reflection);
    const target = 26 * 150_000;
    await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: reflection,
      toPostId: postOf(period, 'integration'),
      amountOre: b.remainingOre - target,
      reason: 'Pengarna behövs för integration.',
    });
    const id = await apply();
    const d = await detail(id);
    expect(d.budget).toMatchObject({ remainingOre: target, daysThatFit: 26, wouldOverdraw: true });
    expect((await detail(id, 'staffA')).budget ?? null).toBeNull();
    const before = await fingerprint(t, IGNORE);
    const refused = await decideApplication(f, id, { outcome: 'granted' });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused).code).toBe('post_overdrawn');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // 26 days fit.
    const fits = await decideApplication(f, id, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 26,
    });
    expect(fits.statusCode, fits.body).toBe(200);
    expect((await balanceOf(f, period.id, reflection)).remainingOre).toBe(0);
    // Overdrawn on purpose.
    const other = await apply();
    const forced = await decideApplication(f, other, { outcome: 'granted', allowOverdraw: true });
    expect(forced.statusCode, forced.body).toBe(200);
    expect((await balanceOf(f, period.id, reflection)).remainingOre).toBe(-FULL);
    await f.as('coordinator', 'PATCH', `/api/budget/posts/${reflection}`, {
      planAmountOre: 100_000_000,
    });
  });

  it('a decision awaiting a second approval commits only when approved', async () => {
    await t.ctx.db.updateTable('programmes').set({ approval_limit_ore: 1 }).execute();
    try {
      const before = await balanceOf(f, period.id, reflection);
      const id = await apply();
      const d = (await decideApplication(f, id, { outcome: 'granted' })).json() as Detail;
      expect(await balanceOf(f, period.id, reflection)).toEqual(before);
      const res = await f.as(
        'coordinator2',
        'POST',
        `/api/decisions/${d.decisions[0]!.id}/approval`,
        {
          approve: true,
        },
      );
      expect(res.statusCode, res.body).toBe(200);
      expect((await balanceOf(f, period.id, reflection)).committedOre - before.committedOre).toBe(
        FULL,
      );
    } finally {
      await t.ctx.db.updateTable('programmes').set({ approval_limit_ore: null }).execute();
    }
  });

  it('interventions commit on the intervention post; other types and periods without budget commit nothing', async () => {
    const c = await newCase(f);
    const id = await submitApplication(f, {
      caseId: c.id,
      type: 'intervention',
      interventionCode: 'lawyer_hours',
      quantity: 4,
      justification: 'Överklagande enligt Dublinförordningen.',
    });
    const res = await decideApplication(f, id, { outcome: 'granted' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await balanceOf(f, period.id, postOf(period, 'intervention'))).committedOre).toBe(
      1_000_000,
    );
    // A reflection period in 2027 (no budget period covers it): decided as before, no entries.
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('budget_entries')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n = await count();
    const later = await apply({ periodFrom: '2027-02-01', periodTo: '2027-02-10' });
    const ok = await decideApplication(f, later, { outcome: 'granted' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await count()).toBe(n);
  });

  it('the period’s rates price new applications; changing them leaves earlier ones and decisions alone', async () => {
    const early = await apply({
      periodFrom: '2026-12-01',
      periodTo: '2026-12-10',
      childrenCount: 0,
    });
    const res = await f.as('coordinator', 'PUT', `/api/budget/periods/${period.id}/rates`, {
      ...period.rates,
      id: undefined,
      interventions: undefined,
      reflectionDailyOre: 100_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    const late = await apply({
      periodFrom: '2026-12-01',
      periodTo: '2026-12-10',
      childrenCount: 0,
    });
    const amounts = await Promise.all(
      [early, late].map(
        async (id) =>
          (
            (await f.as('coordinator', 'GET', `/api/applications/${id}`)).json() as {
              amountOre: number;
            }
          ).amountOre,
      ),
    );
    expect(amounts).toEqual([1_200_000, 1_000_000]);
    // Fewer days of the early application are priced with its own (the old) rates.
    const d = await decideApplication(f, early, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 5,
    });
    expect((d.json() as Detail).grantedAmountOre).toBe(600_000);
  });

  it('intervention prices and caps belong to the period: new applications use them, earlier ones keep theirs', async () => {
    const lawyer = period.rates.interventions.find((i) => i.code === 'lawyer_hours')!;
    // The catalogue's figures are the defaults: 2,500 SEK an hour, a cap of 25,000 SEK.
    expect(lawyer).toMatchObject({ unit: 'hour', unitPriceOre: 250_000, capOre: 2_500_000 });
    const c = await newCase(f);
    const body = {
      caseId: c.id,
      type: 'intervention',
      interventionCode: 'lawyer_hours',
      quantity: 6,
      justification: 'Överklagande.',
    };
    const early = await submitApplication(f, body);
    const put = (interventions: unknown) =>
      f.as('coordinator', 'PUT', `/api/budget/periods/${period.id}/rates`, {
        ...period.rates,
        id: undefined,
        interventions,
      });
    // An unknown category, or one named twice, changes nothing.
    const before = await fingerprint(t, IGNORE);
    const unknown = await put([{ code: 'no_such', unitPriceOre: 1, capOre: null }]);
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown).fields).toEqual([
      expect.objectContaining({ path: 'interventions.0.code', code: 'unknown_intervention' }),
    ]);
    const twice = await put([
      { code: 'travel', unitPriceOre: null, capOre: 1 },
      { code: 'travel', unitPriceOre: null, capOre: 2 },
    ]);
    expect(twice.statusCode).toBe(400);
    const fractional = await put([{ code: 'travel', unitPriceOre: 1.5, capOre: null }]);
    expect(fractional.statusCode).toBe(400);
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    const res = await put([{ code: 'lawyer_hours', unitPriceOre: 300_000, capOre: 1_000_000 }]);
    expect(res.statusCode, res.body).toBe(200);
    const changed = (res.json() as PeriodJson).rates.interventions;
    expect(changed.find((i) => i.code === 'lawyer_hours')).toMatchObject({
      unitPriceOre: 300_000,
      capOre: 1_000_000,
    });
    // The others keep their figures.
    expect(changed.find((i) => i.code === 'travel')).toMatchObject({ capOre: 500_000 });
    period = res.json() as PeriodJson;

    const late = await submitApplication(f, body);
    const [a, b] = await Promise.all(
      [early, late].map(
        async (id) =>
          (await f.as('coordinator', 'GET', `/api/applications/${id}`)).json() as {
            amountOre: number;
            warnings: Array<{ code: string }>;
          },
      ),
    );
    expect(a?.amountOre).toBe(1_500_000);
    expect(b?.amountOre).toBe(1_800_000);
    // The period's own cap: above it the coordinator is warned; the early one stays under the old cap.
    expect(b?.warnings.map((w) => w.code)).toContain('above_cap');
    expect(a?.warnings.map((w) => w.code)).not.toContain('above_cap');
    // A period made after this one starts from its figures.
    const next = await createPeriod(f, {
      name: 'Vintern 2029',
      startsOn: '2029-01-01',
      endsOn: '2029-04-30',
    });
    expect(next.rates.interventions.find((i) => i.code === 'lawyer_hours')).toMatchObject({
      unitPriceOre: 300_000,
      capOre: 1_000_000,
    });
  });

  it('concurrent commitments on one post never overdraw it silently', async () => {
    // Exactly room for two of five decisions (priced with the rates copied from the period before).
    const fresh = await createPeriod(f, {
      name: 'Trång',
      startsOn: '2027-09-01',
      endsOn: '2027-12-31',
    });
    const post = postOf(fresh, 'reflection');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await apply({ periodFrom: '2027-10-01', periodTo: '2027-10-30' }));
    const amount = (
      (await f.as('coordinator', 'GET', `/api/applications/${ids[0]}`)).json() as {
        amountOre: number;
      }
    ).amountOre;
    await f.as('coordinator', 'PATCH', `/api/budget/posts/${post}`, { planAmountOre: 2 * amount });
    const versions = await Promise.all(ids.map((id) => applicationVersion(f, id)));
    const results = await Promise.all(
      ids.map((id, i) =>
        f.as('coordinator', 'POST', `/api/applications/${id}/decisions`, {
          expectedVersion: versions[i],
          outcome: 'granted',
          grounds: ['meets_criteria'],
          rationale: 'Samtidigt beslut.',
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(errorOf(r).code).toBe('post_overdrawn');
    expect(await balanceOf(f, fresh.id, post)).toMatchObject({
      committedOre: 2 * amount,
      remainingOre: 0,
    });
    // Concurrent transfers out of the same post: none may overdraw it either.
    await f.as('coordinator', 'PATCH', `/api/budget/posts/${post}`, {
      planAmountOre: 2 * amount + 300,
    });
    const transfers = await Promise.all(
      [0, 1, 2].map(() =>
        f.as('coordinator', 'POST', '/api/budget/transfers', {
          fromPostId: post,
          toPostId: postOf(fresh, 'integration'),
          amountOre: 200,
          reason: 'Samtidig flytt.',
        }),
      ),
    );
    expect(transfers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect((await balanceOf(f, fresh.id, post)).remainingOre).toBe(100);
  });

  it('a closed period takes no decisions, and nothing changes', async () => {
    const closedPeriod = await createPeriod(
      f,
      { name: 'Stängd', startsOn: '2028-01-01', endsOn: '2028-03-31' },
      { reflection: 10_000_000 },
    );
    const id = await apply({ periodFrom: '2028-02-01', periodTo: '2028-02-10' });
    const granted = await apply({ periodFrom: '2028-03-01', periodTo: '2028-03-10' });
    const d = (await decideApplication(f, granted, { outcome: 'granted' })).json() as Detail;
    const close = await f.as(
      'coordinator',
      'POST',
      `/api/budget/periods/${closedPeriod.id}/close`,
      { expectedVersion: 1 },
    );
    expect(close.statusCode, close.body).toBe(200);
    const before = await fingerprint(t, IGNORE);
    for (const [app, body] of [
      [id, { outcome: 'granted' }],
      [id, { outcome: 'denied', grounds: ['other'] }],
      [
        granted,
        { outcome: 'denied', grounds: ['other'], supersedesDecisionId: d.decisions[0]!.id },
      ],
    ] as const) {
      const res = await decideApplication(f, app, body);
      expect(res.statusCode, res.body).toBe(409);
      expect(errorOf(res).code).toBe('period_closed');
    }
    const payout = await f.as('coordinator', 'POST', '/api/budget/payouts', {
      decisionId: d.decisions[0]!.id,
      paidOn: '2028-03-15',
      amountOre: 1,
    });
    expect(errorOf(payout).code).toBe('period_closed');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    expect((await detail(id)).budget).toMatchObject({ periodClosed: true });
  });
});
