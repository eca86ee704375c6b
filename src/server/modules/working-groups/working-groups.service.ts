import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import type { WorkingGroupPurpose } from '../../core/reference.js';
import type { WorkingGroupView } from './working-groups.schemas.js';
import { auditActor } from '../../core/audit.js';

/**
 * The platform's coordination group and working groups (refer onwards /
 * support, prevention, child perspective, ad hoc groups for consultation
 * responses or statutes): who convenes, which organisations and persons take part.
 */

function baseQuery(db: Db | Tx) {
  return db
    .selectFrom('working_groups as g')
    .leftJoin('organisations as co', 'co.id', 'g.convenor_organisation_id')
    .leftJoin('contact_persons as cp', 'cp.id', 'g.convenor_contact_id')
    .leftJoin('organisations as cpo', 'cpo.id', 'cp.organisation_id')
    .select((eb) => [
      'g.id',
      'g.name',
      'g.purpose',
      'g.description',
      'g.closed_at',
      'g.updated_at',
      'co.id as convenor_org_id',
      'co.name as convenor_org_name',
      'cp.id as convenor_contact_id',
      'cp.name as convenor_contact_name',
      'cpo.id as convenor_contact_org_id',
      'cpo.name as convenor_contact_org_name',
      eb
        .selectFrom('working_group_members as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.working_group_id', '=', 'g.id')
        .where('m.organisation_id', 'is not', null)
        .as('organisation_count'),
      eb
        .selectFrom('working_group_members as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.working_group_id', '=', 'g.id')
        .where('m.contact_person_id', 'is not', null)
        .as('person_count'),
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row): WorkingGroupView {
  return {
    id: r.id,
    name: r.name,
    purpose: r.purpose as WorkingGroupPurpose,
    description: r.description,
    convenorOrganisation:
      r.convenor_org_id && r.convenor_org_name
        ? { id: r.convenor_org_id, name: r.convenor_org_name }
        : null,
    convenorContact:
      r.convenor_contact_id &&
      r.convenor_contact_name &&
      r.convenor_contact_org_id &&
      r.convenor_contact_org_name
        ? {
            id: r.convenor_contact_id,
            name: r.convenor_contact_name,
            organisationId: r.convenor_contact_org_id,
            organisationName: r.convenor_contact_org_name,
          }
        : null,
    closed: r.closed_at !== null,
    closedAt: r.closed_at,
    organisationCount: Number(r.organisation_count ?? 0),
    personCount: Number(r.person_count ?? 0),
    updatedAt: r.updated_at,
  };
}

export async function listGroups(
  ctx: AppContext,
  status: 'active' | 'closed' | 'all',
  organisationId?: string,
) {
  let q = baseQuery(ctx.db);
  if (organisationId) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('working_group_members as m')
          .leftJoin('contact_persons as mc', 'mc.id', 'm.contact_person_id')
          .select('m.id')
          .whereRef('m.working_group_id', '=', 'g.id')
          .where((w) =>
            w.or([
              w('m.organisation_id', '=', organisationId),
              w('mc.organisation_id', '=', organisationId),
            ]),
          ),
      ),
    );
  }
  if (status === 'active') q = q.where('g.closed_at', 'is', null);
  if (status === 'closed') q = q.where('g.closed_at', 'is not', null);
  const rows = await q.orderBy('g.name').execute();
  return { items: rows.map(toView) };
}

export async function getGroup(ctx: AppContext, id: string, db: Db | Tx = ctx.db) {
  const row = await baseQuery(db).where('g.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  const organisations = await db
    .selectFrom('working_group_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select(['o.id', 'o.name'])
    .where('m.working_group_id', '=', id)
    .orderBy('o.name')
    .execute();
  const persons = await db
    .selectFrom('working_group_members as m')
    .innerJoin('contact_persons as c', 'c.id', 'm.contact_person_id')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select(['c.id', 'c.name', 'o.id as organisation_id', 'o.name as organisation_name'])
    .where('m.working_group_id', '=', id)
    .orderBy('c.name')
    .execute();
  return {
    ...toView(row),
    organisations,
    persons: persons.map((p) => ({
      id: p.id,
      name: p.name,
      organisationId: p.organisation_id,
      organisationName: p.organisation_name,
    })),
  };
}

async function assertConvenor(
  tx: Tx,
  organisationId: string | null | undefined,
  contactId: string | null | undefined,
): Promise<void> {
  if (organisationId) {
    const org = await tx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', organisationId)
      .executeTakeFirst();
    if (!org)
      throw new AppError('validation', [{ path: 'convenorOrganisationId', code: 'invalid_value' }]);
  }
  if (contactId) {
    const c = await tx
      .selectFrom('contact_persons')
      .select('organisation_id')
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!c || (organisationId && c.organisation_id !== organisationId)) {
      throw new AppError('validation', [{ path: 'convenorContactId', code: 'invalid_value' }]);
    }
  }
}

export async function createGroup(
  ctx: AppContext,
  actor: Actor,
  input: {
    name: string;
    purpose: WorkingGroupPurpose;
    description?: string | null | undefined;
    convenorOrganisationId?: string | null | undefined;
    convenorContactId?: string | null | undefined;
  },
  requestId: string,
) {
  const id = newId();
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    await assertConvenor(tx, input.convenorOrganisationId, input.convenorContactId);
    await tx
      .insertInto('working_groups')
      .values({
        id,
        name: input.name,
        purpose: input.purpose,
        description: input.description ?? null,
        convenor_organisation_id: input.convenorOrganisationId ?? null,
        convenor_contact_id: input.convenorContactId ?? null,
        closed_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'working_group.created',
      objectType: 'working_group',
      objectId: id,
      requestId,
    });
    return getGroup(ctx, id, tx);
  });
}

