import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import * as s from './budget.schemas.js';
import * as budget from './budget.service.js';
import * as report from './budget.report.js';
import { sendDownload } from '../../core/downloads.js';

const versionBody = z.strictObject({ expectedVersion: z.number().int().min(1) });

/** The programme's budget: periods, rates, posts, transfers, payouts, balances and statements. */
export function budgetRoutes(app: App, ctx: AppContext): void {
  const tags = ['budget'];
  const access = 'budget.manage' as const;

  app.get('/api/budget/periods', {
    config: { access },
    schema: { tags, response: { 200: s.periodListReply } },
    handler: (req) => budget.listPeriods(ctx, requireActor(req.actor), req.id),
  });

  app.post('/api/budget/periods', {
    config: { access },
    schema: { tags, body: s.periodCreateBody, response: { 201: s.periodDetail } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await budget.createPeriod(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/budget/periods/:id', {
    config: { access },
    schema: { tags, params: s.idParams, response: { 200: s.periodDetail } },
    handler: (req) => budget.getPeriod(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  app.patch('/api/budget/periods/:id', {
    config: { access },
    schema: {
      tags,
      params: s.idParams,
      body: s.periodPatchBody,
      response: { 200: s.periodDetail },
    },
    handler: (req) =>
      budget.updatePeriod(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/budget/periods/:id/close', {
    config: { access },
    schema: { tags, params: s.idParams, body: versionBody, response: { 200: s.periodDetail } },
    handler: (req) =>
      budget.closePeriod(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.put('/api/budget/periods/:id/rates', {
    config: { access },
    schema: { tags, params: s.idParams, body: s.ratesBody, response: { 200: s.periodDetail } },
    handler: (req) =>
      budget.setRates(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/budget/periods/:id/posts', {
    config: { access },
    schema: {
      tags,
      params: s.idParams,
      body: s.postCreateBody,
      response: { 201: s.transferReply },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await budget.addPost(ctx, requireActor(req.actor), req.params.id, req.body, req.id)),
  });

  app.patch('/api/budget/posts/:id', {
    config: { access },
    schema: { tags, params: s.idParams, body: s.postPatchBody, response: { 200: s.periodDetail } },
    handler: (req) =>
      budget.updatePost(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/budget/transfers', {
    config: { access },
    schema: { tags, body: s.transferBody, response: { 201: s.transferReply } },
    handler: async (req, reply) =>
      reply.status(201).send(await budget.transfer(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.post('/api/budget/payouts', {
    config: { access },
    schema: { tags, body: s.payoutBody, response: { 201: s.payoutReply } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await budget.recordPayout(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/budget/periods/:id/balances', {
    config: { access },
    schema: {
      tags,
      params: s.idParams,
      querystring: s.dateQuery,
      response: { 200: s.balancesReply },
    },
    handler: (req) =>
      budget.periodBalances(ctx, requireActor(req.actor), req.params.id, req.query.date, req.id),
  });

  app.get('/api/budget/posts/:id/statement', {
    config: { access },
    schema: {
      tags,
      params: s.idParams,
      querystring: s.statementQuery,
      response: { 200: s.statementReply },
    },
    handler: (req) =>
      budget.postStatement(ctx, requireActor(req.actor), req.params.id, req.query, req.id),
  });

  app.get('/api/budget/periods/:id/report', {
    config: { access },
    schema: {
      tags,
      params: report.reportParams,
      querystring: report.reportQuery,
      response: { 200: report.funderReportReply },
    },
    handler: (req) =>
      report.funderReport(ctx, requireActor(req.actor), req.params.id, req.query.date, req.id),
  });

  // The funder report as a file (format=xlsx|pdf), headings in `lang` or the request's language.
  app.get('/api/budget/periods/:id/report/export', {
    config: { access },
    schema: { tags, params: report.reportParams, querystring: report.reportExportQuery },
    handler: async (req, reply) =>
      sendDownload(
        reply,
        await report.exportReport(
          ctx,
          requireActor(req.actor),
          req.params.id,
          req.query.date,
          req.query.format,
          req.query.lang ?? req.locale,
          req.id,
        ),
      ),
  });
}
