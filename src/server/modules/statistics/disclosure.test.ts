/**
 * Disclosure control: hand-made tables whose right answer is known, the
 * percentage rule, merging, and a property test over random tables proving
 * that no suppressed figure can be derived from what is published.
 *
 * The proof uses its own attacker, written here without the module's
 * network: from the published table alone it sets up integer bounds for
 * every figure (published: its value; primary: [1, threshold − 1];
 * secondary: [threshold, CAP]; withheld: [0, CAP]) and the relations the
 * attacker knows (additive sums, and for multi-valued dimensions
 * "category ≤ total" and "categories ≥ total"), and decides by exact search
 * (bounds propagation and splitting) whether a suppressed figure can take
 * two different values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n.js';
import { COUNTRY_CODES } from '../../core/reference.js';
import {
  assertThreshold,
  mergeCategories,
  percentages,
  protect,
  type CountTable,
  type Dimension,
  type OneWayTable,
  type PercentBasis,
  type PublishedFigure,
  type PublishedTable,
  type TwoWayTable,
} from './disclosure.js';
import { REGION_BY_COUNTRY, WORLD_REGIONS, regionMerge, regionOf } from './regions.js';

// ---------------------------------------------------------------------------
// Builders

const dim = (key: string, n: number, multiValued = false): Dimension => ({
  key,
  categories: Array.from({ length: n }, (_, i) => `${key}${i}`),
  multiValued,
});

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function oneWay(counts: number[], total = sum(counts), multiValued = false): OneWayTable {
  return { dimensions: [dim('a', counts.length, multiValued)], counts, total };
}

/** An additive 2-D table with its margins computed. */
function twoWay(counts: number[][]): TwoWayTable {
  const rowTotals = counts.map(sum);
  const columnTotals = (counts[0] ?? []).map((_, j) => sum(counts.map((r) => r[j] ?? 0)));
  return {
    dimensions: [dim('r', counts.length), dim('c', columnTotals.length)],
    counts,
    rowTotals,
    columnTotals,
    total: sum(rowTotals),
  };
}

/** Figures of a table in one list: cells (row-major), row totals, column totals, total. */
function flatFigures(p: PublishedTable): PublishedFigure[] {
  return 'rowTotals' in p
    ? [...p.cells.flat(), ...p.rowTotals, ...p.columnTotals, p.total]
    : [...p.cells, p.total];
}
function flatValues(table: CountTable): number[] {
  return 'rowTotals' in table
    ? [...table.counts.flat(), ...table.rowTotals, ...table.columnTotals, table.total]
    : [...table.counts, table.total];
}

/** `P` published count, `p` primary, `s` secondary, `w` withheld. */
const pattern = (p: PublishedTable): string =>
  flatFigures(p)
    .map((f) =>
      f.state === 'published' ? 'P' : f.reason === 'primary' ? 'p' : (f.reason[0] ?? '?'),
    )
    .join('');

// ---------------------------------------------------------------------------
// The independent attacker

/** Far above any generated count; a bound can only make the attacker know more, never less. */
const CAP = 3000;

interface Bounds {
  lo: number;
  hi: number;
}
/** Σ coefficient × figure, `eq`: = 0, `ge`: ≥ 0. */
interface Relation {
  terms: [figure: number, coefficient: 1 | -1][];
  kind: 'eq' | 'ge';
}

interface Model {
  bounds: Bounds[];
  relations: Relation[];
  suppressed: number[];
}

/** What the attacker knows: only the published table (its figures, reasons, dimensions, threshold). */
function attackerModel(p: PublishedTable): Model {
  const th = p.threshold;
  const figures = flatFigures(p);
  const bounds = figures.map((f): Bounds => {
    if (f.state === 'published') return { lo: f.count, hi: f.count };
    if (f.reason === 'primary') return { lo: 1, hi: th - 1 };
    if (f.reason === 'secondary') return { lo: th, hi: CAP };
    return { lo: 0, hi: CAP };
  });
  const suppressed = figures.flatMap((f, i) => (f.state === 'suppressed' ? [i] : []));
  const relations: Relation[] = [];
  /** parts vs whole: additive → Σ parts = whole; multi-valued → Σ parts ≥ whole, each ≤ whole. */
  const relate = (parts: number[], whole: number, multiValued: boolean): void => {
    const terms: Relation['terms'] = [...parts.map((x) => [x, 1] as [number, 1]), [whole, -1]];
    if (!multiValued) {
      relations.push({ terms, kind: 'eq' });
      return;
    }
    relations.push({ terms, kind: 'ge' });
    for (const x of parts)
      relations.push({
        terms: [
          [whole, 1],
          [x, -1],
        ],
        kind: 'ge',
      });
  };
  if (!('rowTotals' in p)) {
    const n = p.cells.length;
    relate(
      Array.from({ length: n }, (_, i) => i),
      n,
      p.dimensions[0].multiValued,
    );
    return { bounds, relations, suppressed };
  }
  const m = p.rowTotals.length;
  const n = p.columnTotals.length;
  const [rows, cols] = p.dimensions;
  const cell = (i: number, j: number): number => i * n + j;
  const rowTotal = (i: number): number => m * n + i;
  const colTotal = (j: number): number => m * n + m + j;
  const total = m * n + m + n;
  const is = Array.from({ length: m }, (_, i) => i);
  const js = Array.from({ length: n }, (_, j) => j);
  for (const i of is)
    relate(
      js.map((j) => cell(i, j)),
      rowTotal(i),
      cols.multiValued,
    );
  for (const j of js)
    relate(
      is.map((i) => cell(i, j)),
      colTotal(j),
      rows.multiValued,
    );
  relate(is.map(rowTotal), total, rows.multiValued);
  relate(js.map(colTotal), total, cols.multiValued);
  return { bounds, relations, suppressed };
}

