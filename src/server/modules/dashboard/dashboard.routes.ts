import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor } from '../../core/access.js';
import { dashboardReply } from './dashboard.schemas.js';
import { dashboard } from './dashboard.service.js';

/** The coordinator's dashboard: counts and sums, no case codes. */
export function dashboardRoutes(app: App, ctx: AppContext): void {
  app.get('/api/dashboard', {
    config: { access: 'dashboard.read' },
    schema: { tags: ['dashboard'], response: { 200: dashboardReply } },
    handler: (req) => dashboard(ctx, requireActor(req.actor), req.id),
  });
}
