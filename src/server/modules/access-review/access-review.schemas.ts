import { z } from 'zod';
import { id, isoDate, locale } from '../../core/schemas.js';
import { ROLES } from '../../core/access.js';

/** The kinds of case read the review shows, by the audit action that records them. */
export const READ_KINDS = ['case', 'identity_note', 'attachment', 'application'] as const;
export type ReadKind = (typeof READ_KINDS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;

/** A case code as typed (nsp001 → NSP001); only letters and digits. */
const caseCode = z
  .string()
  .trim()
  .max(20)
  .regex(/^[A-Za-z0-9]+$/)
  .transform((v) => v.toUpperCase());

/** Calendar dates in Europe/Stockholm, inclusive; the last 30 days when left out. */
const range = {
  from: isoDate.optional(),
  to: isoDate.optional(),
};

const readFilters = {
  ...range,
  userId: id.optional(),
  organisationId: id.optional(),
  caseCode: caseCode.optional(),
  kind: z.enum(READ_KINDS).optional(),
};

export const readsQuery = z.strictObject({
  ...readFilters,
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type ReadsQuery = z.infer<typeof readsQuery>;

/**
 * A file is fetched by a plain link, which carries the browser's language rather than the
 * interface's: `lang` asks for the headings in the language the person is reading.
 */
const fileOptions = {
  format: z.enum(EXPORT_FORMATS),
  lang: locale.optional(),
};

export const readsExportQuery = z.strictObject({
  ...readFilters,
  ...fileOptions,
});
export type ReadsExportQuery = z.infer<typeof readsExportQuery>;

const patternRules = {
  ...range,
  /** Distinct cases of other organisations from which a user is listed (default 5). */
  threshold: z.coerce.number().int().min(1).max(1000).optional(),
  /** Working hours in Stockholm: from startHour:00 to endHour:00 on working days (default 7–19). */
  startHour: z.coerce.number().int().min(0).max(23).optional(),
  endHour: z.coerce.number().int().min(1).max(24).optional(),
};

export const patternsQuery = z.strictObject(patternRules);
export type PatternsQuery = z.infer<typeof patternsQuery>;

export const patternsExportQuery = z.strictObject({
  ...patternRules,
  ...fileOptions,
});
export type PatternsExportQuery = z.infer<typeof patternsExportQuery>;

const who = {
  userId: z.string(),
  userName: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  organisationId: z.string().nullable(),
  organisationName: z.string().nullable(),
};

export const readView = z.object({
  seq: z.number().int(),
  at: z.string(),
  ...who,
  caseCode: z.string(),
  kind: z.enum(READ_KINDS),
  /** The organisation that owned the case when it was read. */
  ownerOrganisationId: z.string(),
  ownerOrganisationName: z.string().nullable(),
  /** The reader's organisation did not own the case at the time. */
  otherOrganisation: z.boolean(),
});
export type ReadView = z.infer<typeof readView>;

export const readsReply = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(readView),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ReadsReply = z.infer<typeof readsReply>;

export const otherOrganisationRow = z.object({
  ...who,
  /** Distinct cases not owned by the reader's organisation at the time of the read. */
  cases: z.number().int(),
  reads: z.number().int(),
  /** The coordinator reads every case by role: listed, but marked as expected. */
  roleExpected: z.boolean(),
});

export const outsideHoursRow = z.object({
  ...who,
  outsideReads: z.number().int(),
  totalReads: z.number().int(),
});

export const patternsReply = z.object({
  from: z.string(),
  to: z.string(),
  rules: z.object({
    threshold: z.number().int(),
    startHour: z.number().int(),
    endHour: z.number().int(),
    timeZone: z.string(),
  }),
  otherOrganisation: z.array(otherOrganisationRow),
  outsideHours: z.array(outsideHoursRow),
});
export type PatternsReply = z.infer<typeof patternsReply>;