/** Tightens bounds to a fixpoint; false when no integer solution is left. */
function propagate(b: Bounds[], relations: readonly Relation[]): boolean {
  for (let changed = true; changed;) {
    changed = false;
    for (const r of relations) {
      // contribution of each term: [min, max]
      const span = r.terms.map(([x, a]) => {
        const v = b[x] as Bounds;
        return a === 1 ? [v.lo, v.hi] : [-v.hi, -v.lo];
      });
      const min = sum(span.map((s) => s[0] as number));
      const max = sum(span.map((s) => s[1] as number));
      if (max < 0 || (r.kind === 'eq' && min > 0)) return false;
      r.terms.forEach(([x, a], k) => {
        const [kMin, kMax] = span[k] as [number, number];
        const restMax = max - kMax;
        const restMin = min - kMin;
        // a·x ≥ −restMax, and for eq also a·x ≤ −restMin
        const low = -restMax;
        const high = r.kind === 'eq' ? -restMin : Infinity;
        const v = b[x] as Bounds;
        const [lo, hi] = a === 1 ? [low, high] : [-high, -low];
        if (lo > v.lo) {
          v.lo = lo;
          changed = true;
        }
        if (hi < v.hi) {
          v.hi = hi;
          changed = true;
        }
      });
      if (r.terms.some(([x]) => (b[x] as Bounds).lo > (b[x] as Bounds).hi)) return false;
    }
  }
  return true;
}

/** Some integer solution within the bounds, searching near `prefer` first; null if none. */
function solve(
  bounds: readonly Bounds[],
  relations: readonly Relation[],
  prefer?: readonly number[],
): number[] | null {
  const b = bounds.map((x) => ({ ...x }));
  if (!propagate(b, relations)) return null;
  let pick = -1;
  b.forEach((x, i) => {
    const best = b[pick];
    if (x.lo < x.hi && (!best || x.hi - x.lo < best.hi - best.lo)) pick = i;
  });
  if (pick < 0) return b.map((x) => x.lo);
  const { lo, hi } = b[pick] as Bounds;
  const mid = Math.floor((lo + hi) / 2);
  const halves: Bounds[] = [
    { lo, hi: mid },
    { lo: mid + 1, hi },
  ];
  const want = prefer?.[pick];
  if (want !== undefined && want > mid) halves.reverse();
  for (const h of halves) {
    const next = b.map((x, i) => (i === pick ? h : x));
    const found = solve(next, relations, prefer);
    if (found) return found;
  }
  return null;
}

/**
 * For each suppressed figure, whether the published table allows at least
 * two values: a first solution, then one that differs in that figure.
 */
function derivable(p: PublishedTable): { figure: number; value: number }[] {
  const model = attackerModel(p);
  const first = solve(model.bounds, model.relations);
  if (!first) throw new Error('the published table has no consistent reading');
  const out: { figure: number; value: number }[] = [];
  for (const s of model.suppressed) {
    const v = first[s] as number;
    const other = [
      { lo: model.bounds[s]?.lo ?? 0, hi: v - 1 },
      { lo: v + 1, hi: model.bounds[s]?.hi ?? CAP },
    ].some(
      (range) =>
        range.lo <= range.hi &&
        solve(
          model.bounds.map((x, i) => (i === s ? range : x)),
          model.relations,
          first,
        ) !== null,
    );
    if (!other) out.push({ figure: s, value: v });
  }
  return out;
}

/** The internal table is one of the readings the attacker considers possible. */
function consistentWithTruth(p: PublishedTable, table: CountTable): boolean {
  const model = attackerModel(p);
  const truth = flatValues(table);
  const inBounds = truth.every(
    (v, i) => v >= (model.bounds[i]?.lo ?? 0) && v <= (model.bounds[i]?.hi ?? 0),
  );
  const holds = model.relations.every((r) => {
    const s = sum(r.terms.map(([x, a]) => a * (truth[x] as number)));
    return r.kind === 'eq' ? s === 0 : s >= 0;
  });
  return inBounds && holds;
}

