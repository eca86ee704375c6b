import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { idParams } from '../../core/schemas.js';
import * as s from './working-groups.schemas.js';
import * as groups from './working-groups.service.js';

/** Working groups and the coordination group of the civil-society platform. */
export function workingGroupsRoutes(app: App, ctx: AppContext): void {
  const tags = ['working-groups'];

  app.get('/api/working-groups', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => groups.listGroups(ctx, req.query.status, req.query.organisationId),
  });

  app.post('/api/working-groups', {
    config: { access: 'organisations.manage' },
    schema: { tags, body: s.createBody, response: { 201: s.detailReply } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await groups.createGroup(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/working-groups/:id', {
    config: { access: 'organisations.read' },
    schema: { tags, params: idParams, response: { 200: s.detailReply } },
    handler: (req) => groups.getGroup(ctx, req.params.id),
  });

  app.patch('/api/working-groups/:id', {
    config: { access: 'organisations.manage' },
    schema: { tags, params: idParams, body: s.updateBody, response: { 200: s.detailReply } },
    handler: (req) =>
      groups.updateGroup(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.put('/api/working-groups/:id/members', {
    config: { access: 'organisations.manage' },
    schema: { tags, params: idParams, body: s.membersBody, response: { 200: s.detailReply } },
    handler: (req) =>
      groups.setMembers(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });
}
