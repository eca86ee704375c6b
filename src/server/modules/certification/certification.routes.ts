import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { MAX_DOCUMENT_BYTES } from '../../core/files.js';
import { acceptRawFiles, sendDownload, uploadedFile } from '../../core/downloads.js';
import { ok } from '../../core/schemas.js';
import { z } from 'zod';
import * as s from './certification.schemas.js';
import * as cert from './certification.service.js';

/** Certification of support actors: status, period, services, history and documents. */
export function certificationRoutes(app: App, ctx: AppContext): void {
  const tags = ['certification'];

  // Documents are uploaded as the raw file body; the type is checked from the bytes.
  acceptRawFiles(app);

  app.get('/api/certifications', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.listQuery, response: { 200: s.listReply } },
    handler: (req) => cert.listCertifications(ctx, requireActor(req.actor), req.query),
  });

  app.get('/api/organisations/:id/certification', {
    config: { access: 'organisations.read' },
    schema: { tags, params: s.orgParams, response: { 200: s.detailReply } },
    handler: (req) => cert.getCertificationDetail(ctx, requireActor(req.actor), req.params.id),
  });

  app.put('/api/organisations/:id/certification', {
    config: { access: 'certification.manage' },
    schema: { tags, params: s.orgParams, body: s.setBody, response: { 200: s.detailReply } },
    handler: (req) =>
      cert.setCertification(ctx, requireActor(req.actor), req.params.id, req.body, req.id),
  });

  app.post('/api/organisations/:id/certification/documents', {
    config: { access: 'organisations.edit' },
    bodyLimit: MAX_DOCUMENT_BYTES,
    schema: {
      tags,
      params: s.orgParams,
      // The file name travels in a header (URI-encoded), not in the URL, which may be logged.
      headers: z.object({ 'x-file-name': z.string().trim().min(1).max(600) }),
      response: { 201: z.object({ id: z.string() }) },
    },
    handler: async (req, reply) => {
      const res = await cert.uploadDocument(
        ctx,
        requireActor(req.actor),
        req.params.id,
        uploadedFile(req.body, req.headers['x-file-name']),
        req.id,
      );
      return reply.status(201).send(res);
    },
  });

  app.get('/api/organisations/:id/certification/documents/:documentId', {
    config: { access: 'organisations.read' },
    schema: { tags, params: s.documentParams },
    handler: async (req, reply) => {
      const doc = await cert.readDocument(
        ctx,
        requireActor(req.actor),
        req.params.id,
        req.params.documentId,
        req.id,
      );
      return sendDownload(reply, doc);
    },
  });

  app.delete('/api/organisations/:id/certification/documents/:documentId', {
    config: { access: 'organisations.edit' },
    schema: { tags, params: s.documentParams, response: { 200: ok } },
    handler: async (req) => {
      await cert.removeDocument(
        ctx,
        requireActor(req.actor),
        req.params.id,
        req.params.documentId,
        req.id,
      );
      return { ok: true as const };
    },
  });
}
