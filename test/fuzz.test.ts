/**
 * Fuzzing every route of the route table with fast-check: malformed bodies,
 * query strings and path parameters, sent anonymously and as someone who may
 * use the route (an administrator; for the support programme's cases and
 * decisions, which administrators may not use, the coordinator or staff of a
 * certified actor).
 * No answer may be a 5xx or show internals, and a refused request must leave
 * the database as it was. Deterministic: a fixed seed per route.
 * FUZZ_RUNS sets the runs per route and caller (default 30).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  createOrganisation,
  createTestApp,
  createUser,
  errorLeaks,
  fingerprint,
  ORIGIN,
  routeSchemas,
  sessionFor,
  TEST_DB,
  uniqueAddress,
  type JsonSchema,
  type RouteSchema,
  type TestApp,
  type TestUser,
} from './harness.js';
import { verifyAuditChain } from '../src/server/core/audit.js';
import { hasPermission, type Role } from '../src/server/core/access.js';
import { writeCertification } from '../src/server/modules/certification/certification.service.js';
import { caseBody, reflectionBody } from './programme-fixture.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = 20261123;

/** Routes whose refusals legitimately count towards sign-in throttling. */
const THROTTLING = new Set(['POST /api/auth/sign-in', 'POST /api/auth/second-factor']);

const NASTY = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; select pg_sleep(5)',
  '" OR ""="',
  '%',
  '_',
  '\\',
  '%00',
  '\u0000',
  '\u0000abc',
  '\u001b[31m',
  '\uD800',
  'a\uDFFFb',
  '\u202Eevil',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '9007199254740993',
  '-1',
  '0',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧',
  'ÅÄÖ åäö',
  ' ',
  '',
];

/** Raw bodies that are not what they claim to be. */
const RAW_BODIES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'NaN',
  '[1,2,3',
  '\u0000',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"a":1e999}',
  '{"a":-0}',
  '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }),
  fc.constant('x'.repeat(5000)),
  fc.emailAddress(),
  fc.uuid(),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
);

/** A value for one field: often plausible for its schema (to get past validation), often not. */
function fieldValue(schema: JsonSchema, knownIds: string[]): fc.Arbitrary<unknown> {
  const plausible: Array<fc.Arbitrary<unknown>> = [];
  if (Array.isArray(schema.enum)) plausible.push(fc.constantFrom(...schema.enum));
  if (schema.format === 'uuid') plausible.push(fc.constantFrom(...knownIds), fc.uuid());
  if (schema.format === 'email') plausible.push(fc.emailAddress());
  if (schema.type === 'boolean') plausible.push(fc.boolean());
  if (
    schema.type === 'string' &&
    typeof schema.pattern === 'string' &&
    schema.pattern.includes('\\d{6}')
  )
    plausible.push(fc.stringMatching(/^\d{6}$/));
  if (schema.type === 'string')
    plausible.push(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }));
  return plausible.length > 0 ? fc.oneof(fc.oneof(...plausible), nastyValue) : nastyValue;
}

/** Percent-encodes anything, lone surrogates included. */
function encode(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

interface FuzzRequest {
  as: 'caller' | 'anonymous';
  /** Path parameters by name, already percent-encoded. */
  params: Record<string, string>;
  query: string;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; contentType: string; payload: string };
}

