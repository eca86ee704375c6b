import { AppError, type FieldError } from '../../core/errors.js';
import {
  INTEGRATION_PREREQUISITE_STATUSES,
  MAX_PERIOD_DAYS,
  type ApplicationType,
  type ResidenceStatus,
} from '../../core/reference.js';
import type { ApplicationInput, Breakdown, Warning } from './applications.schemas.js';

/**
 * The programme's rules as pure functions (domain.md §3): which fields each
 * application type takes, how the amount follows from the rate schedule, and
 * the rule checks the coordinator sees as warnings. No database here, so every
 * rule is testable on its own.
 */

export interface Rates {
  reflection_daily_ore: number;
  reflection_child_daily_ore: number;
  protection_daily_ore: number;
  integration_daily_ore: number;
  integration_child_daily_ore: number;
}

export interface Category {
  code: string;
  unit_price_ore: number | null;
  cap_ore: number | null;
  responsibility: string;
}

const DAY_MS = 86_400_000;

/** Days in a period, both ends included (1 March–30 March is 30 days). */
export function inclusiveDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function isPeriodType(type: ApplicationType): type is 'reflection' | 'integration' {
  return type === 'reflection' || type === 'integration';
}

/**
 * Which fields belong to which type. A field that does not belong must be
 * left empty, so nothing is silently ignored.
 */
export function checkShape(input: ApplicationInput, category: Category | undefined): void {
  const fields: FieldError[] = [];
  const need = (ok: boolean, path: string) => {
    if (!ok) fields.push({ path, code: 'required_for_type' });
  };
  const none = (ok: boolean, path: string) => {
    if (!ok) fields.push({ path, code: 'not_for_type' });
  };
  const t = input.type;
  if (t !== 'inquiry') need(input.caseId !== null, 'caseId');
  if (isPeriodType(t)) {
    need(input.periodFrom !== null, 'periodFrom');
    need(input.periodTo !== null, 'periodTo');
    const max = MAX_PERIOD_DAYS[t] ?? 0;
    if (input.periodFrom && input.periodTo && input.periodTo >= input.periodFrom) {
      if (inclusiveDays(input.periodFrom, input.periodTo) > max)
        fields.push({ path: 'periodTo', code: 'period_too_long', params: { maximum: max } });
    }
  } else {
    none(input.periodFrom === null, 'periodFrom');
    none(input.periodTo === null, 'periodTo');
    none(input.childrenCount === 0, 'childrenCount');
  }
  if (t !== 'reflection') none(!input.protection24h, 'protection24h');
  if (t === 'intervention') {
    need(input.interventionCode !== null, 'interventionCode');
    if (input.interventionCode !== null && !category)
      fields.push({ path: 'interventionCode', code: 'unknown_intervention' });
    need(input.quantity !== null, 'quantity');
    if (category) {
      if (category.unit_price_ore === null) need(input.unitCostOre !== null, 'unitCostOre');
      else none(input.unitCostOre === null, 'unitCostOre');
    }
  } else {
    none(input.interventionCode === null, 'interventionCode');
    none(input.quantity === null, 'quantity');
    none(input.unitCostOre === null, 'unitCostOre');
  }
  if (t === 'inquiry' || t === 'admission') {
    none(input.deductionsOre === 0, 'deductionsOre');
  }
  if (fields.length > 0) throw new AppError('validation', fields);
}

/** Gross cost per day of a period application. */
function perDay(
  type: 'reflection' | 'integration',
  rates: Rates,
  children: number,
  protection: boolean,
) {
  const daily = type === 'reflection' ? rates.reflection_daily_ore : rates.integration_daily_ore;
  const child =
    type === 'reflection' ? rates.reflection_child_daily_ore : rates.integration_child_daily_ore;
  const prot = type === 'reflection' && protection ? rates.protection_daily_ore : 0;
  return { daily, child, prot, total: daily + children * child + prot };
}

