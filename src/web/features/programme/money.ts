/*
 * Money in the support programme is integer öre in the API. People type
 * kronor ("1 234,50", "1234.50"); this turns that into öre exactly, without
 * floating-point arithmetic, and refuses more than two decimals.
 */

/** The largest amount the API accepts (öre). */
export const MAX_ORE = 100_000_000_000;

export type MoneyProblem = 'format' | 'decimals' | 'tooLarge';
export type MoneyParse = { ok: true; ore: number | null } | { ok: false; problem: MoneyProblem };

/** Kronor as typed → öre; empty input is `null` (no amount). */
export function parseKronor(input: string): MoneyParse {
  const s = input
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/^(sek)/i, '')
    .replace(/(kr|sek|:-)$/i, '');
  if (s === '') return { ok: true, ore: null };
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(s);
  if (!m) return { ok: false, problem: 'format' };
  const whole = (m[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = m[2] ?? '';
  if (fraction.length > 2) return { ok: false, problem: 'decimals' };
  if (whole.length > 10) return { ok: false, problem: 'tooLarge' };
  const ore = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(ore) || ore > MAX_ORE) return { ok: false, problem: 'tooLarge' };
  return { ok: true, ore };
}

/** Öre as kronor for a form field ("1234", "1234,50" in Swedish, "1234.50" in English). */
export function oreToKronorInput(ore: number | null, decimalSeparator: ',' | '.'): string {
  if (ore === null) return '';
  const whole = Math.trunc(ore / 100);
  const rest = ore % 100;
  return rest === 0 ? String(whole) : `${whole}${decimalSeparator}${String(rest).padStart(2, '0')}`;
}

/** Öre as a SEK amount in the given Intl locale; whole kronor without decimals. */
export function formatOre(ore: number, locale: string): string {
  const whole = ore % 100 === 0;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'SEK',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(ore / 100);
}
