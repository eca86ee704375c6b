import { ApiError } from '../../api.js';

/*
 * Field messages for forms with nested fields (`background.childrenAges.0`):
 * a message is shown at the field whose path it starts with.
 */

/** The server's field messages by path, each also under every shorter prefix of its path. */
export function nestedFieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const f of error.fields) {
    const parts = f.path.replace(/^(body|querystring)\./, '').split('.');
    for (let n = parts.length; n > 0; n--) out[parts.slice(0, n).join('.')] ??= f.message;
  }
  return out;
}

/** The paths of an error's field messages that one of the form's fields shows (for FormError). */
export function shownPaths(error: unknown, fields: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields
    .map((f) => f.path)
    .filter((p) => fields.some((k) => p === k || p.startsWith(`${k}.`)));
}
