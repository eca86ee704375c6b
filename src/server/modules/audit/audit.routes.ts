import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import * as s from './audit.schemas.js';
import * as audit from './audit.service.js';

/** The audit log for administrators: filter events, verify the hash chain. */
export function auditRoutes(app: App, ctx: AppContext): void {
  app.get('/api/audit', {
    config: { access: 'audit.read' },
    schema: { tags: ['audit'], querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => audit.listEvents(ctx, requireActor(req.actor), req.query, req.id),
  });

  app.post('/api/audit/verify', {
    config: { access: 'audit.read' },
    schema: { tags: ['audit'], response: { 200: s.verifyReply } },
    handler: (req) => audit.verify(ctx, requireActor(req.actor), req.id),
  });
}
