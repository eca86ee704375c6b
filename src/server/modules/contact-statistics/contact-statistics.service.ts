import type { AppContext } from '../../core/context.js';
import { hasPermission, ROLES, type Actor } from '../../core/access.js';
import { AppError, type FieldError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db, Tx } from '../../core/db/database.js';
import { forUpdate } from '../../core/db/dialect.js';
import { auditActor } from '../../core/audit.js';
import { stockholmDate } from '../../core/time.js';
import { isLocale, t, type Locale } from '../../core/i18n.js';
import { CSV_TYPE, toCsv, toXlsx, XLSX_TYPE } from '../../core/export.js';
import { PDF_TYPE } from '../../core/pdf.js';
import {
  EXPLOITATION_FORMS,
  GENDERS,
  type ExploitationForm,
  type Gender,
} from '../../core/reference.js';
import { assertThreshold, DEFAULT_THRESHOLD } from '../statistics/disclosure.js';
import { internalTables, publishableTables } from './contact-statistics.publish.js';
import { nationalPdf, nationalSheet, publishableSheet } from './contact-statistics.export.js';
import {
  AGE_GROUPS,
  CERTAINTIES,
  type AgeGroup,
  type Certainty,
  type ExportQuery,
  type Figure,
  type NationalQuery,
  type NationalReply,
  type NationalTable,
  type NationalVersion,
  type OpenInput,
  type ReportStatus,
  type ReportView,
  type RoundDetail,
  type RoundPatchInput,
  type RoundView,
  type SaveInput,
  type Totals,
} from './contact-statistics.schemas.js';

/**
 * Contact statistics (domain.md §5): the coordinator opens a round per year
 * with a deadline; each civil-society organisation of the platform saves,
 * submits and (before the deadline) corrects its figures; after the deadline
 * only a reopening by the coordinator lets an organisation change them. The
 * national table is the sum of the submitted reports, computed by the database.
 */

/** Organisations that report: civil society (NGOs, faith communities) in the platform. */
const REPORTING_TYPES = ['ngo', 'faith'] as const;
const REPORTING_MEMBERSHIPS = ['member', 'partner'] as const;

/** Roles that report for their organisation, and so receive reminders. */
const REPORTER_ROLES = ROLES.filter((r) => hasPermission(r, 'contact_statistics.report'));

const today = (ctx: AppContext): string => stockholmDate(ctx.clock.now());

/** The active users who report for these organisations: whom a round's mails go to. */
async function reportingUsers(db: Db | Tx, organisationIds: readonly string[]) {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'email', 'locale', 'organisation_id'])
    .where('organisation_id', 'in', [...organisationIds])
    .where('role', 'in', REPORTER_ROLES)
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
}

const mailLocale = (locale: string): Locale => (isLocale(locale) ? locale : 'sv');

function isReportingOrganisation(o: { type: string; membership: string }): boolean {
  return (
    (REPORTING_TYPES as readonly string[]).includes(o.type) &&
    (REPORTING_MEMBERSHIPS as readonly string[]).includes(o.membership)
  );
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    (typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed'))
  );
}

/* ---------- rows and views ---------- */

type RoundRow = {
  id: string;
  year: number;
  deadline: string;
  version: number;
  opened_at: string;
};

type ReportRow = {
  id: string;
  round_id: string;
  organisation_id: string;
  status: string;
  version: number;
  total_possible: number | null;
  total_probable: number | null;
  total_suspected: number | null;
  submitted_at: string | null;
  reopened: number;
  reopened_at: string | null;
  updated_at: string;
};

const REPORT_COLUMNS = [
  'id',
  'round_id',
  'organisation_id',
  'status',
  'version',
  'total_possible',
  'total_probable',
  'total_suspected',
  'submitted_at',
  'reopened',
  'reopened_at',
  'updated_at',
] as const;

