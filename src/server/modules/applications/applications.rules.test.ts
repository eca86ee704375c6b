/**
 * The programme's rules as pure functions (domain.md §3): which fields each
 * application type takes, how the amount follows from the 2016 rates and the
 * intervention catalogue, and the warnings the coordinator sees.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../core/errors.js';
import {
  amountForDays,
  checkShape,
  computeBreakdown,
  inclusiveDays,
  isPeriodType,
  ruleWarnings,
  type Category,
  type Rates,
  type RuleFacts,
} from './applications.rules.js';
import type { ApplicationInput } from './applications.schemas.js';

/** The 2016 pilot's rates, in öre. */
const RATES: Rates = {
  reflection_daily_ore: 120_000,
  reflection_child_daily_ore: 30_000,
  protection_daily_ore: 15_000,
  integration_daily_ore: 60_000,
  integration_child_daily_ore: 20_000,
};

const LAWYER: Category = {
  code: 'lawyer_hours',
  unit_price_ore: 250_000,
  cap_ore: 2_500_000,
  responsibility: 'programme',
};
const TRAVEL: Category = {
  code: 'travel',
  unit_price_ore: null,
  cap_ore: 500_000,
  responsibility: 'programme',
};
const TRAINING: Category = {
  code: 'staff_training',
  unit_price_ore: null,
  cap_ore: null,
  responsibility: 'actor',
};
const HEALTH: Category = {
  code: 'health_care',
  unit_price_ore: null,
  cap_ore: null,
  responsibility: 'authority',
};

const CASE_ID = '01890000-0000-7000-8000-0000000000aa';

function input(patch: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    caseId: CASE_ID,
    type: 'reflection',
    periodFrom: null,
    periodTo: null,
    interventionCode: null,
    quantity: null,
    unitCostOre: null,
    childrenCount: 0,
    protection24h: false,
    deductionsOre: 0,
    deductionsBy: null,
    justification: 'Behöver vila.',
    ...patch,
  };
}

const reflection = (patch: Partial<ApplicationInput> = {}) =>
  input({ type: 'reflection', periodFrom: '2026-12-01', periodTo: '2026-12-30', ...patch });
const integration = (patch: Partial<ApplicationInput> = {}) =>
  input({ type: 'integration', periodFrom: '2026-12-01', periodTo: '2027-02-28', ...patch });
const lawyer = (patch: Partial<ApplicationInput> = {}) =>
  input({ type: 'intervention', interventionCode: 'lawyer_hours', quantity: 4, ...patch });

/** The field errors a call throws (fails the test if it does not throw an AppError). */
function fieldErrors(fn: () => unknown): Array<[string, string]> {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('validation');
    return err.fields.map((f) => [f.path, f.code]);
  }
  throw new Error('expected a validation error');
}

describe('periods', () => {
  it('counts both ends of a period', () => {
    expect(inclusiveDays('2026-03-01', '2026-03-30')).toBe(30);
    expect(inclusiveDays('2026-12-01', '2026-12-01')).toBe(1);
    expect(inclusiveDays('2026-12-01', '2027-02-28')).toBe(90);
    // Across the change to summer time in Sweden (UTC dates, no lost hour).
    expect(inclusiveDays('2027-03-27', '2027-03-29')).toBe(3);
    expect(inclusiveDays('2028-02-28', '2028-03-01')).toBe(3);
  });

  it('knows which types are periods', () => {
    expect(isPeriodType('reflection')).toBe(true);
    expect(isPeriodType('integration')).toBe(true);
    for (const t of ['inquiry', 'admission', 'intervention'] as const)
      expect(isPeriodType(t)).toBe(false);
  });
});

