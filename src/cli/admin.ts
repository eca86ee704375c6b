import type { Config } from '../server/core/config.js';
import { openAndMigrate } from '../server/core/bootstrap.js';
import { createAdminWithLink } from '../server/modules/users/first-run.js';
import { buildCliContext, CliError, describeDatabase, out, withDatabase } from './common.js';

export interface CreateAdminOptions {
  email?: string | undefined;
  name?: string | undefined;
}

/**
 * `slussa create-admin`: creates an administrator, or issues a new one-time
 * set-up link for an existing one (the way to recover a lost first-run link).
 * Does not take the server's lock, so it works while the server runs.
 */
export async function createAdminCommand(config: Config, opts: CreateAdminOptions): Promise<void> {
  const email = (opts.email ?? process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local')
    .trim()
    .toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new CliError(`"${email}" is not an e-mail address.`);
  }
  const name = opts.name?.trim() || 'Administratör';
  const handle = await openAndMigrate(config, { lock: false });
  await withDatabase(handle, async (h) => {
    const ctx = await buildCliContext(config, h);
    const existed = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    let link: string;
    try {
      link = await createAdminWithLink(ctx, { email, name, organisationName: 'Slussa' });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/not an administrator/.test(msg)) throw new CliError(msg);
      throw err;
    }
    out(`Database: ${describeDatabase(config)}`);
    out(
      existed
        ? `Administrator ${email} exists: issued a new one-time set-up link (older unused links no longer work).`
        : `Created administrator ${email}.`,
    );
    out('');
    out('Open this one-time link to choose the password (valid 72 hours, single use):');
    out('');
    out(`  ${link}`);
    out('');
    out('Treat the link like a password: anyone who has it can set the password.');
    out('The link uses PUBLIC_URL; set it if the server is reached at another address.');
  });
}