async function roundRow(db: Db | Tx, id: string): Promise<RoundRow> {
  const row = await db
    .selectFrom('contact_stat_rounds')
    .select(['id', 'year', 'deadline', 'version', 'opened_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return row;
}

function statusOf(r: Pick<ReportRow, 'status' | 'reopened'> | undefined): ReportStatus {
  if (!r) return 'not_started';
  if (Number(r.reopened) === 1) return 'reopened';
  return r.status === 'submitted' ? 'submitted' : 'draft';
}

/** The organisation may still save and submit: the deadline has not passed, or the coordinator reopened its report. */
function isEditable(
  ctx: AppContext,
  round: Pick<RoundRow, 'deadline'>,
  r: Pick<ReportRow, 'reopened'> | undefined,
): boolean {
  return today(ctx) <= round.deadline || Number(r?.reopened ?? 0) === 1;
}

const totalsOf = (r: ReportRow | undefined): Totals => ({
  possible: r?.total_possible ?? null,
  probable: r?.total_probable ?? null,
  suspected: r?.total_suspected ?? null,
});

const order = <T extends string>(list: readonly T[]) => {
  const index = new Map<string, number>(list.map((v, i) => [v, i]));
  return (v: string) => index.get(v) ?? list.length;
};
const certaintyOrder = order(CERTAINTIES);
const genderOrder = order(GENDERS);
const ageOrder = order(AGE_GROUPS);
const formOrder = order(EXPLOITATION_FORMS);

/** Cells in the order of the vocabularies: certainty, gender, age group, form. */
function sortFigures(list: Figure[]): Figure[] {
  return list.sort(
    (a, b) =>
      certaintyOrder(a.certainty) - certaintyOrder(b.certainty) ||
      genderOrder(a.gender) - genderOrder(b.gender) ||
      ageOrder(a.ageGroup) - ageOrder(b.ageGroup) ||
      formOrder(a.form) - formOrder(b.form),
  );
}

const toFigure = (r: {
  certainty: string;
  gender: string;
  age_group: string;
  form: string;
  persons: number | string | null;
}): Figure => ({
  certainty: r.certainty as Certainty,
  gender: r.gender as Gender,
  ageGroup: r.age_group as AgeGroup,
  form: r.form as ExploitationForm,
  persons: Number(r.persons ?? 0),
});

async function figuresOf(db: Db | Tx, reportId: string): Promise<Figure[]> {
  const rows = await db
    .selectFrom('contact_stat_figures')
    .select(['certainty', 'gender', 'age_group', 'form', 'persons'])
    .where('report_id', '=', reportId)
    .execute();
  return sortFigures(rows.map(toFigure));
}

function sumsByCertainty(list: readonly Figure[]): Record<Certainty, number> {
  const sums: Record<Certainty, number> = { possible: 0, probable: 0, suspected: 0 };
  for (const f of list) sums[f.certainty] += f.persons;
  return sums;
}

/** A submitted report adds up: every total given, and equal to what its cells add up to. */
function consistencyProblems(totals: Totals, sums: Record<Certainty, number>): FieldError[] {
  const problems: FieldError[] = [];
  for (const c of CERTAINTIES) {
    const total = totals[c];
    if (total === null) problems.push({ path: `totals.${c}`, code: 'required' });
    else if (total !== sums[c])
      problems.push({ path: `totals.${c}`, code: 'totals_mismatch', params: { sum: sums[c] } });
  }
  return problems;
}

async function reportView(
  ctx: AppContext,
  db: Db | Tx,
  round: RoundRow,
  organisation: { id: string; name: string },
  report: ReportRow | undefined,
): Promise<ReportView> {
  const figures = report ? await figuresOf(db, report.id) : [];
  return {
    id: report?.id ?? null,
    roundId: round.id,
    year: Number(round.year),
    deadline: round.deadline,
    organisationId: organisation.id,
    organisationName: organisation.name,
    status: statusOf(report),
    version: report ? Number(report.version) : 0,
    editable: isEditable(ctx, round, report),
    submittedAt: report?.submitted_at ?? null,
    reopenedAt: report?.reopened_at ?? null,
    updatedAt: report?.updated_at ?? null,
    totals: totalsOf(report),
    breakdownTotals: sumsByCertainty(figures),
    figures,
  };
}

/* ---------- the reporting organisation ---------- */

/** The actor's organisation, if it reports contact statistics; refused (403) otherwise. */
async function reportingOrganisation(
  db: Db | Tx,
  actor: Actor,
): Promise<{ id: string; name: string }> {
  const org = await db
    .selectFrom('organisations')
    .select(['id', 'name', 'type', 'membership'])
    .where('id', '=', actor.organisationId)
    .executeTakeFirst();
  if (!org || !isReportingOrganisation(org)) throw new AppError('not_reporting_organisation');
  return { id: org.id, name: org.name };
}

function ownReport(db: Db | Tx, roundId: string, organisationId: string, lock = false) {
  let q = db
    .selectFrom('contact_stat_reports')
    .select(REPORT_COLUMNS)
    .where('round_id', '=', roundId)
    .where('organisation_id', '=', organisationId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The years opened so far, with where the actor's organisation stands in each. */
export async function listOwnReports(ctx: AppContext, actor: Actor) {
  const org = await reportingOrganisation(ctx.db, actor);
  const rows = await ctx.db
    .selectFrom('contact_stat_rounds as k')
    .leftJoin('contact_stat_reports as r', (j) =>
      j.onRef('r.round_id', '=', 'k.id').on('r.organisation_id', '=', org.id),
    )
    .select([
      'k.id as round_id',
      'k.year',
      'k.deadline',
      'r.id as report_id',
      'r.status',
      'r.version',
      'r.reopened',
      'r.submitted_at',
    ])
    .orderBy('k.year', 'desc')
    .execute();
  return {
    items: rows.map((r) => {
      const report = r.report_id
        ? { status: r.status ?? 'draft', reopened: Number(r.reopened ?? 0) }
        : undefined;
      return {
        roundId: r.round_id,
        year: Number(r.year),
        deadline: r.deadline,
        reportId: r.report_id,
        status: statusOf(report),
        version: Number(r.version ?? 0),
        editable: isEditable(ctx, r, report),
        submittedAt: r.submitted_at,
      };
    }),
  };
}

/** The actor's organisation's report for a round; empty figures when it has not started. */
export async function getOwnReport(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
): Promise<ReportView> {
  const org = await reportingOrganisation(ctx.db, actor);
  const round = await roundRow(ctx.db, roundId);
  return reportView(ctx, ctx.db, round, org, await ownReport(ctx.db, round.id, org.id));
}

/** A report by its id: the actor's own organisation's only (another's answers 404). */
export async function getReportById(
  ctx: AppContext,
  actor: Actor,
  reportId: string,
): Promise<ReportView> {
  const org = await reportingOrganisation(ctx.db, actor);
  const report = await ctx.db
    .selectFrom('contact_stat_reports')
    .select(REPORT_COLUMNS)
    .where('id', '=', reportId)
    .executeTakeFirst();
  if (!report || report.organisation_id !== org.id) throw new AppError('not_found');
  const round = await roundRow(ctx.db, report.round_id);
  return reportView(ctx, ctx.db, round, org, report);
}

/** Refuses a change after the deadline unless the coordinator reopened the report. */
function assertEditable(ctx: AppContext, round: RoundRow, report: ReportRow | undefined): void {
  if (!isEditable(ctx, round, report))
    throw new AppError('deadline_passed', [], { deadline: round.deadline });
}

async function writeFigures(tx: Tx, reportId: string, list: readonly Figure[]): Promise<void> {
  await tx.deleteFrom('contact_stat_figures').where('report_id', '=', reportId).execute();
  const rows = list
    .filter((f) => f.persons > 0)
    .map((f) => ({
      report_id: reportId,
      certainty: f.certainty,
      gender: f.gender,
      age_group: f.ageGroup,
      form: f.form,
      persons: f.persons,
    }));
  for (let i = 0; i < rows.length; i += 100) {
    await tx
      .insertInto('contact_stat_figures')
      .values(rows.slice(i, i + 100))
      .execute();
  }
}

/**
 * Saves the organisation's figures. A draft stays a draft (it need not add up
 * yet); a submitted report is corrected: it must add up and stays submitted.
 */
export async function saveOwnReport(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  input: SaveInput,
  requestId: string,
): Promise<ReportView> {
  const now = ctx.clock.now().toISOString();
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const org = await reportingOrganisation(tx, actor);
      const round = await roundRow(tx, roundId);
      const report = await ownReport(tx, round.id, org.id, forUpdate(ctx.dialect));
      assertEditable(ctx, round, report);
      if ((report ? Number(report.version) : 0) !== input.expectedVersion)
        throw new AppError('conflict');
      const correction = report?.status === 'submitted';
      if (correction) {
        const problems = consistencyProblems(input.totals, sumsByCertainty(input.figures));
        if (problems.length > 0) throw new AppError('validation', problems);
      }
      const totals = {
        total_possible: input.totals.possible,
        total_probable: input.totals.probable,
        total_suspected: input.totals.suspected,
      };
      let reportId: string;
      if (report) {
        reportId = report.id;
        const res = await tx
          .updateTable('contact_stat_reports')
          .set({
            ...totals,
            version: Number(report.version) + 1,
            updated_at: now,
            updated_by: actor.userId,
          })
          .where('id', '=', report.id)
          .where('version', '=', input.expectedVersion)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
      } else {
        reportId = newId();
        await tx
          .insertInto('contact_stat_reports')
          .values({
            id: reportId,
            round_id: round.id,
            organisation_id: org.id,
            status: 'draft',
            version: 1,
            ...totals,
            submitted_at: null,
            submitted_by: null,
            reopened: 0,
            reopened_at: null,
            reopened_by: null,
            created_at: now,
            created_by: actor.userId,
            updated_at: now,
            updated_by: actor.userId,
          })
          .execute();
      }
      await writeFigures(tx, reportId, input.figures);
      await ctx.audit.append(tx, {
        ...auditActor(actor),
        action: correction ? 'contact_statistics.corrected' : 'contact_statistics.draft_saved',
        objectType: 'contact_stat_report',
        objectId: reportId,
        requestId,
      });
      return reportView(ctx, tx, round, org, await ownReport(tx, round.id, org.id));
    });
  } catch (err) {
    // Two first saves at once: the unique (round, organisation) lets one in.
    if (isUniqueViolation(err)) throw new AppError('conflict');
    throw err;
  }
}

/** Submits the saved figures; they must add up. Closes a reopening. */
export async function submitOwnReport(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  input: { expectedVersion: number },
  requestId: string,
): Promise<ReportView> {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    const org = await reportingOrganisation(tx, actor);
    const round = await roundRow(tx, roundId);
    const report = await ownReport(tx, round.id, org.id, forUpdate(ctx.dialect));
    assertEditable(ctx, round, report);
    if (!report || Number(report.version) !== input.expectedVersion) throw new AppError('conflict');
    if (report.status === 'submitted') throw new AppError('already_submitted');
    const problems = consistencyProblems(
      totalsOf(report),
      sumsByCertainty(await figuresOf(tx, report.id)),
    );
    if (problems.length > 0) throw new AppError('validation', problems);
    const res = await tx
      .updateTable('contact_stat_reports')
      .set({
        status: 'submitted',
        submitted_at: now,
        submitted_by: actor.userId,
        reopened: 0,
        version: Number(report.version) + 1,
        updated_at: now,
        updated_by: actor.userId,
      })
      .where('id', '=', report.id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact_statistics.submitted',
      objectType: 'contact_stat_report',
      objectId: report.id,
      requestId,
    });
    return reportView(ctx, tx, round, org, await ownReport(tx, round.id, org.id));
  });
}

