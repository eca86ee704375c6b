import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { ok } from '../../core/schemas.js';
import * as s from './applications.schemas.js';
import * as apps from './applications.service.js';

/** Applications, decisions, second approval and the programme's catalogues. */
export function applicationsRoutes(app: App, ctx: AppContext): void {
  const tags = ['applications'];

  app.get('/api/programme', {
    config: { access: 'programme.read' },
    schema: { tags, response: { 200: s.programmeReply } },
    handler: () => apps.getProgramme(ctx),
  });

  app.put('/api/programme/settings', {
    config: { access: 'programme.manage' },
    schema: { tags, body: s.settingsBody, response: { 200: s.programmeReply } },
    handler: (req) => apps.updateSettings(ctx, requireActor(req.actor), req.body, req.id),
  });

  app.put('/api/programme/interventions/:code', {
    config: { access: 'programme.manage' },
    schema: {
      tags,
      params: s.interventionCodeParams,
      body: s.interventionBody,
      response: { 200: s.programmeReply },
    },
    handler: (req) =>
      apps.upsertIntervention(ctx, requireActor(req.actor), req.params.code, req.body, req.id),
  });

  app.post('/api/applications/quote', {
    config: { access: 'cases.write' },
    schema: { tags, body: s.quoteInput, response: { 200: s.quoteReply } },
    handler: (req) => apps.quote(ctx, requireActor(req.actor), req.body, req.id),
  });

  app.post('/api/applications', {
    config: { access: 'cases.write' },
    schema: { tags, body: s.applicationInput, response: { 201: s.createdReply } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await apps.submitApplication(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/applications', {
    config: { access: 'cases.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => apps.listApplications(ctx, requireActor(req.actor), req.query, req.id),
  });

  app.get('/api/applications/:id', {
    config: { access: 'cases.read' },
    schema: { tags, params: s.applicationParams, response: { 200: s.applicationDetail } },
    handler: (req) => apps.getApplication(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  app.post('/api/applications/:id/decisions', {
    config: { access: 'applications.decide' },
    schema: {
      tags,
      params: s.applicationParams,
      body: s.decideBody,
      response: { 200: s.applicationDetail },
    },
    handler: (req) => apps.decide(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/applications/:id/answer', {
    config: { access: 'cases.write' },
    schema: {
      tags,
      params: s.applicationParams,
      body: s.answerBody,
      response: { 200: s.applicationDetail },
    },
    handler: (req) => apps.answer(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.get('/api/approvals', {
    config: { access: 'applications.approve' },
    schema: { tags, response: { 200: s.approvalsReply } },
    handler: (req) => apps.listApprovals(ctx, requireActor(req.actor)),
  });

  app.post('/api/decisions/:id/approval', {
    config: { access: 'applications.approve' },
    schema: { tags, params: s.decisionParams, body: s.approvalBody, response: { 200: ok } },
    handler: async (req) => {
      await apps.approveDecision(ctx, requireActor(req.actor), req.params.id, req.body, req.id);
      return { ok: true as const };
    },
  });
}
