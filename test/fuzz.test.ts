/**
 * Fuzzing every route of the route table with fast-check: malformed bodies,
 * query strings and path parameters, sent anonymously and with a valid
 * session of every role (administrator, coordinator, actor staff, authority
 * contact, member), each with data of their own organisation in place and the
 * ids of other organisations' objects among the generated path parameters.
 * No answer may be a 5xx or show internals, and a refused request must leave
 * the database as it was. Deterministic: a fixed seed per route and caller.
 *
 * FUZZ_RUNS sets the runs per route and caller (default 6, the CI run).
 * FUZZ_TARGET asks for at least that many requests in total (`npm run
 * test:fuzz`: 100,000), spread evenly over routes and callers; the test then
 * fails if fewer were sent. The total is printed at the end.
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
  tableNames,
  TEST_DB,
  uniqueAddress,
  type JsonSchema,
  type RouteSchema,
  type TestApp,
  type TestUser,
} from './harness.js';
import { sql } from 'kysely';
import { verifyAuditChain } from '../src/server/core/audit.js';
import { ROLES, type Role } from '../src/server/core/access.js';
import { writeCertification } from '../src/server/modules/certification/certification.service.js';
import { caseBody, reflectionBody } from './programme-fixture.js';

const SEED = 20261123;
/** The callers of every route: no session, then a complete session of each role. */
const CALLERS = ['anonymous', ...ROLES] as const;
type Caller = (typeof CALLERS)[number];
const TARGET = Number(process.env.FUZZ_TARGET ?? 0);
/** Runs per route and caller: enough to reach TARGET when one is set. */
const runsFor = (routes: number): number =>
  TARGET > 0 ? Math.ceil(TARGET / (routes * CALLERS.length)) : Number(process.env.FUZZ_RUNS ?? 6);

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
    params,
    query,
    body,
  });
}

/** Tables left out of change watching: refusals are audited by design (checked separately). */
const UNWATCHED = ['audit_events', 'audit_head'];
/** Columns whose changes do not count: reads may touch a session's last_seen_at. */
const UNWATCHED_COLUMNS: Record<string, string[]> = { sessions: ['last_seen_at'] };

/**
 * Row-level triggers on every table that note each insert, delete and real
 * update (ignored columns aside) in a log outside the application's tables.
 * One small query per request then tells whether a refused request changed
 * anything, even a change it undid, at a fraction of the cost of hashing every
 * table. Returns a reader of the tables changed since its last call.
 */
async function watchChanges(t: TestApp): Promise<() => Promise<string[]>> {
  const tables = (await tableNames(t)).filter((x) => !UNWATCHED.includes(x));
  const db = t.ctx.db;
  if (t.ctx.dialect === 'postgres') {
    // In a schema of its own, so that tableNames() and fingerprint() do not see the log.
    await sql`create schema fuzz_watch`.execute(db);
    await sql`create table fuzz_watch.changes (n bigserial primary key, tbl text not null)`.execute(
      db,
    );
    await sql
      .raw(
        `create function fuzz_watch.note() returns trigger language plpgsql as $$
        begin insert into fuzz_watch.changes (tbl) values (tg_table_name); return null; end $$`,
      )
      .execute(db);
    for (const table of tables) {
      const skip = sql.raw(
        `array[${(UNWATCHED_COLUMNS[table] ?? []).map((c) => `'${c}'`).join(',')}]::text[]`,
      );
      await sql`create trigger fuzz_watch_w after insert or delete on ${sql.table(table)}
        for each row execute function fuzz_watch.note()`.execute(db);
      await sql`create trigger fuzz_watch_u after update on ${sql.table(table)} for each row
        when ((to_jsonb(old) - ${skip}) is distinct from (to_jsonb(new) - ${skip}))
        execute function fuzz_watch.note()`.execute(db);
    }
  } else {
    // Temporary objects live outside sqlite_master; the app shares this one connection.
    await sql`create temp table fuzz_changes (n integer primary key, tbl text not null)`.execute(
      db,
    );
    for (const table of tables) {
      const cols = (
        await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
      ).rows
        .map((c) => c.name)
        .filter((c) => !(UNWATCHED_COLUMNS[table] ?? []).includes(c));
      const note = sql.raw(`insert into temp.fuzz_changes (tbl) values ('${table}');`);
      const changed = sql.raw(cols.map((c) => `old."${c}" is not new."${c}"`).join(' or '));
      await sql`create temp trigger ${sql.id(`fuzz_i_${table}`)} after insert on main.${sql.table(table)}
        begin ${note} end`.execute(db);
      await sql`create temp trigger ${sql.id(`fuzz_d_${table}`)} after delete on main.${sql.table(table)}
        begin ${note} end`.execute(db);
      await sql`create temp trigger ${sql.id(`fuzz_u_${table}`)} after update on main.${sql.table(table)}
        when ${changed} begin ${note} end`.execute(db);
    }
  }
  const log = t.ctx.dialect === 'postgres' ? sql`fuzz_watch.changes` : sql`temp.fuzz_changes`;
  let last = 0;
  return async () => {
    const rows = (
      await sql<{ n: number | string; tbl: string }>`select n, tbl from ${log} where n > ${last}
        order by n`.execute(db)
    ).rows;
    for (const r of rows) last = Math.max(last, Number(r.n));
    return [...new Set(rows.map((r) => r.tbl))];
  };
}

