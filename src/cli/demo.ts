import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { generate } from 'otplib';
import { loadConfig, type Config } from '../server/core/config.js';
import { migrateToLatest } from '../server/core/db/migrate.js';
import {
  lockFile,
  openDatabase,
  type Db,
  type DatabaseHandle,
} from '../server/core/db/database.js';
import { MFA_REQUIRED_ROLES } from '../server/core/access.js';
import { hashPassword, passwordProblems } from '../server/core/auth/passwords.js';
import { newTotpSecret, totpUri } from '../server/core/auth/totp.js';
import { newId } from '../server/core/ids.js';
import { quoteIdent } from '../server/core/backup.js';
import {
  DEMO_CERTIFICATIONS,
  DEMO_CONTACTS,
  DEMO_ORGANISATIONS,
  DEMO_USERS,
  DEMO_WORKING_GROUPS,
} from './demo-data.js';
import { insertOrganisation } from '../server/modules/organisations/organisations.service.js';
import { insertContact } from '../server/modules/contacts/contacts.service.js';
import { writeCertification } from '../server/modules/certification/certification.service.js';
import { loadDemoProgramme } from './demo-programme.js';
import {
  buildCliContext,
  CliError,
  describeDatabase,
  out,
  sqlitePath,
  table,
  withDatabase,
} from './common.js';

/** The demo has its own database: `<dataDir>/demo.db`, or a PostgreSQL database named explicitly. */
export const DEMO_SQLITE_FILE = 'demo.db';

export interface DemoTarget {
  databaseUrl?: string | undefined;
}

/** The demo's configuration: never the configured database. */
export function demoConfig(base: Config, opts: DemoTarget & { port?: number | undefined }): Config {
  if (base.databaseUrl && !opts.databaseUrl) {
    throw new CliError(
      'DATABASE_URL is set: the demo never uses the configured database. ' +
        `Unset DATABASE_URL to use ${base.dataDir}/${DEMO_SQLITE_FILE}, or pass --database-url with a separate PostgreSQL database for the demo.`,
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.port !== undefined) env.PORT = String(opts.port);
  return loadConfig(env, {
    sqliteFile: DEMO_SQLITE_FILE,
    databaseUrl: opts.databaseUrl || undefined,
  });
}

/** The demo flag: a settings row `demo=true`, written only by `slussa demo`. */
export async function isDemoDatabase(db: Db): Promise<boolean> {
  try {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'demo')
      .executeTakeFirst();
    return row?.value === 'true';
  } catch {
    return false; // not even migrated
  }
}

async function hasUsers(db: Db): Promise<boolean> {
  try {
    return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  } catch {
    return false;
  }
}

export interface DemoOptions extends DemoTarget {
  serve?: boolean | undefined;
  port?: number | undefined;
  reset?: boolean | undefined;
}

export async function demoCommand(base: Config, opts: DemoOptions): Promise<void> {
  const config = demoConfig(base, opts);
  if (opts.reset) await resetDemo(config);

  let handle: DatabaseHandle;
  try {
    handle = openDatabase({
      databaseUrl: config.databaseUrl,
      sqlitePath: sqlitePath(config),
      lock: true,
      poolSize: 2,
    });
  } catch (err) {
    throw new CliError(
      `Could not open the demo database: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  await withDatabase(handle, async (h) => {
    // Look before migrating: a database that is not the demo's is never changed.
    const demo = await isDemoDatabase(h.db);
    if (!demo && (await hasUsers(h.db))) {
      throw new CliError(
        `${describeDatabase(config)} holds data but is not a demo database; the demo will not write to it.`,
      );
    }
    await migrateToLatest(h.db as unknown as Kysely<unknown>, h.dialect);
    if (demo) {
      out(`The demo database already exists (${describeDatabase(config)}); nothing was changed.`);
      out('Use --reset to delete it and load the demo data again.');
      await printCredentials(config, h);
      return;
    }
    await loadDemo(config, h);
    out(`Loaded the demo data into ${describeDatabase(config)}.`);
    await printCredentials(config, h);
  });

  if (opts.serve) {
    out(`Starting the demo server on ${config.publicUrl} (Ctrl+C to stop) …`);
    // Loaded only here: the server (Fastify and every module) is not needed to load data.
    const { startServer } = await import('../server/server.js');
    await startServer(config);
  }
}

/** Deletes the demo database; refuses anything that is not one, or one in use. */
async function resetDemo(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    const file = sqlitePath(config);
    if (!fs.existsSync(file)) return;
    let release: () => void;
    try {
      release = lockFile(`${file}.lock`);
    } catch (err) {
      throw new CliError(
        `${err instanceof Error ? err.message : String(err)} Stop the demo server before --reset.`,
      );
    }
    try {
      const h = openDatabase({ sqlitePath: file });
      const demo = await withDatabase(h, (x) => isDemoDatabase(x.db));
      if (!demo) {
        throw new CliError(
          `${file} is not a demo database (no demo=true setting); --reset will not delete it.`,
        );
      }
      for (const suffix of ['', '-wal', '-shm', '-journal']) {
        fs.rmSync(`${file}${suffix}`, { force: true });
      }
      out(`Deleted the demo database ${file}.`);
    } finally {
      release();
    }
    return;
  }
  const h = openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 });
  await withDatabase(h, async ({ db }) => {
    if (!(await isDemoDatabase(db))) {
      if (await hasUsers(db)) {
        throw new CliError(
          `${describeDatabase(config)} is not a demo database (no demo=true setting); --reset will not touch it.`,
        );
      }
      return;
    }
    await db.transaction().execute(async (tx) => {
      const names = await sql<{ name: string }>`
        select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(tx);
      if (names.rows.length > 0) {
        await sql
          .raw(`drop table ${names.rows.map((r) => quoteIdent(r.name)).join(', ')} cascade`)
          .execute(tx);
      }
    });
    out(`Emptied the demo database ${describeDatabase(config)}.`);
  });
}