/* ---------- the coordinator ---------- */

async function audited<T>(
  ctx: AppContext,
  actor: Actor,
  action: string,
  objectId: string,
  requestId: string,
  value: T,
): Promise<T> {
  await ctx.audit.record({
    ...auditActor(actor),
    action,
    objectType: 'contact_stat_round',
    objectId,
    requestId,
  });
  return value;
}

/** Rounds with how many organisations are expected and how many have submitted, counted by the database. */
function roundsQuery(db: Db | Tx) {
  return db.selectFrom('contact_stat_rounds as k').select((eb) => [
    'k.id',
    'k.year',
    'k.deadline',
    'k.version',
    'k.opened_at',
    eb
      .selectFrom('organisations as o')
      .select(eb.fn.countAll<number>().as('n'))
      .where((w) =>
        w.or([
          w.and([
            w('o.type', 'in', REPORTING_TYPES),
            w('o.membership', 'in', REPORTING_MEMBERSHIPS),
          ]),
          w.exists(
            w
              .selectFrom('contact_stat_reports as x')
              .select('x.id')
              .whereRef('x.round_id', '=', 'k.id')
              .whereRef('x.organisation_id', '=', 'o.id'),
          ),
        ]),
      )
      .as('expected'),
    eb
      .selectFrom('contact_stat_reports as s')
      .select(eb.fn.countAll<number>().as('n'))
      .whereRef('s.round_id', '=', 'k.id')
      .where('s.status', '=', 'submitted')
      .as('submitted'),
    eb
      .selectFrom('contact_stat_reminders as m')
      .select((sb) => sb.fn.max('m.sent_at').as('at'))
      .whereRef('m.round_id', '=', 'k.id')
      .as('last_reminder_at'),
  ]);
}
type RoundsRow = Awaited<ReturnType<ReturnType<typeof roundsQuery>['executeTakeFirstOrThrow']>>;

