import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { isRole } from '../../core/access.js';
import { AppError, type FieldError } from '../../core/errors.js';
import { auditActor } from '../../core/audit.js';
import { t, type Locale } from '../../core/i18n.js';
import { BUSINESS_TIME_ZONE, stockholmDate, stockholmDayStartUtc } from '../../core/time.js';
import { CSV_TYPE, XLSX_TYPE, toCsv, toXlsx, type Cell, type Table } from '../../core/export.js';
import { inclusiveDays } from '../applications/applications.rules.js';
import { workingIntervals } from './access-review.calendar.js';
import type {
  PatternsExportQuery,
  PatternsQuery,
  PatternsReply,
  ReadKind,
  ReadsExportQuery,
  ReadsQuery,
  ReadsReply,
  ReadView,
} from './access-review.schemas.js';

/**
 * The access review: who read which case when, and unusual patterns, all
 * computed from the audit log (the only record of reads).
 *
 * - A read of case data is one of the audited actions below; a case list
 *   (`case.listed`) names no case and is not a read of one.
 * - The owner of a case at the time of a read comes from its ownership
 *   transfers (`case_ownership_changes`): the receiving organisation of the
 *   last transfer before the read, else the giving organisation of the first
 *   transfer after it, else the current owner.
 * - The reader's organisation is the one recorded in the event (at the time);
 *   the role is the user's current role (events do not record it).
 * - Administrators see the same as the coordinator, case codes included:
 *   they administer the audit log, which already names each case read by its
 *   id, and a case code is itself a pseudonym. No person data is shown.
 */

const READ_ACTIONS: Record<string, ReadKind> = {
  'case.read': 'case',
  'case.identity_note_read': 'identity_note',
  'case.attachment_read': 'attachment',
  'application.read': 'application',
};
const ACTION_OF: Record<ReadKind, string> = {
  case: 'case.read',
  identity_note: 'case.identity_note_read',
  attachment: 'case.attachment_read',
  application: 'application.read',
};

/** The longest range one review covers, in days. */
export const MAX_RANGE_DAYS = 366;
/** The range when none is given: the last 30 days. */
const DEFAULT_RANGE_DAYS = 30;
export const PAGE_SIZE = 50;
export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_START_HOUR = 7;
export const DEFAULT_END_HOUR = 19;

