import { createHash } from 'node:crypto';
import type { AppContext } from '../../core/context.js';
import { prepared } from '../../core/db/prepared.js';
import type { Actor } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import { forUpdate } from '../../core/db/dialect.js';
import { auditActor } from '../../core/audit.js';
import { stockholmDate } from '../../core/time.js';
import { detectDocumentType, safeFileName } from '../../core/files.js';
import { isCertifiedOn } from '../certification/certification.service.js';
import type { AgeBand, Gender } from '../../core/reference.js';
import type {
  Background,
  CaseSummary,
  CaseView,
  CreateCase,
  TimelineEntry,
} from './cases.schemas.js';

/**
 * Cases of the support programme: one pseudonymised person each, owned by the
 * certified actor that supports them. Actor staff see their own
 * organisation's cases (a protected case: only its named staff); the
 * coordinator sees every case; nobody else sees any. Every read is audited.
 */

export const CASE_PAGE_SIZE = 50;

export type CaseRow = Awaited<ReturnType<typeof selectCase>>;

// Reading a case is the programme's most frequent request: its queries are
// built once (prepared.ts), each run with the case's (and reader's) values.
const caseById = prepared((db: Db, v: { caseId: string }) =>
  db.selectFrom('cases').selectAll().where('id', '=', v.caseId),
);

function selectCase(db: Db | Tx, caseId: string) {
  return caseById.executeTakeFirst(db, { caseId });
}

/** The one programme Slussa runs today (the schema allows more). */
const firstProgramme = prepared((db: Db, _v: Record<string, never>) =>
  db.selectFrom('programmes').selectAll().orderBy('created_at').limit(1),
);

export async function currentProgramme(db: Db | Tx) {
  const programme = await firstProgramme.executeTakeFirst(db, {});
  if (!programme) throw new Error('No programme: the first migration creates one.');
  return programme;
}

const namedStaff = prepared((db: Db, v: { caseId: string; userId: string }) =>
  db
    .selectFrom('case_protected_staff')
    .select('user_id')
    .where('case_id', '=', v.caseId)
    .where('user_id', '=', v.userId),
);

async function isNamedStaff(db: Db | Tx, caseId: string, userId: string): Promise<boolean> {
  return (await namedStaff.executeTakeFirst(db, { caseId, userId })) !== undefined;
}

/** Staff of the owning organisation (for a protected case: only its named staff). */
async function isOwnerStaff(db: Db | Tx, actor: Actor, row: NonNullable<CaseRow>) {
  if (actor.role !== 'actor_staff' || row.owner_organisation_id !== actor.organisationId)
    return false;
  return row.protected_identity === 0 || isNamedStaff(db, row.id, actor.userId);
}

/**
 * Loads a case the actor may read, or answers 404 (also for a case that
 * exists but is not theirs, so its existence is not revealed).
 */
export async function caseForRead(
  db: Db | Tx,
  actor: Actor,
  caseId: string,
): Promise<{ row: NonNullable<CaseRow>; owner: boolean }> {
  const row = await selectCase(db, caseId);
  if (!row) throw new AppError('not_found');
  const owner = await isOwnerStaff(db, actor, row);
  if (owner || actor.role === 'coordinator') return { row, owner };
  throw new AppError('not_found');
}

/** A case the actor may change: staff of the owning organisation only (the coordinator reads). */
export async function caseForWrite(
  db: Db | Tx,
  actor: Actor,
  caseId: string,
): Promise<NonNullable<CaseRow>> {
  const { row, owner } = await caseForRead(db, actor, caseId);
  if (!owner) throw new AppError('forbidden');
  return row;
}

function backgroundColumns(b: Background) {
  return {
    nationality: b.nationality,
    gender: b.gender,
    age_band: b.ageBand,
    children_count: b.childrenCount,
    children_ages: JSON.stringify(b.childrenAges),
    children_in_home_country: b.childrenInHomeCountry,
    exploitation_forms: JSON.stringify(b.exploitationForms),
    exploitation_countries: JSON.stringify(b.exploitationCountries),
    police_report: b.policeReport,
    police_report_date: b.policeReportDate,
    residence_status: b.residenceStatus,
    housing_situation: b.housingSituation,
  };
}

