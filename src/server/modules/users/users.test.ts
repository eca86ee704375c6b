import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  jsonObject,
  mailTo,
  sessionFor,
  TEST_DB,
  type TestApp,
  type TestUser,
} from '../../../../test/harness.js';

const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';

async function lastEvent(t: TestApp) {
  await t.ctx.audit.flush();
  return t.ctx.db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
}

describe(`user administration (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  let otherOrg: string;
  let admin: TestUser;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t, 'Polisen Region Syd', 'authority', 'M');
    otherOrg = await createOrganisation(t, 'Stadsmissionen', 'ngo', 'AB');
    admin = await createUser(t, 'admin', org);
    await createUser(t, 'admin', org); // a second administrator; the last-admin rule has its own app below
    cookie = await sessionFor(t, admin.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t, { method, url, cookie, body });

  it('creates a user, mails an invitation and audits it', async () => {
    const res = await api('POST', '/api/users', {
      email: 'anna.andersson@example.org',
      name: 'Anna Andersson',
      role: 'actor_staff',
      organisationId: otherOrg,
    });
    expect(res.statusCode).toBe(201);
    const user = jsonObject(res);
    expect(user).toMatchObject({
      email: 'anna.andersson@example.org',
      name: 'Anna Andersson',
      role: 'actor_staff',
      locale: 'sv',
      organisationId: otherOrg,
      organisationName: 'Stadsmissionen',
      totpEnabled: false,
      disabled: false,
      invited: true,
    });
    expect(user).not.toHaveProperty('passwordHash');
    const mails = await mailTo(t, 'anna.andersson@example.org');
    expect(mails.map((m) => m.kind)).toEqual(['auth.setup']);
    const event = await lastEvent(t);
    expect(event).toMatchObject({
      action: 'user.created',
      actor_user_id: admin.id,
      actor_organisation_id: org,
      object_type: 'user',
      object_id: user.id,
      outcome: 'success',
    });
    const fetched = await api('GET', `/api/users/${String(user.id)}`);
    expect(fetched.statusCode).toBe(200);
    expect(jsonObject(fetched)).toEqual(user);
  });

  it('refuses a duplicate e-mail address (in any case) with 409 and changes nothing', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at']);
    const res = await api('POST', '/api/users', {
      email: 'ANNA.Andersson@example.org',
      name: 'Anna Igen',
      role: 'member',
      organisationId: org,
    });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('email_taken');
    expect(await fingerprint(t, ['sessions.last_seen_at'])).toEqual(before);
  });

  it('refuses an unknown organisation and bad fields with 400', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at']);
    const unknownOrg = await api('POST', '/api/users', {
      email: 'x.y@example.org',
      name: 'X Y',
      role: 'member',
      organisationId: UNKNOWN_ID,
    });
    expect(unknownOrg.statusCode).toBe(400);
    expect(errorOf(unknownOrg).fields.map((f) => f.path)).toEqual(['organisationId']);
    const bad = await api('POST', '/api/users', {
      email: 'not-an-email',
      name: '',
      role: 'superuser',
      organisationId: 'nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(
      errorOf(bad)
        .fields.map((f) => f.path)
        .sort(),
    ).toEqual(['email', 'name', 'organisationId', 'role']);
    expect(await fingerprint(t, ['sessions.last_seen_at'])).toEqual(before);
  });

  it('edits a user and audits it', async () => {
    const user = await createUser(t, 'member', org);
    const res = await api('PATCH', `/api/users/${user.id}`, { name: 'Bertil Berg', locale: 'en' });
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toMatchObject({ name: 'Bertil Berg', locale: 'en', role: 'member' });
    expect(await lastEvent(t)).toMatchObject({
      action: 'user.updated',
      actor_user_id: admin.id,
      object_id: user.id,
    });
    const moved = await api('PATCH', `/api/users/${user.id}`, {
      role: 'authority_contact',
      organisationId: otherOrg,
    });
    expect(jsonObject(moved)).toMatchObject({
      role: 'authority_contact',
      organisationId: otherOrg,
    });
    expect((await lastEvent(t)).action).toBe('user.access_changed');

    const empty = await api('PATCH', `/api/users/${user.id}`, {});
    expect(empty.statusCode).toBe(400);
    const missing = await api('PATCH', `/api/users/${UNKNOWN_ID}`, { name: 'Ghost' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('not_found');
    const badOrg = await api('PATCH', `/api/users/${user.id}`, { organisationId: UNKNOWN_ID });
    expect(badOrg.statusCode).toBe(400);
  });

  it('disables and enables a user', async () => {
    const user = await createUser(t, 'actor_staff', org);
    const off = await api('POST', `/api/users/${user.id}/disable`);
    expect(off.statusCode).toBe(200);
    expect(jsonObject(off)).toMatchObject({ disabled: true });
    expect(await lastEvent(t)).toMatchObject({ action: 'user.disabled', object_id: user.id });
    const on = await api('POST', `/api/users/${user.id}/enable`);
    expect(on.statusCode).toBe(200);
    expect(jsonObject(on)).toMatchObject({ disabled: false });
    expect(await lastEvent(t)).toMatchObject({ action: 'user.enabled', object_id: user.id });
    for (const action of ['disable', 'enable', 'end-sessions', 'reset-two-factor', 'invitation']) {
      const res = await api('POST', `/api/users/${UNKNOWN_ID}/${action}`);
      expect(res.statusCode, action).toBe(404);
    }
  });

  it('resets two-factor and audits it', async () => {
    const user = await createUser(t, 'coordinator', org);
    await t.ctx.db
      .updateTable('users')
      .set({
        totp_enabled_at: t.clock.now().toISOString(),
        totp_secret_enc: t.ctx.crypto.encrypt('JBSWY3DPEHPK3PXP'),
      })
      .where('id', '=', user.id)
      .execute();
    const res = await api('POST', `/api/users/${user.id}/reset-two-factor`);
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toMatchObject({ totpEnabled: false });
    expect(await lastEvent(t)).toMatchObject({
      action: 'user.two_factor_reset',
      object_id: user.id,
      actor_user_id: admin.id,
    });
  });

  describe('list filters', () => {
    let ids: Record<string, string>;
    let filterOrg: string;
    beforeAll(async () => {
      filterOrg = await createOrganisation(t, 'Filterorganisationen', 'municipality', 'C');
      const mk = async (key: string, role: 'member' | 'coordinator', name: string) => {
        const u = await createUser(t, role, filterOrg, { email: `${key}@filter.example.org` });
        await t.ctx.db.updateTable('users').set({ name }).where('id', '=', u.id).execute();
        return u.id;
      };
      ids = {
        cecilia: await mk('cecilia', 'member', 'Cecilia 100% Ceder'),
        david: await mk('david', 'coordinator', 'David Dahl'),
        erik: await mk('erik', 'member', 'Erik_Ek'),
      };
      await t.ctx.db
        .updateTable('users')
        .set({ disabled_at: t.clock.now().toISOString() })
        .where('id', '=', ids.erik ?? '')
        .execute();
      const invited = await api('POST', '/api/users', {
        email: 'fia@filter.example.org',
        name: 'Fia Fors',
        role: 'member',
        organisationId: filterOrg,
      });
      ids.fia = String(jsonObject(invited).id);
    });

    const list = async (query: string) => {
      const res = await api('GET', `/api/users?${query}`);
      expect(res.statusCode, query).toBe(200);
      const body = jsonObject(res);
      const items = Array.isArray(body.items) ? body.items : [];
      return {
        total: body.total,
        names: items.map((i: unknown) =>
          typeof i === 'object' && i !== null && 'name' in i ? String(i.name) : '',
        ),
      };
    };

    it('filters by organisation, role, status and text', async () => {
      expect(await list(`organisationId=${filterOrg}`)).toEqual({
        total: 4,
        names: ['Cecilia 100% Ceder', 'David Dahl', 'Erik_Ek', 'Fia Fors'],
      });
      expect(await list(`organisationId=${filterOrg}&role=coordinator`)).toEqual({
        total: 1,
        names: ['David Dahl'],
      });
      expect(await list(`organisationId=${filterOrg}&status=active`)).toEqual({
        total: 2,
        names: ['Cecilia 100% Ceder', 'David Dahl'],
      });
      expect(await list(`organisationId=${filterOrg}&status=disabled`)).toEqual({
        total: 1,
        names: ['Erik_Ek'],
      });
      expect(await list(`organisationId=${filterOrg}&status=invited`)).toEqual({
        total: 1,
        names: ['Fia Fors'],
      });
      // Case-insensitive text search on name and e-mail.
      expect((await list('q=DAHL')).names).toEqual(['David Dahl']);
      expect((await list('q=cecilia%40filter')).names).toEqual(['Cecilia 100% Ceder']);
      // LIKE wildcards in the search are literal.
      expect((await list('q=100%25')).names).toEqual(['Cecilia 100% Ceder']);
      expect(
        (await list(`q=${encodeURIComponent('_')}&organisationId=${filterOrg}`)).names,
      ).toEqual(['Erik_Ek']);
      expect((await list('q=%25')).names).toEqual(['Cecilia 100% Ceder']);
    });

    it('pages with limit and offset', async () => {
      const page1 = await list(`organisationId=${filterOrg}&limit=2`);
      const page2 = await list(`organisationId=${filterOrg}&limit=2&offset=2`);
      expect(page1).toEqual({ total: 4, names: ['Cecilia 100% Ceder', 'David Dahl'] });
      expect(page2).toEqual({ total: 4, names: ['Erik_Ek', 'Fia Fors'] });
      for (const q of [
        'limit=0',
        'limit=201',
        'offset=-1',
        'limit=abc',
        'status=gone',
        'role=root',
        'extra=1',
      ]) {
        const res = await api('GET', `/api/users?${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(errorOf(res).code).toBe('validation');
      }
    });
  });
});

