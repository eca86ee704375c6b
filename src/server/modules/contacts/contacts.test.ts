import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorOf,
  fingerprint,
  jsonObject,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import { directoryFixture, type DirectoryFixture } from '../../../../test/directory-fixture.js';

describe(`network directory: contact persons and working groups (${TEST_DB})`, () => {
  let t: TestApp;
  let f: DirectoryFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await directoryFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets staff add contact persons to their own organisation only', async () => {
    const res = await f.as('actor_staff', 'POST', '/api/contacts', {
      organisationId: f.ownOrg,
      name: 'Anna Lind',
      title: 'Verksamhetsledare',
      email: 'anna@ljuset.example.org',
      phone: '+46 70 123 45 67',
      roles: ['trafficking_contact', 'deputy'],
      activeFrom: '2024-01-01',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      phone: '+46701234567',
      roles: ['deputy', 'trafficking_contact'],
      active: true,
      public: false,
    });
    const other = await f.as('actor_staff', 'POST', '/api/contacts', {
      organisationId: f.otherOrg,
      name: 'Intrång',
    });
    expect(other.statusCode).toBe(403);
    const member = await f.as('member', 'POST', '/api/contacts', {
      organisationId: f.ownOrg,
      name: 'X',
    });
    expect(member.statusCode).toBe(403);
    const coordinator = await f.as('coordinator', 'POST', '/api/contacts', {
      organisationId: f.otherOrg,
      name: 'Bo Ek',
      roles: ['regional_coordinator'],
    });
    expect(coordinator.statusCode).toBe(201);
  });

  it('refuses an invalid phone number, e-mail or period, and stores nothing', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at']);
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ phone: '070-123' }, 'phone', 'invalid_phone'],
      [{ email: 'anna@' }, 'email', 'invalid_email'],
      [{ activeFrom: '2025-06-01', activeTo: '2025-01-01' }, 'activeTo', 'date_order'],
      [{ roles: ['boss'] }, 'roles.0', 'invalid_value'],
    ];
    for (const [patch, path, code] of bad) {
      const res = await f.as('actor_staff', 'POST', '/api/contacts', {
        organisationId: f.ownOrg,
        name: 'Ny',
        ...patch,
      });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields).toContainEqual(expect.objectContaining({ path, code }));
    }
    expect(await fingerprint(t, ['sessions.last_seen_at'])).toEqual(before);
  });

  it('lets every signed-in role read and search contacts, and edits are checked against the stored period', async () => {
    const list = jsonObject(await f.as('member', 'GET', '/api/contacts?q=anna'));
    expect(list.total).toBe(1);
    const anna = (list.items as Array<{ id: string }>)[0]!;
    const byRole = jsonObject(
      await f.as('authority_contact', 'GET', '/api/contacts?role=regional_coordinator'),
    );
    expect((byRole.items as Array<{ name: string }>).map((c) => c.name)).toEqual(['Bo Ek']);
    const bad = await f.as('actor_staff', 'PATCH', `/api/contacts/${anna.id}`, {
      activeTo: '2023-12-31',
    });
    expect(errorOf(bad).fields).toContainEqual(
      expect.objectContaining({ path: 'activeTo', code: 'date_order' }),
    );
    const ended = await f.as('actor_staff', 'PATCH', `/api/contacts/${anna.id}`, {
      activeTo: '2025-12-31',
      public: true,
    });
    expect(ended.json()).toMatchObject({ active: false, public: true });
    const active = jsonObject(await f.as('member', 'GET', '/api/contacts?q=anna&activeOnly=true'));
    expect(active.total).toBe(0);
  });

  it('finds Swedish names whatever their case (Å/å, Ö/ö) on both databases', async () => {
    const res = await f.as('actor_staff', 'POST', '/api/contacts', {
      organisationId: f.ownOrg,
      name: 'Åsa Öberg',
    });
    expect(res.statusCode).toBe(201);
    for (const q of ['åsa', 'ÅSA', 'öberg', 'Åsa öBERG']) {
      const found = jsonObject(
        await f.as('member', 'GET', `/api/contacts?q=${encodeURIComponent(q)}`),
      );
      expect(
        (found.items as Array<{ name: string }>).map((c) => c.name),
        q,
      ).toEqual(['Åsa Öberg']);
    }
    // Matching on the organisation's name finds its people too.
    const byOrg = jsonObject(await f.as('member', 'GET', '/api/contacts?q=ljuset'));
    expect((byOrg.items as Array<{ name: string }>).map((c) => c.name)).toContain('Åsa Öberg');
    await f.as('actor_staff', 'DELETE', `/api/contacts/${String(jsonObject(res).id)}`);
  });

  it('refuses edits and removal of another organisation’s contact person', async () => {
    const bo = (
      jsonObject(await f.as('member', 'GET', '/api/contacts?q=Bo%20Ek')).items as Array<{
        id: string;
      }>
    )[0]!;
    expect(
      (await f.as('actor_staff', 'PATCH', `/api/contacts/${bo.id}`, { name: 'X' })).statusCode,
    ).toBe(403);
    expect((await f.as('actor_staff', 'DELETE', `/api/contacts/${bo.id}`)).statusCode).toBe(403);
    expect((await f.as('coordinator', 'DELETE', `/api/contacts/${bo.id}`)).statusCode).toBe(200);
    expect((await f.as('member', 'GET', `/api/contacts/${bo.id}`)).statusCode).toBe(404);
  });

  it('keeps working groups with a convenor and members; only the coordinator and administrators change them', async () => {
    const anna = (
      jsonObject(await f.as('member', 'GET', '/api/contacts?q=anna')).items as Array<{ id: string }>
    )[0]!;
    const refused = await f.as('actor_staff', 'POST', '/api/working-groups', {
      name: 'X',
      purpose: 'prevention',
    });
    expect(refused.statusCode).toBe(403);
    const created = await f.as('coordinator', 'POST', '/api/working-groups', {
      name: 'Barnperspektivet',
      purpose: 'child_perspective',
      description: 'Barn som medföljer eller själva är utsatta.',
      convenorOrganisationId: f.ownOrg,
      convenorContactId: anna.id,
    });
    expect(created.statusCode).toBe(201);
    const group = jsonObject(created);
    const wrongConvenor = await f.as(
      'coordinator',
      'PATCH',
      `/api/working-groups/${String(group.id)}`,
      { convenorOrganisationId: f.otherOrg },
    );
    expect(errorOf(wrongConvenor).fields).toContainEqual(
      expect.objectContaining({ path: 'convenorContactId' }),
    );
    const members = await f.as(
      'coordinator',
      'PUT',
      `/api/working-groups/${String(group.id)}/members`,
      {
        organisationIds: [f.ownOrg, f.otherOrg],
        contactPersonIds: [anna.id],
      },
    );
    expect(members.json()).toMatchObject({ organisationCount: 2, personCount: 1 });
    const unknown = await f.as(
      'coordinator',
      'PUT',
      `/api/working-groups/${String(group.id)}/members`,
      {
        organisationIds: [f.ownOrg, '0190a000-0000-7000-8000-000000000000'],
        contactPersonIds: [],
      },
    );
    expect(errorOf(unknown).fields).toContainEqual(
      expect.objectContaining({ path: 'organisationIds.1' }),
    );
    const mine = jsonObject(
      await f.as('member', 'GET', `/api/working-groups?organisationId=${f.otherOrg}`),
    );
    expect((mine.items as Array<{ id: string }>).map((g) => g.id)).toEqual([group.id]);
    const none = jsonObject(
      await f.as('member', 'GET', `/api/working-groups?organisationId=${f.platformOrg}`),
    );
    expect(none.items).toEqual([]);
    const closed = await f.as('coordinator', 'PATCH', `/api/working-groups/${String(group.id)}`, {
      closed: true,
    });
    expect(closed.json()).toMatchObject({ closed: true });
    const active = jsonObject(await f.as('member', 'GET', '/api/working-groups'));
    expect(active.items).toEqual([]);
    const all = jsonObject(await f.as('member', 'GET', '/api/working-groups?status=all'));
    expect((all.items as Array<{ name: string }>).map((g) => g.name)).toEqual(['Barnperspektivet']);
  });
});
