import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  jsonObject,
  sessionCookie,
  sessionFor,
  signInAs,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';

const MINUTE = 60_000;

describe(`sessions (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  let otherOrg: string;
  let adminCookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t);
    otherOrg = await createOrganisation(t);
    const admin = await createUser(t, 'admin', org);
    // A second administrator so that the "last admin" rule never gets in the way here.
    await createUser(t, 'admin', org);
    adminCookie = await sessionFor(t, admin.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const home = (cookie: string | undefined) => call(t, { method: 'GET', url: '/api/home', cookie });
  const sessionsOf = async (userId: string) =>
    (await t.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute())
      .length;
  /** Keeps the admin's own session alive across clock jumps. */
  const refreshAdmin = async () => {
    const admin = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    adminCookie = await sessionFor(t, admin.id);
  };

  it('ends a session after 15 idle minutes (and clears the cookie)', async () => {
    const user = await createUser(t, 'member', org);
    const cookie = await signInAs(t, user);
    t.clock.advance(15 * MINUTE - 1000);
    expect((await home(cookie)).statusCode).toBe(200);

    const other = await sessionFor(t, user.id);
    t.clock.advance(16 * MINUTE);
    const res = await home(cookie);
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('unauthenticated');
    const cleared = res.cookies.find((c) => c.name === 'slussa_session');
    expect(cleared?.value).toBe('');
    // Both sessions idled out; the expired rows are removed when seen.
    expect((await home(other)).statusCode).toBe(401);
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('exactly 15 idle minutes is too long', async () => {
    const user = await createUser(t, 'member', org);
    const cookie = await sessionFor(t, user.id);
    t.clock.advance(15 * MINUTE);
    expect((await home(cookie)).statusCode).toBe(401);
  });

  it('activity keeps a session alive well past 15 minutes', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await sessionFor(t, user.id);
    for (let i = 0; i < 9; i++) {
      t.clock.advance(10 * MINUTE);
      expect((await home(cookie)).statusCode, `after ${(i + 1) * 10} min`).toBe(200);
    }
  });

  it('ends a session 8 hours after sign-in even with constant activity', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await sessionFor(t, user.id);
    for (let minutes = 10; minutes < 8 * 60; minutes += 10) {
      t.clock.advance(10 * MINUTE);
      expect((await home(cookie)).statusCode, `after ${minutes} min`).toBe(200);
    }
    t.clock.advance(10 * MINUTE); // 8 h exactly
    const res = await home(cookie);
    expect(res.statusCode).toBe(401);
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('sign-out ends this session only; the cookie is cleared', async () => {
    const user = await createUser(t, 'member', org);
    const a = await sessionFor(t, user.id);
    const b = await sessionFor(t, user.id);
    const res = await call(t, { method: 'POST', url: '/api/auth/sign-out', cookie: a });
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === 'slussa_session')?.value).toBe('');
    expect((await home(a)).statusCode).toBe(401);
    expect((await home(b)).statusCode).toBe(200);
    // Signing out twice with the dead cookie is refused.
    const again = await call(t, { method: 'POST', url: '/api/auth/sign-out', cookie: a });
    expect(again.statusCode).toBe(401);
  });

  it('sign-out everywhere ends every session of the person, and only theirs', async () => {
    const user = await createUser(t, 'member', org);
    const bystander = await createUser(t, 'member', org);
    const cookies = [
      await sessionFor(t, user.id),
      await sessionFor(t, user.id),
      await sessionFor(t, user.id),
    ];
    const theirs = await sessionFor(t, bystander.id);
    const res = await call(t, {
      method: 'POST',
      url: '/api/auth/sign-out',
      cookie: cookies[0],
      body: { everywhere: true },
    });
    expect(res.statusCode).toBe(200);
    for (const c of cookies) expect((await home(c)).statusCode).toBe(401);
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await home(theirs)).statusCode).toBe(200);
  });

  it('an administrator can end all sessions of a user', async () => {
    await refreshAdmin();
    const user = await createUser(t, 'authority_contact', org);
    const a = await sessionFor(t, user.id);
    const b = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'POST',
      url: `/api/users/${user.id}/end-sessions`,
      cookie: adminCookie,
    });
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toEqual({ ended: 2 });
    expect((await home(a)).statusCode).toBe(401);
    expect((await home(b)).statusCode).toBe(401);
    expect((await home(adminCookie)).statusCode).toBe(200);
  });

  it('disabling a user ends their sessions; enabling does not bring them back', async () => {
    await refreshAdmin();
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'POST',
      url: `/api/users/${user.id}/disable`,
      cookie: adminCookie,
    });
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toMatchObject({ disabled: true });
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await home(cookie)).statusCode).toBe(401);
    const enabled = await call(t, {
      method: 'POST',
      url: `/api/users/${user.id}/enable`,
      cookie: adminCookie,
    });
    expect(enabled.statusCode).toBe(200);
    expect((await home(cookie)).statusCode).toBe(401);
  });

  it('a session of a user disabled directly in the database stops working', async () => {
    const user = await createUser(t, 'member', org);
    const cookie = await sessionFor(t, user.id);
    await t.ctx.db
      .updateTable('users')
      .set({ disabled_at: t.clock.now().toISOString() })
      .where('id', '=', user.id)
      .execute();
    expect((await home(cookie)).statusCode).toBe(401);
  });

  it.each([
    ['role', (_: string) => ({ role: 'coordinator' })],
    ['organisation', (other: string) => ({ organisationId: other })],
  ])('changing the %s ends the sessions', async (_label, patch) => {
    await refreshAdmin();
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      cookie: adminCookie,
      body: patch(otherOrg),
    });
    expect(res.statusCode).toBe(200);
    expect((await home(cookie)).statusCode).toBe(401);
    expect(await sessionsOf(user.id)).toBe(0);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('object_id', '=', user.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.action).toBe('user.access_changed');
  });

  it('changing only the name or language keeps the sessions', async () => {
    await refreshAdmin();
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      cookie: adminCookie,
      body: { name: 'Nytt Namn', locale: 'en', role: 'actor_staff', organisationId: org },
    });
    expect(res.statusCode).toBe(200);
    expect((await home(cookie)).statusCode).toBe(200);
  });

  it('changing one’s password ends the other sessions and issues a new one', async () => {
    const user = await createUser(t, 'member', org);
    const current = await sessionFor(t, user.id);
    const elsewhere = await sessionFor(t, user.id);
    const res = await call(t, {
      method: 'POST',
      url: '/api/me/password',
      cookie: current,
      body: { currentPassword: user.password, newPassword: 'Ett-nytt-långt-lösenord-1' },
    });
    expect(res.statusCode).toBe(200);
    const fresh = sessionCookie(res);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(current);
    expect((await home(current)).statusCode).toBe(401);
    expect((await home(elsewhere)).statusCode).toBe(401);
    expect((await home(fresh)).statusCode).toBe(200);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('a forged or unknown cookie is just unauthenticated', async () => {
    for (const cookie of ['slussa_session=forged', 'slussa_session=', 'other=1']) {
      const res = await home(cookie);
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('unauthenticated');
    }
  });
});