describe('fields per application type', () => {
  it('accepts a well-formed application of each type', () => {
    expect(() => checkShape(input({ type: 'inquiry', caseId: null }), undefined)).not.toThrow();
    expect(() => checkShape(input({ type: 'inquiry' }), undefined)).not.toThrow();
    expect(() => checkShape(input({ type: 'admission' }), undefined)).not.toThrow();
    expect(() =>
      checkShape(reflection({ childrenCount: 2, protection24h: true }), undefined),
    ).not.toThrow();
    expect(() => checkShape(integration({ childrenCount: 1 }), undefined)).not.toThrow();
    expect(() => checkShape(lawyer(), LAWYER)).not.toThrow();
    expect(() =>
      checkShape(
        input({
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 1,
          unitCostOre: 90_000,
        }),
        TRAVEL,
      ),
    ).not.toThrow();
  });

  it('requires a case for everything but an inquiry', () => {
    for (const t of ['admission', 'reflection', 'integration'] as const) {
      const base =
        t === 'reflection'
          ? reflection()
          : t === 'integration'
            ? integration()
            : input({ type: t });
      expect(fieldErrors(() => checkShape({ ...base, caseId: null }, undefined))).toEqual([
        ['caseId', 'required_for_type'],
      ]);
    }
    expect(fieldErrors(() => checkShape(lawyer({ caseId: null }), LAWYER))).toEqual([
      ['caseId', 'required_for_type'],
    ]);
  });

  it('requires the period of a period type, at most 30 or 90 days', () => {
    expect(
      fieldErrors(() => checkShape(reflection({ periodFrom: null, periodTo: null }), undefined)),
    ).toEqual([
      ['periodFrom', 'required_for_type'],
      ['periodTo', 'required_for_type'],
    ]);
    expect(() => checkShape(reflection({ periodTo: '2026-12-30' }), undefined)).not.toThrow();
    expect(
      fieldErrors(() => checkShape(reflection({ periodTo: '2026-12-31' }), undefined)),
    ).toEqual([['periodTo', 'period_too_long']]);
    expect(() => checkShape(integration({ periodTo: '2027-02-28' }), undefined)).not.toThrow();
    expect(
      fieldErrors(() => checkShape(integration({ periodTo: '2027-03-01' }), undefined)),
    ).toEqual([['periodTo', 'period_too_long']]);
  });

  it('refuses fields that do not belong to the type (nothing is silently ignored)', () => {
    expect(
      fieldErrors(() =>
        checkShape(
          input({
            type: 'admission',
            periodFrom: '2026-12-01',
            periodTo: '2026-12-02',
            childrenCount: 1,
            protection24h: true,
            interventionCode: 'lawyer_hours',
            quantity: 1,
            unitCostOre: 1,
            deductionsOre: 100,
          }),
          LAWYER,
        ),
      ).sort(),
    ).toEqual(
      [
        ['periodFrom', 'not_for_type'],
        ['periodTo', 'not_for_type'],
        ['childrenCount', 'not_for_type'],
        ['protection24h', 'not_for_type'],
        ['interventionCode', 'not_for_type'],
        ['quantity', 'not_for_type'],
        ['unitCostOre', 'not_for_type'],
        ['deductionsOre', 'not_for_type'],
      ].sort(),
    );
    // The protection supplement is for reflection only.
    expect(fieldErrors(() => checkShape(integration({ protection24h: true }), undefined))).toEqual([
      ['protection24h', 'not_for_type'],
    ]);
    expect(
      fieldErrors(() => checkShape(input({ type: 'inquiry', deductionsOre: 1 }), undefined)),
    ).toEqual([['deductionsOre', 'not_for_type']]);
  });

  it('interventions: a known code and a quantity; a cost only where the catalogue sets no price', () => {
    expect(fieldErrors(() => checkShape(input({ type: 'intervention' }), undefined))).toEqual([
      ['interventionCode', 'required_for_type'],
      ['quantity', 'required_for_type'],
    ]);
    expect(
      fieldErrors(() => checkShape(lawyer({ interventionCode: 'flying_carpet' }), undefined)),
    ).toEqual([['interventionCode', 'unknown_intervention']]);
    // Lawyer hours have a catalogue price: the actor may not state one.
    expect(fieldErrors(() => checkShape(lawyer({ unitCostOre: 1 }), LAWYER))).toEqual([
      ['unitCostOre', 'not_for_type'],
    ]);
    // Travel has none: the actor must.
    expect(
      fieldErrors(() =>
        checkShape(
          input({ type: 'intervention', interventionCode: 'travel', quantity: 1 }),
          TRAVEL,
        ),
      ),
    ).toEqual([['unitCostOre', 'required_for_type']]);
    expect(fieldErrors(() => checkShape(lawyer({ periodFrom: '2026-12-01' }), LAWYER))).toEqual([
      ['periodFrom', 'not_for_type'],
    ]);
  });
});

