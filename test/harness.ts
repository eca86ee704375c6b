import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../src/server/core/config.js';
import { openDatabase, type DatabaseHandle } from '../src/server/core/db/database.js';
import { migrateToLatest } from '../src/server/core/db/migrate.js';
import { buildApp, type BuiltApp } from '../src/server/app.js';
import type { Clock } from '../src/server/core/context.js';
import { newId } from '../src/server/core/ids.js';
import { hashPassword } from '../src/server/core/auth/passwords.js';
import type { Role } from '../src/server/core/access.js';

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
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const handle = openDatabase({ sqlitePath: path.join(dataDir, 'slussa.db'), lock: true });
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

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
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
    webDir: path.join(database.dataDir, 'no-web'),
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
  name = `Org ${newId().slice(-6)}`,
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
}

/** Sends a request as the browser app would: same origin, JSON. */
export function call(t: TestApp, o: InjectOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { origin: ORIGIN, ...(o.headers ?? {}) };
  if (o.cookie) headers.cookie = o.cookie;
  return t.app.inject({
    method: o.method,
    url: o.url,
    headers,
    ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}),
  });
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
