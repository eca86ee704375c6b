import type { AppContext } from '../../core/context.js';
import {
  assertMayEditOrganisation,
  assertOrganisationScope,
  type Actor,
  type Role,
} from '../../core/access.js';
import { AppError, type FieldError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { ilike } from '../../core/db/dialect.js';
import type { Db, Tx } from '../../core/db/database.js';
import { stockholmDate } from '../../core/time.js';
import type {
  AuthorityKind,
  CertificationStatus,
  County,
  Membership,
  OrganisationType,
} from '../../core/reference.js';
import { assertServicesExist } from '../services/services.service.js';
import { effectiveStatus } from '../certification/certification.service.js';
import type {
  OrganisationInput,
  OrganisationQuery,
  OrganisationUpdate,
  OrganisationView,
} from './organisations.schemas.js';
import { auditActor } from '../../core/audit.js';

/**
 * The directory of the partnership: who takes part, where, what help they
 * offer, and whether they are certified for the support programme.
 */

function baseQuery(db: Db | Tx) {
  return db
    .selectFrom('organisations as o')
    .leftJoin('certifications as cert', 'cert.organisation_id', 'o.id')
    .select([
      'o.id',
      'o.name',
      'o.type',
      'o.authority_kind',
      'o.county',
      'o.municipality',
      'o.district',
      'o.country',
      'o.website',
      'o.public_phone',
      'o.public_email',
      'o.about',
      'o.membership',
      'o.membership_since',
      'o.created_at',
      'o.updated_at',
      'cert.status as cert_status',
      'cert.certified_to as cert_to',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

/** Multi-valued attributes of a page of organisations, fetched in one query each. */
async function attach(db: Db | Tx, ids: string[]) {
  const languages = new Map<string, string[]>();
  const services = new Map<string, string[]>();
  const certServices = new Map<string, string[]>();
  // Counted for the page only: as correlated subqueries they ran for every match of a search.
  const userCounts = new Map<string, number>();
  const contactCounts = new Map<string, number>();
  const push = (m: Map<string, string[]>, k: string, v: string) =>
    m.set(k, [...(m.get(k) ?? []), v]);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of await db
      .selectFrom('organisation_languages')
      .select(['organisation_id', 'language'])
      .where('organisation_id', 'in', chunk)
      .orderBy('language')
      .execute())
      push(languages, r.organisation_id, r.language);
    for (const r of await db
      .selectFrom('organisation_services as os')
      .innerJoin('services as s', 's.code', 'os.service_code')
      .select(['os.organisation_id', 'os.service_code'])
      .where('os.organisation_id', 'in', chunk)
      .orderBy('s.sort_order')
      .execute())
      push(services, r.organisation_id, r.service_code);
    for (const r of await db
      .selectFrom('certification_services')
      .select(['organisation_id', 'service_code'])
      .where('organisation_id', 'in', chunk)
      .orderBy('service_code')
      .execute())
      push(certServices, r.organisation_id, r.service_code);
    for (const r of await db
      .selectFrom('users')
      .select((eb) => ['organisation_id', eb.fn.countAll<number>().as('n')])
      .where('organisation_id', 'in', chunk)
      .where('disabled_at', 'is', null)
      .groupBy('organisation_id')
      .execute())
      userCounts.set(r.organisation_id, Number(r.n));
    for (const r of await db
      .selectFrom('contact_persons')
      .select((eb) => ['organisation_id', eb.fn.countAll<number>().as('n')])
      .where('organisation_id', 'in', chunk)
      .groupBy('organisation_id')
      .execute())
      contactCounts.set(r.organisation_id, Number(r.n));
  }
  return { languages, services, certServices, userCounts, contactCounts };
}

async function toViews(db: Db | Tx, rows: Row[], today: string): Promise<OrganisationView[]> {
  const extra = await attach(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type as OrganisationType,
    authorityKind: r.authority_kind as AuthorityKind | null,
    county: r.county as County,
    municipality: r.municipality,
    district: r.district,
    country: r.country,
    website: r.website,
    publicPhone: r.public_phone,
    publicEmail: r.public_email,
    about: r.about,
    languages: extra.languages.get(r.id) ?? [],
    services: extra.services.get(r.id) ?? [],
    membership: r.membership as Membership,
    membershipSince: r.membership_since,
    certification: r.cert_status
      ? {
          status: effectiveStatus(r.cert_status as CertificationStatus, r.cert_to, today),
          certifiedTo: r.cert_to,
          services: extra.certServices.get(r.id) ?? [],
        }
      : null,
    userCount: extra.userCounts.get(r.id) ?? 0,
    contactCount: extra.contactCounts.get(r.id) ?? 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function listOrganisations(
  ctx: AppContext,
  q: OrganisationQuery,
): Promise<{ items: OrganisationView[]; total: number }> {
  const today = stockholmDate(ctx.clock.now());
  let query = baseQuery(ctx.db);
  if (q.q) {
    const needle = q.q;
    query = query.where((eb) =>
      eb.or([
        ilike(ctx.dialect, eb.ref('o.name'), needle),
        ilike(ctx.dialect, eb.ref('o.municipality'), needle),
      ]),
    );
  }
  if (q.type) query = query.where('o.type', '=', q.type);
  if (q.county) query = query.where('o.county', '=', q.county);
  if (q.membership) query = query.where('o.membership', '=', q.membership);
  if (q.service) {
    const service = q.service;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisation_services as os')
          .select('os.service_code')
          .whereRef('os.organisation_id', '=', 'o.id')
          .where('os.service_code', '=', service),
      ),
    );
  }
  if (q.language) {
    const language = q.language;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisation_languages as ol')
          .select('ol.language')
          .whereRef('ol.organisation_id', '=', 'o.id')
          .where('ol.language', '=', language),
      ),
    );
  }
  if (q.certification) {
    // Past its end date, a certification counts as expired.
    const status = q.certification;
    if (status === 'certified') {
      query = query.where('cert.status', '=', 'certified').where('cert.certified_to', '>=', today);
    } else if (status === 'expired') {
      query = query.where((eb) =>
        eb.or([
          eb('cert.status', '=', 'expired'),
          eb.and([eb('cert.status', '=', 'certified'), eb('cert.certified_to', '<', today)]),
        ]),
      );
    } else {
      query = query.where('cert.status', '=', status);
    }
  }
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('o.name')
    .orderBy('o.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items: await toViews(ctx.db, rows, today), total: Number(total.n) };
}

/**
 * "Who can help": organisations that offer a service in a county, or
 * nationwide; those certified for that very service first, then other
 * certified ones, then the rest, each by name.
 */
export async function whoCanHelp(
  ctx: AppContext,
  q: { service: string; county: County; limit: number },
) {
  const today = stockholmDate(ctx.clock.now());
  // Ranked on a slim row per match; full profiles are built for the page only.
  const matches = await ctx.db
    .selectFrom('organisations as o')
    .leftJoin('certifications as cert', 'cert.organisation_id', 'o.id')
    .select((eb) => [
      'o.id',
      'o.name',
      'o.county',
      'cert.status',
      'cert.certified_to',
      eb
        .exists(
          eb
            .selectFrom('certification_services as cs')
            .select('cs.service_code')
            .whereRef('cs.organisation_id', '=', 'o.id')
            .where('cs.service_code', '=', q.service),
        )
        .as('covers'),
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisation_services as os')
          .select('os.service_code')
          .whereRef('os.organisation_id', '=', 'o.id')
          .where('os.service_code', '=', q.service),
      ),
    )
    .where((eb) => eb.or([eb('o.county', '=', q.county), eb('o.county', '=', 'national')]))
    .execute();
  const rank = (m: (typeof matches)[number]): number => {
    const certified =
      m.status !== null &&
      effectiveStatus(m.status as CertificationStatus, m.certified_to, today) === 'certified';
    if (certified && Boolean(m.covers)) return 0;
    return certified ? 1 : 2;
  };
  const national = (m: (typeof matches)[number]) =>
    m.county === 'national' && q.county !== 'national';
  const ranked = matches
    .map((m) => ({ id: m.id, name: m.name, rank: rank(m), national: national(m) }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        Number(a.national) - Number(b.national) ||
        a.name.localeCompare(b.name, 'sv'),
    )
    .slice(0, q.limit);
  const rows = ranked.length
    ? await baseQuery(ctx.db)
        .where(
          'o.id',
          'in',
          ranked.map((r) => r.id),
        )
        .execute()
    : [];
  const views = new Map((await toViews(ctx.db, rows, today)).map((v) => [v.id, v]));
  const items = ranked.flatMap((r) => {
    const v = views.get(r.id);
    return v ? [{ ...v, certifiedForService: r.rank === 0, national: r.national }] : [];
  });
  return { total: matches.length, items };
}

export async function getOrganisation(
  ctx: AppContext,
  id: string,
  db: Db | Tx = ctx.db,
): Promise<OrganisationView> {
  const row = await baseQuery(db).where('o.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  const [view] = await toViews(db, [row], stockholmDate(ctx.clock.now()));
  return view!;
}

/** Names are unique within a county, compared case-insensitively (Unicode-aware: "Skåne" and "SKÅNE" clash). */
export async function assertNameFree(
  tx: Tx,
  name: string,
  county: string,
  exceptId?: string,
): Promise<void> {
  let q = tx.selectFrom('organisations').select(['id', 'name']).where('county', '=', county);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const rows = await q.execute();
  if (rows.some((r) => r.name.toLocaleLowerCase('sv') === name.toLocaleLowerCase('sv'))) {
    throw new AppError('organisation_exists', [{ path: 'name', code: 'invalid_value' }]);
  }
}

interface Profile {
  type: string;
  authorityKind: string | null;
  country: string | null;
  membership: string;
  membershipSince: string | null;
}

/** Rules that span fields, checked on the profile as it will be stored. */
export function profileProblems(p: Profile): FieldError[] {
  const problems: FieldError[] = [];
  if (p.authorityKind && p.type !== 'authority')
    problems.push({ path: 'authorityKind', code: 'invalid_value' });
  if (p.type === 'partner_abroad' && !p.country)
    problems.push({ path: 'country', code: 'required' });
  if (p.membershipSince && p.membership === 'none')
    problems.push({ path: 'membershipSince', code: 'invalid_value' });
  return problems;
}

async function setLanguages(tx: Tx, id: string, languages: readonly string[]): Promise<void> {
  await tx.deleteFrom('organisation_languages').where('organisation_id', '=', id).execute();
  const unique = [...new Set(languages)];
  if (unique.length > 0) {
    await tx
      .insertInto('organisation_languages')
      .values(unique.map((language) => ({ organisation_id: id, language })))
      .execute();
  }
}

async function setServices(tx: Tx, id: string, services: readonly string[]): Promise<void> {
  await tx.deleteFrom('organisation_services').where('organisation_id', '=', id).execute();
  const unique = [...new Set(services)];
  if (unique.length > 0) {
    await tx
      .insertInto('organisation_services')
      .values(unique.map((service_code) => ({ organisation_id: id, service_code })))
      .execute();
  }
}

/** Inserts one organisation inside the caller's transaction (the API and the CSV import). */
export async function insertOrganisation(
  tx: Tx,
  input: OrganisationInput,
  now: string,
  options: { prevalidated?: boolean } = {},
): Promise<string> {
  const problems = profileProblems({
    type: input.type,
    authorityKind: input.authorityKind ?? null,
    country: input.country ?? null,
    membership: input.membership ?? 'none',
    membershipSince: input.membershipSince ?? null,
  });
  if (problems.length > 0) throw new AppError('validation', problems);
  // The CSV import checks names and services for the whole file at once.
  if (!options.prevalidated) {
    await assertNameFree(tx, input.name, input.county);
    await assertServicesExist(tx, input.services ?? [], 'services');
  }
  const id = newId();
  await tx
    .insertInto('organisations')
    .values({
      id,
      name: input.name,
      type: input.type,
      county: input.county,
      authority_kind: input.authorityKind ?? null,
      municipality: input.municipality ?? null,
      district: input.district ?? null,
      country: input.country ?? null,
      website: input.website ?? null,
      public_phone: input.publicPhone ?? null,
      public_email: input.publicEmail ?? null,
      about: input.about ?? null,
      membership: input.membership ?? 'none',
      membership_since: input.membershipSince ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await setLanguages(tx, id, input.languages ?? []);
  await setServices(tx, id, input.services ?? []);
  return id;
}

export async function createOrganisation(
  ctx: AppContext,
  actor: Actor,
  input: OrganisationInput,
  requestId: string,
): Promise<OrganisationView> {
  return ctx.db.transaction().execute(async (tx) => {
    const id = await insertOrganisation(tx, input, ctx.clock.now().toISOString());
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'organisation.created',
      objectType: 'organisation',
      objectId: id,
      requestId,
    });
    return getOrganisation(ctx, id, tx);
  });
}

/** Platform membership is decided by the platform, not by the organisation itself. */
const MEMBERSHIP_EDITORS: ReadonlySet<Role> = new Set(['admin', 'coordinator']);

export async function updateOrganisation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: OrganisationUpdate,
  requestId: string,
): Promise<OrganisationView> {
  return ctx.db.transaction().execute(async (tx) => {
    const org = await tx
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!org) throw new AppError('not_found');
    assertMayEditOrganisation(actor, id);
    if (
      (input.membership !== undefined || input.membershipSince !== undefined) &&
      !MEMBERSHIP_EDITORS.has(actor.role)
    ) {
      throw new AppError('forbidden');
    }
    const merged = {
      type: input.type ?? org.type,
      authorityKind: input.authorityKind !== undefined ? input.authorityKind : org.authority_kind,
      country: input.country !== undefined ? input.country : org.country,
      membership: input.membership ?? org.membership,
      membershipSince:
        input.membershipSince !== undefined ? input.membershipSince : org.membership_since,
    };
    // Changing the type away from authority clears the authority kind rather than refusing.
    if (input.type !== undefined && input.type !== 'authority' && input.authorityKind === undefined)
      merged.authorityKind = null;
    if (input.membership === 'none' && input.membershipSince === undefined)
      merged.membershipSince = null;
    const problems = profileProblems(merged);
    if (problems.length > 0) throw new AppError('validation', problems);
    await assertNameFree(tx, input.name ?? org.name, input.county ?? org.county, id);
    if (input.services !== undefined) {
      const current = await tx
        .selectFrom('organisation_services')
        .select('service_code')
        .where('organisation_id', '=', id)
        .execute();
      await assertServicesExist(
        tx,
        input.services,
        'services',
        current.map((c) => c.service_code),
      );
    }
    const opt = <T>(v: T | undefined, column: string) => (v !== undefined ? { [column]: v } : {});
    await tx
      .updateTable('organisations')
      .set({
        ...opt(input.name, 'name'),
        ...opt(input.type, 'type'),
        ...opt(input.county, 'county'),
        authority_kind: merged.authorityKind,
        ...opt(input.municipality, 'municipality'),
        ...opt(input.district, 'district'),
        ...opt(input.country, 'country'),
        ...opt(input.website, 'website'),
        ...opt(input.publicPhone, 'public_phone'),
        ...opt(input.publicEmail, 'public_email'),
        ...opt(input.about, 'about'),
        membership: merged.membership,
        membership_since: merged.membershipSince,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    if (input.languages !== undefined) await setLanguages(tx, id, input.languages);
    if (input.services !== undefined) await setServices(tx, id, input.services);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'organisation.updated',
      objectType: 'organisation',
      objectId: id,
      requestId,
    });
    return getOrganisation(ctx, id, tx);
  });
}

/** Colleagues of one organisation. Outside admins and the coordinator, only one's own organisation (else 404). */
export async function listMembers(ctx: AppContext, actor: Actor, organisationId: string) {
  assertOrganisationScope(actor, organisationId);
  const org = await ctx.db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('not_found');
  const rows = await ctx.db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
  return { items: rows.map((r) => ({ ...r, role: r.role as Role })) };
}