function toRoundView(ctx: AppContext, r: RoundsRow): RoundView {
  return {
    id: r.id,
    year: Number(r.year),
    deadline: r.deadline,
    version: Number(r.version),
    openedAt: r.opened_at,
    deadlinePassed: today(ctx) > r.deadline,
    expected: Number(r.expected ?? 0),
    submitted: Number(r.submitted ?? 0),
    lastReminderAt: r.last_reminder_at ?? null,
  };
}

export async function listRounds(ctx: AppContext) {
  const rows = await roundsQuery(ctx.db).orderBy('k.year', 'desc').execute();
  return { items: rows.map((r) => toRoundView(ctx, r)) };
}

/** A round and every organisation expected to report, with where each stands. */
export async function getRound(
  ctx: AppContext,
  roundId: string,
  db: Db | Tx = ctx.db,
): Promise<RoundDetail> {
  const row = await roundsQuery(db).where('k.id', '=', roundId).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  const orgs = await db
    .selectFrom('organisations as o')
    .leftJoin('contact_stat_reports as r', (j) =>
      j.onRef('r.organisation_id', '=', 'o.id').on('r.round_id', '=', roundId),
    )
    .select((eb) => [
      'o.id',
      'o.name',
      'r.id as report_id',
      'r.status',
      'r.reopened',
      'r.submitted_at',
      'r.reopened_at',
      eb
        .selectFrom('contact_stat_reminders as m')
        .select((sb) => sb.fn.max('m.sent_at').as('at'))
        .whereRef('m.organisation_id', '=', 'o.id')
        .where('m.round_id', '=', roundId)
        .as('last_reminder_at'),
      eb
        .selectFrom('contact_stat_reminders as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.organisation_id', '=', 'o.id')
        .where('m.round_id', '=', roundId)
        .as('reminders'),
    ])
    .where((w) =>
      w.or([
        w.and([w('o.type', 'in', REPORTING_TYPES), w('o.membership', 'in', REPORTING_MEMBERSHIPS)]),
        w('r.id', 'is not', null),
      ]),
    )
    .orderBy('o.name')
    .orderBy('o.id')
    .execute();
  return {
    ...toRoundView(ctx, row),
    organisations: orgs.map((o) => ({
      organisationId: o.id,
      name: o.name,
      status: statusOf(
        o.report_id
          ? { status: o.status ?? 'draft', reopened: Number(o.reopened ?? 0) }
          : undefined,
      ),
      reportId: o.report_id,
      submittedAt: o.submitted_at,
      reopenedAt: o.reopened_at,
      lastReminderAt: o.last_reminder_at ?? null,
      reminders: Number(o.reminders ?? 0),
    })),
  };
}

