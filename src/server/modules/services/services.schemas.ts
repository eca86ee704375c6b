import { z } from 'zod';
import { shortText } from '../../core/schemas.js';

export const serviceCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,59}$/);

export const serviceView = z.object({
  code: z.string(),
  nameSv: z.string(),
  nameEn: z.string(),
  sortOrder: z.number().int(),
  retired: z.boolean(),
});
export type ServiceView = z.infer<typeof serviceView>;

export const listReply = z.object({ items: z.array(serviceView) });
export const createBody = z.strictObject({
  code: serviceCode,
  nameSv: shortText(120),
  nameEn: shortText(120),
  sortOrder: z.number().int().min(0).max(100_000).optional(),
});
export const updateBody = z
  .strictObject({
    nameSv: shortText(120).optional(),
    nameEn: shortText(120).optional(),
    sortOrder: z.number().int().min(0).max(100_000).optional(),
    /** A retired service stays on existing profiles but cannot be chosen again. */
    retired: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'required',
    path: ['nameSv'],
  });
export const codeParams = z.strictObject({ code: serviceCode });