/** A published table as a naive protector would make it: the given figures suppressed. */
function naive(
  table: CountTable,
  threshold: number,
  suppress: Record<number, 'primary' | 'secondary'>,
): PublishedTable {
  const values = flatValues(table);
  const f = (i: number): PublishedFigure => {
    const reason = suppress[i];
    return reason
      ? { state: 'suppressed', reason }
      : { state: 'published', count: values[i] as number };
  };
  if (!('rowTotals' in table)) {
    const n = table.counts.length;
    const cells = table.counts.map((_, i) => f(i));
    return { dimensions: table.dimensions, cells, total: f(n), threshold, withheld: false };
  }
  const m = table.rowTotals.length;
  const n = table.columnTotals.length;
  return {
    dimensions: table.dimensions,
    cells: table.counts.map((r, i) => r.map((_, j) => f(i * n + j))),
    rowTotals: table.rowTotals.map((_, i) => f(m * n + i)),
    columnTotals: table.columnTotals.map((_, j) => f(m * n + m + j)),
    total: f(m * n + m + n),
    percentOf: 'total',
    threshold,
    withheld: false,
  };
}

// ---------------------------------------------------------------------------

describe('threshold', () => {
  it('refuses thresholds below 3 and non-integers with a translated validation error', () => {
    for (const bad of [2, 1, 0, -5, 2.5, 3.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        assertThreshold(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught, String(bad)).toBeInstanceOf(AppError);
      const err = caught as AppError;
      expect(err.code).toBe('validation');
      expect(err.status).toBe(400);
      expect(err.fields).toEqual([
        { path: 'threshold', code: 'threshold_too_low', params: { minimum: 3 } },
      ]);
    }
    for (const ok of [3, 11, 15, 100]) expect(() => assertThreshold(ok)).not.toThrow();
    expect(() => protect(oneWay([5, 20]), { threshold: 2 })).toThrow(AppError);
    for (const lang of ['sv', 'en'] as const) {
      const text = t(lang, 'validation.threshold_too_low', { minimum: 3 });
      expect(text).toContain('3');
      expect(text).not.toContain('threshold_too_low');
    }
  });

  it('uses 11 by default', () => {
    const table = oneWay([10, 12, 30]);
    const p = protect(table);
    expect(p).toEqual(protect(table, { threshold: 11 }));
    expect(p.threshold).toBe(11);
    // 10 is small; 12 can hide it (12 − 1 = 11 is still publishable-sized)
    expect(pattern(p)).toBe('psPP');
    expect(pattern(protect(table, { threshold: 10 }))).toBe('PPPP');
  });
});

describe('percentages', () => {
  it('additive: largest remainder, summing to exactly 100 (hand-computed)', () => {
    // 1/7 = 14.29, 2/7 = 28.57, 4/7 = 57.14: floors 14 + 28 + 57 = 99, the point goes to 28.57
    expect(percentages([1, 2, 4], 7)).toEqual([14, 29, 57]);
    // three equal thirds: the point goes to the first
    expect(percentages([1, 1, 1], 3)).toEqual([34, 33, 33]);
    // 12.5 and 87.5: equal remainders, the larger count gets the point
    expect(percentages([1, 7], 8)).toEqual([12, 88]);
    // 1/6 = 16.67, 0, 5/6 = 83.33: a zero stays 0
    expect(percentages([1, 0, 5], 6)).toEqual([17, 0, 83]);
    expect(percentages([2, 2, 1], 5)).toEqual([40, 40, 20]);
    expect(percentages([19, 1, 1, 1], 22)).toEqual([86, 5, 5, 4]);
  });

  it('multi-valued: each of persons, half up, may exceed 100 in sum', () => {
    expect(percentages([3, 2], 4, 'multi_valued')).toEqual([75, 50]);
    expect(percentages([1, 1], 8, 'multi_valued')).toEqual([13, 13]); // 12.5 → 13
    expect(percentages([1], 200, 'multi_valued')).toEqual([1]); // 0.5 → 1
    expect(percentages([1, 2], 3, 'multi_valued')).toEqual([33, 67]);
    expect(percentages([12, 15, 0], 20, 'multi_valued')).toEqual([60, 75, 0]);
  });

  it('refuses counts that do not fit the total', () => {
    expect(() => percentages([1, 2], 4)).toThrow(RangeError);
    expect(() => percentages([1], 0)).toThrow(RangeError);
    expect(() => percentages([5], 4, 'multi_valued')).toThrow(RangeError);
  });

  it('sums to 100 for random additive counts and stays within a point of the exact share', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(60), { minLength: 1, maxLength: 12 }), (counts) => {
        const total = sum(counts);
        fc.pre(total > 0);
        const p = percentages(counts, total);
        expect(sum(p)).toBe(100);
        p.forEach((x, i) => expect(Math.abs(x - (100 * (counts[i] ?? 0)) / total)).toBeLessThan(1));
      }),
      { numRuns: 300 },
    );
  });
});

