import { z } from 'zod';
import { datesInOrder, id, isoDate, optionalText, shortText } from '../../core/schemas.js';
import { CERTIFICATION_STATUSES } from '../../core/reference.js';
import { serviceCode } from '../services/services.schemas.js';

export const certificationStatus = z.enum(CERTIFICATION_STATUSES);

export const certificationView = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  county: z.string(),
  /** As recorded. */
  status: certificationStatus,
  /** As it stands today: a certification past its end date counts as expired. */
  effectiveStatus: certificationStatus,
  certifiedFrom: z.string().nullable(),
  certifiedTo: z.string().nullable(),
  reviewDate: z.string().nullable(),
  services: z.array(z.string()),
  /** Visible to the coordinator, administrators and the organisation itself. */
  conditions: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
  daysLeft: z.number().int().nullable(),
});
export type CertificationView = z.infer<typeof certificationView>;

export const historyEntry = z.object({
  version: z.number().int(),
  at: z.string(),
  actorName: z.string().nullable(),
  status: certificationStatus,
  certifiedFrom: z.string().nullable(),
  certifiedTo: z.string().nullable(),
  reviewDate: z.string().nullable(),
  conditions: z.string().nullable(),
  services: z.array(z.string()),
  reason: z.string(),
});

export const documentView = z.object({
  id: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  uploadedAt: z.string(),
});

export const detailReply = z.object({
  certification: certificationView.nullable(),
  history: z.array(historyEntry),
  documents: z.array(documentView),
});

export const setBody = z
  .strictObject({
    status: certificationStatus,
    certifiedFrom: isoDate.nullable().optional(),
    certifiedTo: isoDate.nullable().optional(),
    reviewDate: isoDate.nullable().optional(),
    conditions: optionalText(2000).optional(),
    services: z.array(serviceCode).max(50).default([]),
    /** Why the change is made; kept in the history. */
    reason: shortText(500),
    /** The version the editor saw (0 for a first certification); a stale one is refused. */
    expectedVersion: z.number().int().min(0),
  })
  .superRefine(datesInOrder('certifiedFrom', 'certifiedTo'))
  .superRefine((v, ctx) => {
    if (v.status === 'certified' && (!v.certifiedFrom || !v.certifiedTo)) {
      ctx.addIssue({
        code: 'custom',
        message: 'required',
        path: [v.certifiedFrom ? 'certifiedTo' : 'certifiedFrom'],
      });
    }
  });
export type SetCertification = z.infer<typeof setBody>;

export const listQuery = z.strictObject({
  status: certificationStatus.optional(),
  /** Only certifications ending within this many days (the coordinator's 60-day view). */
  expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
});
export const listReply = z.object({ items: z.array(certificationView) });

export const orgParams = z.strictObject({ id });
export const documentParams = z.strictObject({ id, documentId: id });
