import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AppContext } from '../../core/context.js';
import { hasPermission, type Actor } from '../../core/access.js';
import { AppError, type FieldError } from '../../core/errors.js';
import { auditActor } from '../../core/audit.js';
import type { Database } from '../../core/db/schema.js';
import { jsonArrayElements, jsonArrayLength } from '../../core/db/dialect.js';
import type { Locale } from '../../core/i18n.js';
import { stockholmDate, stockholmDayStartUtc } from '../../core/time.js';
import {
  AGE_BANDS,
  APPLICATION_TYPES,
  COUNTRY_CODES,
  EXPLOITATION_FORMS,
  GENDERS,
  POLICE_REPORT_ANSWERS,
  type ApplicationType,
} from '../../core/reference.js';
import { inclusiveDays } from '../applications/applications.rules.js';
import {
  assertThreshold,
  DEFAULT_THRESHOLD,
  mergeCategories,
  percentages,
  protect,
  type CategoryMerge,
  type Dimension,
  type OneWayTable,
  type PublishedFigure,
  type TwoWayTable,
} from '../statistics/disclosure.js';
import { REGION_BY_COUNTRY, WORLD_REGIONS } from '../statistics/regions.js';
import {
  DESCRIPTION_LENGTH,
  MAX_LINES_PER_POST,
  MAX_RANGE_DAYS,
  REPORT_OUTCOMES,
  type DecisionNote,
  type ExportQuery,
  type LedgerLine,
  type NotesPaging,
  type OneWayReply,
  type PeriodFunds,
  type PeriodQuery,
  type PeriodReport,
  type ReportFigure,
  type ReportQuery,
  type ReportOutcome,
  type ReportVersion,
  type TextRef,
  type TwoWayReply,
} from './reports.schemas.js';
import type { ENTRY_KINDS, POST_KINDS } from '../budget/budget.schemas.js';
import { contentTypeOf, renderReport, reportFileName } from './reports.export.js';

/**
 * The period report (domain.md §3, Period reports), generated from the data
 * for any range of Stockholm calendar days, every figure a SQL aggregate.
 *
 * Counting rules (stated in the reply as i18n notes as well):
 *
 * - Received: applications submitted on a day of the range.
 * - Decided: each application at most once, by the last of its decisions that
 *   became final in the range: final when made, or, above the approval limit,
 *   when the second person approved it. A correction made in the range thus
 *   replaces the decision it corrects; one made later counts in a later
 *   period. A decision whose approval is still pending at the end of the range
 *   has not become final.
 * - Under processing: submitted on or before the last day and without a final
 *   decision by its end (waiting for more information or for a second approval
 *   included).
 * - Persons admitted: cases whose admission application's counted decision
 *   grants it (granted, partially or with a condition); each case once, even
 *   with several admission applications.
 * - Funds: the budget periods overlapping the range and their posts; what was
 *   brought forward at the start (every entry dated before it), the entries
 *   dated in the range, and what remains at the end.
 * - Decision notes (internal): one row per counted decision, in the order they
 *   became final. The JSON route reads one page of them (LIMIT/OFFSET in SQL,
 *   so only that page is decrypted; a year can hold over 100,000); its total
 *   is the `decided` table's, with no extra query. The exported files, which
 *   go to the funder, list every note.
 *
 * The publishable version passes every statistical table through disclosure
 * control (`protect`), with nationality and country of exploitation merged to
 * world regions, age bands merged into wider bands and children into none / one
 * or more (the rule printed under the table); its money is sums per post, and
 * it has no case code, post or period name, or any other text typed by a person.
 */

type Db = Kysely<Database>;
type EntryKind = (typeof ENTRY_KINDS)[number];
type PostKind = (typeof POST_KINDS)[number];

/** The outcomes that grant: a person whose admission got one of these is admitted. */
const GRANTING: readonly ReportOutcome[] = [
  'granted',
  'partially_granted',
  'granted_with_condition',
];

interface Range {
  from: string;
  to: string;
  /** The UTC instant the first day begins (Stockholm). */
  start: string;
  /** The UTC instant after the last day (Stockholm): the range is [start, end). */
  end: string;
}

const note = (key: string, params: Record<string, string | number> = {}): TextRef => ({
  key: `reports.period.${key}`,
  params,
});

/* ---------- input ---------- */

/**
 * Checks what the schema cannot: the order and length of the range and the
 * threshold (every problem at once). Throws the validation error; reads nothing.
 */
export function checkQuery(query: ReportQuery): { range: Range; threshold: number } {
  const fields: FieldError[] = [];
  if (query.to < query.from) fields.push({ path: 'to', code: 'date_order' });
  else if (inclusiveDays(query.from, query.to) > MAX_RANGE_DAYS)
    fields.push({ path: 'to', code: 'period_too_long', params: { maximum: MAX_RANGE_DAYS } });
  const threshold = query.threshold ?? DEFAULT_THRESHOLD;
  try {
    assertThreshold(threshold);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    fields.push(...err.fields);
  }
  if (fields.length > 0) throw new AppError('validation', fields);
  return {
    range: {
      from: query.from,
      to: query.to,
      start: stockholmDayStartUtc(query.from),
      end: stockholmDayStartUtc(query.to, 1),
    },
    threshold,
  };
}

