import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  signInAs,
  TEST_DB,
  type TestApp,
} from './harness.js';

describe(`smoke (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers health and refuses an unauthenticated read', async () => {
    expect((await call(t, { method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const res = await call(t, { method: 'GET', url: '/api/home' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('signs in an actor and shows the home page of their organisation', async () => {
    const org = await createOrganisation(t, 'Skyddat boende Syd');
    const user = await createUser(t, 'actor_staff', org);
    const cookie = await signInAs(t, user);
    const res = await call(t, { method: 'GET', url: '/api/home', cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      role: 'actor_staff',
      organisation: { name: 'Skyddat boende Syd', memberCount: 1 },
    });
    expect(res.json()).not.toHaveProperty('admin');
  });
});
