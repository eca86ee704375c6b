import type { AppContext } from '../../core/context.js';
import type { Actor } from '../../core/access.js';
import { AppError, type FieldError } from '../../core/errors.js';
import { zodFields } from '../../core/http.js';
import { t, type Locale } from '../../core/i18n.js';
import { toCsv, toXlsx, type Table } from '../../core/export.js';
import { auditActor, type AuditEventInput } from '../../core/audit.js';
import {
  createBody as organisationBody,
  type OrganisationQuery,
} from '../organisations/organisations.schemas.js';
import { insertOrganisation, listOrganisations } from '../organisations/organisations.service.js';
import { createBody as contactBody, type ContactQuery } from '../contacts/contacts.schemas.js';
import { insertContact, listContacts } from '../contacts/contacts.service.js';
import {
  CONTACT_COLUMNS,
  CONTACT_REQUIRED,
  ORGANISATION_COLUMNS,
  ORGANISATION_REQUIRED,
  LIST_SEPARATOR,
  cellList,
  cellValue,
  readCsv,
} from './directory.csv.js';
import type { ImportKind, RowProblem } from './directory.schemas.js';

/**
 * CSV import of organisations and contact persons (preview, then all or
 * nothing) and CSV/XLSX export of any filtered directory list.
 */

const ORG_FIELD_TO_COLUMN: Record<string, string> = {
  authorityKind: 'authority_kind',
  publicPhone: 'phone',
  publicEmail: 'email',
  membershipSince: 'membership_since',
};
const CONTACT_FIELD_TO_COLUMN: Record<string, string> = {
  activeFrom: 'active_from',
  activeTo: 'active_to',
  organisationId: 'organisation',
};

function problem(
  locale: Locale,
  line: number,
  field: FieldError,
  columns: Record<string, string>,
): RowProblem {
  const head = field.path.split('.')[0] ?? field.path;
  return {
    line,
    field: columns[head] ?? head,
    code: field.code,
    message: t(locale, `validation.${field.code}`, field.params ?? {}),
  };
}

const nameKey = (county: string, name: string) => `${county}\u0000${name.toLocaleLowerCase('sv')}`;

export interface ImportResult {
  mode: 'preview' | 'commit';
  rows: number;
  problems: RowProblem[];
  created: number;
  sample: Array<Record<string, string>>;
}

export async function importDirectory(
  ctx: AppContext,
  actor: Actor,
  kind: ImportKind,
  bytes: Buffer,
  mode: 'preview' | 'commit',
  locale: Locale,
  requestId: string,
): Promise<ImportResult> {
  const isOrg = kind === 'organisations';
  const csv = readCsv(
    bytes,
    isOrg ? ORGANISATION_COLUMNS : CONTACT_COLUMNS,
    isOrg ? ORGANISATION_REQUIRED : CONTACT_REQUIRED,
  );
  const problems: RowProblem[] = [];
  const services = new Set(
    (
      await ctx.db.selectFrom('services').select('code').where('retired_at', 'is', null).execute()
    ).map((s) => s.code),
  );
  const organisations = await ctx.db
    .selectFrom('organisations')
    .select(['id', 'name', 'county'])
    .execute();
  const byName = new Map(organisations.map((o) => [nameKey(o.county, o.name), o.id]));

  const orgInputs: Array<{ line: number; input: ReturnType<typeof organisationBody.parse> }> = [];
  const contactInputs: Array<{ line: number; input: ReturnType<typeof contactBody.parse> }> = [];
  const seen = new Set<string>();

  for (const { line, values: v } of csv.records) {
    if (isOrg) {
      const parsed = organisationBody.safeParse({
        name: v.name ?? '',
        type: v.type ?? '',
        county: v.county ?? '',
        authorityKind: cellValue(v.authority_kind),
        municipality: cellValue(v.municipality),
        district: cellValue(v.district),
        country: cellValue(v.country),
        website: cellValue(v.website),
        publicPhone: cellValue(v.phone),
        publicEmail: cellValue(v.email),
        languages: cellList(v.languages),
        services: cellList(v.services),
        membership: cellValue(v.membership),
        membershipSince: cellValue(v.membership_since),
        about: cellValue(v.about),
      });
      // Every check of a row runs, so one pass over the file shows all its problems.
      if (!parsed.success) {
        for (const f of zodFields(parsed.error.issues))
          problems.push(problem(locale, line, f, ORG_FIELD_TO_COLUMN));
      }
      const key = nameKey((v.county ?? '').trim(), (v.name ?? '').trim());
      if (byName.has(key))
        problems.push(problem(locale, line, { path: 'name', code: 'organisation_exists' }, {}));
      else if (seen.has(key))
        problems.push(problem(locale, line, { path: 'name', code: 'duplicate_in_file' }, {}));
      seen.add(key);
      const unknown = (cellList(v.services) ?? []).filter((s) => !services.has(s));
      if (unknown.length > 0)
        problems.push(problem(locale, line, { path: 'services', code: 'unknown_service' }, {}));
      if (!parsed.success) continue;
      const input = parsed.data;
      if (input.authorityKind && input.type !== 'authority') {
        problems.push(
          problem(
            locale,
            line,
            { path: 'authorityKind', code: 'invalid_value' },
            ORG_FIELD_TO_COLUMN,
          ),
        );
      }
      if (input.type === 'partner_abroad' && !input.country)
        problems.push(problem(locale, line, { path: 'country', code: 'required' }, {}));
      orgInputs.push({ line, input });
    } else {
      const orgId = byName.get(nameKey(v.organisation_county ?? '', v.organisation ?? ''));
      if (!orgId) {
        problems.push(
          problem(locale, line, { path: 'organisation', code: 'unknown_organisation' }, {}),
        );
        continue;
      }
      const pub = (v.public ?? '').toLowerCase();
      const isPublic = ['yes', 'ja', 'true', '1'].includes(pub)
        ? true
        : ['', 'no', 'nej', 'false', '0'].includes(pub)
          ? false
          : null;
      if (isPublic === null)
        problems.push(problem(locale, line, { path: 'public', code: 'invalid_value' }, {}));
      const parsed = contactBody.safeParse({
        organisationId: orgId,
        name: v.name ?? '',
        title: cellValue(v.title),
        email: cellValue(v.email),
        phone: cellValue(v.phone),
        roles: cellList(v.roles),
        activeFrom: cellValue(v.active_from),
        activeTo: cellValue(v.active_to),
        public: isPublic ?? false,
      });
      if (!parsed.success) {
        for (const f of zodFields(parsed.error.issues))
          problems.push(problem(locale, line, f, CONTACT_FIELD_TO_COLUMN));
        continue;
      }
      contactInputs.push({ line, input: parsed.data });
    }
  }

  const sample = csv.records.slice(0, 20).map((r) => r.values);
  const rows = csv.records.length;
  if (mode === 'preview') return { mode, rows, problems, created: 0, sample };
  if (problems.length > 0) {
    throw new AppError(
      'validation',
      problems.map((p) => ({ path: `rows.${p.line}.${p.field}`, code: p.code })),
    );
  }

  const now = ctx.clock.now().toISOString();
  const created = await ctx.db.transaction().execute(async (tx) => {
    const events: AuditEventInput[] = [];
    if (isOrg) {
      for (const { input } of orgInputs) {
        const id = await insertOrganisation(tx, input, now, { prevalidated: true });
        events.push({
          ...auditActor(actor),
          action: 'organisation.imported',
          objectType: 'organisation',
          objectId: id,
          requestId,
        });
      }
    } else {
      for (const { input } of contactInputs) {
        const id = await insertContact(ctx, tx, input, now);
        events.push({
          ...auditActor(actor),
          action: 'contact.imported',
          objectType: 'contact_person',
          objectId: id,
          requestId,
        });
      }
    }
    await ctx.audit.append(tx, ...events);
    return events.length;
  });
  return { mode, rows, problems: [], created, sample };
}

