// End-to-end run: starts the built server on a fresh data folder for each
// spec file (platform, directory, programme, budget, contact statistics), reads the first-run link each prints, runs
// the Playwright specs against them in Debian's Chromium, stops the servers
// and exits with Playwright's code. Extra arguments go to Playwright; with
// --project (one or more), only those projects' servers are started.
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

/** The first free port in 3200–3299 that is not already taken by this run. */
async function freePort(taken) {
  for (let port = 3200; port <= 3299; port++) {
    if (taken.has(port)) continue;
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

/**
 * One server per spec file, each on a fresh data folder with its own first
 * administrator, so that the specs never depend on each other's data or order.
 */
const INSTANCES = [
  { name: 'platform', env: { url: 'E2E_BASE_URL', link: 'E2E_WELCOME_LINK' } },
  { name: 'directory', env: { url: 'E2E_DIRECTORY_BASE_URL', link: 'E2E_DIRECTORY_WELCOME_LINK' } },
  { name: 'programme', env: { url: 'E2E_PROGRAMME_BASE_URL', link: 'E2E_PROGRAMME_WELCOME_LINK' } },
  { name: 'budget', env: { url: 'E2E_BUDGET_BASE_URL', link: 'E2E_BUDGET_WELCOME_LINK' } },
  {
    name: 'contact-statistics',
    env: {
      url: 'E2E_CONTACT_STATISTICS_BASE_URL',
      link: 'E2E_CONTACT_STATISTICS_WELCOME_LINK',
    },
  },
  { name: 'reports', env: { url: 'E2E_REPORTS_BASE_URL', link: 'E2E_REPORTS_WELCOME_LINK' } },
  {
    name: 'access-review',
    env: { url: 'E2E_ACCESS_REVIEW_BASE_URL', link: 'E2E_ACCESS_REVIEW_WELCOME_LINK' },
  },
  { name: 'dashboard', env: { url: 'E2E_DASHBOARD_BASE_URL', link: 'E2E_DASHBOARD_WELCOME_LINK' } },
];

/** The projects named with --project=a or --project a (Playwright's own option); none: all. */
function chosenProjects(args) {
  const names = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('--project=')) names.push(arg.slice('--project='.length));
    else if (arg === '--project' && args[i + 1]) names.push(args[++i] ?? '');
  }
  return names.flatMap((n) => n.split(',')).filter(Boolean);
}
const chosen = chosenProjects(process.argv.slice(2));
const unknown = chosen.filter((n) => !INSTANCES.some((i) => i.name === n));
if (unknown.length > 0) {
  log(`unknown project: ${unknown.join(', ')}`);
  process.exit(2);
}
const wanted = chosen.length > 0 ? INSTANCES.filter((i) => chosen.includes(i.name)) : INSTANCES;

const taken = new Set();
const servers = [];

async function startServer(instance) {
  const port = await freePort(taken);
  taken.add(port);
  const baseUrl = `http://localhost:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `slussa-e2e-${instance.name}-`));
  const logPath = path.join(dataDir, 'server.log');
  const logStream = fs.createWriteStream(logPath);
  const srv = { instance, baseUrl, dataDir, logPath, logStream, output: '', exited: false };
  log(`starting the ${instance.name} server on ${baseUrl} (data in ${dataDir})`);
  srv.child = spawn(process.execPath, ['dist/server/main.js'], {
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
  srv.child.stdout.on('data', (chunk) => {
    srv.output += chunk.toString();
    logStream.write(chunk);
  });
  srv.child.stderr.on('data', (chunk) => logStream.write(chunk));
  srv.child.on('exit', () => {
    srv.exited = true;
  });
  servers.push(srv);

  const linkPattern = /(https?:\/\/\S+\/welcome#token=[A-Za-z0-9_-]+)/;
  await waitFor(() => srv.exited || linkPattern.test(srv.output), 'the first-run link', 60_000);
  if (srv.exited) throw new Error(`the ${instance.name} server stopped during start-up`);
  srv.welcomeLink = linkPattern.exec(srv.output)?.[1] ?? '';
  await waitFor(
    async () => {
      if (srv.exited) throw new Error(`the ${instance.name} server stopped during start-up`);
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
  return srv;
}

let stopping;
async function stopServers() {
  stopping ??= Promise.all(
    servers.map(async (srv) => {
      if (!srv.exited) {
        srv.child.kill('SIGTERM');
        await waitFor(() => srv.exited, 'the server to stop', 10_000).catch(() =>
          srv.child.kill('SIGKILL'),
        );
      }
      await new Promise((resolve) => srv.logStream.end(resolve));
    }),
  );
  return stopping;
}

function cleanUp() {
  for (const srv of servers) fs.rmSync(srv.dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void stopServers().then(() => {
      cleanUp();
      process.exit(130);
    });
  });
}

let code = 1;
try {
  const env = {
    ...process.env,
    E2E_ADMIN_EMAIL: process.env.SLUSSA_ADMIN_EMAIL ?? 'admin@slussa.local',
  };
  for (const instance of wanted) {
    const srv = await startServer(instance);
    env[instance.env.url] = srv.baseUrl;
    env[instance.env.link] = srv.welcomeLink;
  }
  log('servers are up; running Playwright');

  const run = spawnSync(
    npx,
    ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit', env },
  );
  code = run.status ?? 1;
} catch (err) {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await stopServers();
  if (code !== 0) {
    for (const srv of servers) {
      const tail = fs.readFileSync(srv.logPath, 'utf8').split('\n').slice(-40).join('\n');
      log(`last lines of the ${srv.instance.name} server output:\n${tail}`);
    }
  }
  cleanUp();
}
process.exit(code);
