/**
 * Statistical disclosure control for published tables (pure functions, no I/O).
 *
 * The figures are about a handful of people whom traffickers may be looking
 * for, so every statistical table exists in two versions: the internal one
 * (a {@link CountTable}: full counts, coordinator only) and the publishable
 * one that {@link protect} derives from it (a {@link PublishedTable}).
 *
 * ## Attacker model
 *
 * The attacker knows
 * - every published figure (cells, row and column totals, grand total);
 * - that counts are non-negative integers and how the figures of the table
 *   relate: in an additive dimension the categories add up to the total, in a
 *   multi-valued dimension each category is at most the total and together
 *   they are at least the total (every person is in at least one category);
 * - the rule, and for every suppressed figure why it was suppressed: a
 *   `primary` figure lies in [1, threshold − 1]; a `secondary` figure is at
 *   least `threshold` (this module never picks a zero as secondary, and the
 *   attacker is assumed to know that too); a `withheld` figure is any count.
 *
 * A suppressed figure is protected when at least two different values of it
 * are consistent with all of that. The module does not model an attacker who
 * replays the deterministic choice of secondary cells, nor knowledge from
 * outside the table (e.g. other tables of the same persons: publish tables of
 * the same population with the same merged categories). Note also what the
 * rule protects: a count, not a group. "All of the few persons in this row
 * are women" can still be read from published zeros; merge categories
 * ({@link mergeCategories}) where that matters.
 *
 * ## Algorithm
 *
 * The table is a flow circulation: a 1-D table is the two nodes S and K with
 * one edge S→K per category and the total K→S; a 2-D table has S→rowᵢ (row
 * totals), rowᵢ→colⱼ (cells), colⱼ→K (column totals) and K→S (the grand
 * total), so that every row, column and total equation is conservation of
 * flow at a node. A multi-valued dimension adds a slack edge ("memberships
 * beyond one per person", ≥ 0, never published) where its categories are
 * summed, plus the constraints "category ≤ its total".
 *
 * Another table consistent with the published one differs from it by a
 * circulation on the unpublished edges; such a difference splits into
 * cycles, so a suppressed figure can take another value exactly when it lies
 * on a cycle of unpublished edges along which every figure can move by one
 * (+1 forwards, −1 backwards) and stay inside what the attacker knows about
 * it (the interval of its reason). That is the check, done as a path search
 * in the residual graph; for additive tables it is exact (network matrix,
 * interval bounds). In multi-valued tables "category ≤ total" is checked
 * where category and total meet: they share a node, so in a simple cycle
 * they can only both move as the two edges at that node. Every candidate
 * cycle is verified exactly before it counts, and when no single cycle
 * works (lowering a total that equals two of its categories needs both
 * lowered with it) a bounded exact search looks for any other consistent
 * table. So the check may over-protect a multi-valued table (suppress more,
 * or withhold it), never under-protect.
 *
 * 1. Primary: every figure (cells and totals) in [1, threshold − 1].
 * 2. For each suppressed figure that is not protected, find the cheapest
 *    cycle through it (Dijkstra), where suppressed edges are free and a
 *    published figure ≥ threshold costs its count (smallest counts first);
 *    suppress the published figures on it as `secondary`. Zeros are never
 *    candidates: the attacker knows a secondary figure is not in
 *    [1, threshold − 1], so a hidden zero could only hide another figure by
 *    jumping to ≥ threshold, and a published 0 says nothing about a person. Two primary cells in a row that sum to 2 are thus not
 *    enough (neither can move by one and stay ≥ 1), and a cell of exactly
 *    `threshold` cannot absorb a decrease.
 * 3. Repeat until a pass suppresses nothing (2-D tables: row and column
 *    choices interact).
 * 4. If some figure has no such cycle even with everything suppressed (e.g.
 *    threshold 3 and a table 1 + 1 = 2: the reasons alone reveal the ones),
 *    the whole table is withheld: every figure `withheld`.
 *
 * A threshold below 3 is refused ({@link assertThreshold}): with threshold 2
 * a primary figure is known to be 1, so it could never be protected.
 *
 * ## Percentages
 *
 * See {@link percentages}: whole numbers; largest remainder for additive
 * figures (sum exactly 100), half up for multi-valued ones (may sum to more
 * than 100). Only published figures get a percentage, and only when the
 * figure they are a share of is published. In an additive line with
 * suppressed members the suppressed members take part in the rounding as one
 * combined figure (the total minus the published members: itself derivable
 * from the published figures), so the rounding reveals nothing about how the
 * suppressed count is split; the published percentages then add up to 100
 * minus that combined share.
 */
import { AppError } from '../../core/errors.js';

/** The default publication threshold: counts from 1 to 10 are not published. */
export const DEFAULT_THRESHOLD = 11;
/** The lowest threshold accepted (see {@link assertThreshold}). */
export const MINIMUM_THRESHOLD = 3;

/** One classification of the persons in a table, e.g. age band or country of exploitation. */
export interface Dimension {
  /** Stable name of the dimension, e.g. `ageBand`; {@link mergeCategories} refers to it. */
  readonly key: string;
  /** Category codes in display order. */
  readonly categories: readonly string[];
  /**
   * `false`: additive — each person is in exactly one category (count persons
   * without one under an `unknown` category), so the categories add up to the
   * total.
   *
   * `true`: multi-valued — a person may be in several categories (e.g.
   * countries of exploitation) and is in at least one (again: an `unknown`
   * category for none). The categories then add up to at least the total,
   * each is at most the total, and the totals are persons: figures of their
   * own, not sums.
   */
  readonly multiValued: boolean;
}

