import { loadConfig } from './core/config.js';
import { openAndMigrate } from './core/bootstrap.js';
import { buildApp } from './app.js';
import { ensureFirstAdmin } from './modules/users/first-run.js';

/** Start-up: config → database → migrations → first run → listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openAndMigrate(config, { lock: true });
  const { app, ctx } = await buildApp({ config, database });

  const link = await ensureFirstAdmin(ctx, process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local');
  if (link) {
    // Printed once, to the console only (not the log): the one way into a new installation.
    process.stdout.write(
      `\n  Slussa is set up. Open this one-time link to choose the administrator's password (valid 72 hours):\n\n  ${link}\n\n` +
        `  Administrator e-mail: ${process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local'}\n` +
        `  Lost the link? Run: npm run slussa -- create-admin\n\n`,
    );
  }

  ctx.mail.start(config.outboxIntervalMs);
  await app.listen({ port: config.port, host: config.host });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    void app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Slussa could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