function assertPoliceReportDate(b: Background, today: string): void {
  if (b.policeReportDate !== null && b.policeReportDate > today)
    throw new AppError('validation', [
      { path: 'background.policeReportDate', code: 'too_big', params: { maximum: today } },
    ]);
}

/** Named staff must be active staff of the owning organisation. */
async function assertStaff(tx: Tx, organisationId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', userIds)
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'actor_staff')
    .where('disabled_at', 'is', null)
    .execute();
  if (rows.length !== new Set(userIds).size)
    throw new AppError('validation', [{ path: 'protectedStaffUserIds', code: 'unknown_staff' }]);
}

async function setProtectedStaff(tx: Tx, caseId: string, userIds: string[]): Promise<void> {
  await tx.deleteFrom('case_protected_staff').where('case_id', '=', caseId).execute();
  const unique = [...new Set(userIds)];
  if (unique.length > 0)
    await tx
      .insertInto('case_protected_staff')
      .values(unique.map((user_id) => ({ case_id: caseId, user_id })))
      .execute();
}

export function formatCaseCode(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}

/**
 * Hands out the programme's next case number inside the caller's transaction.
 * The row update serialises concurrent creations (a row lock on PostgreSQL,
 * the single writer on SQLite), and the unique index backs it up: numbers
 * are never reused or duplicated.
 */
async function nextCaseNumber(tx: Tx, programmeId: string): Promise<number> {
  const row = await tx
    .updateTable('programmes')
    .set((eb) => ({ last_case_number: eb('last_case_number', '+', 1) }))
    .where('id', '=', programmeId)
    .returning('last_case_number')
    .executeTakeFirstOrThrow();
  return row.last_case_number;
}

export async function assertCertifiedToday(ctx: AppContext, db: Db | Tx, actor: Actor) {
  const today = stockholmDate(ctx.clock.now());
  if (actor.role !== 'actor_staff' || !(await isCertifiedOn(db, actor.organisationId, today)))
    throw new AppError('not_certified');
  return today;
}

export async function createCase(
  ctx: AppContext,
  actor: Actor,
  input: CreateCase,
  requestId: string,
): Promise<{ id: string; code: string }> {
  const today = await assertCertifiedToday(ctx, ctx.db, actor);
  assertPoliceReportDate(input.background, today);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    await assertStaff(tx, actor.organisationId, input.protectedStaffUserIds);
    const programme = await currentProgramme(tx);
    const number = await nextCaseNumber(tx, programme.id);
    const code = formatCaseCode(programme.code_prefix, number);
    await tx
      .insertInto('cases')
      .values({
        id,
        programme_id: programme.id,
        number,
        code,
        owner_organisation_id: actor.organisationId,
        protected_identity: input.protectedIdentity ? 1 : 0,
        identity_note_enc: input.identityNote ? ctx.crypto.encrypt(input.identityNote) : null,
        ...backgroundColumns(input.background),
        version: 1,
        created_at: now,
        created_by: actor.userId,
        updated_at: now,
      })
      .execute();
    if (input.protectedIdentity)
      await setProtectedStaff(tx, id, [actor.userId, ...input.protectedStaffUserIds]);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.created',
      objectType: 'case',
      objectId: id,
      requestId,
    });
    return { id, code };
  });
}

