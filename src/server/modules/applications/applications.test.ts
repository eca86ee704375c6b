/**
 * Applying to the support programme (domain.md §3): the five types and their
 * fields, the amount from the 2016 rates and the catalogue, deductions, the
 * quote, who may apply, the rule warnings and the coordinator's queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  createTestApp,
  errorOf,
  fingerprint,
  leaks,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import {
  caseBody,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';

const MINUTE = 60_000;
const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];

type Warning = { code: string; params: Record<string, string | number> };
type Detail = {
  id: string;
  caseId: string | null;
  caseCode: string | null;
  organisationId: string;
  type: string;
  status: string;
  days: number | null;
  amountOre: number;
  queuedAt: string;
  deadline: string | null;
  warnings: Warning[];
  warningCount: number;
  breakdown: Record<string, number | null>;
  justification: string;
  mayDecide: boolean;
  mayAnswer: boolean;
  version: number;
};
type Summary = {
  id: string;
  type: string;
  status: string;
  organisationId: string;
  queuedAt: string;
  caseCode: string | null;
};

describe(`applications to the support programme (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let caseA: { id: string; code: string };
  beforeAll(async () => {
    t = await createTestApp();
    f = await programmeFixture(t);
    caseA = await newCase(f);
  });
  afterAll(async () => {
    await t.close();
  });

  const detail = async (id: string, who: PersonKey = 'coordinator'): Promise<Detail> => {
    const res = await f.as(who, 'GET', `/api/applications/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Detail;
  };
  const quote = async (body: Record<string, unknown>, who: PersonKey = 'staffA') => {
    const res = await f.as(who, 'POST', '/api/applications/quote', body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { breakdown: Record<string, number | null>; warnings: Warning[] };
  };
  const list = async (who: PersonKey, query = ''): Promise<Summary[]> => {
    const res = await f.as(who, 'GET', `/api/applications${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Summary[] }).items;
  };
  const expectRefused = (res: LightMyRequestResponse, status: number, code: string) => {
    expect(`${res.statusCode} ${errorOf(res).code}`, res.body).toBe(`${status} ${code}`);
    expect(leaks(res.body)).toEqual([]);
  };
  const fieldsOf = (res: LightMyRequestResponse) =>
    errorOf(res)
      .fields.map((x) => `${x.path}:${x.code}`)
      .sort();

  it('takes the five types, each with its own fields, and computes the amount from the 2016 rates', async () => {
    const c = await newCase(f);
    const samples: Array<[label: string, body: Record<string, unknown>, amountOre: number]> = [
      [
        'inquiry before a case',
        { caseId: null, type: 'inquiry', justification: 'Kan ni ta emot en person i december?' },
        0,
      ],
      ['inquiry about a case', { caseId: c.id, type: 'inquiry', justification: 'Finns plats?' }, 0],
      [
        'admission',
        { caseId: c.id, type: 'admission', justification: 'Uppfyller kriterierna.' },
        0,
      ],
      // 30 days × (1 200 + 300 for one child) = 45 000 SEK.
      ['reflection', reflectionBody(c.id), 4_500_000],
      // 90 days × (600 + 2 × 200) = 90 000 SEK.
      [
        'integration',
        {
          caseId: c.id,
          type: 'integration',
          periodFrom: '2027-01-01',
          periodTo: '2027-03-31',
          childrenCount: 2,
          justification: 'Har fått TUT.',
        },
        9_000_000,
      ],
      // Lawyer hours at the catalogue's 2 500 SEK an hour.
      [
        'lawyer hours',
        {
          caseId: c.id,
          type: 'intervention',
          interventionCode: 'lawyer_hours',
          quantity: 6,
          justification: 'Överklagande enligt Dublinförordningen.',
        },
        1_500_000,
      ],
      // A ticket: the actor states the cost.
      [
        'travel',
        {
          caseId: c.id,
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 2,
          unitCostOre: 84_950,
          justification: 'Tåg till skyddat boende.',
        },
        169_900,
      ],
    ];
    for (const [label, body, amount] of samples) {
      const q = await quote(body);
      expect(q.breakdown.amountOre, label).toBe(amount);
      // A quote is asked for while the form is filled in: without a justification it is the same.
      const { justification: _omitted, ...withoutText } = body;
      expect((await quote(withoutText)).breakdown, label).toEqual(q.breakdown);
      const noText = await f.as('staffA', 'POST', '/api/applications', withoutText);
      expect(noText.statusCode, label).toBe(400);
      const id = await submitApplication(f, body);
      const d = await detail(id);
      expect(d.amountOre, label).toBe(amount);
      // The quote is what is submitted.
      expect(d.breakdown, label).toEqual(q.breakdown);
      expect(d.warnings, label).toEqual(q.warnings);
      expect(d).toMatchObject({
        type: body.type,
        status: 'submitted',
        caseId: body.caseId,
        organisationId: f.ngoA,
      });
      expect(d.justification).toBe(body.justification);
    }
    // With 24-hour protection: 30 × (1 200 + 300 + 150) = 49 500 SEK.
    const protectedQuote = await quote(
      reflectionBody(c.id, {
        periodFrom: '2027-05-01',
        periodTo: '2027-05-30',
        protection24h: true,
      }),
    );
    expect(protectedQuote.breakdown).toMatchObject({
      days: 30,
      dailyOre: 120_000,
      childDailyOre: 30_000,
      protectionDailyOre: 15_000,
      amountOre: 4_950_000,
    });
  });

  it('enforces the fields of each type and the longest periods, storing nothing on refusal', async () => {
    const before = await fingerprint(t, IGNORE);
    const id = caseA.id;
    const refusals: Array<[Record<string, unknown>, string[]]> = [
      [{ caseId: null, type: 'admission', justification: 'x' }, ['caseId:required_for_type']],
      [
        {
          caseId: id,
          type: 'admission',
          periodFrom: '2027-01-01',
          periodTo: '2027-01-02',
          justification: 'x',
        },
        ['periodFrom:not_for_type', 'periodTo:not_for_type'],
      ],
      [
        { caseId: id, type: 'inquiry', interventionCode: 'travel', justification: 'x' },
        ['interventionCode:not_for_type'],
      ],
      [
        { caseId: id, type: 'inquiry', deductionsOre: 100, justification: 'x' },
        ['deductionsOre:not_for_type'],
      ],
      [
        { caseId: id, type: 'reflection', justification: 'x' },
        ['periodFrom:required_for_type', 'periodTo:required_for_type'],
      ],
      [
        reflectionBody(id, { periodFrom: '2027-01-01', periodTo: '2027-01-31' }),
        ['periodTo:period_too_long'],
      ],
      [reflectionBody(id, { quantity: 3 }), ['quantity:not_for_type']],
      [
        {
          caseId: id,
          type: 'integration',
          periodFrom: '2027-01-01',
          periodTo: '2027-04-01',
          justification: 'x',
        },
        ['periodTo:period_too_long'],
      ],
      [
        {
          caseId: id,
          type: 'integration',
          periodFrom: '2027-01-01',
          periodTo: '2027-01-10',
          protection24h: true,
          justification: 'x',
        },
        ['protection24h:not_for_type'],
      ],
      [
        { caseId: id, type: 'intervention', justification: 'x' },
        ['interventionCode:required_for_type', 'quantity:required_for_type'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'spa_weekend',
          quantity: 1,
          justification: 'x',
        },
        ['interventionCode:unknown_intervention'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 1,
          justification: 'x',
        },
        ['unitCostOre:required_for_type'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'lawyer_hours',
          quantity: 1,
          unitCostOre: 100,
          justification: 'x',
        },
        ['unitCostOre:not_for_type'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'lawyer_hours',
          quantity: 1,
          childrenCount: 1,
          justification: 'x',
        },
        ['childrenCount:not_for_type'],
      ],
      // Deductions above the cost.
      [reflectionBody(id, { deductionsOre: 4_500_001 }), ['deductionsOre:deductions_exceed_cost']],
      // Negative or fractional money, periods backwards, no justification.
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 1,
          unitCostOre: -100,
          justification: 'x',
        },
        ['unitCostOre:too_small'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 1,
          unitCostOre: 10.5,
          justification: 'x',
        },
        ['unitCostOre:not_integer'],
      ],
      [reflectionBody(id, { deductionsOre: -1 }), ['deductionsOre:too_small']],
      [reflectionBody(id, { deductionsOre: 0.5 }), ['deductionsOre:not_integer']],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'lawyer_hours',
          quantity: 1.5,
          justification: 'x',
        },
        ['quantity:not_integer'],
      ],
      [
        {
          caseId: id,
          type: 'intervention',
          interventionCode: 'lawyer_hours',
          quantity: 0,
          justification: 'x',
        },
        ['quantity:too_small'],
      ],
      [
        reflectionBody(id, { periodFrom: '2027-01-10', periodTo: '2027-01-01' }),
        ['periodTo:date_order'],
      ],
      [
        reflectionBody(id, { periodFrom: '2027-02-30', periodTo: '2027-03-01' }),
        ['periodFrom:invalid_format'],
      ],
      [reflectionBody(id, { childrenCount: -1 }), ['childrenCount:too_small']],
      [reflectionBody(id, { justification: '' }), ['justification:too_small']],
      [reflectionBody(id, { type: 'holiday' }), ['type:invalid_value']],
    ];
    for (const [body, fields] of refusals) {
      // A quote takes an application still being written: a missing justification is fine there.
      const urls =
        body.justification === ''
          ? ['/api/applications']
          : ['/api/applications', '/api/applications/quote'];
      for (const url of urls) {
        const res = await f.as('staffA', 'POST', url, body);
        expectRefused(res, 400, 'validation');
        expect(fieldsOf(res), `${url} ${JSON.stringify(body)}`).toEqual([...fields].sort());
      }
    }
    // Reflection at most 30 days, integration at most 90: the limits themselves are fine.
    expect(
      (await quote(reflectionBody(id, { periodFrom: '2027-01-01', periodTo: '2027-01-30' })))
        .breakdown.days,
    ).toBe(30);
    expect(
      (
        await quote({
          caseId: id,
          type: 'integration',
          periodFrom: '2027-01-01',
          periodTo: '2027-03-31',
          justification: 'x',
        })
      ).breakdown.days,
    ).toBe(90);
    // An unknown case is not found; so is another organisation's.
    const unknown = reflectionBody('01890000-0000-7000-8000-00000000dead');
    expectRefused(await f.as('staffA', 'POST', '/api/applications', unknown), 404, 'not_found');
    expectRefused(
      await f.as('staffA', 'POST', '/api/applications/quote', unknown),
      404,
      'not_found',
    );
    expectRefused(
      await f.as('staffB', 'POST', '/api/applications', reflectionBody(id)),
      404,
      'not_found',
    );
    expectRefused(
      await f.as('staffB', 'POST', '/api/applications/quote', reflectionBody(id)),
      404,
      'not_found',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);
  });

  it('audits a quote like any read of the case (its warnings carry the case’s facts)', async () => {
    const c = await newCase(f, {
      background: { policeReport: 'yes', policeReportDate: '2026-09-30' },
    });
    const q = await quote(reflectionBody(c.id));
    expect(q.warnings).toEqual([{ code: 'police_report', params: { date: '2026-09-30' } }]);
    await t.ctx.audit.flush();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'outcome'])
      .where('object_id', '=', c.id)
      .where('action', '=', 'application.quoted')
      .execute();
    expect(events).toEqual([
      { action: 'application.quoted', actor_user_id: f.users.staffA.id, outcome: 'success' },
    ]);
    // Nothing is stored by a quote.
    expect(
      await t.ctx.db.selectFrom('applications').select('id').where('case_id', '=', c.id).execute(),
    ).toEqual([]);
  });

  it('subtracts what another body already pays', async () => {
    const c = await newCase(f);
    // EBO: the Migration Agency pays 71 SEK a day for 30 days.
    const body = reflectionBody(c.id, {
      deductionsOre: 213_000,
      deductionsBy: 'Migrationsverket (EBO)',
    });
    const q = await quote(body);
    expect(q.breakdown).toMatchObject({
      grossOre: 4_500_000,
      deductionsOre: 213_000,
      amountOre: 4_287_000,
    });
    const d = await detail(await submitApplication(f, body));
    expect(d).toMatchObject({
      amountOre: 4_287_000,
      deductionsOre: 213_000,
      deductionsBy: 'Migrationsverket (EBO)',
    });
    // Deducting all of it leaves nothing to pay, which is allowed.
    expect(
      (
        await quote({
          ...body,
          periodFrom: '2027-06-01',
          periodTo: '2027-06-03',
          deductionsOre: 450_000,
        })
      ).breakdown.amountOre,
    ).toBe(0);
  });

  it('only staff of an organisation certified on the application date may apply, and only for their own cases', async () => {
    const before = await fingerprint(t, IGNORE);
    const inquiry = { caseId: null, type: 'inquiry', justification: 'Fråga om plats.' };
    expectRefused(
      await f.as('lapsedStaff', 'POST', '/api/applications', inquiry),
      403,
      'not_certified',
    );
    expectRefused(
      await f.as('lapsedStaff', 'POST', '/api/applications/quote', inquiry),
      403,
      'not_certified',
    );
    for (const who of ['coordinator', 'admin', 'authority', 'member'] as const)
      expectRefused(await f.as(who, 'POST', '/api/applications', inquiry), 403, 'forbidden');
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    // NGO B is suspended: its staff can no longer apply, not even for its own cases.
    const caseB = await newCase(f, {}, 'staffB');
    const suspend = await f.as('coordinator', 'PUT', `/api/organisations/${f.ngoB}/certification`, {
      status: 'suspended',
      reason: 'Brister i skyddet.',
      expectedVersion: 1,
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    try {
      const mid = await fingerprint(t, IGNORE);
      expectRefused(
        await f.as('staffB', 'POST', '/api/applications', reflectionBody(caseB.id)),
        403,
        'not_certified',
      );
      expectRefused(await f.as('staffB', 'POST', '/api/cases', caseBody()), 403, 'not_certified');
      expect(await fingerprint(t, IGNORE)).toEqual(mid);
    } finally {
      const back = await f.as('coordinator', 'PUT', `/api/organisations/${f.ngoB}/certification`, {
        status: 'certified',
        certifiedFrom: '2026-01-01',
        certifiedTo: '2027-12-31',
        reason: 'Bristerna åtgärdade.',
        expectedVersion: 2,
      });
      expect(back.statusCode, back.body).toBe(200);
    }
    expect(await submitApplication(f, reflectionBody(caseB.id), 'staffB')).toEqual(
      expect.any(String),
    );
  });

  it('warns the coordinator: police report, over 30 reflection days, no prerequisite, period passed, responsibility, cap', async () => {
    const codes = (w: Warning[]) => w.map((x) => x.code);
    // A police report exists.
    const reported = await newCase(f, {
      background: { policeReport: 'yes', policeReportDate: '2026-10-01' },
    });
    const police = await detail(await submitApplication(f, reflectionBody(reported.id)));
    expect(police.warnings).toEqual([{ code: 'police_report', params: { date: '2026-10-01' } }]);
    expect(police.warningCount).toBe(1);
    const admission = await quote({ caseId: reported.id, type: 'admission', justification: 'x' });
    expect(codes(admission.warnings)).toEqual(['police_report']);

    // Two reflections of 20 days each, not overlapping: 40 days in all.
    const twice = await newCase(f);
    const first = await detail(
      await submitApplication(
        f,
        reflectionBody(twice.id, { periodFrom: '2026-12-01', periodTo: '2026-12-20' }),
      ),
    );
    expect(first.warnings).toEqual([]);
    const second = await detail(
      await submitApplication(
        f,
        reflectionBody(twice.id, { periodFrom: '2027-01-01', periodTo: '2027-01-20' }),
      ),
    );
    expect(second.warnings).toEqual([
      { code: 'reflection_over_30_days', params: { totalDays: 40 } },
    ]);

    // Integration for an asylum seeker: no prerequisite; with a TUT: none.
    const asylum = await newCase(f, { background: { residenceStatus: 'asylum_seeker' } });
    const integration = (caseId: string) => ({
      caseId,
      type: 'integration',
      periodFrom: '2027-01-01',
      periodTo: '2027-01-31',
      justification: 'Etablering.',
    });
    expect((await quote(integration(asylum.id))).warnings).toEqual([
      { code: 'integration_without_prerequisite', params: { residenceStatus: 'asylum_seeker' } },
    ]);
    const tut = await newCase(f, { background: { residenceStatus: 'tut' } });
    expect((await detail(await submitApplication(f, integration(tut.id)))).warnings).toEqual([]);

    // The period started ten days ago.
    const late = await newCase(f);
    expect(
      (
        await detail(
          await submitApplication(
            f,
            reflectionBody(late.id, { periodFrom: '2026-11-13', periodTo: '2026-11-30' }),
          ),
        )
      ).warnings,
    ).toEqual([{ code: 'period_passed', params: { daysPassed: 10 } }]);

    // The actor's own responsibility, another authority's, above the cap.
    const costs = await newCase(f);
    const intervention = (code: string, patch: Record<string, unknown> = {}) => ({
      caseId: costs.id,
      type: 'intervention',
      interventionCode: code,
      quantity: 1,
      unitCostOre: 100_000,
      justification: 'Kostnad.',
      ...patch,
    });
    expect(
      codes((await detail(await submitApplication(f, intervention('staff_training')))).warnings),
    ).toEqual(['actor_responsibility']);
    expect(
      codes((await detail(await submitApplication(f, intervention('health_care')))).warnings),
    ).toEqual(['authority_responsibility']);
    expect(
      (await detail(await submitApplication(f, intervention('travel', { unitCostOre: 600_000 }))))
        .warnings,
    ).toEqual([{ code: 'above_cap', params: { capOre: 500_000, amountOre: 600_000 } }]);
    // Twelve lawyer hours: 30 000 SEK against a cap of 25 000.
    expect(
      (await quote(intervention('lawyer_hours', { quantity: 12, unitCostOre: null }))).warnings,
    ).toEqual([{ code: 'above_cap', params: { capOre: 2_500_000, amountOre: 3_000_000 } }]);
    expect((await quote(intervention('travel', { unitCostOre: 500_000 }))).warnings).toEqual([]);
  });

  it('recomputes the warnings while the application waits in the queue', async () => {
    const c = await newCase(f);
    const id = await submitApplication(
      f,
      reflectionBody(c.id, { periodFrom: '2027-02-01', periodTo: '2027-02-10' }),
    );
    expect((await detail(id)).warnings).toEqual([]);
    const changed = await f.as('staffA', 'PUT', `/api/cases/${c.id}/background`, {
      expectedVersion: 1,
      background: {
        ...(await f.as('staffA', 'GET', `/api/cases/${c.id}`)).json<{
          background: Record<string, unknown>;
        }>().background,
        policeReport: 'yes',
        policeReportDate: '2026-11-20',
      },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await detail(id)).warnings).toEqual([
      { code: 'police_report', params: { date: '2026-11-20' } },
    ]);
  });

  it("the coordinator's queue: open applications oldest first, filtered by type and organisation", async () => {
    const a = await newCase(f);
    const b = await newCase(f, {}, 'staffB');
    const ids: string[] = [];
    for (const [who, body] of [
      ['staffA', reflectionBody(a.id, { periodFrom: '2027-07-01', periodTo: '2027-07-10' })],
      [
        'staffB',
        {
          caseId: b.id,
          type: 'integration',
          periodFrom: '2027-07-01',
          periodTo: '2027-07-10',
          justification: 'x',
        },
      ],
      ['staffA', { caseId: a.id, type: 'admission', justification: 'x' }],
      ['staffB', { caseId: b.id, type: 'admission', justification: 'x' }],
    ] as const) {
      t.clock.advance(MINUTE);
      ids.push(await submitApplication(f, body, who));
    }
    const queue = await list('coordinator', '?status=open');
    const mine = queue.filter((i) => ids.includes(i.id)).map((i) => i.id);
    expect(mine).toEqual(ids);
    // The whole queue is in the order it was received.
    const times = queue.map((i) => i.queuedAt);
    expect(times).toEqual([...times].sort());
    expect(queue.every((i) => i.status === 'submitted' || i.status === 'under_processing')).toBe(
      true,
    );

    const admissions = await list('coordinator', '?status=open&type=admission');
    expect(admissions.every((i) => i.type === 'admission')).toBe(true);
    expect(admissions.map((i) => i.id).filter((x) => ids.includes(x))).toEqual([ids[2], ids[3]]);
    const ofB = await list('coordinator', `?status=open&organisationId=${f.ngoB}`);
    expect(ofB.length).toBeGreaterThan(0);
    expect(ofB.every((i) => i.organisationId === f.ngoB)).toBe(true);
    expect(ofB.map((i) => i.id).filter((x) => ids.includes(x))).toEqual([ids[1], ids[3]]);
    const byCode = await list('coordinator', `?caseCode=${b.code.toLowerCase()}`);
    expect(byCode.map((i) => i.id).sort()).toEqual([ids[1], ids[3]].sort());

    // Staff see their own organisation's applications only, whatever they ask for.
    const staffA = await list('staffA');
    expect(staffA.length).toBeGreaterThan(0);
    expect(staffA.every((i) => i.organisationId === f.ngoA)).toBe(true);
    expect(staffA.map((i) => i.id)).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    const widened = await list('staffA', `?organisationId=${f.ngoB}`);
    expect(widened.every((i) => i.organisationId === f.ngoA)).toBe(true);
    expect((await list('staffB')).every((i) => i.organisationId === f.ngoB)).toBe(true);
    // The queue view is the coordinator's; staff may read their own but not decide.
    const own = await detail(ids[0] ?? '', 'staffA');
    expect(own).toMatchObject({ mayDecide: false, mayAnswer: false, deadline: '2027-07-01' });
    expect((await detail(ids[0] ?? '')).mayDecide).toBe(true);
  });

  it('keeps the price applied for when the catalogue changes; retired codes cannot be applied for', async () => {
    const c = await newCase(f);
    const body = {
      caseId: c.id,
      type: 'intervention',
      interventionCode: 'lawyer_hours',
      quantity: 4,
      justification: 'Ombud.',
    };
    const id = await submitApplication(f, body);
    const programme = (await f.as('staffA', 'GET', '/api/programme')).json<{
      interventions: Array<Record<string, unknown>>;
      rateSchedules: Array<Record<string, unknown>>;
      grounds: Array<{ code: string }>;
    }>();
    const lawyer = programme.interventions.find((i) => i.code === 'lawyer_hours');
    expect(lawyer).toMatchObject({
      unit: 'hour',
      unitPriceOre: 250_000,
      capOre: 2_500_000,
      responsibility: 'programme',
    });
    expect(programme.rateSchedules[0]).toMatchObject({
      reflectionDailyOre: 120_000,
      reflectionChildDailyOre: 30_000,
      protectionDailyOre: 15_000,
      integrationDailyOre: 60_000,
      integrationChildDailyOre: 20_000,
    });
    expect(programme.grounds.map((g) => g.code)).toContain('police_report_tut');
    const put = (patch: Record<string, unknown>) =>
      f.as('coordinator', 'PUT', '/api/programme/interventions/lawyer_hours', {
        nameSv: 'Advokattimmar',
        nameEn: 'Lawyer hours',
        unit: 'hour',
        unitPriceOre: 250_000,
        capOre: 2_500_000,
        responsibility: 'programme',
        retired: false,
        ...patch,
      });
    expectRefused(
      await f.as('staffA', 'PUT', '/api/programme/interventions/lawyer_hours', {}),
      403,
      'forbidden',
    );
    try {
      expect((await put({ unitPriceOre: 300_000 })).statusCode).toBe(200);
      expect((await quote(body)).breakdown.amountOre).toBe(1_200_000);
      const d = await detail(id);
      expect(d.amountOre).toBe(1_000_000);
      expect(d.breakdown).toMatchObject({ unitOre: 250_000, amountOre: 1_000_000 });
      expect((await put({ retired: true })).statusCode).toBe(200);
      const retired = await f.as('staffA', 'POST', '/api/applications/quote', body);
      expectRefused(retired, 400, 'validation');
      expect(fieldsOf(retired)).toEqual(['interventionCode:unknown_intervention']);
    } finally {
      expect((await put({})).statusCode).toBe(200);
    }
    expect((await quote(body)).breakdown.amountOre).toBe(1_000_000);
  });
});