/** The internal version of a one-way table: counts per category and the number of persons. */
export interface OneWayTable {
  readonly dimensions: readonly [Dimension];
  /** Persons per category, in the order of `dimensions[0].categories`. */
  readonly counts: readonly number[];
  /** Persons in the table. Additive: the sum of `counts`; multi-valued: ≤ that sum, ≥ each count. */
  readonly total: number;
}

/**
 * The internal version of a two-way table (rows × columns). At most one of the
 * two dimensions may be multi-valued. Along an additive dimension the cells
 * add up to the margin; along a multi-valued one they add up to at least it.
 */
export interface TwoWayTable {
  readonly dimensions: readonly [rows: Dimension, columns: Dimension];
  /** `counts[i][j]`: persons in row category i and column category j. */
  readonly counts: readonly (readonly number[])[];
  /** Persons per row category (a person is counted once per row category). */
  readonly rowTotals: readonly number[];
  /** Persons per column category. */
  readonly columnTotals: readonly number[];
  /** Persons in the table. */
  readonly total: number;
}

export type CountTable = OneWayTable | TwoWayTable;

/**
 * Why a figure is not published: `primary` — it is in [1, threshold − 1];
 * `secondary` — it is at least the threshold, hidden so that a primary figure
 * cannot be computed; `withheld` — the table could not be protected and
 * nothing of it is published (merge categories and try again).
 */
export type SuppressionReason = 'primary' | 'secondary' | 'withheld';

export type PublishedFigure =
  | {
      readonly state: 'published';
      readonly count: number;
      /** Whole per cent of the figure it is a share of (see {@link percentages}); absent when that is not published. */
      readonly percent?: number;
    }
  | { readonly state: 'suppressed'; readonly reason: SuppressionReason };

/** What a 2-D table's cell percentages are a share of. */
export type PercentBasis = 'total' | 'row' | 'column';

export interface PublishedOneWayTable {
  readonly dimensions: readonly [Dimension];
  /** Per category; percentages are of the total. */
  readonly cells: readonly PublishedFigure[];
  readonly total: PublishedFigure;
  readonly threshold: number;
  /** True when nothing could be published (every figure `withheld`). */
  readonly withheld: boolean;
}

export interface PublishedTwoWayTable {
  readonly dimensions: readonly [rows: Dimension, columns: Dimension];
  /** Percentages are of {@link percentOf}. */
  readonly cells: readonly (readonly PublishedFigure[])[];
  /** Percentages are of the grand total. */
  readonly rowTotals: readonly PublishedFigure[];
  /** Percentages are of the grand total. */
  readonly columnTotals: readonly PublishedFigure[];
  readonly total: PublishedFigure;
  readonly percentOf: PercentBasis;
  readonly threshold: number;
  readonly withheld: boolean;
}

export type PublishedTable = PublishedOneWayTable | PublishedTwoWayTable;

export interface ProtectOptions {
  /** Smallest count that may be published; default {@link DEFAULT_THRESHOLD}, at least 3. */
  readonly threshold?: number;
  /** 2-D tables: what cell percentages are a share of; default the grand total. */
  readonly percentOf?: PercentBasis;
}

