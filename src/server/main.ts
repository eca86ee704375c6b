import { loadConfig } from './core/config.js';
import { startServer } from './server.js';

/** Start-up: config → database → migrations → first run → listen (see server.ts). */
startServer(loadConfig()).catch((err: unknown) => {
  process.stderr.write(
    `Slussa could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
