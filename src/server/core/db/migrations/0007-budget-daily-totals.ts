import { sql, type Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * Per post, day and entry kind: the sum and number of the ledger's entries,
 * kept by the one function that appends to the ledger, in the same
 * transaction. Balances at a date, a post's remaining funds and a statement's
 * line count are then sums over days instead of over every entry. The ledger
 * stays the record: the property test checks that the totals equal its sums.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('budget_daily_totals')
    .addColumn('post_id', 'text', (c) => c.notNull().references('budget_posts.id'))
    .addColumn('entry_date', t.date, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_id', 'text', (c) => c.notNull().references('budget_periods.id'))
    .addColumn('amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_daily_totals_pk', ['post_id', 'entry_date', 'kind'])
    .execute();
  await db.schema
    .createIndex('budget_daily_totals_period')
    .on('budget_daily_totals')
    .columns(['period_id', 'entry_date', 'post_id', 'kind', 'amount_ore'])
    .execute();

  await sql`insert into budget_daily_totals (post_id, entry_date, kind, period_id, amount_ore, lines)
            select post_id, entry_date, kind, min(period_id), sum(amount_ore), count(*)
            from budget_entries group by post_id, entry_date, kind`.execute(db);
}
