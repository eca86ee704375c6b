import { z } from 'zod';
import { id, optionalText, shortText } from '../../core/schemas.js';
import { WORKING_GROUP_PURPOSES } from '../../core/reference.js';

export const purpose = z.enum(WORKING_GROUP_PURPOSES);

export const memberOrganisation = z.object({ id: z.string(), name: z.string() });
export const memberPerson = z.object({
  id: z.string(),
  name: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
});

export const workingGroupView = z.object({
  id: z.string(),
  name: z.string(),
  purpose,
  description: z.string().nullable(),
  convenorOrganisation: memberOrganisation.nullable(),
  convenorContact: memberPerson.nullable(),
  closed: z.boolean(),
  closedAt: z.string().nullable(),
  organisationCount: z.number().int(),
  personCount: z.number().int(),
  updatedAt: z.string(),
});
export type WorkingGroupView = z.infer<typeof workingGroupView>;

export const detailReply = workingGroupView.extend({
  organisations: z.array(memberOrganisation),
  persons: z.array(memberPerson),
});

export const listQuery = z.strictObject({
  /** Only groups the organisation takes part in (itself or through its contact persons). */
  organisationId: id.optional(),
  status: z.enum(['active', 'closed', 'all']).default('active'),
});
export const listReply = z.object({ items: z.array(workingGroupView) });

const fields = {
  name: shortText(200),
  purpose,
  description: optionalText(2000).optional(),
  convenorOrganisationId: id.nullable().optional(),
  convenorContactId: id.nullable().optional(),
};
export const createBody = z.strictObject(fields);
export const updateBody = z
  .strictObject({
    ...fields,
    name: fields.name.optional(),
    purpose: purpose.optional(),
    closed: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'required',
    path: ['name'],
  });
export const membersBody = z.strictObject({
  organisationIds: z.array(id).max(500),
  contactPersonIds: z.array(id).max(1000),
});
