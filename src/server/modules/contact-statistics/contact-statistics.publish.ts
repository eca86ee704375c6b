import { EXPLOITATION_FORMS, GENDERS } from '../../core/reference.js';
import {
  assertThreshold,
  DEFAULT_THRESHOLD,
  percentages,
  protect,
  type Dimension,
  type PublishedFigure,
  type PublishedTwoWayTable,
  type TwoWayTable,
} from '../statistics/disclosure.js';
import {
  AGE_GROUPS,
  CERTAINTIES,
  type Figure,
  type SummaryDimension,
  type SummaryFigure,
  type SummaryTable,
  type SummaryTableKey,
} from './contact-statistics.schemas.js';

/**
 * The summary tables of the national contact statistics (pure functions, no
 * I/O): the persons of each certainty by form of exploitation, by gender and
 * by age group, each with its row, column and grand totals.
 *
 * Internal: full counts. Publishable: each table goes through the disclosure
 * module's {@link protect}; then, because the three tables describe the same
 * persons and share their row totals (persons per certainty) and grand total,
 * they are protected *together*:
 *
 * 1. A shared total suppressed in one table is suppressed in all of them
 *    (otherwise another table would simply publish it).
 * 2. A check over the three tables at once (every row, column and total
 *    equation of each table, the shared totals being one unknown, and the
 *    attacker's knowledge of each suppressed figure as in `disclosure.ts`:
 *    primary 1 … threshold − 1, secondary ≥ threshold, withheld any count)
 *    confirms that every suppressed non-zero figure can take at least two
 *    values (see {@link canMove}: it may answer "no" too cautiously, never
 *    "yes" wrongly). Where one could be worked out, more figures are
 *    suppressed (smallest counts ≥ threshold first, never zeros) until none
 *    can; if that is impossible, all three tables are withheld.
 *
 * Why: protected one by one, the tables can disagree about a shared total
 * (one suppresses the persons per certainty and publishes the grand total,
 * another does the opposite), and together they give a suppressed count away.
 *
 * Adding suppression never makes a protected figure derivable (every table
 * the attacker could not rule out before still fits), so the result keeps
 * what `protect` guaranteed for each table on its own. When all shared totals
 * are published in every table the tables are independent and the check is
 * not needed. Percentages are computed last, from the published figures only
 * (see {@link percentages}: suppressed members of a line take part as one
 * combined figure, derivable from the published ones).
 */

interface Axis {
  key: SummaryTableKey;
  dimension: SummaryDimension;
  categories: readonly string[];
  of: (f: Figure) => string;
}

const AXES: readonly Axis[] = [
  { key: 'certainty_form', dimension: 'form', categories: EXPLOITATION_FORMS, of: (f) => f.form },
  { key: 'certainty_gender', dimension: 'gender', categories: GENDERS, of: (f) => f.gender },
  { key: 'certainty_age', dimension: 'ageGroup', categories: AGE_GROUPS, of: (f) => f.ageGroup },
];

const CERTAINTY_DIMENSION: Dimension = {
  key: 'certainty',
  categories: CERTAINTIES,
  multiValued: false,
};

/** The internal version of one summary table (counts only). */
export function countTable(cells: readonly Figure[], axis: Axis): TwoWayTable {
  const counts = CERTAINTIES.map(() => axis.categories.map(() => 0));
  for (const f of cells) {
    const i = CERTAINTIES.indexOf(f.certainty);
    const j = axis.categories.indexOf(axis.of(f));
    const row = counts[i];
    if (row && j >= 0) row[j] = (row[j] ?? 0) + f.persons;
  }
  const rowTotals = counts.map((r) => sum(r));
  const columnTotals = axis.categories.map((_, j) => sum(counts.map((r) => r[j] ?? 0)));
  return {
    dimensions: [
      CERTAINTY_DIMENSION,
      { key: axis.dimension, categories: axis.categories, multiValued: false },
    ],
    counts,
    rowTotals,
    columnTotals,
    total: sum(rowTotals),
  };
}

/* ---------- the joint model of the three tables ---------- */

type Status = 'published' | 'primary' | 'secondary' | 'withheld';

/**
 * Every figure of the three tables as one unknown: the shared row totals
 * first, then the grand total, then each table's cells and column totals.
 */
interface Joint {
  values: number[];
  status: Status[];
  rowTotals: number[];
  total: number;
  tables: Array<{ cells: number[][]; columnTotals: number[]; withheld: boolean }>;
}

