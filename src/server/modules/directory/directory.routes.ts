import type { FastifyReply } from 'fastify';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { CSV_TYPE, XLSX_TYPE } from '../../core/export.js';
import { stockholmDate } from '../../core/time.js';
import { MAX_IMPORT_BYTES } from './directory.csv.js';
import * as s from './directory.schemas.js';
import * as directory from './directory.service.js';

/** Import and export of the directory. */
export function directoryRoutes(app: App, ctx: AppContext): void {
  const tags = ['directory'];

  // The CSV file is the request body, read as bytes so its encoding can be checked.
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post('/api/directory/import/:kind', {
    config: { access: 'organisations.manage' },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      tags,
      params: s.importParams,
      querystring: s.importQuery,
      response: { 200: s.importReply },
    },
    handler: (req) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type');
      return directory.importDirectory(
        ctx,
        requireActor(req.actor),
        req.params.kind,
        req.body,
        req.query.mode,
        req.locale,
        req.id,
      );
    },
  });

  app.get('/api/directory/import/:kind/template', {
    config: { access: 'organisations.manage' },
    schema: { tags, params: s.templateParams },
    handler: (req, reply) =>
      reply
        .header('Content-Type', CSV_TYPE)
        .header(
          'Content-Disposition',
          `attachment; filename="slussa-${req.params.kind}-template.csv"`,
        )
        .send(directory.template(req.params.kind)),
  });

  const send = (reply: FastifyReply, name: string, format: 'csv' | 'xlsx', body: Buffer) =>
    reply
      .header('Content-Type', format === 'xlsx' ? XLSX_TYPE : CSV_TYPE)
      .header(
        'Content-Disposition',
        `attachment; filename="slussa-${name}-${stockholmDate(ctx.clock.now())}.${format}"`,
      )
      .send(body);

  app.get('/api/directory/export/organisations', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.organisationExportQuery },
    handler: async (req, reply) => {
      const { format, ...filters } = req.query;
      return send(
        reply,
        'organisations',
        format,
        await directory.exportOrganisations(ctx, requireActor(req.actor), filters, format, req.id),
      );
    },
  });

  app.get('/api/directory/export/contacts', {
    config: { access: 'organisations.read' },
    schema: { tags, querystring: s.contactExportQuery },
    handler: async (req, reply) => {
      const { format, ...filters } = req.query;
      return send(
        reply,
        'contacts',
        format,
        await directory.exportContacts(ctx, requireActor(req.actor), filters, format, req.id),
      );
    },
  });
}
