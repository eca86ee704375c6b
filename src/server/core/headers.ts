import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Runs helmet once against a stand-in response and returns the headers it
 * sets. Slussa's header policy has no per-request parts (no nonces), so
 * building it on every request would be wasted work on the hot path.
 */
export function staticHelmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader() {
      return undefined;
    },
    getHeader(name: string) {
      return headers[name];
    },
  };
  const req = { headers: {}, method: 'GET', url: '/' };
  let failed: unknown;
  helmet(options)(
    req as unknown as IncomingMessage,
    res as unknown as ServerResponse,
    (err?: unknown) => {
      failed = err;
    },
  );
  if (failed) throw failed instanceof Error ? failed : new Error('helmet failed');
  return headers;
}
