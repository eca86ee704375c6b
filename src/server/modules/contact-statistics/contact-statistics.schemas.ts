import { z } from 'zod';
import { id, isoDate, locale } from '../../core/schemas.js';
import { EXPLOITATION_FORMS, GENDERS } from '../../core/reference.js';

/**
 * Contact statistics (domain.md §5). A person the organisation met is counted
 * once: under the strongest certainty that applies (suspected, i.e. reported
 * to the police, before probable before possible), their gender, whether they
 * were an adult or a child, and the main form of exploitation.
 */
export const CERTAINTIES = ['possible', 'probable', 'suspected'] as const;
export type Certainty = (typeof CERTAINTIES)[number];

export const AGE_GROUPS = ['adult', 'child', 'unknown'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

/** Where an organisation's report for a year stands. */
export const REPORT_STATUSES = ['not_started', 'draft', 'submitted', 'reopened'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Every cell of the table once: 3 certainties × 4 genders × 3 age groups × 6 forms. */
export const MAX_CELLS =
  CERTAINTIES.length * GENDERS.length * AGE_GROUPS.length * EXPLOITATION_FORMS.length;

/** Persons in one cell or one total; far above what one organisation meets in a year. */
export const MAX_PERSONS = 100_000;
const persons = z.number().int().min(0).max(MAX_PERSONS);

/** The year's report: first year 2000, the current year at most (checked by the service). */
const year = z.number().int().min(2000).max(2100);
const version = z.number().int().min(1);

export const figure = z.strictObject({
  certainty: z.enum(CERTAINTIES),
  gender: z.enum(GENDERS),
  ageGroup: z.enum(AGE_GROUPS),
  form: z.enum(EXPLOITATION_FORMS),
  persons,
});
export type Figure = z.infer<typeof figure>;

const cellKey = (f: Pick<Figure, 'certainty' | 'gender' | 'ageGroup' | 'form'>): string =>
  `${f.certainty}|${f.gender}|${f.ageGroup}|${f.form}`;

/** Cells of the table; left out means zero. Each cell at most once. */
export const figures = z
  .array(figure)
  .max(MAX_CELLS)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, f] of list.entries()) {
      const key = cellKey(f);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: 'duplicate', path: [i] });
      seen.add(key);
    }
  });

/** Persons met per certainty, as the organisation states them; null while not yet known (drafts). */
export const totals = z.strictObject({
  possible: persons.nullable(),
  probable: persons.nullable(),
  suspected: persons.nullable(),
});
export type Totals = z.infer<typeof totals>;

/** A cell and a set of totals as answered (sums over organisations have no input bound). */
const figureOut = z.object({
  certainty: z.enum(CERTAINTIES),
  gender: z.enum(GENDERS),
  ageGroup: z.enum(AGE_GROUPS),
  form: z.enum(EXPLOITATION_FORMS),
  persons: z.number().int(),
});
const totalsOut = z.object({
  possible: z.number().int().nullable(),
  probable: z.number().int().nullable(),
  suspected: z.number().int().nullable(),
});

const countsByCertainty = z.object({
  possible: z.number().int(),
  probable: z.number().int(),
  suspected: z.number().int(),
});

/* ---------- the reporting organisation ---------- */

/**
 * Saves the report: a draft stays a draft; a submitted report is corrected (it
 * must add up, and it stays submitted). `expectedVersion` 0: there is no report yet.
 */
export const saveBody = z.strictObject({
  expectedVersion: z.number().int().min(0),
  totals,
  figures,
});
export type SaveInput = z.infer<typeof saveBody>;

export const submitBody = z.strictObject({ expectedVersion: version });

export const reportView = z.object({
  /** Null while the organisation has not started its report. */
  id: z.string().nullable(),
  roundId: z.string(),
  year: z.number().int(),
  deadline: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  status: z.enum(REPORT_STATUSES),
  /** 0 while there is no report. */
  version: z.number().int(),
  /** Whether the organisation may still save and submit (before the deadline, or reopened). */
  editable: z.boolean(),
  submittedAt: z.string().nullable(),
  reopenedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  totals: totalsOut,
  /** What the cells add up to per certainty (must equal `totals` on submission). */
  breakdownTotals: countsByCertainty,
  /** The non-zero cells, in the order of the vocabularies. */
  figures: z.array(figureOut),
});
export type ReportView = z.infer<typeof reportView>;

export const myReportsReply = z.object({
  items: z.array(
    z.object({
      roundId: z.string(),
      year: z.number().int(),
      deadline: z.string(),
      reportId: z.string().nullable(),
      status: z.enum(REPORT_STATUSES),
      version: z.number().int(),
      editable: z.boolean(),
      submittedAt: z.string().nullable(),
    }),
  ),
});

/* ---------- the coordinator ---------- */

export const openBody = z.strictObject({ year, deadline: isoDate });
export type OpenInput = z.infer<typeof openBody>;

export const roundPatchBody = z.strictObject({ expectedVersion: version, deadline: isoDate });
export type RoundPatchInput = z.infer<typeof roundPatchBody>;

/** Reminds the given organisations, or every one that has not submitted and still may. */
export const remindBody = z.strictObject({ organisationIds: z.array(id).max(1000).optional() });

export const reopenBody = z.strictObject({ organisationId: id });

/** The two versions of the national table: full counts (coordinator only) or disclosure-controlled. */
export const NATIONAL_VERSIONS = ['internal', 'publishable'] as const;
export type NationalVersion = (typeof NATIONAL_VERSIONS)[number];

