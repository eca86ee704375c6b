/**
 * Backup while the app serves writes, and what a backup needs to be read.
 *
 * A Slussa app runs in this process on the site's database (SQLite in WAL
 * mode holding the server's lock, or PostgreSQL) and keeps creating cases,
 * each with an identity note and an encrypted attachment, while `slussa
 * backup` runs as its own process. The backup must be one consistent
 * snapshot: taken after some writes of the stream and before others, its
 * audit chain intact, every case with its creation event. Restored into a
 * fresh database, a new backup of it has exactly the same manifest, and the
 * attachments (kept in the database, encrypted) read back byte for byte.
 * Restored under another master key it is refused; forced, its encrypted
 * fields cannot be read, and the server says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/core/config.js';
import { buildApp, type BuiltApp } from '../../src/server/app.js';
import { openDatabase, type DatabaseHandle } from '../../src/server/core/db/database.js';
import { createFieldCrypto } from '../../src/server/core/crypto.js';
import { createSession } from '../../src/server/core/auth/sessions.js';
import { sessionCookieName } from '../../src/server/modules/auth/auth.cookies.js';
import { writeCertification } from '../../src/server/modules/certification/certification.service.js';
import { newId } from '../../src/server/core/ids.js';
import {
  cleanupSites,
  createSite,
  ok,
  readManifest,
  spawnCli,
  TEST_DB,
  withDb,
  type CliResult,
  type ManifestJson,
  type Site,
} from './helpers.js';

const SLOW = { timeout: 240_000 };
const ORIGIN = 'http://localhost:3000';
const ext = TEST_DB === 'postgres' ? 'dump' : 'db';

/** Runs a command as a child process and collects its output (the stream goes on meanwhile). */
function runAsync(site: Site, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(args, site.env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const BACKGROUND = {
  nationality: 'NG',
  gender: 'woman',
  ageBand: '18_25',
  childrenCount: 0,
  childrenAges: [],
  childrenInHomeCountry: 0,
  exploitationForms: ['sexual'],
  exploitationCountries: ['SE'],
  policeReport: 'no',
  policeReportDate: null,
  residenceStatus: 'asylum_seeker',
  housingSituation: 'protected_housing',
};

/** The bytes of the n-th attachment: a real PDF header, then something unique. */
const attachmentBytes = (n: number): Buffer =>
  Buffer.from(`%PDF-1.4\n% attachment ${n}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`, 'latin1');

async function count(handle: DatabaseHandle, table: 'cases' | 'case_attachments'): Promise<number> {
  const r = await handle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe(`slussa backup while the app serves writes (${TEST_DB})`, () => {
  let source: Site;
  let handle: DatabaseHandle;
  let built: BuiltApp;
  let cookie = '';
  let backupFile: string;
  let manifest: ManifestJson;
  let backupOut: string;
  let before = 0;
  let after = 0;
  let written = 0;

  beforeAll(async () => {
    source = await createSite();
    ok(await source.run(['migrate']));
    handle = openDatabase({
      databaseUrl: source.databaseUrl,
      sqlitePath: path.join(source.dataDir, 'slussa.db'),
      lock: true,
      poolSize: 4,
    });
    const config = loadConfig(
      { NODE_ENV: 'test', SLUSSA_DATA_DIR: source.dataDir, PUBLIC_URL: ORIGIN },
      { rateLimitPerMinute: 1_000_000 },
    );
    built = await buildApp({
      config,
      database: handle,
      webDir: path.join(source.dataDir, 'no-web'),
    });
    // A certified NGO and one of its staff, signed in.
    const { ctx } = built;
    const now = new Date().toISOString();
    const org = newId();
    const user = newId();
    await ctx.db
      .insertInto('organisations')
      .values({
        id: org,
        name: 'Skyddat boende Fyren',
        type: 'ngo',
        county: 'M',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await ctx.db
      .insertInto('users')
      .values({
        id: user,
        organisation_id: org,
        email: 'handlaggare@example.org',
        name: 'Handläggare Fyren',
        role: 'actor_staff',
        locale: 'sv',
        password_hash: 'not-used',
        password_changed_at: now,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const today = now.slice(0, 10);
    await ctx.db.transaction().execute((tx) =>
      writeCertification(
        ctx,
        tx,
        org,
        {
          status: 'certified',
          certifiedFrom: `${Number(today.slice(0, 4)) - 1}-01-01`,
          certifiedTo: `${Number(today.slice(0, 4)) + 1}-12-31`,
          reviewDate: null,
          services: [],
          conditions: null,
          reason: 'Kvalitetsgranskning godkänd.',
          expectedVersion: 0,
        },
        null,
      ),
    );
    const { token } = await createSession(ctx.db, user, 'full', new Date(), {
      idleMs: config.sessionIdleMs,
      absoluteMs: config.sessionAbsoluteMs,
    });
    cookie = `${sessionCookieName(config)}=${token}`;
  }, 240_000);

  afterAll(async () => {
    await built?.app.close();
    await handle?.close();
    await cleanupSites();
  });

  /** One write of the stream: a case with an identity note, then its attachment (two transactions). */
  async function writeOne(): Promise<void> {
    written += 1;
    const n = written;
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { origin: ORIGIN, cookie },
      payload: {
        background: BACKGROUND,
        protectedIdentity: false,
        protectedStaffUserIds: [],
        identityNote: `Identitet nummer ${n}`,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    const upload = await built.app.inject({
      method: 'POST',
      url: `/api/cases/${id}/attachments`,
      headers: {
        origin: ORIGIN,
        cookie,
        'content-type': 'application/octet-stream',
        'x-file-name': `intyg-${n}.pdf`,
      },
      payload: attachmentBytes(n),
    });
    expect(upload.statusCode, upload.body).toBe(201);
  }

  it(
    'backs up a consistent snapshot while cases and attachments are being written',
    SLOW,
    async () => {
      for (let i = 0; i < 5; i += 1) await writeOne();
      before = await count(handle, 'cases');
      backupFile = path.join(source.dataDir, 'out', `online.${ext}`);
      let done = false;
      const backup = runAsync(source, ['backup', '--out', backupFile]).finally(() => {
        done = true;
      });
      // The stream: writes until the backup has finished, then a few more.
      while (!done) await writeOne();
      for (let i = 0; i < 5; i += 1) await writeOne();
      after = await count(handle, 'cases');
      const r = await backup;
      expect(r.code, r.stderr).toBe(0);
      backupOut = r.stdout;
      manifest = readManifest(backupFile);

      // Taken during the stream: after its first writes, before its last ones.
      const cases = manifest.tables.cases?.rows ?? 0;
      expect(cases).toBeGreaterThan(before);
      expect(cases).toBeLessThan(after);
      // Each case was written before its attachment: at most one case without one yet.
      const attachments = manifest.tables.case_attachments?.rows ?? 0;
      expect(attachments === cases || attachments === cases - 1).toBe(true);
      expect(backupOut).toContain('useless without the master key');
      expect(backupOut).toContain(
        'Case attachments and certification documents are stored in the database, so they are in this backup.',
      );
      expect(attachments).toBeGreaterThan(0);
    },
  );

  it(
    'restores the snapshot into a fresh database: same manifest, intact chain, readable attachments',
    SLOW,
    async () => {
      const target = await createSite({ masterKeyFrom: source });
      const r = ok(await target.run(['restore', backupFile]));
      expect(r.stdout).toContain('row counts and hashes match the manifest');
      expect(r.stderr).toBe('');

      // Table by table: a backup of the restored database has the same row counts and hashes.
      const again = path.join(target.dataDir, `again.${ext}`);
      ok(await target.run(['backup', '--out', again]));
      expect(readManifest(again).tables).toEqual(manifest.tables);
      expect(ok(await target.run(['audit', 'verify'])).stdout).toMatch(/^ok: \d+ events/);

      const key = Buffer.from(
        fs.readFileSync(path.join(source.dataDir, 'master.key'), 'utf8').trim(),
        'base64',
      );
      await withDb(target.open(), async ({ db }) => {
        // Every case in the snapshot has its creation event: the write and its audit committed together.
        const orphans = await sql<{ n: number }>`select count(*) as n from cases c
        where not exists (select 1 from audit_events e
          where e.action = 'case.created' and e.object_id = c.id)`.execute(db);
        expect(Number(orphans.rows[0]?.n)).toBe(0);
        // The attachments live in the database, encrypted: they come back byte for byte.
        const crypto = await createFieldCrypto(db, key, () => new Date());
        const rows = await db
          .selectFrom('case_attachments')
          .select(['file_name_enc', 'content_enc'])
          .execute();
        expect(rows.length).toBe(manifest.tables.case_attachments?.rows);
        for (const row of rows) {
          const name = crypto.decrypt(row.file_name_enc);
          const n = Number(/^intyg-(\d+)\.pdf$/.exec(name)?.[1]);
          expect(crypto.decryptBytes(Buffer.from(row.content_enc))).toEqual(attachmentBytes(n));
        }
        const notes = await db.selectFrom('cases').select('identity_note_enc').execute();
        for (const note of notes)
          expect(crypto.decrypt(note.identity_note_enc ?? '')).toMatch(/^Identitet nummer \d+$/);
      });
    },
  );

  it(
    'refuses a restore under another master key; forced, the encrypted fields cannot be read',
    SLOW,
    async () => {
      const target = await createSite();
      const otherKey = randomBytes(32);
      fs.writeFileSync(path.join(target.dataDir, 'master.key'), otherKey.toString('base64'), {
        mode: 0o600,
      });
      const refused = await target.run(['restore', backupFile]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('is not the one the backup was made with');
      expect(refused.stderr).toContain('encrypted fields would be unreadable');
      if (target.databaseUrl) {
        await withDb(target.open(), async ({ db }) => {
          const tables = await sql<{
            n: number;
          }>`select count(*) as n from information_schema.tables
          where table_schema = 'public'`.execute(db);
          expect(Number(tables.rows[0]?.n)).toBe(0);
        });
      } else {
        expect(fs.existsSync(path.join(target.dataDir, 'slussa.db'))).toBe(false);
      }

      const forced = ok(await target.run(['restore', backupFile, '--force']));
      expect(forced.stderr).toContain('encrypted fields will not be readable');
      expect(forced.stderr).toContain('does not open the restored data keys');
      await withDb(target.open(), async ({ db }) => {
        // The rows are there, but nothing encrypted opens: the server refuses to start, and says why.
        expect(
          Number(
            (
              await db
                .selectFrom('cases')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ).toBe(manifest.tables.cases?.rows);
        await expect(createFieldCrypto(db, otherKey, () => new Date())).rejects.toThrow(
          /master key does not open the data keys in this database/,
        );
      });
    },
  );
});
