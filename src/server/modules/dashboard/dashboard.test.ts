/**
 * The coordinator's dashboard on a programme whose history is known: cases,
 * applications and decisions made on the test clock over a year (some at
 * 23:30 UTC on a month's last day, which is the next month in Stockholm), a
 * decision waiting for a second approval, a correction, a budget period with
 * a commitment, and certifications that end soon or have passed. Every figure
 * is computed by hand below. Then the empty dashboard of a new instance, the
 * refusals of every other role, and the audit trail.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  sessionFor,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import {
  decideApplication,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import { createPeriod, type PeriodJson } from '../../../../test/budget-fixture.js';
import { writeCertification } from '../certification/certification.service.js';
import type { DashboardReply } from './dashboard.schemas.js';

const DAY = 86_400_000;
/** The dashboard's today: 10 December 2026, 11:00 in Stockholm. */
const TODAY = '2026-12-10T10:00:00.000Z';

describe(`the coordinator's dashboard (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let period: PeriodJson;
  const codes: string[] = [];
  const orgs: Record<string, string> = {};

  /** Moves the test clock to an instant (back or forth). */
  const at = (iso: string) => t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
  const read = (who: PersonKey) => f.as(who, 'GET', '/api/dashboard');
  const dashboard = async (): Promise<DashboardReply> => {
    const res = await read('coordinator');
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as DashboardReply;
  };
  const ok = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { decisions: Array<{ id: string }> };
  };
  const caseOf = async (who: PersonKey = 'staffA') => {
    const c = await newCase(f, {}, who);
    codes.push(c.code);
    return c.id;
  };
  const admission = (caseId: string, who: PersonKey = 'staffA') =>
    submitApplication(
      f,
      { caseId, type: 'admission', justification: 'Ansökan om tillträde.' },
      who,
    );
  const DENIAL = { outcome: 'denied', grounds: ['information_missing'] };

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMs: 400 * DAY, sessionAbsoluteMs: 400 * DAY });
    // The history begins on New Year's Eve 2025, 22:00 in Stockholm.
    at('2025-12-31T21:00:00.000Z');
    f = await programmeFixture(t);
    period = await createPeriod(
      f,
      { name: 'Hösten 2026', startsOn: '2026-09-01', endsOn: '2026-12-31' },
      { reflection: 20_000_000, integration: 10_000_000, intervention: 5_000_000 },
    );
    // A later period, not the one that holds today.
    await createPeriod(f, { name: 'Våren 2027', startsOn: '2027-01-01', endsOn: '2027-06-30' });

    // Certifications: ending within 60 days of today (2027-02-08 is the 60th day), after
    // them, and one suspended. The fixture's lapsed NGO ended 2025-12-31 and is still marked certified.
    const certified = [
      ['Kvinnojouren Gryning', 'certified', '2027-01-15'],
      ['Stödboendet Fyren', 'certified', '2027-02-08'],
      ['Föreningen Ankaret', 'certified', '2027-02-09'],
      ['Hjälpen i Norr', 'suspended', '2027-01-01'],
    ] as const;
    for (const [name] of certified) orgs[name] = await createOrganisation(t, name, 'ngo', 'AC');
    await t.ctx.db.transaction().execute(async (tx) => {
      for (const [name, status, to] of certified) {
        await writeCertification(
          t.ctx,
          tx,
          orgs[name]!,
          {
            status,
            certifiedFrom: '2025-06-01',
            certifiedTo: to,
            reviewDate: null,
            services: [],
            conditions: null,
            reason: 'Kvalitetsgranskning.',
            expectedVersion: 0,
          },
          null,
        );
      }
    });

    // 2025-12-31 in Stockholm (certified until that day): an admission granted at 23:30 that
    // evening (December 2025, outside the chart), and one granted at 00:30 on New Year's Day
    // (23:30 UTC on the month's last day: January 2026).
    const l1 = await admission(await caseOf('lapsedStaff'), 'lapsedStaff');
    const l2 = await admission(await caseOf('lapsedStaff'), 'lapsedStaff');
    at('2025-12-31T22:30:00.000Z');
    ok(await decideApplication(f, l1, { outcome: 'granted' }));
    at('2025-12-31T23:30:00.000Z');
    ok(await decideApplication(f, l2, { outcome: 'granted' }));

    // January: granted. 1 February 00:30 in Stockholm: granted (February).
    at('2026-01-20T10:00:00.000Z');
    const c1 = await caseOf();
    ok(await decideApplication(f, await admission(c1), { outcome: 'granted' }));
    const c2 = await caseOf();
    const a2 = await admission(c2);
    at('2026-01-31T23:30:00.000Z');
    ok(await decideApplication(f, a2, { outcome: 'granted' }));
    // March: denied (no admission).
    at('2026-03-10T10:00:00.000Z');
    const c3 = await caseOf();
    ok(await decideApplication(f, await admission(c3), DENIAL));
    // 15 June 23:59 in Stockholm (summer time): granted (June).
    at('2026-06-15T21:59:00.000Z');
    ok(await decideApplication(f, await admission(await caseOf()), { outcome: 'granted' }));
    // 1 July 00:30 in Stockholm: granted with a condition (July).
    const a5 = await admission(await caseOf());
    at('2026-06-30T22:30:00.000Z');
    ok(
      await decideApplication(f, a5, {
        outcome: 'granted_with_condition',
        condition: 'Deltar i stödsamtal varje vecka.',
        conditionEndsOn: '2026-12-31',
      }),
    );
    // September: granted, corrected to denied the next day: not an admission.
    at('2026-09-10T10:00:00.000Z');
    const a6 = await admission(await caseOf());
    const granted = ok(await decideApplication(f, a6, { outcome: 'granted' })).decisions[0]!.id;
    at('2026-09-11T10:00:00.000Z');
    ok(await decideApplication(f, a6, { ...DENIAL, supersedesDecisionId: granted }));

    // Above 10,000 SEK a second person approves.
    const limit = await f.as('coordinator', 'PUT', '/api/programme/settings', {
      approvalLimitOre: 1_000_000,
    });
    expect(limit.statusCode, limit.body).toBe(200);

    // 25 November: a reflection period for C2 (5 days), put under processing on 3 December.
    at('2026-11-25T09:00:00.000Z');
    const r2 = await submitApplication(
      f,
      reflectionBody(c2, { periodFrom: '2026-12-01', periodTo: '2026-12-05', childrenCount: 0 }),
    );
    // 30 November: a reflection period for C1, 10 days × 1,200 SEK = 12,000 SEK, decided at
    // 23:00 in Stockholm and approved at 00:30 on 1 December (December, as is its commitment);
    // an admission denied at 23:30 in Stockholm (November).
    at('2026-11-30T12:00:00.000Z');
    const r1 = await submitApplication(
      f,
      reflectionBody(c1, { periodFrom: '2026-12-01', periodTo: '2026-12-10', childrenCount: 0 }),
    );
    const a8 = await admission(await caseOf());
    at('2026-11-30T22:00:00.000Z');
    const pending = ok(await decideApplication(f, r1, { outcome: 'granted' })).decisions[0]!.id;
    at('2026-11-30T22:30:00.000Z');
    ok(await decideApplication(f, a8, DENIAL));
    at('2026-11-30T23:30:00.000Z');
    const approved = await f.as('coordinator2', 'POST', `/api/decisions/${pending}/approval`, {
      approve: true,
    });
    expect(approved.statusCode, approved.body).toBe(200);

    // December: an admission waiting in the queue since the 2nd; C2's reflection under processing;
    // C3's reflection (12 days, 14,400 SEK) waiting for a second approval; an admission granted; an
    // inquiry answered with a request for more information; an intervention denied.
    at('2026-12-02T08:00:00.000Z');
    await admission(await caseOf());
    at('2026-12-03T10:00:00.000Z');
    ok(await decideApplication(f, r2, { outcome: 'under_processing' }));
    at('2026-12-04T10:00:00.000Z');
    const r3 = await submitApplication(
      f,
      reflectionBody(c3, { periodFrom: '2026-12-15', periodTo: '2026-12-26', childrenCount: 0 }),
    );
    at('2026-12-05T10:00:00.000Z');
    ok(await decideApplication(f, await admission(await caseOf()), { outcome: 'granted' }));
    const inquiry = await submitApplication(f, {
      caseId: null,
      type: 'inquiry',
      justification: 'Kan ni ta emot en person i december?',
    });
    ok(await decideApplication(f, inquiry, { ...DENIAL, outcome: 'information_requested' }));
    at('2026-12-06T10:00:00.000Z');
    const waiting = await decideApplication(f, r3, { outcome: 'granted' });
    expect((ok(waiting) as unknown as { status: string }).status).toBe('awaiting_approval');
    at('2026-12-08T10:00:00.000Z');
    const intervention = await submitApplication(f, {
      caseId: c1,
      type: 'intervention',
      interventionCode: 'travel',
      quantity: 1,
      unitCostOre: 50_000,
      justification: 'Resa till skyddat boende.',
    });
    ok(
      await decideApplication(f, intervention, {
        ...DENIAL,
        grounds: ['actor_responsibility'],
      }),
    );
    at(TODAY);
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts the applications that wait for a decision, by type and status, and the oldest wait', async () => {
    const d = await dashboard();
    expect(d.date).toBe('2026-12-10');
    expect(d.openApplications).toEqual({
      total: 3,
      byType: [
        { type: 'inquiry', count: 0 },
        { type: 'admission', count: 1 },
        { type: 'reflection', count: 2 },
        { type: 'integration', count: 0 },
        { type: 'intervention', count: 0 },
      ],
      byStatus: [
        { status: 'submitted', count: 1 },
        { status: 'under_processing', count: 1 },
        { status: 'awaiting_approval', count: 1 },
      ],
      // C2's reflection, queued 2026-11-25 09:00 UTC: 15 days and one hour.
      oldestAgeDays: 15,
    });
  });

  it('counts the decisions that became final this Stockholm month, by outcome', async () => {
    const d = await dashboard();
    expect(d.decisionsThisMonth).toEqual({
      month: '2026-12',
      // C1's reflection (approved 00:30 on the 1st) and the admission of the 5th; the
      // information request; the intervention; C2's reflection put under processing. Not the
      // denial at 23:30 on 30 November, nor C3's decision still waiting for approval.
      total: 5,
      byOutcome: [
        { outcome: 'granted', count: 2 },
        { outcome: 'partially_granted', count: 0 },
        { outcome: 'granted_with_condition', count: 0 },
        { outcome: 'denied', count: 1 },
        { outcome: 'information_requested', count: 1 },
        { outcome: 'under_processing', count: 1 },
      ],
    });
  });

  it('shows the remaining funds per post of the period that holds today', async () => {
    const d = await dashboard();
    const post = (kind: string) => period.posts.find((p) => p.kind === kind)!;
    expect(d.funds).toEqual({
      periodId: period.id,
      name: 'Hösten 2026',
      startsOn: '2026-09-01',
      endsOn: '2026-12-31',
      posts: [
        {
          postId: post('reflection').id,
          kind: 'reflection',
          name: post('reflection').name,
          budgetOre: 20_000_000,
          committedOre: 1_200_000,
          remainingOre: 18_800_000,
        },
        {
          postId: post('integration').id,
          kind: 'integration',
          name: post('integration').name,
          budgetOre: 10_000_000,
          committedOre: 0,
          remainingOre: 10_000_000,
        },
        {
          postId: post('intervention').id,
          kind: 'intervention',
          name: post('intervention').name,
          budgetOre: 5_000_000,
          committedOre: 0,
          remainingOre: 5_000_000,
        },
      ],
      budgetOre: 35_000_000,
      remainingOre: 33_800_000,
    });
    // The same figures as the budget page's balances.
    const balances = await f.as(
      'coordinator',
      'GET',
      `/api/budget/periods/${period.id}/balances?date=2026-12-10`,
    );
    const posts = (balances.json() as { posts: Array<{ postId: string; remainingOre: number }> })
      .posts;
    expect(posts.map((p) => [p.postId, p.remainingOre])).toEqual(
      d.funds?.posts.map((p) => [p.postId, p.remainingOre]),
    );
  });

  it('counts the admissions granted per Stockholm month over the last twelve months', async () => {
    const d = await dashboard();
    expect(d.admissionsPerMonth).toEqual([
      // The lapsed NGO's at 00:30 on New Year's Day, and C1's.
      { month: '2026-01', count: 2 },
      // 23:30 UTC on 31 January.
      { month: '2026-02', count: 1 },
      { month: '2026-03', count: 0 },
      { month: '2026-04', count: 0 },
      { month: '2026-05', count: 0 },
      // 23:59 in Stockholm on 15 June.
      { month: '2026-06', count: 1 },
      // 22:30 UTC on 30 June (summer time).
      { month: '2026-07', count: 1 },
      { month: '2026-08', count: 0 },
      // Granted and then corrected to denied.
      { month: '2026-09', count: 0 },
      { month: '2026-10', count: 0 },
      { month: '2026-11', count: 0 },
      { month: '2026-12', count: 1 },
    ]);
  });

  it('lists the certifications that end within 60 days, and those past their end still marked certified', async () => {
    const d = await dashboard();
    expect(d.expiringCertifications).toEqual({
      windowDays: 60,
      items: [
        {
          organisationId: f.lapsedNgo,
          organisationName: 'Föreningen Hamnen',
          certifiedTo: '2025-12-31',
          daysLeft: -344,
        },
        {
          organisationId: orgs['Kvinnojouren Gryning'],
          organisationName: 'Kvinnojouren Gryning',
          certifiedTo: '2027-01-15',
          daysLeft: 36,
        },
        {
          organisationId: orgs['Stödboendet Fyren'],
          organisationName: 'Stödboendet Fyren',
          certifiedTo: '2027-02-08',
          daysLeft: 60,
        },
      ],
    });
  });

  it('moves to the next month at Stockholm midnight, not at UTC midnight', async () => {
    try {
      // 31 December 23:30 UTC is 1 January 2027, 00:30 in Stockholm.
      at('2026-12-31T23:30:00.000Z');
      const d = await dashboard();
      expect(d.date).toBe('2027-01-01');
      expect(d.decisionsThisMonth).toMatchObject({ month: '2027-01', total: 0 });
      expect(d.admissionsPerMonth.map((m) => m.month)).toEqual([
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11',
        '2026-12',
        '2027-01',
      ]);
      expect(d.admissionsPerMonth.reduce((n, m) => n + m.count, 0)).toBe(4);
      // The spring period holds the day now, with nothing committed.
      expect(d.funds).toMatchObject({ name: 'Våren 2027', budgetOre: 0, remainingOre: 0 });
      // An hour earlier it was still 2026 in Stockholm.
      at('2026-12-31T22:30:00.000Z');
      const before = await dashboard();
      expect(before.date).toBe('2026-12-31');
      expect(before.decisionsThisMonth).toMatchObject({ month: '2026-12', total: 5 });
      expect(before.funds?.name).toBe('Hösten 2026');
    } finally {
      at(TODAY);
    }
  });

  it('names no case and no person', async () => {
    const res = await read('coordinator');
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(res.body).not.toContain(code);
    for (const user of Object.values(f.users)) expect(res.body).not.toContain(user.id);
  });

  it('refuses every other role (403) and anyone not signed in (401), and audits the reads', async () => {
    await t.ctx.audit.flush();
    const events = () =>
      t.ctx.db
        .selectFrom('audit_events')
        .select(['action', 'object_type', 'object_id', 'outcome', 'actor_user_id'])
        .where((eb) =>
          eb.or([eb('action', '=', 'dashboard.read'), eb('object_id', '=', 'GET /api/dashboard')]),
        )
        .orderBy('seq')
        .execute();
    const before = (await events()).length;
    for (const who of [
      'admin',
      'staffA',
      'staffB',
      'lapsedStaff',
      'authority',
      'member',
    ] as const) {
      const res = await read(who);
      expect(`${who} ${res.statusCode} ${errorOf(res).code}`).toBe(`${who} 403 forbidden`);
    }
    const anonymous = await call(t, { method: 'GET', url: '/api/dashboard' });
    expect(anonymous.statusCode).toBe(401);
    expect(errorOf(anonymous).code).toBe('unauthenticated');

    await dashboard();
    await t.ctx.audit.flush();
    const after = (await events()).slice(before);
    expect(after.filter((e) => e.outcome === 'denied')).toHaveLength(6);
    expect(after.filter((e) => e.action === 'dashboard.read')).toEqual([
      {
        action: 'dashboard.read',
        object_type: 'dashboard',
        object_id: null,
        outcome: 'success',
        actor_user_id: f.users.coordinator.id,
      },
    ]);
  });
});

describe(`the dashboard of a new instance (${TEST_DB})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('is empty: nothing waits, nothing decided, no period holds today, no certification ends', async () => {
    const org = await createOrganisation(t, 'Plattformen', 'other', 'national');
    const coordinator = await createUser(t, 'coordinator', org);
    const res = await call(t, {
      method: 'GET',
      url: '/api/dashboard',
      cookie: await sessionFor(t, coordinator.id),
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as DashboardReply;
    expect(d.date).toBe('2026-11-23');
    expect(d.openApplications).toMatchObject({ total: 0, oldestAgeDays: null });
    expect(d.openApplications.byType.every((x) => x.count === 0)).toBe(true);
    expect(d.decisionsThisMonth).toMatchObject({ month: '2026-11', total: 0 });
    expect(d.funds).toBeNull();
    expect(d.admissionsPerMonth).toHaveLength(12);
    expect(d.admissionsPerMonth[0]).toEqual({ month: '2025-12', count: 0 });
    expect(d.admissionsPerMonth[11]).toEqual({ month: '2026-11', count: 0 });
    expect(d.admissionsPerMonth.every((m) => m.count === 0)).toBe(true);
    expect(d.expiringCertifications).toEqual({ windowDays: 60, items: [] });
  });
});