function jointModel(tables: readonly TwoWayTable[]): Joint {
  const first = tables[0];
  if (!first) throw new Error('no tables');
  const values: number[] = [];
  const add = (v: number) => values.push(v) - 1;
  const rowTotals = first.rowTotals.map(add);
  const total = add(first.total);
  const parts = tables.map((t) => {
    const cells = t.counts.map((r) => r.map(add));
    const columnTotals = t.columnTotals.map(add);
    return { cells, columnTotals, withheld: false };
  });
  return {
    values,
    status: values.map(() => 'published'),
    rowTotals,
    total,
    tables: parts,
  };
}

const stateOf = (f: PublishedFigure): Status => (f.state === 'published' ? 'published' : f.reason);

/** The statuses `protect` chose for each table, made consistent for the shared totals. */
function applyProtection(
  joint: Joint,
  published: readonly PublishedTwoWayTable[],
  threshold: number,
): void {
  published.forEach((p, k) => {
    const part = at(joint.tables, k);
    part.withheld = p.withheld;
    part.cells.forEach((r, i) =>
      r.forEach((v, j) => (joint.status[v] = stateOf(at(at(p.cells, i), j)))),
    );
    part.columnTotals.forEach((v, j) => (joint.status[v] = stateOf(at(p.columnTotals, j))));
  });
  // A shared total: known when any table that is not withheld publishes it; suppressed in
  // every table when one of them suppresses it.
  const shared: Array<[figure: number, of: (p: PublishedTwoWayTable) => PublishedFigure]> = [
    ...joint.rowTotals.map((v, i): [number, (p: PublishedTwoWayTable) => PublishedFigure] => [
      v,
      (p) => at(p.rowTotals, i),
    ]),
    [joint.total, (p) => p.total],
  ];
  for (const [v, of] of shared) {
    const open = published.filter((p) => !p.withheld);
    if (open.length === 0) joint.status[v] = 'withheld';
    else if (open.every((p) => of(p).state === 'published')) joint.status[v] = 'published';
    else joint.status[v] = suppressedStatus(at(joint.values, v), threshold);
  }
}

/** Why a figure that must not be published is suppressed. */
function suppressedStatus(value: number, threshold: number): Status {
  return value >= 1 && value < threshold ? 'primary' : 'secondary';
}

/** The interval the attacker knows a figure to lie in; `cap` stands for "any larger count". */
function domain(status: Status, value: number, threshold: number, cap: number): [number, number] {
  switch (status) {
    case 'published':
      return [value, value];
    case 'primary':
      return [1, threshold - 1];
    case 'secondary':
      return [threshold, cap];
    case 'withheld':
      return [0, cap];
  }
}

/**
 * Whether table k has figures within `bounds` that add up with the shared
 * totals `shared` (row totals, then the grand total). The table is a
 * circulation (source → row → column → sink → source, the row totals and the
 * grand total fixed), so this is a flow with lower and upper bounds: exact,
 * and integral.
 */
function tableFits(
  joint: Joint,
  k: number,
  bounds: ReadonlyArray<readonly [number, number]>,
  shared: readonly number[],
): boolean {
  const part = at(joint.tables, k);
  const m = part.cells.length;
  const n = part.columnTotals.length;
  const S = 0;
  const K = 1;
  const row = (i: number) => 2 + i;
  const col = (j: number) => 2 + m + j;
  const edges: Array<[from: number, to: number, lo: number, hi: number]> = [];
  for (let i = 0; i < m; i += 1) {
    const r = at(shared, i);
    edges.push([S, row(i), r, r]);
    at(part.cells, i).forEach((v, j) => edges.push([row(i), col(j), ...at(bounds, v)]));
  }
  part.columnTotals.forEach((v, j) => edges.push([col(j), K, ...at(bounds, v)]));
  const total = at(shared, m);
  edges.push([K, S, total, total]);
  return circulationExists(2 + m + n, edges);
}

/**
 * Whether a circulation exists in which every edge carries between its
 * bounds: the usual reduction of lower bounds to a maximum flow from a
 * super-source to a super-sink (Edmonds–Karp), which must saturate.
 */
