// Results files and the printed table.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, REPO_DIR, RESULTS_DIR } from './server.mjs';

/** Settings read from the environment, with defaults. */
export function envNumber(/** @type {string} */ name, /** @type {number} */ fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

/** The machine and the code the figures belong to. */
export function environment() {
  /** @param {string[]} args */
  const git = (args) => {
    try {
      return execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    commit: git(['rev-parse', 'HEAD']),
    uncommittedChanges: (git(['status', '--porcelain']) ?? '').split('\n').filter(Boolean).length,
  };
}

/**
 * Writes `<name>-<timestamp>.json` and a copy under `latest` (a file name in
 * bench/results, or false for none). Returns the paths written.
 *
 * @param {string} name
 * @param {unknown} data
 * @param {{ latest?: string | false }} [o]
 */
export function writeResults(name, data, { latest = `${name}-latest.json` } = {}) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `${name}-${stamp}.json`);
  const text = `${JSON.stringify(data, null, 2)}\n`;
  fs.writeFileSync(file, text);
  const written = [file];
  if (latest) {
    const l = path.join(RESULTS_DIR, latest);
    fs.writeFileSync(l, text);
    written.push(l);
  }
  return written;
}

/**
 * A plain-text table: the first column left-aligned, the others right-aligned.
 *
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 */
export function formatTable(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  /** @param {string[]} r */
  const line = (r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(/** @type {string[]} */ (cells[0])), rule, ...cells.slice(1).map(line)].join('\n');
}

/** @param {number | undefined} x @param {number} [digits] */
export const fmt = (x, digits = 1) =>
  x === undefined || Number.isNaN(x)
    ? '–'
    : x.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Seconds since a `process.hrtime.bigint()`, to the millisecond. @param {bigint} start */
export const secondsSince = (start) =>
  Math.round((Number(process.hrtime.bigint() - start) / 1e9) * 1000) / 1000;

/**
 * a ÷ b rounded to `digits` decimals (the programme keeps 5, where its
 * ratios to the bare route can be tiny).
 *
 * @param {number} a @param {number} b @param {number} [digits]
 */
export const ratio = (a, b, digits = 3) => {
  const scale = 10 ** digits;
  return Math.round((a / b) * scale) / scale;
};

/** Exact percentile (nearest rank) of sorted values. @param {number[]} sorted @param {number} p */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return /** @type {number} */ (sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]);
}

/** @param {number} x */
export const round2 = (x) => Math.round(x * 100) / 100;
/** @param {number} x */
export const round3 = (x) => Math.round(x * 1000) / 1000;

/**
 * The `problems` line of a measurement with errors, timeouts or non-2xx answers.
 *
 * @param {{ title: string, errors: number, timeouts: number, non2xx: number, statusCodes: Record<string, number> }} m
 */
export const invalidProblem = (m) =>
  `${m.title}: INVALID (errors ${m.errors}, timeouts ${m.timeouts}, non-2xx ${m.non2xx}: ${JSON.stringify(m.statusCodes)})`;

/**
 * The `note:` when the load average, at the start (`env`) or now, exceeded the
 * CPUs; undefined when the machine was quiet enough.
 *
 * @param {{ cpus: number, loadAverage: number[] }} env  from environment() at the start
 */
export function busyWarning(env) {
  const busiest = Math.max(env.loadAverage[0] ?? 0, environment().loadAverage[0] ?? 0);
  return busiest > env.cpus
    ? `load average ${busiest} on ${env.cpus} CPUs: other work competed with the benchmark; all figures are rough`
    : undefined;
}

/**
 * The `note:` when a raw baseline's p95, measured before and after the routes,
 * moved more than 25 %; undefined when it held.
 *
 * @param {string} name @param {number} beforeP95 @param {number} afterP95
 */
export function rawDriftWarning(name, beforeP95, afterP95) {
  const drift = ratio(afterP95 - beforeP95, beforeP95);
  return Math.abs(drift) > 0.25
    ? `the raw ${name} p95 moved ${Math.round(drift * 100)} % between its two runs: the machine was busy; ratios are rough`
    : undefined;
}

/**
 * Verifies the audit hash chain of a stopped server's file with the build's
 * own code; adds a problem when it is broken. Returns the verification, or
 * why it could not run.
 *
 * @param {string} sqlitePath
 * @param {string[]} problems
 * @param {string} [distDir]  the build whose code verifies (default: the one benchmarked)
 * @returns {Promise<unknown>}
 */
export async function verifyAuditChain(sqlitePath, problems, distDir = DIST_DIR) {
  try {
    const dbmod = await import(
      pathToFileURL(path.join(distDir, 'server/core/db/database.js')).href
    );
    const auditmod = await import(pathToFileURL(path.join(distDir, 'server/core/audit.js')).href);
    const handle = dbmod.openDatabase({ sqlitePath });
    const chain = await auditmod.verifyAuditChain(handle.db);
    await handle.close();
    if (!(/** @type {{ ok: boolean }} */ (chain).ok)) problems.push('the audit chain is broken');
    return chain;
  } catch (err) {
    return `not verified: ${err instanceof Error ? err.message : String(err)}`;
  }
}
