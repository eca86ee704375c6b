import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { sql } from 'kysely';

/** Liveness for load balancers, and the generated OpenAPI document. */
export function systemRoutes(app: App, ctx: AppContext): void {
  app.get('/api/health', {
    config: { access: 'public' },
    schema: { tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ok' as const };
    },
  });

  app.get('/api/openapi.json', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: () => app.swagger(),
  });
}
