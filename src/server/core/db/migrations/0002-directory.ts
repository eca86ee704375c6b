import { sql, type Kysely } from 'kysely';
import { columnTypes, type DialectName } from '../dialect.js';

/**
 * The network directory: organisation profiles, the service catalogue,
 * contact persons, certification of support actors, working groups.
 */
/** The catalogue as first delivered; later changes are made in the app, not here. */
const INITIAL_SERVICES: ReadonlyArray<readonly [string, string, string]> = [
  ['protected_housing_women', 'Skyddat boende för kvinnor', 'Protected housing for women'],
  ['protected_housing_men', 'Skyddat boende för män', 'Protected housing for men'],
  ['protected_housing_children', 'Skyddat boende för barn', 'Protected housing for children'],
  ['protection_24h', 'Skydd dygnet runt', '24-hour protection'],
  ['legal_counsel', 'Juridisk rådgivning', 'Legal counsel'],
  ['therapy', 'Terapi och samtalsstöd', 'Therapy and counselling'],
  ['health_care', 'Hälso- och sjukvård', 'Health care'],
  ['interpreter', 'Tolk', 'Interpreter'],
  ['return_support', 'Stöd vid återvändande', 'Return support'],
  ['reintegration_abroad', 'Återintegrering i hemlandet', 'Reintegration abroad'],
  ['employment_education', 'Arbete och utbildning', 'Employment and education'],
  ['outreach', 'Uppsökande verksamhet', 'Outreach'],
  ['helpline', 'Stödlinje', 'Helpline'],
];

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  for (const [name, type] of [
    ['authority_kind', 'text'],
    ['municipality', 'text'],
    ['district', 'text'],
    ['country', 'text'],
    ['website', 'text'],
    ['public_phone', 'text'],
    ['public_email', 'text'],
    ['about', 'text'],
  ] as const) {
    await db.schema.alterTable('organisations').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('organisations')
    .addColumn('membership', 'text', (c) => c.notNull().defaultTo('none'))
    .execute();
  await db.schema.alterTable('organisations').addColumn('membership_since', t.date).execute();
  await db.schema
    .createIndex('organisations_type')
    .on('organisations')
    .columns(['type', 'county'])
    .execute();

  await db.schema
    .createTable('organisation_languages')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('language', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('organisation_languages_pk', ['organisation_id', 'language'])
    .execute();
  await db.schema
    .createIndex('organisation_languages_language')
    .on('organisation_languages')
    .column('language')
    .execute();

  // The catalogue of services, maintained by the coordinator; codes never change.
  await db.schema
    .createTable('services')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_sv', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  for (const [i, [code, nameSv, nameEn]] of INITIAL_SERVICES.entries()) {
    await sql`insert into services (code, name_sv, name_en, sort_order, retired_at, created_at)
              values (${code}, ${nameSv}, ${nameEn}, ${(i + 1) * 10}, ${null}, ${now})`.execute(db);
  }

  await db.schema
    .createTable('organisation_services')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addPrimaryKeyConstraint('organisation_services_pk', ['organisation_id', 'service_code'])
    .execute();
  await db.schema
    .createIndex('organisation_services_service')
    .on('organisation_services')
    .column('service_code')
    .execute();

  await db.schema
    .createTable('contact_persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('active_from', t.date)
    .addColumn('active_to', t.date)
    .addColumn('public_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_persons_organisation')
    .on('contact_persons')
    .column('organisation_id')
    .execute();
  await db.schema
    .createIndex('contact_persons_name')
    .on('contact_persons')
    .column('name')
    .execute();

  await db.schema
    .createTable('contact_person_roles')
    .addColumn('contact_person_id', 'text', (c) =>
      c.notNull().references('contact_persons.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_person_roles_pk', ['contact_person_id', 'role'])
    .execute();

  await db.schema
    .createTable('certifications')
    .addColumn('organisation_id', 'text', (c) => c.primaryKey().references('organisations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('certified_from', t.date)
    .addColumn('certified_to', t.date)
    .addColumn('review_date', t.date)
    .addColumn('conditions', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('certifications_status')
    .on('certifications')
    .columns(['status', 'certified_to'])
    .execute();

  await db.schema
    .createTable('certification_services')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('certifications.organisation_id').onDelete('cascade'),
    )
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addPrimaryKeyConstraint('certification_services_pk', ['organisation_id', 'service_code'])
    .execute();

  // Every change of a certification, with who and why; never updated.
  await db.schema
    .createTable('certification_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('certified_from', t.date)
    .addColumn('certified_to', t.date)
    .addColumn('review_date', t.date)
    .addColumn('conditions', 'text')
    .addColumn('services', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('certification_history_org')
    .on('certification_history')
    .columns(['organisation_id', 'version'])
    .unique()
    .execute();

  await db.schema
    .createTable('certification_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_enc', t.blob, (c) => c.notNull())
    .addColumn('uploaded_at', t.timestamp, (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.references('users.id'))
    .addColumn('removed_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('certification_documents_org')
    .on('certification_documents')
    .column('organisation_id')
    .execute();

  await db.schema
    .createTable('working_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('convenor_organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('convenor_contact_id', 'text', (c) => c.references('contact_persons.id'))
    .addColumn('closed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('working_group_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('working_group_id', 'text', (c) =>
      c.notNull().references('working_groups.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('contact_person_id', 'text', (c) =>
      c.references('contact_persons.id').onDelete('cascade'),
    )
    .addColumn('added_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('working_group_members_group')
    .on('working_group_members')
    .column('working_group_id')
    .execute();
}
