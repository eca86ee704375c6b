import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  enrolTotp,
  errorOf,
  jsonObject,
  linkIn,
  mailTo,
  ORIGIN,
  sessionFor,
  signInWithPassword,
  TEST_DB,
  tokenOf,
  uniqueAddress,
  type TestApp,
} from '../../../../test/harness.js';

const MINUTE = 60_000;
const NEW_PASSWORD = 'Ett-nytt-och-långt-lösenord-7';

describe(`password reset and invitations (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  let adminCookie: string;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t);
    const admin = await createUser(t, 'admin', org);
    adminId = admin.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const requestReset = (email: string) =>
    call(t, {
      method: 'POST',
      url: '/api/auth/password-reset',
      body: { email },
      remoteAddress: uniqueAddress(),
    });
  const complete = (token: string, password: string) =>
    call(t, {
      method: 'POST',
      url: '/api/auth/password-link',
      body: { token, password },
      remoteAddress: uniqueAddress(),
    });
  const home = (cookie: string | undefined) => call(t, { method: 'GET', url: '/api/home', cookie });
  const freshAdmin = async () => {
    adminCookie = await sessionFor(t, adminId);
    return adminCookie;
  };

  async function latestLink(email: string): Promise<URL> {
    const [mail] = await mailTo(t, email);
    if (!mail) throw new Error(`no mail to ${email}`);
    return linkIn(mail.body_text);
  }

  it('answers every request the same, and mails a fragment link only to an active account', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const disabled = await createUser(t, 'actor_staff', org);
    await t.ctx.db
      .updateTable('users')
      .set({ disabled_at: t.clock.now().toISOString() })
      .where('id', '=', disabled.id)
      .execute();
    const outboxBefore = await t.ctx.db.selectFrom('outbox').select('id').execute();

    const known = await requestReset(user.email);
    const unknown = await requestReset('no.such.person@example.org');
    const off = await requestReset(disabled.email);
    const shouting = await requestReset(user.email.toUpperCase());
    for (const res of [known, unknown, off, shouting]) {
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe(known.body);
    }
    expect(jsonObject(known)).toEqual({ ok: true });

    const outboxAfter = await t.ctx.db.selectFrom('outbox').select('id').execute();
    expect(outboxAfter.length - outboxBefore.length).toBe(2);
    const mails = await mailTo(t, user.email);
    expect(mails).toHaveLength(2);
    expect(await mailTo(t, disabled.email)).toHaveLength(0);
    const mail = mails[0];
    expect(mail?.kind).toBe('auth.reset');
    expect(mail?.status).toBe('held'); // no SMTP configured
    expect(mail?.subject).toBe('Återställ ditt lösenord i Slussa');

    const link = linkIn(mail?.body_text ?? '');
    expect(link.origin).toBe(ORIGIN);
    expect(link.pathname).toBe('/reset-password');
    expect(link.search).toBe('');
    expect(link.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link);
    const beforeFragment = link.href.split('#')[0] ?? '';
    expect(beforeFragment).not.toContain(token);
    expect(beforeFragment).not.toContain(user.email);
    expect(beforeFragment).not.toContain(encodeURIComponent(user.email));
    expect(link.hash).not.toContain(user.email);

    // Only the hash of the token is stored.
    const stored = await t.ctx.db
      .selectFrom('one_time_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((s) => s.id)).not.toContain(token);
    // The newer link replaced the older one.
    expect(stored.filter((s) => s.used_at === null)).toHaveLength(1);
    const older = tokenOf(linkIn(mails[1]?.body_text ?? ''));
    expect((await complete(older, NEW_PASSWORD)).statusCode).toBe(400);

    // The audit trail records the request without the address.
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'auth.password_reset_requested')
      .execute();
    expect(events.map((e) => e.object_id)).toEqual([user.id, user.id]);
    expect(JSON.stringify(events)).not.toContain(user.email);
  });

  it('sets the password, ends every session, and works once only', async () => {
    const user = await createUser(t, 'authority_contact', org);
    const live = await sessionFor(t, user.id);
    expect((await home(live)).statusCode).toBe(200);
    await requestReset(user.email);
    const token = tokenOf(await latestLink(user.email));

    const res = await complete(token, NEW_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect((await home(live)).statusCode).toBe(401);
    expect((await signInWithPassword(t, user.email, user.password)).res.statusCode).toBe(401);
    const signedIn = await signInWithPassword(t, user.email, NEW_PASSWORD);
    expect(signedIn.res.statusCode).toBe(200);
    expect(signedIn.stage).toBe('full');

    const again = await complete(token, 'Yet-another-fine-password');
    expect(again.statusCode).toBe(400);
    expect(errorOf(again).code).toBe('invalid_token');
    expect((await signInWithPassword(t, user.email, NEW_PASSWORD)).res.statusCode).toBe(200);

    const set = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'object_id'])
      .where('action', '=', 'auth.password_set')
      .where('object_id', '=', user.id)
      .execute();
    expect(set).toEqual([{ actor_user_id: user.id, object_id: user.id }]);
  });

  it('refuses a weak password without spending the link', async () => {
    const user = await createUser(t, 'member', org);
    await requestReset(user.email);
    const token = tokenOf(await latestLink(user.email));
    for (const [password, code] of [
      ['short', 'password_too_short'],
      ['password1234', 'password_common'],
    ] as const) {
      const res = await complete(token, password);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields.map((f) => f.code)).toEqual([code]);
    }
    expect((await complete(token, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('expires a reset link after 30 minutes', async () => {
    const user = await createUser(t, 'member', org);
    await requestReset(user.email);
    const token = tokenOf(await latestLink(user.email));
    t.clock.advance(30 * MINUTE + 1000);
    const res = await complete(token, NEW_PASSWORD);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('invalid_token');
    expect((await signInWithPassword(t, user.email, user.password)).res.statusCode).toBe(200);

    // A link used within the 30 minutes works.
    await requestReset(user.email);
    const fresh = tokenOf(await latestLink(user.email));
    t.clock.advance(29 * MINUTE);
    expect((await complete(fresh, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses made-up and malformed tokens', async () => {
    for (const token of ['A'.repeat(43), 'x'.repeat(20)]) {
      const res = await complete(token, NEW_PASSWORD);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).code).toBe('invalid_token');
    }
    for (const token of ['short', 'y'.repeat(101)]) {
      const res = await complete(token, NEW_PASSWORD);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).code).toBe('validation');
    }
  });

  it('mails at most three links per address and window, while answering the same', async () => {
    const user = await createUser(t, 'member', org);
    for (let i = 0; i < 5; i++) expect((await requestReset(user.email)).statusCode).toBe(202);
    expect(await mailTo(t, user.email)).toHaveLength(3);
    t.clock.advance(16 * MINUTE);
    expect((await requestReset(user.email)).statusCode).toBe(202);
    expect(await mailTo(t, user.email)).toHaveLength(4);
  });

  it('a reset does not bypass two-factor for an administrator', async () => {
    const admin = await createUser(t, 'admin', org);
    const first = await signInWithPassword(t, admin.email, admin.password);
    expect(first.stage).toBe('enrol');
    const { cookie } = await enrolTotp(t, first.cookie ?? '');
    expect((await home(cookie)).statusCode).toBe(200);

    await requestReset(admin.email);
    const res = await complete(tokenOf(await latestLink(admin.email)), NEW_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect((await home(cookie)).statusCode).toBe(401);
    // The link neither signs in nor removes the second factor.
    expect(res.cookies.find((c) => c.name === 'slussa_session' && c.value !== '')).toBeUndefined();
    const after = await signInWithPassword(t, admin.email, NEW_PASSWORD);
    expect(after.res.statusCode).toBe(200);
    expect(after.stage).toBe('mfa');
    const blocked = await home(after.cookie);
    expect(blocked.statusCode).toBe(401);
    expect(errorOf(blocked).code).toBe('mfa_required');
    const row = await t.ctx.db
      .selectFrom('users')
      .select('totp_enabled_at')
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_enabled_at).not.toBeNull();
  });

  describe('invitations', () => {
    const email = 'ny.kollega@example.org';
    let userId: string;

    it('creating a user mails a welcome link; the person cannot sign in before choosing a password', async () => {
      const cookie = await freshAdmin();
      const res = await call(t, {
        method: 'POST',
        url: '/api/users',
        cookie,
        body: {
          email: 'Ny.Kollega@Example.org',
          name: 'Ny Kollega',
          role: 'member',
          organisationId: org,
          locale: 'en',
        },
      });
      expect(res.statusCode).toBe(201);
      const body = jsonObject(res);
      expect(body).toMatchObject({ email, invited: true, disabled: false, locale: 'en' });
      userId = String(body.id);

      const mails = await mailTo(t, email);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.kind).toBe('auth.setup');
      expect(mails[0]?.subject).toBe('Welcome to Slussa');
      expect(mails[0]?.body_text).toContain('Ny Kollega');
      const link = linkIn(mails[0]?.body_text ?? '');
      expect(link.pathname).toBe('/welcome');
      expect(link.search).toBe('');
      expect(link.hash).toMatch(/^#token=/);

      const early = await signInWithPassword(t, email, NEW_PASSWORD);
      expect(early.res.statusCode).toBe(401);
      expect(errorOf(early.res).code).toBe('invalid_credentials');
    });

    it('resending the invitation replaces the old link', async () => {
      const old = tokenOf(await latestLink(email));
      const res = await call(t, {
        method: 'POST',
        url: `/api/users/${userId}/invitation`,
        cookie: await freshAdmin(),
      });
      expect(res.statusCode).toBe(200);
      expect(await mailTo(t, email)).toHaveLength(2);
      const fresh = tokenOf(await latestLink(email));
      expect(fresh).not.toBe(old);
      expect((await complete(old, NEW_PASSWORD)).statusCode).toBe(400);
    });

    it('a password reset request for an invited person sends a new welcome link', async () => {
      await requestReset(email);
      const link = await latestLink(email);
      expect(link.pathname).toBe('/welcome');
    });

    it('the welcome link sets the password; the person can sign in', async () => {
      const token = tokenOf(await latestLink(email));
      expect((await complete(token, NEW_PASSWORD)).statusCode).toBe(200);
      const signedIn = await signInWithPassword(t, email, NEW_PASSWORD);
      expect(signedIn.res.statusCode).toBe(200);
      expect(signedIn.stage).toBe('full');
      const view = await call(t, {
        method: 'GET',
        url: `/api/users/${userId}`,
        cookie: await freshAdmin(),
      });
      expect(jsonObject(view)).toMatchObject({ invited: false });
      // No more invitations once a password is set.
      const again = await call(t, {
        method: 'POST',
        url: `/api/users/${userId}/invitation`,
        cookie: adminCookie,
      });
      expect(again.statusCode).toBe(409);
      expect(errorOf(again).code).toBe('conflict');
    });

    it('a welcome link expires after 72 hours', async () => {
      const cookie = await freshAdmin();
      const res = await call(t, {
        method: 'POST',
        url: '/api/users',
        cookie,
        body: {
          email: 'sen.kollega@example.org',
          name: 'Sen Kollega',
          role: 'member',
          organisationId: org,
        },
      });
      expect(res.statusCode).toBe(201);
      const token = tokenOf(await latestLink('sen.kollega@example.org'));
      t.clock.advance(72 * 60 * MINUTE + 1000);
      const late = await complete(token, NEW_PASSWORD);
      expect(late.statusCode).toBe(400);
      expect(errorOf(late).code).toBe('invalid_token');
    });
  });
});
