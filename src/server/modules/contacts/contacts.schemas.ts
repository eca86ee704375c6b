import { z } from 'zod';
import {
  datesInOrder,
  email,
  id,
  isoDate,
  optionalText,
  phone,
  searchText,
  shortText,
} from '../../core/schemas.js';
import { CONTACT_ROLES, COUNTIES } from '../../core/reference.js';

export const contactRole = z.enum(CONTACT_ROLES);

export const contactView = z.object({
  id: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  county: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  roles: z.array(contactRole),
  activeFrom: z.string().nullable(),
  activeTo: z.string().nullable(),
  public: z.boolean(),
  /** Whether the person is in office today (Stockholm date). */
  active: z.boolean(),
  updatedAt: z.string(),
});
export type ContactView = z.infer<typeof contactView>;

const fields = {
  name: shortText(120),
  title: optionalText(120).optional(),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  roles: z.array(contactRole).max(CONTACT_ROLES.length).optional(),
  activeFrom: isoDate.nullable().optional(),
  activeTo: isoDate.nullable().optional(),
  public: z.boolean().optional(),
};

export const createBody = z
  .strictObject({ organisationId: id, ...fields })
  .superRefine(datesInOrder('activeFrom', 'activeTo'));
export type ContactInput = z.infer<typeof createBody>;

export const updateBody = z
  .strictObject({ ...fields, name: fields.name.optional() })
  .superRefine(datesInOrder('activeFrom', 'activeTo'));
export type ContactUpdate = z.infer<typeof updateBody>;

export const listQuery = z.strictObject({
  q: searchText(100).optional(),
  organisationId: id.optional(),
  county: z.enum(COUNTIES).optional(),
  role: contactRole.optional(),
  /** Only people in office today. */
  activeOnly: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ContactQuery = z.infer<typeof listQuery>;

export const listReply = z.object({ items: z.array(contactView), total: z.number().int() });