/**
 * The publication threshold: counts from 1 to threshold − 1 are suppressed.
 * The lower bound (3) is the disclosure module's (`assertThreshold`, which
 * answers `threshold_too_low`); the upper bound only keeps the figure sane.
 */
const threshold = z.coerce.number().int().max(MAX_PERSONS).optional();

export const nationalQuery = z.strictObject({
  version: z.enum(NATIONAL_VERSIONS).default('internal'),
  threshold,
});
export type NationalQuery = z.infer<typeof nationalQuery>;

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  version: z.enum(NATIONAL_VERSIONS).default('internal'),
  threshold,
  /** The language of the file's headings: a link carries the browser's language, not the interface's. */
  lang: locale.optional(),
});
export type ExportQuery = z.infer<typeof exportQuery>;

export const roundView = z.object({
  id: z.string(),
  year: z.number().int(),
  deadline: z.string(),
  version: z.number().int(),
  openedAt: z.string(),
  deadlinePassed: z.boolean(),
  /** Organisations expected to report: the platform's civil-society organisations and any that has a report. */
  expected: z.number().int(),
  submitted: z.number().int(),
  lastReminderAt: z.string().nullable(),
});
export type RoundView = z.infer<typeof roundView>;

export const roundListReply = z.object({ items: z.array(roundView) });

export const roundOrganisation = z.object({
  organisationId: z.string(),
  name: z.string(),
  status: z.enum(REPORT_STATUSES),
  reportId: z.string().nullable(),
  submittedAt: z.string().nullable(),
  reopenedAt: z.string().nullable(),
  lastReminderAt: z.string().nullable(),
  reminders: z.number().int(),
});

export const roundDetail = roundView.extend({ organisations: z.array(roundOrganisation) });
export type RoundDetail = z.infer<typeof roundDetail>;

export const remindReply = z.object({
  sentAt: z.string(),
  /** Mails queued in the outbox. */
  recipients: z.number().int(),
  organisations: z.array(
    z.object({ organisationId: z.string(), name: z.string(), recipients: z.number().int() }),
  ),
});

export const nationalTable = z.object({
  roundId: z.string(),
  year: z.number().int(),
  deadline: z.string(),
  /** Organisations whose submitted reports the table sums. */
  reportingOrganisations: z.number().int(),
  expectedOrganisations: z.number().int(),
  totals: countsByCertainty.extend({ all: z.number().int() }),
  /** The non-zero cells: sums over every submitted report. */
  cells: z.array(figureOut),
});
export type NationalTable = z.infer<typeof nationalTable>;

/**
 * The summary tables published for the National Rapporteur: the persons of
 * each certainty by form of exploitation, by gender and by age group.
 */
export const SUMMARY_TABLES = ['certainty_form', 'certainty_gender', 'certainty_age'] as const;
export type SummaryTableKey = (typeof SUMMARY_TABLES)[number];
export const SUMMARY_DIMENSIONS = ['form', 'gender', 'ageGroup'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

/**
 * One figure of a summary table: a count (with its whole per cent when the
 * figure it is a share of is published), or suppressed by disclosure control
 * (`primary`: from 1 to threshold − 1; `secondary`: hidden so that a primary
 * figure cannot be worked out; `withheld`: the table could not be protected).
 */
export const summaryFigure = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('published'),
    count: z.number().int(),
    percent: z.number().int().optional(),
  }),
  z.object({
    state: z.literal('suppressed'),
    reason: z.enum(['primary', 'secondary', 'withheld']),
  }),
]);
export type SummaryFigure = z.infer<typeof summaryFigure>;

/**
 * A certainty × category table with its totals. Cell percentages are shares
 * of the row (the certainty's persons); row and column totals are shares of
 * the grand total.
 */
export const summaryTable = z.object({
  key: z.enum(SUMMARY_TABLES),
  dimension: z.enum(SUMMARY_DIMENSIONS),
  /** The column categories in order (forms of exploitation, genders or age groups). */
  categories: z.array(z.string()),
  rows: z.array(
    z.object({
      certainty: z.enum(CERTAINTIES),
      cells: z.array(summaryFigure),
      total: summaryFigure,
    }),
  ),
  columnTotals: z.array(summaryFigure),
  total: summaryFigure,
  /** Nothing of the table could be published. */
  withheld: z.boolean(),
});
export type SummaryTable = z.infer<typeof summaryTable>;

/** The internal version: the full cells as before, and the summary tables with full counts. */
export const internalNationalReply = nationalTable.extend({
  version: z.literal('internal'),
  tables: z.array(summaryTable),
});
export type InternalNationalReply = z.infer<typeof internalNationalReply>;

/**
 * The publishable version: only the summary tables, through disclosure
 * control (no full cells, no organisation names).
 */
export const publishableNationalReply = z.object({
  version: z.literal('publishable'),
  roundId: z.string(),
  year: z.number().int(),
  deadline: z.string(),
  reportingOrganisations: z.number().int(),
  expectedOrganisations: z.number().int(),
  threshold: z.number().int(),
  tables: z.array(summaryTable),
});
export type PublishableNationalReply = z.infer<typeof publishableNationalReply>;

export const nationalReply = z.discriminatedUnion('version', [
  internalNationalReply,
  publishableNationalReply,
]);
export type NationalReply = z.infer<typeof nationalReply>;

export const submissionsReply = z.object({
  items: z.array(
    z.object({
      organisationId: z.string(),
      organisationName: z.string(),
      reportId: z.string(),
      version: z.number().int(),
      submittedAt: z.string().nullable(),
      totals: totalsOut,
      figures: z.array(figureOut),
    }),
  ),
});
