import { sql, type Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * The national support programme (domain.md §3): pseudonymised cases, their
 * notes and attachments, the five application types, decisions with their
 * grounds and the four-eyes approval, the rate schedule and the intervention
 * catalogue (both configurable later by the budget module).
 */

/** The 2016 pilot's intervention catalogue; amounts in öre. */
const INITIAL_INTERVENTIONS: ReadonlyArray<
  readonly [code: string, sv: string, en: string, unit: string, price: number | null, cap: number | null, responsibility: string]
> = [
  ['travel', 'Resa till skyddat boende', 'Travel to a shelter', 'item', null, 500_000, 'programme'],
  ['therapy_session', 'Terapisamtal', 'Therapy session', 'session', null, 500_000, 'programme'],
  ['passport', 'Pass', 'Passport', 'item', null, 500_000, 'programme'],
  ['passport_child', 'Pass för barn', 'Passport for a child', 'item', null, 500_000, 'programme'],
  ['medical_certificate', 'Läkarintyg', 'Medical certificate', 'item', null, 500_000, 'programme'],
  ['tattoo_removal', 'Borttagning eller rekonstruktion av tatuering', 'Tattoo removal or reconstruction', 'item', null, 500_000, 'programme'],
  ['lawyer_hours', 'Advokattimmar', 'Lawyer hours', 'hour', 250_000, 2_500_000, 'programme'],
  ['interpreter', 'Tolk', 'Interpreter', 'hour', null, 500_000, 'programme'],
  ['staff_training', 'Intern utbildning av personal', "Internal staff training", 'item', null, null, 'actor'],
  ['health_care', 'Hälso- och sjukvård', 'Health care', 'item', null, null, 'authority'],
  ['other', 'Annat', 'Other', 'item', null, 500_000, 'programme'],
]; // prettier-ignore

/** Grounds seen in practice (domain.md §3, Decisions). */
const INITIAL_GROUNDS: ReadonlyArray<readonly [string, string, string]> = [
  ['meets_criteria', 'Uppfyller programmets kriterier', "Meets the programme's criteria"],
  ['police_report_tut', 'Polisanmälan finns: polisen bör först ansöka om TUT och statens stöd', 'A police report exists: the police should first apply for a temporary residence permit (TUT) and state support'],
  ['no_integration_prerequisite', 'Uppehållstillstånd eller annan förutsättning för integration saknas', 'No residence permit or other prerequisite for integration'],
  ['period_passed', 'Den sökta perioden har redan passerat', 'The period applied for has already passed'],
  ['actor_responsibility', 'Kostnaden är aktörens eget ansvar', "The cost is the actor's own responsibility"],
  ['authority_responsibility', 'Kostnaden är en annan myndighets ansvar', "The cost is another authority's responsibility"],
  ['budget_restriction', 'Budgetbegränsning: färre dagar eller timmar än sökt', 'Budget restriction: fewer days or hours than applied for'],
  ['information_missing', 'Underlaget är ofullständigt', 'The decision basis is incomplete'],
  ['other', 'Annat skäl', 'Other grounds'],
]; // prettier-ignore

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  const now = new Date().toISOString();

  await db.schema
    .createTable('programmes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('code_prefix', 'text', (c) => c.notNull().unique())
    // The last case number handed out; incremented inside the creating transaction.
    .addColumn('last_case_number', 'integer', (c) => c.notNull())
    // Decisions above this amount need a second approval (four-eyes); null: never.
    .addColumn('approval_limit_ore', t.bigint)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await sql`insert into programmes (id, name, code_prefix, last_case_number, approval_limit_ore, created_at)
            values (${'00000000-0000-7000-8000-000000000001'}, ${'Nationellt stödprogram'}, ${'NSP'}, ${0}, ${null}, ${now})`.execute(
    db,
  );

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('programmes.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('protected_identity', 'integer', (c) => c.notNull())
    .addColumn('identity_note_enc', 'text')
    .addColumn('nationality', 'text')
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('children_count', 'integer', (c) => c.notNull())
    .addColumn('children_ages', 'text', (c) => c.notNull())
    .addColumn('children_in_home_country', 'integer', (c) => c.notNull())
    .addColumn('exploitation_forms', 'text', (c) => c.notNull())
    .addColumn('exploitation_countries', 'text', (c) => c.notNull())
    .addColumn('police_report', 'text', (c) => c.notNull())
    .addColumn('police_report_date', t.date)
    .addColumn('residence_status', 'text', (c) => c.notNull())
    .addColumn('housing_situation', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  // Case codes are unique per programme, also under concurrent creation.
  await db.schema
    .createIndex('cases_programme_number')
    .on('cases')
    .columns(['programme_id', 'number'])
    .unique()
    .execute();
  await db.schema
    .createIndex('cases_programme_code')
    .on('cases')
    .columns(['programme_id', 'code'])
    .unique()
    .execute();
  // The coordinator's case list, newest first.
  await db.schema.createIndex('cases_number').on('cases').column('number').execute();
  // A staff member's case list: their organisation's cases newest first, with the protection
  // flag in the index so both the page and the total are read from the index alone.
  await db.schema
    .createIndex('cases_owner')
    .on('cases')
    .columns(['owner_organisation_id', 'number', 'protected_identity'])
    .execute();

  // Staff named on a case with protected identity: only they (of the owning organisation) see it.
  await db.schema
    .createTable('case_protected_staff')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('case_protected_staff_pk', ['case_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('case_ownership_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('from_organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('to_organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('reason_enc', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('case_ownership_changes_case')
    .on('case_ownership_changes')
    .column('case_id')
    .execute();

  await db.schema
    .createTable('case_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('case_notes_case').on('case_notes').column('case_id').execute();

  await db.schema
    .createTable('case_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('file_name_enc', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_enc', t.blob, (c) => c.notNull())
    .addColumn('uploaded_at', t.timestamp, (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('case_attachments_case')
    .on('case_attachments')
    .column('case_id')
    .execute();

  // Rates per period (the budget module will manage them); amounts in öre.
  await db.schema
    .createTable('rate_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('valid_from', t.date, (c) => c.notNull())
    .addColumn('valid_to', t.date)
    .addColumn('reflection_daily_ore', t.bigint, (c) => c.notNull())
    .addColumn('reflection_child_daily_ore', t.bigint, (c) => c.notNull())
    .addColumn('protection_daily_ore', t.bigint, (c) => c.notNull())
    .addColumn('integration_daily_ore', t.bigint, (c) => c.notNull())
    .addColumn('integration_child_daily_ore', t.bigint, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await sql`insert into rate_schedules (id, valid_from, valid_to, reflection_daily_ore, reflection_child_daily_ore,
              protection_daily_ore, integration_daily_ore, integration_child_daily_ore, created_at)
            values (${'00000000-0000-7000-8000-000000000002'}, ${'2016-01-01'}, ${null}, ${120_000}, ${30_000},
              ${15_000}, ${60_000}, ${20_000}, ${now})`.execute(db);

  await db.schema
    .createTable('intervention_categories')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_sv', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    // item, session or hour: what the quantity counts.
    .addColumn('unit', 'text', (c) => c.notNull())
    // A fixed price per unit (lawyer hours); null: the actor states the cost.
    .addColumn('unit_price_ore', t.bigint)
    // The most one application should cost; above it the coordinator is warned.
    .addColumn('cap_ore', t.bigint)
    // programme, actor (the actor's own responsibility) or authority (another authority's).
    .addColumn('responsibility', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  for (const [i, [code, sv, en, unit, price, cap, resp]] of INITIAL_INTERVENTIONS.entries()) {
    await sql`insert into intervention_categories (code, name_sv, name_en, unit, unit_price_ore, cap_ore,
                responsibility, sort_order, retired_at, updated_at)
              values (${code}, ${sv}, ${en}, ${unit}, ${price}, ${cap}, ${resp}, ${(i + 1) * 10}, ${null}, ${now})`.execute(
      db,
    );
  }

  await db.schema
    .createTable('decision_grounds')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_sv', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  for (const [i, [code, sv, en]] of INITIAL_GROUNDS.entries()) {
    await sql`insert into decision_grounds (code, name_sv, name_en, sort_order)
              values (${code}, ${sv}, ${en}, ${(i + 1) * 10})`.execute(db);
  }

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('programmes.id'))
    // Null only for an inquiry made before a case exists.
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('period_from', t.date)
    .addColumn('period_to', t.date)
    .addColumn('days', 'integer')
    .addColumn('intervention_code', 'text', (c) => c.references('intervention_categories.code'))
    .addColumn('quantity', 'integer')
    .addColumn('unit_cost_ore', t.bigint)
    .addColumn('children_count', 'integer', (c) => c.notNull())
    .addColumn('protection_24h', 'integer', (c) => c.notNull())
    .addColumn('deductions_ore', t.bigint, (c) => c.notNull())
    .addColumn('deductions_by', 'text')
    .addColumn('amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('rate_schedule_id', 'text', (c) => c.references('rate_schedules.id'))
    .addColumn('justification_enc', 'text', (c) => c.notNull())
    // Rule checks for the coordinator (JSON list), recomputed when the application returns to the queue.
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('submitted_date', t.date, (c) => c.notNull())
    .addColumn('submitted_at', t.timestamp, (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.references('users.id'))
    // When it (re)entered the coordinator's queue; the queue is ordered by it.
    .addColumn('queued_at', t.timestamp, (c) => c.notNull())
    .addColumn('current_decision_id', 'text')
    .addColumn('decided_at', t.timestamp)
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('applications_queue')
    .on('applications')
    .columns(['status', 'queued_at', 'id'])
    .execute();
  await db.schema
    .createIndex('applications_case')
    .on('applications')
    .columns(['case_id', 'submitted_at'])
    .execute();
  await db.schema
    .createIndex('applications_organisation')
    .on('applications')
    .columns(['organisation_id', 'submitted_at'])
    .execute();

  // The dialogue when the coordinator asks for more information and the actor answers.
  await db.schema
    .createTable('application_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('application_messages_application')
    .on('application_messages')
    .column('application_id')
    .execute();

  // Decisions are never changed: a correction is a new decision that supersedes the last.
  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    // 1, 2, 3 … per application; the unique index lets exactly one of two concurrent decisions in.
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('grounds', 'text', (c) => c.notNull())
    .addColumn('rationale_enc', 'text', (c) => c.notNull())
    .addColumn('granted_days', 'integer')
    .addColumn('granted_quantity', 'integer')
    .addColumn('granted_amount_ore', t.bigint, (c) => c.notNull())
    .addColumn('condition_enc', 'text')
    .addColumn('condition_ends_on', t.date)
    .addColumn('supersedes_id', 'text', (c) => c.references('decisions.id'))
    // final, pending_approval (four-eyes) or rejected (the second approver said no).
    .addColumn('approval_status', 'text', (c) => c.notNull())
    .addColumn('decided_at', t.timestamp, (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', t.timestamp)
    .addColumn('approved_by', 'text', (c) => c.references('users.id'))
    .addColumn('approval_comment_enc', 'text')
    .execute();
  await db.schema
    .createIndex('decisions_application_sequence')
    .on('decisions')
    .columns(['application_id', 'sequence'])
    .unique()
    .execute();
  // Only the few decisions awaiting a second approval: a partial index, so the planner never
  // mistakes it for a way to the (almost all) final ones.
  await db.schema
    .createIndex('decisions_pending')
    .on('decisions')
    .column('decided_at')
    .where(sql.ref('approval_status'), '=', 'pending_approval')
    .execute();
}
