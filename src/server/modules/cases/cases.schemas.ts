import { z } from 'zod';
import { countryCode, id, isoDate, searchText, shortText } from '../../core/schemas.js';
import {
  AGE_BANDS,
  EXPLOITATION_FORMS,
  GENDERS,
  HOUSING_SITUATIONS,
  POLICE_REPORT_ANSWERS,
  RESIDENCE_STATUSES,
} from '../../core/reference.js';

/** A pseudonymised person's background: the fields that feed the statistics (domain.md §3). */
export const background = z
  .strictObject({
    nationality: countryCode.nullable(),
    gender: z.enum(GENDERS),
    ageBand: z.enum(AGE_BANDS),
    childrenCount: z.number().int().min(0).max(20),
    /** Ages in years of the accompanying children (may be fewer than the count when unknown). */
    childrenAges: z.array(z.number().int().min(0).max(17)).max(20),
    childrenInHomeCountry: z.number().int().min(0).max(20),
    exploitationForms: z.array(z.enum(EXPLOITATION_FORMS)).max(EXPLOITATION_FORMS.length),
    exploitationCountries: z.array(countryCode).max(30),
    policeReport: z.enum(POLICE_REPORT_ANSWERS),
    policeReportDate: isoDate.nullable(),
    residenceStatus: z.enum(RESIDENCE_STATUSES),
    housingSituation: z.enum(HOUSING_SITUATIONS),
  })
  .superRefine((v, ctx) => {
    if (v.childrenAges.length > v.childrenCount)
      ctx.addIssue({ code: 'custom', message: 'children_ages', path: ['childrenAges'] });
    if (v.policeReportDate !== null && v.policeReport !== 'yes')
      ctx.addIssue({ code: 'custom', message: 'police_report_date', path: ['policeReportDate'] });
    if (new Set(v.exploitationForms).size !== v.exploitationForms.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate', path: ['exploitationForms'] });
    if (new Set(v.exploitationCountries).size !== v.exploitationCountries.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate', path: ['exploitationCountries'] });
  });
export type Background = z.infer<typeof background>;

/** Free text about a person (notes, identity note, reasons): stored encrypted. */
export const caseText = (max = 5000) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // NUL cannot be stored in PostgreSQL text and has no place in prose.
    .refine((v) => !v.includes('\u0000'), { message: 'invalid' });

export const createCaseBody = z.strictObject({
  background,
  protectedIdentity: z.boolean(),
  /** Staff of the owning organisation who may see a protected case (the creator always may). */
  protectedStaffUserIds: z.array(id).max(50),
  identityNote: caseText(2000).nullable(),
});
export type CreateCase = z.infer<typeof createCaseBody>;

export const updateBackgroundBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  background,
});

export const protectionBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  protectedIdentity: z.boolean(),
  protectedStaffUserIds: z.array(id).max(50),
});

export const identityNoteBody = z.strictObject({
  identityNote: caseText(2000).nullable(),
});

export const transferBody = z.strictObject({
  expectedVersion: z.number().int().min(1),
  toOrganisationId: id,
  reason: caseText(2000),
});

export const noteBody = z.strictObject({ text: caseText(10_000) });

export const caseParams = z.strictObject({ id });
export const attachmentParams = z.strictObject({ id, attachmentId: id });

export const listQuery = z.strictObject({
  /** Case code or part of it (NSP012, 12). */
  q: searchText(20).optional(),
  organisationId: id.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const caseSummary = z.object({
  id: z.string(),
  code: z.string(),
  ownerOrganisationId: z.string(),
  ownerOrganisationName: z.string(),
  gender: z.enum(GENDERS),
  ageBand: z.enum(AGE_BANDS),
  protectedIdentity: z.boolean(),
  openApplications: z.number().int(),
  updatedAt: z.string(),
});
export type CaseSummary = z.infer<typeof caseSummary>;

export const listReply = z.object({
  items: z.array(caseSummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const timelineEntry = z.object({
  /** Stable key for lists. */
  key: z.string(),
  at: z.string(),
  kind: z.enum([
    'created',
    'application',
    'decision',
    'information_request',
    'answer',
    'approval',
    'note',
    'attachment',
    'ownership',
  ]),
  byName: z.string().nullable(),
  applicationId: z.string().nullable(),
  applicationType: z.string().nullable(),
  outcome: z.string().nullable(),
  /** Note text, request or answer text, or transfer reason (decrypted for those who may read the case). */
  text: z.string().nullable(),
  attachmentId: z.string().nullable(),
  fileName: z.string().nullable(),
  fromOrganisationName: z.string().nullable(),
  toOrganisationName: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const caseView = z.object({
  id: z.string(),
  code: z.string(),
  programmeName: z.string(),
  ownerOrganisationId: z.string(),
  ownerOrganisationName: z.string(),
  protectedIdentity: z.boolean(),
  /** Named staff of a protected case; shown to the owning organisation only. */
  protectedStaff: z.array(z.object({ id: z.string(), name: z.string() })),
  hasIdentityNote: z.boolean(),
  /** Only the owning organisation's staff may open the identity note. */
  mayViewIdentityNote: z.boolean(),
  /** Whether the reader may change the case and apply on it (staff of the owning organisation). */
  mayEdit: z.boolean(),
  background: z.object({
    nationality: z.string().nullable(),
    gender: z.enum(GENDERS),
    ageBand: z.enum(AGE_BANDS),
    childrenCount: z.number().int(),
    childrenAges: z.array(z.number().int()),
    childrenInHomeCountry: z.number().int(),
    exploitationForms: z.array(z.enum(EXPLOITATION_FORMS)),
    exploitationCountries: z.array(z.string()),
    policeReport: z.enum(POLICE_REPORT_ANSWERS),
    policeReportDate: z.string().nullable(),
    residenceStatus: z.enum(RESIDENCE_STATUSES),
    housingSituation: z.enum(HOUSING_SITUATIONS),
  }),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  timeline: z.array(timelineEntry),
});
export type CaseView = z.infer<typeof caseView>;

export const identityNoteReply = z.object({ identityNote: z.string().nullable() });

export const createdReply = z.object({ id: z.string(), code: z.string() });

/** Certified actors a case can move to. */
export const transferTargetsReply = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), county: z.string() })),
});

export const staffReply = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const attachmentUpload = z.object({ 'x-file-name': shortText(600) });