function dateProblems(ctx: AppContext, deadline: string): FieldError[] {
  return deadline < today(ctx) ? [{ path: 'deadline', code: 'date_in_past' }] : [];
}

/** Opens the round for a year (one per year) with a deadline that has not passed. */
export async function openRound(
  ctx: AppContext,
  actor: Actor,
  input: OpenInput,
  requestId: string,
): Promise<RoundDetail> {
  const problems = dateProblems(ctx, input.deadline);
  if (input.year > Number(today(ctx).slice(0, 4)))
    problems.unshift({ path: 'year', code: 'year_in_future' });
  if (problems.length > 0) throw new AppError('validation', problems);
  const now = ctx.clock.now().toISOString();
  const id = newId();
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('contact_stat_rounds')
        .select('id')
        .where('year', '=', input.year)
        .executeTakeFirst();
      if (existing) throw new AppError('round_exists', [], { year: input.year });
      await tx
        .insertInto('contact_stat_rounds')
        .values({
          id,
          year: input.year,
          deadline: input.deadline,
          version: 1,
          opened_at: now,
          opened_by: actor.userId,
          updated_at: now,
          updated_by: actor.userId,
        })
        .execute();
      await ctx.audit.append(tx, {
        ...auditActor(actor),
        action: 'contact_statistics.round_opened',
        objectType: 'contact_stat_round',
        objectId: id,
        requestId,
      });
      return getRound(ctx, id, tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('round_exists', [], { year: input.year });
    throw err;
  }
}

