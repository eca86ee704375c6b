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

describe(`network directory: organisation profiles (${TEST_DB})`, () => {
  let t: TestApp;
  let f: DirectoryFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await directoryFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const full = {
    name: 'Polisen region Syd',
    type: 'authority',
    authorityKind: 'police',
    county: 'M',
    municipality: 'Malmö',
    website: 'https://polisen.example.org',
    publicPhone: '+46 40 123 45 67',
    publicEmail: 'Region.Syd@Polisen.example.org',
    languages: ['sv', 'en', 'ro'],
    services: ['legal_counsel', 'helpline'],
    membership: 'partner',
    membershipSince: '2016-03-01',
  };

  it('lets the coordinator create an organisation with its whole profile', async () => {
    const res = await f.as('coordinator', 'POST', '/api/organisations', {
      ...full,
      publicPhone: '+46 40 123 45 67',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Polisen region Syd',
      authorityKind: 'police',
      publicPhone: '+46401234567',
      publicEmail: 'region.syd@polisen.example.org',
      languages: ['en', 'ro', 'sv'],
      services: ['legal_counsel', 'helpline'],
      membership: 'partner',
      certification: null,
    });
  });

  it('refuses bad input with translated field errors and stores nothing', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at']);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ publicEmail: 'not-an-address' }, 'publicEmail', 'invalid_email'],
      [{ publicPhone: '0701234567' }, 'publicPhone', 'invalid_phone'],
      [{ website: 'javascript:alert(1)' }, 'website', 'invalid_url'],
      [{ country: 'XX' }, 'country', 'invalid_country'],
      [{ languages: ['sv', 'zz'] }, 'languages.1', 'invalid_language'],
      [{ county: 'Skåne' }, 'county', 'invalid_value'],
      [{ services: ['teleportation'] }, 'services.0', 'unknown_service'],
      [{ type: 'ngo' }, 'authorityKind', 'invalid_value'],
    ];
    for (const [patch, path, code] of cases) {
      const res = await f.as('coordinator', 'POST', '/api/organisations', {
        ...full,
        name: `Ny ${path}`,
        ...patch,
      });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      const err = errorOf(res);
      expect(err.fields.map((x) => [x.path, x.code])).toContainEqual([path, code]);
      expect(err.fields.every((x) => x.message.length > 0)).toBe(true);
    }
    const partner = await f.as('coordinator', 'POST', '/api/organisations', {
      name: 'Partner',
      type: 'partner_abroad',
      county: 'abroad',
    });
    expect(errorOf(partner).fields).toContainEqual(
      expect.objectContaining({ path: 'country', code: 'required' }),
    );
    // Same name in the same county, other case: refused.
    const dup = await f.as('coordinator', 'POST', '/api/organisations', {
      ...full,
      name: 'POLISEN REGION SYD',
    });
    expect(dup.statusCode).toBe(409);
    expect(await fingerprint(t, ['sessions.last_seen_at'])).toEqual(before);
  });

  it('answers in English when asked', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: {
        origin: 'http://localhost:3000',
        cookie: f.cookies.coordinator,
        'accept-language': 'en',
      },
      payload: { ...full, name: 'X', publicPhone: '12' },
    });
    expect(errorOf(res).fields.find((x) => x.path === 'publicPhone')?.message).toMatch(
      /international format/,
    );
  });

  it('lets staff edit their own organisation, not another one, and not its platform membership', async () => {
    const own = await f.as('actor_staff', 'PATCH', `/api/organisations/${f.ownOrg}`, {
      about: 'Skyddat boende för kvinnor i Skåne.',
      services: ['protected_housing_women', 'protection_24h'],
      languages: ['sv', 'ro', 'bg'],
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ services: ['protected_housing_women', 'protection_24h'] });
    const authority = await f.as('authority_contact', 'PATCH', `/api/organisations/${f.ownOrg}`, {
      municipality: 'Lund',
    });
    expect(authority.statusCode).toBe(200);
    const other = await f.as('actor_staff', 'PATCH', `/api/organisations/${f.otherOrg}`, {
      about: 'hijack',
    });
    expect(other.statusCode).toBe(403);
    const membership = await f.as('actor_staff', 'PATCH', `/api/organisations/${f.ownOrg}`, {
      membership: 'member',
    });
    expect(membership.statusCode).toBe(403);
    const member = await f.as('member', 'PATCH', `/api/organisations/${f.ownOrg}`, { about: 'x' });
    expect(member.statusCode).toBe(403);
    const read = jsonObject(await f.as('member', 'GET', `/api/organisations/${f.otherOrg}`));
    expect(read.name).toBe('Stödcentrum Väst');
  });

  it('filters by service, language and county, and lists who can help (certified first)', async () => {
    // A second provider of men's housing in Skåne, and a nationwide one; only one is certified.
    const mk = async (name: string, county: string) =>
      jsonObject(
        await f.as('coordinator', 'POST', '/api/organisations', {
          name,
          type: 'ngo',
          county,
          services: ['protected_housing_men'],
          languages: ['sv', 'ar'],
        }),
      ).id as string;
    const uncertified = await mk('Mansboendet Syd', 'M');
    const certified = await mk('Tryggt Härbärge', 'M');
    const national = await mk('Riksjouren', 'national');
    await mk('Göteborgs mansboende', 'O');
    const put = await f.as('coordinator', 'PUT', `/api/organisations/${certified}/certification`, {
      status: 'certified',
      certifiedFrom: '2026-01-01',
      certifiedTo: '2027-12-31',
      services: ['protected_housing_men'],
      reason: 'Kvalitetsgranskning godkänd',
      expectedVersion: 0,
    });
    expect(put.statusCode).toBe(200);

    const help = jsonObject(
      await f.as(
        'actor_staff',
        'GET',
        '/api/organisations/who-can-help?service=protected_housing_men&county=M',
      ),
    );
    const items = help.items as Array<{
      id: string;
      certifiedForService: boolean;
      national: boolean;
    }>;
    expect(items.map((i) => i.id)).toEqual([certified, uncertified, national]);
    expect(items[0]?.certifiedForService).toBe(true);
    expect(items[2]?.national).toBe(true);

    const byLanguage = jsonObject(
      await f.as('member', 'GET', '/api/organisations?language=ar&county=M'),
    );
    expect(byLanguage.total).toBe(2);
    const byCert = jsonObject(
      await f.as('member', 'GET', '/api/organisations?certification=certified'),
    );
    expect((byCert.items as Array<{ id: string }>).map((i) => i.id)).toEqual([certified]);
    const unknownService = await f.as(
      'member',
      'GET',
      '/api/organisations/who-can-help?service=x&county=M',
    );
    expect(unknownService.statusCode).toBe(400);
  });

  it('keeps a service catalogue that only the coordinator and administrators change', async () => {
    const add = await f.as('coordinator', 'POST', '/api/services', {
      code: 'dental_care',
      nameSv: 'Tandvård',
      nameEn: 'Dental care',
    });
    expect(add.statusCode).toBe(201);
    expect(
      (
        await f.as('actor_staff', 'POST', '/api/services', {
          code: 'x_y',
          nameSv: 'X',
          nameEn: 'X',
        })
      ).statusCode,
    ).toBe(403);
    const retire = await f.as('admin', 'PATCH', '/api/services/dental_care', { retired: true });
    expect(retire.json()).toMatchObject({ retired: true });
    const use = await f.as('actor_staff', 'PATCH', `/api/organisations/${f.ownOrg}`, {
      services: ['dental_care'],
    });
    expect(errorOf(use).fields).toContainEqual(
      expect.objectContaining({ path: 'services.0', code: 'unknown_service' }),
    );
    const list = jsonObject(await f.as('member', 'GET', '/api/services'));
    expect((list.items as Array<{ code: string }>).map((s) => s.code)).toContain(
      'protected_housing_women',
    );
  });
});
