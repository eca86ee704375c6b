#!/usr/bin/env node
/**
 * Writes a CycloneDX JSON SBOM of the production dependencies to
 * sbom/slussa.cdx.json (git-ignored: it is generated, and dist/ is emptied by
 * builds). npm builds it from the installed tree, offline. `npm sbom --omit
 * dev` drops production packages that a dev dependency also uses (npm/cli
 * #7909: here zod and nodemailer), so the full SBOM is taken and cut down to
 * what the production dependencies reach through its own dependency graph.
 * The basics are checked before anything is written: the format, a spec
 * version, components with npm package URLs, every direct dependency present
 * and no test tooling.
 *
 * Usage: node scripts/sbom.mjs [output file]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'sbom', 'slussa.cdx.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function fail(message) {
  console.error(`sbom: ${message}`);
  process.exit(1);
}

let raw;
try {
  raw = execFileSync('npm', ['sbom', '--sbom-format', 'cyclonedx'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
} catch (err) {
  fail(`npm sbom failed: ${err.stderr || err.message}`);
}

const bom = JSON.parse(raw);
// npm names the root component after the folder; the product's name is the package's.
if (bom.metadata?.component) bom.metadata.component.name = pkg.name;

// The production closure: from the root's runtime dependencies along the dependency graph.
const rootRef = bom.metadata?.component?.['bom-ref'];
const graph = new Map((bom.dependencies ?? []).map((d) => [d.ref, d.dependsOn ?? []]));
const runtime = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
]);
const refName = (ref) => ref.slice(0, ref.lastIndexOf('@'));
const keep = new Set();
const queue = (graph.get(rootRef) ?? []).filter((ref) => runtime.has(refName(ref)));
while (queue.length > 0) {
  const ref = queue.pop();
  if (keep.has(ref)) continue;
  keep.add(ref);
  queue.push(...(graph.get(ref) ?? []));
}
bom.components = (bom.components ?? []).filter((c) => keep.has(c['bom-ref']));
bom.dependencies = (bom.dependencies ?? [])
  .filter((d) => d.ref === rootRef || keep.has(d.ref))
  .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((r) => keep.has(r)) }));

const problems = [];
if (bom.bomFormat !== 'CycloneDX') problems.push(`bomFormat ${bom.bomFormat}`);
if (!/^1\.\d+$/.test(String(bom.specVersion))) problems.push(`specVersion ${bom.specVersion}`);
const components = Array.isArray(bom.components) ? bom.components : [];
if (components.length === 0) problems.push('no components');
for (const c of components) {
  if (!c.name || !c.version) problems.push(`component without name or version: ${c['bom-ref']}`);
  if (!String(c.purl ?? '').startsWith('pkg:npm/'))
    problems.push(`${c.name}@${c.version}: purl ${JSON.stringify(c.purl)}`);
}
const names = new Set(components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
for (const dep of Object.keys(pkg.dependencies ?? {}))
  if (!names.has(dep)) problems.push(`direct dependency ${dep} missing`);
// Tools that only tests and builds use: their presence would mean dev dependencies leaked in.
for (const dev of ['vitest', 'eslint', '@playwright/test', 'vite', 'prettier'])
  if (names.has(dev)) problems.push(`development tool ${dev} listed`);
if (problems.length > 0) fail(`the SBOM fails its checks:\n  - ${problems.join('\n  - ')}`);

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(bom, null, 2) + '\n');

const licences = new Map();
for (const c of components) {
  const ids = (c.licenses ?? []).map((l) => l.license?.id ?? l.license?.name ?? l.expression);
  const key = ids.length > 0 ? ids.join(' OR ') : '(none declared)';
  licences.set(key, (licences.get(key) ?? 0) + 1);
}
const top = [...licences]
  .sort((a, b) => b[1] - a[1])
  .map(([k, n]) => `${k} ${n}`)
  .join(', ');
console.log(
  `sbom: CycloneDX ${bom.specVersion}, ${components.length} production components ` +
    `(${Object.keys(pkg.dependencies ?? {}).length} direct), written to ${path.relative(root, out)}`,
);
console.log(`sbom: licences: ${top}`);
