import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import en from '../src/locales/en.json' with { type: 'json' };
import {
  createOrganisation,
  createTestApp,
  createUser,
  errorLeaks,
  errorOf,
  fingerprint,
  leaks,
  ORIGIN,
  routeSchemas,
  sessionFor,
  TEST_DB,
  uniqueAddress,
  type JsonSchema,
  type RouteSchema,
  type TestApp,
} from './harness.js';
import { MAX_DOCUMENT_BYTES } from '../src/server/core/files.js';
import { MAX_IMPORT_BYTES } from '../src/server/modules/directory/directory.csv.js';
import { hasPermission, type Role } from '../src/server/core/access.js';
import { writeCertification } from '../src/server/modules/certification/certification.service.js';

/** Valid values for path parameters other than `:id`. */
const PARAMS: Record<string, string> = {
  code: 'protection_24h',
  kind: 'organisations',
  documentId: '01890000-0000-7000-8000-000000000001',
  attachmentId: '01890000-0000-7000-8000-000000000002',
};

/** Routes that take files have their own body limits. */
const BODY_LIMITS: Record<string, number> = {
  'POST /api/organisations/:id/certification/documents': MAX_DOCUMENT_BYTES,
  'POST /api/directory/import/:kind': MAX_IMPORT_BYTES,
  'POST /api/cases/:id/attachments': MAX_DOCUMENT_BYTES,
};

/**
 * Who sends the requests: an administrator, or for routes administrators may
 * not use (the support programme's cases and decisions) the coordinator or
 * staff of a certified actor, so that every route's input handling is reached.
 */
function callerFor(r: RouteSchema): Extract<Role, 'admin' | 'coordinator' | 'actor_staff'> {
  const access = r.access;
  if (access === 'public' || access === 'session' || access === 'signed_in') return 'admin';
  const role = (['admin', 'coordinator', 'actor_staff'] as const).find((x) =>
    hasPermission(x, access),
  );
  if (!role) throw new Error(`no role may use ${r.method} ${r.url}`);
  return role;
}

// Successful reads of the audit log are themselves audited; checked separately below.
const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];

/** The schema of a nullable field without its null branch (`anyOf: [X, {type: null}]` → X). */
function mainBranch(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.anyOf)) return schema;
  const branches = schema.anyOf.filter(
    (b: unknown): b is JsonSchema =>
      typeof b === 'object' && b !== null && !('type' in b && b.type === 'null'),
  );
  return branches.length === 1 && branches[0] ? branches[0] : schema;
}

/** A value of a type the schema does not accept. */
function wrongTypeFor(schema: JsonSchema): unknown {
  switch (mainBranch(schema).type) {
    case 'string':
      return 12345;
    case 'boolean':
      return 'yes';
    case 'integer':
    case 'number':
      return 'many';
    case 'array':
    case 'object':
      return 'not-a-list-or-object';
    default:
      return [];
  }
}