describe('protect: hand-made tables', () => {
  it('suppresses a small cell and the smallest cell that can hide it', () => {
    const p = protect(oneWay([0, 4, 12, 30]), { threshold: 11 });
    expect(p.withheld).toBe(false);
    expect(p.cells).toEqual([
      { state: 'published', count: 0, percent: 0 },
      { state: 'suppressed', reason: 'primary' },
      { state: 'suppressed', reason: 'secondary' },
      // 30/46 = 65.2 %: rounded together with the suppressed 16 (34.8 %) to 65 + 35
      { state: 'published', count: 30, percent: 65 },
    ]);
    expect(p.total).toEqual({ state: 'published', count: 46 });
    expect(derivable(p)).toEqual([]);
  });

  it('does not leave two suppressed cells that sum to 2', () => {
    const table = oneWay([1, 1, 11, 25]);
    // The trap: a row whose suppressed cells sum to 2 — both must be 1.
    expect(derivable(naive(table, 11, { 0: 'primary', 1: 'primary' }))).toEqual([
      { figure: 0, value: 1 },
      { figure: 1, value: 1 },
    ]);
    // Adding the smallest other cell does not help either: 11 is ≥ threshold, so
    // 1 + 1 + x = 13 with x ≥ 11 still forces the ones.
    expect(
      derivable(naive(table, 11, { 0: 'primary', 1: 'primary', 2: 'secondary' })).map(
        (d) => d.figure,
      ),
    ).toEqual([0, 1, 2]);
    const p = protect(table, { threshold: 11 });
    expect(pattern(p)).toBe('ppPsP');
    expect(derivable(p)).toEqual([]);
    // With threshold 3 a cell of 20 suffices (1 + 1 + x = 22: 2 + 1 + 19 is another reading).
    const q = protect(oneWay([1, 1, 20, 25]), { threshold: 3 });
    expect(pattern(q)).toBe('ppsPP');
    expect(derivable(q)).toEqual([]);
  });

  it('propagates secondary suppression across rows and columns (2-D)', () => {
    // threshold 5: only the 3 is small. Hiding it needs a partner in its row
    // (6), which needs a partner in its column (5), which needs one in its row (7):
    // the rectangle of rows 1–2 × columns A–B, the cheapest (6 + 7 + 5).
    const table = twoWay([
      [3, 6, 12],
      [7, 5, 20],
      [9, 15, 8],
    ]);
    const p = protect(table, { threshold: 5 });
    expect(pattern(p)).toBe('psP' + 'ssP' + 'PPP' + 'PPP' + 'PPP' + 'P');
    expect(derivable(p)).toEqual([]);
    // The rectangle moves as +1/−1/−1/+1 (3→4, 6→5, 7→6, 5→6); 5 cannot go down.
    expect(
      derivable(naive(table, 5, { 0: 'primary', 1: 'secondary', 3: 'secondary', 4: 'secondary' })),
    ).toEqual([]);
    expect(derivable(naive(table, 5, { 0: 'primary', 1: 'secondary' })).length).toBeGreaterThan(0);
  });

  it('sees through a block of ones that has two suppressed cells in every row and column', () => {
    const table = twoWay([
      [1, 1, 20],
      [1, 1, 30],
      [20, 30, 40],
    ]);
    const block = { 0: 'primary', 1: 'primary', 3: 'primary', 4: 'primary' } as const;
    // Naively fine (two per row and column), but 1 + 1 = 22 − 20: all four are 1.
    expect(derivable(naive(table, 3, block)).map((d) => d.figure)).toEqual([0, 1, 3, 4]);
    const p = protect(table, { threshold: 3 });
    // Every inner cell goes: column C and row 3 carry the change (e.g. 2, 1 / 1, 1 with 19, 41 …).
    expect(pattern(p)).toBe('pps' + 'pps' + 'sss' + 'PPP' + 'PPP' + 'P');
    expect(derivable(p)).toEqual([]);
  });

  it('suppresses a small row total and keeps its cells from revealing it', () => {
    const table = twoWay([
      [1, 2],
      [20, 30],
    ]);
    const p = protect(table, { threshold: 5 });
    // cells: 1 2 / 20 30, row totals 3 50, column totals 21 32, total 53
    expect(pattern(p)).toBe('pp' + 'ss' + 'ps' + 'PP' + 'P');
    expect(p.columnTotals).toEqual([
      { state: 'published', count: 21, percent: 40 },
      { state: 'published', count: 32, percent: 60 },
    ]);
    expect(derivable(p)).toEqual([]);
    // Without hiding row 2's total, row 1's is 53 − 50.
    expect(
      derivable(
        naive(table, 5, {
          0: 'primary',
          1: 'primary',
          2: 'secondary',
          3: 'secondary',
          4: 'primary',
        }),
      ).map((d) => d.figure),
    ).toContain(4);
  });

  it('protects a table whose total is below the threshold, or withholds it when it cannot', () => {
    const small = protect(oneWay([2, 3, 0]), { threshold: 11 });
    expect(pattern(small)).toBe('ppPp');
    expect(small.withheld).toBe(false);
    expect(derivable(small)).toEqual([]);
    // threshold 3, 1 + 1 = 2: every figure is in [1, 2], so the reasons alone give 1, 1, 2.
    const tiny = oneWay([1, 1]);
    expect(derivable(naive(tiny, 3, { 0: 'primary', 1: 'primary', 2: 'primary' })).length).toBe(3);
    const w = protect(tiny, { threshold: 3 });
    expect(w.withheld).toBe(true);
    expect(pattern(w)).toBe('www');
    expect(derivable(w)).toEqual([]);
    // threshold 4: [1, 3] allows 2 + 1 = 3, so it can be published suppressed.
    const ok = protect(tiny, { threshold: 4 });
    expect(ok.withheld).toBe(false);
    expect(pattern(ok)).toBe('ppp');
  });

  it('handles a multi-valued table: the categories do not sum to the persons', () => {
    // 21 persons; 11 exploited in A, 10 in B (each person in at least one country).
    const table = oneWay([11, 10, 0], 21, true);
    // B alone: 11 + B ≥ 21 forces B = 10.
    expect(derivable(naive(table, 11, { 1: 'primary' }))).toEqual([{ figure: 1, value: 10 }]);
    const p = protect(table, { threshold: 11 });
    expect(pattern(p)).toBe('spPP');
    expect(derivable(p)).toEqual([]);
    // Percentages of persons, half up, summing to more than 100.
    const q = protect(oneWay([12, 15, 0, 20], 20, true), { threshold: 11 });
    expect(q.cells.map((f) => (f.state === 'published' ? f.percent : null))).toEqual([
      60, 75, 0, 100,
    ]);
  });

  it('handles countries of exploitation × sex (rows multi-valued, columns additive)', () => {
    // 12 women exploited in SE only, 3 women in SE and DE, 14 men in DE only, 1 man in SE only.
    const table: TwoWayTable = {
      dimensions: [
        { key: 'exploitationCountry', categories: ['SE', 'DE'], multiValued: true },
        { key: 'sex', categories: ['female', 'male'], multiValued: false },
      ],
      counts: [
        [15, 1],
        [3, 14],
      ],
      rowTotals: [16, 17],
      columnTotals: [15, 15],
      total: 30,
    };
    // Only the small cells hidden: the SE row is additive over sex, so its 1 is 16 − 15.
    expect(derivable(naive(table, 11, { 1: 'primary', 2: 'primary' }))).toContainEqual({
      figure: 1,
      value: 1,
    });
    const p = protect(table, { threshold: 11, percentOf: 'column' });
    // SE/male 1: cheapest is SE/female 15 (one woman fewer, one man more in SE; the
    // sex columns absorb it in their "memberships beyond one"), not the SE total 16.
    // DE/female 3: then the rectangle with DE/male 14, not the DE total 17.
    expect(pattern(p)).toBe('sp' + 'ps' + 'PP' + 'PP' + 'P');
    expect(consistentWithTruth(p, table)).toBe(true);
    expect(derivable(p)).toEqual([]);
    // Countries are multi-valued: each row total is a share of persons, half up
    // (16/30 = 53.3, 17/30 = 56.7), and together they exceed 100.
    expect(p.rowTotals.map((f) => (f.state === 'published' ? f.percent : null))).toEqual([53, 57]);
    // Sex is additive: largest remainder, exactly 100.
    expect(p.columnTotals.map((f) => (f.state === 'published' ? f.percent : null))).toEqual([
      50, 50,
    ]);
  });

  it('gives percentages of published figures only, of published bases only', () => {
    const p = protect(
      twoWay([
        [40, 44, 50],
        [30, 2, 25],
        [15, 16, 20],
      ]),
      { threshold: 11, percentOf: 'row' },
    );
    // The 2 is hidden with a rectangle through row 3 (cheaper than through row 1).
    expect(p.cells[0]?.every((f) => f.state === 'published')).toBe(true);
    expect(p.cells[1]?.[1]).toEqual({ state: 'suppressed', reason: 'primary' });
    // Row 1: 40, 44, 50 of 134 = 29.85, 32.84, 37.31 → floors 29 + 32 + 37 = 98; the two
    // missing points go to the largest remainders (.85, .84): 30 + 33 + 37 = 100.
    expect(p.cells[0]?.map((f) => (f.state === 'published' ? f.percent : null))).toEqual([
      30, 33, 37,
    ]);
    for (const row of p.cells) {
      for (const f of row) if (f.state === 'suppressed') expect(f).not.toHaveProperty('percent');
    }
    // A suppressed base: row 1 of this table has total 3, so its cells get no percentages.
    const q = protect(
      twoWay([
        [0, 3, 0],
        [30, 20, 25],
        [15, 16, 20],
      ]),
      { threshold: 11, percentOf: 'row' },
    );
    expect(q.rowTotals[0]).toEqual({ state: 'suppressed', reason: 'primary' });
    expect(q.cells[0]?.[0]).toEqual({ state: 'published', count: 0 });
  });

  it('refuses inconsistent tables', () => {
    expect(() => protect(oneWay([1, 2], 4))).toThrow(/add up/);
    expect(() => protect(oneWay([5, 2], 4, true))).toThrow(/exceeds/);
    expect(() => protect(oneWay([1, 1], 4, true))).toThrow(/miss persons/);
    const both: TwoWayTable = {
      dimensions: [dim('r', 1, true), dim('c', 1, true)],
      counts: [[3]],
      rowTotals: [3],
      columnTotals: [3],
      total: 3,
    };
    expect(() => protect(both)).toThrow(/at most one/);
    expect(() => protect({ ...twoWay([[1, 2]]), total: 4 })).toThrow(/add up/);
    expect(() => protect(oneWay([-1, 2], 1))).toThrow(/non-negative/);
  });
});

