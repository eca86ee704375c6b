import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/core/config.js';
import { buildApp } from '../../src/server/app.js';
import { ROLES } from '../../src/server/core/access.js';
import { verifyTotp } from '../../src/server/core/auth/totp.js';
import {
  cleanupSites,
  createSite,
  ok,
  spawnCli,
  TEST_DB,
  withDb,
  type CliResult,
  type Site,
} from './helpers.js';

const ORIGIN = 'http://localhost:3000';
const SLOW = { timeout: 180_000 };
const ADMIN = 'admin@demo.slussa.example';

/** The demo's own database: demo.db in the data folder, or (PostgreSQL) a database named with --database-url. */
const demoArgs = (site: Site): string[] =>
  site.databaseUrl ? ['--database-url', site.databaseUrl] : [];
/** Runs a demo command; DATABASE_URL is never set for it (the demo refuses the configured database). */
const demoRun = (site: Site, args: string[]): Promise<CliResult> =>
  site.run([...args, ...demoArgs(site)], { DATABASE_URL: undefined });
/** Runs an ordinary command against the demo database. */
const onDemoDb = (site: Site, args: string[]): Promise<CliResult> =>
  site.run(args, site.databaseUrl ? {} : { SLUSSA_SQLITE_FILE: 'demo.db' });

/** A cell of the printed account table, by e-mail and column. */
function cell(stdout: string, email: string, column: 'Password' | 'Role'): string {
  const lines = stdout.split('\n');
  const header = lines.find((l) => l.startsWith('Role '));
  const row = lines.find((l) => l.includes(` ${email} `));
  if (!header || !row) throw new Error(`no account table with ${email} in:\n${stdout}`);
  const cols = header.split(/\s{2,}/);
  const value = row.split(/\s{2,}/)[cols.indexOf(column)];
  if (!value) throw new Error(`no ${column} for ${email}`);
  return value;
}

