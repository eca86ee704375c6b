import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { ORIGIN, TEST_DB, TestClock, type TestApp } from './harness.js';
import { programmeFixture, caseBody, type ProgrammeFixture } from './programme-fixture.js';
import { createPeriod, postOf, type BalancesJson } from './budget-fixture.js';
import { loadConfig } from '../src/server/core/config.js';
import { openDatabase, type DatabaseHandle } from '../src/server/core/db/database.js';
import { migrateToLatest } from '../src/server/core/db/migrate.js';
import { buildApp } from '../src/server/app.js';
import { verifyAuditChain } from '../src/server/core/audit.js';
import { newId } from '../src/server/core/ids.js';

/**
 * Scale-out: app processes (`src/server/main.ts` through tsx, as deployed
 * apart from the build) against one database. On PostgreSQL two processes
 * share the work: case numbers, decisions, ledger writes and the mail outbox
 * must come out as from one. On SQLite the app is one process by design: a
 * second one refuses to start and the first keeps serving the same workload
 * with the same guarantees.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MASTER_KEY = randomBytes(32).toString('base64');
/** Each of these transfers is refused once the post's funds are used up. */
const POST_FUNDS_ORE = 100_000;
const TRANSFER_ORE = 7_000;
const TRANSFERS = 20;
const CASES = 40;
const RACES = 6;
const MESSAGES = 60;
/** A slow mail server, so that a backlog takes longer than the outbox timer (5 s) and both processes drain it. */
const SMTP_DELAY_MS = 100;

interface Received {
  from: string;
  to: string[];
}