export async function listCases(
  ctx: AppContext,
  actor: Actor,
  q: { q?: string | undefined; organisationId?: string | undefined; page: number },
  requestId: string,
): Promise<{ items: CaseSummary[]; total: number; page: number; pageSize: number }> {
  let base = ctx.db.selectFrom('cases as c');
  if (actor.role === 'coordinator') {
    if (q.organisationId) base = base.where('c.owner_organisation_id', '=', q.organisationId);
  } else {
    // Actor staff: their organisation's cases, and of those only the protected ones naming them.
    base = base
      .where('c.owner_organisation_id', '=', actor.organisationId)
      .where((eb) =>
        eb.or([
          eb('c.protected_identity', '=', 0),
          eb.exists(
            eb
              .selectFrom('case_protected_staff as ps')
              .select('ps.user_id')
              .whereRef('ps.case_id', '=', 'c.id')
              .where('ps.user_id', '=', actor.userId),
          ),
        ]),
      );
  }
  const term = q.q?.trim().toUpperCase();
  if (term) {
    const digits = /^\D*(\d+)$/.exec(term);
    base = digits
      ? base.where('c.number', '=', Number(digits[1]))
      : base.where('c.code', '=', term);
  }
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  // The page's ids first, walking the index newest first; then the page's details and
  // open applications for those 50 only (never a join or a count per row of the whole list).
  const ids = (
    await base
      .select('c.id')
      .orderBy('c.number', 'desc')
      .limit(CASE_PAGE_SIZE)
      .offset((q.page - 1) * CASE_PAGE_SIZE)
      .execute()
  ).map((r) => r.id);
  const [details, open] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          ctx.db
            .selectFrom('cases as c')
            .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
            .select([
              'c.id',
              'c.code',
              'c.owner_organisation_id',
              'o.name as owner_name',
              'c.gender',
              'c.age_band',
              'c.protected_identity',
              'c.updated_at',
            ])
            .where('c.id', 'in', ids)
            .execute(),
          ctx.db
            .selectFrom('applications')
            .select((eb) => ['case_id', eb.fn.countAll<number>().as('n')])
            .where('case_id', 'in', ids)
            .where('status', '!=', 'decided')
            .groupBy('case_id')
            .execute(),
        ]);
  const byId = new Map(details.map((r) => [r.id, r]));
  const openBy = new Map(open.map((r) => [r.case_id, Number(r.n)]));
  const rows = ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...r, open_applications: openBy.get(id) ?? 0 }] : [];
  });
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'case.listed',
    objectType: 'case_list',
    objectId: null,
    requestId,
  });
  return {
    items: rows.map((r) => ({
      id: r.id,
      code: r.code,
      ownerOrganisationId: r.owner_organisation_id,
      ownerOrganisationName: r.owner_name,
      gender: r.gender as Gender,
      ageBand: r.age_band as AgeBand,
      protectedIdentity: r.protected_identity === 1,
      openApplications: Number(r.open_applications ?? 0),
      updatedAt: r.updated_at,
    })),
    total: Number(total),
    page: q.page,
    pageSize: CASE_PAGE_SIZE,
  };
}

function viewBackground(r: NonNullable<CaseRow>): CaseView['background'] {
  return {
    nationality: r.nationality,
    gender: r.gender as CaseView['background']['gender'],
    ageBand: r.age_band as CaseView['background']['ageBand'],
    childrenCount: r.children_count,
    childrenAges: JSON.parse(r.children_ages) as number[],
    childrenInHomeCountry: r.children_in_home_country,
    exploitationForms: JSON.parse(
      r.exploitation_forms,
    ) as CaseView['background']['exploitationForms'],
    exploitationCountries: JSON.parse(r.exploitation_countries) as string[],
    policeReport: r.police_report as CaseView['background']['policeReport'],
    policeReportDate: r.police_report_date,
    residenceStatus: r.residence_status as CaseView['background']['residenceStatus'],
    housingSituation: r.housing_situation as CaseView['background']['housingSituation'],
  };
}

function entry(partial: Partial<TimelineEntry> & Pick<TimelineEntry, 'key' | 'at' | 'kind'>) {
  return {
    byName: null,
    applicationId: null,
    applicationType: null,
    outcome: null,
    text: null,
    attachmentId: null,
    fileName: null,
    fromOrganisationName: null,
    toOrganisationName: null,
    ...partial,
  } satisfies TimelineEntry;
}

/** Within the same instant, the order in which things can happen. */
const KIND_ORDER: ReadonlyArray<TimelineEntry['kind']> = [
  'created',
  'ownership',
  'note',
  'attachment',
  'application',
  'information_request',
  'answer',
  'decision',
  'approval',
];

