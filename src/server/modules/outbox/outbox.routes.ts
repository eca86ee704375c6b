import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { idParams } from '../../core/schemas.js';
import * as outbox from './outbox.service.js';

const status = z.enum(['held', 'pending', 'sending', 'sent', 'failed']);
const summary = z.object({
  id: z.string(),
  kind: z.string(),
  toAddress: z.string(),
  subject: z.string(),
  status,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
const detail = summary.extend({ bodyText: z.string() });

/** The mail outbox: what was sent, what waits, and (without SMTP) the messages to read here. */
export function outboxRoutes(app: App, ctx: AppContext): void {
  app.get('/api/outbox', {
    config: { access: 'outbox.read' },
    schema: {
      tags: ['outbox'],
      querystring: z.strictObject({
        status: status.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      response: {
        200: z.object({
          items: z.array(summary),
          total: z.number().int(),
          smtpEnabled: z.boolean(),
        }),
      },
    },
    handler: (req) => outbox.list(ctx, req.query),
  });

  app.get('/api/outbox/:id', {
    config: { access: 'outbox.read' },
    schema: { tags: ['outbox'], params: idParams, response: { 200: detail } },
    handler: (req) => outbox.get(ctx, requireActor(req.actor), req.params.id, req.id),
  });
}
