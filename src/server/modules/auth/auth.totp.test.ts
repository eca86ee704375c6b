import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  enrolTotp,
  errorOf,
  jsonObject,
  sessionCookie,
  sessionFor,
  signInWithPassword,
  TEST_DB,
  totpCode,
  type TestApp,
  type TestUser,
} from '../../../../test/harness.js';

const STEP_MS = 30_000;

describe(`two-factor sign-in (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A six-digit code that is none of the codes accepted around now. */
  async function wrongCode(secret: string): Promise<string> {
    const valid = new Set([
      await totpCode(t, secret, -30),
      await totpCode(t, secret),
      await totpCode(t, secret, 30),
    ]);
    for (let n = 0; ; n++) {
      const candidate = String((n * 137_911) % 1_000_000).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  }

  const secondFactor = (cookie: string | undefined, body: Record<string, unknown>) =>
    call(t, { method: 'POST', url: '/api/auth/second-factor', cookie, body });

  const status = async (cookie: string | undefined, url = '/api/home') =>
    (await call(t, { method: 'GET', url, cookie })).statusCode;

  async function totpColumns(userId: string) {
    return t.ctx.db
      .selectFrom('users')
      .select(['totp_secret_enc', 'totp_enabled_at', 'totp_last_step'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
  }

  /** An administrator who has enrolled, signed out, and is ready to sign in again. */
  async function enrolledUser(role: 'admin' | 'coordinator' | 'actor_staff' = 'admin') {
    const user = await createUser(t, role, org);
    const first = await signInWithPassword(t, user.email, user.password);
    if (!first.cookie) throw new Error('no cookie');
    const enrolled = await enrolTotp(t, first.cookie);
    const out = await call(t, {
      method: 'POST',
      url: '/api/auth/sign-out',
      cookie: enrolled.cookie,
    });
    if (out.statusCode !== 200) throw new Error(`sign-out: ${out.statusCode} ${out.body}`);
    return { user, ...enrolled };
  }

  describe.each(['admin', 'coordinator'] as const)('%s must enrol', (role) => {
    let user: TestUser;
    let enrolCookie: string;
    let secret: string;

    it('gets stage enrol at sign-in and cannot reach full routes', async () => {
      user = await createUser(t, role, org);
      const { res, cookie, stage } = await signInWithPassword(t, user.email, user.password);
      expect(res.statusCode).toBe(200);
      expect(stage).toBe('enrol');
      expect(jsonObject(res).user).toMatchObject({ mfaRequired: true, totpEnabled: false });
      expect(cookie).toBeDefined();
      enrolCookie = cookie ?? '';

      for (const url of ['/api/home', '/api/organisations', '/api/users', '/api/audit']) {
        const r = await call(t, { method: 'GET', url, cookie: enrolCookie });
        expect(r.statusCode, url).toBe(401);
        expect(errorOf(r).code).toBe('mfa_required');
      }
      const patch = await call(t, {
        method: 'PATCH',
        url: '/api/me',
        cookie: enrolCookie,
        body: { name: 'Sneaky' },
      });
      expect(patch.statusCode).toBe(401);
      expect(errorOf(patch).code).toBe('mfa_required');
      // What an enrolling session may do: see its own state, start enrolment, sign out.
      expect(await status(enrolCookie, '/api/auth/session')).toBe(200);
      // It has no second factor to give yet.
      const sf = await secondFactor(enrolCookie, { code: '123456' });
      expect(sf.statusCode).toBe(400);
    });

    it('sets up TOTP, stores the secret encrypted, refuses a wrong code', async () => {
      const setup = await call(t, {
        method: 'POST',
        url: '/api/auth/totp/setup',
        cookie: enrolCookie,
      });
      expect(setup.statusCode).toBe(200);
      const body = jsonObject(setup);
      expect(typeof body.secret).toBe('string');
      secret = String(body.secret);
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(String(body.uri)).toMatch(/^otpauth:\/\/totp\/Slussa:/);
      expect(String(body.uri)).toContain(`secret=${secret}`);

      const cols = await totpColumns(user.id);
      expect(cols.totp_secret_enc).not.toBeNull();
      expect(cols.totp_secret_enc).not.toContain(secret);
      expect(cols.totp_secret_enc).not.toContain(secret.toLowerCase());
      expect(cols.totp_secret_enc).toMatch(/^v1:/);
      expect(t.ctx.crypto.decrypt(cols.totp_secret_enc ?? '')).toBe(secret);
      expect(cols.totp_enabled_at).toBeNull();

      const wrong = await call(t, {
        method: 'POST',
        url: '/api/auth/totp/confirm',
        cookie: enrolCookie,
        body: { code: await wrongCode(secret) },
      });
      expect(wrong.statusCode).toBe(400);
      expect(errorOf(wrong).code).toBe('invalid_code');
      expect((await totpColumns(user.id)).totp_enabled_at).toBeNull();
      expect(await status(enrolCookie)).toBe(401);
    });

    it('confirms with a real code: ten recovery codes and a new session token', async () => {
      const res = await call(t, {
        method: 'POST',
        url: '/api/auth/totp/confirm',
        cookie: enrolCookie,
        body: { code: await totpCode(t, secret) },
      });
      expect(res.statusCode).toBe(200);
      const body = jsonObject(res);
      const codes = body.recoveryCodes;
      expect(Array.isArray(codes)).toBe(true);
      const list = Array.isArray(codes) ? codes.map(String) : [];
      expect(list).toHaveLength(10);
      expect(new Set(list).size).toBe(10);
      for (const c of list) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(body.session).toMatchObject({ stage: 'full', user: { totpEnabled: true } });

      // Stored hashed only.
      const stored = await t.ctx.db
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', user.id)
        .execute();
      expect(stored).toHaveLength(10);
      for (const s of stored) expect(list).not.toContain(s.code_hash);

      const upgraded = sessionCookie(res);
      expect(upgraded).toBeDefined();
      expect(upgraded).not.toBe(enrolCookie);
      expect(await status(upgraded)).toBe(200);
      // The partial session is gone.
      expect(await status(enrolCookie, '/api/auth/session')).toBe(401);

      const events = await t.ctx.db
        .selectFrom('audit_events')
        .select(['action', 'object_id'])
        .where('actor_user_id', '=', user.id)
        .where('action', '=', 'auth.totp_enabled')
        .execute();
      expect(events).toEqual([{ action: 'auth.totp_enabled', object_id: user.id }]);

      // Enrolment cannot be restarted over an active one.
      const again = await call(t, {
        method: 'POST',
        url: '/api/auth/totp/setup',
        cookie: upgraded,
      });
      expect(again.statusCode).toBe(409);
    });

    it('asks for the code at the next sign-in; the same code cannot be used twice', async () => {
      t.clock.advance(STEP_MS);
      const { cookie, stage } = await signInWithPassword(t, user.email, user.password);
      expect(stage).toBe('mfa');
      expect(await status(cookie)).toBe(401);
      const setup = await call(t, { method: 'POST', url: '/api/auth/totp/setup', cookie });
      expect(setup.statusCode).toBe(401);
      expect(errorOf(setup).code).toBe('mfa_required');

      const code = await totpCode(t, secret);
      const ok = await secondFactor(cookie, { code });
      expect(ok.statusCode).toBe(200);
      expect(jsonObject(ok)).toMatchObject({ stage: 'full' });
      const full = sessionCookie(ok);
      expect(full).toBeDefined();
      expect(full).not.toBe(cookie);
      expect(await status(full)).toBe(200);
      expect(await status(cookie, '/api/auth/session')).toBe(401);

      // Replay within the same 30 s step (and its tolerance) is refused.
      const again = await signInWithPassword(t, user.email, user.password);
      expect(again.stage).toBe('mfa');
      const replay = await secondFactor(again.cookie, { code });
      expect(replay.statusCode).toBe(400);
      expect(errorOf(replay).code).toBe('invalid_code');
      expect(await status(again.cookie)).toBe(401);
      // The next step's code is fine.
      t.clock.advance(STEP_MS);
      const next = await secondFactor(again.cookie, { code: await totpCode(t, secret) });
      expect(next.statusCode).toBe(200);
    });
  });

  it('refuses a wrong code and a malformed one', async () => {
    const { user, secret } = await enrolledUser();
    t.clock.advance(5 * STEP_MS);
    const { cookie } = await signInWithPassword(t, user.email, user.password);
    const wrong = await secondFactor(cookie, { code: await wrongCode(secret) });
    expect(wrong.statusCode).toBe(400);
    expect(errorOf(wrong).code).toBe('invalid_code');
    for (const body of [
      { code: '12345' },
      { code: 'abcdef' },
      {},
      { code: '123456', recoveryCode: 'abcd-efgh-jkmn' },
    ]) {
      const res = await secondFactor(cookie, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorOf(res).code).toBe('validation');
    }
    expect(await status(cookie)).toBe(401);
    // A code from two steps back is outside the tolerance.
    const old = await totpCode(t, secret, -60);
    const late = await secondFactor(cookie, { code: old });
    expect(late.statusCode).toBe(400);
  });

  it('accepts each recovery code once only', async () => {
    const { user, recoveryCodes } = await enrolledUser('coordinator');
    const [first, second] = recoveryCodes;
    const a = await signInWithPassword(t, user.email, user.password);
    expect(a.stage).toBe('mfa');
    // Case and surrounding spaces do not matter.
    const used = await secondFactor(a.cookie, { recoveryCode: ` ${String(first).toUpperCase()} ` });
    expect(used.statusCode).toBe(200);
    expect(await status(sessionCookie(used))).toBe(200);

    const b = await signInWithPassword(t, user.email, user.password);
    const reused = await secondFactor(b.cookie, { recoveryCode: String(first) });
    expect(reused.statusCode).toBe(400);
    expect(errorOf(reused).code).toBe('invalid_code');
    expect(await status(b.cookie)).toBe(401);
    const other = await secondFactor(b.cookie, { recoveryCode: String(second) });
    expect(other.statusCode).toBe(200);

    const rows = await t.ctx.db
      .selectFrom('recovery_codes')
      .select('used_at')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows.filter((r) => r.used_at !== null)).toHaveLength(2);
    const actions = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_user_id', '=', user.id)
      .where('action', '=', 'auth.sign_in_recovery_code')
      .execute();
    expect(actions).toHaveLength(2);
  });

  it('regenerating recovery codes needs the password and retires the old ones', async () => {
    const { user, recoveryCodes } = await enrolledUser('actor_staff');
    t.clock.advance(STEP_MS);
    const a = await signInWithPassword(t, user.email, user.password);
    const full = sessionCookie(
      await secondFactor(a.cookie, { recoveryCode: String(recoveryCodes[0]) }),
    );
    const wrongPw = await call(t, {
      method: 'POST',
      url: '/api/auth/recovery-codes',
      cookie: full,
      body: { currentPassword: 'not my password at all' },
    });
    expect(wrongPw.statusCode).toBe(400);
    const res = await call(t, {
      method: 'POST',
      url: '/api/auth/recovery-codes',
      cookie: full,
      body: { currentPassword: user.password },
    });
    expect(res.statusCode).toBe(200);
    const fresh = jsonObject(res).recoveryCodes;
    expect(Array.isArray(fresh) ? fresh.length : 0).toBe(10);
    const b = await signInWithPassword(t, user.email, user.password);
    const old = await secondFactor(b.cookie, { recoveryCode: String(recoveryCodes[1]) });
    expect(old.statusCode).toBe(400);
    const now = await secondFactor(b.cookie, {
      recoveryCode: Array.isArray(fresh) ? String(fresh[0]) : '',
    });
    expect(now.statusCode).toBe(200);
  });

  it('throttles after five wrong codes, even for the right one, until the window passes', async () => {
    const { user, secret } = await enrolledUser();
    t.clock.advance(STEP_MS);
    const { cookie } = await signInWithPassword(t, user.email, user.password);
    for (let i = 0; i < 5; i++) {
      const res = await secondFactor(cookie, { code: await wrongCode(secret) });
      expect(res.statusCode).toBe(400);
    }
    const right = await secondFactor(cookie, { code: await totpCode(t, secret) });
    expect(right.statusCode).toBe(429);
    expect(errorOf(right).code).toBe('too_many_attempts');
    // Recovery codes are throttled as well.
    const rc = await secondFactor(cookie, { recoveryCode: 'aaaa-bbbb-cccc' });
    expect(rc.statusCode).toBe(429);
    // A fresh password sign-in does not reset the second-factor lock.
    const again = await signInWithPassword(t, user.email, user.password);
    expect((await secondFactor(again.cookie, { code: await totpCode(t, secret) })).statusCode).toBe(
      429,
    );

    t.clock.advance(10 * 60_000);
    const later = await signInWithPassword(t, user.email, user.password);
    expect((await secondFactor(later.cookie, { code: await totpCode(t, secret) })).statusCode).toBe(
      429,
    );
    t.clock.advance(6 * 60_000);
    const fresh = await signInWithPassword(t, user.email, user.password);
    expect(fresh.stage).toBe('mfa');
    const res = await secondFactor(fresh.cookie, { code: await totpCode(t, secret) });
    expect(res.statusCode).toBe(200);
  });

  it('TOTP is optional for actor staff; disabling needs the current password', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const a = await signInWithPassword(t, user.email, user.password);
    expect(a.stage).toBe('full');
    expect(jsonObject(a.res).user).toMatchObject({ mfaRequired: false, totpEnabled: false });
    const cookie = a.cookie ?? '';
    const enrolled = await enrolTotp(t, cookie);
    // A complete session stays as it is.
    expect(enrolled.cookie).toBe(cookie);
    expect(await status(cookie)).toBe(200);

    t.clock.advance(STEP_MS);
    const b = await signInWithPassword(t, user.email, user.password);
    expect(b.stage).toBe('mfa');
    expect(await status(b.cookie)).toBe(401);

    const noPw = await call(t, {
      method: 'POST',
      url: '/api/auth/totp/disable',
      cookie,
      body: { currentPassword: 'this is not the password' },
    });
    expect(noPw.statusCode).toBe(400);
    expect(errorOf(noPw).fields.map((f) => f.path)).toEqual(['currentPassword']);
    expect((await totpColumns(user.id)).totp_enabled_at).not.toBeNull();
    const missing = await call(t, {
      method: 'POST',
      url: '/api/auth/totp/disable',
      cookie,
      body: {},
    });
    expect(missing.statusCode).toBe(400);

    const off = await call(t, {
      method: 'POST',
      url: '/api/auth/totp/disable',
      cookie,
      body: { currentPassword: user.password },
    });
    expect(off.statusCode).toBe(200);
    expect(await totpColumns(user.id)).toEqual({
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
    });
    const c = await signInWithPassword(t, user.email, user.password);
    expect(c.stage).toBe('full');
  });

  it.each(['admin', 'coordinator'] as const)('%s cannot turn two-factor off', async (role) => {
    const { user } = await enrolledUser(role);
    const cookie = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'POST',
      url: '/api/auth/totp/disable',
      cookie,
      body: { currentPassword: user.password },
    });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
    const cols = await totpColumns(user.id);
    expect(cols.totp_enabled_at).not.toBeNull();
    expect(cols.totp_secret_enc).not.toBeNull();
  });

  it('an admin reset of two-factor sends the person back to enrolment', async () => {
    const { user } = await enrolledUser('coordinator');
    const admin = await createUser(t, 'admin', org);
    const adminCookie = await sessionFor(t, admin.id);
    const live = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'POST',
      url: `/api/users/${user.id}/reset-two-factor`,
      cookie: adminCookie,
    });
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toMatchObject({ totpEnabled: false });
    expect(await status(live, '/api/auth/session')).toBe(401);
    const cols = await totpColumns(user.id);
    expect(cols.totp_secret_enc).toBeNull();
    const count = await t.ctx.db
      .selectFrom('recovery_codes')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(count).toHaveLength(0);
    const again = await signInWithPassword(t, user.email, user.password);
    expect(again.stage).toBe('enrol');
  });
});
