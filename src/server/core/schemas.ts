import { z } from 'zod';
import { LOCALES } from './i18n.js';
import { ROLES } from './access.js';
import { isValidPhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js';
import { COUNTRY_CODES, LANGUAGE_CODES } from './reference.js';

/** Building blocks shared by module schemas. Objects are strict: unknown fields are refused. */
export const id = z.uuid();
export const idParams = z.strictObject({ id });
export const email = z
  .email()
  .max(254)
  .transform((v) => v.trim().toLowerCase());
export const locale = z.enum(LOCALES);
export const role = z.enum(ROLES);
export const isoInstant = z.iso.datetime();
export const isoDate = z.iso.date();
/**
 * Control characters (NUL above all, which PostgreSQL cannot store in text) have
 * no place in names or search terms; refusing them keeps both databases alike.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NO_CONTROL_CHARS = /^[^\u0000-\u001F\u007F-\u009F]*$/;
export const shortText = (max = 200) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARS);
/** Free-text search and filter terms (may be empty). */
export const searchText = (max = 100) => z.string().trim().max(max).regex(NO_CONTROL_CHARS);
export const password = z.string().max(256);
export const ok = z.object({ ok: z.literal(true) });

/** Optional free text: empty input is stored as null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(NO_CONTROL_CHARS)
    .transform((v) => (v === '' ? null : v))
    .nullable();

/** A telephone number in international form, stored as E.164 (+46701234567). */
export const phone = z
  .string()
  .trim()
  .max(40)
  .refine((v) => v.startsWith('+') && isValidPhoneNumber(v), { message: 'invalid_phone' })
  .transform((v) => parsePhoneNumberWithError(v).number);

/** A web address; only http(s). */
export const url = z
  .string()
  .trim()
  .max(300)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { message: 'invalid_url' },
  );

export const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((v) => COUNTRY_CODES.has(v), { message: 'invalid_country' });

export const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => LANGUAGE_CODES.has(v), { message: 'invalid_language' });

/** Refinement for objects with a from/to pair of ISO dates: to may not be before from. */
export function datesInOrder<K extends string, L extends string>(from: K, to: L) {
  return (v: Partial<Record<K | L, string | null | undefined>>, ctx: z.RefinementCtx): void => {
    const a = v[from];
    const b = v[to];
    if (a && b && b < a) ctx.addIssue({ code: 'custom', message: 'date_order', path: [to] });
  };
}