describe('mergeCategories', () => {
  it('merges age bands and returns the rule to print', () => {
    const ages: OneWayTable = {
      dimensions: [
        {
          key: 'ageBand',
          categories: ['under_18', '18_25', '26_30', '31_35', '36_45', '46_plus'],
          multiValued: false,
        },
      ],
      counts: [2, 5, 7, 3, 9, 4],
      total: 30,
    };
    const { table, rule } = mergeCategories(
      ages,
      {
        dimension: 'ageBand',
        groups: {
          '18_25': '18_30',
          '26_30': '18_30',
          '31_35': '31_plus',
          '36_45': '31_plus',
          '46_plus': '31_plus',
        },
      },
      'statistics.rules.age_bands',
    );
    expect(table.dimensions[0].categories).toEqual(['under_18', '18_30', '31_plus']);
    expect(table.counts).toEqual([2, 12, 16]);
    expect(table.total).toBe(30);
    expect(rule).toEqual({
      key: 'statistics.rules.age_bands',
      params: { dimension: 'ageBand', from: 6, to: 3 },
      groups: {
        under_18: ['under_18'],
        '18_30': ['18_25', '26_30'],
        '31_plus': ['31_35', '36_45', '46_plus'],
      },
    });
    // After merging only the 2 is small, and hiding it needs the 12.
    expect(pattern(protect(table, { threshold: 3 }))).toBe('psPP');
  });

  it('merges nationalities into world regions', () => {
    const nat: OneWayTable = {
      dimensions: [
        {
          key: 'nationality',
          categories: ['SE', 'RO', 'BG', 'NG', 'CY', 'GB', 'unknown'],
          multiValued: false,
        },
      ],
      counts: [4, 6, 3, 5, 2, 1, 2],
      total: 23,
    };
    const { table, rule } = mergeCategories(
      nat,
      regionMerge('nationality'),
      'statistics.rules.regions',
    );
    expect(table.dimensions[0].categories).toEqual([
      'sweden',
      'eu_eea',
      'europe_other',
      'africa',
      'unknown',
    ]);
    expect(table.counts).toEqual([4, 11, 1, 5, 2]);
    expect(rule.params).toEqual({ dimension: 'nationality', from: 7, to: 5 });
    expect(rule.groups.eu_eea).toEqual(['RO', 'BG', 'CY']);
  });

  it('merges one dimension of a 2-D table and keeps the other', () => {
    const table = twoWay([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const cols = mergeCategories(
      table,
      { dimension: 'c', groups: { c1: 'rest', c2: 'rest' } },
      'k',
    ).table;
    expect(cols.counts).toEqual([
      [1, 5],
      [4, 11],
    ]);
    expect(cols.columnTotals).toEqual([5, 16]);
    expect(cols.rowTotals).toEqual([6, 15]);
    const rows = mergeCategories(
      table,
      { dimension: 'r', groups: { r0: 'all', r1: 'all' } },
      'k',
    ).table;
    expect(rows.counts).toEqual([[5, 7, 9]]);
    expect(rows.rowTotals).toEqual([21]);
    expect(rows.total).toBe(21);
  });

  it('refuses to merge a multi-valued dimension from counts', () => {
    const table: TwoWayTable = {
      dimensions: [dim('country', 2, true), dim('sex', 1)],
      counts: [[3], [2]],
      rowTotals: [3, 2],
      columnTotals: [4],
      total: 4,
    };
    expect(() => mergeCategories(table, { dimension: 'country', groups: {} }, 'k')).toThrow(
      /multi-valued/,
    );
    expect(() => mergeCategories(table, { dimension: 'nope', groups: {} }, 'k')).toThrow(
      /no dimension/,
    );
  });

  it('maps every country code of the project exactly once (Antarctica has no nationals)', () => {
    const missing = [...COUNTRY_CODES].filter((c) => !(c in REGION_BY_COUNTRY));
    expect(missing).toEqual(['AQ']);
    const unknown = Object.keys(REGION_BY_COUNTRY).filter((c) => !COUNTRY_CODES.has(c));
    expect(unknown).toEqual([]);
    expect(new Set(Object.values(REGION_BY_COUNTRY))).toEqual(new Set(WORLD_REGIONS));
    expect(regionOf('se')).toBe('sweden');
    expect(['RO', 'BG', 'CY', 'NO', 'IS', 'LI', 'CH', 'AX'].map(regionOf)).toEqual(
      Array(8).fill('eu_eea'),
    );
    expect(['GB', 'UA', 'RS', 'XK'].map(regionOf)).toEqual(Array(4).fill('europe_other'));
    expect(['NG', 'TR', 'BR', 'FJ'].map(regionOf)).toEqual([
      'africa',
      'asia',
      'americas',
      'oceania',
    ]);
    // 26 other EU states + Åland + 3 EEA + Switzerland
    expect(Object.values(REGION_BY_COUNTRY).filter((r) => r === 'eu_eea')).toHaveLength(31);
  });
});

// ---------------------------------------------------------------------------
// Property: no suppressed figure can be derived

const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 15 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16, max: 80 }) },
);

