import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { idParams, ok } from '../../core/schemas.js';
import * as s from './contacts.schemas.js';
import * as contacts from './contacts.service.js';

/** Contact persons: readable by the whole partnership, edited by their own organisation. */
export function contactsRoutes(app: App, ctx: AppContext): void {
  const tags = ['contacts'];

  app.get('/api/contacts', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => contacts.listContacts(ctx, req.query),
  });

  app.post('/api/contacts', {
    config: { access: 'organisations.edit' },
    schema: { tags, body: s.createBody, response: { 201: s.contactView } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await contacts.createContact(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/contacts/:id', {
    config: { access: 'organisations.read' },
    schema: { tags, params: idParams, response: { 200: s.contactView } },
    handler: (req) => contacts.getContact(ctx, req.params.id),
  });

  app.patch('/api/contacts/:id', {
    config: { access: 'organisations.edit' },
    schema: { tags, params: idParams, body: s.updateBody, response: { 200: s.contactView } },
    handler: (req) =>
      contacts.updateContact(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.delete('/api/contacts/:id', {
    config: { access: 'organisations.edit' },
    schema: { tags, params: idParams, response: { 200: ok } },
    handler: async (req) => {
      await contacts.deleteContact(ctx, requireActor(req.actor), req.params.id, req.id);
      return { ok: true as const };
    },
  });
}
