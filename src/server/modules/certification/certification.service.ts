import { createHash } from 'node:crypto';
import type { AppContext } from '../../core/context.js';
import { canSeeOrganisationRecords, type Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import { stockholmDate } from '../../core/time.js';
import type { CertificationStatus } from '../../core/reference.js';
import { detectDocumentType, safeFileName } from '../../core/files.js';
import { assertServicesExist } from '../services/services.service.js';
import type { CertificationView, SetCertification } from './certification.schemas.js';
import { auditActor } from '../../core/audit.js';

/**
 * Certification of support actors for the national support programme. Only
 * the coordinator and administrators change it; every change is kept in the
 * history with who and why. A certification past its end date counts as
 * expired, which blocks new applications from that organisation.
 */

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function effectiveStatus(
  status: CertificationStatus,
  certifiedTo: string | null,
  today: string,
): CertificationStatus {
  return status === 'certified' && certifiedTo !== null && certifiedTo < today ? 'expired' : status;
}

/**
 * Whether an organisation is certified on a date (Stockholm calendar date).
 * The support programme asks this before accepting an application.
 */
export async function isCertifiedOn(
  db: Db | Tx,
  organisationId: string,
  date: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('certifications')
    .select(['status', 'certified_from', 'certified_to'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return (
    row !== undefined &&
    row.status === 'certified' &&
    row.certified_from !== null &&
    row.certified_to !== null &&
    row.certified_from <= date &&
    date <= row.certified_to
  );
}

function baseQuery(db: Db | Tx) {
  return db
    .selectFrom('certifications as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select([
      'c.organisation_id',
      'o.name as organisation_name',
      'o.county',
      'c.status',
      'c.certified_from',
      'c.certified_to',
      'c.review_date',
      'c.conditions',
      'c.version',
      'c.updated_at',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function servicesOf(db: Db | Tx, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('certification_services')
      .select(['organisation_id', 'service_code'])
      .where('organisation_id', 'in', ids.slice(i, i + 500))
      .orderBy('service_code')
      .execute();
    for (const r of rows)
      out.set(r.organisation_id, [...(out.get(r.organisation_id) ?? []), r.service_code]);
  }
  return out;
}

function toView(actor: Actor, r: Row, services: string[], today: string): CertificationView {
  const status = r.status as CertificationStatus;
  return {
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    county: r.county,
    status,
    effectiveStatus: effectiveStatus(status, r.certified_to, today),
    certifiedFrom: r.certified_from,
    certifiedTo: r.certified_to,
    reviewDate: r.review_date,
    services,
    conditions: canSeeOrganisationRecords(actor, r.organisation_id) ? r.conditions : null,
    version: r.version,
    updatedAt: r.updated_at,
    daysLeft: r.certified_to ? daysBetween(today, r.certified_to) : null,
  };
}

/** The Stockholm calendar date `days` days after `date`. */
export function dateAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Organisations marked certified whose certification ends on or before `until`
 * and, when `from` is given, on or after it (left out: those already past their
 * end date but still marked certified are included), soonest first.
 */
export function endingCertifications(db: Db | Tx, until: string, from?: string) {
  let query = baseQuery(db)
    .where('c.status', '=', 'certified')
    .where('c.certified_to', '<=', until);
  if (from !== undefined) query = query.where('c.certified_to', '>=', from);
  return query.orderBy('c.certified_to').orderBy('o.name');
}

export async function listCertifications(
  ctx: AppContext,
  actor: Actor,
  q: { status?: CertificationStatus | undefined; expiringWithinDays?: number | undefined },
): Promise<{ items: CertificationView[] }> {
  const today = stockholmDate(ctx.clock.now());
  const rows = await (
    q.expiringWithinDays !== undefined
      ? endingCertifications(ctx.db, dateAfter(today, q.expiringWithinDays), today)
      : baseQuery(ctx.db).orderBy('c.certified_to').orderBy('o.name')
  ).execute();
  const services = await servicesOf(
    ctx.db,
    rows.map((r) => r.organisation_id),
  );
  const items = rows
    .map((r) => toView(actor, r, services.get(r.organisation_id) ?? [], today))
    .filter((v) => !q.status || v.effectiveStatus === q.status);
  return { items };
}

export async function getCertificationDetail(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
) {
  const org = await ctx.db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('not_found');
  const today = stockholmDate(ctx.clock.now());
  const row = await baseQuery(ctx.db)
    .where('c.organisation_id', '=', organisationId)
    .executeTakeFirst();
  const services = await servicesOf(ctx.db, [organisationId]);
  const own = canSeeOrganisationRecords(actor, organisationId);
  // The history (reasons, conditions) and documents are for the coordinator, administrators and the organisation itself.
  const history = own
    ? await ctx.db
        .selectFrom('certification_history as h')
        .leftJoin('users as u', 'u.id', 'h.actor_user_id')
        .select([
          'h.version',
          'h.at',
          'u.name as actor_name',
          'h.status',
          'h.certified_from',
          'h.certified_to',
          'h.review_date',
          'h.conditions',
          'h.services',
          'h.reason',
        ])
        .where('h.organisation_id', '=', organisationId)
        .orderBy('h.version', 'desc')
        .execute()
    : [];
  const documents = own
    ? await ctx.db
        .selectFrom('certification_documents')
        .select(['id', 'file_name', 'content_type', 'size_bytes', 'uploaded_at'])
        .where('organisation_id', '=', organisationId)
        .where('removed_at', 'is', null)
        .orderBy('uploaded_at', 'desc')
        .execute()
    : [];
  return {
    certification: row ? toView(actor, row, services.get(organisationId) ?? [], today) : null,
    history: history.map((h) => ({
      version: h.version,
      at: h.at,
      actorName: h.actor_name,
      status: h.status as CertificationStatus,
      certifiedFrom: h.certified_from,
      certifiedTo: h.certified_to,
      reviewDate: h.review_date,
      conditions: h.conditions,
      services: JSON.parse(h.services) as string[],
      reason: h.reason,
    })),
    documents: documents.map((d) => ({
      id: d.id,
      fileName: d.file_name,
      contentType: d.content_type,
      sizeBytes: d.size_bytes,
      uploadedAt: d.uploaded_at,
    })),
  };
}

/** Sets the certification (first time or a change) and records the change in the history. */
export async function setCertification(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  input: SetCertification,
  requestId: string,
) {
  await ctx.db.transaction().execute(async (tx) => {
    await writeCertification(ctx, tx, organisationId, input, actor.userId);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'certification.changed',
      objectType: 'organisation',
      objectId: organisationId,
      requestId,
    });
  });
  return getCertificationDetail(ctx, actor, organisationId);
}

/**
 * The change itself, inside the caller's transaction (the API and the demo
 * data set): the current row, its services and a history entry.
 */
export async function writeCertification(
  ctx: AppContext,
  tx: Tx,
  organisationId: string,
  input: SetCertification,
  actorUserId: string | null,
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const org = await tx
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('not_found');
  const services = [...new Set(input.services)].sort();
  await assertServicesExist(tx, services, 'services');
  const current = await tx
    .selectFrom('certifications')
    .select('version')
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  const version = (current?.version ?? 0) + 1;
  if ((current?.version ?? 0) !== input.expectedVersion) throw new AppError('conflict');
  const values = {
    status: input.status,
    certified_from: input.certifiedFrom ?? null,
    certified_to: input.certifiedTo ?? null,
    review_date: input.reviewDate ?? null,
    conditions: input.conditions ?? null,
    version,
    updated_at: now,
    updated_by: actorUserId,
  };
  if (current) {
    // The version check in the WHERE clause makes concurrent edits fail rather than overwrite.
    const res = await tx
      .updateTable('certifications')
      .set(values)
      .where('organisation_id', '=', organisationId)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
  } else {
    await tx
      .insertInto('certifications')
      .values({ organisation_id: organisationId, ...values })
      .execute();
  }
  await tx
    .deleteFrom('certification_services')
    .where('organisation_id', '=', organisationId)
    .execute();
  if (services.length > 0) {
    await tx
      .insertInto('certification_services')
      .values(services.map((service_code) => ({ organisation_id: organisationId, service_code })))
      .execute();
  }
  await tx
    .insertInto('certification_history')
    .values({
      id: newId(),
      organisation_id: organisationId,
      version,
      at: now,
      actor_user_id: actorUserId,
      status: input.status,
      certified_from: values.certified_from,
      certified_to: values.certified_to,
      review_date: values.review_date,
      conditions: values.conditions,
      services: JSON.stringify(services),
      reason: input.reason,
    })
    .execute();
}

function assertDocumentAccess(actor: Actor, organisationId: string): void {
  if (!canSeeOrganisationRecords(actor, organisationId)) throw new AppError('not_found');
}

export async function uploadDocument(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  file: { name: string; bytes: Buffer },
  requestId: string,
) {
  assertDocumentAccess(actor, organisationId);
  const type = await detectDocumentType(file.bytes);
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    const org = await tx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', organisationId)
      .executeTakeFirst();
    if (!org) throw new AppError('not_found');
    await tx
      .insertInto('certification_documents')
      .values({
        id,
        organisation_id: organisationId,
        file_name: safeFileName(file.name, type.ext),
        content_type: type.mime,
        size_bytes: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        content_enc: ctx.crypto.encryptBytes(file.bytes),
        uploaded_at: ctx.clock.now().toISOString(),
        uploaded_by: actor.userId,
        removed_at: null,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'certification.document_added',
      objectType: 'certification_document',
      objectId: id,
      requestId,
    });
  });
  return { id };
}

export async function readDocument(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  documentId: string,
  requestId: string,
): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
  assertDocumentAccess(actor, organisationId);
  const doc = await ctx.db
    .selectFrom('certification_documents')
    .select(['file_name', 'content_type', 'content_enc'])
    .where('id', '=', documentId)
    .where('organisation_id', '=', organisationId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!doc) throw new AppError('not_found');
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'certification.document_read',
    objectType: 'certification_document',
    objectId: documentId,
    requestId,
  });
  return {
    fileName: doc.file_name,
    contentType: doc.content_type,
    bytes: ctx.crypto.decryptBytes(Buffer.from(doc.content_enc)),
  };
}

export async function removeDocument(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  documentId: string,
  requestId: string,
): Promise<void> {
  assertDocumentAccess(actor, organisationId);
  await ctx.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('certification_documents')
      // The record of the upload stays; the content itself is not kept.
      .set({ removed_at: ctx.clock.now().toISOString(), content_enc: Buffer.alloc(0) })
      .where('id', '=', documentId)
      .where('organisation_id', '=', organisationId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('not_found');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'certification.document_removed',
      objectType: 'certification_document',
      objectId: documentId,
      requestId,
    });
  });
}