/** Moves the round's deadline (not into the past). */
export async function changeDeadline(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  input: RoundPatchInput,
  requestId: string,
): Promise<RoundDetail> {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    const round = await roundRow(tx, roundId);
    if (Number(round.version) !== input.expectedVersion) throw new AppError('conflict');
    const problems = dateProblems(ctx, input.deadline);
    if (problems.length > 0) throw new AppError('validation', problems);
    const res = await tx
      .updateTable('contact_stat_rounds')
      .set({
        deadline: input.deadline,
        version: Number(round.version) + 1,
        updated_at: now,
        updated_by: actor.userId,
      })
      .where('id', '=', round.id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict');
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact_statistics.deadline_changed',
      objectType: 'contact_stat_round',
      objectId: round.id,
      requestId,
    });
    return getRound(ctx, round.id, tx);
  });
}

/**
 * Mails a reminder (year, deadline, link; nothing else) to the reporting users
 * of every organisation that has not submitted and still may (before the
 * deadline, or reopened), or of the organisations named. Each reminder is recorded.
 */
export async function sendReminders(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  input: { organisationIds?: string[] | undefined },
  requestId: string,
) {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    const round = await roundRow(tx, roundId);
    const open = today(ctx) <= round.deadline;
    let q = tx
      .selectFrom('organisations as o')
      .leftJoin('contact_stat_reports as r', (j) =>
        j.onRef('r.organisation_id', '=', 'o.id').on('r.round_id', '=', round.id),
      )
      .select(['o.id', 'o.name'])
      .where('o.type', 'in', REPORTING_TYPES)
      .where('o.membership', 'in', REPORTING_MEMBERSHIPS)
      .where((w) => w.or([w('r.id', 'is', null), w('r.status', '<>', 'submitted')]));
    if (!open) q = q.where('r.reopened', '=', 1);
    const due = await q.orderBy('o.name').orderBy('o.id').execute();
    let chosen = due;
    if (input.organisationIds) {
      const dueIds = new Set(due.map((o) => o.id));
      const problems: FieldError[] = input.organisationIds.flatMap((o, i) =>
        dueIds.has(o) ? [] : [{ path: `organisationIds.${i}`, code: 'invalid_value' }],
      );
      if (problems.length > 0) throw new AppError('validation', problems);
      const named = new Set(input.organisationIds);
      chosen = due.filter((o) => named.has(o.id));
    }
    const users = await reportingUsers(
      tx,
      chosen.map((o) => o.id),
    );
    const link = `${ctx.config.publicUrl}/contact-statistics`;
    const params = { year: Number(round.year), deadline: round.deadline, link };
    const perOrganisation = new Map<string, number>();
    for (const user of users) {
      const loc = mailLocale(user.locale);
      await ctx.mail.enqueue(tx, {
        kind: 'contact_statistics.reminder',
        to: user.email,
        subject: t(loc, 'mail.contact_statistics_reminder_subject', params),
        text: t(loc, 'mail.contact_statistics_reminder_body', params),
      });
      perOrganisation.set(
        user.organisation_id,
        (perOrganisation.get(user.organisation_id) ?? 0) + 1,
      );
    }
    const rows = chosen.map((o) => ({
      id: newId(),
      round_id: round.id,
      organisation_id: o.id,
      sent_at: now,
      sent_by: actor.userId,
      recipients: perOrganisation.get(o.id) ?? 0,
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await tx
        .insertInto('contact_stat_reminders')
        .values(rows.slice(i, i + 100))
        .execute();
    }
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'contact_statistics.reminders_sent',
      objectType: 'contact_stat_round',
      objectId: round.id,
      requestId,
    });
    return {
      sentAt: now,
      recipients: users.length,
      organisations: chosen.map((o) => ({
        organisationId: o.id,
        name: o.name,
        recipients: perOrganisation.get(o.id) ?? 0,
      })),
    };
  });
}

/**
 * After the deadline, lets one organisation save and submit its report once
 * more. A submitted report goes back to draft (and out of the national table)
 * until the organisation submits it again. The organisation's reporting users
 * are told by mail (year, organisation, link), in the same transaction.
 */
