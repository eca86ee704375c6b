/**
 * The coordinator's decisions (domain.md §3): outcomes with grounds and a
 * rationale, fewer days when money is short, corrections that keep the
 * history, one decision at a time, the four-eyes approval above a limit, and
 * the e-mail to the applicant that says nothing about the person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  createTestApp,
  errorOf,
  fingerprint,
  leaks,
  linkIn,
  ORIGIN,
  TEST_DB,
  uniqueSuffix,
  type TestApp,
} from '../../../../test/harness.js';
import {
  applicationVersion,
  decideApplication,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';

const MINUTE = 60_000;
const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];

type Decision = {
  id: string;
  sequence: number;
  outcome: string;
  grounds: string[];
  rationale: string;
  grantedDays: number | null;
  grantedQuantity: number | null;
  grantedAmountOre: number;
  condition: string | null;
  conditionEndsOn: string | null;
  supersedesId: string | null;
  approvalStatus: string;
  approvedByName: string | null;
  current: boolean;
};
type Detail = {
  id: string;
  status: string;
  amountOre: number;
  version: number;
  currentOutcome: string | null;
  grantedAmountOre: number | null;
  decisions: Decision[];
  messages: Array<{ kind: string; text: string }>;
  mayDecide: boolean;
  mayAnswer: boolean;
  queuedAt: string;
};

describe(`decisions on applications (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  let staffEmail: string;
  beforeAll(async () => {
    t = await createTestApp();
    f = await programmeFixture(t);
    staffEmail = (
      await t.ctx.db
        .selectFrom('users')
        .select('email')
        .where('id', '=', f.users.staffA.id)
        .executeTakeFirstOrThrow()
    ).email;
  });
  afterAll(async () => {
    await t.close();
  });

  const detail = async (id: string, who: PersonKey = 'coordinator'): Promise<Detail> => {
    const res = await f.as(who, 'GET', `/api/applications/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Detail;
  };
  const decide = (id: string, body: Record<string, unknown>, who: PersonKey = 'coordinator') =>
    decideApplication(f, id, body, who);
  const expectRefused = (res: LightMyRequestResponse, status: number, code: string) => {
    expect(`${res.statusCode} ${errorOf(res).code}`, res.body).toBe(`${status} ${code}`);
    expect(leaks(res.body)).toEqual([]);
  };
  /** A fresh case of NGO A with a 30-day reflection for one child (45 000 SEK). */
  const reflection = async (patch: Record<string, unknown> = {}) => {
    const c = await newCase(f);
    return {
      caseId: c.id,
      code: c.code,
      id: await submitApplication(f, reflectionBody(c.id, patch)),
    };
  };
  const outbox = () =>
    t.ctx.db
      .selectFrom('outbox')
      .select(['id', 'kind', 'to_address', 'subject', 'body_text'])
      .where('to_address', '=', staffEmail)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  const openQueue = async () =>
    (
      (await f.as('coordinator', 'GET', '/api/applications?status=open')).json() as {
        items: Array<{ id: string; status: string }>;
      }
    ).items;

  it('grants: the application is decided with the full amount', async () => {
    const { id } = await reflection();
    const res = await decide(id, { outcome: 'granted', grounds: ['meets_criteria'] });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as Detail;
    expect(d).toMatchObject({
      status: 'decided',
      currentOutcome: 'granted',
      grantedAmountOre: 4_500_000,
    });
    expect(d.decisions).toEqual([
      expect.objectContaining({
        sequence: 1,
        outcome: 'granted',
        grounds: ['meets_criteria'],
        rationale: 'Uppfyller kriterierna enligt underlaget.',
        grantedDays: 30,
        grantedAmountOre: 4_500_000,
        approvalStatus: 'final',
        current: true,
      }),
    ]);
    expect((await openQueue()).map((i) => i.id)).not.toContain(id);
    // The applicant reads the decision and its rationale.
    expect((await detail(id, 'staffA')).decisions[0]?.rationale).toBe(
      'Uppfyller kriterierna enligt underlaget.',
    );
  });

  it('grants 26 of 30 days when money is short: 39 000 SEK for one child', async () => {
    const { id } = await reflection();
    const before = await fingerprint(t, IGNORE);
    for (const [body, field] of [
      [{ grantedDays: 30 }, 'grantedDays:not_fewer'],
      [{ grantedDays: 31 }, 'grantedDays:not_fewer'],
      [{}, 'grantedDays:required_for_type'],
      [{ grantedDays: 26, grantedAmountOre: 3_900_001 }, 'grantedAmountOre:above_applied'],
      [{ grantedAmountOre: -1 }, 'grantedAmountOre:too_small'],
      [{ grantedAmountOre: 1_000.5 }, 'grantedAmountOre:not_integer'],
      [{ grantedDays: 2.5 }, 'grantedDays:not_integer'],
    ] as const) {
      const res = await decide(id, {
        outcome: 'partially_granted',
        grounds: ['budget_restriction'],
        ...body,
      });
      expectRefused(res, 400, 'validation');
      expect(
        errorOf(res).fields.map((x) => `${x.path}:${x.code}`),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    const res = await decide(id, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 26,
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as Detail;
    expect(d).toMatchObject({
      status: 'decided',
      currentOutcome: 'partially_granted',
      grantedAmountOre: 3_900_000,
    });
    expect(d.decisions[0]).toMatchObject({
      grantedDays: 26,
      grantedAmountOre: 3_900_000,
      current: true,
    });

    // Fewer lawyer hours.
    const c = await newCase(f);
    const lawyer = await submitApplication(f, {
      caseId: c.id,
      type: 'intervention',
      interventionCode: 'lawyer_hours',
      quantity: 10,
      justification: 'Ombud.',
    });
    const fewer = await decide(lawyer, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedQuantity: 6,
    });
    expect(fewer.statusCode, fewer.body).toBe(200);
    expect((fewer.json() as Detail).decisions[0]).toMatchObject({
      grantedQuantity: 6,
      grantedAmountOre: 1_500_000,
    });
  });

  it('grants with a condition (which is required), or denies with nothing to pay', async () => {
    const { id } = await reflection();
    const before = await fingerprint(t, IGNORE);
    const missing = await decide(id, { outcome: 'granted_with_condition' });
    expectRefused(missing, 400, 'validation');
    expect(errorOf(missing).fields).toContainEqual(
      expect.objectContaining({ path: 'condition', code: 'required_for_type' }),
    );
    expectRefused(
      await decide(id, { outcome: 'granted_with_condition', condition: '  ' }),
      400,
      'validation',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    const ok = await decide(id, {
      outcome: 'granted_with_condition',
      condition: 'Kontakt med socialtjänsten inom två veckor.',
      conditionEndsOn: '2026-12-15',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as Detail).decisions[0]).toMatchObject({
      outcome: 'granted_with_condition',
      condition: 'Kontakt med socialtjänsten inom två veckor.',
      conditionEndsOn: '2026-12-15',
      grantedAmountOre: 4_500_000,
      current: true,
    });
    const cond = await t.ctx.db
      .selectFrom('decisions')
      .select(['condition_enc', 'rationale_enc'])
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(cond.condition_enc).not.toContain('socialtjänsten');
    expect(cond.rationale_enc).not.toContain('kriterierna');

    const denied = await reflection({ periodFrom: '2027-01-01', periodTo: '2027-01-10' });
    const res = await decide(denied.id, {
      outcome: 'denied',
      grounds: ['police_report_tut', 'period_passed'],
      rationale: 'Polisen bör först ansöka om TUT.',
      grantedAmountOre: 100_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'decided',
      currentOutcome: 'denied',
      grantedAmountOre: 0,
    });
    expect((res.json() as Detail).decisions[0]).toMatchObject({
      grounds: ['police_report_tut', 'period_passed'],
      grantedAmountOre: 0,
      grantedDays: null,
    });
  });

  it('requires a rationale and known grounds; refuses unknown applications; changes nothing on refusal', async () => {
    const { id } = await reflection();
    const before = await fingerprint(t, IGNORE);
    for (const [body, field] of [
      [{ rationale: '' }, 'rationale'],
      [{ rationale: undefined }, 'rationale'],
      [{ grounds: [] }, 'grounds'],
      [{ grounds: ['no_reason_at_all'] }, 'grounds'],
      [{ grounds: ['meets_criteria', 'meets_criteria'] }, 'grounds'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ supersedesDecisionId: 'nope' }, 'supersedesDecisionId'],
    ] as const) {
      const res = await decide(id, { outcome: 'granted', ...body });
      expectRefused(res, 400, 'validation');
      expect(
        errorOf(res).fields.map((x) => x.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    const unknownGround = await decide(id, { outcome: 'granted', grounds: ['no_reason_at_all'] });
    expect(errorOf(unknownGround).fields).toContainEqual(
      expect.objectContaining({ path: 'grounds', code: 'unknown_ground' }),
    );
    // A stale version; an application that does not exist.
    const stale = await f.as('coordinator', 'POST', `/api/applications/${id}/decisions`, {
      expectedVersion: 99,
      outcome: 'granted',
      grounds: ['meets_criteria'],
      rationale: 'Ok.',
    });
    expectRefused(stale, 409, 'conflict');
    const unknown = await f.as(
      'coordinator',
      'POST',
      '/api/applications/01890000-0000-7000-8000-00000000dead/decisions',
      {
        expectedVersion: 1,
        outcome: 'granted',
        grounds: ['meets_criteria'],
        rationale: 'Ok.',
      },
    );
    expectRefused(unknown, 404, 'not_found');
    expectRefused(
      await f.as('coordinator', 'GET', '/api/applications/01890000-0000-7000-8000-00000000dead'),
      404,
      'not_found',
    );
    // Only the coordinator decides.
    for (const who of ['staffA', 'admin', 'authority', 'member'] as const)
      expectRefused(await decide(id, { outcome: 'granted' }, who), 403, 'forbidden');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
  });

  it('asks for more information: the application leaves the queue until the actor answers', async () => {
    const { id, code } = await reflection({ periodFrom: '2027-02-01', periodTo: '2027-02-10' });
    const question = `Finns det en polisanmälan? ${uniqueSuffix()}`;
    const asked = await decide(id, {
      outcome: 'information_requested',
      grounds: ['information_missing'],
      rationale: question,
    });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'information_requested', currentOutcome: null });
    expect((await openQueue()).map((i) => i.id)).not.toContain(id);
    const waiting = await detail(id, 'staffA');
    expect(waiting).toMatchObject({ mayAnswer: true, status: 'information_requested' });
    expect(waiting.messages).toEqual([
      expect.objectContaining({ kind: 'question', text: question }),
    ]);
    // The timeline shows the request.
    const timeline = (
      await f.as('staffA', 'GET', `/api/cases/${await reflectionCase(id)}`)
    ).json() as {
      timeline: Array<{ kind: string }>;
    };
    expect(timeline.timeline.map((e) => e.kind)).toContain('information_request');

    const before = await fingerprint(t, IGNORE);
    const version = waiting.version;
    expectRefused(
      await f.as('staffB', 'POST', `/api/applications/${id}/answer`, {
        expectedVersion: version,
        text: 'x',
      }),
      404,
      'not_found',
    );
    expectRefused(
      await f.as('coordinator', 'POST', `/api/applications/${id}/answer`, {
        expectedVersion: version,
        text: 'x',
      }),
      403,
      'forbidden',
    );
    expectRefused(
      await f.as('staffA', 'POST', `/api/applications/${id}/answer`, {
        expectedVersion: version - 1,
        text: 'x',
      }),
      409,
      'conflict',
    );
    expectRefused(
      await f.as('staffA', 'POST', `/api/applications/${id}/answer`, {
        expectedVersion: version,
        text: '',
      }),
      400,
      'validation',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    t.clock.advance(MINUTE);
    const answer = `Nej, ingen anmälan ${uniqueSuffix()}`;
    const answered = await f.as('staffA', 'POST', `/api/applications/${id}/answer`, {
      expectedVersion: version,
      text: answer,
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const back = answered.json() as Detail;
    expect(back).toMatchObject({
      status: 'submitted',
      mayAnswer: false,
      queuedAt: t.clock.now().toISOString(),
    });
    expect(back.messages.map((m) => [m.kind, m.text])).toEqual([
      ['question', question],
      ['answer', answer],
    ]);
    const queue = await openQueue();
    expect(queue.find((i) => i.id === id)?.status).toBe('submitted');
    // Back at the end of the queue: it re-entered now.
    expect(queue.at(-1)?.id).toBe(id);
    expectRefused(
      await f.as('staffA', 'POST', `/api/applications/${id}/answer`, {
        expectedVersion: back.version,
        text: 'Igen',
      }),
      409,
      'wrong_state',
    );
    const answerRow = await t.ctx.db
      .selectFrom('application_messages')
      .select('body_enc')
      .where('application_id', '=', id)
      .where('kind', '=', 'answer')
      .executeTakeFirstOrThrow();
    expect(answerRow.body_enc).not.toContain('anmälan');
    expect(code).toMatch(/^NSP\d{3}$/);
  });

  /** The case of an application. */
  async function reflectionCase(applicationId: string): Promise<string> {
    const row = await t.ctx.db
      .selectFrom('applications')
      .select('case_id')
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    return row.case_id ?? '';
  }

  it('marks an application as under processing; it stays in the queue', async () => {
    const { id } = await reflection();
    const res = await decide(id, {
      outcome: 'under_processing',
      rationale: 'Inväntar budgetbesked.',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'under_processing',
      currentOutcome: null,
      mayDecide: true,
    });
    expect((await openQueue()).find((i) => i.id === id)?.status).toBe('under_processing');
    // And is then decided.
    expect((await decide(id, { outcome: 'granted' })).statusCode).toBe(200);
    expect((await detail(id)).decisions.map((d) => [d.outcome, d.current])).toEqual([
      ['granted', true],
      ['under_processing', false],
    ]);
  });

  it('a decided application is only changed by a correction, which keeps the history', async () => {
    const { id } = await reflection();
    const first = (await decide(id, { outcome: 'granted' })).json() as Detail;
    const firstId = first.decisions[0]?.id ?? '';
    const before = await fingerprint(t, IGNORE);
    expectRefused(await decide(id, { outcome: 'denied' }), 409, 'already_decided');
    // A correction must replace the decision that stands, with a final outcome.
    expectRefused(
      await decide(id, {
        outcome: 'denied',
        supersedesDecisionId: '01890000-0000-7000-8000-00000000dead',
      }),
      409,
      'conflict',
    );
    expectRefused(
      await decide(id, { outcome: 'information_requested', supersedesDecisionId: firstId }),
      400,
      'validation',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    t.clock.advance(MINUTE);
    const corrected = await decide(id, {
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      grantedDays: 26,
      rationale: 'Rättelse: budgeten räcker till 26 dagar.',
      supersedesDecisionId: firstId,
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const d = corrected.json() as Detail;
    expect(d).toMatchObject({
      status: 'decided',
      currentOutcome: 'partially_granted',
      grantedAmountOre: 3_900_000,
    });
    expect(d.decisions.map((x) => [x.sequence, x.outcome, x.current, x.supersedesId])).toEqual([
      [2, 'partially_granted', true, firstId],
      [1, 'granted', false, null],
    ]);
    // The first decision is unchanged.
    expect(d.decisions[1]).toMatchObject({
      rationale: 'Uppfyller kriterierna enligt underlaget.',
      grantedAmountOre: 4_500_000,
    });
    // Correcting the old one again is a conflict: it no longer stands.
    expectRefused(
      await decide(id, { outcome: 'denied', supersedesDecisionId: firstId }),
      409,
      'conflict',
    );
    // A correction before any decision is refused.
    const open = await reflection();
    expectRefused(
      await decide(open.id, { outcome: 'denied', supersedesDecisionId: firstId }),
      409,
      'wrong_state',
    );
  });

  it('of concurrent decisions on the same version, exactly one gets in', async () => {
    const { id } = await reflection();
    const version = await applicationVersion(f, id);
    const results = await Promise.all(
      (['granted', 'denied', 'under_processing', 'granted', 'denied'] as const).map((outcome, i) =>
        f.as(
          i % 2 === 0 ? 'coordinator' : 'coordinator2',
          'POST',
          `/api/applications/${id}/decisions`,
          {
            expectedVersion: version,
            outcome,
            grounds: ['meets_criteria'],
            rationale: `Beslut ${i}`,
          },
        ),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(errorOf(r).code).toBe('conflict');
    const rows = await t.ctx.db
      .selectFrom('decisions')
      .select(['id', 'sequence'])
      .where('application_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    const winner = results.find((r) => r.statusCode === 200)?.json() as Detail;
    expect(winner.version).toBe(version + 1);
    expect((await detail(id)).decisions).toHaveLength(1);
  });

  it('refuses a reflection overlapping another for the same person, unless that one was denied', async () => {
    const c = await newCase(f);
    const first = await submitApplication(
      f,
      reflectionBody(c.id, { periodFrom: '2027-03-01', periodTo: '2027-03-20' }),
    );
    const before = await fingerprint(t, IGNORE);
    for (const [from, to] of [
      ['2027-03-15', '2027-04-05'],
      ['2027-02-20', '2027-03-01'],
      ['2027-03-20', '2027-03-25'],
      ['2027-03-05', '2027-03-06'],
    ]) {
      const body = reflectionBody(c.id, { periodFrom: from, periodTo: to });
      expectRefused(
        await f.as('staffA', 'POST', '/api/applications', body),
        409,
        'overlapping_period',
      );
      expectRefused(
        await f.as('staffA', 'POST', '/api/applications/quote', body),
        409,
        'overlapping_period',
      );
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // Adjacent is fine; so is another person's period, and an integration period.
    await submitApplication(
      f,
      reflectionBody(c.id, { periodFrom: '2027-03-21', periodTo: '2027-03-25' }),
    );
    const other = await newCase(f);
    await submitApplication(
      f,
      reflectionBody(other.id, { periodFrom: '2027-03-01', periodTo: '2027-03-20' }),
    );
    await submitApplication(f, {
      caseId: c.id,
      type: 'integration',
      periodFrom: '2027-03-01',
      periodTo: '2027-03-20',
      justification: 'Etablering.',
    });
    // A granted period still blocks; a denied one does not.
    expect(
      (await decide(first, { outcome: 'denied', grounds: ['police_report_tut'] })).statusCode,
    ).toBe(200);
    const again = await submitApplication(
      f,
      reflectionBody(c.id, { periodFrom: '2027-03-10', periodTo: '2027-03-20' }),
    );
    expect((await decide(again, { outcome: 'granted' })).statusCode).toBe(200);
    expectRefused(
      await f.as(
        'staffA',
        'POST',
        '/api/applications',
        reflectionBody(c.id, { periodFrom: '2027-03-01', periodTo: '2027-03-10' }),
      ),
      409,
      'overlapping_period',
    );
  });

  it('of concurrent overlapping reflections for one person, exactly one is accepted', async () => {
    const c = await newCase(f);
    const results = await Promise.all(
      ['2027-04-01', '2027-04-03', '2027-04-05', '2027-04-07', '2027-04-09'].map((from) =>
        f.as(
          'staffA',
          'POST',
          '/api/applications',
          reflectionBody(c.id, { periodFrom: from, periodTo: '2027-04-20' }),
        ),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(errorOf(r).code).toBe('overlapping_period');
    const rows = await t.ctx.db
      .selectFrom('applications')
      .select('id')
      .where('case_id', '=', c.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('tells the applicant of a decision on an inquiry made before any case, without a case code', async () => {
    const id = await submitApplication(f, {
      caseId: null,
      type: 'inquiry',
      justification: 'Har ni plats för en kvinna med två barn?',
    });
    const before = (await outbox()).length;
    expect(
      (await decide(id, { outcome: 'granted', rationale: 'Ja, från den 1 december.' })).statusCode,
    ).toBe(200);
    const mails = await outbox();
    expect(mails).toHaveLength(before + 1);
    const m = mails.at(-1)!;
    expect(m.subject).toContain('en förfrågan');
    expect(linkIn(m.body_text).pathname).toBe(`/applications/${id}`);
    expect(`${m.subject}${m.body_text}`).not.toContain('två barn');
    expect(`${m.subject}${m.body_text}`).not.toContain('1 december');
  });

  it('tells the applicant by e-mail: case code and link, nothing about the person', async () => {
    const identity = `Nguyen Thi Lan ${uniqueSuffix()}`;
    const c = await newCase(f, { background: { nationality: 'VN' }, identityNote: identity });
    const justification = `Hon är rädd för nätverket i Hanoi ${uniqueSuffix()}`;
    const id = await submitApplication(f, reflectionBody(c.id, { justification }));
    const question = `Bor hon fortfarande hos sin kusin? ${uniqueSuffix()}`;
    const rationale = `Beviljas med hänsyn till skyddsbehovet ${uniqueSuffix()}`;
    const secrets = [identity, justification, question, rationale, 'Vietnam', 'Hanoi', 'kusin'];
    const checkMail = (m: { to_address: string; subject: string; body_text: string }) => {
      expect(m.to_address).toBe(staffEmail);
      expect(m.subject).toContain(c.code);
      expect(m.body_text).toContain(c.code);
      const link = linkIn(m.body_text);
      expect(link.origin).toBe(ORIGIN);
      expect(link.pathname).toBe(`/applications/${id}`);
      const text = `${m.subject}\n${m.body_text}`;
      for (const s of secrets) expect(text, s).not.toContain(s);
      expect(text).not.toMatch(/\bVN\b/);
    };
    const before = await outbox();

    expect(
      (
        await decide(id, {
          outcome: 'information_requested',
          grounds: ['information_missing'],
          rationale: question,
        })
      ).statusCode,
    ).toBe(200);
    const afterQuestion = await outbox();
    expect(afterQuestion).toHaveLength(before.length + 1);
    const info = afterQuestion.at(-1)!;
    expect(info.kind).toBe('application.info_request');
    checkMail(info);

    const version = (await detail(id, 'staffA')).version;
    expect(
      (
        await f.as('staffA', 'POST', `/api/applications/${id}/answer`, {
          expectedVersion: version,
          text: 'Ja.',
        })
      ).statusCode,
    ).toBe(200);
    // Marking it under processing tells nobody.
    expect(
      (await decide(id, { outcome: 'under_processing', rationale: 'Utreds.' })).statusCode,
    ).toBe(200);
    expect(await outbox()).toHaveLength(before.length + 1);

    expect((await decide(id, { outcome: 'granted', rationale })).statusCode).toBe(200);
    const afterDecision = await outbox();
    expect(afterDecision).toHaveLength(before.length + 2);
    const decided = afterDecision.at(-1)!;
    expect(decided.kind).toBe('application.decision');
    checkMail(decided);
    // Nobody else was written to.
    const others = await t.ctx.db
      .selectFrom('outbox')
      .select('body_text')
      .where('to_address', '!=', staffEmail)
      .execute();
    for (const m of others) expect(m.body_text).not.toContain(c.code);
  });

  it("after a transfer, the decision is mailed to the new owner's staff, who can open the link", async () => {
    const { id, caseId, code } = await reflection();
    const caseVersion = (
      (await f.as('staffA', 'GET', `/api/cases/${caseId}`)).json() as { version: number }
    ).version;
    const moved = await f.as('staffA', 'POST', `/api/cases/${caseId}/transfer`, {
      expectedVersion: caseVersion,
      toOrganisationId: f.ngoB,
      reason: 'Personen har flyttat till Göteborg.',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const staffBEmail = (
      await t.ctx.db
        .selectFrom('users')
        .select('email')
        .where('id', '=', f.users.staffB.id)
        .executeTakeFirstOrThrow()
    ).email;
    const mailsTo = (to: string) =>
      t.ctx.db.selectFrom('outbox').select('body_text').where('to_address', '=', to).execute();
    const beforeA = (await mailsTo(staffEmail)).length;
    const beforeB = (await mailsTo(staffBEmail)).length;
    expect((await decide(id, { outcome: 'granted' })).statusCode).toBe(200);
    expect(await mailsTo(staffEmail)).toHaveLength(beforeA);
    const toB = await mailsTo(staffBEmail);
    expect(toB).toHaveLength(beforeB + 1);
    expect(toB.at(-1)?.body_text).toContain(code);
    // And the new owner's staff can open what the link points at; the old owner cannot.
    expect((await f.as('staffB', 'GET', `/api/applications/${id}`)).statusCode).toBe(200);
    expect((await f.as('staffA', 'GET', `/api/applications/${id}`)).statusCode).toBe(404);
  });

  it('above the approval limit a second person approves before the decision is final (four-eyes)', async () => {
    expect(
      (await f.as('staffA', 'PUT', '/api/programme/settings', { approvalLimitOre: 1 })).statusCode,
    ).toBe(403);
    const set = await f.as('coordinator', 'PUT', '/api/programme/settings', {
      approvalLimitOre: 1_000_000,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ approvalLimitOre: 1_000_000 });
    try {
      const { id } = await reflection();
      const mailBefore = (await outbox()).length;
      const res = await decide(id, { outcome: 'granted' });
      expect(res.statusCode, res.body).toBe(200);
      const pending = res.json() as Detail;
      expect(pending).toMatchObject({
        status: 'awaiting_approval',
        currentOutcome: null,
        mayDecide: false,
      });
      const decisionId = pending.decisions[0]?.id ?? '';
      expect(pending.decisions[0]).toMatchObject({
        approvalStatus: 'pending_approval',
        current: false,
      });
      expect(await outbox()).toHaveLength(mailBefore);
      // The applicant does not see a decision that is not final yet.
      expect((await detail(id, 'staffA')).decisions).toEqual([]);
      // Not decidable again while it waits, not in the queue, not on the timeline as a decision.
      expectRefused(await decide(id, { outcome: 'denied' }), 409, 'wrong_state');
      expect((await openQueue()).map((i) => i.id)).not.toContain(id);

      const approvals = async (who: PersonKey) =>
        (
          (await f.as(who, 'GET', '/api/approvals')).json() as {
            items: Array<{ decisionId: string; ownDecision: boolean; grantedAmountOre: number }>;
          }
        ).items.find((i) => i.decisionId === decisionId);
      expect(await approvals('coordinator')).toMatchObject({
        ownDecision: true,
        grantedAmountOre: 4_500_000,
      });
      expect(await approvals('coordinator2')).toMatchObject({ ownDecision: false });
      expect(await approvals('admin')).toMatchObject({ ownDecision: false });

      const before = await fingerprint(t, IGNORE);
      expectRefused(
        await f.as('coordinator', 'POST', `/api/decisions/${decisionId}/approval`, {
          approve: true,
        }),
        409,
        'own_decision',
      );
      for (const who of ['staffA', 'authority', 'member'] as const)
        expectRefused(
          await f.as(who, 'POST', `/api/decisions/${decisionId}/approval`, { approve: true }),
          403,
          'forbidden',
        );
      expectRefused(
        await f.as(
          'coordinator2',
          'POST',
          '/api/decisions/01890000-0000-7000-8000-00000000dead/approval',
          { approve: true },
        ),
        404,
        'not_found',
      );
      expect(await fingerprint(t, IGNORE)).toEqual(before);

      const ok = await f.as('coordinator2', 'POST', `/api/decisions/${decisionId}/approval`, {
        approve: true,
        comment: 'Granskat.',
      });
      expect(ok.statusCode, ok.body).toBe(200);
      const approved = await detail(id);
      expect(approved).toMatchObject({
        status: 'decided',
        currentOutcome: 'granted',
        grantedAmountOre: 4_500_000,
      });
      expect(approved.decisions[0]).toMatchObject({
        approvalStatus: 'final',
        current: true,
        approvedByName: expect.stringMatching(/coordinator/),
      });
      expect((await detail(id, 'staffA')).decisions.map((d) => d.id)).toEqual([decisionId]);
      const { caseId } = (await detail(id)) as unknown as { caseId: string };
      const timeline = (
        (await f.as('staffA', 'GET', `/api/cases/${caseId}`)).json() as {
          timeline: Array<{ kind: string; outcome: string | null; applicationId: string | null }>;
        }
      ).timeline.filter((e) => e.applicationId === id);
      expect(timeline.map((e) => [e.kind, e.outcome])).toEqual([
        ['application', null],
        ['decision', 'granted'],
        ['approval', 'approved'],
      ]);
      const mails = await outbox();
      expect(mails).toHaveLength(mailBefore + 1);
      expect(mails.at(-1)?.kind).toBe('application.decision');
      expect(await approvals('coordinator2')).toBeUndefined();
      expectRefused(
        await f.as('admin', 'POST', `/api/decisions/${decisionId}/approval`, { approve: true }),
        409,
        'wrong_state',
      );

      // Two approvers at once: one approval, one answer that it is no longer pending, one mail.
      const race = await reflection();
      const raceDecision = ((await decide(race.id, { outcome: 'granted' })).json() as Detail)
        .decisions[0]?.id;
      const mailBeforeRace = (await outbox()).length;
      const racing = await Promise.all(
        (['coordinator2', 'admin', 'coordinator2', 'admin'] as const).map((who) =>
          f.as(who, 'POST', `/api/decisions/${raceDecision}/approval`, { approve: true }),
        ),
      );
      expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
      expect(await outbox()).toHaveLength(mailBeforeRace + 1);
      expect((await detail(race.id)).decisions.filter((d) => d.current)).toHaveLength(1);

      // An administrator may approve too (though not read the case).
      const second = await reflection();
      const secondDecision = ((await decide(second.id, { outcome: 'granted' })).json() as Detail)
        .decisions[0]?.id;
      const byAdmin = await f.as('admin', 'POST', `/api/decisions/${secondDecision}/approval`, {
        approve: true,
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      expect((await detail(second.id)).status).toBe('decided');

      // A refusal sends it back to the queue, with nothing decided and no mail.
      const third = await reflection();
      const thirdDecision = ((await decide(third.id, { outcome: 'granted' })).json() as Detail)
        .decisions[0]?.id;
      const mailBeforeRefusal = (await outbox()).length;
      const refused = await f.as(
        'coordinator2',
        'POST',
        `/api/decisions/${thirdDecision}/approval`,
        {
          approve: false,
          comment: 'Beloppet behöver motiveras.',
        },
      );
      expect(refused.statusCode, refused.body).toBe(200);
      const back = await detail(third.id);
      expect(back).toMatchObject({ currentOutcome: null, mayDecide: true });
      expect(['submitted', 'under_processing']).toContain(back.status);
      expect(back.decisions[0]).toMatchObject({ approvalStatus: 'rejected', current: false });
      expect((await openQueue()).map((i) => i.id)).toContain(third.id);
      expect(await outbox()).toHaveLength(mailBeforeRefusal);
      // It can be decided again, e.g. fewer days below the limit: final at once.
      const again = await decide(third.id, {
        outcome: 'partially_granted',
        grounds: ['budget_restriction'],
        grantedDays: 6,
      });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ status: 'decided', grantedAmountOre: 900_000 });
      // A denial pays nothing and needs no second approval.
      const fourth = await reflection();
      expect((await decide(fourth.id, { outcome: 'denied' })).json()).toMatchObject({
        status: 'decided',
      });
    } finally {
      const reset = await f.as('coordinator', 'PUT', '/api/programme/settings', {
        approvalLimitOre: null,
      });
      expect(reset.statusCode).toBe(200);
    }
  });
});
