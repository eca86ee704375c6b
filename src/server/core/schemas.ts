import { z } from 'zod';
import { LOCALES } from './i18n.js';
import { ROLES } from './access.js';

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
export const shortText = (max = 200) => z.string().trim().min(1).max(max);
export const password = z.string().max(256);
export const ok = z.object({ ok: z.literal(true) });
