import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { auditActor, verifyAuditChain } from '../../core/audit.js';
import { stockholmDayStartUtc } from '../../core/time.js';

export interface AuditFilter {
  action?: string | undefined;
  actorUserId?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  outcome?: 'success' | 'denied' | 'failure' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: number | undefined;
  limit: number;
}

export async function listEvents(ctx: AppContext, actor: Actor, f: AuditFilter, requestId: string) {
  if (f.from && f.to && f.from > f.to)
    throw new AppError('validation', [{ path: 'to', code: 'invalid_value' }]);
  let q = ctx.db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_user_id')
    .select([
      'audit_events.seq',
      'audit_events.at',
      'audit_events.actor_user_id',
      'users.name as actor_name',
      'audit_events.actor_organisation_id',
      'audit_events.action',
      'audit_events.object_type',
      'audit_events.object_id',
      'audit_events.request_id',
      'audit_events.outcome',
      'audit_events.hash',
    ]);
  if (f.action) q = q.where('audit_events.action', '=', f.action);
  if (f.actorUserId) q = q.where('audit_events.actor_user_id', '=', f.actorUserId);
  if (f.objectType) q = q.where('audit_events.object_type', '=', f.objectType);
  if (f.objectId) q = q.where('audit_events.object_id', '=', f.objectId);
  if (f.outcome) q = q.where('audit_events.outcome', '=', f.outcome);
  if (f.from) q = q.where('audit_events.at', '>=', stockholmDayStartUtc(f.from));
  if (f.to) q = q.where('audit_events.at', '<', stockholmDayStartUtc(f.to, 1));
  if (f.before) q = q.where('audit_events.seq', '<', f.before);
  const rows = await q
    .orderBy('audit_events.seq', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  // Reading the audit trail is itself audited.
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'audit.read',
    objectType: 'audit_log',
    requestId,
  });
  return {
    items: page.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actorUserId: r.actor_user_id,
      actorName: r.actor_name,
      actorOrganisationId: r.actor_organisation_id,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      requestId: r.request_id,
      outcome: r.outcome,
      hash: r.hash,
    })),
    nextBefore: rows.length > f.limit ? Number(page.at(-1)?.seq ?? 0) : null,
  };
}

export async function verify(ctx: AppContext, actor: Actor, requestId: string) {
  await ctx.audit.flush();
  const result = await verifyAuditChain(ctx.db);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'audit.verified',
    objectType: 'audit_log',
    requestId,
    outcome: result.ok ? 'success' : 'failure',
  });
  return {
    ok: result.ok,
    checked: result.checked,
    brokenAt: result.brokenAt ?? null,
    reason: result.reason ?? null,
  };
}
