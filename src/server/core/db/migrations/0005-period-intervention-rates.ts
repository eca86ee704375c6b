import { sql, type Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * A period's rates include the intervention catalogue's prices and caps
 * (lawyer 2,500 SEK/h, a cap of 500–5,000 SEK per intervention): each rate
 * schedule of a period holds its own copy, so that changing them for one period
 * changes neither another period nor the applications already priced. Also
 * covering indexes that let balances, a post's statement page and a decision's
 * sums be read from the index alone.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('rate_schedule_interventions')
    .addColumn('rate_schedule_id', 'text', (c) => c.notNull().references('rate_schedules.id'))
    .addColumn('intervention_code', 'text', (c) =>
      c.notNull().references('intervention_categories.code'),
    )
    // A fixed price per unit (an hourly rate); null: the actor states the cost.
    .addColumn('unit_price_ore', t.bigint)
    // The most one application should cost in this period; null: no cap.
    .addColumn('cap_ore', t.bigint)
    .addPrimaryKeyConstraint('rate_schedule_interventions_pk', [
      'rate_schedule_id',
      'intervention_code',
    ])
    .execute();

  // The periods that exist already take the catalogue's current prices and caps.
  await sql`insert into rate_schedule_interventions (rate_schedule_id, intervention_code, unit_price_ore, cap_ore)
            select r.id, i.code, i.unit_price_ore, i.cap_ore
            from rate_schedules r cross join intervention_categories i
            where r.budget_period_id is not null`.execute(db);

  await db.schema
    .createIndex('budget_entries_post_date')
    .on('budget_entries')
    .columns(['post_id', 'entry_date', 'line_no', 'kind', 'amount_ore'])
    .execute();
  // Balances of a period at a date, from the index alone (it replaces the narrower one).
  await db.schema.dropIndex('budget_entries_period').execute();
  await db.schema
    .createIndex('budget_entries_period_sums')
    .on('budget_entries')
    .columns(['period_id', 'entry_date', 'post_id', 'kind', 'amount_ore'])
    .execute();
  // The other half of a transfer, for the statement's counterpart post.
  await db.schema
    .createIndex('budget_entries_transfer')
    .on('budget_entries')
    .column('transfer_id')
    .where(sql.ref('transfer_id'), 'is not', null)
    .execute();
  // What a decision has committed and been paid on a post, from the index alone.
  await db.schema.dropIndex('budget_entries_decision').execute();
  await db.schema
    .createIndex('budget_entries_decision_sums')
    .on('budget_entries')
    .columns(['decision_id', 'post_id', 'entry_date', 'kind', 'amount_ore'])
    .execute();
}
