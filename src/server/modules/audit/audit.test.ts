import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  enrolTotp,
  errorOf,
  giveTotp,
  jsonObject,
  linkIn,
  mailTo,
  sessionCookie,
  sessionFor,
  signInWithPassword,
  TEST_DB,
  tokenOf,
  totpCode,
  uniqueAddress,
  type TestApp,
  type TestUser,
} from '../../../../test/harness.js';
import { verifyAuditChain } from '../../core/audit.js';

const NEW_PASSWORD = 'Ett-nytt-och-långt-lösenord-7';

interface Expected {
  action: string;
  actor: string | null;
  objectId: string | null;
  outcome?: string;
}

describe(`audit trail (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  let otherOrg: string;
  let admin: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t, 'Länsstyrelsen Stockholm', 'authority', 'AB');
    otherOrg = await createOrganisation(t, 'Kvinnojouren Gävle', 'ngo', 'X');
    admin = await createUser(t, 'admin', org);
    adminCookie = await sessionFor(t, admin.id);
  });
  afterAll(async () => {
    await t.close();
  });

  async function headSeq(): Promise<number> {
    await t.ctx.audit.flush();
    const head = await t.ctx.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    return Number(head.seq);
  }
  async function eventsAfter(seq: number) {
    await t.ctx.audit.flush();
    return t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .execute();
  }
  /** Runs a write and checks that exactly the expected events were appended. */
  async function expectAudited(
    label: string,
    run: () => Promise<LightMyRequestResponse>,
    expected: (res: LightMyRequestResponse) => Expected[],
  ): Promise<LightMyRequestResponse> {
    const before = await headSeq();
    const res = await run();
    expect(res.statusCode, `${label}: ${res.body}`).toBeLessThan(300);
    const events = await eventsAfter(before);
    expect(
      events.map((e) => ({
        action: e.action,
        actor: e.actor_user_id,
        objectId: e.object_id,
        outcome: e.outcome,
      })),
      label,
    ).toEqual(expected(res).map((x) => ({ outcome: 'success', ...x })));
    return res;
  }

  it('every write appends an event with actor, action and object', async () => {
    const user = await createUser(t, 'actor_staff', org);
    let cookie = await sessionFor(t, user.id);
    const post = (url: string, body?: unknown, c = adminCookie) =>
      call(t, { method: 'POST', url, cookie: c, body, remoteAddress: uniqueAddress() });
    const patch = (url: string, body: unknown, c = adminCookie) =>
      call(t, { method: 'PATCH', url, cookie: c, body });

    // Organisations.
    const created = await expectAudited(
      'create organisation',
      () => post('/api/organisations', { name: 'Ny Organisation', type: 'ngo', county: 'AB' }),
      (res) => [
        { action: 'organisation.created', actor: admin.id, objectId: String(jsonObject(res).id) },
      ],
    );
    const newOrg = String(jsonObject(created).id);
    await expectAudited(
      'edit organisation',
      () => patch(`/api/organisations/${newOrg}`, { type: 'other' }),
      () => [{ action: 'organisation.updated', actor: admin.id, objectId: newOrg }],
    );

    // Users.
    const createdUser = await expectAudited(
      'create user',
      () =>
        post('/api/users', {
          email: 'cilla.carlsson@example.org',
          name: 'Cilla Carlsson',
          role: 'member',
          organisationId: newOrg,
        }),
      (res) => [{ action: 'user.created', actor: admin.id, objectId: String(jsonObject(res).id) }],
    );
    const newUser = String(jsonObject(createdUser).id);
    const userWrites: Array<[string, () => Promise<LightMyRequestResponse>, string]> = [
      ['edit user', () => patch(`/api/users/${newUser}`, { name: 'Cilla C' }), 'user.updated'],
      [
        'move user',
        () => patch(`/api/users/${newUser}`, { organisationId: otherOrg }),
        'user.access_changed',
      ],
      ['invite again', () => post(`/api/users/${newUser}/invitation`), 'user.invitation_sent'],
      ['end sessions', () => post(`/api/users/${newUser}/end-sessions`), 'user.sessions_ended'],
      ['reset 2fa', () => post(`/api/users/${newUser}/reset-two-factor`), 'user.two_factor_reset'],
      ['disable', () => post(`/api/users/${newUser}/disable`), 'user.disabled'],
      ['enable', () => post(`/api/users/${newUser}/enable`), 'user.enabled'],
    ];
    for (const [label, run, action] of userWrites) {
      await expectAudited(label, run, () => [{ action, actor: admin.id, objectId: newUser }]);
    }

    // One's own account.
    await expectAudited(
      'profile',
      () => patch('/api/me', { locale: 'en' }, cookie),
      () => [{ action: 'user.profile_updated', actor: user.id, objectId: user.id }],
    );
    const changed = await expectAudited(
      'password change',
      () =>
        post(
          '/api/me/password',
          { currentPassword: user.password, newPassword: NEW_PASSWORD },
          cookie,
        ),
      () => [{ action: 'auth.password_changed', actor: user.id, objectId: user.id }],
    );
    cookie = sessionCookie(changed) ?? '';
    await expectAudited(
      'totp setup',
      () => post('/api/auth/totp/setup', undefined, cookie),
      () => [{ action: 'auth.totp_setup_started', actor: user.id, objectId: user.id }],
    );
    const secret = await t.ctx.db
      .selectFrom('users')
      .select('totp_secret_enc')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const plain = t.ctx.crypto.decrypt(secret.totp_secret_enc ?? '');
    const code = await totpCode(t, plain);
    await expectAudited(
      'totp confirm',
      () => post('/api/auth/totp/confirm', { code }, cookie),
      () => [{ action: 'auth.totp_enabled', actor: user.id, objectId: user.id }],
    );
    await expectAudited(
      'recovery codes',
      () => post('/api/auth/recovery-codes', { currentPassword: NEW_PASSWORD }, cookie),
      () => [{ action: 'auth.recovery_codes_regenerated', actor: user.id, objectId: user.id }],
    );
    await expectAudited(
      'totp disable',
      () => post('/api/auth/totp/disable', { currentPassword: NEW_PASSWORD }, cookie),
      () => [{ action: 'auth.totp_disabled', actor: user.id, objectId: user.id }],
    );
    await expectAudited(
      'sign out',
      () => post('/api/auth/sign-out', undefined, cookie),
      () => [{ action: 'auth.sign_out', actor: user.id, objectId: user.id }],
    );
    const c2 = await sessionFor(t, user.id);
    await expectAudited(
      'sign out everywhere',
      () => post('/api/auth/sign-out', { everywhere: true }, c2),
      () => [{ action: 'auth.sign_out_everywhere', actor: user.id, objectId: user.id }],
    );

    // Public routes.
    await expectAudited(
      'sign in',
      () => post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD }, ''),
      () => [{ action: 'auth.sign_in', actor: user.id, objectId: user.id }],
    );
    await expectAudited(
      'reset request',
      () => post('/api/auth/password-reset', { email: user.email }, ''),
      () => [{ action: 'auth.password_reset_requested', actor: null, objectId: user.id }],
    );
    const [mail] = await mailTo(t, user.email);
    const token = tokenOf(linkIn(mail?.body_text ?? ''));
    await expectAudited(
      'reset complete',
      () => post('/api/auth/password-link', { token, password: 'Ännu-ett-bra-lösenord' }, ''),
      () => [{ action: 'auth.password_set', actor: user.id, objectId: user.id }],
    );
  });

  it('a second-factor sign-in is audited, failures as failures', async () => {
    const coord = await createUser(t, 'coordinator', org);
    const first = await signInWithPassword(t, coord.email, coord.password);
    const { secret } = await enrolTotp(t, first.cookie ?? '');
    t.clock.advance(30_000);
    const second = await signInWithPassword(t, coord.email, coord.password);
    const c = second.cookie;
    await expectAudited(
      'second factor',
      () =>
        totpCode(t, secret).then((code) =>
          call(t, { method: 'POST', url: '/api/auth/second-factor', cookie: c, body: { code } }),
        ),
      () => [{ action: 'auth.sign_in', actor: coord.id, objectId: coord.id }],
    );
    const third = await signInWithPassword(t, coord.email, coord.password);
    const before = await headSeq();
    const bad = await call(t, {
      method: 'POST',
      url: '/api/auth/second-factor',
      cookie: third.cookie,
      body: { recoveryCode: 'zzzz-zzzz-zzzz' },
    });
    expect(bad.statusCode).toBe(400);
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.action, e.actor_user_id, e.outcome])).toEqual([
      ['auth.second_factor', coord.id, 'failure'],
    ]);
  });

  it('refused requests are audited as denied, without changing anything else', async () => {
    const member = await createUser(t, 'member', org);
    const cookie = await sessionFor(t, member.id);
    const before = await headSeq();
    const res = await call(t, { method: 'GET', url: '/api/users', cookie });
    expect(res.statusCode).toBe(403);
    const events = await eventsAfter(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'access.denied',
      actor_user_id: member.id,
      object_type: 'route',
      object_id: 'GET /api/users',
      outcome: 'denied',
    });
  });

  it('reading the audit log and an outbox message is audited', async () => {
    const before = await headSeq();
    const list = await call(t, { method: 'GET', url: '/api/audit?limit=5', cookie: adminCookie });
    expect(list.statusCode).toBe(200);
    const afterList = await eventsAfter(before);
    expect(afterList.map((e) => [e.action, e.actor_user_id, e.object_type])).toEqual([
      ['audit.read', admin.id, 'audit_log'],
    ]);

    const box = jsonObject(
      await call(t, { method: 'GET', url: '/api/outbox', cookie: adminCookie }),
    );
    const items = Array.isArray(box.items) ? box.items : [];
    const first: unknown = items[0];
    const id = typeof first === 'object' && first !== null && 'id' in first ? String(first.id) : '';
    expect(id).not.toBe('');
    const mid = await headSeq();
    const msg = await call(t, { method: 'GET', url: `/api/outbox/${id}`, cookie: adminCookie });
    expect(msg.statusCode).toBe(200);
    expect(typeof jsonObject(msg).bodyText).toBe('string');
    const afterMsg = await eventsAfter(mid);
    expect(afterMsg.map((e) => [e.action, e.actor_user_id, e.object_type, e.object_id])).toEqual([
      ['outbox.message_read', admin.id, 'outbox', id],
    ]);
    // A message that does not exist is not "read".
    const end = await headSeq();
    const missing = await call(t, {
      method: 'GET',
      url: '/api/outbox/01890000-0000-7000-8000-000000000000',
      cookie: adminCookie,
    });
    expect(missing.statusCode).toBe(404);
    expect(await eventsAfter(end)).toHaveLength(0);
  });

  it('holds no e-mail addresses, names or organisation names', async () => {
    await t.ctx.audit.flush();
    const users = await t.ctx.db.selectFrom('users').select(['email', 'name']).execute();
    const orgs = await t.ctx.db.selectFrom('organisations').select('name').execute();
    const events = await t.ctx.db.selectFrom('audit_events').selectAll().execute();
    expect(events.length).toBeGreaterThan(30);
    const text = JSON.stringify(events).toLowerCase();
    const needles = [
      ...users.flatMap((u) => [u.email, u.name, u.email.split('@')[0] ?? '']),
      ...orgs.map((o) => o.name),
      'cilla',
      '@',
    ];
    for (const needle of needles) expect(text, needle).not.toContain(needle.toLowerCase());
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  describe('listing', () => {
    const list = async (query: string) => {
      const res = await call(t, { method: 'GET', url: `/api/audit?${query}`, cookie: adminCookie });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      const body = jsonObject(res);
      const items = (Array.isArray(body.items) ? body.items : []).map((i: unknown) =>
        typeof i === 'object' && i !== null ? (i as Record<string, unknown>) : {},
      );
      return { items, nextBefore: body.nextBefore };
    };

    it('filters by action, actor, object and outcome', async () => {
      const denied = await list('outcome=denied');
      expect(denied.items.length).toBeGreaterThan(0);
      for (const i of denied.items) expect(i.outcome).toBe('denied');
      const byActor = await list(`actorUserId=${admin.id}&action=user.disabled`);
      expect(byActor.items.length).toBe(1);
      expect(byActor.items[0]).toMatchObject({ action: 'user.disabled', actorUserId: admin.id });
      // The actor's name is joined in for display, not stored in the event.
      expect(typeof byActor.items[0]?.actorName).toBe('string');
      const objectId = String(byActor.items[0]?.objectId);
      const byObject = await list(`objectType=user&objectId=${objectId}`);
      expect(byObject.items.map((i) => i.action)).toContain('user.created');
      for (const i of byObject.items) expect(i.objectId).toBe(objectId);
    });

    it('pages backwards with nextBefore, newest first', async () => {
      const page1 = await list('limit=3');
      expect(page1.items).toHaveLength(3);
      const seqs1 = page1.items.map((i) => Number(i.seq));
      expect([...seqs1].sort((a, b) => b - a)).toEqual(seqs1);
      expect(page1.nextBefore).toBe(seqs1[2]);
      const page2 = await list(`limit=3&before=${String(page1.nextBefore)}`);
      const seqs2 = page2.items.map((i) => Number(i.seq));
      expect(Math.max(...seqs2)).toBeLessThan(Math.min(...seqs1));
      const oldest = await list('before=2');
      expect(oldest.items.map((i) => i.seq)).toEqual([1]);
      expect(oldest.nextBefore).toBeNull();
    });

    it('filters by Stockholm calendar dates', async () => {
      // The test clock started 2026-11-23 09:00 UTC (10:00 in Stockholm) and moved forward a little.
      const today = await list('from=2026-11-23&to=2026-11-23&limit=200');
      expect(today.items.length).toBeGreaterThan(0);
      const tomorrow = await list('from=2026-11-24');
      expect(tomorrow.items).toHaveLength(0);
      const yesterday = await list('to=2026-11-22');
      expect(yesterday.items).toHaveLength(0);
      const reversed = await call(t, {
        method: 'GET',
        url: '/api/audit?from=2026-11-24&to=2026-11-23',
        cookie: adminCookie,
      });
      expect(reversed.statusCode).toBe(400);
      expect(errorOf(reversed).fields.map((f) => f.path)).toEqual(['to']);
      for (const q of [
        'from=23-11-2026',
        'action=DROP TABLE',
        'limit=0',
        'before=0',
        'outcome=x',
      ]) {
        const res = await call(t, {
          method: 'GET',
          url: `/api/audit?${encodeURI(q)}`,
          cookie: adminCookie,
        });
        expect(res.statusCode, q).toBe(400);
      }
    });
  });

  it('a partial (two-factor pending) session cannot read the audit log', async () => {
    const other = await createUser(t, 'admin', org);
    await giveTotp(t, other.id, 'JBSWY3DPEHPK3PXP');
    const partial = await sessionFor(t, other.id, 'mfa');
    const res = await call(t, { method: 'GET', url: '/api/audit', cookie: partial });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('mfa_required');
  });
});