class Inbox {
  received: Received[] = [];
  port = 0;
  private server: SMTPServer | undefined;
  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          setTimeout(callback, SMTP_DELAY_MS);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One app process: `node --import tsx src/server/main.ts`. */
class AppProcess {
  readonly origin: string;
  readonly url: string;
  stderr = '';
  exitCode: number | null | undefined;
  private child: ChildProcess;
  private exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.origin = `http://localhost:${port}`;
    this.url = `http://127.0.0.1:${port}`;
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['DATABASE_URL', 'SMTP_URL', 'SLUSSA_SQLITE_FILE', 'NODE_OPTIONS']) {
      delete childEnv[k];
    }
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: REPO,
      env: {
        ...childEnv,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: this.origin,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        SLUSSA_RATE_LIMIT: '1000000',
        SLUSSA_MASTER_KEY: MASTER_KEY,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  /** Resolves when GET /api/health answers 200; throws if the process exits first. */
  async ready(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined)
        throw new Error(`${this.name} exited (${this.exitCode}): ${this.stderr}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} not ready: ${this.stderr}`);
      await sleep(100);
    }
  }

  /** Resolves with the exit code (the process was expected to end by itself). */
  async exit(timeoutMs = 45_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    return this.exitCode ?? null;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  async request(
    method: string,
    url: string,
    cookie: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${url}`, {
      method,
      headers: {
        origin: this.origin,
        cookie,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}

/** A fresh database: its PostgreSQL URL (dropped afterwards) or the SQLite data folder. */
async function freshDatabase(dataDir: string): Promise<{
  databaseUrl: string | undefined;
  open(lock: boolean): DatabaseHandle;
  drop(): Promise<void>;
}> {
  if (TEST_DB === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `slussa_scale_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.query(`alter database ${name} set synchronous_commit = off`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    return {
      databaseUrl,
      open: () => openDatabase({ databaseUrl, poolSize: 4 }),
      drop: async () => {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  return {
    databaseUrl: undefined,
    open: (lock) => openDatabase({ sqlitePath: path.join(dataDir, 'slussa.db'), lock }),
    drop: async () => undefined,
  };
}

describe(`scale-out: app processes against one database (${TEST_DB})`, () => {
  const inbox = new Inbox();
  const dirs: string[] = [];
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  /** A handle of the test's own (no lock), to check what the processes wrote. */
  let check: DatabaseHandle;
  let f: ProgrammeFixture;
  let periodId: string;
  let reflectionPost: string;
  let integrationPost: string;
  let caseIds: string[] = [];
  /** The processes serving the workload: two on PostgreSQL, one on SQLite. */
  let servers: AppProcess[] = [];
  /** SQLite: the one data folder (with the database file). */
  let sqliteDir = '';

  const cookie = (who: keyof ProgrammeFixture['users']) => f.users[who].cookie;
  const mkdir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-scale-'));
    dirs.push(d);
    return d;
  };
  const start = async (name: string, dataDir: string, from: string) => {
    const p = new AppProcess(name, await freePort(), {
      SLUSSA_DATA_DIR: dataDir,
      SMTP_URL: `smtp://127.0.0.1:${inbox.port}?ignoreTLS=true`,
      MAIL_FROM: `Slussa <${from}>`,
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    });
    return p;
  };

  beforeAll(async () => {
    await inbox.start();
    const dataDir = mkdir();
    sqliteDir = dataDir;
    db = await freshDatabase(dataDir);

    // Seed in this process with the app itself, then let go of the database.
    const handle = db.open(true);
    await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect);
    const clock = new TestClock(Date.now());
    const config = loadConfig(
      { NODE_ENV: 'test', SLUSSA_DATA_DIR: dataDir, PUBLIC_URL: ORIGIN },
      { rateLimitPerMinute: 100_000, masterKey: MASTER_KEY },
    );
    const built = await buildApp({
      config,
      database: handle,
      clock,
      webDir: path.join(dataDir, 'no-web'),
    });
    const t: TestApp = {
      ...built,
      clock,
      config,
      database: { handle, dataDir, destroy: async () => undefined },
      close: async () => undefined,
    };
    f = await programmeFixture(t);
    const today = new Date();
    const period = await createPeriod(
      f,
      {
        name: 'Skalningsprovet',
        startsOn: `${today.getUTCFullYear()}-01-01`,
        endsOn: `${today.getUTCFullYear()}-12-31`,
      },
      { reflection: POST_FUNDS_ORE, integration: 0, intervention: 100_000_000 },
    );
    periodId = period.id;
    reflectionPost = postOf(period, 'reflection');
    integrationPost = postOf(period, 'integration');
    await built.app.close();
    await handle.close();

    if (TEST_DB === 'postgres') {
      // Separate data folders, as on separate machines: only the database and the master key are shared.
      servers = [
        await start('process A', mkdir(), 'a@slussa.test'),
        await start('process B', mkdir(), 'b@slussa.test'),
      ];
    } else {
      servers = [await start('process A', dataDir, 'a@slussa.test')];
    }
    await Promise.all(servers.map((s) => s.ready()));
    check = db.open(false);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await check?.close();
    await inbox.stop();
    await db?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** The process the i-th request goes to: alternating on PostgreSQL, always the one on SQLite. */
  const via = (i: number) => servers[i % servers.length]!;

  if (TEST_DB === 'sqlite') {
    it('refuses a second process on the same data folder and keeps serving with the first', async () => {
      const [first] = servers;
      const second = await start('process B', sqliteDir, 'b@slussa.test');
      expect(await second.exit()).not.toBe(0);
      expect(second.stderr).toMatch(
        /Slussa could not start: The database is in use by process \d+/,
      );
      expect((await fetch(`${first!.url}/api/health`)).status).toBe(200);
      const list = await first!.request('GET', '/api/cases', cookie('coordinator'));
      expect(list.status).toBe(200);
    });
  }

  it('numbers cases created concurrently without gaps or duplicates', async () => {
    const who = ['staffA', 'staffB', 'staffA2'] as const;
    const results = await Promise.all(
      Array.from({ length: CASES }, (_, i) =>
        via(i).request('POST', '/api/cases', cookie(who[i % who.length]!), caseBody()),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(CASES).fill(201));
    const codes = results.map((r) => String(r.body.code));
    expect(new Set(codes).size).toBe(CASES);
    const numbers = codes.map((c) => Number(/^NSP(\d+)$/.exec(c)?.[1])).sort((a, b) => a - b);
    const first = numbers[0]!;
    expect(numbers).toEqual(Array.from({ length: CASES }, (_, i) => first + i));
    const programme = await check.db
      .selectFrom('programmes')
      .select('last_case_number')
      .executeTakeFirstOrThrow();
    expect(Number(programme.last_case_number)).toBe(numbers.at(-1));
    caseIds = results.map((r) => String(r.body.id));
  });

  it('lets exactly one of two concurrent decisions on an application win', async () => {
    // Cases of ngoA (created by staffA and staffA2 above).
    const ownCases = caseIds.filter((_, i) => i % 3 !== 1);
    for (let n = 0; n < RACES; n += 1) {
      const submitted = await via(n).request('POST', '/api/applications', cookie('staffA'), {
        caseId: ownCases[n],
        type: 'intervention',
        interventionCode: 'interpreter',
        quantity: 2,
        unitCostOre: 65_000,
        justification: 'Tolk vid läkarbesök.',
      });
      expect(submitted.status).toBe(201);
      const id = String(submitted.body.id);
      const decide = (s: AppProcess, who: 'coordinator' | 'coordinator2') =>
        s.request('POST', `/api/applications/${id}/decisions`, cookie(who), {
          expectedVersion: 1,
          outcome: 'granted',
          grounds: ['meets_criteria'],
          rationale: 'Uppfyller kriterierna.',
        });
      const answers = await Promise.all([
        decide(via(0), 'coordinator'),
        decide(via(1), 'coordinator2'),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const loser = answers.find((a) => a.status === 409)!;
      // The loser read the application before the winner committed (conflict) or after (already decided).
      expect(loser.body.error).toMatchObject({
        code: expect.stringMatching(/^(conflict|already_decided)$/) as unknown,
      });
      const decisions = await check.db
        .selectFrom('decisions')
        .select('id')
        .where('application_id', '=', id)
        .execute();
      expect(decisions).toHaveLength(1);
      const commitments = await check.db
        .selectFrom('budget_entries')
        .select('id')
        .where('decision_id', '=', decisions[0]!.id)
        .where('kind', '=', 'commitment')
        .execute();
      expect(commitments).toHaveLength(1);
    }
  });

  it('never overdraws a post that transfers from both processes exceed', async () => {
    const results = await Promise.all(
      Array.from({ length: TRANSFERS }, (_, i) =>
        via(i).request(
          'POST',
          '/api/budget/transfers',
          cookie(i % 2 ? 'coordinator' : 'coordinator2'),
          {
            fromPostId: reflectionPost,
            toPostId: integrationPost,
            amountOre: TRANSFER_ORE,
            reason: 'Omfördelning mellan poster.',
          },
        ),
      ),
    );
    const acknowledged = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(acknowledged.length + refused.length).toBe(TRANSFERS);
    // The period lock serialises the writers, so exactly as many fit as the funds allow.
    expect(acknowledged).toHaveLength(Math.floor(POST_FUNDS_ORE / TRANSFER_ORE));
    for (const r of refused) {
      const error = r.body.error as { code: string; message: string };
      expect(error.code).toBe('post_overdrawn');
      expect(error.message).toMatch(/^Posten har inte tillräckligt med medel kvar/);
    }
    const balances = await via(1).request(
      'GET',
      `/api/budget/periods/${periodId}/balances`,
      cookie('coordinator'),
    );
    expect(balances.status).toBe(200);
    const { posts } = balances.body as unknown as BalancesJson;
    const from = posts.find((p) => p.postId === reflectionPost)!;
    const to = posts.find((p) => p.postId === integrationPost)!;
    const moved = acknowledged.length * TRANSFER_ORE;
    expect(from.transferredOutOre).toBe(moved);
    expect(from.remainingOre).toBe(POST_FUNDS_ORE - moved);
    expect(from.remainingOre).toBeGreaterThanOrEqual(0);
    expect(to.transferredInOre).toBe(moved);
  });

  it('sends each queued message exactly once', async () => {
    const now = new Date().toISOString();
    const addresses = Array.from({ length: MESSAGES }, (_, i) => `mottagare${i}@example.org`);
    await check.db
      .insertInto('outbox')
      .values(
        addresses.map((to) => ({
          id: newId(),
          kind: 'test.scale_out',
          to_address: to,
          subject: 'Skalningsprov',
          body_text: 'Ett meddelande.',
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          created_at: now,
          sent_at: null,
        })),
      )
      .execute();
    const deadline = Date.now() + 40_000;
    for (;;) {
      const left = await check.db
        .selectFrom('outbox')
        .select('id')
        .where('kind', '=', 'test.scale_out')
        .where('status', '!=', 'sent')
        .execute();
      if (left.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${left.length} messages not sent`);
      await sleep(250);
    }
    const wanted = new Set(addresses);
    const got = inbox.received.filter((m) => m.to.some((a) => wanted.has(a)));
    const perAddress = new Map<string, number>();
    for (const m of got) for (const a of m.to) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
    expect(perAddress.size).toBe(MESSAGES);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    if (TEST_DB === 'postgres') {
      // Both processes took part (each sends with its own sender address).
      const senders = new Set(got.map((m) => m.from));
      expect([...senders].sort()).toEqual(['a@slussa.test', 'b@slussa.test']);
    }
  }, 60_000);

  it('keeps one audit chain', async () => {
    const result = await verifyAuditChain(check.db);
    expect(result).toMatchObject({ ok: true });
  });
});