function circulationExists(
  nodes: number,
  edges: ReadonlyArray<readonly [number, number, number, number]>,
): boolean {
  const source = nodes;
  const sink = nodes + 1;
  const size = nodes + 2;
  const to: number[] = [];
  const cap: number[] = [];
  const out: number[][] = Array.from({ length: size }, () => []);
  const arc = (u: number, v: number, c: number) => {
    out[u]?.push(to.length);
    to.push(v);
    cap.push(c);
    out[v]?.push(to.length);
    to.push(u);
    cap.push(0);
  };
  const excess = new Array<number>(size).fill(0);
  for (const [u, v, lo, hi] of edges) {
    if (lo > hi) return false;
    arc(u, v, hi - lo);
    excess[v] = at(excess, v) + lo;
    excess[u] = at(excess, u) - lo;
  }
  let need = 0;
  excess.forEach((e, v) => {
    if (e > 0) {
      arc(source, v, e);
      need += e;
    } else if (e < 0) arc(v, sink, -e);
  });
  let flow = 0;
  for (;;) {
    const via = new Array<number>(size).fill(-1);
    const queue = [source];
    for (let q = 0; q < queue.length && via[sink] === -1; q += 1) {
      const u = at(queue, q);
      for (const e of at(out, u)) {
        const v = at(to, e);
        if (at(cap, e) > 0 && via[v] === -1 && v !== source) {
          via[v] = e;
          queue.push(v);
        }
      }
    }
    if (via[sink] === -1) return flow === need;
    let push = Infinity;
    for (let v = sink; v !== source; v = at(to, at(via, v) ^ 1))
      push = Math.min(push, at(cap, at(via, v)));
    for (let v = sink; v !== source; v = at(to, at(via, v) ^ 1)) {
      const e = at(via, v);
      cap[e] = at(cap, e) - push;
      cap[e ^ 1] = at(cap, e ^ 1) + push;
    }
    flow += push;
  }
}

/**
 * Whether figure s can take another value in some set of three tables
 * consistent with everything published and the reasons of everything
 * suppressed. Checked exactly for the shared totals as they are and for every
 * change of them by one person (one certainty's total up and another's down,
 * or one certainty's total and the grand total together): each table is then
 * a flow problem of its own. A change that needs the shared totals to move
 * further is not looked for, so the answer "no" may be too cautious (more is
 * suppressed), never the answer "yes".
 */
function canMove(joint: Joint, threshold: number, s: number): boolean {
  const cap = 2 * at(joint.values, joint.total) + 2 * threshold + 1;
  const bounds = joint.values.map((v, i) => domain(at(joint.status, i), v, threshold, cap));
  const sharedFigures = [...joint.rowTotals, joint.total];
  const actual = sharedFigures.map((f) => at(joint.values, f));
  const m = joint.rowTotals.length;
  const deltas: number[][] = [actual.map(() => 0)];
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < m; j += 1) {
      if (i === j) continue;
      const d = actual.map(() => 0);
      d[i] = 1;
      d[j] = -1;
      deltas.push(d);
    }
    for (const sign of [1, -1]) {
      const d = actual.map(() => 0);
      d[i] = sign;
      d[m] = sign;
      deltas.push(d);
    }
  }
  const sharedIndex = sharedFigures.indexOf(s);
  const owner = joint.tables.findIndex(
    (p) => p.columnTotals.includes(s) || p.cells.some((r) => r.includes(s)),
  );
  const v = at(joint.values, s);
  const [lo, hi] = at(bounds, s);
  const others: Array<[number, number]> = [
    [lo, v - 1],
    [v + 1, hi],
  ];
  for (const d of deltas) {
    const shared = actual.map((a, i) => a + at(d, i));
    const within = shared.every((x, i) => {
      const [a, b] = at(bounds, at(sharedFigures, i));
      return x >= a && x <= b;
    });
    if (!within) continue;
    const moved = d.some((x) => x !== 0);
    if (sharedIndex >= 0) {
      if (
        at(d, sharedIndex) !== 0 &&
        joint.tables.every((_, k) => tableFits(joint, k, bounds, shared))
      )
        return true;
      continue;
    }
    const fitsOwner = others.some(([a, b]) => {
      if (a > b) return false;
      const narrowed = bounds.map((x, i): [number, number] => (i === s ? [a, b] : x));
      return tableFits(joint, owner, narrowed, shared);
    });
    if (
      fitsOwner &&
      (!moved || joint.tables.every((_, k) => k === owner || tableFits(joint, k, bounds, shared)))
    )
      return true;
  }
  return false;
}

/**
 * Suppresses further figures until no suppressed non-zero figure of the three
 * tables can be worked out from them together; false when even that fails.
 */
