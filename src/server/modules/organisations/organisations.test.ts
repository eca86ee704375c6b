import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  jsonObject,
  sessionFor,
  TEST_DB,
  type TestApp,
  type TestUser,
} from '../../../../test/harness.js';
import type { Role } from '../../core/access.js';

const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';
const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];

function namesOf(body: Record<string, unknown>): string[] {
  const items = Array.isArray(body.items) ? body.items : [];
  return items.map((i: unknown) =>
    typeof i === 'object' && i !== null && 'name' in i ? String(i.name) : '',
  );
}

describe(`organisations (${TEST_DB})`, () => {
  let t: TestApp;
  let home: string;
  let admin: TestUser;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    home = await createOrganisation(t, 'Jämställdhetsmyndigheten', 'authority', 'O');
    admin = await createUser(t, 'admin', home);
    cookie = await sessionFor(t, admin.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t, { method, url, cookie, body });

  it('creates an organisation and audits it', async () => {
    const res = await api('POST', '/api/organisations', {
      name: '  Skåne Stadsmission  ',
      type: 'ngo',
      county: 'M',
    });
    expect(res.statusCode).toBe(201);
    const org = jsonObject(res);
    expect(org).toMatchObject({
      name: 'Skåne Stadsmission',
      type: 'ngo',
      county: 'M',
      userCount: 0,
    });
    await t.ctx.audit.flush();
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      action: 'organisation.created',
      actor_user_id: admin.id,
      object_type: 'organisation',
      object_id: org.id,
    });
    expect(event.action + (event.object_id ?? '')).not.toContain('Skåne');
  });

  it('refuses the same name in the same county, in any case (409)', async () => {
    const before = await fingerprint(t, IGNORE);
    for (const name of ['Skåne Stadsmission', 'SKÅNE STADSMISSION', 'skåne stadsmission']) {
      const res = await api('POST', '/api/organisations', { name, type: 'other', county: 'M' });
      expect(res.statusCode, name).toBe(409);
      expect(errorOf(res).code).toBe('organisation_exists');
      expect(errorOf(res).fields.map((f) => f.path)).toEqual(['name']);
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // Another county may have an organisation of that name.
    const elsewhere = await api('POST', '/api/organisations', {
      name: 'Skåne Stadsmission',
      type: 'ngo',
      county: 'AB',
    });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('edits an organisation; a rename onto a taken name is refused', async () => {
    const a = jsonObject(
      await api('POST', '/api/organisations', { name: 'Alfa', type: 'ngo', county: 'C' }),
    );
    await api('POST', '/api/organisations', { name: 'Beta', type: 'ngo', county: 'C' });
    const renamed = await api('PATCH', `/api/organisations/${String(a.id)}`, {
      name: 'Alfa Ny',
      type: 'municipality',
    });
    expect(renamed.statusCode).toBe(200);
    expect(jsonObject(renamed)).toMatchObject({
      name: 'Alfa Ny',
      type: 'municipality',
      county: 'C',
    });
    // Changing only the case of its own name is not a clash with itself.
    expect(
      (await api('PATCH', `/api/organisations/${String(a.id)}`, { name: 'ALFA NY' })).statusCode,
    ).toBe(200);
    const before = await fingerprint(t, IGNORE);
    const clash = await api('PATCH', `/api/organisations/${String(a.id)}`, { name: 'beta' });
    expect(clash.statusCode).toBe(409);
    expect(errorOf(clash).code).toBe('organisation_exists');
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // Moving into a county where the name is taken is a clash too.
    const skane = jsonObject(
      await api('POST', '/api/organisations', { name: 'Beta', type: 'ngo', county: 'M' }),
    );
    const move = await api('PATCH', `/api/organisations/${String(skane.id)}`, { county: 'C' });
    expect(move.statusCode).toBe(409);

    const missing = await api('PATCH', `/api/organisations/${UNKNOWN_ID}`, { name: 'X' });
    expect(missing.statusCode).toBe(404);
    expect((await api('GET', `/api/organisations/${UNKNOWN_ID}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/organisations/${String(a.id)}`, {})).statusCode).toBe(400);
    expect(
      (await api('PATCH', `/api/organisations/${String(a.id)}`, { county: 'Atlantis' })).statusCode,
    ).toBe(400);
  });

  it('lists with filters', async () => {
    const all = jsonObject(await api('GET', '/api/organisations?county=C'));
    expect(namesOf(all)).toEqual(['ALFA NY', 'Beta']);
    expect(all.total).toBe(2);
    expect(namesOf(jsonObject(await api('GET', '/api/organisations?county=C&type=ngo')))).toEqual([
      'Beta',
    ]);
    expect(namesOf(jsonObject(await api('GET', '/api/organisations?q=stadsMISSION')))).toEqual([
      'Skåne Stadsmission',
      'Skåne Stadsmission',
    ]);
    const page = jsonObject(await api('GET', '/api/organisations?county=C&limit=1&offset=1'));
    expect(namesOf(page)).toEqual(['Beta']);
    expect(page.total).toBe(2);
    for (const q of ['county=XX', 'type=spaceship', 'limit=501', 'unknown=1']) {
      expect((await api('GET', `/api/organisations?${q}`)).statusCode, q).toBe(400);
    }
  });

  describe('members', () => {
    let ownOrg: string;
    let foreignOrg: string;
    const users: Partial<Record<Role, TestUser>> = {};
    beforeAll(async () => {
      ownOrg = await createOrganisation(t, 'Egen organisation', 'ngo', 'AB');
      foreignOrg = await createOrganisation(t, 'Annan organisation', 'ngo', 'AB');
      for (const role of ['coordinator', 'actor_staff', 'authority_contact', 'member'] as const) {
        users[role] = await createUser(t, role, ownOrg);
      }
      const gone = await createUser(t, 'member', ownOrg);
      await t.ctx.db
        .updateTable('users')
        .set({ disabled_at: t.clock.now().toISOString() })
        .where('id', '=', gone.id)
        .execute();
      await createUser(t, 'actor_staff', foreignOrg);
    });

    const members = async (role: Role, orgId: string) => {
      const user = role === 'admin' ? admin : users[role];
      if (!user) throw new Error(role);
      return call(t, {
        method: 'GET',
        url: `/api/organisations/${orgId}/members`,
        cookie: await sessionFor(t, user.id),
      });
    };

    it.each(['actor_staff', 'authority_contact'] as const)(
      '%s sees their own organisation’s members, not another’s (404)',
      async (role) => {
        const own = await members(role, ownOrg);
        expect(own.statusCode).toBe(200);
        const body = jsonObject(own);
        // Active members only, without security details.
        expect(namesOf(body)).toHaveLength(4);
        const items = Array.isArray(body.items) ? body.items : [];
        for (const item of items) {
          expect(Object.keys(item as object).sort()).toEqual(['email', 'id', 'name', 'role']);
        }
        const other = await members(role, foreignOrg);
        expect(other.statusCode).toBe(404);
        expect(errorOf(other).code).toBe('not_found');
        // Another organisation answers exactly like one that does not exist.
        const none = await members(role, UNKNOWN_ID);
        expect(none.body).toBe(other.body);
      },
    );

    it.each(['admin', 'coordinator'] as const)(
      '%s sees any organisation’s members',
      async (role) => {
        const other = await members(role, foreignOrg);
        expect(other.statusCode).toBe(200);
        expect(namesOf(jsonObject(other))).toHaveLength(1);
        expect((await members(role, UNKNOWN_ID)).statusCode).toBe(404);
      },
    );

    it('a plain member may not list members at all (403)', async () => {
      for (const orgId of [ownOrg, foreignOrg]) {
        const res = await members('member', orgId);
        expect(res.statusCode).toBe(403);
        expect(errorOf(res).code).toBe('forbidden');
      }
    });

    it('only administrators and the coordinator create organisations; staff edit only their own', async () => {
      for (const role of ['actor_staff', 'authority_contact', 'member'] as const) {
        const user = users[role];
        if (!user) throw new Error(role);
        const c = await sessionFor(t, user.id);
        const before = await fingerprint(t, IGNORE);
        const create = await call(t, {
          method: 'POST',
          url: '/api/organisations',
          cookie: c,
          body: { name: `By ${role}`, type: 'ngo', county: 'AB' },
        });
        expect(create.statusCode, role).toBe(403);
        // Another organisation's profile is not theirs to edit.
        const edit = await call(t, {
          method: 'PATCH',
          url: `/api/organisations/${foreignOrg}`,
          cookie: c,
          body: { name: 'Kapad' },
        });
        expect(edit.statusCode, role).toBe(403);
        expect(await fingerprint(t, IGNORE)).toEqual(before);
        // Every role can read the directory.
        expect(
          (await call(t, { method: 'GET', url: '/api/organisations', cookie: c })).statusCode,
        ).toBe(200);
      }
      const member = users.member;
      if (!member) throw new Error('member');
      const own = await call(t, {
        method: 'PATCH',
        url: `/api/organisations/${ownOrg}`,
        cookie: await sessionFor(t, member.id),
        body: { name: 'Kapad' },
      });
      expect(own.statusCode).toBe(403);
      const coordinator = users.coordinator;
      if (!coordinator) throw new Error('coordinator');
      const created = await call(t, {
        method: 'POST',
        url: '/api/organisations',
        cookie: await sessionFor(t, coordinator.id),
        body: { name: 'Samordnarens nya', type: 'ngo', county: 'AB' },
      });
      expect(created.statusCode).toBe(201);
    });
  });
});
