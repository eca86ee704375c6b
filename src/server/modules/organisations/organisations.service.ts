import type { AppContext } from '../../core/context.js';
import { assertOrganisationScope, type Actor, type Role } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { ilike } from '../../core/db/dialect.js';
import type { County, OrganisationType } from '../../core/reference.js';
import type { Tx } from '../../core/db/database.js';
import type { OrganisationView } from './organisations.schemas.js';

function baseQuery(ctx: AppContext) {
  return ctx.db
    .selectFrom('organisations')
    .select((eb) => [
      'organisations.id',
      'organisations.name',
      'organisations.type',
      'organisations.county',
      'organisations.created_at',
      'organisations.updated_at',
      eb
        .selectFrom('users')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('users.organisation_id', '=', 'organisations.id')
        .where('users.disabled_at', 'is', null)
        .as('user_count'),
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

const toView = (r: Row): OrganisationView => ({
  id: r.id,
  name: r.name,
  type: r.type as OrganisationType,
  county: r.county as County,
  userCount: Number(r.user_count ?? 0),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listOrganisations(
  ctx: AppContext,
  q: {
    q?: string | undefined;
    type?: OrganisationType | undefined;
    county?: County | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: OrganisationView[]; total: number }> {
  let query = baseQuery(ctx);
  if (q.q) {
    const needle = q.q;
    query = query.where((eb) => ilike(ctx.dialect, eb.ref('organisations.name'), needle));
  }
  if (q.type) query = query.where('organisations.type', '=', q.type);
  if (q.county) query = query.where('organisations.county', '=', q.county);
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('organisations.name')
    .orderBy('organisations.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items: rows.map(toView), total: Number(total.n) };
}

export async function getOrganisation(ctx: AppContext, id: string): Promise<OrganisationView> {
  const row = await baseQuery(ctx).where('organisations.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return toView(row);
}

async function assertNameFree(
  tx: Tx,
  name: string,
  county: string,
  exceptId?: string,
): Promise<void> {
  let q = tx.selectFrom('organisations').select(['id', 'name']).where('county', '=', county);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const rows = await q.execute();
  // Names compare case-insensitively (Unicode-aware, so "Skåne" and "SKÅNE" clash).
  if (rows.some((r) => r.name.toLocaleLowerCase('sv') === name.toLocaleLowerCase('sv'))) {
    throw new AppError('organisation_exists', [{ path: 'name', code: 'invalid_value' }]);
  }
}

export async function createOrganisation(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; type: OrganisationType; county: County },
  requestId: string,
): Promise<OrganisationView> {
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (tx) => {
    await assertNameFree(tx, input.name, input.county);
    await tx
      .insertInto('organisations')
      .values({ id, ...input, created_at: now, updated_at: now })
      .execute();
    await ctx.audit.append(tx, {
      actorUserId: actor.userId,
      actorOrganisationId: actor.organisationId,
      action: 'organisation.created',
      objectType: 'organisation',
      objectId: id,
      requestId,
    });
  });
  return getOrganisation(ctx, id);
}

export async function updateOrganisation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: {
    name?: string | undefined;
    type?: OrganisationType | undefined;
    county?: County | undefined;
  },
  requestId: string,
): Promise<OrganisationView> {
  await ctx.db.transaction().execute(async (tx) => {
    const org = await tx
      .selectFrom('organisations')
      .select(['id', 'name', 'county'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!org) throw new AppError('not_found');
    await assertNameFree(tx, input.name ?? org.name, input.county ?? org.county, id);
    await tx
      .updateTable('organisations')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.type !== undefined ? { type: input.type } : {}),
        ...(input.county !== undefined ? { county: input.county } : {}),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await ctx.audit.append(tx, {
      actorUserId: actor.userId,
      actorOrganisationId: actor.organisationId,
      action: 'organisation.updated',
      objectType: 'organisation',
      objectId: id,
      requestId,
    });
  });
  return getOrganisation(ctx, id);
}

/** Colleagues of one organisation. Outside admins and the coordinator, only one's own organisation (else 404). */
export async function listMembers(ctx: AppContext, actor: Actor, organisationId: string) {
  assertOrganisationScope(actor, organisationId);
  const org = await ctx.db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('not_found');
  const rows = await ctx.db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
  return { items: rows.map((r) => ({ ...r, role: r.role as Role })) };
}