type CaseValues = { caseId: string };
const timelineQueries = {
  applications: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('applications as a')
      .leftJoin('users as u', 'u.id', 'a.submitted_by')
      .select(['a.id', 'a.type', 'a.submitted_at', 'u.name'])
      .where('a.case_id', '=', v.caseId),
  ),
  decisions: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('decisions as d')
      .innerJoin('applications as a', 'a.id', 'd.application_id')
      .leftJoin('users as u', 'u.id', 'd.decided_by')
      .leftJoin('users as v', 'v.id', 'd.approved_by')
      .select([
        'd.id',
        'd.application_id',
        'a.type',
        'd.outcome',
        'd.rationale_enc',
        'd.decided_at',
        'u.name',
        'd.approved_at',
        'v.name as approved_by_name',
      ])
      .where('a.case_id', '=', v.caseId)
      // A decision awaiting its second approval (or refused it) is not a decision yet.
      .where('d.approval_status', '=', 'final'),
  ),
  messages: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('application_messages as m')
      .innerJoin('applications as a', 'a.id', 'm.application_id')
      .leftJoin('users as u', 'u.id', 'm.by_user_id')
      .select(['m.id', 'm.application_id', 'a.type', 'm.kind', 'm.body_enc', 'm.at', 'u.name'])
      .where('a.case_id', '=', v.caseId),
  ),
  notes: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('case_notes as n')
      .leftJoin('users as u', 'u.id', 'n.created_by')
      .select(['n.id', 'n.body_enc', 'n.created_at', 'u.name'])
      .where('n.case_id', '=', v.caseId),
  ),
  attachments: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('case_attachments as f')
      .leftJoin('users as u', 'u.id', 'f.uploaded_by')
      .select(['f.id', 'f.file_name_enc', 'f.uploaded_at', 'u.name'])
      .where('f.case_id', '=', v.caseId),
  ),
  ownershipChanges: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('case_ownership_changes as m')
      .innerJoin('organisations as fo', 'fo.id', 'm.from_organisation_id')
      .innerJoin('organisations as to', 'to.id', 'm.to_organisation_id')
      .leftJoin('users as u', 'u.id', 'm.by_user_id')
      .select([
        'm.id',
        'm.at',
        'm.reason_enc',
        'fo.name as from_name',
        'to.name as to_name',
        'u.name',
      ])
      .where('m.case_id', '=', v.caseId),
  ),
};

/** Everything that happened on a case, oldest first. */
async function timeline(
  ctx: AppContext,
  row: NonNullable<CaseRow>,
  creatorName: string | null,
): Promise<TimelineEntry[]> {
  const db = ctx.db;
  const v = { caseId: row.id };
  const [apps, decisions, messages, notes, attachments, moves] = await Promise.all([
    timelineQueries.applications.execute(db, v),
    timelineQueries.decisions.execute(db, v),
    timelineQueries.messages.execute(db, v),
    timelineQueries.notes.execute(db, v),
    timelineQueries.attachments.execute(db, v),
    timelineQueries.ownershipChanges.execute(db, v),
  ]);
  const out: TimelineEntry[] = [
    entry({ key: `created:${row.id}`, at: row.created_at, kind: 'created', byName: creatorName }),
    ...apps.map((a) =>
      entry({
        key: `application:${a.id}`,
        at: a.submitted_at,
        kind: 'application',
        byName: a.name,
        applicationId: a.id,
        applicationType: a.type,
      }),
    ),
    ...decisions.map((d) =>
      entry({
        key: `decision:${d.id}`,
        at: d.decided_at,
        kind: d.outcome === 'information_requested' ? 'information_request' : 'decision',
        byName: d.name,
        applicationId: d.application_id,
        applicationType: d.type,
        outcome: d.outcome,
        // The applicant sees the rationale in the case (an information request: the question).
        text: ctx.crypto.decrypt(d.rationale_enc),
      }),
    ),
    // The second approval that made a decision final (four-eyes).
    ...decisions
      .filter((d) => d.approved_at !== null)
      .map((d) =>
        entry({
          key: `approval:${d.id}`,
          at: d.approved_at ?? d.decided_at,
          kind: 'approval',
          byName: d.approved_by_name,
          applicationId: d.application_id,
          applicationType: d.type,
          outcome: 'approved',
        }),
      ),
    ...messages
      .filter((m) => m.kind === 'answer')
      .map((m) =>
        entry({
          key: `answer:${m.id}`,
          at: m.at,
          kind: 'answer',
          byName: m.name,
          applicationId: m.application_id,
          applicationType: m.type,
          text: ctx.crypto.decrypt(m.body_enc),
        }),
      ),
    ...notes.map((n) =>
      entry({
        key: `note:${n.id}`,
        at: n.created_at,
        kind: 'note',
        byName: n.name,
        text: ctx.crypto.decrypt(n.body_enc),
      }),
    ),
    ...attachments.map((f) =>
      entry({
        key: `attachment:${f.id}`,
        at: f.uploaded_at,
        kind: 'attachment',
        byName: f.name,
        attachmentId: f.id,
        fileName: ctx.crypto.decrypt(f.file_name_enc),
      }),
    ),
    ...moves.map((m) =>
      entry({
        key: `ownership:${m.id}`,
        at: m.at,
        kind: 'ownership',
        byName: m.name,
        text: ctx.crypto.decrypt(m.reason_enc),
        fromOrganisationName: m.from_name,
        toOrganisationName: m.to_name,
      }),
    ),
  ];
  return out.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.key.localeCompare(b.key),
  );
}