const EXPORT_LIMIT = 50_000;

export async function exportOrganisations(
  ctx: AppContext,
  actor: Actor,
  q: Omit<OrganisationQuery, 'limit' | 'offset'>,
  format: 'csv' | 'xlsx',
  requestId: string,
): Promise<Buffer> {
  const { items } = await listOrganisations(ctx, { ...q, limit: EXPORT_LIMIT, offset: 0 });
  const table: Table = {
    headings: [...ORGANISATION_COLUMNS, 'certification', 'certified_to'],
    rows: items.map((o) => [
      o.name,
      o.type,
      o.authorityKind,
      o.county,
      o.municipality,
      o.district,
      o.country,
      o.website,
      o.publicPhone,
      o.publicEmail,
      o.languages.join(LIST_SEPARATOR),
      o.services.join(LIST_SEPARATOR),
      o.membership,
      o.membershipSince,
      o.about,
      o.certification?.status ?? null,
      o.certification?.certifiedTo ?? null,
    ]),
  };
  await auditExport(ctx, actor, 'organisations', requestId);
  return format === 'xlsx' ? toXlsx(table, 'Organisations') : toCsv(table);
}

export async function exportContacts(
  ctx: AppContext,
  actor: Actor,
  q: Omit<ContactQuery, 'limit' | 'offset'>,
  format: 'csv' | 'xlsx',
  requestId: string,
): Promise<Buffer> {
  const { items } = await listContacts(ctx, { ...q, limit: EXPORT_LIMIT, offset: 0 });
  const table: Table = {
    headings: [...CONTACT_COLUMNS],
    rows: items.map((c) => [
      c.organisationName,
      c.county,
      c.name,
      c.title,
      c.email,
      c.phone,
      c.roles.join(LIST_SEPARATOR),
      c.activeFrom,
      c.activeTo,
      c.public ? 'yes' : 'no',
    ]),
  };
  await auditExport(ctx, actor, 'contacts', requestId);
  return format === 'xlsx' ? toXlsx(table, 'Contacts') : toCsv(table);
}

/** A bulk copy of staff contact data leaves the system: that is worth a line in the audit trail. */
async function auditExport(
  ctx: AppContext,
  actor: Actor,
  what: string,
  requestId: string,
): Promise<void> {
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'directory.exported',
    objectType: what,
    requestId,
  });
}

/** An empty file with the right columns and one example row, to fill in. */
export function template(kind: ImportKind): Buffer {
  return kind === 'organisations'
    ? toCsv({
        headings: [...ORGANISATION_COLUMNS],
        rows: [
          [
            'Skyddat boende Exempel',
            'ngo',
            '',
            'M',
            'Malmö',
            '',
            '',
            'https://example.org',
            '+46401234567',
            'info@example.org',
            'sv|en|ro',
            'protected_housing_women|therapy',
            'member',
            '2016-03-01',
            '',
          ],
        ],
      })
    : toCsv({
        headings: [...CONTACT_COLUMNS],
        rows: [
          [
            'Skyddat boende Exempel',
            'M',
            'Anna Exempel',
            'Verksamhetsledare',
            'anna@example.org',
            '+46701234567',
            'trafficking_contact|deputy',
            '2024-01-01',
            '',
            'no',
          ],
        ],
      });
}
