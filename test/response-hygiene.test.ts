/**
 * Response hygiene on every route, errors and 404s included: the security
 * headers, `no-store` on the API, only the session cookie (with its flags),
 * nothing personal or secret in a `Location` header or a URL the API returns
 * or mails, and nothing personal or secret in the log of a realistic session
 * captured at the most verbose levels the app runs at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorLeaks,
  linkIn,
  mailTo,
  ORIGIN,
  sessionCookie,
  sessionFor,
  STRONG_PASSWORD,
  TEST_DB,
  tokenOf,
  totpCode,
  uniqueAddress,
  type TestApp,
} from './harness.js';
import { hasPermission, ROLES, type Role } from '../src/server/core/access.js';
import { sessionCookieName } from '../src/server/modules/auth/auth.cookies.js';
import { writeCertification } from '../src/server/modules/certification/certification.service.js';
import { caseBody } from './programme-fixture.js';

const HTTPS_ORIGIN = 'https://slussa.example.se';
const UNKNOWN_ID = '01890000-0000-7000-8000-000000000009';
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A built web app of two files, so static paths and the single-page fallback are served. */
function webFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Slussa</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1);');
  return dir;
}

async function certify(t: TestApp, org: string): Promise<void> {
  await t.ctx.db.transaction().execute((tx) =>
    writeCertification(
      t.ctx,
      tx,
      org,
      {
        status: 'certified',
        certifiedFrom: '2026-01-01',
        certifiedTo: '2027-12-31',
        reviewDate: null,
        services: [],
        conditions: null,
        reason: 'Kvalitetsgranskning godkänd.',
        expectedVersion: 0,
      },
      null,
    ),
  );
}

/** Every header rule that holds for every response; returns the broken ones. */
function headerProblems(res: LightMyRequestResponse, url: string, https: boolean): string[] {
  const h = res.headers;
  const problems: string[] = [];
  const csp = String(h['content-security-policy'] ?? '');
  if (!csp.split(';').some((d) => d.trim() === "default-src 'self'"))
    problems.push(`CSP without default-src 'self': ${csp}`);
  if (!csp.split(';').some((d) => d.trim() === "frame-ancestors 'none'"))
    problems.push(`CSP without frame-ancestors 'none': ${csp}`);
  if (h['x-content-type-options'] !== 'nosniff') problems.push('no nosniff');
  if (h['referrer-policy'] !== 'no-referrer') problems.push(`referrer ${h['referrer-policy']}`);
  const hsts = h['strict-transport-security'];
  if (https && !/^max-age=\d{7,}/.test(String(hsts))) problems.push(`HSTS ${hsts}`);
  if (!https && hsts !== undefined) problems.push(`HSTS on http: ${hsts}`);
  if (url.startsWith('/api') && !/(^|,\s*)no-store(\s*,|$)/.test(String(h['cache-control'])))
    problems.push(`cache-control ${h['cache-control']}`);
  const cookies = [h['set-cookie'] ?? []].flat();
  for (const c of cookies) {
    const [pair = '', ...attrs] = c.split(';').map((x) => x.trim());
    const name = pair.split('=')[0];
    const flags = attrs.map((a) => a.toLowerCase());
    const expected = https ? '__Host-slussa_session' : 'slussa_session';
    if (name !== expected) problems.push(`cookie ${name}`);
    for (const f of ['httponly', 'samesite=strict', 'path=/', ...(https ? ['secure'] : [])])
      if (!flags.includes(f)) problems.push(`cookie without ${f}: ${c.replace(/=[^;]*/, '=…')}`);
    if (flags.some((f) => f.startsWith('domain='))) problems.push('cookie with a domain');
  }
  return problems;
}

/** The http(s) URLs and API paths in a JSON body. */
function urlsIn(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/^(https?:\/\/|\/)/.test(v)) found.push(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parsed);
  return found;
}

/** A secret in any of the forms it could take in a URL or a log line. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/** The role that may use a route (administrators first), or undefined for routes without a permission. */
function userOf(access: string): Role | undefined {
  if (access === 'public') return undefined;
  if (access === 'session' || access === 'signed_in') return 'admin';
  return ROLES.find((r) => hasPermission(r, access as Parameters<typeof hasPermission>[1]));
}

