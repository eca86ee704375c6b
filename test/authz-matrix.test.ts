/**
 * The authorisation matrix: every route of the API × every role (and, for
 * routes about an organisation or a user, a target in the actor's own
 * organisation and one in another), plus anonymous requests and sessions
 * still owing their second factor. The test walks the app's ACTUAL route
 * table: a route missing here (or listed here but gone) fails the suite.
 *
 * Outcomes:
 *   A  allowed: the route's success status (2xx)
 *   F  403 forbidden
 *   N  404 not_found (another organisation's record, not revealed)
 *   U  401 unauthenticated
 *   M  401 mfa_required (a session that has not passed two-factor)
 *   B  400 bad_request: the documented business answer of /second-factor to a session that owes none
 * Every refusal must leave the database as it was (the audit trail aside),
 * and every allowed write must leave a success event in the audit trail.
 * A new route needs a row here, with a request that succeeds for the roles
 * that may use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  giveTotp,
  jsonObject,
  sessionFor,
  TEST_DB,
  totpCode,
  uniqueAddress,
  type TestApp,
  type TestUser,
} from './harness.js';
import { ROLES, type Role } from '../src/server/core/access.js';
import { createLinkToken } from '../src/server/modules/auth/auth.service.js';
import { newId } from '../src/server/core/ids.js';
import { createHash } from 'node:crypto';
import {
  isCertifiedOn,
  writeCertification,
} from '../src/server/modules/certification/certification.service.js';
import { caseBody, reflectionBody } from './programme-fixture.js';

type Outcome = 'A' | 'F' | 'N' | 'U' | 'M' | 'B';
const A = 'A' as const;
const F = 'F' as const;
const N = 'N' as const;
const U = 'U' as const;
const M = 'M' as const;
const B = 'B' as const;

type PerRole = Record<Role, Outcome>;
/** Outcomes in role order: admin, coordinator, actor_staff, authority_contact, member. */
const roles = (
  admin: Outcome,
  coordinator: Outcome,
  actor_staff: Outcome,
  authority_contact: Outcome,
  member: Outcome,
): PerRole => ({ admin, coordinator, actor_staff, authority_contact, member });
const ALL = roles(A, A, A, A, A);
const ADMIN_ONLY = roles(A, F, F, F, F);
/** organisations.manage, certification.manage: administrators and the coordinator. */
const MANAGERS = roles(A, A, F, F, F);
/** organisations.edit on one's own organisation: everyone but plain members. */
const EDITORS = roles(A, A, A, A, F);
/** Records only the organisation itself (and the cross-organisation roles) may see: 404 to others. */
const OWN_RECORDS_OTHER = roles(A, A, N, N, N);
/** cases.read: the coordinator and actor staff (administrators do not read cases). */
const CASE_READERS = roles(F, A, A, F, F);
/** cases.read on another organisation's case: the coordinator; staff elsewhere do not learn it exists. */
const CASE_READERS_OTHER = roles(F, A, N, F, F);
/** cases.write: staff of the owning (certified) actor only. */
const CASE_WRITERS = roles(F, F, A, F, F);
const CASE_WRITERS_OTHER = roles(F, F, N, F, F);
/** applications.decide: the coordinator. */
const DECIDERS = roles(F, A, F, F, F);
/** applications.approve: the coordinator and administrators (four-eyes). */
const APPROVERS = roles(A, A, F, F, F);
/** contact_statistics.manage: the coordinator. */
const STATS_MANAGERS = roles(F, A, F, F, F);
/** contact_statistics.report: staff and members of a civil-society organisation of the platform. */
const STATS_REPORTERS = roles(F, F, A, F, A);
/** Another organisation's contact-statistics report is not revealed to reporters. */
const STATS_REPORTERS_OTHER = roles(F, F, N, F, N);

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NEW_PASSWORD = 'Matrisens-nya-lösenord-2026';

interface CaseContext {
  t: TestApp;
  /** The column: a role, anonymous, or a session owing two-factor (as an administrator). */
  column: Role | 'anonymous' | 'mfa' | 'enrol';
  actor: TestUser | undefined;
  cookie: string | undefined;
  ownOrg: string;
  otherOrg: string;
  /** The organisation the request is about (own or other). */
  targetOrg: string;
  /** A member of the target organisation. */
  targetUser: TestUser;
}

interface Request {
  url: string;
  body?: unknown;
  /** Extra request headers (a raw body's content type, a file name). */
  headers?: Record<string, string>;
  /** Overrides the column's session (only where the route needs a particular kind of session). */
  cookie?: string | undefined;
}

// A minimal but real PDF (recognised by its header).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

