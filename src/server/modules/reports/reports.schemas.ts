import { z } from 'zod';
import { isoDate, locale } from '../../core/schemas.js';
import { APPLICATION_TYPES } from '../../core/reference.js';
import { ENTRY_KINDS, POST_KINDS } from '../budget/budget.schemas.js';

/**
 * The period report (domain.md §3, Period reports): applications per type,
 * funds per post and the background of the persons admitted, for any range of
 * days, in two versions. `internal` has full counts, case codes, decision
 * grounds and short descriptions (the JSON a page of decision notes at a time,
 * the files every note), and the ledger's lines (the coordinator only);
 * `publishable` has its statistical tables through disclosure control
 * (statistics/disclosure.ts), money as sums per post, and no case code or
 * free text anywhere.
 */

export const REPORT_VERSIONS = ['internal', 'publishable'] as const;
export type ReportVersion = (typeof REPORT_VERSIONS)[number];

export const EXPORT_FORMATS = ['xlsx', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The longest range a report covers, in days (both ends included): a leap year. */
export const MAX_RANGE_DAYS = 366;

/** Decision outcomes that end an application, as the report's columns. */
export const REPORT_OUTCOMES = [
  'granted',
  'partially_granted',
  'granted_with_condition',
  'denied',
] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** Ledger lines shown per post in the internal version; a longer statement says it is cut short. */
export const MAX_LINES_PER_POST = 10_000;

/** The rationale of a decision, shortened to this many characters, is the notes' short description. */
export const DESCRIPTION_LENGTH = 200;

/** Decision notes per page of the JSON reply (internal version), unless the query asks for another size. */
export const NOTES_PAGE_SIZE = 100;
/** The largest page of decision notes a query may ask for. */
export const MAX_NOTES_PAGE_SIZE = 500;
/** The highest page number accepted: far past any range's decisions, and the SQL offset stays small. */
export const MAX_NOTES_PAGE = 1_000_000;

/** What every form of the report is asked with: the range, the version and the threshold. */
const reportQuery = z.strictObject({
  from: isoDate,
  to: isoDate,
  /** Left out: the publishable version (deny by default). */
  version: z.enum(REPORT_VERSIONS).default('publishable'),
  /** The publication threshold (default 11, at least 3); the internal version validates it and does not use it. */
  threshold: z.coerce.number().int().max(1_000_000).optional(),
});
export type ReportQuery = z.infer<typeof reportQuery>;

export const periodQuery = reportQuery.extend({
  /** The page of decision notes (internal version), from 1; a page past the last one has no notes. */
  notesPage: z.coerce.number().int().min(1).max(MAX_NOTES_PAGE).default(1),
  /** Decision notes per page. */
  notesPageSize: z.coerce.number().int().min(1).max(MAX_NOTES_PAGE_SIZE).default(NOTES_PAGE_SIZE),
});
export type PeriodQuery = z.infer<typeof periodQuery>;

/** The files list every decision note (they go to the funder): no paging here. */
export const exportQuery = reportQuery.extend({
  format: z.enum(EXPORT_FORMATS),
  /** The language of the file's headings: a link carries the browser's language, not the interface's. */
  lang: locale.optional(),
});
export type ExportQuery = z.infer<typeof exportQuery>;

/* ---------- the reply ---------- */

/** A count, published (with its whole percentage when the figure it is a share of is published) or not. */
export const figure = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('published'),
    count: z.number().int(),
    percent: z.number().int().optional(),
  }),
  z.object({
    state: z.literal('suppressed'),
    /** primary: 1 … threshold − 1; secondary: hidden so that a primary one cannot be computed; withheld: the whole table. */
    reason: z.enum(['primary', 'secondary', 'withheld']),
  }),
]);
export type ReportFigure = z.infer<typeof figure>;

/** A sentence under a table: an i18n key and its parameters. */
export const textRef = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type TextRef = z.infer<typeof textRef>;

const tableCommon = {
  /** How the percentages are rounded: largest remainder (sum to 100) or each half up (shares of persons). */
  percentRule: z.enum(['largest_remainder', 'half_up']),
  /** True when disclosure control could not protect the table: nothing of it is published. */
  withheld: z.boolean(),
  /** Merged categories (publishable): the rule printed under the table. */
  rules: z.array(textRef),
  /** How the table is counted (i18n keys). */
  notes: z.array(textRef),
};

export const oneWayTable = z.object({
  /** applicationType, nationality, gender, ageBand, childrenAccompanying, … */
  dimension: z.string(),
  /** A person may be in several categories; the total is persons, not the sum. */
  multiValued: z.boolean(),
  categories: z.array(z.object({ code: z.string(), figure })),
  /** Percentages of the categories are of this figure. */
  total: figure,
  ...tableCommon,
});
export type OneWayReply = z.infer<typeof oneWayTable>;

const axis = z.object({ dimension: z.string(), categories: z.array(z.string()) });

export const twoWayTable = z.object({
  rows: axis,
  columns: axis,
  /** cells[i][j]: row category i, column category j; percentages of `percentOf`. */
  cells: z.array(z.array(figure)),
  /** Percentages of the total. */
  rowTotals: z.array(figure),
  /** Percentages of the total. */
  columnTotals: z.array(figure),
  total: figure,
  percentOf: z.enum(['total', 'row', 'column']),
  ...tableCommon,
});
export type TwoWayReply = z.infer<typeof twoWayTable>;