interface Range {
  from: string;
  to: string;
  start: string;
  end: string;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Checks the order and length of the range (and collects the caller's other problems); reads nothing. */
function checkRange(
  ctx: AppContext,
  q: { from?: string | undefined; to?: string | undefined },
  fields: FieldError[],
): Range {
  const to =
    q.to ?? (q.from ? addDays(q.from, DEFAULT_RANGE_DAYS - 1) : stockholmDate(ctx.clock.now()));
  const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (to < from) fields.push({ path: 'to', code: 'date_order' });
  else if (inclusiveDays(from, to) > MAX_RANGE_DAYS)
    fields.push({ path: 'to', code: 'period_too_long', params: { maximum: MAX_RANGE_DAYS } });
  return { from, to, start: stockholmDayStartUtc(from), end: stockholmDayStartUtc(to, 1) };
}

function checkReads(ctx: AppContext, q: { from?: string; to?: string }): Range {
  const fields: FieldError[] = [];
  const range = checkRange(ctx, q, fields);
  if (fields.length > 0) throw new AppError('validation', fields);
  return range;
}

interface Rules {
  threshold: number;
  startHour: number;
  endHour: number;
}

function checkPatterns(ctx: AppContext, q: PatternsQuery): { range: Range; rules: Rules } {
  const fields: FieldError[] = [];
  const range = checkRange(ctx, q, fields);
  const rules = {
    threshold: q.threshold ?? DEFAULT_THRESHOLD,
    startHour: q.startHour ?? DEFAULT_START_HOUR,
    endHour: q.endHour ?? DEFAULT_END_HOUR,
  };
  if (rules.endHour <= rules.startHour) fields.push({ path: 'endHour', code: 'hours_order' });
  if (fields.length > 0) throw new AppError('validation', fields);
  return { range, rules };
}

/* ---------- SQL ---------- */

/** The case an audited read concerns: directly, through an attachment or through an application. */
const CASE_OF_EVENT = sql<string>`coalesce(att.case_id, ap.case_id, case when e.object_type = 'case' then e.object_id end)`;

/** The organisation that owned the case `c` at the time of the event `e`. */
const OWNER_AT_READ = sql<string>`coalesce(
  (select oc.to_organisation_id from case_ownership_changes oc
    where oc.case_id = c.id and oc.at <= e.at order by oc.at desc limit 1),
  (select oc.from_organisation_id from case_ownership_changes oc
    where oc.case_id = c.id and oc.at > e.at order by oc.at asc limit 1),
  c.owner_organisation_id)`;

/** Successful audited reads of case data in the range, joined to the case they concern. */
function caseReads(ctx: AppContext, range: Range, kinds: readonly string[]) {
  return ctx.db
    .selectFrom('audit_events as e')
    .leftJoin('case_attachments as att', (j) =>
      j.onRef('att.id', '=', 'e.object_id').on('e.action', '=', 'case.attachment_read'),
    )
    .leftJoin('applications as ap', (j) =>
      j.onRef('ap.id', '=', 'e.object_id').on('e.action', '=', 'application.read'),
    )
    .innerJoin('cases as c', (j) => j.on(sql<boolean>`c.id = ${CASE_OF_EVENT}`))
    .where('e.action', 'in', kinds)
    .where('e.outcome', '=', 'success')
    .where('e.at', '>=', range.start)
    .where('e.at', '<', range.end);
}

type ReadFilters = Pick<ReadsQuery, 'userId' | 'organisationId' | 'caseCode' | 'kind'>;

function filteredReads(ctx: AppContext, range: Range, f: ReadFilters) {
  let q = caseReads(ctx, range, f.kind ? [ACTION_OF[f.kind]] : Object.keys(READ_ACTIONS));
  if (f.userId) q = q.where('e.actor_user_id', '=', f.userId);
  if (f.organisationId) q = q.where('e.actor_organisation_id', '=', f.organisationId);
  if (f.caseCode) q = q.where('c.code', '=', f.caseCode);
  return q;
}

async function organisationNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function readRows(
  ctx: AppContext,
  range: Range,
  f: ReadFilters,
  page?: { offset: number; limit: number },
): Promise<ReadView[]> {
  let q = filteredReads(ctx, range, f)
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .leftJoin('organisations as o', 'o.id', 'e.actor_organisation_id')
    .select([
      'e.seq',
      'e.at',
      'e.action',
      'e.actor_user_id',
      'e.actor_organisation_id',
      'u.name as user_name',
      'u.role as user_role',
      'o.name as organisation_name',
      'c.code as case_code',
      OWNER_AT_READ.as('owner_id'),
    ])
    .orderBy('e.seq', 'desc');
  if (page) q = q.offset(page.offset).limit(page.limit);
  const rows = await q.execute();
  const owners = await organisationNames(
    ctx,
    rows.map((r) => r.owner_id),
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    userId: r.actor_user_id ?? '',
    userName: r.user_name,
    role: isRole(r.user_role) ? r.user_role : null,
    organisationId: r.actor_organisation_id,
    organisationName: r.organisation_name,
    caseCode: r.case_code,
    kind: READ_ACTIONS[r.action] ?? 'case',
    ownerOrganisationId: r.owner_id,
    ownerOrganisationName: owners.get(r.owner_id) ?? null,
    otherOrganisation: r.actor_organisation_id !== r.owner_id,
  }));
}

/* ---------- reads ---------- */