/** The rule printed under a table whose categories were merged. */
export interface MergeRule {
  /** i18n key of the sentence, e.g. `statistics.rules.nationality_regions`. */
  readonly key: string;
  /** `dimension`: the dimension's key; `from`/`to`: number of categories before and after. */
  readonly params: Readonly<Record<string, string | number>>;
  /** The merged groups: group → the original categories in it, for a legend. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** Which categories of one dimension go together. */
export interface CategoryMerge {
  /** The {@link Dimension.key} to merge. */
  readonly dimension: string;
  /** Category → group. Categories not listed stay as they are (a group of their own). */
  readonly groups: Readonly<Record<string, string>>;
  /** Display order of the groups; groups not listed follow in order of first appearance. */
  readonly order?: readonly string[];
}

// ---------------------------------------------------------------------------
// Threshold and percentages

/** Throws the validation error `threshold_too_low` unless `n` is an integer ≥ 3. */
export function assertThreshold(n: number): void {
  if (!Number.isInteger(n) || n < MINIMUM_THRESHOLD) {
    throw new AppError('validation', [
      { path: 'threshold', code: 'threshold_too_low', params: { minimum: MINIMUM_THRESHOLD } },
    ]);
  }
}

/**
 * Whole percentages of `counts` out of `total`.
 *
 * - `additive` (each person in exactly one category; `counts` must sum to
 *   `total`): largest-remainder method. Every share is first rounded down;
 *   the points still missing to 100 go one each to the shares with the
 *   largest remainders (ties: the larger count first, then the earlier
 *   category). The result sums to exactly 100, and no share moves by more
 *   than one point from its exact value (a zero stays 0).
 * - `multi_valued` (a person may be in several categories): each share is a
 *   share of persons, rounded half up on its own; the shares may sum to more
 *   than 100.
 *
 * `total` must be positive.
 */
export function percentages(
  counts: readonly number[],
  total: number,
  kind: 'additive' | 'multi_valued' = 'additive',
): number[] {
  if (!isCount(total) || total === 0) throw new RangeError('percentages: total must be positive');
  if (!counts.every(isCount)) throw new RangeError('percentages: counts must be counts');
  if (kind === 'multi_valued') {
    if (counts.some((c) => c > total)) throw new RangeError('percentages: count above total');
    // round(100 c / T) half up, in integers: floor((200 c + T) / 2T)
    return counts.map((c) => Math.floor((200 * c + total) / (2 * total)));
  }
  if (sum(counts) !== total) throw new RangeError('percentages: counts must sum to the total');
  const floors = counts.map((c) => Math.floor((100 * c) / total));
  const remainders = counts.map((c) => (100 * c) % total);
  let missing = 100 - sum(floors);
  const order = counts
    .map((_, i) => i)
    .sort(
      (a, b) => at(remainders, b) - at(remainders, a) || at(counts, b) - at(counts, a) || a - b,
    );
  const out = [...floors];
  for (const i of order) {
    if (missing === 0) break;
    out[i] = at(out, i) + 1;
    missing -= 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Merging categories

/**
 * Merges categories of one dimension into groups (age bands into wider bands,
 * nationalities into world regions, …) before {@link protect}, and returns the
 * rule to print under the table.
 *
 * Only an additive dimension can be merged from counts: the persons of a
 * merged multi-valued category are not the sum of its parts (a person
 * exploited in two countries of a region is one person of the region). Merge
 * such categories in the source data instead; this function throws.
 */
export function mergeCategories<T extends CountTable>(
  table: T,
  mapping: CategoryMerge,
  ruleKey: string,
): { table: T; rule: MergeRule } {
  validate(table);
  const axis = table.dimensions.findIndex((d) => d.key === mapping.dimension);
  const dim = table.dimensions[axis];
  if (!dim) throw new Error(`mergeCategories: the table has no dimension ${mapping.dimension}`);
  if (dim.multiValued) {
    throw new Error(
      `mergeCategories: ${dim.key} is multi-valued; merge its categories in the source data`,
    );
  }

  // Group of each category, and the groups in display order.
  const groupOf = dim.categories.map((c) => mapping.groups[c] ?? c);
  const present = [...new Set(groupOf)];
  const listed = (mapping.order ?? []).filter((g) => present.includes(g));
  const groups = [...listed, ...present.filter((g) => !listed.includes(g))];
  const index = groupOf.map((g) => groups.indexOf(g));
  const members: Record<string, string[]> = Object.fromEntries(groups.map((g) => [g, []]));
  dim.categories.forEach((c, i) => members[at(groupOf, i)]?.push(c));

  const merged: Dimension = { key: dim.key, categories: groups, multiValued: false };
  const fold = (values: readonly number[]): number[] => {
    const out: number[] = groups.map(() => 0);
    values.forEach((v, i) => {
      const g = at(index, i);
      out[g] = at(out, g) + v;
    });
    return out;
  };

  let result: CountTable;
  if (!isTwoWay(table)) {
    result = { dimensions: [merged], counts: fold(table.counts), total: table.total };
  } else if (axis === 0) {
    const cols = table.dimensions[1].categories.length;
    const counts = groups.map(() => new Array<number>(cols).fill(0));
    table.counts.forEach((row, i) => {
      const target = at(counts, at(index, i));
      row.forEach((v, j) => (target[j] = at(target, j) + v));
    });
    result = {
      dimensions: [merged, table.dimensions[1]],
      counts,
      rowTotals: fold(table.rowTotals),
      columnTotals: [...table.columnTotals],
      total: table.total,
    };
  } else {
    result = {
      dimensions: [table.dimensions[0], merged],
      counts: table.counts.map(fold),
      rowTotals: [...table.rowTotals],
      columnTotals: fold(table.columnTotals),
      total: table.total,
    };
  }
  return {
    table: result as T,
    rule: {
      key: ruleKey,
      params: { dimension: dim.key, from: dim.categories.length, to: groups.length },
      groups: members,
    },
  };
}

// ---------------------------------------------------------------------------
// Protection

type Status = 'published' | 'primary' | 'secondary' | 'slack';

interface Edge {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** "child ≤ parent" (multi-valued: a category is at most its total), between edges sharing `nodes`. */
interface Link {
  readonly child: number;
  readonly parent: number;
  readonly nodes: readonly number[];
}

/** The table as a circulation; edges 0 … figures−1 are the table's figures, the rest slacks. */
interface Network {
  readonly nodes: number;
  readonly edges: readonly Edge[];
  readonly figures: number;
  readonly links: readonly Link[];
  /** linksOf[e]: the links edge e takes part in. */
  readonly linksOf: readonly (readonly Link[])[];
}

/** Edge `edge` moves by `dir` in an alternative table; as an arc of the residual graph from → to. */
interface Move {
  readonly edge: number;
  readonly dir: 1 | -1;
  readonly from: number;
  readonly to: number;
}

interface Arc extends Move {
  readonly cost: number;
}

/**
 * The publishable version of a table: figures in [1, threshold − 1] suppressed
 * (primary), further figures suppressed (secondary) until no suppressed figure
 * can be derived, percentages of published figures. See the module comment
 * for the attacker model and the algorithm.
 */
export function protect(table: OneWayTable, options?: ProtectOptions): PublishedOneWayTable;
export function protect(table: TwoWayTable, options?: ProtectOptions): PublishedTwoWayTable;
export function protect(table: CountTable, options?: ProtectOptions): PublishedTable;
export function protect(table: CountTable, options: ProtectOptions = {}): PublishedTable {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  assertThreshold(threshold);
  validate(table);
  const net = network(table);
  const status = suppress(net, threshold);
  return publish(table, net, status, threshold, options.percentOf ?? 'total');
}

/** Chooses the status of every edge; null when the table must be withheld. */
function suppress(net: Network, threshold: number): Status[] | null {
  const status: Status[] = net.edges.map((e, i) =>
    i >= net.figures ? 'slack' : e.value >= 1 && e.value < threshold ? 'primary' : 'published',
  );
  for (;;) {
    let changed = false;
    let res = residual(net, status, threshold);
    for (let s = 0; s < net.figures; s += 1) {
      if (status[s] === 'published') continue;
      const cycle = cheapestCycle(net, status, threshold, res, s);
      if (cycle?.every((e) => status[e] !== 'published')) continue;
      if (net.links.length > 0 && otherTableExists(net, status, threshold, s)) continue;
      if (!cycle) return null;
      for (const e of cycle) if (status[e] === 'published') status[e] = 'secondary';
      changed = true;
      res = residual(net, status, threshold);
    }
    if (!changed) return status;
  }
}

/** The interval the attacker knows an edge's value to lie in. */
function domain(status: Status, value: number, threshold: number): [number, number] {
  switch (status) {
    case 'published':
      return [value, value];
    case 'primary':
      return [1, threshold - 1];
    case 'secondary':
      return [threshold, Infinity];
    case 'slack':
      return [0, Infinity];
  }
}

/**
 * The cost of moving edge e by `dir` within its interval, or null when it
 * cannot. Suppressed edges and slacks cost nothing; a published figure ≥
 * threshold can be bought as secondary at (mostly) its count; anything else
 * (published zeros, see the module comment) is fixed.
 */
function stepCost(
  net: Network,
  status: readonly Status[],
  threshold: number,
  e: number,
  dir: 1 | -1,
): number | null {
  const { value } = at(net.edges, e);
  let st = at(status, e);
  let cost = 0;
  if (st === 'published') {
    if (value < threshold) return null;
    st = 'secondary';
    // Smallest total count first; among equal totals, fewest figures.
    cost = value * (net.edges.length + 1) + 1;
  }
  const [lo, hi] = domain(st, value, threshold);
  return value + dir < lo || value + dir > hi ? null : cost;
}

function moveOf(net: Network, edge: number, dir: 1 | -1): Move {
  const e = at(net.edges, edge);
  return dir === 1 ? { edge, dir, from: e.from, to: e.to } : { edge, dir, from: e.to, to: e.from };
}

/**
 * The edges that move in the cheapest cycle through suppressed edge s along
 * which every edge moves by one and the result is a table the attacker cannot
 * rule out; null when there is none. Every candidate is checked exactly ({@link feasible})
 * before it counts, so the searches only need to be good, not exact.
 */
function cheapestCycle(
  net: Network,
  status: readonly Status[],
  threshold: number,
  res: Residual,
  s: number,
): number[] | null {
  let best: { cost: number; moves: Move[] } | null = null;
  for (const dir of [1, -1] as const) {
    if (stepCost(net, status, threshold, s, dir) === null) continue;
    const first = moveOf(net, s, dir);
    const searches = [
      () => cheapestWalk(net, res, first),
      () => cheapestSimpleCycle(net, status, threshold, first),
    ];
    for (const search of searches) {
      const found = search();
      const moves = found ? [first, ...found.moves] : [];
      if (found && feasible(net, status, threshold, moves)) {
        if (!best || found.cost < best.cost) best = { cost: found.cost, moves };
        break;
      }
    }
  }
  if (!best) return null;
  const moved = new Map<number, number>();
  for (const m of best.moves) moved.set(m.edge, (moved.get(m.edge) ?? 0) + m.dir);
  return [...moved].filter(([, d]) => d !== 0).map(([e]) => e);
}

/**
 * Whether moving the edges as given yields a table consistent with everything
 * the attacker knows: flow is conserved at every node (every sum still holds),
 * every moved figure stays in its interval (a published one bought as
 * secondary: ≥ threshold), and every "category ≤ total" still holds.
 */
function feasible(
  net: Network,
  status: readonly Status[],
  threshold: number,
  moves: readonly Move[],
): boolean {
  const delta = new Map<number, number>();
  for (const m of moves) delta.set(m.edge, (delta.get(m.edge) ?? 0) + m.dir);
  const first = moves[0];
  if (!first || delta.get(first.edge) === 0) return false;
  const balance = new Array<number>(net.nodes).fill(0);
  for (const [e, d] of delta) {
    const edge = at(net.edges, e);
    balance[edge.from] = at(balance, edge.from) - d;
    balance[edge.to] = at(balance, edge.to) + d;
    if (d === 0) continue;
    let st = at(status, e);
    if (st === 'published') {
      if (edge.value < threshold) return false;
      st = 'secondary';
    }
    const [lo, hi] = domain(st, edge.value, threshold);
    if (edge.value + d < lo || edge.value + d > hi) return false;
  }
  if (balance.some((b) => b !== 0)) return false;
  const moved = (e: number): number => at(net.edges, e).value + (delta.get(e) ?? 0);
  return net.links.every((l) => moved(l.child) <= moved(l.parent));
}

/**
 * Whether a cycle may enter node v by move a and leave it by move b: not the
 * same edge back, and every "child ≤ parent" at v holds with the two moves.
 * (Child and parent share v, so in a simple cycle they can only both move
 * when they are the two edges at v: this check is then exact.)
 */
function passes(net: Network, v: number, a: Move, b: Move): boolean {
  if (a.edge === b.edge) return false;
  const moved = (e: number): number =>
    at(net.edges, e).value + (e === a.edge ? a.dir : e === b.edge ? b.dir : 0);
  for (const e of [a.edge, b.edge]) {
    for (const l of at(net.linksOf, e)) {
      if (l.nodes.includes(v) && moved(l.child) > moved(l.parent)) return false;
    }
  }
  return true;
}

/** The arcs of the residual graph (every possible one-step move) and the arcs leaving each node. */
interface Residual {
  readonly arcs: readonly Arc[];
  readonly out: readonly (readonly number[])[];
}

function residual(net: Network, status: readonly Status[], threshold: number): Residual {
  const arcs: Arc[] = [];
  const out: number[][] = Array.from({ length: net.nodes }, () => []);
  net.edges.forEach((_, e) => {
    for (const dir of [1, -1] as const) {
      const cost = stepCost(net, status, threshold, e, dir);
      if (cost === null) continue;
      const move = moveOf(net, e, dir);
      out[move.from]?.push(arcs.length);
      arcs.push({ ...move, cost });
    }
  });
  return { arcs, out };
}

/**
 * The cheapest closed walk starting with move `first` (Dijkstra over arcs, so
 * that each step knows how the walk entered the node). Costs are compared as
 * (cost, steps), which keeps walks simple unless a "≤ total" forces a detour.
 */
function cheapestWalk(
  net: Network,
  res: Residual,
  first: Move,
): { cost: number; moves: Move[] } | null {
  const { arcs, out } = res;
  // State k + 1: arrived by arcs[k]; state 0: the start, arrived by `first`.
  const size = arcs.length + 1;
  const cost = new Float64Array(size).fill(Infinity);
  const steps = new Int32Array(size);
  const prev = new Int32Array(size).fill(-1);
  const settled = new Uint8Array(size);
  const arcOf = (state: number): Move => (state === 0 ? first : at(arcs, state - 1));
  cost[0] = 0;
  const queue = new Heap();
  queue.push(0, 0, 0);
  for (let top = queue.pop(); top; top = queue.pop()) {
    const [c, n, state] = top;
    if (settled[state]) continue;
    settled[state] = 1;
    const arc = arcOf(state);
    if (state > 0 && arc.to === first.from && passes(net, arc.to, arc, first)) {
      const moves: Move[] = [];
      for (let j = state; j > 0; j = at(prev, j)) moves.push(at(arcs, j - 1));
      return { cost: c, moves: moves.reverse() };
    }
    for (const k of at(out, arc.to)) {
      const next = k + 1;
      const b = at(arcs, k);
      if (settled[next] || b.edge === first.edge || !passes(net, arc.to, arc, b)) continue;
      const nc = c + b.cost;
      const old = at(cost, next);
      if (old < nc || (old === nc && at(steps, next) <= n + 1)) continue;
      cost[next] = nc;
      steps[next] = n + 1;
      prev[next] = state;
      queue.push(nc, n + 1, next);
    }
  }
  return null;
}

/**
 * Fallback: the cheapest simple cycle (Dijkstra over nodes), each move checked
 * on its own against the "≤ total" constraints with the other side unchanged
 * (sound in a simple cycle, see {@link passes}; it misses only moves where
 * both sides go up together).
 */
function cheapestSimpleCycle(
  net: Network,
  status: readonly Status[],
  threshold: number,
  first: Move,
): { cost: number; moves: Move[] } | null {
  const arcs: Arc[][] = Array.from({ length: net.nodes }, () => []);
  net.edges.forEach((_, e) => {
    if (e === first.edge) return;
    for (const dir of [1, -1] as const) {
      const cost = stepCost(net, status, threshold, e, dir);
      const move = moveOf(net, e, dir);
      if (cost === null || !at(net.linksOf, e).every((l) => alone(net, l, move))) continue;
      arcs[move.from]?.push({ ...move, cost });
    }
  });
  const dist = new Array<number>(net.nodes).fill(Infinity);
  const via = new Array<Arc | null>(net.nodes).fill(null);
  const done = new Array<boolean>(net.nodes).fill(false);
  dist[first.to] = 0;
  for (;;) {
    let u = -1;
    for (let v = 0; v < net.nodes; v += 1) {
      if (!done[v] && at(dist, v) < Infinity && (u < 0 || at(dist, v) < at(dist, u))) u = v;
    }
    if (u < 0) return null;
    if (u === first.from) break;
    done[u] = true;
    for (const a of at(arcs, u)) {
      if (at(dist, u) + a.cost < at(dist, a.to)) {
        dist[a.to] = at(dist, u) + a.cost;
        via[a.to] = a;
      }
    }
  }
  const moves: Move[] = [];
  for (let v = first.from; v !== first.to;) {
    const a = via[v];
    if (!a) return null;
    moves.push(a);
    v = a.from;
  }
  return { cost: at(dist, first.from), moves: moves.reverse() };
}

/** A move keeps link l when the other side of l does not move. */
function alone(net: Network, l: Link, m: Move): boolean {
  const child = at(net.edges, l.child).value + (m.edge === l.child ? m.dir : 0);
  const parent = at(net.edges, l.parent).value + (m.edge === l.parent ? m.dir : 0);
  return child <= parent;
}

/** Work limit of {@link otherTableExists} (branching steps); beyond it, s counts as unprotected. */
const SEARCH_BUDGET = 4000;

/**
 * Exact search for another table, consistent with everything the attacker
 * knows, in which s has a different value: integer bounds propagation over
 * the node equations and the "≤ total" links, with splitting. Used for
 * multi-valued tables when no single cycle does it (e.g. lowering a total
 * that equals two of its categories needs both lowered with it). Values are
 * capped far above the table's counts; a table found is a real witness, and
 * running out of budget only means more suppression.
 */
function otherTableExists(
  net: Network,
  status: readonly Status[],
  threshold: number,
  s: number,
): boolean {
  const values = net.edges.map((e) => e.value);
  const cap = 2 * sum(values) + threshold + 1;
  const bounds = net.edges.map((e, i): [number, number] => {
    const [lo, hi] = domain(at(status, i), e.value, threshold);
    return [lo, Math.min(hi, cap)];
  });
  const rows: Row[] = [];
  for (let v = 0; v < net.nodes; v += 1) {
    const terms: [number, number][] = [];
    net.edges.forEach((e, i) => {
      if (e.to === v) terms.push([i, 1]);
      if (e.from === v) terms.push([i, -1]);
    });
    if (terms.length > 0) rows.push({ terms, equal: true });
  }
  for (const l of net.links) {
    rows.push({
      terms: [
        [l.parent, 1],
        [l.child, -1],
      ],
      equal: false,
    });
  }
  const budget = { left: SEARCH_BUDGET };
  const v = at(values, s);
  const [lo, hi] = at(bounds, s);
  return [
    [lo, v - 1],
    [v + 1, hi],
  ].some(([a = 0, b = -1]) => {
    if (a > b) return false;
    const start = bounds.map((x, i): [number, number] => (i === s ? [a, b] : [x[0], x[1]]));
    return solvable(start, rows, values, budget);
  });
}

/** Σ coefficient × edge value: = 0 when `equal`, else ≥ 0. */
interface Row {
  readonly terms: readonly [edge: number, coefficient: number][];
  readonly equal: boolean;
}

function solvable(
  bounds: [number, number][],
  rows: readonly Row[],
  prefer: readonly number[],
  budget: { left: number },
): boolean {
  budget.left -= 1;
  if (budget.left < 0 || !tighten(bounds, rows)) return false;
  let pick = -1;
  bounds.forEach(([lo, hi], i) => {
    const best = bounds[pick];
    if (lo < hi && (!best || hi - lo < best[1] - best[0])) pick = i;
  });
  if (pick < 0) return true;
  const [lo, hi] = at(bounds, pick);
  const mid = Math.floor((lo + hi) / 2);
  const halves: [number, number][] = [
    [lo, mid],
    [mid + 1, hi],
  ];
  if (at(prefer, pick) > mid) halves.reverse();
  return halves.some((h) =>
    solvable(
      bounds.map((x, i): [number, number] => (i === pick ? h : [x[0], x[1]])),
      rows,
      prefer,
      budget,
    ),
  );
}

/** Bounds propagation to a fixpoint; false when a row cannot be satisfied. */
function tighten(bounds: [number, number][], rows: readonly Row[]): boolean {
  for (let changed = true; changed;) {
    changed = false;
    for (const row of rows) {
      const span = row.terms.map(([e, a]): [number, number] => {
        const [lo, hi] = at(bounds, e);
        return a > 0 ? [a * lo, a * hi] : [a * hi, a * lo];
      });
      const min = sum(span.map((x) => x[0]));
      const max = sum(span.map((x) => x[1]));
      if (max < 0 || (row.equal && min > 0)) return false;
      for (const [k, [e, a]] of row.terms.entries()) {
        const [kMin, kMax] = at(span, k);
        // a·x ≥ −(max − kMax); when equal also a·x ≤ −(min − kMin)
        const low = kMax - max;
        const high = row.equal ? kMin - min : Infinity;
        const b = at(bounds, e);
        const lo = a > 0 ? Math.ceil(low / a) : Math.ceil(high / a);
        const hi = a > 0 ? Math.floor(high / a) : Math.floor(low / a);
        if (lo > b[0]) {
          b[0] = lo;
          changed = true;
        }
        if (hi < b[1]) {
          b[1] = hi;
          changed = true;
        }
        if (b[0] > b[1]) return false;
      }
    }
  }
  return true;
}

/** A binary min-heap of [cost, steps, state], ordered by cost, then steps. */
class Heap {
  private readonly items: [number, number, number][] = [];

  push(cost: number, steps: number, state: number): void {
    const items = this.items;
    items.push([cost, steps, state]);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!less(at(items, i), at(items, parent))) break;
      [items[i], items[parent]] = [at(items, parent), at(items, i)];
      i = parent;
    }
  }

  pop(): [number, number, number] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && less(at(items, l), at(items, m))) m = l;
      if (r < items.length && less(at(items, r), at(items, m))) m = r;
      if (m === i) break;
      [items[i], items[m]] = [at(items, m), at(items, i)];
      i = m;
    }
    return top;
  }
}

