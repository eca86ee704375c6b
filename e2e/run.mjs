// End-to-end run: starts the built server on a fresh data folder, reads the
// first-run link it prints, runs the Playwright specs against it in Debian's
// Chromium, stops the server and exits with Playwright's code.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** The first free port in 3200–3299. */
async function freePort() {
  for (let port = 3200; port <= 3299; port++) {
    const free = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 3200–3299');
}

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

if (
  !fs.existsSync(path.join(root, 'dist/server/main.js')) ||
  !fs.existsSync(path.join(root, 'dist/web/index.html'))
) {
  log('build missing: running npm run build');
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = await freePort();
const baseUrl = `http://localhost:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-e2e-'));
const serverLogPath = path.join(dataDir, 'server.log');
const serverLog = fs.createWriteStream(serverLogPath);
let output = '';

log(`starting the server on ${baseUrl} (data in ${dataDir})`);
const server = spawn(process.execPath, ['dist/server/main.js'], {
  cwd: root,
  env: {
    ...process.env,
    SLUSSA_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    NODE_ENV: 'development',
    SMTP_URL: '',
    DATABASE_URL: '',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.on('data', (chunk) => {
  output += chunk.toString();
  serverLog.write(chunk);
});
server.stderr.on('data', (chunk) => serverLog.write(chunk));
let serverExited = false;
server.on('exit', () => {
  serverExited = true;
});

let stopping;
async function stopServer() {
  stopping ??= (async () => {
    if (!serverExited) {
      server.kill('SIGTERM');
      await waitFor(() => serverExited, 'the server to stop', 10_000).catch(() =>
        server.kill('SIGKILL'),
      );
    }
    await new Promise((resolve) => serverLog.end(resolve));
  })();
  return stopping;
}

function cleanUp() {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void stopServer().then(() => {
      cleanUp();
      process.exit(130);
    });
  });
}

let code = 1;
try {
  const linkPattern = /(https?:\/\/\S+\/welcome#token=[A-Za-z0-9_-]+)/;
  await waitFor(() => serverExited || linkPattern.test(output), 'the first-run link', 60_000);
  if (serverExited) throw new Error('the server stopped during start-up');
  const welcomeLink = linkPattern.exec(output)?.[1] ?? '';
  await waitFor(
    async () => {
      if (serverExited) throw new Error('the server stopped during start-up');
      try {
        const res = await fetch(`${baseUrl}/api/health`);
        return res.ok;
      } catch {
        return false;
      }
    },
    '/api/health',
    30_000,
  );
  log('server is up; running Playwright');

  const run = spawnSync(npx, ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      E2E_BASE_URL: baseUrl,
      E2E_WELCOME_LINK: welcomeLink,
      E2E_ADMIN_EMAIL: process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local',
    },
  });
  code = run.status ?? 1;
} catch (err) {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await stopServer();
  if (code !== 0) {
    const tail = fs.readFileSync(serverLogPath, 'utf8').split('\n').slice(-40).join('\n');
    log(`last lines of the server output:\n${tail}`);
  }
  cleanUp();
}
process.exit(code);