export async function listReads(
  ctx: AppContext,
  actor: Actor,
  q: ReadsQuery,
  requestId: string,
): Promise<ReadsReply> {
  const range = checkReads(ctx, q);
  const [countRow, items] = await Promise.all([
    filteredReads(ctx, range, q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    readRows(ctx, range, q, { offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
  ]);
  // Reading the access review is itself audited.
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'access_review.read',
    objectType: 'access_review',
    objectId: 'reads',
    requestId,
  });
  return {
    from: range.from,
    to: range.to,
    items,
    total: Number(countRow.n),
    page: q.page,
    pageSize: PAGE_SIZE,
  };
}

/* ---------- patterns ---------- */

/** True for an event outside every working interval of the range (weekends and holidays have none). */
function outsideHoursExpr(range: Range, rules: Rules): RawBuilder<boolean> {
  const intervals = workingIntervals(range.from, range.to, rules.startHour, rules.endHour);
  if (intervals.length === 0) return sql<boolean>`1 = 1`;
  const inside = sql.join(
    intervals.map((i) => sql`(e.at >= ${i.start} and e.at < ${i.end})`),
    sql` or `,
  );
  return sql<boolean>`not (${inside})`;
}

async function computePatterns(
  ctx: AppContext,
  range: Range,
  rules: Rules,
): Promise<PatternsReply> {
  const kinds = Object.keys(READ_ACTIONS);
  const otherRows = await caseReads(ctx, range, kinds)
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .leftJoin('organisations as o', 'o.id', 'e.actor_organisation_id')
    .where(sql<boolean>`e.actor_organisation_id <> ${OWNER_AT_READ}`)
    .select((eb) => [
      'e.actor_user_id',
      'e.actor_organisation_id',
      'u.name as user_name',
      'u.role as user_role',
      'o.name as organisation_name',
      eb.fn.count<number>('c.id').distinct().as('cases'),
      eb.fn.countAll<number>().as('reads'),
    ])
    .groupBy(['e.actor_user_id', 'e.actor_organisation_id', 'u.name', 'u.role', 'o.name'])
    .having((eb) => eb.fn.count<number>('c.id').distinct(), '>=', rules.threshold)
    .execute();

  const outside = outsideHoursExpr(range, rules);
  const hoursRows = await caseReads(ctx, range, kinds)
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .leftJoin('organisations as o', 'o.id', 'e.actor_organisation_id')
    .select((eb) => [
      'e.actor_user_id',
      'e.actor_organisation_id',
      'u.name as user_name',
      'u.role as user_role',
      'o.name as organisation_name',
      sql<number>`sum(case when ${outside} then 1 else 0 end)`.as('outside_reads'),
      eb.fn.countAll<number>().as('total_reads'),
    ])
    .groupBy(['e.actor_user_id', 'e.actor_organisation_id', 'u.name', 'u.role', 'o.name'])
    .having(sql<number>`sum(case when ${outside} then 1 else 0 end)`, '>', 0)
    .execute();

  const who = (r: {
    actor_user_id: string | null;
    actor_organisation_id: string | null;
    user_name: string | null;
    user_role: string | null;
    organisation_name: string | null;
  }) => ({
    userId: r.actor_user_id ?? '',
    userName: r.user_name,
    role: isRole(r.user_role) ? r.user_role : null,
    organisationId: r.actor_organisation_id,
    organisationName: r.organisation_name,
  });
  const byName = (a: { userName: string | null }, b: { userName: string | null }) =>
    (a.userName ?? '').localeCompare(b.userName ?? '', 'sv');
  return {
    from: range.from,
    to: range.to,
    rules: { ...rules, timeZone: BUSINESS_TIME_ZONE },
    otherOrganisation: otherRows
      .map((r) => ({
        ...who(r),
        cases: Number(r.cases),
        reads: Number(r.reads),
        roleExpected: r.user_role === 'coordinator',
      }))
      // Unexpected readers first, then by how many cases.
      .sort(
        (a, b) =>
          Number(a.roleExpected) - Number(b.roleExpected) || b.cases - a.cases || byName(a, b),
      ),
    outsideHours: hoursRows
      .map((r) => ({
        ...who(r),
        outsideReads: Number(r.outside_reads),
        totalReads: Number(r.total_reads),
      }))
      .sort((a, b) => b.outsideReads - a.outsideReads || byName(a, b)),
  };
}

export async function patterns(
  ctx: AppContext,
  actor: Actor,
  q: PatternsQuery,
  requestId: string,
): Promise<PatternsReply> {
  const { range, rules } = checkPatterns(ctx, q);
  const reply = await computePatterns(ctx, range, rules);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'access_review.read',
    objectType: 'access_review',
    objectId: 'patterns',
    requestId,
  });
  return reply;
}

