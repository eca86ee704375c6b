import { sql, type Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * Contact statistics (domain.md §5): once a year every civil-society
 * organisation of the platform reports how many persons possibly, probably or
 * suspectedly (police-reported) exposed to trafficking it met, and the
 * coordinator compiles the national table for the National Rapporteur.
 *
 * - A round per year, with its deadline (a Stockholm calendar date).
 * - A report per organisation and round: draft or submitted, a version for
 *   optimistic concurrency, and the per-certainty totals of persons the
 *   organisation declares (the breakdown must add up to them on submission).
 *   `reopened` is 1 while a reopening by the coordinator after the deadline is
 *   unused: it lets the organisation save and submit once more.
 * - Figures: one row per non-zero cell of certainty × gender × age group ×
 *   form of exploitation. A person is counted once, under the strongest
 *   certainty that applies and the main form of exploitation, so every margin
 *   of the table is a plain sum and the national table is one GROUP BY.
 * - Reminders: when the coordinator reminded which organisation, and how many
 *   of its users the mail went to.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('contact_stat_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull().unique())
    .addColumn('deadline', t.date, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('opened_at', t.timestamp, (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();

  await db.schema
    .createTable('contact_stat_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('contact_stat_rounds.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    // draft or submitted
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // Persons met per certainty, as the organisation states them (null: not yet given).
    .addColumn('total_possible', 'integer')
    .addColumn('total_probable', 'integer')
    .addColumn('total_suspected', 'integer')
    .addColumn('submitted_at', t.timestamp)
    .addColumn('submitted_by', 'text', (c) => c.references('users.id'))
    .addColumn('reopened', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopened_at', t.timestamp)
    .addColumn('reopened_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .addCheckConstraint(
      'contact_stat_reports_totals',
      sql`coalesce(total_possible, 0) >= 0 and coalesce(total_probable, 0) >= 0 and coalesce(total_suspected, 0) >= 0`,
    )
    .execute();
  // One report per organisation and year; the national table reads a round's submitted reports.
  await db.schema
    .createIndex('contact_stat_reports_round_org')
    .on('contact_stat_reports')
    .columns(['round_id', 'organisation_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('contact_stat_reports_round_status')
    .on('contact_stat_reports')
    .columns(['round_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('contact_stat_reports_org')
    .on('contact_stat_reports')
    .column('organisation_id')
    .execute();

  await db.schema
    .createTable('contact_stat_figures')
    .addColumn('report_id', 'text', (c) => c.notNull().references('contact_stat_reports.id'))
    // possible, probable or suspected (police-reported)
    .addColumn('certainty', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    // adult, child or unknown
    .addColumn('age_group', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('persons', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_stat_figures_pk', [
      'report_id',
      'certainty',
      'gender',
      'age_group',
      'form',
    ])
    .addCheckConstraint('contact_stat_figures_persons', sql`persons >= 0`)
    .execute();

  await db.schema
    .createTable('contact_stat_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('contact_stat_rounds.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('sent_at', t.timestamp, (c) => c.notNull())
    .addColumn('sent_by', 'text', (c) => c.references('users.id'))
    // How many of the organisation's users the reminder was mailed to (0: nobody to mail).
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_stat_reminders_round_org')
    .on('contact_stat_reminders')
    .columns(['round_id', 'organisation_id', 'sent_at'])
    .execute();
}