/** A contact person of the target organisation. */
async function contactIn(c: CaseContext): Promise<string> {
  const now = c.t.clock.now().toISOString();
  const id = newId();
  await c.t.ctx.db
    .insertInto('contact_persons')
    .values({
      id,
      organisation_id: c.targetOrg,
      name: 'Kim Kontakt',
      title: null,
      email: null,
      phone: null,
      active_from: null,
      active_to: null,
      public_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** A certification document of the target organisation. */
async function documentIn(c: CaseContext): Promise<string> {
  const id = newId();
  await c.t.ctx.db
    .insertInto('certification_documents')
    .values({
      id,
      organisation_id: c.targetOrg,
      file_name: 'intyg.pdf',
      content_type: 'application/pdf',
      size_bytes: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      content_enc: c.t.ctx.crypto.encryptBytes(PDF),
      uploaded_at: c.t.clock.now().toISOString(),
      uploaded_by: null,
      removed_at: null,
    })
    .execute();
  return id;
}

/** A working group convened by the target organisation. */
async function groupOf(c: CaseContext): Promise<string> {
  const now = c.t.clock.now().toISOString();
  const id = newId();
  await c.t.ctx.db
    .insertInto('working_groups')
    .values({
      id,
      name: 'Arbetsgrupp',
      purpose: 'prevention',
      description: null,
      convenor_organisation_id: c.targetOrg,
      convenor_contact_id: null,
      closed_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Certifies an organisation for the support programme (today falls within the period). */
async function certified(c: CaseContext, organisationId: string): Promise<string> {
  if (await isCertifiedOn(c.t.ctx.db, organisationId, '2026-11-23')) return organisationId;
  await c.t.ctx.db.transaction().execute((tx) =>
    writeCertification(
      c.t.ctx,
      tx,
      organisationId,
      {
        status: 'certified',
        certifiedFrom: '2026-01-01',
        certifiedTo: '2027-12-31',
        reviewDate: null,
        services: [],
        conditions: null,
        reason: 'Kvalitetsgranskning godkänd.',
        expectedVersion: 0,
      },
      null,
    ),
  );
  return organisationId;
}

/** A request as someone else (setting up the state a row needs); fails loudly if refused. */
async function setUp(
  c: CaseContext,
  role: Role,
  organisationId: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<LightMyRequestResponse> {
  const user = await createUser(c.t, role, organisationId);
  const res = await call(c.t, {
    method,
    url,
    body,
    cookie: await sessionFor(c.t, user.id),
    remoteAddress: uniqueAddress(),
    ...(headers ? { headers } : {}),
  });
  if (res.statusCode >= 300)
    throw new Error(`set-up ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

/** A case of the support programme owned by the target organisation (certified), made by its staff. */
async function caseIn(c: CaseContext): Promise<string> {
  await certified(c, c.targetOrg);
  const res = await setUp(c, 'actor_staff', c.targetOrg, 'POST', '/api/cases', caseBody());
  return String(jsonObject(res).id);
}

/** A reflection application on a case of the target organisation, waiting in the queue. */
async function applicationIn(c: CaseContext): Promise<string> {
  const caseId = await caseIn(c);
  const res = await setUp(
    c,
    'actor_staff',
    c.targetOrg,
    'POST',
    '/api/applications',
    reflectionBody(caseId),
  );
  return String(jsonObject(res).id);
}

/** A coordinator's decision on an application, as a coordinator other than the column's. */
async function decisionOn(c: CaseContext, applicationId: string, outcome: string): Promise<string> {
  const res = await setUp(
    c,
    'coordinator',
    await createOrganisation(c.t),
    'POST',
    `/api/applications/${applicationId}/decisions`,
    {
      expectedVersion: 1,
      outcome,
      grounds: ['information_missing'],
      rationale: 'Beslutsunderlag.',
    },
  );
  const decisions = jsonObject(res).decisions as Array<{ id: string }>;
  return decisions[0]?.id ?? '';
}

/* --- the budget: periods in years of their own, so that they never overlap --- */
let nextBudgetYear = 2100;
let budget2026: string | undefined;
const PILOT_RATES = {
  reflectionDailyOre: 120_000,
  reflectionChildDailyOre: 30_000,
  protectionDailyOre: 15_000,
  integrationDailyOre: 60_000,
  integrationChildDailyOre: 20_000,
};

/** A budget period (made by a coordinator), with a budget on its reflection post. */
async function budgetPeriodIn(
  c: CaseContext,
  startsOn?: string,
  endsOn?: string,
): Promise<{ id: string; posts: Array<{ id: string; kind: string }> }> {
  const year = nextBudgetYear++;
  const res = await setUp(c, 'coordinator', c.ownOrg, 'POST', '/api/budget/periods', {
    name: `Matris ${year}`,
    startsOn: startsOn ?? `${year}-01-01`,
    endsOn: endsOn ?? `${year}-12-31`,
  });
  const period = jsonObject(res) as unknown as {
    id: string;
    posts: Array<{ id: string; kind: string }>;
  };
  await setUp(c, 'coordinator', c.ownOrg, 'PATCH', `/api/budget/posts/${period.posts[0]!.id}`, {
    planAmountOre: 1_000_000_000,
  });
  return period;
}

/** A granted decision with a commitment in the budget (December 2026 has a period of its own). */
async function committedDecisionIn(c: CaseContext): Promise<string> {
  budget2026 ??= (await budgetPeriodIn(c, '2026-12-01', '2026-12-31')).id;
  const id = await applicationIn(c);
  return decisionOn(c, id, 'granted');
}

/* --- contact statistics: one round of this year shared by the rows, one whose deadline has passed --- */
let statsRound: string | undefined;
let statsPastRound: string | undefined;
let nextStatsYear = 2001;

/** Makes organisations civil-society members of the platform, the ones that report contact statistics. */
async function reportingOrgs(c: CaseContext, ...ids: string[]): Promise<void> {
  await c.t.ctx.db
    .updateTable('organisations')
    .set({ type: 'ngo', membership: 'member' })
    .where('id', 'in', ids)
    .execute();
}

/** This year's round (deadline at the end of the year), opened once by a coordinator. */
async function statsRoundOf(c: CaseContext): Promise<string> {
  if (!statsRound) {
    const res = await setUp(c, 'coordinator', c.ownOrg, 'POST', '/api/contact-statistics/rounds', {
      year: 2026,
      deadline: '2026-12-31',
    });
    statsRound = String(jsonObject(res).id);
  }
  return statsRound;
}

/** A round whose deadline has passed (written directly: opening one with a past deadline is refused). */
async function statsPastRoundOf(c: CaseContext): Promise<string> {
  if (!statsPastRound) {
    const now = c.t.clock.now().toISOString();
    statsPastRound = newId();
    await c.t.ctx.db
      .insertInto('contact_stat_rounds')
      .values({
        id: statsPastRound,
        year: 1999,
        deadline: '2026-01-31',
        version: 1,
        opened_at: now,
        opened_by: null,
        updated_at: now,
        updated_by: null,
      })
      .execute();
  }
  return statsPastRound;
}

/** A report of the target organisation in this year's round, saved by its staff (all zeros, adding up). */
async function statsReportIn(c: CaseContext): Promise<string> {
  const round = await statsRoundOf(c);
  await reportingOrgs(c, c.ownOrg, c.targetOrg);
  const res = await setUp(
    c,
    'actor_staff',
    c.targetOrg,
    'PUT',
    `/api/contact-statistics/rounds/${round}/report`,
    { expectedVersion: 0, totals: { possible: 0, probable: 0, suspected: 0 }, figures: [] },
  );
  return String(jsonObject(res).id);
}

interface RouteSpec {
  /** Status of an allowed request. */
  ok: number;
  /** Routes about an organisation or a user are tried against the actor's own and another organisation. */
  target?: 'organisation' | 'user';
  own: PerRole;
  other?: PerRole;
  anonymous: Outcome;
  /** Password verified, TOTP code still owed. */
  mfa: Outcome;
  /** Password verified, TOTP enrolment still owed. */
  enrol: Outcome;
  request: (c: CaseContext) => Request | Promise<Request>;
}

const MATRIX: Record<string, RouteSpec> = {
  // --- system -------------------------------------------------------------
  'GET /api/health': {
    ok: 200,
    own: ALL,
    anonymous: A,
    mfa: A,
    enrol: A,
    request: () => ({ url: '/api/health' }),
  },
  'GET /api/openapi.json': {
    ok: 200,
    own: ALL,
    anonymous: A,
    mfa: A,
    enrol: A,
    request: () => ({ url: '/api/openapi.json' }),
  },

  // --- auth -----------------------------------------------------------------
  'GET /api/auth/session': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: A,
    enrol: A,
    request: () => ({ url: '/api/auth/session' }),
  },
  'POST /api/auth/sign-in': {
    ok: 200,
    own: ALL,
    anonymous: A,
    mfa: A,
    enrol: A,
    request: (c) => {
      const who = c.actor ?? c.targetUser;
      return { url: '/api/auth/sign-in', body: { email: who.email, password: who.password } };
    },
  },
  'POST /api/auth/second-factor': {
    ok: 200,
    own: roles(B, B, B, B, B),
    anonymous: U,
    mfa: A,
    enrol: B,
    request: async (c) => ({
      url: '/api/auth/second-factor',
      body: { code: await totpCode(c.t, TOTP_SECRET) },
    }),
  },
  'POST /api/auth/totp/setup': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: A,
    request: () => ({ url: '/api/auth/totp/setup' }),
  },
  'POST /api/auth/totp/confirm': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: A,
    request: async (c) => {
      // Start an enrolment with this session first, where it may.
      const setup = await call(c.t, {
        method: 'POST',
        url: '/api/auth/totp/setup',
        cookie: c.cookie,
      });
      const secret = setup.statusCode === 200 ? String(jsonObject(setup).secret) : TOTP_SECRET;
      return { url: '/api/auth/totp/confirm', body: { code: await totpCode(c.t, secret) } };
    },
  },
  'POST /api/auth/totp/disable': {
    ok: 200,
    // Two-factor is compulsory for administrators and the coordinator.
    own: roles(F, F, A, A, A),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/auth/totp/disable',
      body: { currentPassword: c.actor?.password ?? 'x' },
    }),
  },
  'POST /api/auth/recovery-codes': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      if (c.actor && c.column !== 'enrol') await giveTotp(c.t, c.actor.id, TOTP_SECRET);
      return {
        url: '/api/auth/recovery-codes',
        body: { currentPassword: c.actor?.password ?? 'x' },
      };
    },
  },
  'POST /api/auth/sign-out': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: A,
    enrol: A,
    request: () => ({ url: '/api/auth/sign-out' }),
  },
  'POST /api/auth/password-reset': {
    ok: 202,
    own: ALL,
    anonymous: A,
    mfa: A,
    enrol: A,
    request: (c) => ({ url: '/api/auth/password-reset', body: { email: c.targetUser.email } }),
  },
  'POST /api/auth/password-link': {
    ok: 200,
    own: ALL,
    anonymous: A,
    mfa: A,
    enrol: A,
    request: async (c) => {
      const token = await c.t.ctx.db
        .transaction()
        .execute((tx) => createLinkToken(c.t.ctx, tx, c.targetUser.id, 'reset', 30 * 60_000));
      return { url: '/api/auth/password-link', body: { token, password: NEW_PASSWORD } };
    },
  },
  'POST /api/me/password': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/me/password',
      body: { currentPassword: c.actor?.password ?? 'x', newPassword: NEW_PASSWORD },
    }),
  },
  'PATCH /api/me': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/me', body: { name: 'Nytt Namn', locale: 'en' } }),
  },
  'GET /api/home': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/home' }),
  },

  // --- users (administrators only) --------------------------------------------
  'GET /api/users': {
    ok: 200,
    own: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/users' }),
  },
  'POST /api/users': {
    ok: 201,
    target: 'organisation',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/users',
      body: {
        email: `new.${c.targetUser.id.slice(-12)}@example.org`,
        name: 'Ny Person',
        role: 'member',
        organisationId: c.targetOrg,
      },
    }),
  },
  'GET /api/users/:id': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/users/${c.targetUser.id}` }),
  },
  'PATCH /api/users/:id': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/users/${c.targetUser.id}`, body: { role: 'admin' } }),
  },
  'POST /api/users/:id/disable': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/users/${c.targetUser.id}/disable` }),
  },
  'POST /api/users/:id/enable': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await c.t.ctx.db
        .updateTable('users')
        .set({ disabled_at: c.t.clock.now().toISOString() })
        .where('id', '=', c.targetUser.id)
        .execute();
      return { url: `/api/users/${c.targetUser.id}/enable` };
    },
  },
  'POST /api/users/:id/end-sessions': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await sessionFor(c.t, c.targetUser.id);
      return { url: `/api/users/${c.targetUser.id}/end-sessions` };
    },
  },
  'POST /api/users/:id/invitation': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      // Only someone who has not yet set a password can be invited again.
      await c.t.ctx.db
        .updateTable('users')
        .set({ password_hash: null })
        .where('id', '=', c.targetUser.id)
        .execute();
      return { url: `/api/users/${c.targetUser.id}/invitation` };
    },
  },
  'POST /api/users/:id/reset-two-factor': {
    ok: 200,
    target: 'user',
    own: ADMIN_ONLY,
    other: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await giveTotp(c.t, c.targetUser.id, TOTP_SECRET);
      return { url: `/api/users/${c.targetUser.id}/reset-two-factor` };
    },
  },

  // --- organisations -------------------------------------------------------------
  'GET /api/organisations': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/organisations' }),
  },
  'POST /api/organisations': {
    ok: 201,
    // The coordinator maintains the directory together with administrators.
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/organisations',
      body: { name: `Ny organisation ${c.targetUser.id}`, type: 'ngo', county: 'Z' },
    }),
  },
  'GET /api/organisations/:id': {
    ok: 200,
    target: 'organisation',
    // The directory of partner organisations is open to every signed-in person.
    own: ALL,
    other: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/organisations/${c.targetOrg}` }),
  },
  'PATCH /api/organisations/:id': {
    ok: 200,
    target: 'organisation',
    // Staff edit their own organisation's profile; another's is refused openly (the directory is public to members).
    own: EDITORS,
    other: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/organisations/${c.targetOrg}`, body: { type: 'other' } }),
  },
  'GET /api/organisations/:id/members': {
    ok: 200,
    target: 'organisation',
    own: roles(A, A, A, A, F),
    other: roles(A, A, N, N, F),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/organisations/${c.targetOrg}/members` }),
  },

  'GET /api/organisations/who-can-help': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/organisations/who-can-help?service=protection_24h&county=M' }),
  },

  // --- network directory: services, contacts, certification, working groups, import/export --
  'GET /api/services': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/services' }),
  },
  'POST /api/services': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/services',
      body: {
        code: `s_${c.targetUser.id.replace(/-/g, '').slice(-16)}`,
        nameSv: 'Ny tjänst',
        nameEn: 'New service',
      },
    }),
  },
  'PATCH /api/services/:code': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/services/protection_24h', body: { sortOrder: 5 } }),
  },
  'GET /api/contacts': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/contacts' }),
  },
  'POST /api/contacts': {
    ok: 201,
    target: 'organisation',
    own: EDITORS,
    other: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/contacts',
      body: { organisationId: c.targetOrg, name: 'Kim Kontakt', roles: ['trafficking_contact'] },
    }),
  },
  'GET /api/contacts/:id': {
    ok: 200,
    target: 'organisation',
    // Contact persons are the partnership's shared directory.
    own: ALL,
    other: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/contacts/${await contactIn(c)}` }),
  },
  'PATCH /api/contacts/:id': {
    ok: 200,
    target: 'organisation',
    own: EDITORS,
    other: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/contacts/${await contactIn(c)}`,
      body: { title: 'Samordnare' },
    }),
  },
  'DELETE /api/contacts/:id': {
    ok: 200,
    target: 'organisation',
    own: EDITORS,
    other: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/contacts/${await contactIn(c)}` }),
  },
  'GET /api/certifications': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/certifications' }),
  },
  'GET /api/organisations/:id/certification': {
    ok: 200,
    target: 'organisation',
    // Everyone sees the status; history and conditions only the organisation itself (filtered, not refused).
    own: ALL,
    other: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({ url: `/api/organisations/${c.targetOrg}/certification` }),
  },
  'PUT /api/organisations/:id/certification': {
    ok: 200,
    target: 'organisation',
    // No organisation certifies itself.
    own: MANAGERS,
    other: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: `/api/organisations/${c.targetOrg}/certification`,
      body: { status: 'applied', reason: 'Ansökan inkommen.', expectedVersion: 0 },
    }),
  },
  'POST /api/organisations/:id/certification/documents': {
    ok: 201,
    target: 'organisation',
    own: EDITORS,
    other: roles(A, A, N, N, F),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: `/api/organisations/${c.targetOrg}/certification/documents`,
      body: PDF,
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'intyg.pdf' },
    }),
  },
  'GET /api/organisations/:id/certification/documents/:documentId': {
    ok: 200,
    target: 'organisation',
    own: ALL,
    other: OWN_RECORDS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/organisations/${c.targetOrg}/certification/documents/${await documentIn(c)}`,
    }),
  },
  'DELETE /api/organisations/:id/certification/documents/:documentId': {
    ok: 200,
    target: 'organisation',
    own: EDITORS,
    other: roles(A, A, N, N, F),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/organisations/${c.targetOrg}/certification/documents/${await documentIn(c)}`,
    }),
  },
  'GET /api/working-groups': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/working-groups' }),
  },
  'POST /api/working-groups': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/working-groups',
      body: { name: 'Arbetsgrupp', purpose: 'prevention', convenorOrganisationId: c.targetOrg },
    }),
  },
  'GET /api/working-groups/:id': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/working-groups/${await groupOf(c)}` }),
  },
  'PATCH /api/working-groups/:id': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/working-groups/${await groupOf(c)}`,
      body: { description: 'Ny beskrivning' },
    }),
  },
  'PUT /api/working-groups/:id/members': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/working-groups/${await groupOf(c)}/members`,
      body: { organisationIds: [c.targetOrg], contactPersonIds: [await contactIn(c)] },
    }),
  },
  'POST /api/directory/import/:kind': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: (c) => ({
      url: '/api/directory/import/organisations?mode=commit',
      body: Buffer.from(
        [
          'name;type;authority_kind;county;municipality;website;phone;email;languages;services;membership;membership_since',
          `Importerad ${c.targetUser.id};ngo;;M;;;;;;;none;`,
        ].join('\n'),
        'utf8',
      ),
      headers: { 'content-type': 'text/csv' },
    }),
  },
  'GET /api/directory/import/:kind/template': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/directory/import/contacts/template' }),
  },
  'GET /api/directory/export/organisations': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/directory/export/organisations?format=xlsx' }),
  },
  'GET /api/directory/export/contacts': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/directory/export/contacts' }),
  },

  // --- audit and outbox (administrators only) ---------------------------------------
  'GET /api/audit': {
    ok: 200,
    own: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/audit' }),
  },
  'POST /api/audit/verify': {
    ok: 200,
    own: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/audit/verify' }),
  },
  'GET /api/outbox': {
    ok: 200,
    own: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/outbox' }),
  },
  'GET /api/outbox/:id': {
    ok: 200,
    own: ADMIN_ONLY,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await c.t.ctx.mail.enqueue(c.t.ctx.db, {
        kind: 'test.matrix',
        to: c.targetUser.email,
        subject: 'Matris',
        text: 'Text',
      });
      return { url: `/api/outbox/${id}` };
    },
  },

  // --- support programme: cases ----------------------------------------------------
  'GET /api/cases': {
    ok: 200,
    own: CASE_READERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/cases' }),
  },
  'POST /api/cases': {
    ok: 201,
    own: CASE_WRITERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await certified(c, c.ownOrg);
      return { url: '/api/cases', body: caseBody({ identityNote: 'Matris' }) };
    },
  },
  'GET /api/case-staff': {
    ok: 200,
    own: CASE_WRITERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/case-staff' }),
  },
  'GET /api/case-transfer-targets': {
    ok: 200,
    own: CASE_READERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/case-transfer-targets' }),
  },
  'GET /api/cases/:id': {
    ok: 200,
    target: 'organisation',
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/cases/${await caseIn(c)}` }),
  },
  'PUT /api/cases/:id/background': {
    ok: 200,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/cases/${await caseIn(c)}/background`,
      body: {
        expectedVersion: 1,
        background: caseBody({ background: { ageBand: '26_30' } }).background,
      },
    }),
  },
  'PUT /api/cases/:id/protection': {
    ok: 200,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/cases/${await caseIn(c)}/protection`,
      body: { expectedVersion: 1, protectedIdentity: true, protectedStaffUserIds: [] },
    }),
  },
  'GET /api/cases/:id/identity-note': {
    ok: 200,
    target: 'organisation',
    // Only the owning organisation's staff; not even the coordinator.
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/cases/${await caseIn(c)}/identity-note` }),
  },
  'PUT /api/cases/:id/identity-note': {
    ok: 200,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/cases/${await caseIn(c)}/identity-note`,
      body: { identityNote: 'Ny uppgift' },
    }),
  },
  'POST /api/cases/:id/transfer': {
    ok: 200,
    target: 'organisation',
    // The owning staff or the coordinator move a case.
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await caseIn(c);
      const to = await certified(c, await createOrganisation(c.t));
      return {
        url: `/api/cases/${id}/transfer`,
        body: { expectedVersion: 1, toOrganisationId: to, reason: 'Personen flyttar.' },
      };
    },
  },
  'POST /api/cases/:id/notes': {
    ok: 201,
    target: 'organisation',
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/cases/${await caseIn(c)}/notes`,
      body: { text: 'Anteckning' },
    }),
  },
  'POST /api/cases/:id/attachments': {
    ok: 201,
    target: 'organisation',
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/cases/${await caseIn(c)}/attachments`,
      body: PDF,
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'intyg.pdf' },
    }),
  },
  'GET /api/cases/:id/attachments/:attachmentId': {
    ok: 200,
    target: 'organisation',
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await caseIn(c);
      const res = await setUp(
        c,
        'actor_staff',
        c.targetOrg,
        'POST',
        `/api/cases/${id}/attachments`,
        PDF,
        {
          'content-type': 'application/octet-stream',
          'x-file-name': 'intyg.pdf',
        },
      );
      return { url: `/api/cases/${id}/attachments/${String(jsonObject(res).id)}` };
    },
  },

  // --- support programme: catalogues, applications, decisions, approvals --------------
  'GET /api/programme': {
    ok: 200,
    own: roles(A, A, A, F, F),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/programme' }),
  },
  'PUT /api/programme/settings': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/programme/settings', body: { approvalLimitOre: null } }),
  },
  'PUT /api/programme/interventions/:code': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({
      url: '/api/programme/interventions/matrix_item',
      body: {
        nameSv: 'Matrispost',
        nameEn: 'Matrix item',
        unit: 'item',
        unitPriceOre: null,
        capOre: 100_000,
        responsibility: 'programme',
        retired: false,
      },
    }),
  },
  'POST /api/applications/quote': {
    ok: 200,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await certified(c, c.ownOrg);
      return { url: '/api/applications/quote', body: reflectionBody(await caseIn(c)) };
    },
  },
  'POST /api/applications': {
    ok: 201,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await certified(c, c.ownOrg);
      return { url: '/api/applications', body: reflectionBody(await caseIn(c)) };
    },
  },
  'GET /api/applications': {
    ok: 200,
    own: CASE_READERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/applications?status=open' }),
  },
  'GET /api/applications/:id': {
    ok: 200,
    target: 'organisation',
    own: CASE_READERS,
    other: CASE_READERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/applications/${await applicationIn(c)}` }),
  },
  'POST /api/applications/:id/decisions': {
    ok: 200,
    target: 'organisation',
    own: DECIDERS,
    other: DECIDERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/applications/${await applicationIn(c)}/decisions`,
      body: {
        expectedVersion: 1,
        outcome: 'granted',
        grounds: ['meets_criteria'],
        rationale: 'Uppfyller kriterierna.',
      },
    }),
  },
  'POST /api/applications/:id/answer': {
    ok: 200,
    target: 'organisation',
    own: CASE_WRITERS,
    other: CASE_WRITERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await applicationIn(c);
      await decisionOn(c, id, 'information_requested');
      return { url: `/api/applications/${id}/answer`, body: { expectedVersion: 2, text: 'Svar.' } };
    },
  },
  'GET /api/approvals': {
    ok: 200,
    own: APPROVERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/approvals' }),
  },
  'POST /api/decisions/:id/approval': {
    ok: 200,
    own: APPROVERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await applicationIn(c);
      // Any amount needs a second approval while the decision is made.
      await c.t.ctx.db.updateTable('programmes').set({ approval_limit_ore: 1 }).execute();
      try {
        const decisionId = await decisionOn(c, id, 'granted');
        return { url: `/api/decisions/${decisionId}/approval`, body: { approve: true } };
      } finally {
        await c.t.ctx.db.updateTable('programmes').set({ approval_limit_ore: null }).execute();
      }
    },
  },
  // --- the programme's budget ---------------------------------------------------------
  'GET /api/budget/periods': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/budget/periods' }),
  },
  'POST /api/budget/periods': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => {
      const year = nextBudgetYear++;
      return {
        url: '/api/budget/periods',
        body: { name: `Matris ${year}`, startsOn: `${year}-01-01`, endsOn: `${year}-12-31` },
      };
    },
  },
  'GET /api/budget/periods/:id': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}` }),
  },
  'PATCH /api/budget/periods/:id': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}`,
      body: { expectedVersion: 1, overheadBp: 1000 },
    }),
  },
  'POST /api/budget/periods/:id/close': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/close`,
      body: { expectedVersion: 1 },
    }),
  },
  'PUT /api/budget/periods/:id/rates': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/rates`,
      body: PILOT_RATES,
    }),
  },
  'POST /api/budget/periods/:id/posts': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/posts`,
      body: { name: 'Matrispost', planAmountOre: 1000 },
    }),
  },
  'PATCH /api/budget/posts/:id': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/posts/${(await budgetPeriodIn(c)).posts[1]!.id}`,
      body: { planPersons: 2, planDays: 26, planRateOre: 120_000 },
    }),
  },
  'POST /api/budget/transfers': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const p = await budgetPeriodIn(c);
      return {
        url: '/api/budget/transfers',
        body: {
          fromPostId: p.posts[0]!.id,
          toPostId: p.posts[1]!.id,
          amountOre: 100,
          reason: 'Matrisflytt.',
        },
      };
    },
  },
  'POST /api/budget/payouts': {
    ok: 201,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: '/api/budget/payouts',
      body: { decisionId: await committedDecisionIn(c), paidOn: '2026-12-15', amountOre: 100 },
    }),
  },
  'GET /api/budget/periods/:id/balances': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/balances?date=2026-11-23`,
    }),
  },
  'GET /api/budget/posts/:id/statement': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/posts/${(await budgetPeriodIn(c)).posts[0]!.id}/statement`,
    }),
  },
  'GET /api/budget/periods/:id/report': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/report?date=2026-11-23`,
    }),
  },
  'GET /api/budget/periods/:id/report/export': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/budget/periods/${(await budgetPeriodIn(c)).id}/report/export?format=pdf`,
    }),
  },

  // --- the period report (the publishable version; the internal one is checked in reports.test.ts) ---
  'GET /api/reports/period': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/reports/period?from=2026-11-01&to=2026-11-30' }),
  },
  'GET /api/reports/period/export': {
    ok: 200,
    own: ALL,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/reports/period/export?from=2026-11-01&to=2026-11-30&format=csv' }),
  },

  // --- access review (coordinator and administrators) ------------------------------------
  'GET /api/access-review/reads': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/access-review/reads?from=2026-11-01&to=2026-11-30' }),
  },
  'GET /api/access-review/reads/export': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({
      url: '/api/access-review/reads/export?from=2026-11-01&to=2026-11-30&format=csv',
    }),
  },
  'GET /api/access-review/patterns': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/access-review/patterns?from=2026-11-01&to=2026-11-30' }),
  },
  'GET /api/access-review/patterns/export': {
    ok: 200,
    own: MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({
      url: '/api/access-review/patterns/export?from=2026-11-01&to=2026-11-30&format=xlsx',
    }),
  },

  // --- the coordinator's dashboard (counts and sums; dashboard.read) ---------------------
  'GET /api/dashboard': {
    ok: 200,
    own: roles(F, A, F, F, F),
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({ url: '/api/dashboard' }),
  },

  // --- contact statistics ---------------------------------------------------------------
  'GET /api/contact-statistics/rounds': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await statsRoundOf(c);
      return { url: '/api/contact-statistics/rounds' };
    },
  },
  'POST /api/contact-statistics/rounds': {
    ok: 201,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: () => ({
      url: '/api/contact-statistics/rounds',
      body: { year: nextStatsYear++, deadline: '2026-12-31' },
    }),
  },
  'GET /api/contact-statistics/rounds/:id': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/contact-statistics/rounds/${await statsRoundOf(c)}` }),
  },
  'PATCH /api/contact-statistics/rounds/:id': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await statsRoundOf(c);
      const { version } = await c.t.ctx.db
        .selectFrom('contact_stat_rounds')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return {
        url: `/api/contact-statistics/rounds/${id}`,
        body: { expectedVersion: version, deadline: '2026-12-31' },
      };
    },
  },
  'POST /api/contact-statistics/rounds/:id/reminders': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await statsRoundOf(c);
      await reportingOrgs(c, c.targetOrg);
      return {
        url: `/api/contact-statistics/rounds/${id}/reminders`,
        body: { organisationIds: [c.targetOrg] },
      };
    },
  },
  'POST /api/contact-statistics/rounds/:id/reopen': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await statsPastRoundOf(c);
      await reportingOrgs(c, c.targetOrg);
      return {
        url: `/api/contact-statistics/rounds/${id}/reopen`,
        body: { organisationId: c.targetOrg },
      };
    },
  },
  'GET /api/contact-statistics/rounds/:id/submissions': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/contact-statistics/rounds/${await statsRoundOf(c)}/submissions`,
    }),
  },
  'GET /api/contact-statistics/rounds/:id/national': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/contact-statistics/rounds/${await statsRoundOf(c)}/national`,
    }),
  },
  'GET /api/contact-statistics/rounds/:id/national/export': {
    ok: 200,
    own: STATS_MANAGERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({
      url: `/api/contact-statistics/rounds/${await statsRoundOf(c)}/national/export?format=xlsx`,
    }),
  },
  'GET /api/contact-statistics/reports': {
    ok: 200,
    own: STATS_REPORTERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await statsRoundOf(c);
      await reportingOrgs(c, c.ownOrg);
      return { url: '/api/contact-statistics/reports' };
    },
  },
  'GET /api/contact-statistics/reports/:id': {
    ok: 200,
    target: 'organisation',
    own: STATS_REPORTERS,
    other: STATS_REPORTERS_OTHER,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => ({ url: `/api/contact-statistics/reports/${await statsReportIn(c)}` }),
  },
  'GET /api/contact-statistics/rounds/:id/report': {
    ok: 200,
    own: STATS_REPORTERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await statsRoundOf(c);
      await reportingOrgs(c, c.ownOrg);
      return { url: `/api/contact-statistics/rounds/${id}/report` };
    },
  },
  'PUT /api/contact-statistics/rounds/:id/report': {
    ok: 200,
    own: STATS_REPORTERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      const id = await statsRoundOf(c);
      await reportingOrgs(c, c.ownOrg);
      return {
        url: `/api/contact-statistics/rounds/${id}/report`,
        body: {
          expectedVersion: 0,
          totals: { possible: 2, probable: null, suspected: null },
          figures: [
            {
              certainty: 'possible',
              gender: 'woman',
              ageGroup: 'adult',
              form: 'sexual',
              persons: 2,
            },
          ],
        },
      };
    },
  },
  'POST /api/contact-statistics/rounds/:id/report/submit': {
    ok: 200,
    own: STATS_REPORTERS,
    anonymous: U,
    mfa: M,
    enrol: M,
    request: async (c) => {
      await statsReportIn(c);
      return {
        url: `/api/contact-statistics/rounds/${await statsRoundOf(c)}/report/submit`,
        body: { expectedVersion: 1 },
      };
    },
  },
};

const EXPECTED_ERROR: Record<Exclude<Outcome, 'A'>, [number, string]> = {
  F: [403, 'forbidden'],
  N: [404, 'not_found'],
  U: [401, 'unauthenticated'],
  M: [401, 'mfa_required'],
  B: [400, 'bad_request'],
};

// Refusals may add audit events (access.denied); nothing else may change.
const IGNORE = ['audit_events', 'audit_head', 'sessions.last_seen_at'];

describe(`authorisation matrix (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

  it('lists every route of the app, and only those', () => {
    const actual = t.routes.map(key).sort();
    const listed = Object.keys(MATRIX).sort();
    expect(
      actual.filter((k) => !listed.includes(k)),
      'routes missing from the matrix',
    ).toEqual([]);
    expect(
      listed.filter((k) => !actual.includes(k)),
      'matrix rows for routes that do not exist',
    ).toEqual([]);
    expect(new Set(actual).size).toBe(actual.length);
    // Targeted rows name both targets.
    for (const [k, spec] of Object.entries(MATRIX)) {
      expect(Boolean(spec.target), k).toBe(Boolean(spec.other));
    }
  });

  it('every route that is not public answers 401 without a session (declared access agrees)', () => {
    for (const r of t.routes) {
      const spec = MATRIX[key(r)];
      if (!spec) continue; // reported by the test above
      expect(spec.anonymous, key(r)).toBe(r.access === 'public' ? A : U);
    }
  });

  async function runCase(
    spec: RouteSpec,
    method: string,
    column: CaseContext['column'],
    target: 'own' | 'other',
  ): Promise<string | undefined> {
    const ownOrg = await createOrganisation(t);
    const otherOrg = await createOrganisation(t);
    let actor: TestUser | undefined;
    let cookie: string | undefined;
    if (column === 'mfa') {
      actor = await createUser(t, 'admin', ownOrg);
      await giveTotp(t, actor.id, TOTP_SECRET);
      cookie = await sessionFor(t, actor.id, 'mfa');
    } else if (column === 'enrol') {
      actor = await createUser(t, 'admin', ownOrg);
      cookie = await sessionFor(t, actor.id, 'enrol');
    } else if (column !== 'anonymous') {
      actor = await createUser(t, column, ownOrg);
      cookie = await sessionFor(t, actor.id);
    }
    const targetOrg = target === 'own' ? ownOrg : otherOrg;
    const targetUser = await createUser(t, 'member', targetOrg);
    const c: CaseContext = { t, column, actor, cookie, ownOrg, otherOrg, targetOrg, targetUser };
    const req = await spec.request(c);

    const outcome: Outcome =
      column === 'anonymous' || column === 'mfa' || column === 'enrol'
        ? spec[column]
        : ((target === 'own' ? spec.own : spec.other) ?? spec.own)[column];
    const before = outcome === A ? undefined : await fingerprint(t, IGNORE);
    await t.ctx.audit.flush();
    const head = await t.ctx.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    const res: LightMyRequestResponse = await call(t, {
      method: method as 'GET',
      url: req.url,
      body: req.body,
      cookie: 'cookie' in req ? req.cookie : cookie,
      remoteAddress: uniqueAddress(),
      ...(req.headers ? { headers: req.headers } : {}),
    });
    const label = `${column}${spec.target ? `/${target}` : ''}`;
    if (outcome === A) {
      if (res.statusCode !== spec.ok)
        return `${label}: expected ${spec.ok}, got ${res.statusCode} ${res.body.slice(0, 160)}`;
      if (method !== 'GET') {
        // Every allowed write leaves a success event in the audit trail.
        await t.ctx.audit.flush();
        const audited = await t.ctx.db
          .selectFrom('audit_events')
          .select('seq')
          .where('seq', '>', Number(head.seq))
          .where('outcome', '=', 'success')
          .executeTakeFirst();
        if (!audited) return `${label}: allowed write left no audit event`;
      }
      return undefined;
    }
    const [status, code] = EXPECTED_ERROR[outcome];
    let actualCode = '';
    try {
      actualCode = errorOf(res).code;
    } catch {
      actualCode = '(no error body)';
    }
    if (res.statusCode !== status || actualCode !== code)
      return `${label}: expected ${status} ${code}, got ${res.statusCode} ${actualCode}`;
    const after = await fingerprint(t, IGNORE);
    if (JSON.stringify(after) !== JSON.stringify(before))
      return `${label}: refused (${status}) but the database changed`;
    return undefined;
  }

  for (const [routeKey, spec] of Object.entries(MATRIX)) {
    it(routeKey, async () => {
      const [method] = routeKey.split(' ');
      const problems: string[] = [];
      const columns: Array<[CaseContext['column'], 'own' | 'other']> = [
        ...ROLES.map((r): [Role, 'own'] => [r, 'own']),
        ...(spec.target ? ROLES.map((r): [Role, 'other'] => [r, 'other']) : []),
        ['anonymous', 'own'],
        ['mfa', 'own'],
        ['enrol', 'own'],
      ];
      for (const [column, target] of columns) {
        const problem = await runCase(spec, method ?? 'GET', column, target);
        if (problem) problems.push(problem);
      }
      expect(problems).toEqual([]);
    });
  }
});
