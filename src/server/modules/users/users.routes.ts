import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { idParams, ok } from '../../core/schemas.js';
import * as s from './users.schemas.js';
import * as users from './users.service.js';

/** User administration: list, create (with an e-mailed invitation), edit, disable, end sessions. */
export function usersRoutes(app: App, ctx: AppContext): void {
  const access = 'users.manage' as const;
  const tags = ['users'];

  app.get('/api/users', {
    config: { access },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => users.listUsers(ctx, req.query),
  });

  app.post('/api/users', {
    config: { access },
    schema: { tags, body: s.createBody, response: { 201: s.userView } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await users.createUser(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/users/:id', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: s.userView } },
    handler: (req) => users.readUser(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  app.patch('/api/users/:id', {
    config: { access },
    schema: { tags, params: idParams, body: s.updateBody, response: { 200: s.userView } },
    handler: (req) =>
      users.updateUser(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/users/:id/disable', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: s.userView } },
    handler: (req) => users.setDisabled(ctx, requireActor(req.actor), req.params.id, true, req.id),
  });

  app.post('/api/users/:id/enable', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: s.userView } },
    handler: (req) => users.setDisabled(ctx, requireActor(req.actor), req.params.id, false, req.id),
  });

  app.post('/api/users/:id/end-sessions', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: s.sessionsEnded } },
    handler: async (req) => ({
      ended: await users.endUserSessions(ctx, requireActor(req.actor), req.params.id, req.id),
    }),
  });

  app.post('/api/users/:id/invitation', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: ok } },
    handler: async (req) => {
      await users.resendInvitation(ctx, requireActor(req.actor), req.params.id, req.id);
      return { ok: true as const };
    },
  });

  app.post('/api/users/:id/reset-two-factor', {
    config: { access },
    schema: { tags, params: idParams, response: { 200: s.userView } },
    handler: (req) => users.resetTwoFactor(ctx, requireActor(req.actor), req.params.id, req.id),
  });
}
