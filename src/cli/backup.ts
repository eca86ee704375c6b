import type { Config } from '../server/core/config.js';
import { BackupError, createBackup, describeUrl, restoreBackup } from '../server/core/backup.js';
import { CliError, describeDatabase, out, warn } from './common.js';

const asCliError = (err: unknown): unknown =>
  err instanceof BackupError ? new CliError(err.message) : err;

/** `slussa backup`: an online copy plus its manifest. */
export async function backupCommand(
  config: Config,
  opts: { out?: string | undefined; logical?: boolean | undefined },
): Promise<void> {
  if (opts.logical && !config.databaseUrl) {
    throw new CliError(
      '--logical applies to PostgreSQL only; SQLite is always backed up as a file.',
    );
  }
  let result;
  try {
    result = await createBackup({ config, out: opts.out, logical: opts.logical ?? false });
  } catch (err) {
    throw asCliError(err);
  }
  const { manifest } = result;
  const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
  out(`Backed up ${describeDatabase(config)}`);
  out(
    `  file:     ${result.file} (${manifest.kind === 'sqlite' ? 'SQLite database' : manifest.kind === 'pg_dump' ? 'pg_dump custom format' : 'logical export, JSON lines'}, ${manifest.fileBytes} bytes)`,
  );
  out(`  manifest: ${result.manifestFile}`);
  out(
    `  schema:   ${manifest.migrations.at(-1) ?? 'none'}; ${Object.keys(manifest.tables).length} tables, ${rows} rows`,
  );
  out(`  sha256:   ${manifest.fileSha256}`);
  out('');
  out('IMPORTANT: this backup is useless without the master key.');
  out(`  ${manifest.encryption.note}`);
  if (manifest.encryption.masterKeyFingerprint) {
    out(`  Master key fingerprint: ${manifest.encryption.masterKeyFingerprint}`);
  }
  for (const w of result.warnings) warn(w);
}

/** `slussa restore FILE`: verifies the backup, then replaces the configured database. */
export async function restoreCommand(
  config: Config,
  file: string,
  opts: { force?: boolean | undefined },
): Promise<void> {
  out(
    `Restoring ${file} into ${config.databaseUrl ? `PostgreSQL ${describeUrl(config.databaseUrl)}` : describeDatabase(config)}`,
  );
  let result;
  try {
    result = await restoreBackup({
      config,
      file,
      force: opts.force ?? false,
      log: (line) => out(`  ${line}`),
    });
  } catch (err) {
    throw asCliError(err);
  }
  const rows = Object.values(result.manifest.tables).reduce((n, t) => n + t.rows, 0);
  out(
    `Restored: ${Object.keys(result.manifest.tables).length} tables, ${rows} rows; row counts and hashes match the manifest (backup of ${result.manifest.createdAt}, schema ${result.manifest.migrations.at(-1) ?? 'none'}).`,
  );
  for (const w of result.warnings) warn(w);
  out('Start the server as usual; it applies any newer migrations.');
}
