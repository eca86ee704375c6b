import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { idParams } from '../../core/schemas.js';
import { sendDownload } from '../../core/downloads.js';
import * as s from './contact-statistics.schemas.js';
import * as stats from './contact-statistics.service.js';

/**
 * Contact statistics: the coordinator's yearly rounds (deadline, who has
 * submitted, reminders, reopening, the national table) and each civil-society
 * organisation's own report.
 */
export function contactStatisticsRoutes(app: App, ctx: AppContext): void {
  const tags = ['contact-statistics'];
  const manage = 'contact_statistics.manage' as const;
  const report = 'contact_statistics.report' as const;

  /* ---------- the coordinator ---------- */

  app.get('/api/contact-statistics/rounds', {
    config: { access: manage },
    schema: { tags, response: { 200: s.roundListReply } },
    handler: () => stats.listRounds(ctx),
  });

  app.post('/api/contact-statistics/rounds', {
    config: { access: manage },
    schema: { tags, body: s.openBody, response: { 201: s.roundDetail } },
    handler: async (req, reply) =>
      reply.status(201).send(await stats.openRound(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/contact-statistics/rounds/:id', {
    config: { access: manage },
    schema: { tags, params: idParams, response: { 200: s.roundDetail } },
    handler: (req) => stats.getRound(ctx, req.params.id),
  });

  app.patch('/api/contact-statistics/rounds/:id', {
    config: { access: manage },
    schema: { tags, params: idParams, body: s.roundPatchBody, response: { 200: s.roundDetail } },
    handler: (req) =>
      stats.changeDeadline(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/contact-statistics/rounds/:id/reminders', {
    config: { access: manage },
    schema: { tags, params: idParams, body: s.remindBody, response: { 200: s.remindReply } },
    handler: (req) =>
      stats.sendReminders(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/contact-statistics/rounds/:id/reopen', {
    config: { access: manage },
    schema: { tags, params: idParams, body: s.reopenBody, response: { 200: s.roundDetail } },
    handler: (req) =>
      stats.reopenReport(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.get('/api/contact-statistics/rounds/:id/submissions', {
    config: { access: manage },
    schema: { tags, params: idParams, response: { 200: s.submissionsReply } },
    handler: (req) => stats.submissions(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  // The national table: internal (full counts, the default) or publishable (disclosure-controlled
  // summary tables; threshold=N, at least 3, default 11).
  app.get('/api/contact-statistics/rounds/:id/national', {
    config: { access: manage },
    schema: {
      tags,
      params: idParams,
      querystring: s.nationalQuery,
      response: { 200: s.nationalReply },
    },
    handler: (req) =>
      stats.nationalTable(ctx, requireActor(req.actor), req.params.id, req.query, req.id),
  });

  // The same as a file (format=csv|xlsx|pdf, version, threshold), headings in `lang` or the request's language.
  app.get('/api/contact-statistics/rounds/:id/national/export', {
    config: { access: manage },
    schema: { tags, params: idParams, querystring: s.exportQuery },
    handler: async (req, reply) =>
      sendDownload(
        reply,
        await stats.exportNationalTable(
          ctx,
          requireActor(req.actor),
          req.params.id,
          req.query,
          req.query.lang ?? req.locale,
          req.id,
        ),
      ),
  });

  /* ---------- the reporting organisation (its own report only) ---------- */

  app.get('/api/contact-statistics/reports', {
    config: { access: report },
    schema: { tags, response: { 200: s.myReportsReply } },
    handler: (req) => stats.listOwnReports(ctx, requireActor(req.actor)),
  });

  app.get('/api/contact-statistics/reports/:id', {
    config: { access: report },
    schema: { tags, params: idParams, response: { 200: s.reportView } },
    handler: (req) => stats.getReportById(ctx, requireActor(req.actor), req.params.id),
  });

  app.get('/api/contact-statistics/rounds/:id/report', {
    config: { access: report },
    schema: { tags, params: idParams, response: { 200: s.reportView } },
    handler: (req) => stats.getOwnReport(ctx, requireActor(req.actor), req.params.id),
  });

  app.put('/api/contact-statistics/rounds/:id/report', {
    config: { access: report },
    schema: { tags, params: idParams, body: s.saveBody, response: { 200: s.reportView } },
    handler: (req) =>
      stats.saveOwnReport(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/contact-statistics/rounds/:id/report/submit', {
    config: { access: report },
    schema: { tags, params: idParams, body: s.submitBody, response: { 200: s.reportView } },
    handler: (req) =>
      stats.submitOwnReport(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });
}