/** The amount applied for, in öre, from the rates (or the catalogue) with deductions taken off. */
export function computeBreakdown(
  input: Pick<
    ApplicationInput,
    | 'type'
    | 'periodFrom'
    | 'periodTo'
    | 'childrenCount'
    | 'protection24h'
    | 'quantity'
    | 'unitCostOre'
    | 'deductionsOre'
  >,
  rates: Rates | undefined,
  category: Category | undefined,
): Breakdown {
  const empty: Breakdown = {
    days: null,
    dailyOre: null,
    childDailyOre: null,
    protectionDailyOre: null,
    quantity: null,
    unitOre: null,
    grossOre: 0,
    deductionsOre: input.deductionsOre,
    amountOre: 0,
  };
  let gross = 0;
  let out = empty;
  if (isPeriodType(input.type) && input.periodFrom && input.periodTo && rates) {
    const days = inclusiveDays(input.periodFrom, input.periodTo);
    const p = perDay(input.type, rates, input.childrenCount, input.protection24h);
    gross = days * p.total;
    out = {
      ...empty,
      days,
      dailyOre: p.daily,
      childDailyOre: p.child,
      protectionDailyOre: p.prot,
    };
  } else if (input.type === 'intervention' && input.quantity !== null) {
    const unit = category?.unit_price_ore ?? input.unitCostOre ?? 0;
    gross = input.quantity * unit;
    out = { ...empty, quantity: input.quantity, unitOre: unit };
  }
  if (input.deductionsOre > gross)
    throw new AppError('validation', [
      { path: 'deductionsOre', code: 'deductions_exceed_cost', params: { maximum: gross } },
    ]);
  return { ...out, grossOre: gross, amountOre: gross - input.deductionsOre };
}

/** The amount for fewer days than applied for, with the deductions scaled to the days kept. */
export function amountForDays(
  app: {
    type: string;
    days: number | null;
    amount_ore: number;
    deductions_ore: number;
    children_count: number;
    protection_24h: number;
  },
  rates: Rates,
  grantedDays: number,
): number {
  if (!isPeriodType(app.type as ApplicationType) || !app.days) return 0;
  const p = perDay(
    app.type as 'reflection' | 'integration',
    rates,
    app.children_count,
    app.protection_24h === 1,
  );
  const deductions = Math.round((app.deductions_ore * grantedDays) / app.days);
  return Math.max(0, grantedDays * p.total - deductions);
}

export interface RuleFacts {
  type: ApplicationType;
  periodFrom: string | null;
  days: number | null;
  amountOre: number;
  submittedDate: string;
  policeReport: string | null;
  policeReportDate: string | null;
  residenceStatus: string | null;
  /** Reflection days the person already has applied for or been granted (not denied). */
  otherReflectionDays: number;
  category: Category | undefined;
}

/** The rule checks of domain.md §3, as warnings with their reasons. */
export function ruleWarnings(f: RuleFacts): Warning[] {
  const out: Warning[] = [];
  if ((f.type === 'reflection' || f.type === 'admission') && f.policeReport === 'yes')
    out.push({ code: 'police_report', params: { date: f.policeReportDate ?? '' } });
  if (f.type === 'reflection' && f.days !== null && f.otherReflectionDays + f.days > 30)
    out.push({
      code: 'reflection_over_30_days',
      params: { totalDays: f.otherReflectionDays + f.days },
    });
  if (
    f.type === 'integration' &&
    !INTEGRATION_PREREQUISITE_STATUSES.has((f.residenceStatus ?? 'other') as ResidenceStatus)
  )
    out.push({
      code: 'integration_without_prerequisite',
      params: { residenceStatus: f.residenceStatus ?? '' },
    });
  if (f.periodFrom !== null && f.periodFrom < f.submittedDate) {
    const passed = Math.min(inclusiveDays(f.periodFrom, f.submittedDate) - 1, f.days ?? 0);
    out.push({ code: 'period_passed', params: { daysPassed: passed } });
  }
  if (f.category?.responsibility === 'actor')
    out.push({ code: 'actor_responsibility', params: {} });
  if (f.category?.responsibility === 'authority')
    out.push({ code: 'authority_responsibility', params: {} });
  if (f.category && f.category.cap_ore !== null && f.amountOre > f.category.cap_ore)
    out.push({
      code: 'above_cap',
      params: { capOre: f.category.cap_ore, amountOre: f.amountOre },
    });
  return out;
}