const additive1: fc.Arbitrary<CountTable> = fc
  .array(count, { minLength: 1, maxLength: 6 })
  .map((c) => oneWay(c));

const additive2: fc.Arbitrary<CountTable> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([m, n]) =>
    fc.array(fc.array(count, { minLength: n, maxLength: n }), { minLength: m, maxLength: m }),
  )
  .map(twoWay);

/** Persons, each in one or more categories. */
const multi1: fc.Arbitrary<CountTable> = fc.integer({ min: 1, max: 5 }).chain((k) =>
  fc
    .array(fc.uniqueArray(fc.nat(k - 1), { minLength: 1, maxLength: k }), { maxLength: 40 })
    .map((persons) =>
      oneWay(
        Array.from({ length: k }, (_, i) => persons.filter((p) => p.includes(i)).length),
        persons.length,
        true,
      ),
    ),
);

/** Persons with one or more row categories and exactly one column category (or transposed). */
const multi2: fc.Arbitrary<CountTable> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .chain(([k, l, transposed]) =>
    fc
      .array(
        fc.record({
          many: fc.uniqueArray(fc.nat(k - 1), { minLength: 1, maxLength: k }),
          one: fc.nat(l - 1),
        }),
        { maxLength: 45 },
      )
      .map((persons): TwoWayTable => {
        const x = (a: number, b: number): number =>
          persons.filter((p) => p.many.includes(a) && p.one === b).length;
        const perMany = Array.from(
          { length: k },
          (_, a) => persons.filter((p) => p.many.includes(a)).length,
        );
        const perOne = Array.from(
          { length: l },
          (_, b) => persons.filter((p) => p.one === b).length,
        );
        const manyDim = dim('m', k, true);
        const oneDim = dim('o', l);
        const grid = Array.from({ length: k }, (_, a) =>
          Array.from({ length: l }, (_, b) => x(a, b)),
        );
        return transposed
          ? {
              dimensions: [oneDim, manyDim],
              counts: Array.from({ length: l }, (_, b) => grid.map((r) => r[b] ?? 0)),
              rowTotals: perOne,
              columnTotals: perMany,
              total: persons.length,
            }
          : {
              dimensions: [manyDim, oneDim],
              counts: grid,
              rowTotals: perMany,
              columnTotals: perOne,
              total: persons.length,
            };
      }),
  );