function protectJointly(joint: Joint, threshold: number): boolean {
  const safe = new Set<number>();
  for (;;) {
    const weak = joint.values.findIndex(
      (v, i) =>
        v >= 1 && joint.status[i] !== 'published' && !safe.has(i) && !canMove(joint, threshold, i),
    );
    if (weak < 0) return true;
    // Everything checked before this one stays protected (more suppression only widens what fits).
    for (let i = 0; i < weak; i += 1) if (joint.status[i] !== 'published') safe.add(i);
    const candidates = joint.values
      .map((v, i) => ({ v, i }))
      .filter(({ v, i }) => joint.status[i] === 'published' && v >= threshold)
      .sort((a, b) => a.v - b.v || a.i - b.i);
    const first = candidates[0];
    if (!first) return false;
    const helps = candidates.find(({ i }) => {
      joint.status[i] = 'secondary';
      const ok = canMove(joint, threshold, weak);
      joint.status[i] = 'published';
      return ok;
    });
    joint.status[(helps ?? first).i] = 'secondary';
  }
}

/* ---------- output ---------- */

/**
 * The figures of a line (a row, or the totals of a table) with whole
 * percentages of its base where the base is published; suppressed members
 * take part as one combined figure.
 */
function line(
  members: readonly number[],
  base: number,
  values: readonly number[],
  published: (i: number) => boolean,
  percent: Map<number, number>,
): void {
  const whole = at(values, base);
  if (!published(base) || whole === 0) return;
  const shown = members.filter(published);
  if (shown.length === 0) return;
  const counts = shown.map((i) => at(values, i));
  const rest = whole - sum(counts);
  const shares = percentages(rest > 0 ? [...counts, rest] : counts, whole, 'additive');
  shown.forEach((i, k) => percent.set(i, at(shares, k)));
}

function output(joint: Joint, withholdAll: boolean): SummaryTable[] {
  const published = (i: number) => !withholdAll && joint.status[i] === 'published';
  return AXES.map((axis, k) => {
    const part = at(joint.tables, k);
    const withheld = withholdAll || part.withheld;
    const percent = new Map<number, number>();
    if (!withheld) {
      part.cells.forEach((r, i) =>
        line(r, at(joint.rowTotals, i), joint.values, published, percent),
      );
      line(joint.rowTotals, joint.total, joint.values, published, percent);
      line(part.columnTotals, joint.total, joint.values, published, percent);
    }
    const figure = (i: number): SummaryFigure => {
      if (withheld) return { state: 'suppressed', reason: 'withheld' };
      const st = at(joint.status, i);
      if (st !== 'published') return { state: 'suppressed', reason: st };
      const p = percent.get(i);
      const count = at(joint.values, i);
      return p === undefined
        ? { state: 'published', count }
        : { state: 'published', count, percent: p };
    };
    return {
      key: axis.key,
      dimension: axis.dimension,
      categories: [...axis.categories],
      rows: CERTAINTIES.map((certainty, i) => ({
        certainty,
        cells: at(part.cells, i).map(figure),
        total: figure(at(joint.rowTotals, i)),
      })),
      columnTotals: part.columnTotals.map(figure),
      total: figure(joint.total),
      withheld,
    };
  });
}

/** The summary tables with full counts and percentages (the internal version). */
export function internalTables(cells: readonly Figure[]): SummaryTable[] {
  return output(jointModel(AXES.map((a) => countTable(cells, a))), false);
}

/**
 * The summary tables as they may be published: disclosure control with the
 * threshold (default {@link DEFAULT_THRESHOLD}; below 3 refused with the
 * validation error `threshold_too_low`), the three tables protected together.
 */
export function publishableTables(
  cells: readonly Figure[],
  threshold: number = DEFAULT_THRESHOLD,
): SummaryTable[] {
  assertThreshold(threshold);
  const tables = AXES.map((a) => countTable(cells, a));
  const joint = jointModel(tables);
  const protectedTables = tables.map((t) => protect(t, { threshold, percentOf: 'row' }));
  applyProtection(joint, protectedTables, threshold);
  const sharedAllPublished =
    protectedTables.every((p) => !p.withheld) &&
    [...joint.rowTotals, joint.total].every((i) => joint.status[i] === 'published');
  const ok = sharedAllPublished || protectJointly(joint, threshold);
  return output(joint, !ok);
}

/* ---------- helpers ---------- */

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Checked indexing (noUncheckedIndexedAccess): an index out of range is a bug. */
function at<T>(values: ArrayLike<T>, i: number): T {
  const v = values[i];
  if (v === undefined) throw new Error(`index ${i} out of range`);
  return v;
}
