import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { MAX_DOCUMENT_BYTES } from '../../core/files.js';
import { ok } from '../../core/schemas.js';
import { z } from 'zod';
import * as s from './certification.schemas.js';
import * as cert from './certification.service.js';

function decodeFileName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('validation', [{ path: 'x-file-name', code: 'invalid' }]);
  }
}

/** Certification of support actors: status, period, services, history and documents. */
export function certificationRoutes(app: App, ctx: AppContext): void {
  const tags = ['certification'];

  // Documents are uploaded as the raw file body; the type is checked from the bytes.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
    (_req, body, done) => done(null, body),
  );

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
      if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type');
      const res = await cert.uploadDocument(
        ctx,
        requireActor(req.actor),
        req.params.id,
        { name: decodeFileName(req.headers['x-file-name']), bytes: req.body },
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
      // Always a download, never shown inline by the browser.
      return reply
        .header('Content-Type', doc.contentType)
        .header(
          'Content-Disposition',
          `attachment; filename="${doc.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
        )
        .header('X-Content-Type-Options', 'nosniff')
        .send(doc.bytes);
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