function less(a: readonly number[], b: readonly number[]): boolean {
  return at(a, 0) < at(b, 0) || (at(a, 0) === at(b, 0) && at(a, 1) < at(b, 1));
}

/** Builds the circulation of a table (see the module comment). */
function network(table: CountTable): Network {
  const edges: Edge[] = [];
  const links: [child: number, parent: number][] = [];
  const S = 0;
  const K = 1;
  if (!isTwoWay(table)) {
    const n = table.counts.length;
    for (const c of table.counts) edges.push({ from: S, to: K, value: c });
    edges.push({ from: K, to: S, value: table.total });
    if (table.dimensions[0].multiValued) {
      // Σ cᵢ = T + σ; cᵢ ≤ T.
      edges.push({ from: K, to: S, value: sum(table.counts) - table.total });
      for (let i = 0; i < n; i += 1) links.push([i, n]);
    }
    return finish(2, edges, n + 1, links);
  }
  const [rows, cols] = table.dimensions;
  const m = table.rowTotals.length;
  const n = table.columnTotals.length;
  const G = 2;
  const row = (i: number): number => 3 + i;
  const col = (j: number): number => 3 + m + j;
  const cell = (i: number, j: number): number => i * n + j;
  const rowTotal = (i: number): number => m * n + i;
  const colTotal = (j: number): number => m * n + m + j;
  const grand = m * n + m + n;
  table.counts.forEach((r, i) =>
    r.forEach((v, j) => edges.push({ from: row(i), to: col(j), value: v })),
  );
  table.rowTotals.forEach((v, i) => edges.push({ from: S, to: row(i), value: v }));
  table.columnTotals.forEach((v, j) => edges.push({ from: col(j), to: K, value: v }));
  edges.push({ from: K, to: S, value: table.total });
  if (rows.multiValued) {
    // Σᵢ xᵢⱼ = Cⱼ + uⱼ and Σᵢ Rᵢ = T + σ, with σ = Σⱼ uⱼ; xᵢⱼ ≤ Cⱼ.
    table.columnTotals.forEach((c, j) => {
      const sumCol = sum(table.counts.map((r) => at(r, j)));
      edges.push({ from: col(j), to: G, value: sumCol - c });
    });
    edges.push({ from: G, to: S, value: sum(table.rowTotals) - table.total });
    for (let i = 0; i < m; i += 1) {
      for (let j = 0; j < n; j += 1) links.push([cell(i, j), colTotal(j)]);
    }
  }
  if (cols.multiValued) {
    // Σⱼ xᵢⱼ = Rᵢ + sᵢ and Σⱼ Cⱼ = T + κ, with κ = Σᵢ sᵢ; xᵢⱼ ≤ Rᵢ.
    table.rowTotals.forEach((r, i) =>
      edges.push({ from: G, to: row(i), value: sum(at(table.counts, i)) - r }),
    );
    edges.push({ from: K, to: G, value: sum(table.columnTotals) - table.total });
    for (let i = 0; i < m; i += 1) {
      for (let j = 0; j < n; j += 1) links.push([cell(i, j), rowTotal(i)]);
    }
  }
  return finish(3 + m + n, edges, grand + 1, links);
}

