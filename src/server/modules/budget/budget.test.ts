/**
 * The programme's budget (domain.md §3): periods with funding, fixed costs and
 * overhead, rates per period (the pilot's by default), posts with planned
 * units, transfers with a reason, balances at any date, the post statement,
 * closing a period, and bad input refused with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorOf,
  fingerprint,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import { programmeFixture, type ProgrammeFixture } from '../../../../test/programme-fixture.js';
import {
  balanceOf,
  balances,
  createPeriod,
  postOf,
  statement,
  type PeriodJson,
} from '../../../../test/budget-fixture.js';

const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];
const DAY = 86_400_000;

describe(`budget periods, posts and transfers (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let period: PeriodJson;
  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 365 * DAY, sessionAbsoluteMs: 365 * DAY });
    f = await programmeFixture(t);
    period = await createPeriod(f, {
      name: 'Pilot hösten 2016',
      startsOn: '2016-09-01',
      endsOn: '2016-12-31',
      overheadBp: 1000,
      fundingSources: [
        { kind: 'grant', name: 'Länsstyrelsen', amountOre: 100_000_000 },
        { kind: 'carried_over', name: 'Överfört från våren', amountOre: 5_000_000 },
      ],
      fixedCosts: [
        { kind: 'coordinator_salary', name: 'Samordnare 50 %', amountOre: 20_000_000 },
        { kind: 'travel', name: 'Resor', amountOre: 1_000_000 },
        { kind: 'website', name: 'Webbplats', amountOre: 500_000 },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a new period gets the pilot rates, three payout posts, its funds and fixed costs', () => {
    expect(period.status).toBe('open');
    expect(period.posts.map((p) => p.kind)).toEqual(['reflection', 'integration', 'intervention']);
    expect(period.rates).toMatchObject({
      reflectionDailyOre: 120_000,
      reflectionChildDailyOre: 30_000,
      protectionDailyOre: 15_000,
      integrationDailyOre: 60_000,
      integrationChildDailyOre: 20_000,
    });
    expect(period.fundingSources).toHaveLength(2);
    expect(period.fixedCosts.map((c) => c.amountOre)).toEqual([20_000_000, 1_000_000, 500_000]);
  });

  it('plans a post from units (2 persons × 26 days × 1,200 SEK) and books it as budget', async () => {
    const post = postOf(period, 'reflection');
    const res = await f.as('coordinator', 'PATCH', `/api/budget/posts/${post}`, {
      planPersons: 2,
      planDays: 26,
      planRateOre: 120_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    const p = (res.json() as PeriodJson).posts.find((x) => x.id === post);
    expect(p?.plannedOre).toBe(6_240_000);
    expect(await balanceOf(f, period.id, post)).toMatchObject({
      budgetOre: 6_240_000,
      remainingOre: 6_240_000,
    });
    // A plain amount instead; the difference is booked, the total is the new plan.
    await f.as('coordinator', 'PATCH', `/api/budget/posts/${post}`, { planAmountOre: 10_000_000 });
    expect((await balanceOf(f, period.id, post)).budgetOre).toBe(10_000_000);
    const lines = (await statement(f, post)).lines;
    expect(lines.map((l) => [l.kind, l.amountOre])).toEqual([
      ['budget', 6_240_000],
      ['budget', 3_760_000],
    ]);
    // A name change alone leaves the plan as it is.
    await f.as('coordinator', 'PATCH', `/api/budget/posts/${post}`, { name: 'Reflektion' });
    expect((await balanceOf(f, period.id, post)).budgetOre).toBe(10_000_000);
  });

  it('adds a post and moves money between posts with a reason and who did it', async () => {
    const added = await f.as('coordinator', 'POST', `/api/budget/periods/${period.id}/posts`, {
      name: 'Tolkreserv',
      planAmountOre: 1_000_000,
    });
    expect(added.statusCode, added.body).toBe(201);
    const extra = (added.json() as { id: string }).id;
    const from = postOf(period, 'reflection');
    const res = await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: from,
      toPostId: extra,
      amountOre: 250_000,
      reason: 'Fler tolktimmar än planerat.',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await balanceOf(f, period.id, from)).toMatchObject({
      transferredOutOre: 250_000,
      remainingOre: 9_750_000,
    });
    expect(await balanceOf(f, period.id, extra)).toMatchObject({
      budgetOre: 1_000_000,
      transferredInOre: 250_000,
      remainingOre: 1_250_000,
    });
    const s = await statement(f, extra);
    const line = s.lines.find((l) => l.kind === 'transfer_in');
    expect(line).toMatchObject({
      amountOre: 250_000,
      reason: 'Fler tolktimmar än planerat.',
      counterpartPostName: 'Reflektion',
    });
    // The reason is stored encrypted.
    const raw = await t.ctx.db.selectFrom('budget_entries').select('reason_enc').execute();
    for (const r of raw) expect(r.reason_enc ?? '').not.toContain('tolktimmar');
  });

  it('refuses a transfer that overdraws the source unless told so, and changes nothing', async () => {
    const from = postOf(period, 'integration');
    const to = postOf(period, 'intervention');
    const before = await fingerprint(t, IGNORE);
    const res = await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: from,
      toPostId: to,
      amountOre: 1,
      reason: 'Prov.',
    });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('post_overdrawn');
    expect(errorOf(res).message).toMatch(/kvar: 0,00\s*kr/);
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    const forced = await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: from,
      toPostId: to,
      amountOre: 1,
      reason: 'Medvetet övertrasserad.',
      allowOverdraw: true,
    });
    expect(forced.statusCode, forced.body).toBe(201);
    expect((await balanceOf(f, period.id, from)).remainingOre).toBe(-1);
    // And back.
    await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: to,
      toPostId: from,
      amountOre: 1,
      reason: 'Tillbaka.',
    });
    expect((await balanceOf(f, period.id, from)).remainingOre).toBe(0);
  });

  it('balances at a date count only the entries up to it, and equal the sum of the entries', async () => {
    const post = postOf(period, 'reflection');
    const today = (await balances(f, period.id)).date;
    t.clock.advance(2 * DAY);
    await f.as('coordinator', 'POST', '/api/budget/transfers', {
      fromPostId: post,
      toPostId: postOf(period, 'intervention'),
      amountOre: 1_000_000,
      reason: 'Senare flytt.',
    });
    const then = await balanceOf(f, period.id, post, today);
    const now = await balanceOf(f, period.id, post);
    expect(then.remainingOre - now.remainingOre).toBe(1_000_000);
    for (const date of [today, undefined]) {
      const s = await statement(f, post, date);
      const sum = s.lines.reduce((n, l) => n + l.amountOre, 0);
      expect(sum).toBe(s.balance.remainingOre);
      expect(s.lines.at(-1)?.remainingOre ?? 0).toBe(s.balance.remainingOre);
    }
    const rows = await t.ctx.db
      .selectFrom('budget_entries')
      .select(['amount_ore', 'kind'])
      .where('post_id', '=', post)
      .execute();
    expect(
      rows.filter((r) => r.kind !== 'payout').reduce((n, r) => n + Number(r.amount_ore), 0),
    ).toBe(now.remainingOre);
    const before = await balanceOf(f, period.id, post, '2016-01-01');
    expect(before.remainingOre).toBe(0);
  });

  it('computes the period result: funds − fixed costs − overhead − payouts', async () => {
    const b = await balances(f, period.id);
    expect(b.fundsOre).toBe(105_000_000);
    expect(b.fixedCostsOre).toBe(21_500_000);
    expect(b.overheadOre).toBe(10_500_000);
    expect(b.resultOre).toBe(105_000_000 - 21_500_000 - 10_500_000 - b.committedOre);
  });

  it('changes rates of an open period without touching other schedules', async () => {
    const res = await f.as('coordinator', 'PUT', `/api/budget/periods/${period.id}/rates`, {
      reflectionDailyOre: 130_000,
      reflectionChildDailyOre: 30_000,
      protectionDailyOre: 15_000,
      integrationDailyOre: 65_000,
      integrationChildDailyOre: 20_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as PeriodJson).rates.reflectionDailyOre).toBe(130_000);
    const pilot = await t.ctx.db
      .selectFrom('rate_schedules')
      .selectAll()
      .where('budget_period_id', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(pilot.reflection_daily_ore)).toBe(120_000);
  });

  it('a new period after it copies the previous period’s rates', async () => {
    const next = await createPeriod(f, {
      name: 'Våren 2017',
      startsOn: '2017-01-01',
      endsOn: '2017-06-30',
    });
    expect(next.rates.reflectionDailyOre).toBe(130_000);
    expect(next.rates.integrationDailyOre).toBe(65_000);
  });

  it('refuses bad input with translated errors and changes nothing', async () => {
    const before = await fingerprint(t, IGNORE);
    const cases: Array<[string, 'POST' | 'PATCH' | 'PUT', string, unknown, number, string, string?]> = [
      ['end before start', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2030-02-01', endsOn: '2030-01-01' }, 400, 'validation', 'endsOn'],
      ['overlap', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2016-12-01', endsOn: '2017-01-31' }, 409, 'period_overlap'],
      ['negative funding', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2031-01-01', endsOn: '2031-02-01', fundingSources: [{ kind: 'grant', name: 'G', amountOre: -1 }] }, 400, 'validation', 'fundingSources.0.amountOre'],
      ['fractional funding', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2031-01-01', endsOn: '2031-02-01', fundingSources: [{ kind: 'grant', name: 'G', amountOre: 10.5 }] }, 400, 'validation', 'fundingSources.0.amountOre'],
      ['overhead as a float', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2031-01-01', endsOn: '2031-02-01', overheadBp: 10.5 }, 400, 'validation', 'overheadBp'],
      ['overhead over 100 %', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2031-01-01', endsOn: '2031-02-01', overheadBp: 10_001 }, 400, 'validation', 'overheadBp'],
      ['unknown earmarked case', 'POST', '/api/budget/periods', { name: 'X', startsOn: '2031-01-01', endsOn: '2031-02-01', fundingSources: [{ kind: 'earmarked', name: 'E', amountOre: 1, caseId: '01890000-0000-7000-8000-000000000009' }] }, 400, 'validation', 'fundingSources.0.caseId'],
      ['negative transfer', 'POST', '/api/budget/transfers', { fromPostId: postOf(period, 'reflection'), toPostId: postOf(period, 'integration'), amountOre: -5, reason: 'x' }, 400, 'validation', 'amountOre'],
      ['fractional transfer', 'POST', '/api/budget/transfers', { fromPostId: postOf(period, 'reflection'), toPostId: postOf(period, 'integration'), amountOre: 0.5, reason: 'x' }, 400, 'validation', 'amountOre'],
      ['transfer to itself', 'POST', '/api/budget/transfers', { fromPostId: postOf(period, 'reflection'), toPostId: postOf(period, 'reflection'), amountOre: 5, reason: 'x' }, 400, 'validation', 'toPostId'],
      ['half a plan', 'PATCH', `/api/budget/posts/${postOf(period, 'integration')}`, { planPersons: 2 }, 400, 'validation', 'planDays'],
      ['negative rate', 'PUT', `/api/budget/periods/${period.id}/rates`, { reflectionDailyOre: -1, reflectionChildDailyOre: 0, protectionDailyOre: 0, integrationDailyOre: 0, integrationChildDailyOre: 0 }, 400, 'validation', 'reflectionDailyOre'],
      ['stale version', 'PATCH', `/api/budget/periods/${period.id}`, { expectedVersion: 99, name: 'Y' }, 409, 'conflict'],
    ]; // prettier-ignore
    for (const [label, method, url, body, status, code, path] of cases) {
      const res = await f.as('coordinator', method, url, body);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      const err = errorOf(res);
      expect(err.code, label).toBe(code);
      expect(err.message, label).not.toMatch(/^errors\./);
      if (path)
        expect(
          err.fields.map((x) => x.path),
          label,
        ).toContain(path);
    }
    const sv = await f.as('coordinator', 'POST', '/api/budget/periods', {
      name: 'X',
      startsOn: '2016-10-01',
      endsOn: '2016-10-02',
    });
    expect(errorOf(sv).message).toBe('Budgetperioden överlappar en annan period för programmet.');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
  });

  it('only the coordinator and administrators see and change budgets', async () => {
    for (const who of ['staffA', 'authority', 'member'] as const) {
      const res = await f.as(who, 'GET', `/api/budget/periods/${period.id}`);
      expect(res.statusCode, who).toBe(403);
    }
    const admin = await f.as('admin', 'GET', `/api/budget/periods/${period.id}/balances`);
    expect(admin.statusCode).toBe(200);
  });

  it('closing a period freezes it: no rates, plans, transfers or second close', async () => {
    const p = await createPeriod(
      f,
      { name: 'Stängs', startsOn: '2015-01-01', endsOn: '2015-06-30' },
      { reflection: 1_000_000 },
    );
    const closed = await f.as('coordinator', 'POST', `/api/budget/periods/${p.id}/close`, {
      expectedVersion: p.version,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect((closed.json() as PeriodJson).status).toBe('closed');
    const before = await fingerprint(t, IGNORE);
    const attempts: Array<['POST' | 'PATCH' | 'PUT', string, unknown]> = [
      ['PUT', `/api/budget/periods/${p.id}/rates`, { reflectionDailyOre: 1, reflectionChildDailyOre: 1, protectionDailyOre: 1, integrationDailyOre: 1, integrationChildDailyOre: 1 }],
      ['PATCH', `/api/budget/posts/${postOf(p, 'reflection')}`, { planAmountOre: 5 }],
      ['PATCH', `/api/budget/periods/${p.id}`, { expectedVersion: p.version + 1, name: 'Nytt' }],
      ['POST', `/api/budget/periods/${p.id}/posts`, { name: 'Ny' }],
      ['POST', '/api/budget/transfers', { fromPostId: postOf(p, 'reflection'), toPostId: postOf(p, 'integration'), amountOre: 1, reason: 'x' }],
      ['POST', `/api/budget/periods/${p.id}/close`, { expectedVersion: p.version + 1 }],
    ]; // prettier-ignore
    for (const [method, url, body] of attempts) {
      const res = await f.as('coordinator', method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(errorOf(res).code).toBe('period_closed');
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // It is still readable.
    expect((await balanceOf(f, p.id, postOf(p, 'reflection'))).budgetOre).toBe(1_000_000);
  });

  it('two overlapping periods created at once: exactly one is created', async () => {
    const body = { name: 'Samtidig', startsOn: '2040-01-01', endsOn: '2040-12-31' };
    const results = await Promise.all([
      f.as('coordinator', 'POST', '/api/budget/periods', body),
      f.as('admin', 'POST', '/api/budget/periods', { ...body, startsOn: '2040-06-01' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });
  it('reads a long statement a page at a time, each page carrying the remaining funds forward', async () => {
    const p = await createPeriod(
      f,
      { name: 'Långt utdrag', startsOn: '2041-01-01', endsOn: '2041-12-31' },
      { reflection: 10_000_000 },
    );
    const from = postOf(p, 'reflection');
    const to = postOf(p, 'integration');
    // One budget line and 220 transfers of 1, 2, 3 … öre: 221 lines, three pages of 100.
    for (let i = 1; i <= 220; i++) {
      const res = await f.as('coordinator', 'POST', '/api/budget/transfers', {
        fromPostId: from,
        toPostId: to,
        amountOre: i,
        reason: `Flytt ${i}`,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const total = 10_000_000 - (220 * 221) / 2;
    const last = await statement(f, from);
    expect(last).toMatchObject({ page: 3, pageCount: 3, totalLines: 221 });
    expect(last.lines).toHaveLength(21);
    expect(last.lines.at(-1)?.remainingOre).toBe(total);
    expect(last.balance.remainingOre).toBe(total);
    const pages = [await statement(f, from, undefined, 1), await statement(f, from, undefined, 2)];
    expect(pages.map((x) => x.lines.length)).toEqual([100, 100]);
    expect(pages[0]!.broughtForwardOre).toBe(0);
    expect(pages[0]!.lines[0]).toMatchObject({ kind: 'budget', remainingOre: 10_000_000 });
    // Each page starts where the one before ended, and every line is the one before it plus its amount.
    const all = [...pages, last];
    for (const [i, page] of all.entries()) {
      if (i > 0) expect(page.broughtForwardOre).toBe(all[i - 1]!.lines.at(-1)!.remainingOre);
      let running = page.broughtForwardOre;
      for (const line of page.lines) {
        running += line.amountOre;
        expect(line.remainingOre).toBe(running);
      }
    }
    expect(all.flatMap((x) => x.lines.map((l) => l.reason)).slice(1)).toEqual(
      Array.from({ length: 220 }, (_, i) => `Flytt ${i + 1}`),
    );
    // A page after the last one is the last one; a page of 0 is refused.
    expect((await statement(f, from, undefined, 9)).page).toBe(3);
    const zero = await f.as('coordinator', 'GET', `/api/budget/posts/${from}/statement?page=0`);
    expect(zero.statusCode).toBe(400);
  });
});
