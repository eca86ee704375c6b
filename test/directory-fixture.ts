import { call, createOrganisation, createUser, sessionFor, type TestApp } from './harness.js';
import type { Role } from '../src/server/core/access.js';

/** Users of every role, one NGO of their own and another NGO, for the directory tests. */
export interface DirectoryFixture {
  ownOrg: string;
  otherOrg: string;
  platformOrg: string;
  cookies: Record<Role, string>;
  as(
    role: Role,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): ReturnType<typeof call>;
}

export async function directoryFixture(t: TestApp): Promise<DirectoryFixture> {
  const platformOrg = await createOrganisation(t, 'Plattformen', 'other', 'national');
  const ownOrg = await createOrganisation(t, 'Skyddat boende Ljuset', 'ngo', 'M');
  const otherOrg = await createOrganisation(t, 'Stödcentrum Väst', 'ngo', 'O');
  const home: Record<Role, string> = {
    admin: platformOrg,
    coordinator: platformOrg,
    actor_staff: ownOrg,
    authority_contact: ownOrg,
    member: ownOrg,
  };
  const cookies = {} as Record<Role, string>;
  for (const role of Object.keys(home) as Role[]) {
    const user = await createUser(t, role, home[role]);
    cookies[role] = await sessionFor(t, user.id);
  }
  return {
    ownOrg,
    otherOrg,
    platformOrg,
    cookies,
    as: (role, method, url, body) => call(t, { method, url, body, cookie: cookies[role] }),
  };
}
