import { z } from 'zod';
import type { App } from '../../core/http.js';
import type { AppContext } from '../../core/context.js';
import { requireActor, type Actor } from '../../core/access.js';
import { role } from '../../core/schemas.js';
import { stockholmDate, stockholmDayStartUtc } from '../../core/time.js';

const homeReply = z.object({
  role,
  organisation: z.object({ id: z.string(), name: z.string(), memberCount: z.number().int() }),
  /** Only for administrators. */
  admin: z
    .object({
      activeUsers: z.number().int(),
      invitedUsers: z.number().int(),
      disabledUsers: z.number().int(),
      organisations: z.number().int(),
      heldMail: z.number().int(),
      failedMail: z.number().int(),
      auditEventsToday: z.number().int(),
      deniedToday: z.number().int(),
    })
    .optional(),
});

async function home(ctx: AppContext, actor: Actor) {
  const org = await ctx.db
    .selectFrom('organisations')
    .select((eb) => [
      'id',
      'name',
      eb
        .selectFrom('users')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('users.organisation_id', '=', 'organisations.id')
        .where('users.disabled_at', 'is', null)
        .as('member_count'),
    ])
    .where('id', '=', actor.organisationId)
    .executeTakeFirstOrThrow();
  const base = {
    role: actor.role,
    organisation: { id: org.id, name: org.name, memberCount: Number(org.member_count ?? 0) },
  };
  if (actor.role !== 'admin') return base;

  const count = async (q: Promise<{ n: number | string | bigint }>) => Number((await q).n);
  const users = ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
  const startOfToday = stockholmDayStartUtc(stockholmDate(ctx.clock.now()));
  const [
    activeUsers,
    invitedUsers,
    disabledUsers,
    organisations,
    heldMail,
    failedMail,
    auditEventsToday,
    deniedToday,
  ] = await Promise.all([
    count(
      users
        .where('disabled_at', 'is', null)
        .where('password_hash', 'is not', null)
        .executeTakeFirstOrThrow(),
    ),
    count(
      users
        .where('disabled_at', 'is', null)
        .where('password_hash', 'is', null)
        .executeTakeFirstOrThrow(),
    ),
    count(users.where('disabled_at', 'is not', null).executeTakeFirstOrThrow()),
    count(
      ctx.db
        .selectFrom('organisations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
    count(
      ctx.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'held')
        .executeTakeFirstOrThrow(),
    ),
    count(
      ctx.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'failed')
        .executeTakeFirstOrThrow(),
    ),
    count(
      ctx.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('at', '>=', startOfToday)
        .executeTakeFirstOrThrow(),
    ),
    count(
      ctx.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('at', '>=', startOfToday)
        .where('outcome', '!=', 'success')
        .executeTakeFirstOrThrow(),
    ),
  ]);
  return {
    ...base,
    admin: {
      activeUsers,
      invitedUsers,
      disabledUsers,
      organisations,
      heldMail,
      failedMail,
      auditEventsToday,
      deniedToday,
    },
  };
}

/** What each role sees first after signing in. */
export function homeRoutes(app: App, ctx: AppContext): void {
  app.get('/api/home', {
    config: { access: 'signed_in' },
    schema: { tags: ['home'], response: { 200: homeReply } },
    handler: (req) => home(ctx, requireActor(req.actor)),
  });
}