describe.each([
  { scheme: 'http', https: false },
  { scheme: 'https', https: true },
])(`response headers over $scheme (${TEST_DB})`, ({ https }) => {
  let t: TestApp;
  let web: string;
  let origin: string;
  const users = {} as Record<Role, string>;
  let memberEmail = '';
  const seen: Array<{ url: string; res: LightMyRequestResponse }> = [];

  const send = async (
    method: Method | 'HEAD' | 'OPTIONS',
    url: string,
    o: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { origin, ...(o.headers ?? {}) };
    if (o.cookie) headers.cookie = o.cookie;
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await t.app.inject({
      method,
      url,
      headers,
      remoteAddress: uniqueAddress(),
      ...(payload !== undefined ? { payload } : {}),
    });
    seen.push({ url, res });
    return res;
  };

  /** A fresh session each time: the sweep signs out and ends sessions too. */
  const cookieOf = (role: Role) => sessionFor(t, users[role]);

  beforeAll(async () => {
    web = webFolder();
    origin = https ? HTTPS_ORIGIN : ORIGIN;
    t = await createTestApp(https ? { publicUrl: HTTPS_ORIGIN, secureCookies: true } : {}, {
      webDir: web,
    });
    const platform = await createOrganisation(t, 'Plattformen', 'other', 'national');
    const ngo = await createOrganisation(t, 'Skyddat boende Ljuset', 'ngo', 'M');
    await certify(t, ngo);
    for (const role of ROLES) {
      const u = await createUser(
        t,
        role,
        role === 'admin' || role === 'coordinator' ? platform : ngo,
      );
      users[role] = u.id;
      if (role === 'member') memberEmail = u.email;
    }
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(web, { recursive: true, force: true });
  });

  it('every route, anonymously and as a role that may use it', async () => {
    const statuses = new Set<number>();
    for (const r of t.routes) {
      const url = r.url.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'kind' ? 'organisations' : name === 'code' ? 'x' : UNKNOWN_ID,
      );
      const body = r.method === 'GET' ? undefined : {};
      const who = userOf(r.access);
      const answers = [
        await send(r.method as Method, url, { body }),
        ...(who
          ? [await send(r.method as Method, url, { body, cookie: await cookieOf(who) })]
          : []),
      ];
      for (const res of answers) {
        statuses.add(res.statusCode);
        expect(headerProblems(res, url, https), `${r.method} ${url}: ${res.statusCode}`).toEqual(
          [],
        );
        if (res.statusCode >= 400) expect(errorLeaks(res), `${r.method} ${url}`).toEqual([]);
      }
    }
    // Both answers and refusals were looked at.
    for (const s of [200, 400, 401, 404]) expect([...statuses]).toContain(s);
  }, 120_000);

  it('errors, unknown paths, the web app and its fallback', async () => {
    const cases: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      ['unknown API path', () => send('GET', '/api/no-such-thing'), 404],
      ['unknown API path, POST', () => send('POST', '/api/no/such/thing', { body: {} }), 404],
      ['unknown method on a route', () => send('DELETE', '/api/health'), 404],
      ['OPTIONS on a route', () => send('OPTIONS', '/api/health'), 404],
      ['HEAD on the API', () => send('HEAD', '/api/health'), 200],
      ['malformed URL', () => send('GET', '/api/users/%E0%A4%A'), 400],
      ['over-long path parameter', () => send('GET', `/api/users/${'x'.repeat(200)}`, {}), 400],
      [
        'bad input',
        () =>
          send('POST', '/api/auth/sign-in', { body: { email: 'inte en adress', password: '' } }),
        400,
      ],
      ['broken JSON', () => send('POST', '/api/auth/sign-in', { body: '{"email":' }), 400],
      [
        'wrong media type',
        () =>
          send('POST', '/api/auth/sign-in', {
            body: 'email=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        415,
      ],
      [
        'too large',
        () => send('POST', '/api/auth/sign-in', { body: { email: 'x'.repeat(300 * 1024) } }),
        413,
      ],
      ['not signed in', () => send('GET', '/api/home'), 401],
      [
        'expired or unknown session',
        () => send('GET', '/api/home', { cookie: `${sessionCookieName(t.config)}=x` }),
        401,
      ],
      [
        'not allowed',
        async () => send('GET', '/api/users', { cookie: await cookieOf('member') }),
        403,
      ],
      [
        'another origin',
        () => send('POST', '/api/auth/sign-out', { headers: { origin: 'https://evil.example' } }),
        403,
      ],
      [
        'sign-in (sets the session cookie)',
        () =>
          send('POST', '/api/auth/sign-in', {
            body: { email: memberEmail, password: STRONG_PASSWORD },
          }),
        200,
      ],
      [
        'sign-out (clears it)',
        async () => send('POST', '/api/auth/sign-out', { cookie: await cookieOf('member') }),
        200,
      ],
      ['a static file', () => send('GET', '/assets/app.js'), 200],
      ['a missing static file', () => send('GET', '/assets/missing.js'), 200],
      ['a page of the web app', () => send('GET', '/cases/123'), 200],
      ['the start page', () => send('GET', '/'), 200],
      ['POST to a web path', () => send('POST', '/cases', { body: {} }), 404],
    ];
    for (const [label, run, status] of cases) {
      const res = await run();
      expect(res.statusCode, `${label}: ${res.body.slice(0, 200)}`).toBe(status);
      const url = seen.at(-1)?.url ?? '';
      expect(headerProblems(res, url, https), label).toEqual([]);
      if (status >= 400 && res.body) expect(errorLeaks(res), label).toEqual([]);
    }
    // The web app's fallback is never cached; its files are.
    expect((await send('GET', '/cases/123')).headers['cache-control']).toBe('no-cache');
    expect((await send('GET', '/assets/app.js')).headers['cache-control']).toMatch(/max-age/);
  });

  it('a refusal by the rate limit', async () => {
    const address = uniqueAddress();
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i <= t.config.signInRateLimitPerMinute; i++)
      last = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { origin, 'content-type': 'application/json' },
        payload: '{}',
        remoteAddress: address,
      });
    expect(last?.statusCode).toBe(429);
    expect(headerProblems(last!, '/api/auth/sign-in', https)).toEqual([]);
  });

  it('a failure inside the app (500) keeps the headers and shows no internals', async () => {
    // A table gone missing: the one safe way to make a read fail in-process.
    await sql`alter table services rename to services_gone`.execute(t.ctx.db);
    try {
      const res = await send('GET', '/api/services', { cookie: await cookieOf('admin') });
      expect(res.statusCode).toBe(500);
      expect(headerProblems(res, '/api/services', https)).toEqual([]);
      expect(errorLeaks(res)).toEqual([]);
    } finally {
      await sql`alter table services_gone rename to services`.execute(t.ctx.db);
    }
  });

  it('no session cookie but the one, and no Location header with anything in it', () => {
    expect(seen.length).toBeGreaterThan(t.routes.length);
    // The cookie rules above were put to work: sign-in set a cookie, sign-out cleared one.
    expect(
      seen.filter(({ res }) => res.headers['set-cookie'] !== undefined).length,
    ).toBeGreaterThan(1);
    for (const { url, res } of seen) {
      const location = res.headers.location;
      if (location !== undefined) expect(String(location), url).toMatch(/^\/[\w/-]*$/);
    }
  });
});

