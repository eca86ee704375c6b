import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/server/core/db/database.js';

/**
 * Runs the real `slussa` command as a child process (through tsx, so no build
 * is needed) against a temp data folder and, with TEST_DB=postgres, fresh
 * PostgreSQL databases created from TEST_DATABASE_URL.
 */
export const TEST_DB: 'sqlite' | 'postgres' =
  process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of the child: the caller's, minus anything that would pick another database. */
function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('SLUSSA_') || k === 'DATABASE_URL' || k === 'PORT' || k === 'PUBLIC_URL')
      delete env[k];
  }
  env.NODE_ENV = 'test';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: baseEnv(env), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code =
          err === null ? 0 : typeof err.code === 'number' ? err.code : err.killed ? -1 : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts a long-running command (e.g. `demo --serve`); the caller stops it. */
export function spawnCli(args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** One installation: a data folder and, on PostgreSQL, its own database. */
export interface Site {
  dataDir: string;
  /** DATABASE_URL of this site (PostgreSQL only). */
  databaseUrl: string | undefined;
  env: Record<string, string | undefined>;
  run(args: string[], extraEnv?: Record<string, string | undefined>): Promise<CliResult>;
  /** Opens this site's database directly (never takes the server lock). */
  open(sqliteFile?: string): DatabaseHandle;
}

const cleanups: Array<() => Promise<void>> = [];

export async function createPgDatabase(): Promise<string> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `slussa_cli_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createSite(opts: { masterKeyFrom?: Site } = {}): Promise<Site> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-cli-'));
  cleanups.push(() => Promise.resolve(fs.rmSync(dataDir, { recursive: true, force: true })));
  if (opts.masterKeyFrom) {
    fs.copyFileSync(
      path.join(opts.masterKeyFrom.dataDir, 'master.key'),
      path.join(dataDir, 'master.key'),
    );
  }
  const databaseUrl = TEST_DB === 'postgres' ? await createPgDatabase() : undefined;
  const env = { SLUSSA_DATA_DIR: dataDir, DATABASE_URL: databaseUrl };
  return {
    dataDir,
    databaseUrl,
    env,
    run: (args, extraEnv = {}) => runCli(args, { ...env, ...extraEnv }),
    open: (sqliteFile = 'slussa.db') =>
      openDatabase({
        databaseUrl,
        sqlitePath: path.join(dataDir, sqliteFile),
        poolSize: 2,
      }),
  };
}

/** Drops every database and folder the tests created. */
export async function cleanupSites(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}

/** Runs `fn` on a short-lived connection. */
export async function withDb<T>(
  handle: DatabaseHandle,
  fn: (h: DatabaseHandle) => Promise<T>,
): Promise<T> {
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

/** Fails with the command's output when it did not succeed. */
export function ok(r: CliResult): CliResult {
  if (r.code !== 0) {
    throw new Error(`command failed (exit ${r.code})\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return r;
}

export interface ManifestJson {
  kind: string;
  file: string;
  fileSha256: string;
  fileBytes: number;
  migrations: string[];
  tables: Record<string, { rows: number; sha256: string }>;
  encryption: { dataKeys: number; masterKeyFingerprint: string | null };
}

export const readManifest = (backupFile: string): ManifestJson =>
  JSON.parse(fs.readFileSync(`${backupFile}.manifest.json`, 'utf8')) as ManifestJson;
