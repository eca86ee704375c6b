import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { MAX_DOCUMENT_BYTES } from '../../core/files.js';
import { acceptRawFiles, sendDownload, uploadedFile } from '../../core/downloads.js';
import { ok } from '../../core/schemas.js';
import * as s from './cases.schemas.js';
import * as cases from './cases.service.js';

/** Cases of the support programme: background, protection, identity note, notes, attachments, transfer. */
export function casesRoutes(app: App, ctx: AppContext): void {
  const tags = ['cases'];

  // Attachments arrive as the raw file body; the type is checked from the bytes.
  acceptRawFiles(app);

  app.get('/api/cases', {
    config: { access: 'cases.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => cases.listCases(ctx, requireActor(req.actor), req.query, req.id),
  });

  app.post('/api/cases', {
    config: { access: 'cases.write' },
    schema: { tags, body: s.createCaseBody, response: { 201: s.createdReply } },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await cases.createCase(ctx, requireActor(req.actor), req.body, req.id)),
  });

  app.get('/api/case-staff', {
    config: { access: 'cases.write' },
    schema: { tags, response: { 200: s.staffReply } },
    handler: (req) => cases.caseStaff(ctx, requireActor(req.actor)),
  });

  app.get('/api/case-transfer-targets', {
    config: { access: 'cases.read' },
    schema: { tags, response: { 200: s.transferTargetsReply } },
    handler: () => cases.transferTargets(ctx),
  });

  app.get('/api/cases/:id', {
    config: { access: 'cases.read' },
    schema: { tags, params: s.caseParams, response: { 200: s.caseView } },
    handler: (req) => cases.getCase(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  app.put('/api/cases/:id/background', {
    config: { access: 'cases.write' },
    schema: {
      tags,
      params: s.caseParams,
      body: s.updateBackgroundBody,
      response: { 200: s.caseView },
    },
    handler: (req) =>
      cases.updateBackground(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.put('/api/cases/:id/protection', {
    config: { access: 'cases.write' },
    schema: { tags, params: s.caseParams, body: s.protectionBody, response: { 200: s.caseView } },
    handler: (req) =>
      cases.setProtection(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.get('/api/cases/:id/identity-note', {
    config: { access: 'cases.write' },
    schema: { tags, params: s.caseParams, response: { 200: s.identityNoteReply } },
    handler: (req) => cases.readIdentityNote(ctx, requireActor(req.actor), req.params.id, req.id),
  });

  app.put('/api/cases/:id/identity-note', {
    config: { access: 'cases.write' },
    schema: { tags, params: s.caseParams, body: s.identityNoteBody, response: { 200: ok } },
    handler: async (req) => {
      await cases.setIdentityNote(
        ctx,
        requireActor(req.actor),
        req.params.id,
        req.body.identityNote,
        req.id,
      );
      return { ok: true as const };
    },
  });

  app.post('/api/cases/:id/transfer', {
    config: { access: 'cases.read' },
    schema: { tags, params: s.caseParams, body: s.transferBody, response: { 200: ok } },
    handler: async (req) => {
      await cases.transferCase(ctx, requireActor(req.actor), req.params.id, req.body, req.id);
      return { ok: true as const };
    },
  });

  app.post('/api/cases/:id/notes', {
    config: { access: 'cases.read' },
    schema: {
      tags,
      params: s.caseParams,
      body: s.noteBody,
      response: { 201: s.createdReply.pick({ id: true }) },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(
          await cases.addNote(ctx, requireActor(req.actor), req.params.id, req.body.text, req.id),
        ),
  });

  app.post('/api/cases/:id/attachments', {
    config: { access: 'cases.read' },
    bodyLimit: MAX_DOCUMENT_BYTES,
    schema: {
      tags,
      params: s.caseParams,
      // The file name travels in a header (URI-encoded), never in the URL, which may be logged.
      headers: s.attachmentUpload,
      response: { 201: z.object({ id: z.string() }) },
    },
    handler: async (req, reply) => {
      const res = await cases.addAttachment(
        ctx,
        requireActor(req.actor),
        req.params.id,
        uploadedFile(req.body, req.headers['x-file-name']),
        req.id,
      );
      return reply.status(201).send(res);
    },
  });

  app.get('/api/cases/:id/attachments/:attachmentId', {
    config: { access: 'cases.read' },
    schema: { tags, params: s.attachmentParams },
    handler: async (req, reply) => {
      const f = await cases.readAttachment(
        ctx,
        requireActor(req.actor),
        req.params.id,
        req.params.attachmentId,
        req.id,
      );
      return sendDownload(reply, f);
    },
  });
}
