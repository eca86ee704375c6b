import type { FastifyReply } from 'fastify';
import type { App } from './http.js';
import { AppError } from './errors.js';
import { MAX_DOCUMENT_BYTES } from './files.js';

/**
 * Documents travel as raw bytes both ways: uploaded as the request body (the
 * file name URI-encoded in the `x-file-name` header, never in the URL, which
 * may be logged) and downloaded as an attachment the browser never shows inline.
 */

/** Lets the routes of this scope take a raw file body, up to the document size limit. */
export function acceptRawFiles(app: App): void {
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
    (_req, body, done) => done(null, body),
  );
}

/** The uploaded file from a request: its bytes and its decoded name. */
export function uploadedFile(body: unknown, rawName: string): { name: string; bytes: Buffer } {
  if (!Buffer.isBuffer(body)) throw new AppError('unsupported_media_type');
  try {
    return { name: decodeURIComponent(rawName), bytes: body };
  } catch {
    throw new AppError('validation', [{ path: 'x-file-name', code: 'invalid' }]);
  }
}

/** Sends a stored document as a download, never inline. */
export function sendDownload(
  reply: FastifyReply,
  file: { fileName: string; contentType: string; bytes: Buffer },
): FastifyReply {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  return reply
    .header('Content-Type', file.contentType)
    .header(
      'Content-Disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    )
    .header('X-Content-Type-Options', 'nosniff')
    .send(file.bytes);
}