describe('amounts from the 2016 rates', () => {
  it('reflection: 1 200 SEK a day, 300 per child, 150 for 24-hour protection', () => {
    const b = computeBreakdown(reflection(), RATES, undefined);
    expect(b).toEqual({
      days: 30,
      dailyOre: 120_000,
      childDailyOre: 30_000,
      protectionDailyOre: 0,
      quantity: null,
      unitOre: null,
      grossOre: 3_600_000,
      deductionsOre: 0,
      amountOre: 3_600_000,
    });
    // 30 days × (1 200 + 2 × 300 + 150) = 58 500 SEK.
    expect(
      computeBreakdown(reflection({ childrenCount: 2, protection24h: true }), RATES, undefined),
    ).toMatchObject({ protectionDailyOre: 15_000, grossOre: 5_850_000, amountOre: 5_850_000 });
  });

  it('integration: 600 SEK a day, 200 per child; no protection supplement', () => {
    // 90 days × (600 + 200) = 72 000 SEK.
    expect(computeBreakdown(integration({ childrenCount: 1 }), RATES, undefined)).toMatchObject({
      days: 90,
      dailyOre: 60_000,
      childDailyOre: 20_000,
      protectionDailyOre: 0,
      amountOre: 7_200_000,
    });
  });

  it('interventions: the catalogue price (lawyer 2 500 SEK/hour) or the stated cost', () => {
    expect(computeBreakdown(lawyer(), undefined, LAWYER)).toMatchObject({
      quantity: 4,
      unitOre: 250_000,
      grossOre: 1_000_000,
      amountOre: 1_000_000,
    });
    // A stated cost is ignored where the catalogue has a price.
    expect(computeBreakdown(lawyer({ unitCostOre: 1 }), undefined, LAWYER).amountOre).toBe(
      1_000_000,
    );
    expect(
      computeBreakdown(
        input({
          type: 'intervention',
          interventionCode: 'travel',
          quantity: 2,
          unitCostOre: 95_050,
        }),
        undefined,
        TRAVEL,
      ),
    ).toMatchObject({ unitOre: 95_050, amountOre: 190_100 });
  });

  it('inquiries and admissions cost nothing', () => {
    expect(computeBreakdown(input({ type: 'inquiry' }), RATES, undefined).amountOre).toBe(0);
    expect(computeBreakdown(input({ type: 'admission' }), RATES, undefined).amountOre).toBe(0);
  });

  it('subtracts what another body pays, and refuses deductions above the cost', () => {
    // EBO: the Migration Agency's allowance, 71 SEK a day for 30 days.
    expect(
      computeBreakdown(reflection({ deductionsOre: 213_000 }), RATES, undefined),
    ).toMatchObject({ grossOre: 3_600_000, deductionsOre: 213_000, amountOre: 3_387_000 });
    expect(
      computeBreakdown(reflection({ deductionsOre: 3_600_000 }), RATES, undefined).amountOre,
    ).toBe(0);
    expect(
      fieldErrors(() =>
        computeBreakdown(reflection({ deductionsOre: 3_600_001 }), RATES, undefined),
      ),
    ).toEqual([['deductionsOre', 'deductions_exceed_cost']]);
    expect(
      fieldErrors(() =>
        computeBreakdown(input({ type: 'admission', deductionsOre: 1 }), RATES, undefined),
      ),
    ).toEqual([['deductionsOre', 'deductions_exceed_cost']]);
  });

  it('fewer days: 26 of 30 for one child is 39 000 SEK', () => {
    const app = {
      type: 'reflection',
      days: 30,
      amount_ore: 4_500_000,
      deductions_ore: 0,
      children_count: 1,
      protection_24h: 0,
    };
    expect(amountForDays(app, RATES, 26)).toBe(3_900_000);
    // Integration: 81 of 90 days without children.
    expect(
      amountForDays({ ...app, type: 'integration', days: 90, children_count: 0 }, RATES, 81),
    ).toBe(4_860_000);
    // Deductions are scaled to the days kept.
    expect(amountForDays({ ...app, deductions_ore: 300_000 }, RATES, 15)).toBe(
      15 * 150_000 - 150_000,
    );
    // Not a period type: nothing.
    expect(amountForDays({ ...app, type: 'intervention' }, RATES, 3)).toBe(0);
  });
});

