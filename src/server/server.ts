import type { Config } from './core/config.js';
import { openAndMigrate } from './core/bootstrap.js';
import type { AppContext } from './core/context.js';
import type { App } from './core/http.js';
import { buildApp } from './app.js';
import { ensureFirstAdmin } from './modules/users/first-run.js';

export interface RunningServer {
  app: App;
  ctx: AppContext;
  /** Stops listening, drains the audit queue and mail worker, and closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** E-mail of the administrator created on an empty database (first run). */
  adminEmail?: string;
}

/**
 * Start-up: config → database (locked) → migrations → first run → listen.
 * Used by `src/server/main.ts` and by `slussa demo --serve`.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const adminEmail = opts.adminEmail ?? process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local';
  const database = await openAndMigrate(config, { lock: true });
  const { app, ctx } = await buildApp({ config, database });

  const link = await ensureFirstAdmin(ctx, adminEmail);
  if (link) {
    // Printed once, to the console only (not the log): the one way into a new installation.
    process.stdout.write(
      `\n  Slussa is set up. Open this one-time link to choose the administrator's password (valid 72 hours):\n\n  ${link}\n\n` +
        `  Administrator e-mail: ${adminEmail}\n` +
        `  Lost the link? Run: npm run slussa -- create-admin\n\n`,
    );
  }

  ctx.mail.start(config.outboxIntervalMs);
  await app.listen({ port: config.port, host: config.host });

  const close = async (): Promise<void> => {
    await app.close();
    await database.close();
  };

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    void close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  return { app, ctx, close };
}