/** One final decision of the range (internal version). */
export const decisionNote = z.object({
  /** The Stockholm date on which the decision became final. */
  decidedOn: z.string(),
  caseCode: z.string().nullable(),
  type: z.enum(APPLICATION_TYPES),
  outcome: z.enum(REPORT_OUTCOMES),
  /** Codes with their names in the request's language. */
  grounds: z.array(z.object({ code: z.string(), name: z.string() })),
  /** The decision's rationale, shortened to about 200 characters. */
  description: z.string(),
  /** The decision corrects an earlier one. */
  correction: z.boolean(),
});
export type DecisionNote = z.infer<typeof decisionNote>;

/** Where a page of decision notes is in the whole list. */
export const notesPaging = z.object({
  /** From 1; past the last page the notes are empty. */
  page: z.number().int(),
  /** Notes per page (as asked; for the exported files, every note on one page). */
  pageSize: z.number().int(),
  /** Every decision counted in the range: equals the `decided` table's total. */
  total: z.number().int(),
  /** Pages of `pageSize` that hold `total` (0 when there is no decision). */
  pageCount: z.number().int(),
});
export type NotesPaging = z.infer<typeof notesPaging>;

const ore = z.number().int();

/** A ledger line dated in the range (internal version); payouts leave the remaining funds as they are. */
export const ledgerLine = z.object({
  date: z.string(),
  kind: z.enum(ENTRY_KINDS),
  caseCode: z.string().nullable(),
  /** The effect on the remaining funds (0 for a payout). */
  amountOre: ore,
  /** Money paid out (payouts only). */
  paidOre: ore,
  /** Transfers: the post the money came from or went to. */
  counterpartPostName: z.string().nullable(),
  /** The remaining funds after this line. */
  remainingOre: ore,
});
export type LedgerLine = z.infer<typeof ledgerLine>;

export const postFunds = z.object({
  postId: z.string(),
  kind: z.enum(POST_KINDS),
  /** The name the coordinator gave it; null in the publishable version (free text). */
  name: z.string().nullable(),
  /** The post's budget as of the last day of the range. */
  budgetOre: ore,
  /** Remaining funds at the start of the range (every entry dated before it, payouts aside). */
  broughtForwardOre: ore,
  /** Sums of the entries dated in the range. */
  movements: z.object({
    budgetOre: ore,
    transferredInOre: ore,
    transferredOutOre: ore,
    /** Granted by decisions, net of deductions and reversals. */
    committedOre: ore,
    deductedOre: ore,
    paidOre: ore,
  }),
  /** broughtForward + budget + transferred in − transferred out − committed. */
  remainingOre: ore,
  /** Internal version: the lines dated in the range, in date order; null in the publishable version. */
  lines: z.array(ledgerLine).nullable(),
  /** More lines than {@link MAX_LINES_PER_POST} in the range: the first ones are shown, the sums are complete. */
  linesTruncated: z.boolean(),
});
export type PostFunds = z.infer<typeof postFunds>;

export const periodFunds = z.object({
  periodId: z.string(),
  /** Null in the publishable version (free text); its dates identify it. */
  name: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  posts: z.array(postFunds),
});
export type PeriodFunds = z.infer<typeof periodFunds>;

export const periodReportReply = z.object({
  version: z.enum(REPORT_VERSIONS),
  from: z.string(),
  to: z.string(),
  /** The publication threshold used (publishable); null for the internal version. */
  threshold: z.number().int().nullable(),
  generatedAt: z.string(),
  applications: z.object({
    /** Submitted in the range, per type. */
    received: oneWayTable,
    /** Type × outcome of the decisions that became final in the range (see the notes for the rule). */
    decided: twoWayTable,
    /** Open at the end of the range, per type. */
    underProcessing: oneWayTable,
    /**
     * Internal version: one row per decision counted in `decided`, a page of
     * them (see `notesPaging`; the exported files list them all), in the order
     * they became final; null in the publishable version.
     */
    notes: z.array(decisionNote).nullable(),
    /** Internal version: which page `notes` is; null in the publishable version. */
    notesPaging: notesPaging.nullable(),
  }),
  funds: z.object({
    /** Budget periods overlapping the range, in date order. */
    periods: z.array(periodFunds),
    notes: z.array(textRef),
  }),
  background: z.object({
    /** Who is counted (persons admitted in the range). */
    notes: z.array(textRef),
    nationality: oneWayTable,
    gender: oneWayTable,
    ageBand: oneWayTable,
    childrenAccompanying: oneWayTable,
    childrenInHomeCountry: oneWayTable,
    /** Each person once: their one form, "more than one form", or not known. */
    exploitationForm: oneWayTable,
    /** Internal version: persons per form (multi-valued, also those with several); null in the publishable one. */
    exploitationFormsEach: oneWayTable.nullable(),
    /** Internal version: the combinations of persons with more than one form; null in the publishable one. */
    exploitationFormCombinations: z
      .array(z.object({ forms: z.array(z.string()), count: z.number().int() }))
      .nullable(),
    /** Multi-valued: persons per country (internal) or world region (publishable). */
    exploitationCountry: oneWayTable,
    policeReport: oneWayTable,
  }),
});
export type PeriodReport = z.infer<typeof periodReportReply>;
