import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { assertMayEditOrganisation } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { ilike } from '../../core/db/dialect.js';
import type { Db, Tx } from '../../core/db/database.js';
import { stockholmDate } from '../../core/time.js';
import type { ContactRole } from '../../core/reference.js';
import type { ContactInput, ContactQuery, ContactUpdate, ContactView } from './contacts.schemas.js';
import { auditActor } from '../../core/audit.js';

/**
 * Contact persons of the partnership's organisations. They are staff data,
 * not client data: every signed-in user may read them; an organisation's own
 * staff, the coordinator and administrators may change them.
 */

function baseQuery(db: Db | Tx) {
  return db
    .selectFrom('contact_persons as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select([
      'c.id',
      'c.organisation_id',
      'o.name as organisation_name',
      'o.county',
      'c.name',
      'c.title',
      'c.email',
      'c.phone',
      'c.active_from',
      'c.active_to',
      'c.public_at',
      'c.updated_at',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function rolesOf(db: Db | Tx, ids: string[]): Promise<Map<string, ContactRole[]>> {
  const out = new Map<string, ContactRole[]>();
  if (ids.length === 0) return out;
  // Chunked to stay under SQLite's bound-parameter limit.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contact_person_roles')
      .select(['contact_person_id', 'role'])
      .where('contact_person_id', 'in', ids.slice(i, i + 500))
      .orderBy('role')
      .execute();
    for (const r of rows) {
      const list = out.get(r.contact_person_id) ?? [];
      list.push(r.role as ContactRole);
      out.set(r.contact_person_id, list);
    }
  }
  return out;
}

function toView(r: Row, roles: ContactRole[], today: string): ContactView {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    county: r.county,
    name: r.name,
    title: r.title,
    email: r.email,
    phone: r.phone,
    roles,
    activeFrom: r.active_from,
    activeTo: r.active_to,
    public: r.public_at !== null,
    active: (!r.active_from || r.active_from <= today) && (!r.active_to || r.active_to >= today),
    updatedAt: r.updated_at,
  };
}

export async function listContacts(
  ctx: AppContext,
  q: ContactQuery,
): Promise<{ items: ContactView[]; total: number }> {
  const today = stockholmDate(ctx.clock.now());
  let query = baseQuery(ctx.db);
  if (q.q) {
    const needle = q.q;
    // The organisation name is matched once per organisation, not once per contact.
    query = query.where((eb) =>
      eb.or([
        ilike(ctx.dialect, eb.ref('c.name'), needle),
        ilike(ctx.dialect, eb.ref('c.email'), needle),
        eb(
          'c.organisation_id',
          'in',
          eb
            .selectFrom('organisations as mo')
            .select('mo.id')
            .where((m) => ilike(ctx.dialect, m.ref('mo.name'), needle)),
        ),
      ]),
    );
  }
  if (q.organisationId) query = query.where('c.organisation_id', '=', q.organisationId);
  if (q.county) query = query.where('o.county', '=', q.county);
  if (q.role) {
    const role = q.role;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_person_roles as r')
          .select('r.role')
          .whereRef('r.contact_person_id', '=', 'c.id')
          .where('r.role', '=', role),
      ),
    );
  }
  if (q.activeOnly === 'true') {
    query = query
      .where((eb) => eb.or([eb('c.active_from', 'is', null), eb('c.active_from', '<=', today)]))
      .where((eb) => eb.or([eb('c.active_to', 'is', null), eb('c.active_to', '>=', today)]));
  }
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const roles = await rolesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toView(r, roles.get(r.id) ?? [], today)),
    total: Number(total.n),
  };
}

export async function getContact(
  ctx: AppContext,
  id: string,
  db: Db | Tx = ctx.db,
): Promise<ContactView> {
  const row = await baseQuery(db).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  const roles = await rolesOf(db, [id]);
  return toView(row, roles.get(id) ?? [], stockholmDate(ctx.clock.now()));
}

async function setRoles(tx: Tx, id: string, roles: readonly ContactRole[]): Promise<void> {
  await tx.deleteFrom('contact_person_roles').where('contact_person_id', '=', id).execute();
  const unique = [...new Set(roles)];
  if (unique.length > 0) {
    await tx
      .insertInto('contact_person_roles')
      .values(unique.map((role) => ({ contact_person_id: id, role })))
      .execute();
  }
}

/** Inserts one contact person inside the caller's transaction (also used by the CSV import). */
export async function insertContact(
  ctx: AppContext,
  tx: Tx,
  input: ContactInput,
  now: string,
): Promise<string> {
  const id = newId();
  await tx
    .insertInto('contact_persons')
    .values({
      id,
      organisation_id: input.organisationId,
      name: input.name,
      title: input.title ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      active_from: input.activeFrom ?? null,
      active_to: input.activeTo ?? null,
      public_at: input.public ? now : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await setRoles(tx, id, input.roles ?? []);
  return id;
}

export async function createContact(
  ctx: AppContext,
  actor: Actor,
  input: ContactInput,
  requestId: string,
): Promise<ContactView> {
  return ctx.db.transaction().execute(async (tx) => {
    const org = await tx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', input.organisationId)
      .executeTakeFirst();
    if (!org) throw new AppError('validation', [{ path: 'organisationId', code: 'invalid_value' }]);
    assertMayEditOrganisation(actor, input.organisationId);
    const id = await insertContact(ctx, tx, input, ctx.clock.now().toISOString());
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact.created',
      objectType: 'contact_person',
      objectId: id,
      requestId,
    });
    return getContact(ctx, id, tx);
  });
}

export async function updateContact(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ContactUpdate,
  requestId: string,
): Promise<ContactView> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('contact_persons')
      .select(['organisation_id', 'active_from', 'active_to', 'public_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new AppError('not_found');
    assertMayEditOrganisation(actor, current.organisation_id);
    const from = input.activeFrom !== undefined ? input.activeFrom : current.active_from;
    const to = input.activeTo !== undefined ? input.activeTo : current.active_to;
    if (from && to && to < from) {
      throw new AppError('validation', [{ path: 'activeTo', code: 'date_order' }]);
    }
    const now = ctx.clock.now().toISOString();
    await tx
      .updateTable('contact_persons')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.activeFrom !== undefined ? { active_from: input.activeFrom } : {}),
        ...(input.activeTo !== undefined ? { active_to: input.activeTo } : {}),
        ...(input.public !== undefined
          ? { public_at: input.public ? (current.public_at ?? now) : null }
          : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (input.roles !== undefined) await setRoles(tx, id, input.roles);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact.updated',
      objectType: 'contact_person',
      objectId: id,
      requestId,
    });
    return getContact(ctx, id, tx);
  });
}

/** Removes a contact person (staff data; the audit trail keeps that it happened). */
export async function deleteContact(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('contact_persons')
      .select('organisation_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new AppError('not_found');
    assertMayEditOrganisation(actor, current.organisation_id);
    await tx
      .updateTable('working_groups')
      .set({ convenor_contact_id: null })
      .where('convenor_contact_id', '=', id)
      .execute();
    await tx.deleteFrom('contact_persons').where('id', '=', id).execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact.deleted',
      objectType: 'contact_person',
      objectId: id,
      requestId,
    });
  });
}
