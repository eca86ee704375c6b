#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../server/core/config.js';
import { CliError } from './errors.js';

/**
 * `slussa`: the operator's command-line tool. Every command reads its
 * configuration from the environment exactly like the server (DATABASE_URL
 * for PostgreSQL, else SQLite at $SLUSSA_DATA_DIR/slussa.db; the master key
 * from SLUSSA_MASTER_KEY or $SLUSSA_DATA_DIR/master.key).
 */

const ENVIRONMENT_HELP = `
Environment (as for the server):
  DATABASE_URL         PostgreSQL connection string; without it SQLite is used
  SLUSSA_DATA_DIR      data folder (default ./data): slussa.db, master.key, backups/
  SLUSSA_SQLITE_FILE   SQLite file name inside the data folder (default slussa.db)
  SLUSSA_MASTER_KEY    master key (base64, 32 bytes); else $SLUSSA_DATA_DIR/master.key
  PUBLIC_URL           address users reach the server at (used in set-up links)`;

const config = (): Config => loadConfig();

// Commands are loaded on use, so a quick command does not load the whole server.
const migrate = () => import('./migrate.js');
const admin = () => import('./admin.js');
const auditCmd = () => import('./audit.js');
const backup = () => import('./backup.js');
const demo = () => import('./demo.js');

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a port number (1-65535)');
  }
  return port;
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('slussa')
    .description('Operate a Slussa installation: database, administrators, backups, audit chain.')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP);

  program
    .command('migrate')
    .description('apply pending database migrations and list what was applied')
    .action(async () => (await migrate()).migrateCommand(config()));

  program
    .command('create-admin')
    .description(
      'create an administrator, or issue a new one-time set-up link for an existing one (recovers a lost first-run link)',
    )
    .option(
      '--email <email>',
      'administrator e-mail (default $SLUSSA_ADMIN_EMAIL or admin@slussa.local)',
    )
    .option('--name <name>', 'display name for a new administrator', 'Administratör')
    .action(async (opts: { email?: string; name?: string }) =>
      (await admin()).createAdminCommand(config(), opts),
    );

  program
    .command('demo')
    .description(
      'load a wholly fictional demo data set into its own database ($SLUSSA_DATA_DIR/demo.db), optionally serve it',
    )
    .option('--serve', 'start the server on the demo database afterwards')
    .option('--port <port>', 'port for --serve (default $PORT or 3000)', parsePort)
    .option('--reset', 'delete the demo database first')
    .option(
      '--database-url <url>',
      'put the demo into this (separate) PostgreSQL database instead of demo.db',
    )
    .action(
      async (opts: { serve?: boolean; port?: number; reset?: boolean; databaseUrl?: string }) =>
        (await demo()).demoCommand(config(), opts),
    );

  program
    .command('demo-code')
    .description('print the current two-factor code of a demo account (only on the demo database)')
    .argument('<email>', 'e-mail of a demo account that uses two-factor sign-in')
    .option('--database-url <url>', 'the PostgreSQL database the demo was loaded into')
    .action(async (email: string, opts: { databaseUrl?: string }) =>
      (await demo()).demoCodeCommand(config(), email, opts),
    );

  program
    .command('backup')
    .description(
      'online backup of the configured database plus a manifest (schema version, row counts, content hashes)',
    )
    .option(
      '--out <file>',
      'output file (default $SLUSSA_DATA_DIR/backups/slussa-<timestamp>.<ext>)',
    )
    .option(
      '--logical',
      'PostgreSQL: write a logical JSON-lines export even if pg_dump is available',
    )
    .addHelpText(
      'after',
      '\nThe backup holds encrypted fields; it is useless without the master key, which it does not contain.',
    )
    .action(async (opts: { out?: string; logical?: boolean }) =>
      (await backup()).backupCommand(config(), opts),
    );

  program
    .command('restore')
    .description(
      'verify a backup against its manifest and restore it into the configured database (server stopped)',
    )
    .argument('<file>', 'the backup file (its manifest <file>.manifest.json must be beside it)')
    .option(
      '--force',
      'replace a database that holds data (and restore despite a missing or different master key)',
    )
    .action(async (file: string, opts: { force?: boolean }) =>
      (await backup()).restoreCommand(config(), file, opts),
    );

  const audit = program.command('audit').description('audit trail tools');
  audit
    .command('verify')
    .description(
      'walk the hash-chained audit trail; exit code 2 and the first broken seq when broken',
    )
    .action(async () => (await auditCmd()).auditVerifyCommand(config()));

  return program;
}

async function main(argv: string[]): Promise<void> {
  // `slussa demo | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // Unexpected: the message, and the stack trace when SLUSSA_DEBUG is set.
    const detail =
      err instanceof Error
        ? process.env.SLUSSA_DEBUG
          ? (err.stack ?? err.message)
          : err.message
        : String(err);
    process.stderr.write(`error: ${detail}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
