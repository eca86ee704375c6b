import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { ok } from '../../core/schemas.js';
import * as s from './auth.schemas.js';
import * as auth from './auth.service.js';
import { clearSessionCookie, setSessionCookie } from './auth.cookies.js';

/** Sign-in, two-factor, sign-out, password links and the signed-in person's own profile. */
export function authRoutes(app: App, ctx: AppContext): void {
  app.get('/api/auth/session', {
    config: { access: 'session' },
    schema: { tags: ['auth'], response: { 200: s.sessionInfo } },
    handler: (req) => auth.sessionInfo(ctx, requireActor(req.actor)),
  });

  app.post('/api/auth/sign-in', {
    // Tighter than the global limit: every attempt costs an Argon2id hash.
    config: {
      access: 'public',
      rateLimit: { max: ctx.config.signInRateLimitPerMinute, timeWindow: '1 minute' },
    },
    schema: { tags: ['auth'], body: s.signInBody, response: { 200: s.sessionInfo } },
    handler: async (req, reply) => {
      const { token, info } = await auth.signIn(ctx, req.body, { ip: req.ip, requestId: req.id });
      setSessionCookie(reply, ctx.config, token);
      return info;
    },
  });

  app.post('/api/auth/second-factor', {
    config: {
      access: 'session',
      rateLimit: { max: ctx.config.signInRateLimitPerMinute, timeWindow: '1 minute' },
    },
    schema: { tags: ['auth'], body: s.secondFactorBody, response: { 200: s.sessionInfo } },
    handler: async (req, reply) => {
      const { token, info } = await auth.verifySecondFactor(
        ctx,
        requireActor(req.actor),
        req.body,
        req.id,
      );
      setSessionCookie(reply, ctx.config, token);
      return info;
    },
  });

  app.post('/api/auth/totp/setup', {
    config: { access: 'session' },
    schema: { tags: ['auth'], response: { 200: s.totpSetupReply } },
    handler: (req) => auth.beginTotpEnrolment(ctx, requireActor(req.actor), req.id),
  });

  app.post('/api/auth/totp/confirm', {
    config: { access: 'session' },
    schema: { tags: ['auth'], body: s.totpConfirmBody, response: { 200: s.recoveryCodesReply } },
    handler: async (req, reply) => {
      const res = await auth.confirmTotpEnrolment(
        ctx,
        requireActor(req.actor),
        req.body.code,
        req.id,
      );
      if (res.token) setSessionCookie(reply, ctx.config, res.token);
      return { recoveryCodes: res.recoveryCodes, session: res.info };
    },
  });

  app.post('/api/auth/totp/disable', {
    config: { access: 'signed_in' },
    schema: { tags: ['auth'], body: s.currentPasswordBody, response: { 200: ok } },
    handler: async (req) => {
      await auth.disableTotp(ctx, requireActor(req.actor), req.body.currentPassword, req.id);
      return { ok: true as const };
    },
  });

  app.post('/api/auth/recovery-codes', {
    config: { access: 'signed_in' },
    schema: { tags: ['auth'], body: s.currentPasswordBody, response: { 200: s.recoveryCodesOnly } },
    handler: async (req) => ({
      recoveryCodes: await auth.regenerateRecoveryCodes(
        ctx,
        requireActor(req.actor),
        req.body.currentPassword,
        req.id,
      ),
    }),
  });

  app.post('/api/auth/sign-out', {
    config: { access: 'session' },
    schema: {
      tags: ['auth'],
      // Fastify hands a missing body to the validator as null, so null must be accepted too.
      body: z.strictObject({ everywhere: z.boolean().default(false) }).nullish(),
      response: { 200: ok },
    },
    handler: async (req, reply) => {
      await auth.signOut(ctx, requireActor(req.actor), req.body?.everywhere ?? false, req.id);
      clearSessionCookie(reply, ctx.config);
      return { ok: true as const };
    },
  });

  app.post('/api/auth/password-reset', {
    config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], body: s.resetRequestBody, response: { 202: ok } },
    handler: async (req, reply) => {
      await auth.requestPasswordReset(ctx, req.body.email, { ip: req.ip, requestId: req.id });
      return reply.status(202).send({ ok: true as const });
    },
  });

  app.post('/api/auth/password-link', {
    config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], body: s.passwordLinkBody, response: { 200: ok } },
    handler: async (req, reply) => {
      await auth.completePasswordLink(ctx, req.body, req.id);
      clearSessionCookie(reply, ctx.config);
      return { ok: true as const };
    },
  });

  app.post('/api/me/password', {
    config: { access: 'signed_in' },
    schema: { tags: ['me'], body: s.changePasswordBody, response: { 200: ok } },
    handler: async (req, reply) => {
      const token = await auth.changePassword(ctx, requireActor(req.actor), req.body, req.id);
      setSessionCookie(reply, ctx.config, token);
      return { ok: true as const };
    },
  });

  app.patch('/api/me', {
    config: { access: 'signed_in' },
    schema: { tags: ['me'], body: s.profileBody, response: { 200: s.sessionInfo } },
    handler: (req) => auth.updateProfile(ctx, requireActor(req.actor), req.body, req.id),
  });
}
