/**
 * The lockfile check (scripts/check-lockfile.mjs): a crafted lockfile with
 * every kind of foreign source is refused, naming each offender; the
 * project's own lockfile passes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const script = path.join(root, 'scripts', 'check-lockfile.mjs');
const SHA512 = `sha512-${'A'.repeat(86)}==`;
const good = (name: string) => ({
  version: '1.0.0',
  resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`,
  integrity: SHA512,
});

const dirs: string[] = [];
function lockfileIn(lock: unknown, npmrc?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slussa-lock-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
  if (npmrc !== undefined) fs.writeFileSync(path.join(dir, '.npmrc'), npmrc);
  return path.join(dir, 'package-lock.json');
}
const check = (file: string) =>
  spawnSync(process.execPath, [script, file], { encoding: 'utf8', cwd: root });

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the lockfile check', () => {
  it('refuses every source but the npm registry over https, naming each offender', () => {
    const file = lockfileIn(
      {
        name: 'x',
        lockfileVersion: 3,
        packages: {
          '': { name: 'x', version: '1.0.0' },
          'node_modules/fine': good('fine'),
          // No `resolved` (npm's omit-lockfile-registry-resolved): the configured registry.
          'node_modules/fine-unresolved': { version: '2.0.0', integrity: SHA512 },
          'node_modules/own-workspace': { resolved: 'packages/own', link: true },
          'node_modules/from-git': {
            version: '1.0.0',
            resolved: 'git+ssh://git@github.com/evil/pkg.git#abc123',
            integrity: SHA512,
          },
          'node_modules/over-http': {
            ...good('over-http'),
            resolved: 'http://registry.npmjs.org/over-http/-/over-http-1.0.0.tgz',
          },
          'node_modules/other-registry': {
            ...good('other-registry'),
            resolved: 'https://registry.example.com/other-registry/-/other-registry-1.0.0.tgz',
          },
          'node_modules/from-file': { version: 'file:../pkg', integrity: SHA512 },
          'node_modules/tarball-url': {
            version: 'https://example.com/pkg.tgz',
            integrity: SHA512,
          },
          'node_modules/no-integrity': { ...good('no-integrity'), integrity: undefined },
          'node_modules/sha1-only': {
            ...good('sha1-only'),
            integrity: 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=',
          },
          'node_modules/far-link': { resolved: '../../elsewhere', link: true },
        },
      },
      'registry=http://registry.example.com/\n',
    );
    const res = check(file);
    expect(res.status).toBe(1);
    const offenders = res.stderr
      .split('\n')
      .filter((l) => l.startsWith('  - '))
      .map((l) => l.slice(4).split(':')[0]);
    expect(offenders.sort()).toEqual(
      [
        'node_modules/from-git',
        'node_modules/over-http',
        'node_modules/other-registry',
        'node_modules/from-file',
        'node_modules/tarball-url',
        'node_modules/no-integrity',
        'node_modules/sha1-only',
        'node_modules/far-link',
        '.npmrc',
      ].sort(),
    );
  });

  it('refuses an old or unreadable lockfile', () => {
    expect(check(lockfileIn({ lockfileVersion: 1, dependencies: {} })).status).toBe(1);
    const broken = lockfileIn({});
    fs.writeFileSync(broken, '{"lockfileVersion":');
    expect(check(broken).status).toBe(1);
  });

  it('passes the project lockfile', () => {
    const res = check(path.join(root, 'package-lock.json'));
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(
      /^check-lockfile: \d+ packages, all from https:\/\/registry\.npmjs\.org\//,
    );
  });
});
