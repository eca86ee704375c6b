import { stockholmDayStartUtc } from '../../core/time.js';

/**
 * Working hours in Europe/Stockholm for the access review: which UTC
 * intervals of a date range count as working time. Weekends and Swedish
 * public holidays are never working time; neither are the three eves that
 * Swedish workplaces treat as holidays (midsummer eve, Christmas Eve, New
 * Year's Eve).
 */

const iso = (y: number, m: number, d: number): string =>
  new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/** Easter Sunday (Gregorian computus, Meeus/Jones/Butcher). */
function easterSunday(year: number): { m: number; d: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { m: month, d: day };
}

/** The first date from `from` (inclusive, within the month) that falls on `weekday` (0 = Sunday). */
function firstWeekdayFrom(y: number, m: number, from: number, weekday: number): string {
  const start = new Date(Date.UTC(y, m - 1, from));
  const shift = (weekday - start.getUTCDay() + 7) % 7;
  return iso(y, m, from + shift);
}

const holidayCache = new Map<number, ReadonlySet<string>>();

/** Swedish public holidays (allmänna helgdagar) of a year, plus midsummer eve, Christmas Eve and New Year's Eve. */
export function swedishHolidays(year: number): ReadonlySet<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const fromEaster = (days: number): string => iso(year, easter.m, easter.d + days);
  const set = new Set<string>([
    iso(year, 1, 1), // nyårsdagen
    iso(year, 1, 6), // trettondedag jul
    fromEaster(-2), // långfredagen
    fromEaster(0), // påskdagen
    fromEaster(1), // annandag påsk
    iso(year, 5, 1), // första maj
    fromEaster(39), // Kristi himmelsfärds dag
    fromEaster(49), // pingstdagen
    iso(year, 6, 6), // Sveriges nationaldag
    firstWeekdayFrom(year, 6, 19, 5), // midsommarafton (Friday 19–25 June)
    firstWeekdayFrom(year, 6, 20, 6), // midsommardagen (Saturday 20–26 June)
    firstWeekdayFrom(year, 10, 31, 6), // alla helgons dag (Saturday 31 October – 6 November)
    iso(year, 12, 24), // julafton
    iso(year, 12, 25), // juldagen
    iso(year, 12, 26), // annandag jul
    iso(year, 12, 31), // nyårsafton
  ]);
  holidayCache.set(year, set);
  return set;
}

/** Whether a Stockholm calendar date is a working day: Monday to Friday and not a holiday. */
export function isWorkingDay(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = d.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !swedishHolidays(d.getUTCFullYear()).has(date);
}

/** The calendar dates from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * The UTC instant of a Stockholm wall-clock hour on a working day. Summer time
 * starts and ends on Sundays, so a working day has 24 hours and the day's own
 * offset holds all day.
 */
function stockholmHourUtc(date: string, hour: number): string {
  return new Date(Date.parse(stockholmDayStartUtc(date)) + hour * 3_600_000).toISOString();
}

export interface WorkingInterval {
  /** UTC ISO instants, [start, end). */
  start: string;
  end: string;
}

/** The working time of each working day in the range, as UTC intervals. */
export function workingIntervals(
  from: string,
  to: string,
  startHour: number,
  endHour: number,
): WorkingInterval[] {
  return datesBetween(from, to)
    .filter(isWorkingDay)
    .map((date) => ({
      start: stockholmHourUtc(date, startHour),
      end: stockholmHourUtc(date, endHour),
    }));
}
