// Results files and the printed table.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR, RESULTS_DIR } from './server.mjs';

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