describe(`slussa demo (${TEST_DB})`, () => {
  let site: Site;
  let loaded: CliResult;

  beforeAll(async () => {
    site = await createSite();
    loaded = ok(await demoRun(site, ['demo']));
  }, 180_000);
  afterAll(cleanupSites);

  it(
    'loads fictional organisations and one account per role into its own database',
    SLOW,
    async () => {
      expect(loaded.stdout).toContain('Loaded the demo data');
      expect(loaded.stdout).toContain('otpauth://totp/Slussa:');
      for (const role of ROLES) expect(loaded.stdout).toMatch(new RegExp(`^${role} `, 'm'));

      // Never the real database file.
      expect(fs.existsSync(path.join(site.dataDir, 'slussa.db'))).toBe(false);
      expect(fs.existsSync(path.join(site.dataDir, 'demo.db'))).toBe(TEST_DB === 'sqlite');

      await withDb(site.open('demo.db'), async ({ db }) => {
        const users = await db.selectFrom('users').select(['role', 'totp_enabled_at']).execute();
        expect(new Set(users.map((u) => u.role))).toEqual(new Set(ROLES));
        expect(users.length).toBeGreaterThan(ROLES.length);
        for (const u of users) {
          const mfa = u.role === 'admin' || u.role === 'coordinator';
          expect(u.totp_enabled_at !== null).toBe(mfa);
        }
        const orgs = await db
          .selectFrom('organisations')
          .select(['name', 'type', 'county'])
          .execute();
        expect(orgs.length).toBeGreaterThanOrEqual(15);
        for (const o of orgs) expect(o.name).toMatch(/\(demo\)$/);
        expect(new Set(orgs.map((o) => o.type))).toEqual(
          new Set([
            'authority',
            'municipality',
            'ngo',
            'faith',
            'research_culture',
            'partner_abroad',
            'other',
          ]),
        );
        // The directory is filled in too: contact persons, certified shelters, working groups.
        const count = async (
          table:
            | 'contact_persons'
            | 'certifications'
            | 'working_groups'
            | 'cases'
            | 'applications'
            | 'decisions'
            | 'budget_periods'
            | 'budget_entries',
        ) =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        expect(await count('contact_persons')).toBeGreaterThanOrEqual(10);
        expect(await count('certifications')).toBeGreaterThanOrEqual(2);
        expect(await count('working_groups')).toBeGreaterThanOrEqual(3);
        // The support programme: cases with applications, some decided, some in the queue.
        expect(await count('cases')).toBe(4);
        expect(await count('applications')).toBe(6);
        expect(await count('decisions')).toBe(2);
        // A budget period: the posts' budgets, a transfer (two lines), and the two decisions'
        // commitments (the partial grant and the integration period).
        expect(await count('budget_periods')).toBe(1);
        const kinds = await db
          .selectFrom('budget_entries')
          .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('kind')
          .orderBy('kind')
          .execute();
        expect(kinds.map((k) => [k.kind, Number(k.n)])).toEqual([
          ['budget', 3],
          ['commitment', 2],
          ['transfer_in', 1],
          ['transfer_out', 1],
        ]);
        const codes = await db.selectFrom('cases').select('code').orderBy('number').execute();
        expect(codes.map((c) => c.code)).toEqual(['NSP001', 'NSP002', 'NSP003', 'NSP004']);
        const flag = await db
          .selectFrom('settings')
          .selectAll()
          .where('key', '=', 'demo')
          .execute();
        expect(flag).toEqual([{ key: 'demo', value: 'true' }]);
      });

      const verify = ok(await onDemoDb(site, ['audit', 'verify']));
      expect(verify.stdout).toMatch(/^ok: \d+ events/);
      expect(Number(/ok: (\d+)/.exec(verify.stdout)?.[1])).toBeGreaterThan(25);
    },
  );

  it('says so and changes nothing when run again without --reset', SLOW, async () => {
    const count = () =>
      withDb(site.open('demo.db'), async ({ db }) =>
        Number(
          (
            await db
              .selectFrom('audit_events')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const before = await count();
    const again = ok(await demoRun(site, ['demo']));
    expect(again.stdout).toContain('already exists');
    expect(again.stdout).toContain(ADMIN);
    expect(await count()).toBe(before);
  });

  it('demo-code prints the code that signs the demo administrator in', SLOW, async () => {
    const password = cell(loaded.stdout, ADMIN, 'Password');
    const secret = new RegExp(`${ADMIN}\\n\\s+secret: ([A-Z2-7]+)`).exec(loaded.stdout)?.[1];
    expect(secret).toBeDefined();

    const r = ok(await demoRun(site, ['demo-code', ADMIN]));
    const code = r.stdout.trim();
    expect(code).toMatch(/^\d{6}$/);
    expect(await verifyTotp(secret ?? '', code, new Date(), null)).not.toBeNull();

    const config = loadConfig(
      { NODE_ENV: 'test', SLUSSA_DATA_DIR: site.dataDir, PUBLIC_URL: ORIGIN },
      { rateLimitPerMinute: 100_000, sqliteFile: 'demo.db', databaseUrl: site.databaseUrl },
    );
    const database = site.open('demo.db');
    const { app } = await buildApp({ config, database, webDir: path.join(site.dataDir, 'no-web') });
    try {
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { origin: ORIGIN },
        payload: { email: ADMIN, password },
      });
      expect(signIn.statusCode).toBe(200);
      expect((signIn.json() as { stage: string }).stage).toBe('mfa');
      const cookie = signIn.cookies.find((c) => c.name.endsWith('slussa_session'));
      expect(cookie).toBeDefined();
      const second = await app.inject({
        method: 'POST',
        url: '/api/auth/second-factor',
        headers: { origin: ORIGIN, cookie: `${cookie?.name}=${cookie?.value}` },
        payload: { code },
      });
      expect(second.statusCode).toBe(200);
      expect((second.json() as { stage: string }).stage).toBe('full');
    } finally {
      await app.close();
      await database.close();
    }
  });

  it(
    'serves the demo; backup works while it runs (and on SQLite restore is refused)',
    SLOW,
    async () => {
      const port = TEST_DB === 'postgres' ? 3412 : 3411;
      const server = spawnCli(['demo', '--serve', '--port', String(port), ...demoArgs(site)], {
        ...site.env,
        DATABASE_URL: undefined,
      });
      let output = '';
      server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) =>
        server.on('exit', (code) => resolve(code)),
      );
      try {
        let up = false;
        for (let i = 0; i < 240 && !up && server.exitCode === null; i++) {
          up = await fetch(`http://127.0.0.1:${port}/api/health`)
            .then((r) => r.ok)
            .catch(() => false);
          if (!up) await new Promise((r) => setTimeout(r, 250));
        }
        expect(up, output).toBe(true);
        expect(output).toContain('already exists');
        expect(output).toContain(`Starting the demo server on http://localhost:${port}`);

        const file = path.join(
          site.dataDir,
          `while-serving.${TEST_DB === 'postgres' ? 'dump' : 'db'}`,
        );
        ok(await onDemoDb(site, ['backup', '--out', file]));
        expect(fs.existsSync(`${file}.manifest.json`)).toBe(true);

        if (TEST_DB === 'sqlite') {
          // The server holds the file's lock. (On PostgreSQL a running server is seen by its
          // open connections, which its pool closes when idle; backup.test.ts covers that refusal.)
          const restore = await onDemoDb(site, ['restore', file, '--force']);
          expect(restore.code).not.toBe(0);
          expect(restore.stderr).toMatch(/in use by process/);
        }
      } finally {
        server.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      if (TEST_DB === 'sqlite')
        expect(fs.existsSync(path.join(site.dataDir, 'demo.db.lock'))).toBe(false);
    },
  );

  it('--reset deletes the demo database and loads it afresh', SLOW, async () => {
    const secretOf = (stdout: string) =>
      new RegExp(`${ADMIN}\\n\\s+secret: ([A-Z2-7]+)`).exec(stdout)?.[1];
    const r = ok(await demoRun(site, ['demo', '--reset']));
    expect(r.stdout).toMatch(/(Deleted|Emptied) the demo database/);
    expect(r.stdout).toContain('Loaded the demo data');
    expect(secretOf(r.stdout)).toBeDefined();
    expect(secretOf(r.stdout)).not.toBe(secretOf(loaded.stdout));
    const verify = ok(await onDemoDb(site, ['audit', 'verify']));
    expect(verify.stdout).toMatch(/^ok: \d+ events/);
  });

  it('demo-code and demo refuse a database that is not the demo', SLOW, async () => {
    const real = await createSite();
    // A real installation: on SQLite it even sits in the file the demo would use.
    const realEnv = real.databaseUrl ? {} : { SLUSSA_SQLITE_FILE: 'demo.db' };
    ok(await real.run(['create-admin', '--email', 'admin@example.org'], realEnv));

    const code = await demoRun(real, ['demo-code', 'admin@example.org']);
    expect(code.code).not.toBe(0);
    expect(code.stderr).toContain('not a demo database');
    expect(code.stdout).not.toMatch(/\d{6}/);

    const demo = await demoRun(real, ['demo', '--reset']);
    expect(demo.code).not.toBe(0);
    expect(demo.stderr).toContain('not a demo database');

    // With DATABASE_URL set and no --database-url the demo refuses outright.
    const configured = await real.run(['demo'], {
      DATABASE_URL: real.databaseUrl ?? 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(configured.code).not.toBe(0);
    expect(configured.stderr).toContain('DATABASE_URL is set');
    await withDb(real.open('demo.db'), async ({ db }) => {
      const users = await db.selectFrom('users').select('email').execute();
      expect(users.map((u) => u.email)).toEqual(['admin@example.org']);
      const flag = await db.selectFrom('settings').selectAll().execute();
      expect(flag).toEqual([]);
    });
  });
});
