import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { generate as generateTotp } from 'otplib';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../src/server/core/config.js';
import { openDatabase, type DatabaseHandle } from '../src/server/core/db/database.js';
import { migrateToLatest } from '../src/server/core/db/migrate.js';
import { buildApp, type BuiltApp } from '../src/server/app.js';
import type { RouteEntry } from '../src/server/core/http.js';
import type { Clock } from '../src/server/core/context.js';
import { newId } from '../src/server/core/ids.js';
import { hashPassword } from '../src/server/core/auth/passwords.js';
import type { Role } from '../src/server/core/access.js';
import { createSession, type SessionStage } from '../src/server/core/auth/sessions.js';
import { sessionCookieName } from '../src/server/modules/auth/auth.cookies.js';

/**
 * Test harness: a real app on a real, empty database. SQLite gets a fresh
 * file in a temp folder; PostgreSQL (TEST_DB=postgres) a fresh database
 * created from TEST_DATABASE_URL and dropped afterwards.
 */
export const TEST_DB: 'sqlite' | 'postgres' =
  process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const ORIGIN = 'http://localhost:3000';

/** A clock the tests move by hand. */
export class TestClock implements Clock {
  constructor(private t = Date.parse('2026-11-23T09:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestDatabase {
  handle: DatabaseHandle;
  dataDir: string;
  /** Drops the database and removes the temp folder. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-test-'));
  if (TEST_DB === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `slussa_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    // Tests do not test durability across a crash: commits need not wait for the WAL flush.
    await admin.query(`alter database ${name} set synchronous_commit = off`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const handle = openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
    await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect);
    return {
      handle,
      dataDir,
      destroy: async () => {
        await handle.close();
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        // pg's pool.end() resolves before its sockets have closed: let them go
        // rather than have the forced drop kill them (an error nobody listens to).
        for (let i = 0; i < 100; i++) {
          const { rows } = await a.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (rows[0]?.n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const handle = openDatabase({ sqlitePath: path.join(dataDir, 'slussa.db'), lock: true });
  // Tests do not test durability across power loss: skip the fsync of every commit (a throwaway file).
  await sql`pragma synchronous = off`.execute(handle.db);
  await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect);
  return {
    handle,
    dataDir,
    destroy: async () => {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends BuiltApp {
  clock: TestClock;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

/** What a test may pass to `buildApp` besides the config: a web folder to serve, a log destination. */
export interface TestAppOptions {
  webDir?: string;
  logStream?: { write(line: string): void };
}

export async function createTestApp(
  overrides: Partial<Config> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new TestClock();
  const config = loadConfig(
    { NODE_ENV: 'test', SLUSSA_DATA_DIR: database.dataDir, PUBLIC_URL: ORIGIN },
    { rateLimitPerMinute: 100_000, ...overrides },
  );
  const built = await buildApp({
    config,
    database: database.handle,
    clock,
    webDir: options.webDir ?? path.join(database.dataDir, 'no-web'),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  return {
    ...built,
    clock,
    config,
    database,
    close: async () => {
      await built.app.close();
      await database.destroy();
    },
  };
}

export const STRONG_PASSWORD = 'Fjällräven-i-Skåne-2026';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  organisationId: string;
}

export async function createOrganisation(
  t: TestApp,
  name = `Org ${newId()}`,
  type = 'ngo',
  county = 'M',
): Promise<string> {
  const id = newId();
  const now = t.clock.now().toISOString();
  await t.ctx.db
    .insertInto('organisations')
    .values({ id, name, type, county, created_at: now, updated_at: now })
    .execute();
  return id;
}

let passwordHash: Promise<string> | undefined;

/** Inserts a user with a known password (hashed once per test file, Argon2id is slow on purpose). */
export async function createUser(
  t: TestApp,
  role: Role,
  organisationId: string,
  opts: { email?: string } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(STRONG_PASSWORD);
  const id = newId();
  const email = opts.email ?? `${role}.${id.slice(-8)}@example.org`;
  const now = t.clock.now().toISOString();
  await t.ctx.db
    .insertInto('users')
    .values({
      id,
      organisation_id: organisationId,
      email,
      name: `${role} ${id.slice(-4)}`,
      role,
      locale: 'sv',
      password_hash: await passwordHash,
      password_changed_at: now,
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, email, password: STRONG_PASSWORD, role, organisationId };
}

export interface InjectOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  cookie?: string | undefined;
  headers?: Record<string, string>;
  /** The client address (sign-in throttling and rate limits are per address). */
  remoteAddress?: string;
}

/** Sends a request as the browser app would: same origin, JSON. */
export function call(t: TestApp, o: InjectOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { origin: ORIGIN, ...(o.headers ?? {}) };
  if (o.cookie) headers.cookie = o.cookie;
  return t.app.inject({
    method: o.method,
    url: o.url,
    headers,
    ...(o.remoteAddress ? { remoteAddress: o.remoteAddress } : {}),
    ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}),
  });
}

let addressCounter = 0;
/**
 * A client address of its own (10.x.y.z), so that per-address limits (the
 * sign-in route's 30 per minute in real time, the per-address lockout) of one
 * test do not spill into another.
 */
export function uniqueAddress(): string {
  addressCounter += 1;
  const n = (process.pid % 200) * 65536 + addressCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The session cookie a response set, as a `Cookie` header value. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name.endsWith('slussa_session') && x.value);
  return c ? `${c.name}=${c.value}` : undefined;
}

/**
 * Signs a user in with a complete session. Roles that must use two-factor are
 * given a session straight from the database (tests of the TOTP flow do it the long way).
 */
export async function signInAs(t: TestApp, user: TestUser): Promise<string> {
  const res = await call(t, {
    method: 'POST',
    url: '/api/auth/sign-in',
    body: { email: user.email, password: user.password },
    remoteAddress: uniqueAddress(),
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error('no session cookie');
  const stage = (res.json() as { stage: string }).stage;
  if (stage === 'full') return cookie;
  await t.ctx.db
    .updateTable('sessions')
    .set({ stage: 'full' })
    .where('user_id', '=', user.id)
    .execute();
  return cookie;
}

export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

// ---------------------------------------------------------------------------
// Helpers shared by the integration tests.

/** A session created straight in the database (no Argon2id), for tests that are not about signing in. */
export async function sessionFor(
  t: TestApp,
  userId: string,
  stage: SessionStage = 'full',
): Promise<string> {
  const { token } = await createSession(t.ctx.db, userId, stage, t.clock.now(), {
    idleMs: t.config.sessionIdleMs,
    absoluteMs: t.config.sessionAbsoluteMs,
  });
  return `${sessionCookieName(t.config)}=${token}`;
}

export interface ErrorJson {
  code: string;
  message: string;
  fields: Array<{ path: string; code: string; message: string }>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `error` object of an error answer; throws when the body is not one. */
export function errorOf(res: LightMyRequestResponse): ErrorJson {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new Error(`not a JSON error body (${res.statusCode}): ${res.body.slice(0, 200)}`);
  }
  const err = isRecord(body) ? body.error : undefined;
  if (
    !isRecord(err) ||
    typeof err.code !== 'string' ||
    typeof err.message !== 'string' ||
    !Array.isArray(err.fields)
  ) {
    throw new Error(`not an error body (${res.statusCode}): ${res.body.slice(0, 200)}`);
  }
  const fields = err.fields.map((f: unknown) => {
    if (!isRecord(f) || typeof f.path !== 'string' || typeof f.code !== 'string')
      throw new Error(`malformed field error: ${JSON.stringify(f)}`);
    return { path: f.path, code: f.code, message: typeof f.message === 'string' ? f.message : '' };
  });
  return { code: err.code, message: err.message, fields };
}

/** "<status> <code>" of a response, for compact assertions with a readable diff. */
export function statusAndCode(res: LightMyRequestResponse): string {
  if (res.statusCode < 400) return String(res.statusCode);
  return `${res.statusCode} ${errorOf(res).code}`;
}

/** A body as a JSON object (throws otherwise). */
export function jsonObject(res: LightMyRequestResponse): Record<string, unknown> {
  const body: unknown = JSON.parse(res.body);
  if (!isRecord(body)) throw new Error(`expected a JSON object: ${res.body.slice(0, 200)}`);
  return body;
}

/** The current TOTP code of a secret by the test clock (offset in seconds). */
export function totpCode(t: TestApp, secret: string, offsetSeconds = 0): Promise<string> {
  return generateTotp({
    secret,
    epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSeconds,
  });
}

/**
 * Signs in the long way: password, then (if asked) the TOTP code. Returns the
 * cookie and the stage reached.
 */
export async function signInWithPassword(
  t: TestApp,
  email: string,
  password: string,
): Promise<{ res: LightMyRequestResponse; cookie: string | undefined; stage: string | undefined }> {
  const res = await call(t, {
    method: 'POST',
    url: '/api/auth/sign-in',
    body: { email, password },
    remoteAddress: uniqueAddress(),
  });
  const stage = res.statusCode === 200 ? jsonObject(res).stage : undefined;
  return { res, cookie: sessionCookie(res), stage: typeof stage === 'string' ? stage : undefined };
}

/** Enrols TOTP on a session (stage 'enrol' or 'full'): returns the secret, recovery codes and the cookie to use afterwards. */
export async function enrolTotp(
  t: TestApp,
  cookie: string,
): Promise<{ secret: string; recoveryCodes: string[]; cookie: string }> {
  const setup = await call(t, { method: 'POST', url: '/api/auth/totp/setup', cookie });
  if (setup.statusCode !== 200) throw new Error(`totp setup: ${setup.statusCode} ${setup.body}`);
  const secret = jsonObject(setup).secret;
  if (typeof secret !== 'string') throw new Error('no secret');
  const confirm = await call(t, {
    method: 'POST',
    url: '/api/auth/totp/confirm',
    cookie,
    body: { code: await totpCode(t, secret) },
  });
  if (confirm.statusCode !== 200)
    throw new Error(`totp confirm: ${confirm.statusCode} ${confirm.body}`);
  const codes = jsonObject(confirm).recoveryCodes;
  if (!Array.isArray(codes)) throw new Error('no recovery codes');
  return {
    secret,
    recoveryCodes: codes.map(String),
    cookie: sessionCookie(confirm) ?? cookie,
  };
}

/** Mail queued for an address, newest first. */
export async function mailTo(t: TestApp, to: string) {
  return t.ctx.db
    .selectFrom('outbox')
    .selectAll()
    .where('to_address', '=', to)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The one link in a mail body. */
export function linkIn(text: string): URL {
  const links = text.match(/https?:\/\/\S+/g) ?? [];
  if (links.length !== 1 || !links[0]) throw new Error(`expected one link in: ${text}`);
  return new URL(links[0]);
}

/** The token of a `…#token=…` link. */
export function tokenOf(link: URL): string {
  const token = new URLSearchParams(link.hash.slice(1)).get('token');
  if (!token) throw new Error(`no token in ${link.toString()}`);
  return token;
}

/** Every application table of the test database (migrations bookkeeping aside), so tables added later are covered too. */
const tableNameCache = new WeakMap<TestApp, Promise<string[]>>();
export function tableNames(t: TestApp): Promise<string[]> {
  let names = tableNameCache.get(t);
  if (!names) {
    names = readTableNames(t);
    tableNameCache.set(t, names);
  }
  return names;
}
async function readTableNames(t: TestApp): Promise<string[]> {
  const rows =
    t.ctx.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.ctx.db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%'`.execute(t.ctx.db);
  return rows.rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

/**
 * A content hash per table, over rows in a canonical order. `ignore` names
 * tables or `table.column`s left out (e.g. `sessions.last_seen_at`, which reads may touch).
 */
export async function fingerprint(
  t: TestApp,
  ignore: readonly string[] = [],
): Promise<Record<string, string>> {
  const tables = (await tableNames(t)).filter((table) => !ignore.includes(table));
  if (t.ctx.dialect === 'postgres') {
    // One round trip: each table hashed by the server (rows as JSON, ignored columns removed).
    const parts = tables.map((table) => {
      const cols = ignore
        .filter((i) => i.startsWith(`${table}.`))
        .map((i) => i.slice(table.length + 1));
      return sql<{
        t: string;
        n: number;
        h: string;
      }>`select ${table}::text as t, count(*)::int as n,
        md5(coalesce(string_agg(r.h, ',' order by r.h), '')) as h
        from (select md5((to_jsonb(x) - ${cols}::text[])::text) as h from ${sql.table(table)} x) r`;
    });
    if (parts.length === 0) return {};
    const res = await sql<{
      t: string;
      n: number;
      h: string;
    }>`${sql.join(parts, sql` union all `)}`.execute(t.ctx.db);
    return Object.fromEntries(res.rows.map((r) => [r.t, `${r.n}:${r.h.slice(0, 16)}`]));
  }
  // SQLite: each row serialised by SQLite itself (quote() handles every type, blobs included),
  // rows sorted, one string per table; one query for all tables.
  const parts = await Promise.all(
    tables.map(async (table) => {
      const cols = (await sqliteColumns(t, table)).filter((c) => !ignore.includes(`${table}.${c}`));
      const row = sql.join(
        cols.map((c) => sql`quote(${sql.ref(c)})`),
        sql` || ',' || `,
      );
      return sql`select ${table} as t, count(*) as n, coalesce(group_concat(r, char(10)), '') as g
        from (select ${row} as r from ${sql.table(table)} order by r)`;
    }),
  );
  if (parts.length === 0) return {};
  const res = await sql<{
    t: string;
    n: number;
    g: string;
  }>`${sql.join(parts, sql` union all `)}`.execute(t.ctx.db);
  return Object.fromEntries(
    res.rows.map((r) => [
      r.t,
      `${r.n}:${createHash('sha256').update(r.g).digest('hex').slice(0, 16)}`,
    ]),
  );
}

const columnCache = new Map<string, Promise<string[]>>();
function sqliteColumns(t: TestApp, table: string): Promise<string[]> {
  const key = `${t.database.dataDir}:${table}`;
  let cols = columnCache.get(key);
  if (!cols) {
    cols = sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`
      .execute(t.ctx.db)
      .then((r) => r.rows.map((c) => c.name));
    columnCache.set(key, cols);
  }
  return cols;
}

/** Signs of internals in a response body: stack frames, SQL, driver messages, file paths. */
export function leaks(body: string): string[] {
  const patterns: Array<[string, RegExp]> = [
    ['stack frame', /\bat [\w.<>]+ \(|\n\s+at /],
    ['file path', /\/(?:work|src|node_modules|home|tmp)\/[\w./-]+\.(?:ts|js|mjs)/],
    ['SQL', /\b(?:select|insert|update|delete)\b[\s\S]*\b(?:from|into|set|where)\b/i],
    [
      'driver',
      /SQLITE_|sqlite3|better-sqlite|syntax error at|relation "|duplicate key|violates|pg_/i,
    ],
    ['error class', /\b(?:TypeError|ReferenceError|SyntaxError|RangeError)\b/],
  ];
  return patterns.filter(([, re]) => re.test(body)).map(([name]) => name);
}

/** Puts a user's TOTP in place directly (for tests that need an enrolled user without the API round-trip). */
export async function giveTotp(t: TestApp, userId: string, secret: string): Promise<void> {
  await t.ctx.db
    .updateTable('users')
    .set({
      totp_secret_enc: t.ctx.crypto.encrypt(secret),
      totp_enabled_at: t.clock.now().toISOString(),
      totp_last_step: null,
    })
    .where('id', '=', userId)
    .execute();
}

/** Waits for whatever the mail worker is doing, then drains once more. */
export async function settleMail(t: TestApp): Promise<void> {
  await t.ctx.mail.drain();
  await t.ctx.mail.drain();
}

export type JsonSchema = Record<string, unknown>;

export interface RouteSchema extends RouteEntry {
  /** The request body's object schema (the object branch of a nullable body), if the route takes one. */
  body: { properties: Record<string, JsonSchema>; required: string[] } | undefined;
  query: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  params: Array<{ name: string; schema: JsonSchema }>;
}

/** The route table joined with each route's request schemas, read from the generated OpenAPI document. */
export function routeSchemas(t: TestApp): RouteSchema[] {
  const doc: unknown = t.app.swagger();
  const paths = isRecord(doc) && isRecord(doc.paths) ? doc.paths : {};
  return t.routes.map((r) => {
    const op = paths[r.url.replace(/:(\w+)/g, '{$1}')];
    const entry = isRecord(op) ? op[r.method.toLowerCase()] : undefined;
    const parameters = isRecord(entry) && Array.isArray(entry.parameters) ? entry.parameters : [];
    const query: RouteSchema['query'] = [];
    const params: RouteSchema['params'] = [];
    for (const p of parameters) {
      if (!isRecord(p) || typeof p.name !== 'string' || !isRecord(p.schema)) continue;
      if (p.in === 'query')
        query.push({ name: p.name, schema: p.schema, required: p.required === true });
      if (p.in === 'path') params.push({ name: p.name, schema: p.schema });
    }
    let body: RouteSchema['body'];
    const content =
      isRecord(entry) && isRecord(entry.requestBody) && isRecord(entry.requestBody.content)
        ? entry.requestBody.content['application/json']
        : undefined;
    let schema = isRecord(content) ? content.schema : undefined;
    if (isRecord(schema) && Array.isArray(schema.anyOf)) {
      schema = schema.anyOf.find((s: unknown) => isRecord(s) && s.type === 'object');
    }
    if (isRecord(schema) && isRecord(schema.properties)) {
      const properties: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(schema.properties)) if (isRecord(v)) properties[k] = v;
      const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
      body = { properties, required };
    }
    return { ...r, body, query, params };
  });
}

/**
 * Internals in an error answer. Only what the server wrote is searched (codes
 * and messages): field paths echo the client's own keys. The error object may
 * carry nothing but code, message and fields (no stack, no SQL, no cause).
 */
export function errorLeaks(res: LightMyRequestResponse): string[] {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return ['not JSON'];
  }
  if (!isRecord(body) || !isRecord(body.error)) return ['not an error body'];
  const problems: string[] = [];
  const extraTop = Object.keys(body).filter((k) => k !== 'error');
  const extraErr = Object.keys(body.error).filter(
    (k) => !['code', 'message', 'fields'].includes(k),
  );
  if (extraTop.length + extraErr.length > 0)
    problems.push(`extra keys ${[...extraTop, ...extraErr]}`);
  const texts: string[] = [String(body.error.code), String(body.error.message)];
  for (const f of Array.isArray(body.error.fields) ? body.error.fields : []) {
    if (!isRecord(f)) continue;
    const extra = Object.keys(f).filter((k) => !['path', 'code', 'message', 'params'].includes(k));
    if (extra.length > 0) problems.push(`extra field keys ${extra}`);
    texts.push(String(f.code), String(f.message));
  }
  return [...problems, ...leaks(texts.join('\n'))];
}
