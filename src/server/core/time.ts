/** The business time zone: calendar dates are Swedish dates. */
export const BUSINESS_TIME_ZONE = 'Europe/Stockholm';

const offsetFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: BUSINESS_TIME_ZONE,
  timeZoneName: 'longOffset',
});

/** Offset of Stockholm from UTC at an instant, in minutes (60 in winter, 120 in summer). */
function stockholmOffsetMinutes(at: Date): number {
  const name =
    offsetFormatter.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The UTC instant at which a Stockholm calendar date (plus `addDays`) begins, as ISO. */
export function stockholmDayStartUtc(date: string, addDays = 0): string {
  const [y, mo, d] = date.split('-').map(Number);
  const midnightUtc = Date.UTC(y ?? 1970, (mo ?? 1) - 1, (d ?? 1) + addDays);
  // Midnight in Stockholm is midnight UTC minus the offset valid at that moment.
  const guess = new Date(midnightUtc - stockholmOffsetMinutes(new Date(midnightUtc)) * 60_000);
  return new Date(midnightUtc - stockholmOffsetMinutes(guess) * 60_000).toISOString();
}

const dateFormatter = new Intl.DateTimeFormat('sv-SE', { timeZone: BUSINESS_TIME_ZONE });

/** Today's date in Stockholm as YYYY-MM-DD. */
export function stockholmDate(at: Date): string {
  return dateFormatter.format(at);
}