describe('amounts: properties', () => {
  const dayOffset = fc.integer({ min: 0, max: 29 });
  const start = fc
    .date({
      min: new Date('2016-01-01T00:00:00Z'),
      max: new Date('2030-12-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const plusDays = (from: string, n: number) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const rates = fc.record({
    reflection_daily_ore: fc.integer({ min: 0, max: 1_000_000 }),
    reflection_child_daily_ore: fc.integer({ min: 0, max: 1_000_000 }),
    protection_daily_ore: fc.integer({ min: 0, max: 1_000_000 }),
    integration_daily_ore: fc.integer({ min: 0, max: 1_000_000 }),
    integration_child_daily_ore: fc.integer({ min: 0, max: 1_000_000 }),
  });

  it('a period amount is a non-negative integer, gross minus deductions, and the days are counted inclusively', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('reflection' as const, 'integration' as const),
        start,
        fc.integer({ min: 0, max: 89 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 100_000_000 }),
        rates,
        (type, from, extra, children, protection, deductions, r) => {
          const to = plusDays(from, extra);
          const args = input({
            type,
            periodFrom: from,
            periodTo: to,
            childrenCount: children,
            protection24h: type === 'reflection' && protection,
            deductionsOre: deductions,
          });
          let b;
          try {
            b = computeBreakdown(args, r, undefined);
          } catch (err) {
            // The only refusal: deductions above the cost.
            expect(err).toBeInstanceOf(AppError);
            expect((err as AppError).fields[0]?.code).toBe('deductions_exceed_cost');
            const gross =
              (extra + 1) *
              ((type === 'reflection' ? r.reflection_daily_ore : r.integration_daily_ore) +
                children *
                  (type === 'reflection'
                    ? r.reflection_child_daily_ore
                    : r.integration_child_daily_ore) +
                (type === 'reflection' && protection ? r.protection_daily_ore : 0));
            expect(deductions).toBeGreaterThan(gross);
            return;
          }
          expect(b.days).toBe(extra + 1);
          expect(Number.isSafeInteger(b.amountOre)).toBe(true);
          expect(b.amountOre).toBeGreaterThanOrEqual(0);
          expect(b.amountOre).toBe(b.grossOre - deductions);
          expect(b.grossOre).toBe(
            (b.days ?? 0) *
              ((b.dailyOre ?? 0) + children * (b.childDailyOre ?? 0) + (b.protectionDailyOre ?? 0)),
          );
        },
      ),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('more days never cost less (monotone in days), and fewer granted days never cost more', () => {
    fc.assert(
      fc.property(
        start,
        dayOffset,
        dayOffset,
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        (from, a, b, children, protection) => {
          const [short, long] = a <= b ? [a, b] : [b, a];
          const amount = (n: number) =>
            computeBreakdown(
              reflection({
                periodFrom: from,
                periodTo: plusDays(from, n),
                childrenCount: children,
                protection24h: protection,
              }),
              RATES,
              undefined,
            ).amountOre;
          expect(amount(long)).toBeGreaterThanOrEqual(amount(short));
          const app = {
            type: 'reflection',
            days: long + 1,
            amount_ore: amount(long),
            deductions_ore: 0,
            children_count: children,
            protection_24h: protection ? 1 : 0,
          };
          expect(amountForDays(app, RATES, short + 1)).toBeLessThanOrEqual(
            amountForDays(app, RATES, long + 1),
          );
          // Granting every day applied for gives the amount applied for.
          expect(amountForDays(app, RATES, long + 1)).toBe(amount(long));
        },
      ),
      { seed: 20261124, numRuns: 300 },
    );
  });

  it('fewer days with deductions: an integer, never negative, never above the applied amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 90 }),
        (days, children, share, granted) => {
          const gross = days * (60_000 + children * 20_000);
          const deductions = Math.floor(gross * share);
          const app = {
            type: 'integration',
            days,
            amount_ore: gross - deductions,
            deductions_ore: deductions,
            children_count: children,
            protection_24h: 0,
          };
          const g = Math.min(granted, days);
          const amount = amountForDays(app, RATES, g);
          expect(Number.isSafeInteger(amount)).toBe(true);
          expect(amount).toBeGreaterThanOrEqual(0);
          expect(amount).toBeLessThanOrEqual(gross - deductions);
        },
      ),
      { seed: 20261125, numRuns: 300 },
    );
  });

  it('intervention amounts are quantity × unit price, monotone in the quantity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (q1, q2) => {
          const [a, b] = q1 <= q2 ? [q1, q2] : [q2, q1];
          const amount = (q: number) =>
            computeBreakdown(lawyer({ quantity: q }), undefined, LAWYER).amountOre;
          expect(amount(a)).toBe(a * 250_000);
          expect(amount(a)).toBeLessThanOrEqual(amount(b));
          expect(Number.isSafeInteger(amount(b))).toBe(true);
        },
      ),
      { seed: 20261126, numRuns: 200 },
    );
  });
});

