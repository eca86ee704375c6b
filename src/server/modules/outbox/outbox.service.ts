import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { auditActor } from '../../core/audit.js';

type Status = 'held' | 'pending' | 'sending' | 'sent' | 'failed';

const toSummary = (r: {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}) => ({
  id: r.id,
  kind: r.kind,
  toAddress: r.to_address,
  subject: r.subject,
  status: r.status as Status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export async function list(
  ctx: AppContext,
  q: { status?: Status | undefined; limit: number; offset: number },
) {
  let query = ctx.db.selectFrom('outbox');
  if (q.status) query = query.where('status', '=', q.status);
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'id',
      'kind',
      'to_address',
      'subject',
      'status',
      'attempts',
      'last_error',
      'created_at',
      'sent_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items: rows.map(toSummary), total: Number(total.n), smtpEnabled: ctx.mail.smtpEnabled };
}

/** A message body can hold a sign-in link, so each reading is audited. */
export async function get(ctx: AppContext, actor: Actor, id: string, requestId: string) {
  const row = await ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'outbox.message_read',
    objectType: 'outbox',
    objectId: id,
    requestId,
  });
  return { ...toSummary(row), bodyText: row.body_text };
}
