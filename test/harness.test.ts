import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganisation,
  createTestApp,
  createUser,
  errorLeaks,
  fingerprint,
  leaks,
  sessionFor,
  TEST_DB,
  type TestApp,
} from './harness.js';

/** The tests lean on these helpers to prove that refusals change nothing; they must notice changes. */
describe(`test helpers (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('fingerprint notices an added row, an edited value and a deleted row', async () => {
    const org = await createOrganisation(t, 'Fingeravtryck');
    const a = await fingerprint(t);
    expect(await fingerprint(t)).toEqual(a);
    const user = await createUser(t, 'member', org);
    const b = await fingerprint(t);
    expect(b.users).not.toBe(a.users);
    expect(b.organisations).toBe(a.organisations);
    await t.ctx.db.updateTable('users').set({ name: 'Annat' }).where('id', '=', user.id).execute();
    const c = await fingerprint(t);
    expect(c.users).not.toBe(b.users);
    await t.ctx.db.deleteFrom('users').where('id', '=', user.id).execute();
    expect((await fingerprint(t)).users).toBe(a.users);
  });

  it('fingerprint covers every table and leaves out what it is told to', async () => {
    const org = await createOrganisation(t);
    const user = await createUser(t, 'member', org);
    await sessionFor(t, user.id);
    const all = await fingerprint(t);
    for (const table of ['users', 'sessions', 'audit_events', 'outbox', 'organisations']) {
      expect(all).toHaveProperty(table);
    }
    const ignore = ['sessions.last_seen_at', 'audit_events'];
    const before = await fingerprint(t, ignore);
    expect(before).not.toHaveProperty('audit_events');
    t.clock.advance(5 * 60_000);
    await t.ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: t.clock.now().toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    expect(await fingerprint(t, ignore)).toEqual(before);
    expect((await fingerprint(t)).sessions).not.toBe(all.sessions);
    await t.ctx.db
      .updateTable('sessions')
      .set({ stage: 'mfa' })
      .where('user_id', '=', user.id)
      .execute();
    expect((await fingerprint(t, ignore)).sessions).not.toBe(before.sessions);
  });

  it('leak detection recognises internals', () => {
    expect(leaks('{"ok":true}')).toEqual([]);
    expect(
      leaks('Error: x\n    at Object.<anonymous> (/work/main/src/server/app.ts:1:1)'),
    ).toContain('stack frame');
    expect(leaks('SQLITE_CONSTRAINT: UNIQUE constraint failed')).toContain('driver');
    expect(leaks('duplicate key value violates unique constraint')).toContain('driver');
    expect(leaks('select * from users where id = 1')).toContain('SQL');
    const fake = (body: unknown) =>
      errorLeaks({ body: JSON.stringify(body) } as Parameters<typeof errorLeaks>[0]);
    expect(fake({ error: { code: 'x', message: 'y', fields: [] } })).toEqual([]);
    expect(fake({ error: { code: 'x', message: 'y', fields: [], stack: 'at x' } })).not.toEqual([]);
    expect(
      fake({
        error: {
          code: 'x',
          message: 'y',
          fields: [{ path: 'select from', code: 'c', message: 'm' }],
        },
      }),
    ).toEqual([]);
    expect(
      fake({ error: { code: 'internal', message: 'relation "users" does not exist', fields: [] } }),
    ).toContain('driver');
  });
});