describe(`nothing personal or secret in URLs, mails or the log (${TEST_DB})`, () => {
  for (const level of ['info', 'debug'] as const) {
    it(`a realistic session logged at ${level}`, async () => {
      const lines: string[] = [];
      const t = await createTestApp(
        { logLevel: level, env: 'production' },
        { logStream: { write: (line: string) => void lines.push(line) } },
      );
      try {
        await scenario(t, lines);
      } finally {
        await t.close();
      }
    }, 120_000);
  }
});

/**
 * A day's work with unique marker strings in every kind of sensitive field.
 * Then none of them may appear in the log, in a URL the API answered with, or
 * in a mail link outside its #fragment.
 */
async function scenario(t: TestApp, lines: string[]): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 8);
  const m = {
    email: `markor.${tag}@skyddat.example.org`,
    newPassword: `Ny-Lösenfras-${tag}-Vinterviken`,
    wrongPassword: `Fel-Lösenfras-${tag}`,
    unknownEmail: `okand.${tag}@example.org`,
    identityNote: `Identitetsanteckning ${tag}: pass nr SE${tag}`,
    caseNote: `Samtal med Amira Markörsdotter-${tag} om boendet`,
    personName: `Amira Markörsdotter-${tag}`,
    invitedName: `Inbjuden Personsson-${tag}`,
    invitedEmail: `inbjuden.${tag}@example.org`,
    search: `sökord-${tag}`,
  };
  const secrets: Record<string, string> = { ...m, password: STRONG_PASSWORD };
  const answered: string[] = [];
  const as = async (cookie: string | undefined, method: Method, url: string, body?: unknown) => {
    const res = await call(t, {
      method,
      url,
      body,
      cookie,
      remoteAddress: uniqueAddress(),
    });
    answered.push(...urlsIn(res.body), String(res.headers.location ?? ''));
    expect(headerProblems(res, url, false), `${method} ${url}`).toEqual([]);
    return res;
  };
  const ok = (res: LightMyRequestResponse, label: string) => {
    expect(res.statusCode, `${label}: ${res.body.slice(0, 200)}`).toBeLessThan(300);
    return res;
  };

  const platform = await createOrganisation(t, 'Plattformen', 'other', 'national');
  const ngo = await createOrganisation(t, 'Skyddat boende Ljuset', 'ngo', 'M');
  await certify(t, ngo);
  await createUser(t, 'actor_staff', ngo, { email: m.email });
  const admin = await createUser(t, 'admin', platform);
  const adminCookie = await sessionFor(t, admin.id);

  // Signing in: a wrong password, an unknown address, then the right one.
  expect(
    (
      await as(undefined, 'POST', '/api/auth/sign-in', {
        email: m.email,
        password: m.wrongPassword,
      })
    ).statusCode,
  ).toBe(401);
  expect(
    (
      await as(undefined, 'POST', '/api/auth/sign-in', {
        email: m.unknownEmail,
        password: m.wrongPassword,
      })
    ).statusCode,
  ).toBe(401);
  const signIn = ok(
    await as(undefined, 'POST', '/api/auth/sign-in', { email: m.email, password: STRONG_PASSWORD }),
    'sign-in',
  );
  let cookie = sessionCookie(signIn);
  if (!cookie) throw new Error('no session cookie');
  secrets.sessionToken = cookie.split('=')[1] ?? '';

  // Two-factor enrolment: the secret and the recovery codes.
  const setup = ok(await as(cookie, 'POST', '/api/auth/totp/setup'), 'totp setup');
  const totpSecret = (setup.json() as { secret: string }).secret;
  secrets.totpSecret = totpSecret;
  const confirm = ok(
    await as(cookie, 'POST', '/api/auth/totp/confirm', { code: await totpCode(t, totpSecret) }),
    'totp confirm',
  );
  cookie = sessionCookie(confirm) ?? cookie;
  secrets.sessionToken2 = cookie.split('=')[1] ?? '';
  (confirm.json() as { recoveryCodes: string[] }).recoveryCodes.forEach((c, i) => {
    secrets[`recoveryCode${i}`] = c;
  });

  // Case work: an identity note and a note naming a person.
  const kase = ok(
    await as(cookie, 'POST', '/api/cases', caseBody({ identityNote: m.identityNote })),
    'case',
  ).json() as { id: string };
  ok(await as(cookie, 'POST', `/api/cases/${kase.id}/notes`, { text: m.caseNote }), 'note');
  ok(await as(cookie, 'GET', `/api/cases/${kase.id}`), 'case read');
  ok(await as(cookie, 'GET', `/api/cases/${kase.id}/identity-note`), 'identity note');
  ok(await as(cookie, 'PATCH', '/api/me', { name: m.personName }), 'profile');
  ok(await as(cookie, 'GET', `/api/organisations?q=${encodeURIComponent(m.search)}`), 'search');
  ok(
    await as(cookie, 'POST', '/api/me/password', {
      currentPassword: STRONG_PASSWORD,
      newPassword: m.newPassword,
    }),
    'password change',
  );

  // The administrator invites someone; the staff member forgets the password.
  ok(
    await as(adminCookie, 'POST', '/api/users', {
      email: m.invitedEmail,
      name: m.invitedName,
      role: 'member',
      organisationId: ngo,
    }),
    'invitation',
  );
  ok(await as(undefined, 'POST', '/api/auth/password-reset', { email: m.email }), 'reset');
  ok(await as(adminCookie, 'GET', `/api/users?q=${encodeURIComponent(m.invitedEmail)}`), 'users');
  const links = [...(await mailTo(t, m.email)), ...(await mailTo(t, m.invitedEmail))].map((x) =>
    linkIn(x.body_text),
  );
  expect(links.length).toBeGreaterThanOrEqual(2);
  const resetToken = tokenOf(links[0]!);
  secrets.resetToken = resetToken;
  links.forEach((l, i) => {
    secrets[`mailToken${i}`] = tokenOf(l);
  });
  ok(
    await as(undefined, 'POST', '/api/auth/password-link', {
      token: resetToken,
      password: `${m.newPassword}-2`,
    }),
    'password link',
  );
  secrets.newPassword2 = `${m.newPassword}-2`;
  ok(await as(adminCookie, 'GET', '/api/audit'), 'audit');
  await t.ctx.audit.flush();

  // Mail links carry their token in the fragment only.
  for (const l of links) {
    expect(l.search, l.toString()).toBe('');
    expect(l.pathname).not.toContain(tokenOf(l));
  }
  // No URL or Location the API answered with carries a secret.
  const marker = Object.entries(secrets);
  for (const u of answered)
    for (const [name, value] of marker)
      for (const f of forms(value)) expect(u.includes(f), `${name} in ${u}`).toBe(false);

  // The log: requests were logged, and no secret or personal text is in it.
  const log = lines.join('');
  expect(lines.length).toBeGreaterThan(20);
  expect(log).toContain('"url":"/api/cases"');
  expect(log).toContain('"statusCode":200');
  for (const [name, value] of marker)
    for (const f of forms(value)) expect(log.includes(f), `${name} in the log`).toBe(false);
  // Nor a query string.
  expect(log).not.toMatch(/"url":"[^"]*\?/);
}