function requestArbitrary(r: RouteSchema, knownIds: string[]): fc.Arbitrary<FuzzRequest> {
  const paramValue = (schema: JsonSchema) =>
    fc.oneof(
      fieldValue(schema, knownIds).map((v) =>
        encode(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined')),
      ),
      fc.constantFrom(...knownIds),
      nastyString.map(encode),
      fc.constantFrom('%E0%A4%A', '%', '..', '%2e%2e', 'a/b', '%2F', 'x'.repeat(150)),
    );
  const params = fc.record(
    Object.fromEntries(r.params.map((p) => [p.name, paramValue(p.schema)])),
  ) as fc.Arbitrary<Record<string, string>>;
  const queryKey = fc.oneof(
    fc.constantFrom(...r.query.map((q) => q.name), '__proto__', 'constructor', 'limit'),
    nastyString,
  );
  const queryValue = fc.oneof(
    ...r.query.map((q) =>
      fieldValue(q.schema, knownIds).map((v) =>
        typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'),
      ),
    ),
    nastyString,
    fc.constantFrom('NaN', '1e2', '0x10', '-1', '999999999999', '1.5', ''),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
    fc.constantFrom('%%%', '&&&=', '=x', 'a[b]=1', 'a[__proto__][x]=1', '__proto__[polluted]=yes'),
  );
  const props = r.body?.properties ?? {};
  const shaped = fc
    .tuple(
      fc.record(
        Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fieldValue(s, knownIds)])),
        { requiredKeys: [] },
      ),
      fc.dictionary(nastyString, nastyValue, { maxKeys: 2 }),
      fc.boolean(),
    )
    .map(([known, extra, withExtra]): unknown => (withExtra ? { ...extra, ...known } : known));
  const body: fc.Arbitrary<FuzzRequest['body']> =
    r.method === 'GET'
      ? fc.constant({ kind: 'none' as const })
      : fc.oneof(
          { weight: 5, arbitrary: shaped.map((value) => ({ kind: 'json' as const, value })) },
          { weight: 2, arbitrary: nastyValue.map((value) => ({ kind: 'json' as const, value })) },
          { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
          {
            weight: 2,
            arbitrary: fc.constantFrom(...RAW_BODIES).map((payload) => ({
              kind: 'raw' as const,
              contentType: 'application/json',
              payload,
            })),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                fc.constantFrom(
                  'text/plain',
                  'application/xml',
                  'application/x-www-form-urlencoded',
                  'application/json; charset=utf-16',
                  'multipart/form-data; boundary=x',
                  'application/jsonx',
                  'application/octet-stream',
                  'text/csv',
                  '',
                ),
                nastyString,
              )
              .map(([contentType, payload]) => ({ kind: 'raw' as const, contentType, payload })),
          },
          {
            weight: 1,
            arbitrary: fc.constant({
              kind: 'raw' as const,
              contentType: 'application/json',
              payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
            }),
          },
        );
  return fc.record({
    as: fc.constantFrom('caller' as const, 'anonymous' as const),
    params,
    query,
    body,
  });
}

/** The signed-in caller of a route: an administrator where allowed, else the coordinator or actor staff. */
function callerFor(r: RouteSchema): Extract<Role, 'admin' | 'coordinator' | 'actor_staff'> {
  const access = r.access;
  if (access === 'public' || access === 'session' || access === 'signed_in') return 'admin';
  const role = (['admin', 'coordinator', 'actor_staff'] as const).find((x) =>
    hasPermission(x, access),
  );
  if (!role) throw new Error(`no role may use ${r.method} ${r.url}`);
  return role;
}

const seedOf = (key: string): number =>
  SEED ^ createHash('sha256').update(key).digest().readInt32BE(0);