const viewQueries = {
  organisationName: prepared((db: Db, v: { id: string }) =>
    db.selectFrom('organisations').select('name').where('id', '=', v.id),
  ),
  programmeName: prepared((db: Db, v: { id: string }) =>
    db.selectFrom('programmes').select('name').where('id', '=', v.id),
  ),
  userName: prepared((db: Db, v: { id: string }) =>
    db.selectFrom('users').select('name').where('id', '=', v.id),
  ),
  protectedStaff: prepared((db: Db, v: CaseValues) =>
    db
      .selectFrom('case_protected_staff as ps')
      .innerJoin('users as u', 'u.id', 'ps.user_id')
      .select(['u.id', 'u.name'])
      .where('ps.case_id', '=', v.caseId)
      .orderBy('u.name'),
  ),
};

async function buildView(
  ctx: AppContext,
  row: NonNullable<CaseRow>,
  owner: boolean,
): Promise<CaseView> {
  const [org, programme, creator, staff] = await Promise.all([
    viewQueries.organisationName.executeTakeFirst(ctx.db, { id: row.owner_organisation_id }),
    viewQueries.programmeName.executeTakeFirst(ctx.db, { id: row.programme_id }),
    row.created_by
      ? viewQueries.userName.executeTakeFirst(ctx.db, { id: row.created_by })
      : undefined,
    owner && row.protected_identity === 1
      ? viewQueries.protectedStaff.execute(ctx.db, { caseId: row.id })
      : [],
  ]);
  if (!org || !programme) throw new Error('A case without its organisation or programme.');
  return {
    id: row.id,
    code: row.code,
    programmeName: programme.name,
    ownerOrganisationId: row.owner_organisation_id,
    ownerOrganisationName: org.name,
    protectedIdentity: row.protected_identity === 1,
    protectedStaff: staff,
    hasIdentityNote: row.identity_note_enc !== null,
    mayViewIdentityNote: owner,
    mayEdit: owner,
    background: viewBackground(row),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    timeline: await timeline(ctx, row, creator?.name ?? null),
  };
}

export async function getCase(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  requestId: string,
): Promise<CaseView> {
  const { row, owner } = await caseForRead(ctx.db, actor, caseId);
  const view = await buildView(ctx, row, owner);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'case.read',
    objectType: 'case',
    objectId: caseId,
    requestId,
  });
  return view;
}