const seedOf = (key: string): number =>
  SEED ^ createHash('sha256').update(key).digest().readInt32BE(0);

describe(`fuzzing every route (${TEST_DB})`, () => {
  let t: TestApp;
  /** The signed-in cast, one per role, and the cookie of each one's session. */
  const cast = {} as Record<Role, { id: string; role: Role; organisationId: string }>;
  const cookies = {} as Record<Role, string>;
  let knownIds: string[];
  let routes: RouteSchema[];
  let changedTables: () => Promise<string[]>;
  beforeAll(async () => {
    t = await createTestApp();
    const setOrg = (id: string, membership: string) =>
      t.ctx.db.updateTable('organisations').set({ membership }).where('id', '=', id).execute();
    const platform = await createOrganisation(t, 'Fuzzplattformen', 'other', 'national');
    // A certified actor (cases, applications, a decision, a certification document).
    const ngo = await createOrganisation(t, 'Fuzzboendet', 'ngo', 'M');
    // A civil-society member organisation (its yearly contact statistics).
    const memberOrg = await createOrganisation(t, 'Fuzzföreningen', 'ngo', 'O');
    // An authority (its own profile and contact persons).
    const authorityOrg = await createOrganisation(t, 'Fuzzmyndigheten', 'authority', 'AB');
    const other = await createOrganisation(t, 'Andra organisationen', 'ngo', 'AB');
    for (const org of [ngo, memberOrg, authorityOrg]) await setOrg(org, 'member');
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
    const home: Record<Role, string> = {
      admin: platform,
      coordinator: platform,
      actor_staff: ngo,
      authority_contact: authorityOrg,
      member: memberOrg,
    };
    for (const role of ROLES) {
      const u: TestUser = await createUser(t, role, home[role]);
      cast[role] = { id: u.id, role, organisationId: u.organisationId };
      cookies[role] = await sessionFor(t, u.id);
    }
    const decider = await createUser(t, 'coordinator', platform);
    const outsider = await createUser(t, 'member', other);
    const mail = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.fuzz',
      to: outsider.email,
      subject: 'Fuzz',
      text: 'Text',
    });

    const as = async (
      c: string,
      method: 'POST' | 'PUT',
      url: string,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      const raw = Buffer.isBuffer(body);
      const res = await t.app.inject({
        method,
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
      return res.json() as {
        id: string;
        decisions?: Array<{ id: string }>;
        posts?: Array<{ id: string }>;
      };
    };
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
    const staff = cookies.actor_staff;
    const coordinator = cookies.coordinator;
    const kase = await as(staff, 'POST', '/api/cases', caseBody());
    const application = await as(staff, 'POST', '/api/applications', reflectionBody(kase.id));
    const attachment = await as(staff, 'POST', `/api/cases/${kase.id}/attachments`, pdf, {
      'x-file-name': 'fuzz.pdf',
    });
    const document = await as(
      staff,
      'POST',
      `/api/organisations/${ngo}/certification/documents`,
      pdf,
      { 'x-file-name': 'kvalitet.pdf' },
    );
    await t.ctx.db.updateTable('programmes').set({ approval_limit_ore: 1 }).execute();
    const decided = await as(
      await sessionFor(t, decider.id),
      'POST',
      `/api/applications/${application.id}/decisions`,
      { expectedVersion: 1, outcome: 'granted', grounds: ['meets_criteria'], rationale: 'Fuzz.' },
    );
    const contacts = await Promise.all(
      (
        [
          ['actor_staff', ngo],
          ['authority_contact', authorityOrg],
          ['coordinator', memberOrg],
        ] as const
      ).map(([role, org]) =>
        as(cookies[role], 'POST', '/api/contacts', { organisationId: org, name: 'Kontakt Fuzz' }),
      ),
    );
    const group = await as(coordinator, 'POST', '/api/working-groups', {
      name: 'Arbetsgrupp Fuzz',
      purpose: 'prevention',
      convenorOrganisationId: ngo,
    });
    const period = await as(coordinator, 'POST', '/api/budget/periods', {
      name: 'Fuzz 2026',
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
    });
    const round = await as(coordinator, 'POST', '/api/contact-statistics/rounds', {
      year: 2026,
      deadline: '2026-12-10',
    });
    const report = await as(
      cookies.member,
      'PUT',
      `/api/contact-statistics/rounds/${round.id}/report`,
      {
        expectedVersion: 0,
        totals: { possible: 2, probable: 0, suspected: 0 },
        figures: [
          { certainty: 'possible', gender: 'woman', ageGroup: 'adult', form: 'sexual', persons: 2 },
        ],
      },
    );
    knownIds = [
      ...Object.values(home),
      ...Object.values(cast).map((u) => u.id),
      other,
      decider.id,
      outsider.id,
      mail,
      kase.id,
      application.id,
      attachment.id,
      document.id,
      decided.decisions?.[0]?.id ?? '',
      ...contacts.map((c) => c.id),
      group.id,
      period.id,
      ...(period.posts ?? []).map((p) => p.id),
      round.id,
      report.id,
    ].filter((id, i, all) => id !== '' && all.indexOf(id) === i);
    routes = routeSchemas(t);
    changedTables = await watchChanges(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const sessionId = (cookie: string) =>
    createHash('sha256')
      .update(cookie.split('=')[1] ?? '')
      .digest('hex');

  /**
   * An accepted request may have changed the cast (a role, a disabled account,
   * ended sessions: the administrator may do all that to the known ids). Puts
   * every role back, so that each keeps fuzzing as itself.
   */
  async function restoreCast(): Promise<void> {
    const users = await t.ctx.db
      .selectFrom('users')
      .select(['id', 'role', 'organisation_id', 'disabled_at'])
      .where(
        'id',
        'in',
        ROLES.map((r) => cast[r].id),
      )
      .execute();
    const sessions = await t.ctx.db
      .selectFrom('sessions')
      .select(['id', 'stage'])
      .where(
        'id',
        'in',
        ROLES.map((r) => sessionId(cookies[r])),
      )
      .execute();
    for (const role of ROLES) {
      const u = cast[role];
      const row = users.find((x) => x.id === u.id);
      if (row?.role !== role || row.organisation_id !== u.organisationId || row.disabled_at)
        await t.ctx.db
          .updateTable('users')
          .set({ role, organisation_id: u.organisationId, disabled_at: null })
          .where('id', '=', u.id)
          .execute();
      const s = sessions.find((x) => x.id === sessionId(cookies[role]));
      if (s?.stage !== 'full') cookies[role] = await sessionFor(t, u.id);
    }
  }

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

  it('notices every change to the database but a session being touched', async () => {
    await changedTables();
    const session = sessionId(cookies.member);
    await t.ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: t.clock.now().toISOString() })
      .where('id', '=', session)
      .execute();
    expect(await changedTables()).toEqual([]);
    const org = cast.member.organisationId;
    const name = await t.ctx.db
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', org)
      .executeTakeFirstOrThrow();
    // A change undone within the same request still counts.
    await t.ctx.db
      .updateTable('organisations')
      .set({ name: 'Ändrad' })
      .where('id', '=', org)
      .execute();
    await t.ctx.db.updateTable('organisations').set(name).where('id', '=', org).execute();
    await t.ctx.db
      .updateTable('sessions')
      .set({ stage: 'full' })
      .where('id', '=', session)
      .execute();
    expect(await changedTables()).toEqual(['organisations']);
    const extra = await sessionFor(t, cast.member.id);
    await t.ctx.db.deleteFrom('sessions').where('id', '=', sessionId(extra)).execute();
    expect(await changedTables()).toEqual(['sessions']);
  });

  it(
    'every route survives malformed input from every caller',
    async () => {
      const started = Date.now();
      const runs = runsFor(routes.length);
      let sent = 0;
      const statuses = new Map<number, number>();
      /** Per caller: how often each status class came back. */
      const byCaller = new Map<Caller, Record<string, number>>();
      for (const r of routes) {
        const routeKey = `${r.method} ${r.url}`;
        // Refusals are audited by design (only as refusals, checked below); reads may touch
        // a session's last_seen_at; sign-in refusals count towards throttling. Nothing else.
        const ignore = [
          'audit_events',
          'audit_head',
          'sessions.last_seen_at',
          ...(THROTTLING.has(routeKey) ? ['sign_in_throttle'] : []),
        ];
        await newEvents();
        await changedTables();
        // A content hash of every table cross-checks the change log once per route
        // that accepted nothing: it must still be the hash from before the route.
        const before = await fingerprint(t, ignore);
        let accepted = false;
        for (const caller of CALLERS) {
          await fc.assert(
            fc.asyncProperty(requestArbitrary(r, knownIds), async (req) => {
              const path = r.url.replace(/:(\w+)/g, (_m, name: string) => req.params[name] ?? 'x');
              const url = `${path}${req.query ? `?${req.query}` : ''}`;
              const headers: Record<string, string> = { origin: ORIGIN };
              if (caller !== 'anonymous') headers.cookie = cookies[caller];
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
              sent += 1;
              statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
              const counts = byCaller.get(caller) ?? {};
              const cls = `${Math.floor(res.statusCode / 100)}xx`;
              counts[cls] = (counts[cls] ?? 0) + 1;
              counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
              byCaller.set(caller, counts);
              const label = `${routeKey} as ${caller}: ${res.statusCode} ${res.body.slice(0, 300)}`;
              expect(res.statusCode, label).toBeLessThan(500);
              const added = await newEvents();
              const changed = (await changedTables()).filter((x) => !ignore.includes(x));
              if (res.statusCode >= 400) {
                expect(errorLeaks(res), label).toEqual([]);
                expect(changed, `${label}: database changed`).toEqual([]);
                // A refusal may be audited, but only as a refusal.
                for (const e of added)
                  expect(e.outcome, `${label}: ${e.action}`).not.toBe('success');
              } else {
                accepted = true;
                await restoreCast();
                await changedTables();
              }
            }),
            { seed: seedOf(`${routeKey} as ${caller}`), numRuns: runs, endOnFailure: true },
          );
        }
        // The long run reports its progress (it takes minutes).
        if (TARGET > 0 && routes.indexOf(r) % 10 === 9)
          console.log(`fuzz: ${routes.indexOf(r) + 1}/${routes.length} routes, ${sent} requests`);
        if (!accepted)
          expect(
            await fingerprint(t, ignore),
            `${routeKey}: only refusals, yet the database changed`,
          ).toEqual(before);
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzz (${TEST_DB}): ${sent} requests in ${seconds} s; ${routes.length} routes × ` +
          `${CALLERS.length} callers × ${runs} runs; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
      );
      expect(sent).toBe(routes.length * CALLERS.length * runs);
      if (TARGET > 0) expect(sent).toBeGreaterThanOrEqual(TARGET);
      // Nothing was polluted, the trail is intact, and the fuzzing reached past validation.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: true });
      // Every caller got answers and refusals: anonymous ones a 401, each role some
      // accepted requests and some refused by permission.
      expect(byCaller.get('anonymous')?.[401] ?? 0).toBeGreaterThan(runs);
      for (const role of ROLES) {
        const counts = byCaller.get(role) ?? {};
        expect(counts['2xx'] ?? 0, `${role}: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
        expect(counts[403] ?? 0, `${role}: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
        expect(counts[400] ?? 0, `${role}: ${JSON.stringify(counts)}`).toBeGreaterThan(runs);
      }
    },
    TARGET > 0 ? 4 * 60 * 60_000 : 600_000,
  );
});
