import { call, createOrganisation, createUser, sessionFor, type TestApp } from './harness.js';
import { writeCertification } from '../src/server/modules/certification/certification.service.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * The support programme's cast: two certified NGOs (each with two staff), an
 * NGO whose certification has lapsed, a coordinator, a second coordinator for
 * four-eyes approvals, an administrator, an authority contact and a member.
 */
export interface ProgrammeFixture {
  ngoA: string;
  ngoB: string;
  lapsedNgo: string;
  platformOrg: string;
  users: Record<PersonKey, { id: string; cookie: string; organisationId: string }>;
  as(who: PersonKey, method: Method, url: string, body?: unknown): ReturnType<typeof call>;
}

export type PersonKey =
  | 'staffA'
  | 'staffA2'
  | 'staffB'
  | 'lapsedStaff'
  | 'coordinator'
  | 'coordinator2'
  | 'admin'
  | 'authority'
  | 'member';

/** A background that passes validation; tests override what they are about. */
export const BACKGROUND = {
  nationality: 'NG',
  gender: 'woman',
  ageBand: '18_25',
  childrenCount: 1,
  childrenAges: [4],
  childrenInHomeCountry: 0,
  exploitationForms: ['sexual'],
  exploitationCountries: ['SE', 'IT'],
  policeReport: 'no',
  policeReportDate: null,
  residenceStatus: 'asylum_seeker',
  housingSituation: 'protected_housing',
} as const;

export async function programmeFixture(t: TestApp): Promise<ProgrammeFixture> {
  const platformOrg = await createOrganisation(t, 'Plattformen', 'other', 'national');
  const ngoA = await createOrganisation(t, 'Skyddat boende Ljuset', 'ngo', 'M');
  const ngoB = await createOrganisation(t, 'Stödcentrum Väst', 'ngo', 'O');
  const lapsedNgo = await createOrganisation(t, 'Föreningen Hamnen', 'ngo', 'AB');
  const authorityOrg = await createOrganisation(t, 'Polisen Region Syd', 'authority', 'M');
  await t.ctx.db.transaction().execute(async (tx) => {
    for (const [org, from, to] of [
      [ngoA, '2026-01-01', '2027-12-31'],
      [ngoB, '2026-01-01', '2027-12-31'],
      [lapsedNgo, '2024-01-01', '2025-12-31'],
    ] as const) {
      await writeCertification(
        t.ctx,
        tx,
        org,
        {
          status: 'certified',
          certifiedFrom: from,
          certifiedTo: to,
          reviewDate: null,
          services: [],
          conditions: null,
          reason: 'Kvalitetsgranskning godkänd.',
          expectedVersion: 0,
        },
        null,
      );
    }
  });
  const cast: Array<[PersonKey, Parameters<typeof createUser>[1], string]> = [
    ['staffA', 'actor_staff', ngoA],
    ['staffA2', 'actor_staff', ngoA],
    ['staffB', 'actor_staff', ngoB],
    ['lapsedStaff', 'actor_staff', lapsedNgo],
    ['coordinator', 'coordinator', platformOrg],
    ['coordinator2', 'coordinator', platformOrg],
    ['admin', 'admin', platformOrg],
    ['authority', 'authority_contact', authorityOrg],
    ['member', 'member', ngoA],
  ];
  const users = {} as ProgrammeFixture['users'];
  for (const [key, role, org] of cast) {
    const u = await createUser(t, role, org);
    users[key] = { id: u.id, cookie: await sessionFor(t, u.id), organisationId: org };
  }
  return {
    ngoA,
    ngoB,
    lapsedNgo,
    platformOrg,
    users,
    as: (who, method, url, body) => call(t, { method, url, body, cookie: users[who].cookie }),
  };
}

/** What a case is created with; tests override what they are about. */
export interface CaseOptions {
  background?: Record<string, unknown>;
  protectedIdentity?: boolean;
  protectedStaffUserIds?: string[];
  identityNote?: string | null;
}

export function caseBody(o: CaseOptions = {}) {
  return {
    background: { ...BACKGROUND, ...(o.background ?? {}) },
    protectedIdentity: o.protectedIdentity ?? false,
    protectedStaffUserIds: o.protectedStaffUserIds ?? [],
    identityNote: o.identityNote ?? null,
  };
}

/** Creates a case through the API (as staffA unless told); fails loudly otherwise. */
export async function newCase(
  f: ProgrammeFixture,
  o: CaseOptions = {},
  who: PersonKey = 'staffA',
): Promise<{ id: string; code: string }> {
  const res = await f.as(who, 'POST', '/api/cases', caseBody(o));
  if (res.statusCode !== 201) throw new Error(`case not created: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; code: string };
}

/** A reflection period of 30 days in December 2026 (after the test clock's today, 2026-11-23). */
export function reflectionBody(caseId: string, patch: Record<string, unknown> = {}) {
  return {
    caseId,
    type: 'reflection',
    periodFrom: '2026-12-01',
    periodTo: '2026-12-30',
    childrenCount: 1,
    justification: 'Behöver en trygg period av vila och stöd.',
    ...patch,
  };
}

/** Submits an application through the API (as staffA unless told); returns its id. */
export async function submitApplication(
  f: ProgrammeFixture,
  body: Record<string, unknown>,
  who: PersonKey = 'staffA',
): Promise<string> {
  const res = await f.as(who, 'POST', '/api/applications', body);
  if (res.statusCode !== 201)
    throw new Error(`application not submitted: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** The application's current version, as the coordinator sees it. */
export async function applicationVersion(f: ProgrammeFixture, id: string): Promise<number> {
  const res = await f.as('coordinator', 'GET', `/api/applications/${id}`);
  if (res.statusCode !== 200)
    throw new Error(`application not read: ${res.statusCode} ${res.body}`);
  return (res.json() as { version: number }).version;
}

/** Decides an application (as the coordinator unless told) at its current version. */
export async function decideApplication(
  f: ProgrammeFixture,
  id: string,
  body: Record<string, unknown>,
  who: PersonKey = 'coordinator',
) {
  return f.as(who, 'POST', `/api/applications/${id}/decisions`, {
    expectedVersion: await applicationVersion(f, id),
    grounds: ['meets_criteria'],
    rationale: 'Uppfyller kriterierna enligt underlaget.',
    ...body,
  });
}