export async function reopenReport(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  input: { organisationId: string },
  requestId: string,
): Promise<RoundDetail> {
  const now = ctx.clock.now().toISOString();
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const round = await roundRow(tx, roundId);
      const org = await tx
        .selectFrom('organisations')
        .select(['id', 'name', 'type', 'membership'])
        .where('id', '=', input.organisationId)
        .executeTakeFirst();
      if (!org || !isReportingOrganisation(org))
        throw new AppError('validation', [{ path: 'organisationId', code: 'invalid_value' }]);
      const report = await ownReport(tx, round.id, org.id, forUpdate(ctx.dialect));
      if (today(ctx) <= round.deadline || Number(report?.reopened ?? 0) === 1)
        throw new AppError('not_reopenable');
      let reportId: string;
      if (report) {
        reportId = report.id;
        await tx
          .updateTable('contact_stat_reports')
          .set({
            status: 'draft',
            reopened: 1,
            reopened_at: now,
            reopened_by: actor.userId,
            version: Number(report.version) + 1,
            updated_at: now,
            updated_by: actor.userId,
          })
          .where('id', '=', report.id)
          .execute();
      } else {
        reportId = newId();
        await tx
          .insertInto('contact_stat_reports')
          .values({
            id: reportId,
            round_id: round.id,
            organisation_id: org.id,
            status: 'draft',
            version: 1,
            total_possible: null,
            total_probable: null,
            total_suspected: null,
            submitted_at: null,
            submitted_by: null,
            reopened: 1,
            reopened_at: now,
            reopened_by: actor.userId,
            created_at: now,
            created_by: actor.userId,
            updated_at: now,
            updated_by: actor.userId,
          })
          .execute();
      }
      // A reopened report stays open until the organisation submits it: there is no new date to name.
      const params = {
        year: Number(round.year),
        organisation: org.name,
        link: `${ctx.config.publicUrl}/contact-statistics`,
      };
      for (const user of await reportingUsers(tx, [org.id])) {
        const loc = mailLocale(user.locale);
        await ctx.mail.enqueue(tx, {
          kind: 'contact_statistics.reopened',
          to: user.email,
          subject: t(loc, 'mail.contact_statistics_reopened_subject', params),
          text: t(loc, 'mail.contact_statistics_reopened_body', params),
        });
      }
      await ctx.audit.append(tx, {
        ...auditActor(actor),
        action: 'contact_statistics.reopened',
        objectType: 'contact_stat_report',
        objectId: reportId,
        requestId,
      });
      return getRound(ctx, round.id, tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict');
    throw err;
  }
}

/** The sum of the round's submitted reports per cell, certainty and in all: GROUP BY in the database. */
async function buildNationalTable(ctx: AppContext, roundId: string): Promise<NationalTable> {
  const round = await roundsQuery(ctx.db).where('k.id', '=', roundId).executeTakeFirst();
  if (!round) throw new AppError('not_found');
  const submitted = (db: Db) =>
    db
      .selectFrom('contact_stat_figures as f')
      .innerJoin('contact_stat_reports as r', 'r.id', 'f.report_id')
      .where('r.round_id', '=', roundId)
      .where('r.status', '=', 'submitted');
  const cells = await submitted(ctx.db)
    .select((eb) => [
      'f.certainty',
      'f.gender',
      'f.age_group',
      'f.form',
      eb.fn.sum<number>('f.persons').as('persons'),
    ])
    .groupBy(['f.certainty', 'f.gender', 'f.age_group', 'f.form'])
    .execute();
  const byCertainty = await submitted(ctx.db)
    .select((eb) => ['f.certainty', eb.fn.sum<number>('f.persons').as('persons')])
    .groupBy('f.certainty')
    .execute();
  const totals = { possible: 0, probable: 0, suspected: 0, all: 0 };
  for (const r of byCertainty) {
    const n = Number(r.persons ?? 0);
    if ((CERTAINTIES as readonly string[]).includes(r.certainty))
      totals[r.certainty as Certainty] = n;
    totals.all += n;
  }
  return {
    roundId: round.id,
    year: Number(round.year),
    deadline: round.deadline,
    reportingOrganisations: Number(round.submitted ?? 0),
    expectedOrganisations: Number(round.expected ?? 0),
    totals,
    cells: sortFigures(cells.map(toFigure)),
  };
}

/** The threshold asked for (at least 3: `threshold_too_low` otherwise), or the default. */
function checkedThreshold(threshold: number | undefined): number {
  if (threshold === undefined) return DEFAULT_THRESHOLD;
  assertThreshold(threshold);
  return threshold;
}

/**
 * The reply for a version: internal — the sums as they are, and the summary
 * tables with full counts; publishable — only the summary tables, through
 * disclosure control with the threshold (no cells, no organisation names).
 */
function nationalReply(
  table: NationalTable,
  version: NationalVersion,
  threshold: number,
): NationalReply {
  if (version === 'internal')
    return { ...table, version: 'internal', tables: internalTables(table.cells) };
  return {
    version: 'publishable',
    roundId: table.roundId,
    year: table.year,
    deadline: table.deadline,
    reportingOrganisations: table.reportingOrganisations,
    expectedOrganisations: table.expectedOrganisations,
    threshold,
    tables: publishableTables(table.cells, threshold),
  };
}

