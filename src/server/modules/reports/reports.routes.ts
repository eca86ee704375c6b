import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { sendDownload } from '../../core/downloads.js';
import * as s from './reports.schemas.js';
import * as reports from './reports.service.js';

/**
 * The period report. The routes need `reports.publishable`; the service asks
 * for `reports.internal` as well when the internal version is asked for.
 */
export function reportsRoutes(app: App, ctx: AppContext): void {
  const tags = ['reports'];
  const access = 'reports.publishable' as const;

  app.get('/api/reports/period', {
    config: { access },
    schema: { tags, querystring: s.periodQuery, response: { 200: s.periodReportReply } },
    handler: (req) =>
      reports.periodReport(ctx, requireActor(req.actor), req.query, req.locale, req.id),
  });

  // The report as a file (format=xlsx|csv|pdf), headings in `lang` or the request's language.
  app.get('/api/reports/period/export', {
    config: { access },
    schema: { tags, querystring: s.exportQuery },
    handler: async (req, reply) =>
      sendDownload(
        reply,
        await reports.exportPeriodReport(
          ctx,
          requireActor(req.actor),
          req.query,
          req.query.lang ?? req.locale,
          req.id,
        ),
      ),
  });
}