describe('rule warnings', () => {
  const facts = (patch: Partial<RuleFacts> = {}): RuleFacts => ({
    type: 'reflection',
    periodFrom: '2026-12-01',
    days: 30,
    amountOre: 3_600_000,
    submittedDate: '2026-11-23',
    policeReport: 'no',
    policeReportDate: null,
    residenceStatus: 'undocumented',
    otherReflectionDays: 0,
    category: undefined,
    ...patch,
  });
  const codes = (f: RuleFacts) => ruleWarnings(f).map((w) => w.code);

  it('none for a plain reflection in the future', () => {
    expect(ruleWarnings(facts())).toEqual([]);
  });

  it('a police report: the police should apply for TUT first (reflection and admission)', () => {
    expect(ruleWarnings(facts({ policeReport: 'yes', policeReportDate: '2026-10-01' }))).toEqual([
      { code: 'police_report', params: { date: '2026-10-01' } },
    ]);
    expect(
      codes(facts({ type: 'admission', days: null, periodFrom: null, policeReport: 'yes' })),
    ).toEqual(['police_report']);
    expect(codes(facts({ policeReport: 'unknown' }))).toEqual([]);
    expect(
      codes(facts({ type: 'integration', residenceStatus: 'tut', policeReport: 'yes' })),
    ).toEqual([]);
  });

  it('more than 30 reflection days for one person in all', () => {
    expect(ruleWarnings(facts({ days: 20, otherReflectionDays: 20 }))).toEqual([
      { code: 'reflection_over_30_days', params: { totalDays: 40 } },
    ]);
    expect(codes(facts({ days: 10, otherReflectionDays: 20 }))).toEqual([]);
  });

  it('integration without a residence permit or other prerequisite', () => {
    expect(ruleWarnings(facts({ type: 'integration', residenceStatus: 'asylum_seeker' }))).toEqual([
      { code: 'integration_without_prerequisite', params: { residenceStatus: 'asylum_seeker' } },
    ]);
    for (const ok of ['tut', 'permanent_permit', 'eu_citizen', 'swedish_citizen'])
      expect(codes(facts({ type: 'integration', residenceStatus: ok })), ok).toEqual([]);
    for (const no of ['undocumented', 'other'])
      expect(codes(facts({ type: 'integration', residenceStatus: no })), no).toEqual([
        'integration_without_prerequisite',
      ]);
  });

  it('a period that has already (partly) passed', () => {
    expect(ruleWarnings(facts({ periodFrom: '2026-11-13', days: 30 }))).toEqual([
      { code: 'period_passed', params: { daysPassed: 10 } },
    ]);
    // Entirely passed: at most the days of the period.
    expect(ruleWarnings(facts({ periodFrom: '2026-09-01', days: 30 }))).toEqual([
      { code: 'period_passed', params: { daysPassed: 30 } },
    ]);
    expect(codes(facts({ periodFrom: '2026-11-23' }))).toEqual([]);
  });

  it("the actor's own or another authority's responsibility, and above the cap", () => {
    const base = { type: 'intervention' as const, periodFrom: null, days: null };
    expect(codes(facts({ ...base, category: TRAINING, amountOre: 100 }))).toEqual([
      'actor_responsibility',
    ]);
    expect(codes(facts({ ...base, category: HEALTH, amountOre: 100 }))).toEqual([
      'authority_responsibility',
    ]);
    expect(ruleWarnings(facts({ ...base, category: LAWYER, amountOre: 3_000_000 }))).toEqual([
      { code: 'above_cap', params: { capOre: 2_500_000, amountOre: 3_000_000 } },
    ]);
    expect(codes(facts({ ...base, category: LAWYER, amountOre: 2_500_000 }))).toEqual([]);
  });
});
