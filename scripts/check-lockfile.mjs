#!/usr/bin/env node
/**
 * Checks that every package in package-lock.json comes from the npm registry
 * over https and is pinned by a sha512 integrity hash: no git, http, file or
 * tarball-URL sources (workspace links aside). A project .npmrc may not point
 * the registry elsewhere either, since entries without `resolved` are fetched
 * from the configured registry.
 *
 * Usage: node scripts/check-lockfile.mjs [path/to/package-lock.json]
 * Exits 1 with a list of offenders, 0 when the lockfile is clean.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REGISTRY = 'https://registry.npmjs.org/';
/** A version that is a source, not a semver (git+ssh:, github:, file:, http:, a tarball path…). */
const SOURCE_SPEC = /^(?:[a-z][a-z0-9+.-]*:|\.{0,2}\/|~\/)|\.(?:tgz|tar\.gz|tar)$/i;

/** The offenders of a parsed lockfile, one line each. */
export function lockfileOffenders(lock) {
  const offenders = [];
  if (!lock || typeof lock !== 'object') return ['not a lockfile'];
  if (typeof lock.lockfileVersion !== 'number' || lock.lockfileVersion < 2)
    offenders.push(`lockfileVersion ${lock.lockfileVersion}: version 2 or 3 is required`);
  const packages = lock.packages;
  if (!packages || typeof packages !== 'object') return [...offenders, 'no "packages" map'];
  for (const [key, entry] of Object.entries(packages)) {
    if (key === '') continue; // the project itself
    const where = key || '(root)';
    if (!entry || typeof entry !== 'object') {
      offenders.push(`${where}: not an object`);
      continue;
    }
    // A workspace link points into this repository (a relative folder, no download).
    if (entry.link === true) {
      const target = String(entry.resolved ?? '');
      if (!target || SOURCE_SPEC.test(target) || path.isAbsolute(target) || target.startsWith('..'))
        offenders.push(`${where}: link outside the project (${target})`);
      continue;
    }
    // Bundled dependencies come inside their parent's tarball, which is checked.
    if (entry.inBundle === true) continue;
    if (entry.resolved !== undefined) {
      const resolved = String(entry.resolved);
      if (!resolved.startsWith(REGISTRY))
        offenders.push(`${where}: resolved from ${resolved} (only ${REGISTRY} is allowed)`);
    }
    if (typeof entry.version !== 'string' || SOURCE_SPEC.test(entry.version))
      offenders.push(
        `${where}: version ${JSON.stringify(entry.version)} is not a registry version`,
      );
    if (typeof entry.integrity !== 'string' || !/^sha512-[A-Za-z0-9+/]+=*$/.test(entry.integrity))
      offenders.push(`${where}: integrity ${JSON.stringify(entry.integrity)} is not sha512`);
  }
  return offenders;
}

/** Registry settings of a project .npmrc that point anywhere but the npm registry over https. */
export function npmrcOffenders(text) {
  const offenders = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([^=]*registry)\s*=\s*(.*)$/i.exec(line);
    if (m && m[2].trim().replace(/\/?$/, '/') !== REGISTRY)
      offenders.push(`.npmrc: ${m[1].trim()} = ${m[2].trim()} (only ${REGISTRY} is allowed)`);
  }
  return offenders;
}

function main() {
  const file = path.resolve(process.argv[2] ?? 'package-lock.json');
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`check-lockfile: cannot read ${file}: ${err.message}`);
    process.exit(1);
  }
  const offenders = lockfileOffenders(lock);
  const npmrc = path.join(path.dirname(file), '.npmrc');
  if (fs.existsSync(npmrc)) offenders.push(...npmrcOffenders(fs.readFileSync(npmrc, 'utf8')));
  const count = Object.keys(lock.packages ?? {}).filter((k) => k !== '').length;
  if (offenders.length > 0) {
    console.error(`check-lockfile: ${offenders.length} offender(s) in ${file}:`);
    for (const o of offenders) console.error(`  - ${o}`);
    process.exit(1);
  }
  console.log(`check-lockfile: ${count} packages, all from ${REGISTRY} with sha512 integrity`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
