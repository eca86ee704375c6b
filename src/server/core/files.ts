import { fileTypeFromBuffer } from 'file-type';
import { AppError } from './errors.js';

/**
 * Uploaded documents are accepted by what their bytes are, not by their name
 * or the content type the browser claims.
 */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
};

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export async function detectDocumentType(bytes: Buffer): Promise<{ mime: string; ext: string }> {
  if (bytes.length === 0) throw new AppError('validation', [{ path: 'file', code: 'file_empty' }]);
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new AppError('payload_too_large');
  const found = await fileTypeFromBuffer(bytes);
  const ext = found ? DOCUMENT_TYPES[found.mime] : undefined;
  if (!found || !ext) throw new AppError('validation', [{ path: 'file', code: 'file_type' }]);
  return { mime: found.mime, ext };
}

/** A file name safe to show and to send in Content-Disposition: no paths, no control characters. */
export function safeFileName(name: string, ext: string): string {
  const base = name
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .trim()
    .slice(0, 120);
  const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'document';
  return `${stem}.${ext}`;
}