/* ---------- exports ---------- */

const tr = (locale: Locale, key: string, params: Record<string, string | number> = {}) =>
  t(locale, `accessReview.${key}`, params);

const localTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const roleName = (locale: Locale, role: string | null): string =>
  role ? t(locale, `web.roles.${role}`) : '';

export function readsSheet(items: ReadView[], locale: Locale): Table {
  return {
    headings: [
      tr(locale, 'columns.time'),
      tr(locale, 'columns.user'),
      tr(locale, 'columns.role'),
      tr(locale, 'columns.organisation'),
      tr(locale, 'columns.caseCode'),
      tr(locale, 'columns.kind'),
      tr(locale, 'columns.owner'),
      tr(locale, 'columns.otherOrganisation'),
    ],
    rows: items.map((r): Cell[] => [
      localTime.format(new Date(r.at)),
      r.userName,
      roleName(locale, r.role),
      r.organisationName,
      r.caseCode,
      tr(locale, `kinds.${r.kind}`),
      r.ownerOrganisationName,
      r.otherOrganisation ? tr(locale, 'yes') : tr(locale, 'no'),
    ]),
  };
}

export function patternsSheet(reply: PatternsReply, locale: Locale): Table {
  const rows: Cell[][] = [];
  for (const r of reply.otherOrganisation) {
    rows.push([
      tr(locale, 'patterns.otherOrganisation.title'),
      r.userName,
      roleName(locale, r.role),
      r.organisationName,
      r.cases,
      r.reads,
      r.roleExpected ? tr(locale, 'patterns.otherOrganisation.expected') : '',
    ]);
  }
  for (const r of reply.outsideHours) {
    rows.push([
      tr(locale, 'patterns.outsideHours.title'),
      r.userName,
      roleName(locale, r.role),
      r.organisationName,
      r.outsideReads,
      r.totalReads,
      '',
    ]);
  }
  return {
    headings: [
      tr(locale, 'columns.pattern'),
      tr(locale, 'columns.user'),
      tr(locale, 'columns.role'),
      tr(locale, 'columns.organisation'),
      tr(locale, 'columns.count'),
      tr(locale, 'columns.reads'),
      tr(locale, 'columns.note'),
    ],
    rows,
  };
}

export interface Download {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

async function toFile(
  table: Table,
  format: 'csv' | 'xlsx',
  name: string,
  locale: Locale,
): Promise<Download> {
  return {
    fileName: `${name}.${format}`,
    contentType: format === 'csv' ? CSV_TYPE : XLSX_TYPE,
    bytes: format === 'csv' ? toCsv(table) : await toXlsx(table, tr(locale, 'export.sheet')),
  };
}

export async function exportReads(
  ctx: AppContext,
  actor: Actor,
  q: ReadsExportQuery,
  locale: Locale,
  requestId: string,
): Promise<Download> {
  const range = checkReads(ctx, q);
  const items = await readRows(ctx, range, q);
  const file = await toFile(
    readsSheet(items, locale),
    q.format,
    tr(locale, 'export.readsFileName', { from: range.from, to: range.to }),
    locale,
  );
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'access_review.exported',
    objectType: 'access_review',
    objectId: 'reads',
    requestId,
  });
  return file;
}

export async function exportPatterns(
  ctx: AppContext,
  actor: Actor,
  q: PatternsExportQuery,
  locale: Locale,
  requestId: string,
): Promise<Download> {
  const { range, rules } = checkPatterns(ctx, q);
  const reply = await computePatterns(ctx, range, rules);
  const file = await toFile(
    patternsSheet(reply, locale),
    q.format,
    tr(locale, 'export.patternsFileName', { from: range.from, to: range.to }),
    locale,
  );
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'access_review.exported',
    objectType: 'access_review',
    objectId: 'patterns',
    requestId,
  });
  return file;
}