async function loadDemo(config: Config, handle: DatabaseHandle): Promise<void> {
  const ctx = await buildCliContext(config, handle);
  for (const u of DEMO_USERS) {
    const problems = passwordProblems(u.password, u.email);
    if (problems.length > 0)
      throw new Error(`demo password of ${u.email} is weak: ${problems[0]?.code}`);
  }
  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password)));
  const now = ctx.clock.now().toISOString();
  const orgIds = new Map<string, string>();

  await ctx.db.transaction().execute(async (tx) => {
    for (const o of DEMO_ORGANISATIONS) {
      const id = await insertOrganisation(
        tx,
        {
          name: o.name,
          type: o.type,
          county: o.county,
          authorityKind: o.authorityKind ?? null,
          municipality: o.municipality ?? null,
          country: o.country ?? null,
          languages: o.languages ?? [],
          services: o.services ?? [],
          membership: o.membership ?? 'none',
        },
        now,
      );
      orgIds.set(o.key, id);
      await ctx.audit.append(tx, {
        actorUserId: null,
        actorOrganisationId: null,
        action: 'organisation.created',
        objectType: 'organisation',
        objectId: id,
      });
    }
    for (const [i, u] of DEMO_USERS.entries()) {
      const id = newId();
      const organisationId = orgIds.get(u.organisation);
      if (!organisationId)
        throw new Error(`demo user ${u.email}: unknown organisation ${u.organisation}`);
      const mfa = MFA_REQUIRED_ROLES.has(u.role);
      await tx
        .insertInto('users')
        .values({
          id,
          organisation_id: organisationId,
          email: u.email,
          name: u.name,
          role: u.role,
          locale: u.locale,
          password_hash: hashes[i] ?? null,
          password_changed_at: now,
          totp_secret_enc: mfa ? ctx.crypto.encrypt(newTotpSecret()) : null,
          totp_enabled_at: mfa ? now : null,
          totp_last_step: null,
          disabled_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await ctx.audit.append(tx, {
        actorUserId: null,
        actorOrganisationId: null,
        action: 'user.created',
        objectType: 'user',
        objectId: id,
      });
      if (mfa) {
        await ctx.audit.append(tx, {
          actorUserId: null,
          actorOrganisationId: null,
          action: 'auth.totp_enabled',
          objectType: 'user',
          objectId: id,
        });
      }
    }
    const orgId = (key: string): string => {
      const id = orgIds.get(key);
      if (!id) throw new Error(`demo data: unknown organisation ${key}`);
      return id;
    };
    const contactIds = new Map<string, string>();
    for (const c of DEMO_CONTACTS) {
      const id = await insertContact(
        ctx,
        tx,
        {
          organisationId: orgId(c.organisation),
          name: c.name,
          title: c.title,
          email: c.email,
          phone: c.phone,
          roles: c.roles,
          activeFrom: '2024-01-01',
        },
        now,
      );
      contactIds.set(c.organisation, contactIds.get(c.organisation) ?? id);
      await ctx.audit.append(tx, {
        actorUserId: null,
        actorOrganisationId: null,
        action: 'contact.created',
        objectType: 'contact_person',
        objectId: id,
      });
    }
    for (const c of DEMO_CERTIFICATIONS) {
      await writeCertification(
        ctx,
        tx,
        orgId(c.organisation),
        {
          status: c.status,
          certifiedFrom: c.from,
          certifiedTo: c.to,
          services: c.services,
          reason: c.reason,
          expectedVersion: 0,
        },
        null,
      );
      await ctx.audit.append(tx, {
        actorUserId: null,
        actorOrganisationId: null,
        action: 'certification.changed',
        objectType: 'organisation',
        objectId: orgId(c.organisation),
      });
    }
    for (const g of DEMO_WORKING_GROUPS) {
      const id = newId();
      await tx
        .insertInto('working_groups')
        .values({
          id,
          name: g.name,
          purpose: g.purpose,
          description: null,
          convenor_organisation_id: orgId(g.convenor),
          convenor_contact_id: contactIds.get(g.convenor) ?? null,
          closed_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto('working_group_members')
        .values(
          g.members.map((m) => ({
            id: newId(),
            working_group_id: id,
            organisation_id: orgId(m),
            contact_person_id: null,
            added_at: now,
          })),
        )
        .execute();
      await ctx.audit.append(tx, {
        actorUserId: null,
        actorOrganisationId: null,
        action: 'working_group.created',
        objectType: 'working_group',
        objectId: id,
      });
    }
    await tx.insertInto('settings').values({ key: 'demo', value: 'true' }).execute();
    await ctx.audit.append(tx, {
      actorUserId: null,
      actorOrganisationId: null,
      action: 'system.demo_loaded',
      objectType: 'setting',
      objectId: 'demo',
    });
  });
  // The programme's cases go through its services, each in its own transaction, like the API.
  await loadDemoProgramme(ctx);
}

async function printCredentials(config: Config, handle: DatabaseHandle): Promise<void> {
  const ctx = await buildCliContext(config, handle);
  const rows = await ctx.db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.email',
      'users.name',
      'users.role',
      'users.totp_secret_enc',
      'organisations.name as organisation',
    ])
    .execute();
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const orgCount = await ctx.db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();

  out('');
  out(
    `Demo accounts (all fictional; ${Number(orgCount.n)} organisations). Sign in at ${config.publicUrl}`,
  );
  out('');
  out(
    table(
      ['Role', 'Name', 'E-mail', 'Password', 'Two-factor', 'Organisation'],
      DEMO_USERS.filter((u) => byEmail.has(u.email)).map((u) => [
        u.role,
        u.name,
        u.email,
        u.password,
        MFA_REQUIRED_ROLES.has(u.role) ? 'TOTP' : '-',
        byEmail.get(u.email)?.organisation ?? '',
      ]),
    ),
  );
  const mfa = DEMO_USERS.filter((u) => MFA_REQUIRED_ROLES.has(u.role) && byEmail.has(u.email));
  if (mfa.length > 0) {
    out('');
    out('Two-factor (TOTP) secrets of the demo accounts that must use it. Add one to an');
    out('authenticator app, or print the current code with `slussa demo-code <e-mail>`:');
    for (const u of mfa) {
      const enc = byEmail.get(u.email)?.totp_secret_enc;
      if (!enc) continue;
      const secret = ctx.crypto.decrypt(enc);
      out('');
      out(`  ${u.email}`);
      out(`    secret: ${secret}`);
      out(`    uri:    ${totpUri(secret, u.email)}`);
    }
  }
  out('');
  out(
    'These passwords and secrets are public demo values: never use the demo database for real data.',
  );
}

/** `slussa demo-code <email>`: the current TOTP code of a demo account (demo databases only). */
export async function demoCodeCommand(
  base: Config,
  email: string,
  opts: DemoTarget,
): Promise<void> {
  const config = demoConfig(base, opts);
  if (!config.databaseUrl && !fs.existsSync(sqlitePath(config))) {
    throw new CliError(
      `There is no demo database at ${sqlitePath(config)}. Run \`slussa demo\` first.`,
    );
  }
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqlitePath(config),
    poolSize: 1,
  });
  await withDatabase(handle, async (h) => {
    if (!(await isDemoDatabase(h.db))) {
      throw new CliError(
        `Refusing: ${describeDatabase(config)} is not a demo database (it has no demo=true setting). ` +
          'demo-code only works on the database `slussa demo` created.',
      );
    }
    const user = await h.db
      .selectFrom('users')
      .select(['totp_secret_enc', 'totp_enabled_at'])
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    if (!user) throw new CliError(`No demo user with the e-mail ${email}.`);
    if (!user.totp_secret_enc || !user.totp_enabled_at) {
      throw new CliError(`${email} does not use two-factor sign-in.`);
    }
    const ctx = await buildCliContext(config, h);
    const secret = ctx.crypto.decrypt(user.totp_secret_enc);
    const now = Date.now();
    const code = await generate({ secret, epoch: Math.floor(now / 1000) });
    const left = 30 - (Math.floor(now / 1000) % 30);
    out(code);
    process.stderr.write(`(valid for about ${left} more seconds)\n`);
  });
}
