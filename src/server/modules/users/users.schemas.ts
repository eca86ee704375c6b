import { z } from 'zod';
import { email, id, locale, role, searchText, shortText } from '../../core/schemas.js';

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  locale,
  organisationId: z.string(),
  organisationName: z.string(),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  /** The person has not yet set a password from the invitation link. */
  invited: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

export const listQuery = z.strictObject({
  q: searchText(100).optional(),
  role: role.optional(),
  organisationId: id.optional(),
  status: z.enum(['active', 'disabled', 'invited']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const listReply = z.object({ items: z.array(userView), total: z.number().int() });

export const createBody = z.strictObject({
  email,
  name: shortText(120),
  role,
  organisationId: id,
  locale: locale.default('sv'),
});

export const updateBody = z
  .strictObject({
    name: shortText(120).optional(),
    role: role.optional(),
    organisationId: id.optional(),
    locale: locale.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'empty',
    path: ['name'],
  });

export const sessionsEnded = z.object({ ended: z.number().int() });
