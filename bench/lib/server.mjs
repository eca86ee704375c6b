// Child-process servers for benchmarks: the bare Fastify baseline and the
// built Slussa server (dist/server/main.js) on a fresh SQLite data folder.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/**
 * The built app (`dist` unless BENCH_DIST names another build, such as a
 * private `tsc --outDir`, so that a run is not disturbed by rebuilds of dist).
 */
export const DIST_DIR = process.env.BENCH_DIST
  ? path.resolve(process.env.BENCH_DIST)
  : path.join(REPO_DIR, 'dist');

/** Benchmarks use ports in this range only. */
export const PORT_MIN = 3300;
export const PORT_MAX = 3399;

/**
 * @typedef {object} ChildServer
 * @property {string} name
 * @property {number} port
 * @property {number} pid
 * @property {string} url      where to send requests, e.g. http://127.0.0.1:3301 (no trailing slash)
 * @property {string} origin   the public origin, e.g. http://localhost:3301 (the CSRF check wants it as Origin)
 * @property {() => string} stdout  everything the child wrote to stdout so far
 * @property {() => string} stderr  everything the child wrote to stderr so far
 * @property {() => Promise<number | null>} stop  SIGTERM, then SIGKILL after 15 s; resolves with the exit code
 */

/**
 * The first port from `from` up to PORT_MAX that nothing listens on now
 * (and that `taken` does not hold).
 *
 * @param {number} [from]
 * @param {Set<number>} [taken]
 * @returns {Promise<number>}
 */
export async function freePort(from = PORT_MIN, taken = new Set()) {
  for (let port = from; port <= PORT_MAX; port += 1) {
    if (taken.has(port)) continue;
    const ok = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
        srv.close(() => resolve(true)),
      );
    });
    if (ok) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`No free port in ${from}–${PORT_MAX}`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `node <args>` and waits until `GET readyPath` answers 200.
 *
 * @param {object} o
 * @param {string} o.name
 * @param {string[]} o.args       arguments to node (flags, then the script)
 * @param {NodeJS.ProcessEnv} o.env
 * @param {number} o.port
 * @param {string} o.readyPath
 * @param {number} [o.timeoutMs]
 * @returns {Promise<ChildServer>}
 */
export async function startChild({ name, args, env, port, readyPath, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, args, {
    cwd: REPO_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  /** @type {number | null | undefined} */
  let exitCode;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    }),
  );
  // The servers listen on 127.0.0.1 only; `localhost` may resolve to ::1 first.
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${name} exited (${exitCode}) before it was ready:\n${err || out}`);
    }
    try {
      const res = await fetch(`${url}${readyPath}`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${readyPath} within ${timeoutMs} ms:\n${err || out}`);
    }
    await sleep(100);
  }
  return {
    name,
    port,
    pid: /** @type {number} */ (child.pid),
    url,
    origin: `http://localhost:${port}`,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return /** @type {number | null} */ (code);
    },
  };
}

/**
 * The bare Fastify hello-world baseline (GET / → {"hello":"world"}).
 *
 * @param {{ port: number }} o
 */
export function startBare({ port }) {
  return startChild({
    name: 'bare Fastify',
    args: [path.join(BENCH_DIR, 'lib', 'bare-server.mjs')],
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    port,
    readyPath: '/',
  });
}

/**
 * @typedef {ChildServer & {
 *   dataDir: string,
 *   sqlitePath: string,
 *   adminEmail: string,
 *   setupToken: string | undefined,
 *   cleanup: () => void,
 * }} SlussaServer
 */

/**
 * Starts the BUILT server (dist/server/main.js) on SQLite in a fresh temp data
 * folder, in production mode, with the global rate limit raised so that it
 * does not refuse the benchmark's load (per-route limits stay as they are).
 *
 * @param {object} o
 * @param {number} o.port
 * @param {string[]} [o.nodeArgs]   extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']
 * @param {string} [o.dataDir]      defaults to a new folder under the OS temp folder
 * @param {NodeJS.ProcessEnv} [o.env] extra environment
 * @param {string} [o.main]         the server's entry point (default: this repository's dist/server/main.js)
 * @param {number} [o.timeoutMs]    how long to wait for /api/health (startChild's default: 30 s)
 * @returns {Promise<SlussaServer>}
 */
export async function startSlussa({
  port,
  nodeArgs = [],
  dataDir,
  env = {},
  main = path.join(DIST_DIR, 'server', 'main.js'),
  timeoutMs,
}) {
  if (!fs.existsSync(main)) {
    throw new Error(`${main} is missing: run \`npm run build:server\` first`);
  }
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-bench-'));
  const adminEmail = 'admin@bench.example';
  const childEnv = { ...process.env };
  // Never benchmark against whatever database or mail server the shell points at.
  for (const k of [
    'DATABASE_URL',
    'SLUSSA_SQLITE_FILE',
    'SMTP_URL',
    'TRUST_PROXY',
    'SLUSSA_MASTER_KEY',
    'NODE_OPTIONS',
  ]) {
    delete childEnv[k];
  }
  Object.assign(childEnv, {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    SLUSSA_DATA_DIR: dir,
    SLUSSA_ADMIN_EMAIL: adminEmail,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SLUSSA_RATE_LIMIT: '10000000',
    SLUSSA_SIGN_IN_RATE_LIMIT: '10000000',
    ...env,
  });
  const server = await startChild({
    name: 'Slussa',
    args: [...nodeArgs, main],
    env: childEnv,
    port,
    readyPath: '/api/health',
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  // The set-up link is printed once, on the first start of an empty database.
  const match = /\/welcome#token=([A-Za-z0-9_-]+)/.exec(server.stdout());
  return {
    ...server,
    dataDir: dir,
    sqlitePath: path.join(dir, 'slussa.db'),
    adminEmail,
    setupToken: match?.[1],
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The file system a path lives on, from statfs magic numbers: a benchmark of
 * fsync-bound commits on tmpfs would measure nothing.
 *
 * @param {string} p
 * @returns {string}
 */
export function fileSystemOf(p) {
  /** @type {Record<number, string>} */
  const names = {
    0xef53: 'ext4',
    0x01021994: 'tmpfs',
    0x58465342: 'xfs',
    0x9123683e: 'btrfs',
    0x794c7630: 'overlayfs',
    0x2fc12fc1: 'zfs',
  };
  try {
    const type = fs.statfsSync(p).type;
    return names[type] ?? `0x${type.toString(16)}`;
  } catch {
    return 'unknown';
  }
}
