import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import type { Db, Tx } from '../../core/db/database.js';
import type { ServiceView } from './services.schemas.js';
import { auditActor } from '../../core/audit.js';

/** The catalogue of services organisations offer (protected housing, legal counsel, …). */

export async function listServices(db: Db | Tx, includeRetired = true): Promise<ServiceView[]> {
  let q = db.selectFrom('services').selectAll();
  if (!includeRetired) q = q.where('retired_at', 'is', null);
  const rows = await q.orderBy('sort_order').orderBy('code').execute();
  return rows.map((r) => ({
    code: r.code,
    nameSv: r.name_sv,
    nameEn: r.name_en,
    sortOrder: r.sort_order,
    retired: r.retired_at !== null,
  }));
}

/** Refuses codes that are not in the catalogue (or retired), naming the field. */
export async function assertServicesExist(
  db: Db | Tx,
  codes: readonly string[],
  path: string,
  allowRetired: readonly string[] = [],
): Promise<void> {
  if (codes.length === 0) return;
  const rows = await db
    .selectFrom('services')
    .select(['code', 'retired_at'])
    .where('code', 'in', [...codes])
    .execute();
  const usable = new Set(
    rows.filter((r) => r.retired_at === null || allowRetired.includes(r.code)).map((r) => r.code),
  );
  const bad = codes.findIndex((c) => !usable.has(c));
  if (bad >= 0)
    throw new AppError('validation', [{ path: `${path}.${bad}`, code: 'unknown_service' }]);
}

export async function createService(
  ctx: AppContext,
  actor: Actor,
  input: { code: string; nameSv: string; nameEn: string; sortOrder?: number | undefined },
  requestId: string,
): Promise<ServiceView> {
  await ctx.db.transaction().execute(async (tx) => {
    const exists = await tx
      .selectFrom('services')
      .select('code')
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (exists) throw new AppError('conflict', [{ path: 'code', code: 'invalid_value' }]);
    const max = await tx
      .selectFrom('services')
      .select((eb) => eb.fn.max<number>('sort_order').as('m'))
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('services')
      .values({
        code: input.code,
        name_sv: input.nameSv,
        name_en: input.nameEn,
        sort_order: input.sortOrder ?? Number(max.m ?? 0) + 10,
        retired_at: null,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'service.created',
      objectType: 'service',
      objectId: input.code,
      requestId,
    });
  });
  return getService(ctx, input.code);
}

async function getService(ctx: AppContext, code: string): Promise<ServiceView> {
  const found = (await listServices(ctx.db)).find((s) => s.code === code);
  if (!found) throw new AppError('not_found');
  return found;
}

export async function updateService(
  ctx: AppContext,
  actor: Actor,
  code: string,
  input: {
    nameSv?: string | undefined;
    nameEn?: string | undefined;
    sortOrder?: number | undefined;
    retired?: boolean | undefined;
  },
  requestId: string,
): Promise<ServiceView> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('services')
      .select(['code', 'retired_at'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!current) throw new AppError('not_found');
    await tx
      .updateTable('services')
      .set({
        ...(input.nameSv !== undefined ? { name_sv: input.nameSv } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
        ...(input.sortOrder !== undefined ? { sort_order: input.sortOrder } : {}),
        ...(input.retired !== undefined
          ? {
              retired_at: input.retired
                ? (current.retired_at ?? ctx.clock.now().toISOString())
                : null,
            }
          : {}),
      })
      .where('code', '=', code)
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'service.updated',
      objectType: 'service',
      objectId: code,
      requestId,
    });
  });
  return getService(ctx, code);
}