/**
 * The national table in the version asked for (internal unless told). Reads
 * of each version are audited under their own action.
 */
export async function nationalTable(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  query: NationalQuery,
  requestId: string,
): Promise<NationalReply> {
  const threshold = checkedThreshold(query.threshold);
  const table = await buildNationalTable(ctx, roundId);
  const reply = nationalReply(table, query.version, threshold);
  const action =
    reply.version === 'publishable'
      ? 'contact_statistics.publishable_read'
      : 'contact_statistics.national_read';
  return audited(ctx, actor, action, roundId, requestId, reply);
}

/** Each organisation's submitted figures (internal: the coordinator's check before compiling). */
export async function submissions(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  requestId: string,
) {
  const round = await roundRow(ctx.db, roundId);
  const reports = await ctx.db
    .selectFrom('contact_stat_reports as r')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select([
      'r.id',
      'r.organisation_id',
      'o.name',
      'r.version',
      'r.submitted_at',
      'r.total_possible',
      'r.total_probable',
      'r.total_suspected',
    ])
    .where('r.round_id', '=', round.id)
    .where('r.status', '=', 'submitted')
    .orderBy('o.name')
    .orderBy('r.id')
    .execute();
  const cells = await ctx.db
    .selectFrom('contact_stat_figures as f')
    .innerJoin('contact_stat_reports as r', 'r.id', 'f.report_id')
    .select(['f.report_id', 'f.certainty', 'f.gender', 'f.age_group', 'f.form', 'f.persons'])
    .where('r.round_id', '=', round.id)
    .where('r.status', '=', 'submitted')
    .execute();
  const byReport = new Map<string, Figure[]>();
  for (const c of cells) {
    const list = byReport.get(c.report_id) ?? [];
    list.push(toFigure(c));
    byReport.set(c.report_id, list);
  }
  const items = reports.map((r) => ({
    organisationId: r.organisation_id,
    organisationName: r.name,
    reportId: r.id,
    version: Number(r.version),
    submittedAt: r.submitted_at,
    totals: {
      possible: r.total_possible,
      probable: r.total_probable,
      suspected: r.total_suspected,
    },
    figures: sortFigures(byReport.get(r.id) ?? []),
  }));
  return audited(ctx, actor, 'contact_statistics.submissions_read', round.id, requestId, {
    items,
  });
}

/* ---------- export ---------- */

const tr = (locale: Locale, key: string, params: Record<string, string | number> = {}) =>
  t(locale, `contactStatistics.${key}`, params);

/**
 * The national table as a file (CSV, XLSX or PDF), headings in the request's
 * language: the internal version (every cell, full counts) or the
 * publishable one (the summary tables through disclosure control). The
 * threshold is checked before anything is read or recorded.
 */
export async function exportNationalTable(
  ctx: AppContext,
  actor: Actor,
  roundId: string,
  query: ExportQuery,
  locale: Locale,
  requestId: string,
): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
  const threshold = checkedThreshold(query.threshold);
  const table = await buildNationalTable(ctx, roundId);
  const reply = nationalReply(table, query.version, threshold);
  let bytes: Buffer;
  if (query.format === 'pdf') {
    bytes = await nationalPdf(reply, locale, { generatedAt: ctx.clock.now() });
  } else {
    const sheet =
      reply.version === 'publishable'
        ? publishableSheet(reply, locale)
        : nationalSheet(table, locale);
    const sheetName =
      reply.version === 'publishable'
        ? tr(locale, 'export.publishableSheet', { year: table.year })
        : tr(locale, 'export.sheet', { year: table.year });
    bytes = query.format === 'csv' ? toCsv(sheet) : await toXlsx(sheet, sheetName);
  }
  await ctx.audit.record({
    ...auditActor(actor),
    action:
      reply.version === 'publishable'
        ? 'contact_statistics.publishable_exported'
        : 'contact_statistics.exported',
    objectType: 'contact_stat_round',
    objectId: table.roundId,
    requestId,
  });
  const name = reply.version === 'publishable' ? 'export.publishableFileName' : 'export.fileName';
  return {
    fileName: `${tr(locale, name, { year: table.year })}.${query.format}`,
    contentType: { csv: CSV_TYPE, xlsx: XLSX_TYPE, pdf: PDF_TYPE }[query.format],
    bytes,
  };
}
