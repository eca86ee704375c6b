import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_MIGRATIONS } from '../../src/server/core/db/migrate.js';
import {
  cleanupSites,
  createSite,
  ok,
  readManifest,
  TEST_DB,
  withDb,
  type ManifestJson,
  type Site,
} from './helpers.js';

const SLOW = { timeout: 240_000 };
const ext = TEST_DB === 'postgres' ? 'dump' : 'db';

const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Copies a backup and its manifest under a new name (the manifest follows the file). */
function copyBackup(from: string, to: string): void {
  fs.copyFileSync(from, to);
  fs.copyFileSync(`${from}.manifest.json`, `${to}.manifest.json`);
}

function rewriteManifest(file: string, change: (m: ManifestJson) => void): void {
  const m = readManifest(file);
  change(m);
  fs.writeFileSync(`${file}.manifest.json`, JSON.stringify(m, null, 2));
}

/** Whether the site's database has any tables (restore must not touch it when it refuses). */
async function isUntouched(site: Site): Promise<boolean> {
  if (!site.databaseUrl) return !fs.existsSync(path.join(site.dataDir, 'slussa.db'));
  const client = new pg.Client({ connectionString: site.databaseUrl });
  await client.connect();
  try {
    const r = await client.query(
      "select 1 from information_schema.tables where table_schema = 'public'",
    );
    return r.rowCount === 0;
  } finally {
    await client.end();
  }
}