/** Changes a case row under its version: a concurrent change makes this one fail, not overwrite. */
async function bumpVersion(
  ctx: AppContext,
  tx: Tx,
  caseId: string,
  expectedVersion: number,
  set: Record<string, unknown>,
): Promise<void> {
  const res = await tx
    .updateTable('cases')
    .set({ ...set, version: expectedVersion + 1, updated_at: ctx.clock.now().toISOString() })
    .where('id', '=', caseId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
}

export async function updateBackground(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  input: { expectedVersion: number; background: Background },
  requestId: string,
): Promise<CaseView> {
  assertPoliceReportDate(input.background, stockholmDate(ctx.clock.now()));
  await ctx.db.transaction().execute(async (tx) => {
    await caseForWrite(tx, actor, caseId);
    await bumpVersion(ctx, tx, caseId, input.expectedVersion, backgroundColumns(input.background));
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.background_changed',
      objectType: 'case',
      objectId: caseId,
      requestId,
    });
  });
  return getCase(ctx, actor, caseId, requestId);
}

export async function setProtection(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  input: { expectedVersion: number; protectedIdentity: boolean; protectedStaffUserIds: string[] },
  requestId: string,
): Promise<CaseView> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await caseForWrite(tx, actor, caseId);
    await assertStaff(tx, row.owner_organisation_id, input.protectedStaffUserIds);
    await bumpVersion(ctx, tx, caseId, input.expectedVersion, {
      protected_identity: input.protectedIdentity ? 1 : 0,
    });
    // The person changing it stays named, so nobody locks themselves out by mistake.
    await setProtectedStaff(
      tx,
      caseId,
      input.protectedIdentity ? [actor.userId, ...input.protectedStaffUserIds] : [],
    );
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.protection_changed',
      objectType: 'case',
      objectId: caseId,
      requestId,
    });
  });
  return getCase(ctx, actor, caseId, requestId);
}

export async function readIdentityNote(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  requestId: string,
): Promise<{ identityNote: string | null }> {
  const row = await caseForWrite(ctx.db, actor, caseId);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'case.identity_note_read',
    objectType: 'case',
    objectId: caseId,
    requestId,
  });
  return {
    identityNote: row.identity_note_enc ? ctx.crypto.decrypt(row.identity_note_enc) : null,
  };
}

export async function setIdentityNote(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  note: string | null,
  requestId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    await caseForWrite(tx, actor, caseId);
    await tx
      .updateTable('cases')
      .set({
        identity_note_enc: note ? ctx.crypto.encrypt(note) : null,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', caseId)
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.identity_note_changed',
      objectType: 'case',
      objectId: caseId,
      requestId,
    });
  });
}

/** Certified actors on today's date: where a case can move. */
export async function transferTargets(ctx: AppContext) {
  const today = stockholmDate(ctx.clock.now());
  const items = await ctx.db
    .selectFrom('certifications as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select(['o.id', 'o.name', 'o.county'])
    .where('c.status', '=', 'certified')
    .where('c.certified_from', '<=', today)
    .where('c.certified_to', '>=', today)
    .orderBy('o.name')
    .execute();
  return { items };
}

/** Staff of the reader's organisation who can be named on a protected case. */
export async function caseStaff(ctx: AppContext, actor: Actor) {
  const items = await ctx.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('organisation_id', '=', actor.organisationId)
    .where('role', '=', 'actor_staff')
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
  return { items };
}

/**
 * Moves a case to another certified actor, with a recorded reason. The owning
 * staff or the coordinator may do it. Named staff of a protected case belong
 * to the old owner and cannot be carried over, so protection is lifted and the
 * timeline says so; the new owner names its own staff again.
 */
export async function transferCase(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  input: { expectedVersion: number; toOrganisationId: string; reason: string },
  requestId: string,
): Promise<void> {
  const today = stockholmDate(ctx.clock.now());
  await ctx.db.transaction().execute(async (tx) => {
    const { row, owner } = await caseForRead(tx, actor, caseId);
    if (!owner && actor.role !== 'coordinator') throw new AppError('forbidden');
    if (input.toOrganisationId === row.owner_organisation_id)
      throw new AppError('validation', [{ path: 'toOrganisationId', code: 'invalid' }]);
    if (!(await isCertifiedOn(tx, input.toOrganisationId, today)))
      throw new AppError('validation', [{ path: 'toOrganisationId', code: 'not_certified' }]);
    await bumpVersion(ctx, tx, caseId, input.expectedVersion, {
      owner_organisation_id: input.toOrganisationId,
      protected_identity: 0,
    });
    await tx.deleteFrom('case_protected_staff').where('case_id', '=', caseId).execute();
    await tx
      .insertInto('case_ownership_changes')
      .values({
        id: newId(),
        case_id: caseId,
        from_organisation_id: row.owner_organisation_id,
        to_organisation_id: input.toOrganisationId,
        reason_enc: ctx.crypto.encrypt(input.reason),
        at: ctx.clock.now().toISOString(),
        by_user_id: actor.userId,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.transferred',
      objectType: 'case',
      objectId: caseId,
      requestId,
    });
  });
}

export async function addNote(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  text: string,
  requestId: string,
): Promise<{ id: string }> {
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    await caseForRead(tx, actor, caseId);
    await tx
      .insertInto('case_notes')
      .values({
        id,
        case_id: caseId,
        body_enc: ctx.crypto.encrypt(text),
        organisation_id: actor.organisationId,
        created_at: ctx.clock.now().toISOString(),
        created_by: actor.userId,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.note_added',
      objectType: 'case',
      objectId: caseId,
      requestId,
    });
  });
  return { id };
}

