import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/core/config.js';
import { buildApp } from '../../src/server/app.js';
import { sha256hex } from '../../src/server/core/ids.js';
import { KNOWN_MIGRATIONS } from '../../src/server/core/db/migrate.js';
import { cleanupSites, createSite, ok, runCli, TEST_DB, withDb, type Site } from './helpers.js';

const ORIGIN = 'http://localhost:3000';
const PASSWORD = 'Vinterväg-Kebnekaise-2026';
const SLOW = { timeout: 180_000 };

const tokenOf = (stdout: string): string => {
  const m = /\/welcome#token=([A-Za-z0-9_-]+)/.exec(stdout);
  if (!m?.[1]) throw new Error(`no set-up link in:\n${stdout}`);
  return m[1];
};

async function appOn(site: Site) {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      SLUSSA_DATA_DIR: site.dataDir,
      DATABASE_URL: site.databaseUrl,
      PUBLIC_URL: ORIGIN,
    },
    { rateLimitPerMinute: 100_000 },
  );
  const database = site.open();
  const built = await buildApp({ config, database, webDir: path.join(site.dataDir, 'no-web') });
  const post = (url: string, body: Record<string, unknown>) =>
    built.app.inject({ method: 'POST', url, headers: { origin: ORIGIN }, payload: body });
  return {
    post,
    close: async () => {
      await built.app.close();
      await database.close();
    },
  };
}

describe(`slussa migrate, create-admin, audit verify (${TEST_DB})`, () => {
  afterAll(cleanupSites);

  it('prints help and fails clearly on an unknown command', SLOW, async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'create-admin', 'demo', 'demo-code', 'backup', 'restore', 'audit'])
      expect(help.stdout).toContain(c);
    const restoreHelp = await runCli(['restore', '--help'], {});
    expect(restoreHelp.stdout).toContain('--force');
    const bad = await runCli(['frobnicate'], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown command/);
  });

  it('migrate applies the pending migrations, then has nothing to do', SLOW, async () => {
    const site = await createSite();
    const first = ok(await site.run(['migrate']));
    for (const m of KNOWN_MIGRATIONS) expect(first.stdout).toContain(`Applied ${m}`);
    const second = ok(await site.run(['migrate']));
    expect(second.stdout).toContain('Nothing to apply');
    expect(second.stdout).not.toContain('Applied ');
  });

  it('create-admin prints a one-time link that works, and re-issues it', SLOW, async () => {
    const site = await createSite();
    const first = ok(await site.run(['create-admin', '--email', 'Ops@Example.org']));
    expect(first.stdout).toContain('Created administrator ops@example.org');
    const token = tokenOf(first.stdout);

    // Only the token's hash is stored, as an unused set-up token of that administrator.
    await withDb(site.open(), async ({ db }) => {
      const row = await db
        .selectFrom('one_time_tokens')
        .innerJoin('users', 'users.id', 'one_time_tokens.user_id')
        .select(['purpose', 'used_at', 'users.email', 'users.role'])
        .where('one_time_tokens.id', '=', sha256hex(token))
        .executeTakeFirst();
      expect(row).toEqual({
        purpose: 'setup',
        used_at: null,
        email: 'ops@example.org',
        role: 'admin',
      });
    });

    // A second run for the same address issues a new link; the old one stops working.
    const again = ok(await site.run(['create-admin', '--email', 'ops@example.org']));
    expect(again.stdout).toContain('issued a new one-time set-up link');
    const token2 = tokenOf(again.stdout);
    expect(token2).not.toBe(token);

    const app = await appOn(site);
    try {
      const stale = await app.post('/api/auth/password-link', { token, password: PASSWORD });
      expect(stale.statusCode).toBe(400);
      const set = await app.post('/api/auth/password-link', { token: token2, password: PASSWORD });
      expect(set.statusCode).toBe(200);
      const signIn = await app.post('/api/auth/sign-in', {
        email: 'ops@example.org',
        password: PASSWORD,
      });
      expect(signIn.statusCode).toBe(200);
      // An administrator must set up two-factor next.
      expect((signIn.json() as { stage: string }).stage).toBe('enrol');
    } finally {
      await app.close();
    }
  });

  it(
    'audit verify is ok, then names the seq of an edited event and exits non-zero',
    SLOW,
    async () => {
      const site = await createSite();
      ok(await site.run(['create-admin', '--email', 'a@example.org']));
      ok(await site.run(['create-admin', '--email', 'b@example.org']));
      const good = ok(await site.run(['audit', 'verify']));
      expect(good.stdout).toMatch(/^ok: 2 events/);

      await withDb(site.open(), async ({ db }) => {
        await db
          .updateTable('audit_events')
          .set({ action: 'user.read' })
          .where('seq', '=', 2)
          .execute();
      });
      const bad = await site.run(['audit', 'verify']);
      expect(bad.code).not.toBe(0);
      expect(bad.stdout).not.toMatch(/ok:/);
      expect(bad.stderr).toMatch(/broken at seq 2 \(content\)/);
    },
  );

  it('fails clearly when there is no database', SLOW, async () => {
    if (TEST_DB === 'postgres') {
      const r = await runCli(['audit', 'verify'], {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/slussa_no_such_database',
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/error: .*does not exist/);
      return;
    }
    const site = await createSite();
    const r = await site.run(['audit', 'verify']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/There is no database at .*slussa\.db/);
  });
});
