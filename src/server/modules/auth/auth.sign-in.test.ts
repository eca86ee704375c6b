import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sv from '../../../locales/sv.json' with { type: 'json' };
import en from '../../../locales/en.json' with { type: 'json' };
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  jsonObject,
  sessionCookie,
  sessionFor,
  signInWithPassword,
  STRONG_PASSWORD,
  TEST_DB,
  uniqueAddress,
  type TestApp,
} from '../../../../test/harness.js';

const WINDOW_MS = 15 * 60_000;

describe(`sign-in (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  beforeAll(async () => {
    // A low per-address limit so that the address rule can be shown without dozens of hashes.
    t = await createTestApp({ signInMaxPerAddress: 8 });
    org = await createOrganisation(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = (email: string, password: string, remoteAddress = uniqueAddress()) =>
    call(t, { method: 'POST', url: '/api/auth/sign-in', body: { email, password }, remoteAddress });

  it('signs in with a strict, HttpOnly cookie and a new token each time', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const first = await signIn(user.email, user.password);
    expect(first.statusCode).toBe(200);
    expect(jsonObject(first)).toMatchObject({
      stage: 'full',
      user: { id: user.id, email: user.email, role: 'actor_staff', organisationId: org },
    });
    const cookie = first.cookies.find((c) => c.name === 'slussa_session');
    expect(cookie).toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.path).toBe('/');
    const raw = String(first.headers['set-cookie']);
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Strict/);

    const second = await signIn(user.email.toUpperCase(), user.password);
    expect(second.statusCode).toBe(200);
    const firstToken = sessionCookie(first);
    const secondToken = sessionCookie(second);
    expect(firstToken).toBeDefined();
    expect(secondToken).toBeDefined();
    expect(secondToken).not.toBe(firstToken);

    // Both are live sessions; the database holds only hashes of the tokens.
    for (const c of [firstToken, secondToken]) {
      const me = await call(t, { method: 'GET', url: '/api/auth/session', cookie: c });
      expect(me.statusCode).toBe(200);
    }
    const stored = await t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored).toHaveLength(2);
    const tokenValue = secondToken?.split('=')[1] ?? '';
    expect(stored.map((s) => s.id)).not.toContain(tokenValue);
  });

  it('answers a wrong password, an unknown account and a disabled account the same way', async () => {
    const user = await createUser(t, 'member', org);
    const disabled = await createUser(t, 'member', org);
    await t.ctx.db
      .updateTable('users')
      .set({ disabled_at: t.clock.now().toISOString() })
      .where('id', '=', disabled.id)
      .execute();

    const wrong = await signIn(user.email, 'not-the-right-password-at-all');
    const unknown = await signIn('nobody.here@example.org', STRONG_PASSWORD);
    const off = await signIn(disabled.email, disabled.password);
    for (const res of [wrong, unknown, off]) {
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('invalid_credentials');
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(unknown.body).toBe(wrong.body);
    expect(off.body).toBe(wrong.body);
    const sessions = await t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', 'in', [user.id, disabled.id])
      .execute();
    expect(sessions).toHaveLength(0);
  });

  it('stores passwords as Argon2id with m=19456, t=2, p=1', async () => {
    const user = await createUser(t, 'member', org);
    const cookie = await sessionFor(t, user.id);
    const newPassword = 'Ett-helt-nytt-lösenord-för-test';
    const res = await call(t, {
      method: 'POST',
      url: '/api/me/password',
      cookie,
      body: { currentPassword: user.password, newPassword },
    });
    expect(res.statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
    );
    expect(row.password_hash).not.toContain(newPassword);
    // The new password works, the old one no longer does.
    expect((await signIn(user.email, newPassword)).statusCode).toBe(200);
    expect((await signIn(user.email, user.password)).statusCode).toBe(401);
  });

  it('locks an account after five failures, even for the right password, until the window has passed', async () => {
    const user = await createUser(t, 'member', org);
    for (let i = 0; i < 5; i++) {
      const res = await signIn(user.email, `wrong-password-${i}-xxxxxxxx`);
      expect(res.statusCode).toBe(401);
    }
    const locked = await signIn(user.email, user.password);
    expect(locked.statusCode).toBe(429);
    expect(errorOf(locked).code).toBe('too_many_attempts');
    expect(sessionCookie(locked)).toBeUndefined();

    // Another address does not help: the lock is on the account.
    const elsewhere = await signIn(user.email, user.password, uniqueAddress());
    expect(elsewhere.statusCode).toBe(429);

    // The same answer for an address that has no account.
    const ghost = 'ghost.account@example.org';
    for (let i = 0; i < 5; i++) {
      const res = await signIn(ghost, `wrong-password-${i}-xxxxxxxx`);
      expect(res.statusCode).toBe(401);
    }
    const ghostLocked = await signIn(ghost, STRONG_PASSWORD);
    expect(ghostLocked.statusCode).toBe(429);
    expect(ghostLocked.body).toBe(locked.body);
    expect(ghostLocked.headers['retry-after']).toBe(locked.headers['retry-after']);

    // Still locked just before the window ends, open just after.
    t.clock.advance(WINDOW_MS - 1000);
    expect((await signIn(user.email, user.password)).statusCode).toBe(429);
    t.clock.advance(2000);
    const open = await signIn(user.email, user.password);
    expect(open.statusCode).toBe(200);
    expect(sessionCookie(open)).toBeDefined();
  });

  it('a successful sign-in clears the account counter', async () => {
    const user = await createUser(t, 'member', org);
    for (let i = 0; i < 4; i++)
      expect((await signIn(user.email, `nope-${i}-xxxxxxxxxx`)).statusCode).toBe(401);
    expect((await signIn(user.email, user.password)).statusCode).toBe(200);
    // Four more failures are allowed again before the lock.
    for (let i = 0; i < 4; i++)
      expect((await signIn(user.email, `nope-${i}-xxxxxxxxxx`)).statusCode).toBe(401);
    expect((await signIn(user.email, user.password)).statusCode).toBe(200);
  });

  it('limits failures per client address across accounts (signInMaxPerAddress)', async () => {
    const user = await createUser(t, 'member', org);
    const address = uniqueAddress();
    // Eight failures from one address, each against a different (unknown) account.
    for (let i = 0; i < 8; i++) {
      const res = await signIn(`spray.${i}@example.org`, 'Password-spraying-attempt', address);
      expect(res.statusCode).toBe(401);
    }
    const blocked = await signIn(user.email, user.password, address);
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked).code).toBe('too_many_attempts');
    // Another address is not affected, and the account itself is not locked.
    expect((await signIn(user.email, user.password, uniqueAddress())).statusCode).toBe(200);
    t.clock.advance(WINDOW_MS + 1000);
    expect((await signIn(user.email, user.password, address)).statusCode).toBe(200);
  });

  it('audits sign-ins and failures without the e-mail address', async () => {
    const user = await createUser(t, 'member', org);
    const { res } = await signInWithPassword(t, user.email, user.password);
    expect(res.statusCode).toBe(200);
    await signInWithPassword(t, user.email, 'not-the-password-either');
    await t.ctx.audit.flush();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('actor_user_id', '=', user.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['auth.sign_in', 'success'],
      ['auth.sign_in', 'failure'],
    ]);
    expect(JSON.stringify(events)).not.toContain(user.email);
  });

  describe('password rules', () => {
    let cookie: string;
    let userId: string;
    beforeAll(async () => {
      const user = await createUser(t, 'authority_contact', org, {
        email: 'rules.tester@example.org',
      });
      userId = user.id;
      cookie = await sessionFor(t, user.id);
    });

    const change = (newPassword: string, lang: 'sv' | 'en') =>
      call(t, {
        method: 'POST',
        url: '/api/me/password',
        cookie,
        headers: { 'accept-language': lang === 'sv' ? 'sv-SE,sv;q=0.9' : 'en-GB,en;q=0.8' },
        body: { currentPassword: STRONG_PASSWORD, newPassword },
      });

    it.each([
      ['too short', 'Kort-11tkn!', 'password_too_short'],
      ['common', 'password1234', 'password_common'],
      ['common digits', '123456789012', 'password_common'],
      ['one repeated character', 'aaaaaaaaaaaaaaaa', 'password_common'],
      ['contains the e-mail name', 'my-rules.tester-password', 'password_contains_email'],
    ])('refuses a %s password with a translated field error', async (_label, password, code) => {
      const before = await t.ctx.db
        .selectFrom('users')
        .select(['password_hash', 'updated_at'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      const messages: Record<string, string> = {};
      for (const lang of ['sv', 'en'] as const) {
        const res = await change(password, lang);
        expect(res.statusCode).toBe(400);
        const err = errorOf(res);
        expect(err.code).toBe('validation');
        expect(err.message).toBe((lang === 'sv' ? sv : en).errors.validation);
        expect(err.fields).toHaveLength(1);
        expect(err.fields[0]?.path).toBe('newPassword');
        expect(err.fields[0]?.code).toBe(code);
        const catalogue: Record<string, string> = (lang === 'sv' ? sv : en).validation;
        const expected = (catalogue[code] ?? '').replace('{{minimum}}', '12');
        expect(expected).not.toBe('');
        expect(err.fields[0]?.message).toBe(expected);
        messages[lang] = err.fields[0]?.message ?? '';
      }
      expect(messages.sv).not.toBe(messages.en);
      const after = await t.ctx.db
        .selectFrom('users')
        .select(['password_hash', 'updated_at'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      expect(after).toEqual(before);
    });

    it('counts characters, not bytes: twelve non-ASCII characters are enough', async () => {
      const res = await change('åäöÅÄÖéüßøæñ', 'en');
      expect(res.statusCode).toBe(200);
      const cookieAfter = sessionCookie(res);
      expect(cookieAfter).toBeDefined();
      if (cookieAfter) cookie = cookieAfter;
      // Put the known password back for other tests.
      const back = await call(t, {
        method: 'POST',
        url: '/api/me/password',
        cookie,
        body: { currentPassword: 'åäöÅÄÖéüßøæñ', newPassword: STRONG_PASSWORD },
      });
      expect(back.statusCode).toBe(200);
      cookie = sessionCookie(back) ?? cookie;
    });

    it('refuses a wrong current password', async () => {
      const res = await call(t, {
        method: 'POST',
        url: '/api/me/password',
        cookie,
        body: { currentPassword: 'definitely-not-it', newPassword: 'A-perfectly-fine-passphrase' },
      });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields.map((f) => f.path)).toEqual(['currentPassword']);
    });
  });
});
