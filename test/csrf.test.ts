import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  ORIGIN,
  sessionFor,
  TEST_DB,
  uniqueAddress,
  type TestApp,
  type TestUser,
} from './harness.js';

describe(`CSRF protection (${TEST_DB})`, () => {
  let t: TestApp;
  let admin: TestUser;
  let cookie: string;
  let org: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganisation(t);
    admin = await createUser(t, 'admin', org);
    cookie = await sessionFor(t, admin.id);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A request exactly as given: no Origin is added. */
  const raw = (
    method: 'POST' | 'PATCH',
    url: string,
    headers: Record<string, string>,
    body: unknown,
    withCookie = true,
  ) =>
    t.app.inject({
      method,
      url,
      remoteAddress: uniqueAddress(),
      headers: {
        'content-type': 'application/json',
        ...(withCookie ? { cookie } : {}),
        ...headers,
      },
      payload: JSON.stringify(body),
    });

  const writes = (): Array<[method: 'POST' | 'PATCH', url: string, body: unknown]> => [
    ['PATCH', '/api/me', { name: 'Hijacked' }],
    [
      'POST',
      '/api/users',
      { email: 'evil@example.org', name: 'Evil', role: 'admin', organisationId: org },
    ],
    ['POST', '/api/organisations', { name: 'Evil Org', type: 'other', county: 'AB' }],
    ['POST', `/api/users/${admin.id}/end-sessions`, {}],
    ['POST', '/api/auth/sign-out', { everywhere: true }],
    ['POST', '/api/auth/sign-in', { email: admin.email, password: admin.password }],
    ['POST', '/api/auth/password-reset', { email: admin.email }],
  ];

  const refusals: Array<[string, Record<string, string>]> = [
    ['no Origin and no Sec-Fetch-Site', {}],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a look-alike Origin', { origin: 'http://localhost:3000.evil.example' }],
    ['another port', { origin: 'http://localhost:3001' }],
    ['another scheme', { origin: 'https://localhost:3000' }],
    ['Origin null', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site none', { 'sec-fetch-site': 'none' }],
    [
      'a foreign Origin claiming same-origin',
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
    ],
    ['a Referer only', { referer: `${ORIGIN}/` }],
  ];

  it.each(refusals)(
    'refuses state changes with %s (403 csrf) and changes nothing',
    async (_label, headers) => {
      const before = await fingerprint(t);
      for (const [method, url, body] of writes()) {
        const res = await raw(method, url, headers, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(errorOf(res).code).toBe('csrf');
        // Nothing of the session is touched or cleared.
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // Form posts from another site are refused for the origin, not the content type.
      const form = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=${encodeURIComponent(admin.email)}&password=x`,
      });
      expect(form.statusCode).toBe(403);
      expect(await fingerprint(t)).toEqual(before);
    },
  );

  it('the message is translated', async () => {
    const sv = await raw('PATCH', '/api/me', { 'accept-language': 'sv' }, { name: 'X' });
    const en = await raw('PATCH', '/api/me', { 'accept-language': 'en' }, { name: 'X' });
    expect(errorOf(sv).message).toBe('Begäran kom inte från Slussa och stoppades.');
    expect(errorOf(en).message).toBe('The request did not come from Slussa and was stopped.');
  });

  it('accepts the same origin by Origin header or by Sec-Fetch-Site alone', async () => {
    const byOrigin = await raw('PATCH', '/api/me', { origin: ORIGIN }, { name: 'Admin Ett' });
    expect(byOrigin.statusCode).toBe(200);
    const byFetchMeta = await raw(
      'PATCH',
      '/api/me',
      { 'sec-fetch-site': 'same-origin' },
      { name: 'Admin Två' },
    );
    expect(byFetchMeta.statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('Admin Två');
  });

  it('reads need no Origin (safe methods change nothing)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/home', headers: { cookie } });
    expect(res.statusCode).toBe(200);
  });

  it('sets no-store on API answers and strict security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});
