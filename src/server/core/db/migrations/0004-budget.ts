import type { Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * The programme's budget (domain.md §3, Rates and budget): periods with their
 * funding sources, fixed costs and overhead share; payout posts with planned
 * units; the rates of each period; and the append-only ledger from which every
 * balance is derived.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('budget_periods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('programmes.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_on', t.date, (c) => c.notNull())
    .addColumn('ends_on', t.date, (c) => c.notNull())
    // The overhead share in basis points of the funds (1000 = 10 %).
    .addColumn('overhead_bp', 'integer', (c) => c.notNull())
    // open or closed; a closed period takes no decisions, rates, transfers or payouts.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed_at', t.timestamp)
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('budget_periods_programme')
    .on('budget_periods')
    .columns(['programme_id', 'starts_on'])
    .execute();

  // Grants, funds carried over, extra funds earmarked for one case or purpose, other grants.
  await db.schema
    .createTable('budget_funding_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('budget_periods.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('budget_funding_sources_period')
    .on('budget_funding_sources')
    .column('period_id')
    .execute();

  // The coordinator's salary share, travel, website and other lines.
  await db.schema
    .createTable('budget_fixed_costs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('budget_periods.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('budget_fixed_costs_period')
    .on('budget_fixed_costs')
    .column('period_id')
    .execute();

  // Payout posts: reflection, integration, intervention (one each per period) and others.
  await db.schema
    .createTable('budget_posts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('budget_periods.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Planned units (2 persons × 26 days × 1,200 SEK) or, when these are null, a plain amount.
    .addColumn('plan_persons', 'integer')
    .addColumn('plan_days', 'integer')
    .addColumn('plan_rate_ore', t.bigint)
    .addColumn('plan_amount_ore', t.bigint)
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('budget_posts_period')
    .on('budget_posts')
    .columns(['period_id', 'sort_order'])
    .execute();

  // The ledger: never updated or deleted. amount_ore is the entry's signed effect on the
  // post's remaining funds (budget, transfer_in and deduction add; commitment and
  // transfer_out take; a reversal negates the entry it reverses), except for payout
  // entries, which record money paid out against a commitment and leave remaining as it is.
  await db.schema
    .createTable('budget_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('budget_periods.id'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('budget_posts.id'))
    // 1, 2, 3 … per post: the statement's order; unique, so two writers cannot interleave.
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('decision_id', 'text', (c) => c.references('decisions.id'))
    .addColumn('transfer_id', 'text')
    .addColumn('reverses_id', 'text', (c) => c.references('budget_entries.id'))
    .addColumn('reference', 'text')
    .addColumn('reason_enc', 'text')
    .addColumn('entry_date', t.date, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('budget_entries_post_line')
    .on('budget_entries')
    .columns(['post_id', 'line_no'])
    .unique()
    .execute();
  await db.schema
    .createIndex('budget_entries_period')
    .on('budget_entries')
    .columns(['period_id', 'entry_date'])
    .execute();
  await db.schema
    .createIndex('budget_entries_decision')
    .on('budget_entries')
    .column('decision_id')
    .execute();

  // The rates of a period: a change adds a schedule and marks the previous one superseded,
  // so applications keep the rates they were priced with.
  await db.schema
    .alterTable('rate_schedules')
    .addColumn('budget_period_id', 'text', (c) => c.references('budget_periods.id'))
    .execute();
  await db.schema.alterTable('rate_schedules').addColumn('superseded_at', t.timestamp).execute();
}