describe(`slussa backup and restore (${TEST_DB})`, () => {
  let source: Site;
  let backupFile: string;
  let manifest: ManifestJson;
  let backupOut: string;

  beforeAll(async () => {
    // A source installation with the demo's data (users, TOTP secrets under the master key).
    source = await createSite();
    if (source.databaseUrl) {
      ok(
        await source.run(['demo', '--database-url', source.databaseUrl], {
          DATABASE_URL: undefined,
        }),
      );
    } else {
      ok(await source.run(['demo']));
      fs.renameSync(path.join(source.dataDir, 'demo.db'), path.join(source.dataDir, 'slussa.db'));
    }
    ok(await source.run(['create-admin', '--email', 'ops@example.org']));
    if (!source.databaseUrl) {
      // The server holds the file: backup must work without its lock.
      fs.writeFileSync(path.join(source.dataDir, 'slussa.db.lock'), String(process.pid));
    }
    backupFile = path.join(source.dataDir, 'out', `first.${ext}`);
    const r = ok(await source.run(['backup', '--out', backupFile]));
    backupOut = r.stdout;
    manifest = readManifest(backupFile);
  }, 240_000);
  afterAll(cleanupSites);

  it('writes a backup with a manifest and says it needs the master key', SLOW, () => {
    expect(backupOut).toContain('useless without the master key');
    expect(backupOut).toContain(path.join(source.dataDir, 'master.key'));
    expect(manifest.kind).toBe(TEST_DB === 'postgres' ? 'pg_dump' : 'sqlite');
    expect(manifest.migrations).toEqual(KNOWN_MIGRATIONS);
    expect(manifest.fileSha256).toBe(sha256(backupFile));
    expect(manifest.tables.users?.rows).toBe(12);
    expect(manifest.tables.organisations?.rows).toBe(17);
    expect(manifest.encryption.dataKeys).toBe(1);
    expect(manifest.encryption.masterKeyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The key itself is not in the manifest.
    const key = fs.readFileSync(path.join(source.dataDir, 'master.key'), 'utf8').trim();
    expect(fs.readFileSync(`${backupFile}.manifest.json`, 'utf8')).not.toContain(key);
    if (!source.databaseUrl) {
      expect(fs.readFileSync(path.join(source.dataDir, 'slussa.db.lock'), 'utf8')).toBe(
        String(process.pid),
      );
    }
  });

  it('restores into a fresh database with an identical manifest', SLOW, async () => {
    const target = await createSite({ masterKeyFrom: source });
    // A new installation, migrated but unused, counts as empty: no --force needed.
    ok(await target.run(['migrate']));
    const r = ok(await target.run(['restore', backupFile]));
    expect(r.stdout).toContain('row counts and hashes match the manifest');
    expect(r.stderr).toBe('');

    const again = path.join(target.dataDir, `again.${ext}`);
    ok(await target.run(['backup', '--out', again]));
    const m2 = readManifest(again);
    expect(m2.tables).toEqual(manifest.tables);
    expect(m2.migrations).toEqual(manifest.migrations);
    expect(m2.encryption.masterKeyFingerprint).toBe(manifest.encryption.masterKeyFingerprint);
    expect(ok(await target.run(['audit', 'verify'])).stdout).toMatch(/^ok: \d+ events/);

    // It now holds data: replacing it needs --force.
    const refused = await target.run(['restore', backupFile]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('already holds data');
    ok(await target.run(['restore', backupFile, '--force']));
  });

  it('refuses a restore without the master key the backup was made with', SLOW, async () => {
    const target = await createSite();
    const r = await target.run(['restore', backupFile]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no master key is configured');
    expect(await isUntouched(target)).toBe(true);
  });

  it('refuses a tampered backup file', SLOW, async () => {
    const target = await createSite({ masterKeyFrom: source });
    const bad = path.join(target.dataDir, `tampered.${ext}`);
    copyBackup(backupFile, bad);
    const bytes = fs.readFileSync(bad);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    fs.writeFileSync(bad, bytes);

    const r = await target.run(['restore', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('corrupted or was modified');
    expect(await isUntouched(target)).toBe(true);
  });

  it('refuses a backup whose content does not match its table hashes', SLOW, async () => {
    const target = await createSite({ masterKeyFrom: source });
    let bad: string;
    if (TEST_DB === 'postgres') {
      // The logical export can be checked row by row before restoring.
      bad = path.join(target.dataDir, 'edited.jsonl');
      ok(await source.run(['backup', '--logical', '--out', bad]));
      const text = fs.readFileSync(bad, 'utf8');
      expect(text).toContain('Astrid Lindqvist');
      fs.writeFileSync(bad, text.replace('Astrid Lindqvist', 'Mallory Mallorysson'));
    } else {
      bad = path.join(target.dataDir, 'edited.db');
      copyBackup(backupFile, bad);
      const db = new SQLite(bad);
      db.prepare("update users set name = 'Mallory Mallorysson' where role = 'admin'").run();
      db.close();
    }
    // Whoever edited it also fixed the file hash; the table hashes still give it away.
    rewriteManifest(bad, (m) => {
      m.fileSha256 = sha256(bad);
      m.fileBytes = fs.statSync(bad).size;
    });
    const r = await target.run(['restore', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/content does not match its manifest \(table users content differs\)/);
    expect(await isUntouched(target)).toBe(true);
  });

  it('refuses a backup from a newer schema', SLOW, async () => {
    const newer = await createSite();
    ok(await newer.run(['create-admin', '--email', 'ops@example.org']));
    await withDb(newer.open(), async ({ db }) => {
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', ${new Date().toISOString()})`.execute(
        db,
      );
    });
    // This version cannot migrate it either.
    const migrate = await newer.run(['migrate']);
    expect(migrate.code).not.toBe(0);
    expect(migrate.stderr).toContain('newer version');

    const file = path.join(newer.dataDir, `newer.${ext}`);
    ok(await newer.run(['backup', '--out', file]));
    expect(readManifest(file).migrations).toContain('9999-from-the-future');

    const target = await createSite({ masterKeyFrom: newer });
    const r = await target.run(['restore', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/newer schema: migration 9999-from-the-future is unknown/);
    expect(await isUntouched(target)).toBe(true);
  });

  it('refuses to restore while the database is in use', SLOW, async () => {
    const target = await createSite({ masterKeyFrom: source });
    if (TEST_DB === 'sqlite') {
      // What the running server leaves: a lock file naming a live process.
      fs.writeFileSync(path.join(target.dataDir, 'slussa.db.lock'), String(process.pid));
      const r = await target.run(['restore', backupFile]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('in use');
      expect(fs.existsSync(path.join(target.dataDir, 'slussa.db'))).toBe(false);
      return;
    }
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      const r = await target.run(['restore', backupFile]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('other connection');
    } finally {
      await client.end();
    }
    expect(await isUntouched(target)).toBe(true);
  });

  it('PostgreSQL: a logical export restores with an identical manifest', SLOW, async () => {
    if (TEST_DB !== 'postgres') {
      const r = await source.run(['backup', '--logical']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('PostgreSQL only');
      return;
    }
    const file = path.join(source.dataDir, 'out', 'logical.jsonl');
    ok(await source.run(['backup', '--logical', '--out', file]));
    const m = readManifest(file);
    expect(m.kind).toBe('jsonl');
    expect(m.tables).toEqual(manifest.tables);

    const target = await createSite({ masterKeyFrom: source });
    ok(await target.run(['restore', file]));
    const again = path.join(target.dataDir, 'again.jsonl');
    ok(await target.run(['backup', '--logical', '--out', again]));
    expect(readManifest(again).tables).toEqual(manifest.tables);
    expect(ok(await target.run(['audit', 'verify'])).stdout).toMatch(/^ok: \d+ events/);
  });
});