const threshold = fc.integer({ min: 3, max: 15 });
const basis = fc.constantFrom<PercentBasis>('total', 'row', 'column');

/** Lines of (members, base, additive) as the published table's percentages are defined. */
function lines(p: PublishedTable): { members: number[]; base: number; additive: boolean }[] {
  if (!('rowTotals' in p)) {
    const n = p.cells.length;
    return [
      {
        members: Array.from({ length: n }, (_, i) => i),
        base: n,
        additive: !p.dimensions[0].multiValued,
      },
    ];
  }
  const m = p.rowTotals.length;
  const n = p.columnTotals.length;
  const [rows, cols] = p.dimensions;
  const is = Array.from({ length: m }, (_, i) => i);
  const js = Array.from({ length: n }, (_, j) => j);
  const out = [
    { members: is.map((i) => m * n + i), base: m * n + m + n, additive: !rows.multiValued },
    { members: js.map((j) => m * n + m + j), base: m * n + m + n, additive: !cols.multiValued },
  ];
  if (p.percentOf === 'total') {
    out.push({
      members: Array.from({ length: m * n }, (_, c) => c),
      base: m * n + m + n,
      additive: !rows.multiValued && !cols.multiValued,
    });
  } else if (p.percentOf === 'row') {
    for (const i of is)
      out.push({ members: js.map((j) => i * n + j), base: m * n + i, additive: !cols.multiValued });
  } else {
    for (const j of js)
      out.push({
        members: is.map((i) => i * n + j),
        base: m * n + m + j,
        additive: !rows.multiValued,
      });
  }
  return out;
}