function finish(
  nodes: number,
  edges: Edge[],
  figures: number,
  pairs: readonly [number, number][],
): Network {
  const ends = (e: number): number[] => [at(edges, e).from, at(edges, e).to];
  const links = pairs.map(([child, parent]): Link => {
    const shared = ends(child).filter((v) => ends(parent).includes(v));
    if (shared.length === 0) throw new Error('a "≤ total" link must share a node');
    return { child, parent, nodes: shared };
  });
  const linksOf: Link[][] = edges.map(() => []);
  for (const l of links) {
    linksOf[l.child]?.push(l);
    linksOf[l.parent]?.push(l);
  }
  return { nodes, edges, figures, links, linksOf };
}

/** Turns statuses into the published table, with percentages. */
function publish(
  table: CountTable,
  net: Network,
  status: Status[] | null,
  threshold: number,
  percentOf: PercentBasis,
): PublishedTable {
  const withheld = status === null;
  const value = (e: number): number => at(net.edges, e).value;
  const isPublished = (e: number): boolean => !withheld && status[e] === 'published';
  const percent = new Map<number, number>();

  /** Percentages of the published members of a line whose base figure is published. */
  const line = (members: readonly number[], base: number, additive: boolean): void => {
    if (!isPublished(base) || value(base) === 0) return;
    const shown = members.filter(isPublished);
    if (shown.length === 0) return;
    const counts = shown.map(value);
    let shares: number[];
    if (additive) {
      // The suppressed members take part as one figure, derivable from the published ones.
      const rest = value(base) - sum(counts);
      shares = percentages(rest > 0 ? [...counts, rest] : counts, value(base), 'additive');
    } else {
      shares = percentages(counts, value(base), 'multi_valued');
    }
    shown.forEach((e, k) => percent.set(e, at(shares, k)));
  };

  const figure = (e: number): PublishedFigure => {
    if (withheld) return { state: 'suppressed', reason: 'withheld' };
    const st = at(status, e);
    if (st === 'primary' || st === 'secondary') return { state: 'suppressed', reason: st };
    const p = percent.get(e);
    return p === undefined
      ? { state: 'published', count: value(e) }
      : { state: 'published', count: value(e), percent: p };
  };

  if (!isTwoWay(table)) {
    const n = table.counts.length;
    line(range(n), n, !table.dimensions[0].multiValued);
    return {
      dimensions: table.dimensions,
      cells: range(n).map(figure),
      total: figure(n),
      threshold,
      withheld,
    };
  }
  const [rows, cols] = table.dimensions;
  const m = table.rowTotals.length;
  const n = table.columnTotals.length;
  const cell = (i: number, j: number): number => i * n + j;
  const grand = m * n + m + n;
  if (percentOf === 'total') {
    line(range(m * n), grand, !rows.multiValued && !cols.multiValued);
  } else if (percentOf === 'row') {
    for (let i = 0; i < m; i += 1) {
      line(
        range(n).map((j) => cell(i, j)),
        m * n + i,
        !cols.multiValued,
      );
    }
  } else {
    for (let j = 0; j < n; j += 1) {
      line(
        range(m).map((i) => cell(i, j)),
        m * n + m + j,
        !rows.multiValued,
      );
    }
  }
  line(
    range(m).map((i) => m * n + i),
    grand,
    !rows.multiValued,
  );
  line(
    range(n).map((j) => m * n + m + j),
    grand,
    !cols.multiValued,
  );
  return {
    dimensions: table.dimensions,
    cells: range(m).map((i) => range(n).map((j) => figure(cell(i, j)))),
    rowTotals: range(m).map((i) => figure(m * n + i)),
    columnTotals: range(n).map((j) => figure(m * n + m + j)),
    total: figure(grand),
    percentOf,
    threshold,
    withheld,
  };
}