/**
 * The route asks for `reports.publishable`; the internal version needs
 * `reports.internal` as well. A refusal is audited like the route's own.
 */
async function assertMayRead(
  ctx: AppContext,
  actor: Actor,
  version: ReportVersion,
  requestId: string,
): Promise<void> {
  const needed = version === 'internal' ? 'reports.internal' : 'reports.publishable';
  if (hasPermission(actor.role, needed)) return;
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'access.denied',
    objectType: 'period_report',
    objectId: version,
    requestId,
    outcome: 'denied',
  });
  throw new AppError('forbidden');
}

/* ---------- section 1: applications ---------- */

/** When a decision became final: its second approval, or when it was made. */
function finalAt(alias: 'd' | 'later'): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(`${alias}.approved_at`)}, ${sql.ref(`${alias}.decided_at`)})`;
}

/** The decisions counted for the range: per application, the last one that became final in it. */
function countedDecisions(db: Db, range: Range) {
  return db
    .selectFrom('decisions as d')
    .innerJoin('applications as a', 'a.id', 'd.application_id')
    .where('d.approval_status', '=', 'final')
    .where('d.outcome', 'in', [...REPORT_OUTCOMES])
    .where(finalAt('d'), '>=', range.start)
    .where(finalAt('d'), '<', range.end)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('decisions as later')
            .select('later.id')
            .whereRef('later.application_id', '=', 'd.application_id')
            .whereRef('later.sequence', '>', 'd.sequence')
            .where('later.approval_status', '=', 'final')
            .where('later.outcome', 'in', [...REPORT_OUTCOMES])
            .where(finalAt('later'), '<', range.end),
        ),
      ),
    );
}

const countOf = (v: number | string | bigint | null | undefined): number => Number(v ?? 0);

/** Counts per category code from grouped rows, in the order of `categories`. */
function countsFor(
  categories: readonly string[],
  rows: ReadonlyArray<{ code: string | null; n: number | string | bigint }>,
  nullAs = 'unknown',
): number[] {
  const by = new Map<string, number>();
  for (const r of rows) {
    const code = r.code ?? nullAs;
    by.set(code, (by.get(code) ?? 0) + countOf(r.n));
  }
  return categories.map((c) => by.get(c) ?? 0);
}

async function applicationFigures(db: Db, range: Range) {
  const [received, decided, open] = await Promise.all([
    db
      .selectFrom('applications as a')
      .select(['a.type as code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.submitted_date', '>=', range.from)
      .where('a.submitted_date', '<=', range.to)
      .groupBy('a.type')
      .execute(),
    countedDecisions(db, range)
      .select(['a.type', 'd.outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['a.type', 'd.outcome'])
      .execute(),
    db
      .selectFrom('applications as a')
      .select(['a.type as code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.submitted_date', '<=', range.to)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('decisions as d')
              .select('d.id')
              .whereRef('d.application_id', '=', 'a.id')
              .where('d.approval_status', '=', 'final')
              .where('d.outcome', 'in', [...REPORT_OUTCOMES])
              .where(finalAt('d'), '<', range.end),
          ),
        ),
      )
      .groupBy('a.type')
      .execute(),
  ]);
  const cells = APPLICATION_TYPES.map((type) =>
    REPORT_OUTCOMES.map((outcome) =>
      countOf(decided.find((r) => r.type === type && r.outcome === outcome)?.n),
    ),
  );
  return {
    received: countsFor(APPLICATION_TYPES, received),
    decided: cells,
    open: countsFor(APPLICATION_TYPES, open),
  };
}

/**
 * The rationale as a short description: at most {@link DESCRIPTION_LENGTH}
 * characters with the ellipsis, white space made single, cut between words
 * when a word boundary is in its second half.
 */
export function shortDescription(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  if (chars.length <= DESCRIPTION_LENGTH) return chars.join('');
  const keep = DESCRIPTION_LENGTH - 1;
  let cut = chars.slice(0, keep).join('');
  if (chars[keep] !== ' ') {
    const space = cut.lastIndexOf(' ');
    if (space > keep / 2) cut = cut.slice(0, space);
  }
  return `${cut.trimEnd()}…`;
}

/**
 * The counted decisions as notes, in the order they became final; with `page`,
 * only those rows are read and decrypted.
 */
async function decisionNotes(
  ctx: AppContext,
  db: Db,
  range: Range,
  locale: Locale,
  page?: { limit: number; offset: number },
): Promise<DecisionNote[]> {
  let rows = countedDecisions(db, range)
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .select([
      'd.id',
      'd.outcome',
      'd.grounds',
      'd.rationale_enc',
      'd.supersedes_id',
      'a.type',
      'c.code',
      finalAt('d').as('final_at'),
    ])
    .orderBy(finalAt('d'))
    // The id makes the order total, so that the pages join up without a gap or a repeat.
    .orderBy('d.id');
  if (page) rows = rows.limit(page.limit).offset(page.offset);
  const [read, grounds] = await Promise.all([
    rows.execute(),
    db.selectFrom('decision_grounds').select(['code', 'name_sv', 'name_en']).execute(),
  ]);
  const nameOf = new Map(grounds.map((g) => [g.code, locale === 'sv' ? g.name_sv : g.name_en]));
  return read.map((r) => {
    const codes = JSON.parse(r.grounds) as string[];
    return {
      decidedOn: stockholmDate(new Date(r.final_at)),
      caseCode: r.code,
      type: r.type as ApplicationType,
      outcome: r.outcome as ReportOutcome,
      grounds: codes.map((code) => ({ code, name: nameOf.get(code) ?? code })),
      description: shortDescription(ctx.crypto.decrypt(r.rationale_enc)),
      correction: r.supersedes_id !== null,
    };
  });
}

/* ---------- section 2: funds ---------- */

/** What the entries of one post add up to, per kind (payouts apart: they leave the remaining funds as they are). */
function movementsOf(sums: ReadonlyMap<string, number>) {
  const of = (kind: EntryKind) => sums.get(kind) ?? 0;
  let effect = 0;
  for (const [kind, s] of sums) if (kind !== 'payout') effect += s;
  const budget = of('budget');
  const transferredIn = of('transfer_in');
  const transferredOut = 0 - of('transfer_out');
  // Everything else that changes the remaining funds is what decisions committed, net
  // (commitments, their deductions and reversals). 0 − x: never a negative zero.
  const committed = 0 - (effect - budget - transferredIn + transferredOut);
  return {
    effect,
    movements: {
      budgetOre: budget,
      transferredInOre: transferredIn,
      transferredOutOre: transferredOut,
      committedOre: committed,
      deductedOre: of('deduction'),
      paidOre: of('payout'),
    },
  };
}

async function fundFigures(db: Db, range: Range, version: ReportVersion): Promise<PeriodFunds[]> {
  const periods = await db
    .selectFrom('budget_periods')
    .select(['id', 'name', 'starts_on', 'ends_on'])
    .where('starts_on', '<=', range.to)
    .where('ends_on', '>=', range.from)
    .orderBy('starts_on')
    .orderBy('id')
    .execute();
  if (periods.length === 0) return [];
  const ids = periods.map((p) => p.id);
  const sumsOf = (before: boolean) => {
    let q = db
      .selectFrom('budget_entries')
      .select(['post_id', 'kind', (eb) => eb.fn.sum<number | string>('amount_ore').as('s')])
      .where('period_id', 'in', ids);
    q = before
      ? q.where('entry_date', '<', range.from)
      : q.where('entry_date', '>=', range.from).where('entry_date', '<=', range.to);
    return q.groupBy(['post_id', 'kind']).execute();
  };
  const [posts, before, during] = await Promise.all([
    db
      .selectFrom('budget_posts')
      .select(['id', 'period_id', 'kind', 'name'])
      .where('period_id', 'in', ids)
      .orderBy('period_id')
      .orderBy('sort_order')
      .orderBy('id')
      .execute(),
    sumsOf(true),
    sumsOf(false),
  ]);
  const byPost = (rows: typeof before) => {
    const out = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const m = out.get(r.post_id) ?? new Map<string, number>();
      m.set(r.kind, countOf(r.s));
      out.set(r.post_id, m);
    }
    return out;
  };
  const beforeBy = byPost(before);
  const duringBy = byPost(during);

  const result: PeriodFunds[] = [];
  for (const p of periods) {
    const list = [];
    for (const post of posts.filter((x) => x.period_id === p.id)) {
      const earlier = beforeBy.get(post.id) ?? new Map<string, number>();
      const broughtForward = movementsOf(earlier).effect;
      const { effect, movements } = movementsOf(duringBy.get(post.id) ?? new Map());
      let lines: LedgerLine[] | null = null;
      let truncated = false;
      if (version === 'internal') {
        const read = await ledgerLines(db, post.id, range, broughtForward);
        lines = read.lines;
        truncated = read.truncated;
      }
      list.push({
        postId: post.id,
        kind: post.kind as PostKind,
        name: version === 'internal' ? post.name : null,
        budgetOre: (earlier.get('budget') ?? 0) + movements.budgetOre,
        broughtForwardOre: broughtForward,
        movements,
        remainingOre: broughtForward + effect,
        lines,
        linesTruncated: truncated,
      });
    }
    result.push({
      periodId: p.id,
      name: version === 'internal' ? p.name : null,
      startsOn: p.starts_on,
      endsOn: p.ends_on,
      posts: list,
    });
  }
  return result;
}

/** A post's entries dated in the range, in statement order, with the running remaining funds. */
async function ledgerLines(
  db: Db,
  postId: string,
  range: Range,
  broughtForward: number,
): Promise<{ lines: LedgerLine[]; truncated: boolean }> {
  const rows = await db
    .selectFrom('budget_entries as e')
    .leftJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('budget_entries as other', (j) =>
      j
        .onRef('other.transfer_id', '=', 'e.transfer_id')
        .onRef('other.id', '!=', 'e.id')
        .on('e.transfer_id', 'is not', null),
    )
    .leftJoin('budget_posts as op', 'op.id', 'other.post_id')
    .select(['e.entry_date', 'e.line_no', 'e.kind', 'e.amount_ore', 'c.code', 'op.name'])
    .where('e.post_id', '=', postId)
    .where('e.entry_date', '>=', range.from)
    .where('e.entry_date', '<=', range.to)
    .orderBy('e.entry_date')
    .orderBy('e.line_no')
    .limit(MAX_LINES_PER_POST + 1)
    .execute();
  let remaining = broughtForward;
  const lines = rows.slice(0, MAX_LINES_PER_POST).map((r): LedgerLine => {
    const amount = countOf(r.amount_ore);
    const payout = r.kind === 'payout';
    if (!payout) remaining += amount;
    return {
      date: r.entry_date,
      kind: r.kind as EntryKind,
      caseCode: r.code,
      amountOre: payout ? 0 : amount,
      paidOre: payout ? amount : 0,
      counterpartPostName: r.name,
      remainingOre: remaining,
    };
  });
  return { lines, truncated: rows.length > MAX_LINES_PER_POST };
}

/* ---------- section 3: background of the persons admitted ---------- */

/** Region of a nationality or country; codes without one (Antarctica) count as not known. */
const regionGroups: Record<string, string> = Object.fromEntries(
  [...COUNTRY_CODES].map((code) => [code, REGION_BY_COUNTRY[code] ?? 'unknown']),
);
const REGION_CATEGORIES = [...WORLD_REGIONS, 'unknown'];
/** The country codes of each world region, for the SQL that places countries of exploitation. */
const REGION_CODES = WORLD_REGIONS.map((region) => ({
  region: region as string,
  codes: Object.keys(REGION_BY_COUNTRY).filter((code) => REGION_BY_COUNTRY[code] === region),
}));

export const CHILDREN_BANDS = ['0', '1', '2', '3_plus'] as const;
export const EXPLOITATION_FORM_CATEGORIES = [...EXPLOITATION_FORMS, 'multiple', 'unknown'];

/** Orders combinations of forms by their forms in the vocabulary's order. */
function formOrder(a: readonly string[], b: readonly string[]): number {
  const rank = (f: string | undefined) =>
    f === undefined ? -1 : (EXPLOITATION_FORMS as readonly string[]).indexOf(f);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = rank(a[i]) - rank(b[i]);
    if (d !== 0) return d;
  }
  return 0;
}

interface BackgroundCounts {
  persons: number;
  nationality: Array<{ code: string; n: number }>;
  gender: number[];
  ageBand: number[];
  childrenAccompanying: number[];
  childrenInHomeCountry: number[];
  /** Additive: the one form, multiple or unknown. */
  formMain: number[];
  /** Persons per form (multi-valued), plus multiple and unknown. */
  formEach: number[];
  combinations: Array<{ forms: string[]; count: number }>;
  countries: Array<{ code: string; n: number }>;
  countryRegions: number[];
  countryUnknown: number;
  policeReport: number[];
}

/** The figures of the background tables, each a branch of {@link backgroundCounts}' one statement. */
type BackgroundFigure =
  | 'persons'
  | 'nationality'
  | 'gender'
  | 'ageBand'
  | 'accompanying'
  | 'home'
  | 'formClass'
  | 'singleForm'
  | 'formEach'
  | 'combination'
  | 'country'
  | 'region'
  | 'countryNone'
  | 'police';

/**
 * Every background figure in one statement: the persons admitted are
 * selected once (a materialised CTE, so the counted decisions are worked out
 * once, not once per table) and each table is one grouped branch of a
 * UNION ALL over them, tagged with the figure it belongs to.
 */
async function backgroundCounts(ctx: AppContext, db: Db, range: Range): Promise<BackgroundCounts> {
  const dialect = ctx.dialect;
  const admitted = countedDecisions(db, range)
    .where('a.type', '=', 'admission')
    .where('d.outcome', 'in', [...GRANTING])
    .select('a.case_id');
  const forms = sql.ref<string>('p.exploitation_forms');
  const countries = sql.ref<string>('p.exploitation_countries');
  const formsLength = jsonArrayLength(dialect, forms);
  const countriesLength = jsonArrayLength(dialect, countries);
  const formValues = sql`${jsonArrayElements(dialect, forms)} as f`;
  const countryValues = sql`${jsonArrayElements(dialect, countries)} as x`;
  const band = (column: string) => {
    const c = sql.ref(`p.${column}`);
    return sql<string>`case when ${c} = 0 then '0' when ${c} = 1 then '1' when ${c} = 2 then '2' else '3_plus' end`;
  };
  const formClass = sql<string>`case when ${formsLength} = 0 then 'unknown' when ${formsLength} = 1 then 'single' else 'multiple' end`;
  // Persons per world region of exploitation: a person exploited in two countries of a region
  // is one person of it, so the regions are taken per person before counting.
  const region = sql<string>`case ${sql.join(
    REGION_CODES.map((r) => sql`when x.value in (${sql.join(r.codes)}) then ${sql.lit(r.region)}`),
    sql` `,
  )} else 'unknown' end`;
  const branch = (figure: BackgroundFigure, rest: RawBuilder<unknown>) =>
    sql`select ${sql.lit(figure)} as figure, ${rest}`;
  const branches = [
    branch('persons', sql`null as code, count(*) as n from admitted p`),
    branch('nationality', sql`p.nationality, count(*) from admitted p group by p.nationality`),
    branch('gender', sql`p.gender, count(*) from admitted p group by p.gender`),
    branch('ageBand', sql`p.age_band, count(*) from admitted p group by p.age_band`),
    branch(
      'accompanying',
      sql`${band('children_count')}, count(*) from admitted p group by ${band('children_count')}`,
    ),
    branch(
      'home',
      sql`${band('children_in_home_country')}, count(*) from admitted p group by ${band('children_in_home_country')}`,
    ),
    // How many forms each person has: none (not known), one, or more than one.
    branch('formClass', sql`${formClass}, count(*) from admitted p group by ${formClass}`),
    // The form of those with exactly one.
    branch(
      'singleForm',
      sql`f.value, count(*) from admitted p cross join ${formValues} where ${formsLength} = 1 group by f.value`,
    ),
    // Persons per form, whatever else they have.
    branch(
      'formEach',
      sql`f.value, count(distinct p.id) from admitted p cross join ${formValues} group by f.value`,
    ),
    // The combinations, as stored (the order a person's forms were entered in is evened out below).
    branch(
      'combination',
      sql`p.exploitation_forms, count(*) from admitted p where ${formsLength} > 1 group by p.exploitation_forms`,
    ),
    // Persons per country of exploitation (multi-valued).
    branch(
      'country',
      sql`x.value, count(distinct p.id) from admitted p cross join ${countryValues} group by x.value`,
    ),
    branch(
      'region',
      sql`r.code, count(*) from (select distinct p.id, ${region} as code from admitted p cross join ${countryValues}) r group by r.code`,
    ),
    branch('countryNone', sql`null, count(*) from admitted p where ${countriesLength} = 0`),
    branch('police', sql`p.police_report, count(*) from admitted p group by p.police_report`),
  ];
  const { rows } = await sql<{ figure: BackgroundFigure; code: string | null; n: number | string }>`
    with admitted as materialized (
      select c.* from cases c where c.id in ${admitted}
    )
    ${sql.join(branches, sql` union all `)}`.execute(db);

  const of = (figure: BackgroundFigure) =>
    rows.filter((r) => r.figure === figure).map((r) => ({ code: r.code, n: countOf(r.n) }));
  const first = (figure: BackgroundFigure) => of(figure)[0]?.n ?? 0;
  const byCode = (list: ReadonlyArray<{ code: string | null; n: number }>) =>
    list.map((r) => ({ code: r.code ?? 'unknown', n: r.n }));
  const persons = first('persons');
  const classes = countsFor(['single', 'multiple', 'unknown'], of('formClass'));
  const single = countsFor(EXPLOITATION_FORMS, of('singleForm'));
  const each = countsFor(EXPLOITATION_FORMS, of('formEach'));
  const noCountry = first('countryNone');

  // Combinations: the same forms in another order are the same combination.
  const combos = new Map<string, number>();
  for (const r of of('combination')) {
    const set = new Set(JSON.parse(r.code ?? '[]') as string[]);
    const key = EXPLOITATION_FORMS.filter((f) => set.has(f)).join('+');
    combos.set(key, (combos.get(key) ?? 0) + r.n);
  }

  return {
    persons,
    nationality: byCode(of('nationality')),
    gender: countsFor(GENDERS, of('gender')),
    ageBand: countsFor(AGE_BANDS, of('ageBand')),
    childrenAccompanying: countsFor(CHILDREN_BANDS, of('accompanying')),
    childrenInHomeCountry: countsFor(CHILDREN_BANDS, of('home')),
    formMain: [...single, classes[1] ?? 0, classes[2] ?? 0],
    formEach: [...each, classes[1] ?? 0, classes[2] ?? 0],
    combinations: [...combos]
      .map(([key, n]) => ({ forms: key.split('+'), count: n }))
      .sort((a, b) => b.count - a.count || formOrder(a.forms, b.forms)),
    countries: byCode(of('country')),
    countryRegions: countsFor(REGION_CATEGORIES, [
      ...of('region'),
      { code: 'unknown', n: noCountry },
    ]),
    countryUnknown: noCountry,
    policeReport: countsFor(POLICE_REPORT_ANSWERS, of('police')),
  };
}

/* ---------- tables: internal counts and their publishable versions ---------- */

const dimension = (key: string, categories: readonly string[], multiValued = false): Dimension => ({
  key,
  categories,
  multiValued,
});

function fromPublished(f: PublishedFigure): ReportFigure {
  if (f.state === 'suppressed') return { state: 'suppressed', reason: f.reason };
  return f.percent === undefined
    ? { state: 'published', count: f.count }
    : { state: 'published', count: f.count, percent: f.percent };
}

const full = (count: number, percent?: number): ReportFigure =>
  percent === undefined ? { state: 'published', count } : { state: 'published', count, percent };

interface TableText {
  rules?: TextRef[];
  notes?: TextRef[];
}

/** The internal version of a one-way table: every count, percentages of the total. */
function internalOneWay(table: OneWayTable, text: TableText = {}): OneWayReply {
  const [dim] = table.dimensions;
  const shares =
    table.total > 0
      ? percentages(table.counts, table.total, dim.multiValued ? 'multi_valued' : 'additive')
      : undefined;
  return {
    dimension: dim.key,
    multiValued: dim.multiValued,
    categories: dim.categories.map((code, i) => ({
      code,
      figure: full(table.counts[i] ?? 0, shares?.[i]),
    })),
    total: full(table.total),
    percentRule: dim.multiValued ? 'half_up' : 'largest_remainder',
    withheld: false,
    rules: text.rules ?? [],
    notes: text.notes ?? [],
  };
}

function publishedOneWay(table: OneWayTable, threshold: number, text: TableText = {}): OneWayReply {
  const p = protect(table, { threshold });
  const [dim] = p.dimensions;
  return {
    dimension: dim.key,
    multiValued: dim.multiValued,
    categories: dim.categories.map((code, i) => ({
      code,
      figure: fromPublished(p.cells[i] ?? { state: 'suppressed', reason: 'withheld' }),
    })),
    total: fromPublished(p.total),
    percentRule: dim.multiValued ? 'half_up' : 'largest_remainder',
    withheld: p.withheld,
    rules: text.rules ?? [],
    notes: text.notes ?? [],
  };
}

/** Type × outcome; cell percentages are of the row (what share of a type's decisions had each outcome). */
function internalTwoWay(table: TwoWayTable, text: TableText): TwoWayReply {
  const [rows, columns] = table.dimensions;
  const of = (counts: readonly number[], total: number) =>
    total > 0 ? percentages(counts, total) : undefined;
  const rowShares = of(table.rowTotals, table.total);
  const columnShares = of(table.columnTotals, table.total);
  return {
    rows: { dimension: rows.key, categories: [...rows.categories] },
    columns: { dimension: columns.key, categories: [...columns.categories] },
    cells: table.counts.map((line, i) => {
      const shares = of(line, table.rowTotals[i] ?? 0);
      return line.map((n, j) => full(n, shares?.[j]));
    }),
    rowTotals: table.rowTotals.map((n, i) => full(n, rowShares?.[i])),
    columnTotals: table.columnTotals.map((n, j) => full(n, columnShares?.[j])),
    total: full(table.total),
    percentOf: 'row',
    percentRule: 'largest_remainder',
    withheld: false,
    rules: text.rules ?? [],
    notes: text.notes ?? [],
  };
}

function publishedTwoWay(table: TwoWayTable, threshold: number, text: TableText): TwoWayReply {
  const p = protect(table, { threshold, percentOf: 'row' });
  const [rows, columns] = p.dimensions;
  return {
    rows: { dimension: rows.key, categories: [...rows.categories] },
    columns: { dimension: columns.key, categories: [...columns.categories] },
    cells: p.cells.map((line) => line.map(fromPublished)),
    rowTotals: p.rowTotals.map(fromPublished),
    columnTotals: p.columnTotals.map(fromPublished),
    total: fromPublished(p.total),
    percentOf: 'row',
    percentRule: 'largest_remainder',
    withheld: p.withheld,
    rules: text.rules ?? [],
    notes: text.notes ?? [],
  };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** An additive one-way table. */
function oneWay(key: string, categories: readonly string[], counts: number[]): OneWayTable {
  return { dimensions: [dimension(key, categories)], counts, total: sum(counts) };
}

/** Internal lists of codes (nationalities, countries): the most frequent first, then by code; not known last. */
function listed(rows: ReadonlyArray<{ code: string; n: number }>): {
  codes: string[];
  counts: number[];
} {
  const sorted = rows
    .filter((r) => r.n > 0)
    .sort(
      (a, b) =>
        Number(a.code === 'unknown') - Number(b.code === 'unknown') ||
        b.n - a.n ||
        a.code.localeCompare(b.code),
    );
  return { codes: sorted.map((r) => r.code), counts: sorted.map((r) => r.n) };
}

const AGE_MERGE: CategoryMerge = {
  dimension: 'ageBand',
  groups: {
    under_18: 'under_18',
    '18_25': '18_30',
    '26_30': '18_30',
    '31_35': '31_45',
    '36_45': '31_45',
    '46_plus': '46_plus',
  },
  order: ['under_18', '18_30', '31_45', '46_plus'],
};

const childrenMerge = (key: string): CategoryMerge => ({
  dimension: key,
  groups: { '0': 'none', '1': 'one_or_more', '2': 'one_or_more', '3_plus': 'one_or_more' },
  order: ['none', 'one_or_more'],
});

function backgroundTables(
  b: BackgroundCounts,
  version: ReportVersion,
  threshold: number,
): PeriodReport['background'] {
  const persons = b.persons;
  const gender = oneWay('gender', GENDERS, b.gender);
  const ageBand = oneWay('ageBand', AGE_BANDS, b.ageBand);
  const accompanying = oneWay('childrenAccompanying', CHILDREN_BANDS, b.childrenAccompanying);
  const home = oneWay('childrenInHomeCountry', CHILDREN_BANDS, b.childrenInHomeCountry);
  const formMain = oneWay('exploitationForm', EXPLOITATION_FORM_CATEGORIES, b.formMain);
  const police = oneWay('policeReport', POLICE_REPORT_ANSWERS, b.policeReport);
  const formNotes = { notes: [note('notes.formsMain')] };
  const notes = [note('notes.admitted')];

  if (version === 'internal') {
    const nat = listed(b.nationality);
    const countries = listed([...b.countries, { code: 'unknown', n: b.countryUnknown }]);
    return {
      notes,
      nationality: internalOneWay(oneWay('nationality', nat.codes, nat.counts)),
      gender: internalOneWay(gender),
      ageBand: internalOneWay(ageBand),
      childrenAccompanying: internalOneWay(accompanying),
      childrenInHomeCountry: internalOneWay(home),
      exploitationForm: internalOneWay(formMain, formNotes),
      exploitationFormsEach: internalOneWay(
        {
          dimensions: [dimension('exploitationFormsEach', EXPLOITATION_FORM_CATEGORIES, true)],
          counts: b.formEach,
          total: persons,
        },
        { notes: [note('notes.formsEach')] },
      ),
      exploitationFormCombinations: b.combinations,
      exploitationCountry: internalOneWay(
        {
          dimensions: [dimension('exploitationCountry', countries.codes, true)],
          counts: countries.counts,
          total: persons,
        },
        { notes: [note('notes.countries')] },
      ),
      policeReport: internalOneWay(police),
    };
  }

  // Publishable: fixed categories (never only the ones that occur), merged where counts are
  // small, each table protected on its own.
  const ruleOf = (r: { key: string; params: Readonly<Record<string, string | number>> }) => ({
    key: r.key,
    params: { ...r.params },
  });
  const allNationalities = [...COUNTRY_CODES].sort();
  const natCounts = new Map(b.nationality.map((r) => [r.code, r.n]));
  const nationality = mergeCategories(
    oneWay(
      'nationality',
      [...allNationalities, 'unknown'],
      [...allNationalities.map((c) => natCounts.get(c) ?? 0), natCounts.get('unknown') ?? 0],
    ),
    { dimension: 'nationality', groups: regionGroups, order: REGION_CATEGORIES },
    'reports.period.rules.nationalityRegions',
  );
  const ages = mergeCategories(ageBand, AGE_MERGE, 'reports.period.rules.ageBands');
  const acc = mergeCategories(
    accompanying,
    childrenMerge('childrenAccompanying'),
    'reports.period.rules.children',
  );
  const atHome = mergeCategories(
    home,
    childrenMerge('childrenInHomeCountry'),
    'reports.period.rules.children',
  );
  return {
    notes,
    nationality: publishedOneWay(nationality.table, threshold, {
      rules: [ruleOf(nationality.rule)],
    }),
    gender: publishedOneWay(gender, threshold),
    ageBand: publishedOneWay(ages.table, threshold, { rules: [ruleOf(ages.rule)] }),
    childrenAccompanying: publishedOneWay(acc.table, threshold, { rules: [ruleOf(acc.rule)] }),
    childrenInHomeCountry: publishedOneWay(atHome.table, threshold, {
      rules: [ruleOf(atHome.rule)],
    }),
    exploitationForm: publishedOneWay(formMain, threshold, formNotes),
    exploitationFormsEach: null,
    exploitationFormCombinations: null,
    exploitationCountry: publishedOneWay(
      {
        dimensions: [dimension('exploitationCountry', REGION_CATEGORIES, true)],
        counts: b.countryRegions,
        total: persons,
      },
      threshold,
      { rules: [note('rules.countryRegions')], notes: [note('notes.countries')] },
    ),
    policeReport: publishedOneWay(police, threshold),
  };
}

/* ---------- the report ---------- */

/** Which decision notes the internal version holds: a page (the JSON route) or all of them (the files). */
export type NotesChoice = { page: number; pageSize: number } | 'all';

/** The notes to read for a choice, given how many decisions are counted. */
function notesPagingOf(choice: NotesChoice, total: number): NotesPaging {
  if (choice === 'all') return { page: 1, pageSize: total, total, pageCount: total > 0 ? 1 : 0 };
  return {
    page: choice.page,
    pageSize: choice.pageSize,
    total,
    pageCount: Math.ceil(total / choice.pageSize),
  };
}

/** Builds the report (reads only, in one snapshot); checks nothing about who asks. */
export async function buildPeriodReport(
  ctx: AppContext,
  range: Range,
  version: ReportVersion,
  threshold: number,
  locale: Locale,
  notesChoice: NotesChoice,
): Promise<PeriodReport> {
  const generatedAt = ctx.clock.now().toISOString();
  return ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const db: Db = tx;
      const apps = await applicationFigures(db, range);
      // One note per counted decision: their number is the decided table's total.
      const counted = sum(apps.decided.map(sum));
      let notes: DecisionNote[] | null = null;
      let notesPaging: NotesPaging | null = null;
      if (version === 'internal') {
        notesPaging = notesPagingOf(notesChoice, counted);
        const offset = (notesPaging.page - 1) * notesPaging.pageSize;
        notes =
          notesChoice === 'all'
            ? await decisionNotes(ctx, db, range, locale)
            : offset >= counted
              ? [] // past the last page: nothing to read
              : await decisionNotes(ctx, db, range, locale, {
                  limit: notesPaging.pageSize,
                  offset,
                });
      }
      const funds = await fundFigures(db, range, version);
      const background = backgroundTables(
        await backgroundCounts(ctx, db, range),
        version,
        threshold,
      );

      const types = dimension('applicationType', APPLICATION_TYPES);
      const decided: TwoWayTable = {
        dimensions: [types, dimension('outcome', REPORT_OUTCOMES)],
        counts: apps.decided,
        rowTotals: apps.decided.map(sum),
        columnTotals: REPORT_OUTCOMES.map((_, j) => sum(apps.decided.map((r) => r[j] ?? 0))),
        total: counted,
      };
      const received = oneWay('applicationType', APPLICATION_TYPES, apps.received);
      const open = oneWay('applicationType', APPLICATION_TYPES, apps.open);
      const text = (key: string): TableText => ({ notes: [note(`notes.${key}`)] });
      const internal = version === 'internal';
      return {
        version,
        from: range.from,
        to: range.to,
        threshold: internal ? null : threshold,
        generatedAt,
        applications: {
          received: internal
            ? internalOneWay(received, text('received'))
            : publishedOneWay(received, threshold, text('received')),
          decided: internal
            ? internalTwoWay(decided, text('decided'))
            : publishedTwoWay(decided, threshold, text('decided')),
          underProcessing: internal
            ? internalOneWay(open, text('underProcessing'))
            : publishedOneWay(open, threshold, text('underProcessing')),
          notes,
          notesPaging,
        },
        funds: {
          periods: funds,
          notes: [note('notes.funds'), ...(internal ? [] : [note('notes.fundsPublishable')])],
        },
        background,
      };
    });
}

const objectId = (version: ReportVersion, range: Range) => `${version}:${range.from}:${range.to}`;

/** The report as JSON, audited as read (with its version and range). */
export async function periodReport(
  ctx: AppContext,
  actor: Actor,
  query: PeriodQuery,
  locale: Locale,
  requestId: string,
): Promise<PeriodReport> {
  const { range, threshold } = checkQuery(query);
  await assertMayRead(ctx, actor, query.version, requestId);
  const report = await buildPeriodReport(ctx, range, query.version, threshold, locale, {
    page: query.notesPage,
    pageSize: query.notesPageSize,
  });
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'reports.period_read',
    objectType: 'period_report',
    objectId: objectId(query.version, range),
    requestId,
  });
  return report;
}

/**
 * The report as a file (XLSX, CSV or PDF) in the request's language, audited
 * as exported; its name carries the range and the version only.
 */
export async function exportPeriodReport(
  ctx: AppContext,
  actor: Actor,
  query: ExportQuery,
  locale: Locale,
  requestId: string,
): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
  const { range, threshold } = checkQuery(query);
  await assertMayRead(ctx, actor, query.version, requestId);
  // The files go to the funder: every decision note, not a page.
  const report = await buildPeriodReport(ctx, range, query.version, threshold, locale, 'all');
  const bytes = await renderReport(report, query.format, locale);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'reports.period_exported',
    objectType: 'period_report',
    objectId: objectId(query.version, range),
    requestId,
  });
  return {
    fileName: reportFileName(report, query.format),
    contentType: contentTypeOf(query.format),
    bytes,
  };
}