function checkProtected(table: CountTable, th: number, percentOf: PercentBasis): void {
  const p = protect(table, { threshold: th, percentOf });
  const figures = flatFigures(p);
  const truth = flatValues(table);
  expect(figures).toHaveLength(truth.length);

  figures.forEach((f, i) => {
    const v = truth[i] as number;
    const small = v >= 1 && v < th;
    if (f.state === 'published') {
      // (a) nothing small is published; (b) what is published is the true count
      expect(small, `figure ${i} = ${v} published`).toBe(false);
      expect(f.count).toBe(v);
    } else if (f.reason === 'primary') {
      expect(small).toBe(true);
    } else if (f.reason === 'secondary') {
      expect(v).toBeGreaterThanOrEqual(th);
    } else {
      expect(p.withheld).toBe(true);
    }
  });
  if (p.withheld)
    expect(figures.every((f) => f.state === 'suppressed' && f.reason === 'withheld')).toBe(true);

  // (b) published figures are consistent: every relation among published figures holds
  // (the attacker's model is satisfied by the truth), and percentages follow the rule.
  expect(consistentWithTruth(p, table)).toBe(true);
  const covered = new Set<number>();
  for (const { members, base, additive } of lines(p)) {
    const b = figures[base];
    for (const e of members) {
      covered.add(e);
      const f = figures[e];
      if (f?.state !== 'published') continue;
      if (b?.state !== 'published' || b.count === 0) {
        expect(f.percent, `percent of ${e} without a published base`).toBeUndefined();
        continue;
      }
      const exact = (100 * f.count) / b.count;
      expect(f.percent).toEqual(expect.any(Number));
      expect(Math.abs((f.percent ?? NaN) - exact)).toBeLessThanOrEqual(additive ? 0.999999 : 0.5);
      if (!additive) expect(f.percent).toBe(Math.floor(exact + 0.5));
    }
    const all = members.map((e) => figures[e]);
    if (
      additive &&
      b?.state === 'published' &&
      b.count > 0 &&
      all.every((f) => f?.state === 'published')
    ) {
      expect(sum(all.map((f) => (f?.state === 'published' ? (f.percent ?? NaN) : NaN)))).toBe(100);
    }
  }
  figures.forEach((f, i) => {
    if (!covered.has(i) && f.state === 'published') expect(f.percent).toBeUndefined();
  });

  // (c) no suppressed figure can be derived from what is published
  expect(derivable(p)).toEqual([]);
}

describe('protect: property', () => {
  const runs = Number(process.env.DISCLOSURE_PROPERTY_RUNS ?? 150);
  it.each([
    ['one-way additive', additive1],
    ['two-way additive', additive2],
    ['one-way multi-valued', multi1],
    ['two-way with a multi-valued dimension', multi2],
  ])('%s: nothing small published, nothing suppressed derivable', (_, tables) => {
    fc.assert(
      fc.property(tables, threshold, basis, (table, th, percentOf) => {
        checkProtected(table, th, percentOf);
      }),
      { numRuns: runs },
    );
  });

  it('the checker is not vacuous: primary suppression alone is often disclosive', () => {
    let disclosed = 0;
    fc.assert(
      fc.property(additive2, threshold, (table, th) => {
        const values = flatValues(table);
        const primaryOnly = Object.fromEntries(
          values.flatMap((v, i) => (v >= 1 && v < th ? [[i, 'primary' as const]] : [])),
        );
        if (derivable(naive(table, th, primaryOnly)).length > 0) disclosed += 1;
      }),
      { numRuns: 100, seed: 7 },
    );
    expect(disclosed).toBeGreaterThan(20);
  });
});
