import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import * as s from './organisations.schemas.js';
import * as orgs from './organisations.service.js';

/** The organisations of the partnership (extended by the network directory). */
export function organisationsRoutes(app: App, ctx: AppContext): void {
  const tags = ['organisations'];

  app.get('/api/organisations', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => orgs.listOrganisations(ctx, req.query),
  });

  app.get('/api/organisations/who-can-help', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.whoCanHelpQuery, response: { 200: s.whoCanHelpReply } },
    handler: (req) => orgs.whoCanHelp(ctx, req.query),
  });

  app.post('/api/organisations', {
    config: { access: 'organisations.manage' },
    schema: { tags, body: s.createBody, response: { 201: s.organisationView } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await orgs.createOrganisation(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/organisations/:id', {
    config: { access: 'organisations.read' },
    schema: { tags, params: s.orgParams, response: { 200: s.organisationView } },
    handler: (req) => orgs.getOrganisation(ctx, req.params.id),
  });

  app.patch('/api/organisations/:id', {
    config: { access: 'organisations.edit' },
    schema: {
      tags,
      params: s.orgParams,
      body: s.updateBody,
      response: { 200: s.organisationView },
    },
    handler: (req) =>
      orgs.updateOrganisation(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.get('/api/organisations/:id/members', {
    config: { access: 'organisation_members.read' },
    schema: { tags, params: s.orgParams, response: { 200: s.membersReply } },
    handler: (req) => orgs.listMembers(ctx, requireActor(req.actor), req.params.id),
  });
}
