// Summarises a V8 .cpuprofile (node --cpu-prof) into where the time went:
// self time by package/area, and the functions with the most self and
// inclusive time. Used with BENCH_CPU_PROF=1 (see bench/README.md).
import fs from 'node:fs';
import path from 'node:path';

/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string, url: string, lineNumber: number }} callFrame
 * @property {number[]} [children]
 */

/**
 * @typedef {object} ProfileSummary
 * @property {string} file
 * @property {number} totalMs  sampled time
 * @property {number} busyMs   sampled time not idle; the percentages are of this
 * @property {Array<{ area: string, ms: number, pct: number }>} byArea
 * @property {Array<{ fn: string, ms: number, pct: number }>} topSelf
 * @property {Array<{ fn: string, ms: number, pct: number }>} topInclusive
 */

/**
 * The area a script belongs to: an npm package, a folder of the server, Node itself.
 *
 * @param {string} url
 * @param {string} functionName
 */
export function areaOf(url, functionName) {
  if (!url) {
    if (functionName.startsWith('(')) return functionName; // (idle), (program), (garbage collector)
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = url.indexOf('/dist/server/');
  if (dist >= 0) {
    const rel = url.slice(dist + '/dist/server/'.length).split('/');
    return `slussa:${rel.length > 1 ? rel.slice(0, -1).join('/') : rel[0]}`;
  }
  return url.replace(/^file:\/\//, '');
}

/** @param {ProfileNode['callFrame']} f */
const label = (f) => {
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
  const area = areaOf(f.url, f.functionName);
  return `${f.functionName || '(anonymous)'} ${where} [${area}]`.trim();
};

/**
 * @param {string} file  a .cpuprofile
 * @param {{ top?: number }} [o]
 * @returns {ProfileSummary}
 */
export function summariseProfile(file, { top = 25 } = {}) {
  /** @type {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} */
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  /** @type {Map<number, number>} microseconds of self time per node */
  const self = new Map();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = Math.max(0, prof.timeDeltas[i] ?? 0);
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });

  /** @type {Map<string, number>} */
  const areas = new Map();
  /** @type {Map<string, number>} */
  const selfByFn = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  for (const [id, us] of self) {
    const node = /** @type {ProfileNode} */ (byId.get(id));
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = label(node.callFrame);
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
    // Inclusive: every distinct function on the stack of this node gets the time once.
    /** @type {Set<string>} */
    const seen = new Set();
    for (
      let cur = /** @type {number | undefined} */ (id);
      cur !== undefined;
      cur = parent.get(cur)
    ) {
      const k = label(/** @type {ProfileNode} */ (byId.get(cur)).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  // Percentages are of busy time: idle time depends on how long the server waited.
  const busy = total - (areas.get('(idle)') ?? 0);
  areas.delete('(idle)');
  selfByFn.delete('(idle)  [(idle)]');
  inclusive.delete('(idle)  [(idle)]');
  /** @param {Map<string, number>} m @param {string} name */
  const rows = (m, name) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({
        [name]: k,
        ms: Math.round(us / 1000),
        pct: Math.round((us / busy) * 1000) / 10,
      }));
  return {
    file,
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    byArea: /** @type {any} */ (rows(areas, 'area')),
    topSelf: /** @type {any} */ (rows(selfByFn, 'fn').slice(0, top)),
    topInclusive: /** @type {any} */ (
      rows(inclusive, 'fn')
        .filter((r) => !String(r.fn).startsWith('(root)'))
        .slice(0, top)
    ),
  };
}

/**
 * @param {ProfileSummary} s
 * @returns {string}
 */
export function formatProfileSummary(s) {
  const lines = [
    `CPU profile ${s.file}: ${s.busyMs} ms busy of ${s.totalMs} ms sampled; % of busy time`,
    '',
    'Self time by area:',
  ];
  for (const r of s.byArea.filter((a) => a.pct >= 0.1))
    lines.push(`  ${String(r.pct).padStart(5)} %  ${r.area}`);
  lines.push('', 'Top functions by self time:');
  for (const r of s.topSelf) lines.push(`  ${String(r.pct).padStart(5)} %  ${r.fn}`);
  lines.push('', 'Top functions by inclusive time:');
  for (const r of s.topInclusive) lines.push(`  ${String(r.pct).padStart(5)} %  ${r.fn}`);
  return lines.join('\n');
}

/**
 * The newest `.cpuprofile` in `dir` written since `since` (ms), summarised and
 * printed; undefined (and a warning) when the server wrote none.
 *
 * @param {object} o
 * @param {string} o.dir
 * @param {number} o.since   Date.now() when the profiled server started
 * @param {number} o.wallMs  how long it ran
 * @param {(s: string) => void} o.log
 * @param {string[]} o.warnings
 * @returns {Record<string, unknown> | undefined}
 */
export function latestProfile({ dir, since, wallMs, log, warnings }) {
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).mtimeMs >= since)
    .sort()
    .at(-1);
  if (!file) {
    warnings.push('BENCH_CPU_PROF=1 but no .cpuprofile was written');
    return undefined;
  }
  const summary = summariseProfile(file, { top: 30 });
  log(`\n${formatProfileSummary(summary)}\n`);
  return { ...summary, wallMs };
}
