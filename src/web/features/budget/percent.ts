/*
 * The overhead share is typed as a percentage ("10", "12,5", "7.25") and sent
 * as basis points (10 % = 1000). Converted exactly, digit by digit, without
 * floating-point arithmetic; more than two decimals are refused.
 */

/** 100 %: the largest share the API accepts. */
export const MAX_BP = 10_000;

export type PercentProblem = 'format' | 'decimals' | 'tooLarge';
export type PercentParse = { ok: true; bp: number } | { ok: false; problem: PercentProblem };

/** A percentage as typed → basis points; empty input is a format problem (the share is required). */
export function parsePercent(input: string): PercentParse {
  const s = input.replace(/[\s\u00a0\u202f]/g, '').replace(/%$/, '');
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(s);
  if (!m) return { ok: false, problem: 'format' };
  const whole = (m[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = m[2] ?? '';
  if (fraction.length > 2) return { ok: false, problem: 'decimals' };
  if (whole.length > 3) return { ok: false, problem: 'tooLarge' };
  const bp = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (bp > MAX_BP) return { ok: false, problem: 'tooLarge' };
  return { ok: true, bp };
}

/** Basis points as a percentage for a form field ("10", "12,5", "7,25"). */
export function bpToPercentInput(bp: number, decimalSeparator: ',' | '.'): string {
  const whole = Math.trunc(bp / 100);
  const rest = bp % 100;
  if (rest === 0) return String(whole);
  const fraction = String(rest).padStart(2, '0').replace(/0$/, '');
  return `${whole}${decimalSeparator}${fraction}`;
}

/** Basis points as a percentage for display, in the given Intl locale ("10 %", "12.5%"). */
export function formatBp(bp: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
    bp / 10_000,
  );
}

/** The overhead of the funds, rounded down to whole öre as the server does. */
export function overheadOf(fundsOre: number, bp: number): number {
  return Math.floor((fundsOre * bp) / 10_000);
}
