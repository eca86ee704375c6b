import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { sendDownload } from '../../core/downloads.js';
import * as s from './access-review.schemas.js';
import * as review from './access-review.service.js';

/**
 * The access review for the coordinator and administrators: who read which
 * case when, and unusual patterns, from the audit log; exportable as CSV/XLSX.
 */
export function accessReviewRoutes(app: App, ctx: AppContext): void {
  const tags = ['access-review'];
  const access = 'access_review.read' as const;

  app.get('/api/access-review/reads', {
    config: { access },
    schema: { tags, querystring: s.readsQuery, response: { 200: s.readsReply } },
    handler: (req) => review.listReads(ctx, requireActor(req.actor), req.query, req.id),
  });

  app.get('/api/access-review/reads/export', {
    config: { access },
    schema: { tags, querystring: s.readsExportQuery },
    handler: async (req, reply) =>
      sendDownload(
        reply,
        await review.exportReads(
          ctx,
          requireActor(req.actor),
          req.query,
          req.query.lang ?? req.locale,
          req.id,
        ),
      ),
  });

  app.get('/api/access-review/patterns', {
    config: { access },
    schema: { tags, querystring: s.patternsQuery, response: { 200: s.patternsReply } },
    handler: (req) => review.patterns(ctx, requireActor(req.actor), req.query, req.id),
  });

  app.get('/api/access-review/patterns/export', {
    config: { access },
    schema: { tags, querystring: s.patternsExportQuery },
    handler: async (req, reply) =>
      sendDownload(
        reply,
        await review.exportPatterns(
          ctx,
          requireActor(req.actor),
          req.query,
          req.query.lang ?? req.locale,
          req.id,
        ),
      ),
  });
}
