import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import * as s from './services.schemas.js';
import * as services from './services.service.js';

/** The service catalogue: everyone reads it; the coordinator and administrators maintain it. */
export function servicesRoutes(app: App, ctx: AppContext): void {
  const tags = ['services'];

  app.get('/api/services', {
    config: { access: 'organisations.read' },
    schema: { tags, response: { 200: s.listReply } },
    handler: async () => ({ items: await services.listServices(ctx.db) }),
  });

  app.post('/api/services', {
    config: { access: 'organisations.manage' },
    schema: { tags, body: s.createBody, response: { 201: s.serviceView } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await services.createService(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.patch('/api/services/:code', {
    config: { access: 'organisations.manage' },
    schema: { tags, params: s.codeParams, body: s.updateBody, response: { 200: s.serviceView } },
    handler: (req) =>
      services.updateService(ctx, requireActor(req.actor), req.params.code, req.body, req.id),
  });
}
