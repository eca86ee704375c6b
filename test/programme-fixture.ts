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