describe(`fuzzing every route (${TEST_DB})`, () => {
  let t: TestApp;
  let admin: TestUser;
  let cookie: string;
  let staffCookie: string;
  let coordinatorCookie: string;
  let knownIds: string[];
  let routes: RouteSchema[];
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createOrganisation(t, 'Fuzzorganisationen');
    const other = await createOrganisation(t, 'Andra organisationen');
    admin = await createUser(t, 'admin', org);
    const member = await createUser(t, 'member', other);
    const mail = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.fuzz',
      to: member.email,
      subject: 'Fuzz',
      text: 'Text',
    });
    knownIds = [admin.id, member.id, org, other, mail];
    cookie = await sessionFor(t, admin.id);
    // The support programme: a certified actor with a case, an application, a
    // decision waiting for approval and an attachment, so fuzzed ids can hit them.
    const ngo = await createOrganisation(t, 'Fuzzboendet');
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
    const staff = await createUser(t, 'actor_staff', ngo);
    const coordinator = await createUser(t, 'coordinator', org);
    const decider = await createUser(t, 'coordinator', org);
    staffCookie = await sessionFor(t, staff.id);
    coordinatorCookie = await sessionFor(t, coordinator.id);
    const asUser = async (
      c: string,
      url: string,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      const raw = Buffer.isBuffer(body);
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: {
          origin: ORIGIN,
          cookie: c,
          'content-type': raw ? 'application/octet-stream' : 'application/json',
          ...headers,
        },
        payload: raw ? body : JSON.stringify(body),
      });
      if (res.statusCode >= 300)
        throw new Error(`fuzz set-up ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; decisions?: Array<{ id: string }> };
    };
    const kase = await asUser(staffCookie, '/api/cases', caseBody());
    const application = await asUser(staffCookie, '/api/applications', reflectionBody(kase.id));
    const attachment = await asUser(
      staffCookie,
      `/api/cases/${kase.id}/attachments`,
      Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1'),
      { 'x-file-name': 'fuzz.pdf' },
    );
    await t.ctx.db.updateTable('programmes').set({ approval_limit_ore: 1 }).execute();
    const decided = await asUser(
      await sessionFor(t, decider.id),
      `/api/applications/${application.id}/decisions`,
      {
        expectedVersion: 1,
        outcome: 'granted',
        grounds: ['meets_criteria'],
        rationale: 'Fuzz.',
      },
    );
    knownIds.push(
      ngo,
      staff.id,
      coordinator.id,
      kase.id,
      application.id,
      attachment.id,
      decided.decisions?.[0]?.id ?? '',
    );
    routes = routeSchemas(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const sessionAlive = async (): Promise<boolean> => {
    const token = cookie.split('=')[1] ?? '';
    const id = createHash('sha256').update(token).digest('hex');
    return Boolean(
      await t.ctx.db.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst(),
    );
  };

  /** Audit events appended since the last call. */
  let lastSeq = 0;
  async function newEvents() {
    await t.ctx.audit.flush();
    const rows = await t.ctx.db
      .selectFrom('audit_events')
      .select(['seq', 'action', 'outcome'])
      .where('seq', '>', lastSeq)
      .execute();
    for (const r of rows) lastSeq = Math.max(lastSeq, Number(r.seq));
    return rows;
  }

  it('has routes to fuzz', () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it('every route survives malformed input', async () => {
    const statuses = new Map<number, number>();
    for (const r of routes) {
      const routeKey = `${r.method} ${r.url}`;
      const ignore = [
        'audit_events',
        'audit_head',
        'sessions.last_seen_at',
        ...(THROTTLING.has(routeKey) ? ['sign_in_throttle'] : []),
      ];
      await newEvents();
      // The state before each request: the state after the previous one, unless that one changed it.
      let before = await fingerprint(t, ignore);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(r, knownIds), async (req) => {
          const path = r.url.replace(/:(\w+)/g, (_m, name: string) => req.params[name] ?? 'x');
          const url = `${path}${req.query ? `?${req.query}` : ''}`;
          const headers: Record<string, string> = { origin: ORIGIN };
          const caller = callerFor(r);
          if (req.as === 'caller')
            headers.cookie =
              caller === 'admin'
                ? cookie
                : caller === 'coordinator'
                  ? coordinatorCookie
                  : staffCookie;
          let payload: string | undefined;
          if (req.body.kind === 'json') {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(req.body.value) ?? 'null';
          } else if (req.body.kind === 'raw') {
            if (req.body.contentType) headers['content-type'] = req.body.contentType;
            payload = req.body.payload;
          }
          const res = await t.app.inject({
            method: r.method as 'GET',
            url,
            headers,
            remoteAddress: uniqueAddress(),
            ...(payload !== undefined ? { payload } : {}),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const label = `${routeKey} as ${req.as}: ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, label).toBeLessThan(500);
          const added = await newEvents();
          if (res.statusCode >= 400) {
            expect(errorLeaks(res), label).toEqual([]);
            expect(await fingerprint(t, ignore), `${label}: database changed`).toEqual(before);
            // A refusal may be audited, but only as a refusal.
            for (const e of added) expect(e.outcome, `${label}: ${e.action}`).not.toBe('success');
          } else {
            // An accepted request may have ended the administrator's session (sign-out, a new password).
            if (req.as === 'caller' && caller === 'admin' && !(await sessionAlive()))
              cookie = await sessionFor(t, admin.id);
            before = await fingerprint(t, ignore);
          }
        }),
        { seed: seedOf(routeKey), numRuns: RUNS, endOnFailure: true },
      );
    }
    // Nothing was polluted, the trail is intact, and the fuzzing reached past validation.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: true });
    const counts = Object.fromEntries(statuses);
    expect(
      Object.keys(counts)
        .map(Number)
        .some((s) => s >= 200 && s < 300),
      JSON.stringify(counts),
    ).toBe(true);
    expect(counts[400] ?? 0).toBeGreaterThan(RUNS);
    expect(counts[401] ?? 0).toBeGreaterThan(RUNS);
  }, 180_000);
});
