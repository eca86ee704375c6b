import { z } from 'zod';
import { email, locale, password, role, shortText } from '../../core/schemas.js';

export const sessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  locale,
  organisationId: z.string(),
  organisationName: z.string(),
  totpEnabled: z.boolean(),
  mfaRequired: z.boolean(),
});

export const sessionInfo = z.object({
  stage: z.enum(['full', 'mfa', 'enrol']),
  user: sessionUser,
});

export const signInBody = z.strictObject({ email, password: password.min(1) });

export const secondFactorBody = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/)
      .optional(),
    recoveryCode: z.string().trim().min(8).max(40).optional(),
  })
  .refine((b) => Boolean(b.code) !== Boolean(b.recoveryCode), {
    message: 'code or recoveryCode',
    path: ['code'],
  });

export const totpSetupReply = z.object({ secret: z.string(), uri: z.string() });
export const totpConfirmBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});
export const recoveryCodesReply = z.object({
  recoveryCodes: z.array(z.string()),
  session: sessionInfo,
});
export const currentPasswordBody = z.strictObject({ currentPassword: password.min(1) });
export const recoveryCodesOnly = z.object({ recoveryCodes: z.array(z.string()) });

export const resetRequestBody = z.strictObject({ email });
export const passwordLinkBody = z.strictObject({ token: z.string().min(20).max(100), password });
export const changePasswordBody = z.strictObject({
  currentPassword: password.min(1),
  newPassword: password,
});
export const profileBody = z
  .strictObject({ locale: locale.optional(), name: shortText(120).optional() })
  .refine((b) => b.locale !== undefined || b.name !== undefined, {
    message: 'empty',
    path: ['locale'],
  });