describe(`the last active administrator (${TEST_DB})`, () => {
  let t: TestApp;
  let org: string;
  let only: TestUser;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t);
    only = await createUser(t, 'admin', org);
    cookie = await sessionFor(t, only.id);
  });
  afterAll(async () => {
    await t.close();
  });

  it('cannot be disabled or demoted (409 last_admin), and nothing changes', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at', 'audit_events', 'audit_head']);
    const off = await call(t, { method: 'POST', url: `/api/users/${only.id}/disable`, cookie });
    expect(off.statusCode).toBe(409);
    expect(errorOf(off).code).toBe('last_admin');
    for (const role of ['coordinator', 'member']) {
      const demote = await call(t, {
        method: 'PATCH',
        url: `/api/users/${only.id}`,
        cookie,
        body: { role },
      });
      expect(demote.statusCode).toBe(409);
      expect(errorOf(demote).code).toBe('last_admin');
    }
    expect(await fingerprint(t, ['sessions.last_seen_at', 'audit_events', 'audit_head'])).toEqual(
      before,
    );
    // Keeping the role is fine.
    const same = await call(t, {
      method: 'PATCH',
      url: `/api/users/${only.id}`,
      cookie,
      body: { role: 'admin', name: 'Ensam Admin' },
    });
    expect(same.statusCode).toBe(200);
  });

  it('with a second active administrator, one can go; then the other is the last', async () => {
    const second = await createUser(t, 'admin', org);
    const secondCookie = await sessionFor(t, second.id);
    const demote = await call(t, {
      method: 'PATCH',
      url: `/api/users/${only.id}`,
      cookie,
      body: { role: 'coordinator' },
    });
    expect(demote.statusCode).toBe(200);
    // The demoted admin's sessions ended with the role change.
    expect((await call(t, { method: 'GET', url: '/api/home', cookie })).statusCode).toBe(401);
    const off = await call(t, {
      method: 'POST',
      url: `/api/users/${second.id}/disable`,
      cookie: secondCookie,
    });
    expect(off.statusCode).toBe(409);
    expect(errorOf(off).code).toBe('last_admin');
    // A disabled administrator does not count.
    const third = await createUser(t, 'admin', org);
    await t.ctx.db
      .updateTable('users')
      .set({ disabled_at: t.clock.now().toISOString() })
      .where('id', '=', third.id)
      .execute();
    const again = await call(t, {
      method: 'PATCH',
      url: `/api/users/${second.id}`,
      cookie: secondCookie,
      body: { role: 'member' },
    });
    expect(again.statusCode).toBe(409);
  });
});