describe(`bad input on every route (${TEST_DB})`, () => {
  let t: TestApp;
  let cookie: string;
  let cookies: Record<'admin' | 'coordinator' | 'actor_staff', string>;
  let adminId: string;
  let routes: RouteSchema[];
  let before: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createOrganisation(t);
    const admin = await createUser(t, 'admin', org);
    adminId = admin.id;
    cookie = await sessionFor(t, admin.id);
    const ngo = await createOrganisation(t);
    await t.ctx.db.transaction().execute((tx) =>
      writeCertification(
        t.ctx,
        tx,
        ngo,
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
    cookies = {
      admin: cookie,
      coordinator: await sessionFor(t, (await createUser(t, 'coordinator', org)).id),
      actor_staff: await sessionFor(t, (await createUser(t, 'actor_staff', ngo)).id),
    };
    routes = routeSchemas(t);
    before = await fingerprint(t, IGNORE);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The route's URL with valid path parameters (`:id` as given). */
  const urlOf = (r: RouteSchema, id = adminId) =>
    r.url.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? id : (PARAMS[name] ?? 'x')));
  const withBody = () => routes.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));

  const send = (
    r: RouteSchema,
    opts: { url?: string; contentType?: string; payload?: string | Buffer; lang?: string },
  ) =>
    t.app.inject({
      method: r.method as 'POST',
      url: opts.url ?? urlOf(r),
      remoteAddress: uniqueAddress(),
      headers: {
        origin: ORIGIN,
        cookie: cookies[callerFor(r)],
        'accept-language': opts.lang ?? 'en',
        ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      },
      ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
    });

  function expectClean(res: LightMyRequestResponse, label: string): void {
    expect(res.statusCode, label).toBeLessThan(500);
    if (res.statusCode >= 400)
      expect(String(res.headers['content-type']), label).toMatch(/^application\/json/);
    expect(leaks(res.body), `${label}: ${res.body}`).toEqual([]);
    if (res.statusCode >= 400) expect(errorLeaks(res), label).toEqual([]);
  }

  it('the route table has body routes to test', () => {
    expect(withBody().length).toBeGreaterThan(15);
    expect(withBody().filter((r) => r.body).length).toBeGreaterThan(10);
  });

  it('malformed JSON answers 400 invalid_json', async () => {
    for (const r of withBody()) {
      for (const payload of ['{"a":', '{email: "x"}', "{'a':1}", '[1,2', '{"a":1}}', '\u0000']) {
        const res = await send(r, { contentType: 'application/json', payload });
        const label = `${r.method} ${r.url} ${JSON.stringify(payload)}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(400);
        expect(errorOf(res).code, label).toBe('invalid_json');
        expect(errorOf(res).message).toBe(en.errors.invalid_json);
      }
    }
  });

  it('prototype-pollution keys are refused outright', async () => {
    for (const r of withBody()) {
      for (const payload of [
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"isAdmin":true}}}',
      ]) {
        const res = await send(r, { contentType: 'application/json', payload });
        const label = `${r.method} ${r.url} ${payload}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(400);
      }
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a body over the limit (256 KiB, or the upload route’s own) answers 413', async () => {
    for (const r of withBody()) {
      const limit = BODY_LIMITS[`${r.method} ${r.url}`] ?? 256 * 1024;
      const big = JSON.stringify({ name: 'x'.repeat(limit + 1024) });
      const res = await send(r, { contentType: 'application/json', payload: big });
      const label = `${r.method} ${r.url}`;
      expectClean(res, label);
      expect(res.statusCode, label).toBe(413);
      expect(errorOf(res).code).toBe('payload_too_large');
    }
  });

  it('a body that is not JSON answers 415', async () => {
    for (const r of withBody()) {
      for (const [contentType, payload] of [
        ['application/xml', '<user><role>admin</role></user>'],
        ['text/plain', '{"name":"x"}'],
        ['application/x-www-form-urlencoded', 'name=x&role=admin'],
        ['multipart/form-data; boundary=x', '--x\r\n\r\nname\r\n--x--'],
        ['text/html', '<p>hi</p>'],
      ] as const) {
        const res = await send(r, { contentType, payload });
        const label = `${r.method} ${r.url} ${contentType}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(415);
        expect(errorOf(res).code).toBe('unsupported_media_type');
      }
    }
  });

  it('unknown fields answer 400 naming the field', async () => {
    for (const r of withBody().filter((x) => x.body)) {
      const res = await send(r, {
        contentType: 'application/json',
        payload: JSON.stringify({ zzUnknown: 1, isAdmin: true }),
      });
      const label = `${r.method} ${r.url}`;
      expectClean(res, label);
      expect(res.statusCode, label).toBe(400);
      const err = errorOf(res);
      expect(err.code).toBe('validation');
      const unknown = err.fields.filter((f) => f.code === 'unrecognized_keys');
      expect(unknown.map((f) => f.path).sort(), label).toEqual(['isAdmin', 'zzUnknown']);
      for (const f of unknown) expect(f.message).toBe(en.validation.unrecognized_keys);
    }
  });

  it('wrong types answer 400 naming each field, in the asked language', async () => {
    for (const r of withBody().filter((x) => x.body)) {
      const props = r.body?.properties ?? {};
      for (const [name, schema] of Object.entries(props)) {
        const res = await send(r, {
          contentType: 'application/json',
          payload: JSON.stringify({ [name]: wrongTypeFor(schema) }),
        });
        const label = `${r.method} ${r.url} ${name}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(400);
        const err = errorOf(res);
        expect(err.code, label).toBe('validation');
        expect(err.message).toBe(en.errors.validation);
        const field = err.fields.find((f) => f.path === name);
        expect(field, `${label}: ${res.body}`).toBeDefined();
        // A value outside an enumeration is an invalid choice; anything else a wrong type.
        const main = mainBranch(schema);
        const code = Array.isArray(main.enum)
          ? 'invalid_value'
          : Array.isArray(main.anyOf)
            ? 'invalid' // a union of several types
            : 'invalid_type';
        expect(field?.code, label).toBe(code);
        expect(field?.message).toBe(en.validation[code]);
      }
    }
    // And in Swedish.
    const create = routes.find((r) => r.method === 'POST' && r.url === '/api/users');
    if (!create) throw new Error('POST /api/users missing');
    const sv = await send(create, {
      contentType: 'application/json',
      payload: JSON.stringify({ email: 1 }),
      lang: 'sv-SE',
    });
    expect(errorOf(sv).message).toBe('Kontrollera de markerade fälten.');
    expect(errorOf(sv).fields.find((f) => f.path === 'email')?.message).toBe('Fel typ av värde.');
  });

  it('missing required fields answer 400 with "required"', async () => {
    for (const r of withBody().filter((x) => x.body && x.body.required.length > 0)) {
      const res = await send(r, { contentType: 'application/json', payload: '{}' });
      const label = `${r.method} ${r.url}`;
      expectClean(res, label);
      expect(res.statusCode, label).toBe(400);
      const err = errorOf(res);
      const props = r.body?.properties ?? {};
      for (const name of r.body?.required ?? []) {
        const field = err.fields.find((f) => f.path === name);
        // Zod reports a missing enumeration value as an invalid choice (it does not say the value was absent).
        const expected = Array.isArray(mainBranch(props[name] ?? {}).enum)
          ? 'invalid_value'
          : 'required';
        expect(field?.code, `${label} ${name}`).toBe(expected);
      }
      expect(err.fields.map((f) => f.path).sort(), label).toEqual(
        [...(r.body?.required ?? [])].sort(),
      );
    }
  });

  it('a malformed path id answers 400, an unknown one 404', async () => {
    const withId = routes.filter((r) => r.url.includes(':id'));
    expect(withId.length).toBeGreaterThan(8);
    for (const r of withId) {
      for (const id of [
        'not-a-uuid',
        '1',
        "1'%20OR%20'1'='1",
        '%00',
        '%E0%A4%A',
        'x'.repeat(300),
      ]) {
        const res = await send(r, {
          url: urlOf(r, id),
          ...(r.method === 'GET' ? {} : { contentType: 'application/json', payload: '{}' }),
        });
        const label = `${r.method} ${r.url} ${id.slice(0, 20)}`;
        expectClean(res, label);
        expect(res.statusCode, label).toBe(400);
        const err = errorOf(res);
        // The router refuses undecodable or over-long paths before validation, in the same format.
        if (err.code === 'validation') expect(err.fields.map((f) => f.path)).toContain('params.id');
        else expect(err.code, label).toBe('bad_request');
        expect(res.body).not.toContain('xxxxxxxxxx');
      }
    }
  });

  it('unknown or malformed query parameters answer 400', async () => {
    const withQuery = routes.filter((r) => r.query.length > 0);
    expect(withQuery.length).toBeGreaterThanOrEqual(4);
    for (const r of withQuery) {
      const unknown = await send(r, { url: `${urlOf(r)}?zz=1` });
      expect(unknown.statusCode, r.url).toBe(400);
      expect(errorOf(unknown).fields).toContainEqual(
        expect.objectContaining({ path: 'querystring.zz', code: 'unrecognized_keys' }),
      );
      for (const q of r.query) {
        for (const value of ['%00', 'x'.repeat(1000), '-1', 'NaN']) {
          const res = await send(r, { url: `${urlOf(r)}?${q.name}=${value}` });
          const label = `${r.url}?${q.name}=${value.slice(0, 10)}`;
          expectClean(res, label);
          // Some values are valid for some parameters (e.g. a short text); none may fail.
          expect([200, 400], label).toContain(res.statusCode);
        }
        const twice = await send(r, { url: `${urlOf(r)}?${q.name}=a&${q.name}=b` });
        expect(twice.statusCode, `${r.url} ${q.name} twice`).toBe(400);
      }
    }
  });

  it('text with control characters is refused rather than stored', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Nul\u0000Org', type: 'ngo', county: 'AB' }),
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields.map((f) => [f.path, f.code])).toEqual([['name', 'invalid_format']]);
    const search = await t.app.inject({
      method: 'GET',
      url: '/api/users?q=%00',
      headers: { cookie },
    });
    expect(search.statusCode).toBe(400);
  });

  it('unknown routes and methods answer a JSON 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['DELETE', '/api/users'],
      ['PUT', '/api/organisations'],
      ['GET', '/api/users/../../etc/passwd'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { origin: ORIGIN, cookie } });
      expectClean(res, `${method} ${url}`);
      expect(res.statusCode).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
  });

  it('none of it changed the database', async () => {
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    await t.ctx.audit.flush();
    const events = await t.ctx.db.selectFrom('audit_events').select('action').execute();
    // Only audited reads that succeeded (the audit log itself, exports, case and application lists,
    // the access review, whose filters all have defaults) were recorded.
    for (const e of events)
      expect(e.action).toMatch(
        /^(audit\.read|directory\.exported|case\.listed|application\.listed|access_review\.(read|exported))$/,
      );
  });
});