// ---------------------------------------------------------------------------
// Validation of the internal table (a programming error, not user input)

function validate(table: CountTable): void {
  const fail = (why: string): never => {
    throw new Error(`statistics table: ${why}`);
  };
  for (const d of table.dimensions) {
    if (new Set(d.categories).size !== d.categories.length) fail(`duplicate category in ${d.key}`);
  }
  if (!isCount(table.total)) fail('total is not a count');
  if (!isTwoWay(table)) {
    const [dim] = table.dimensions;
    const { counts, total } = table;
    if (counts.length !== dim.categories.length) fail('counts do not match the categories');
    if (!counts.every(isCount)) fail('a count is not a non-negative integer');
    relate(counts, total, dim.multiValued, 'total', fail);
    return;
  }
  const [rows, cols] = table.dimensions;
  if (rows.multiValued && cols.multiValued) fail('at most one dimension may be multi-valued');
  const { counts, rowTotals, columnTotals, total } = table;
  if (rowTotals.length !== rows.categories.length || counts.length !== rowTotals.length) {
    fail('rows do not match the row categories');
  }
  if (columnTotals.length !== cols.categories.length) fail('column totals do not match');
  if (counts.some((r) => r.length !== columnTotals.length)) fail('a row has the wrong length');
  if (![...counts.flat(), ...rowTotals, ...columnTotals].every(isCount)) {
    fail('a count is not a non-negative integer');
  }
  counts.forEach((r, i) => relate(r, at(rowTotals, i), cols.multiValued, `row ${i}`, fail));
  columnTotals.forEach((c, j) =>
    relate(
      counts.map((r) => at(r, j)),
      c,
      rows.multiValued,
      `column ${j}`,
      fail,
    ),
  );
  relate(rowTotals, total, rows.multiValued, 'row totals', fail);
  relate(columnTotals, total, cols.multiValued, 'column totals', fail);
}

function relate(
  parts: readonly number[],
  whole: number,
  multiValued: boolean,
  what: string,
  fail: (why: string) => never,
): void {
  if (!multiValued) {
    if (sum(parts) !== whole) fail(`${what}: the parts do not add up to the total`);
  } else if (parts.some((p) => p > whole) || (parts.length > 0 && sum(parts) < whole)) {
    fail(`${what}: a multi-valued category exceeds the total or the categories miss persons`);
  } else if (parts.length === 0 && whole !== 0) {
    fail(`${what}: persons without a category`);
  }
}

// ---------------------------------------------------------------------------
// Small helpers

function isTwoWay(table: CountTable): table is TwoWayTable {
  return 'rowTotals' in table;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Indexing that is checked (noUncheckedIndexedAccess): an index out of range is a bug. */
function at<T>(values: ArrayLike<T>, i: number): T {
  const v = values[i];
  if (v === undefined) throw new Error(`index ${i} out of range`);
  return v;
}
