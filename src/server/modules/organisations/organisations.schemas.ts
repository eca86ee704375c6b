import { z } from 'zod';
import { id, role, shortText } from '../../core/schemas.js';
import { COUNTIES, ORGANISATION_TYPES } from '../../core/reference.js';

export const county = z.enum(COUNTIES);
export const organisationType = z.enum(ORGANISATION_TYPES);

export const organisationView = z.object({
  id: z.string(),
  name: z.string(),
  type: organisationType,
  county,
  userCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationView = z.infer<typeof organisationView>;

export const listQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  type: organisationType.optional(),
  county: county.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const listReply = z.object({ items: z.array(organisationView), total: z.number().int() });

export const createBody = z.strictObject({ name: shortText(200), type: organisationType, county });
export const updateBody = z
  .strictObject({
    name: shortText(200).optional(),
    type: organisationType.optional(),
    county: county.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'empty',
    path: ['name'],
  });

/** Staff of one organisation, as their colleagues see them: no security details. */
export const memberView = z.object({ id: z.string(), name: z.string(), email: z.string(), role });
export const membersReply = z.object({ items: z.array(memberView) });

export const orgParams = z.strictObject({ id });