export async function updateGroup(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: {
    name?: string | undefined;
    purpose?: WorkingGroupPurpose | undefined;
    description?: string | null | undefined;
    convenorOrganisationId?: string | null | undefined;
    convenorContactId?: string | null | undefined;
    closed?: boolean | undefined;
  },
  requestId: string,
) {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('working_groups')
      .select(['convenor_organisation_id', 'convenor_contact_id', 'closed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new AppError('not_found');
    await assertConvenor(
      tx,
      input.convenorOrganisationId !== undefined
        ? input.convenorOrganisationId
        : current.convenor_organisation_id,
      input.convenorContactId !== undefined ? input.convenorContactId : current.convenor_contact_id,
    );
    await tx
      .updateTable('working_groups')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.convenorOrganisationId !== undefined
          ? { convenor_organisation_id: input.convenorOrganisationId }
          : {}),
        ...(input.convenorContactId !== undefined
          ? { convenor_contact_id: input.convenorContactId }
          : {}),
        ...(input.closed !== undefined
          ? { closed_at: input.closed ? (current.closed_at ?? now) : null }
          : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: input.closed === true ? 'working_group.closed' : 'working_group.updated',
      objectType: 'working_group',
      objectId: id,
      requestId,
    });
    return getGroup(ctx, id, tx);
  });
}

/** Replaces the group's members with the given organisations and persons. */
export async function setMembers(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { organisationIds: string[]; contactPersonIds: string[] },
  requestId: string,
) {
  const now = ctx.clock.now().toISOString();
  const orgIds = [...new Set(input.organisationIds)];
  const personIds = [...new Set(input.contactPersonIds)];
  return ctx.db.transaction().execute(async (tx) => {
    const group = await tx
      .selectFrom('working_groups')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!group) throw new AppError('not_found');
    if (orgIds.length > 0) {
      const found = new Set(
        (await tx.selectFrom('organisations').select('id').where('id', 'in', orgIds).execute()).map(
          (r) => r.id,
        ),
      );
      const bad = input.organisationIds.findIndex((o) => !found.has(o));
      if (bad >= 0)
        throw new AppError('validation', [
          { path: `organisationIds.${bad}`, code: 'invalid_value' },
        ]);
    }
    if (personIds.length > 0) {
      const found = new Set(
        (
          await tx.selectFrom('contact_persons').select('id').where('id', 'in', personIds).execute()
        ).map((r) => r.id),
      );
      const bad = input.contactPersonIds.findIndex((p) => !found.has(p));
      if (bad >= 0)
        throw new AppError('validation', [
          { path: `contactPersonIds.${bad}`, code: 'invalid_value' },
        ]);
    }
    await tx.deleteFrom('working_group_members').where('working_group_id', '=', id).execute();
    const rows = [
      ...orgIds.map((o) => ({
        id: newId(),
        working_group_id: id,
        organisation_id: o,
        contact_person_id: null,
        added_at: now,
      })),
      ...personIds.map((p) => ({
        id: newId(),
        working_group_id: id,
        organisation_id: null,
        contact_person_id: p,
        added_at: now,
      })),
    ];
    for (let i = 0; i < rows.length; i += 100) {
      await tx
        .insertInto('working_group_members')
        .values(rows.slice(i, i + 100))
        .execute();
    }
    await tx.updateTable('working_groups').set({ updated_at: now }).where('id', '=', id).execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'working_group.members_set',
      objectType: 'working_group',
      objectId: id,
      requestId,
    });
    return getGroup(ctx, id, tx);
  });
}