/**
 * Images lose their metadata (EXIF: camera, time, GPS position) before they
 * are stored; the orientation is applied first so the picture still looks right.
 */
async function withoutMetadata(bytes: Buffer, mime: string): Promise<Buffer> {
  if (mime !== 'image/jpeg' && mime !== 'image/png') return bytes;
  // Loaded on first use: sharp brings libvips, which most processes never need at start-up.
  const { default: sharp } = await import('sharp');
  if (mime === 'image/jpeg') return sharp(bytes).rotate().jpeg({ quality: 92 }).toBuffer();
  if (mime === 'image/png') return sharp(bytes).rotate().png().toBuffer();
  return bytes;
}

export async function addAttachment(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  file: { name: string; bytes: Buffer },
  requestId: string,
): Promise<{ id: string }> {
  await caseForRead(ctx.db, actor, caseId);
  const type = await detectDocumentType(file.bytes);
  let content: Buffer;
  try {
    content = await withoutMetadata(file.bytes, type.mime);
  } catch {
    throw new AppError('validation', [{ path: 'file', code: 'file_type' }]);
  }
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    await caseForRead(tx, actor, caseId);
    await tx
      .insertInto('case_attachments')
      .values({
        id,
        case_id: caseId,
        file_name_enc: ctx.crypto.encrypt(safeFileName(file.name, type.ext)),
        content_type: type.mime,
        size_bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
        content_enc: ctx.crypto.encryptBytes(content),
        uploaded_at: ctx.clock.now().toISOString(),
        uploaded_by: actor.userId,
      })
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'case.attachment_added',
      objectType: 'case_attachment',
      objectId: id,
      requestId,
    });
  });
  return { id };
}

export async function readAttachment(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  attachmentId: string,
  requestId: string,
): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
  await caseForRead(ctx.db, actor, caseId);
  const f = await ctx.db
    .selectFrom('case_attachments')
    .select(['file_name_enc', 'content_type', 'content_enc'])
    .where('id', '=', attachmentId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!f) throw new AppError('not_found');
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'case.attachment_read',
    objectType: 'case_attachment',
    objectId: attachmentId,
    requestId,
  });
  return {
    fileName: ctx.crypto.decrypt(f.file_name_enc),
    contentType: f.content_type,
    bytes: ctx.crypto.decryptBytes(Buffer.from(f.content_enc)),
  };
}

/** Locks a case row for a read-modify-write on PostgreSQL (SQLite serialises writers anyway). */
export async function lockCase(ctx: AppContext, tx: Tx, caseId: string): Promise<void> {
  if (!forUpdate(ctx.dialect)) return;
  await tx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().execute();
}
