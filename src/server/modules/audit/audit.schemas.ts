import { z } from 'zod';
import { id, isoDate, searchText } from '../../core/schemas.js';

export const auditEventView = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorOrganisationId: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  requestId: z.string().nullable(),
  outcome: z.string(),
  hash: z.string(),
});

export const listQuery = z.strictObject({
  action: z
    .string()
    .trim()
    .max(80)
    .regex(/^[a-z_.]+$/)
    .optional(),
  actorUserId: id.optional(),
  objectType: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z_]+$/)
    .optional(),
  objectId: searchText(80).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  /** Calendar dates in Europe/Stockholm, inclusive. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** Keyset paging: events older than this sequence number. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const listReply = z.object({
  items: z.array(auditEventView),
  nextBefore: z.number().int().nullable(),
});

export const verifyReply = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  brokenAt: z.number().int().nullable(),
  reason: z.string().nullable(),
});
