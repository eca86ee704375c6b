import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  jsonObject,
  sessionFor,
  TEST_DB,
  type TestApp,
} from '../../../test/harness.js';
import { GENESIS_HASH, hashEvent, verifyAuditChain, type AuditRow } from './audit.js';

describe(`audit chain (${TEST_DB})`, () => {
  let t: TestApp;
  let cookie: string;
  let actorId: string;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestApp();
    orgId = await createOrganisation(t);
    const admin = await createUser(t, 'admin', orgId);
    actorId = admin.id;
    cookie = await sessionFor(t, admin.id);
    // Some history: ten events, appended in one transaction and one by one.
    await t.ctx.db.transaction().execute((tx) =>
      t.ctx.audit.append(
        tx,
        ...Array.from({ length: 5 }, (_, i) => ({
          actorUserId: actorId,
          actorOrganisationId: orgId,
          action: 'test.batch',
          objectType: 'thing',
          objectId: `b${i}`,
        })),
      ),
    );
    for (let i = 0; i < 5; i++) {
      await t.ctx.audit.record({
        actorUserId: actorId,
        actorOrganisationId: orgId,
        action: 'test.single',
        objectId: `s${i}`,
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const rows = async (): Promise<AuditRow[]> =>
    (await t.ctx.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()).map((r) => ({
      ...r,
      seq: Number(r.seq),
    }));
  const row = async (seq: number): Promise<AuditRow> => {
    const r = (await rows()).find((x) => x.seq === seq);
    if (!r) throw new Error(`no event ${seq}`);
    return r;
  };
  const count = async () => (await rows()).length;
  const verifyApi = async () => {
    const res = await call(t, { method: 'POST', url: '/api/audit/verify', cookie });
    expect(res.statusCode).toBe(200);
    return jsonObject(res);
  };

  it('is intact: sequence 1..n, each linked to the previous and hashing its own content', async () => {
    const all = await rows();
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 0; i < all.length; i++) {
      const r = all[i];
      if (!r) continue;
      const { hash, ...content } = r;
      expect(hashEvent(content)).toBe(hash);
      if (i > 0) expect(r.prev_hash).toBe(all[i - 1]?.hash);
    }
    const head = await t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(Number(head.seq)).toBe(all.length);
    expect(head.hash).toBe(all.at(-1)?.hash);
    expect(await verifyAuditChain(t.ctx.db)).toEqual({ ok: true, checked: all.length });
  });

  it('notices an edited field and names the event', async () => {
    const target = await row(4);
    await t.ctx.db
      .updateTable('audit_events')
      .set({ action: 'test.innocent' })
      .where('seq', '=', 4)
      .execute();
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: 'content',
      checked: 3,
    });
    const api = await verifyApi();
    expect(api).toMatchObject({ ok: false, brokenAt: 4, reason: 'content' });
    await t.ctx.db
      .updateTable('audit_events')
      .set({ action: target.action })
      .where('seq', '=', 4)
      .execute();
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('notices an edit whose hash was recomputed (the next link breaks)', async () => {
    const target = await row(6);
    const forged = { ...target, object_id: 'forged' };
    const { hash: _old, ...content } = forged;
    await t.ctx.db
      .updateTable('audit_events')
      .set({ object_id: 'forged', hash: hashEvent(content) })
      .where('seq', '=', 6)
      .execute();
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({
      ok: false,
      brokenAt: 7,
      reason: 'link',
    });
    await t.ctx.db
      .updateTable('audit_events')
      .set({ object_id: target.object_id, hash: target.hash })
      .where('seq', '=', 6)
      .execute();
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('notices a deleted event in the middle', async () => {
    const target = await row(5);
    await t.ctx.db.deleteFrom('audit_events').where('seq', '=', 5).execute();
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: 'gap',
      checked: 4,
    });
    expect(await verifyApi()).toMatchObject({ ok: false, brokenAt: 5, reason: 'gap' });
    await t.ctx.db.insertInto('audit_events').values(target).execute();
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('notices a deleted last event (the head no longer matches)', async () => {
    await t.ctx.audit.flush();
    const n = await count();
    const last = await row(n);
    await t.ctx.db.deleteFrom('audit_events').where('seq', '=', n).execute();
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({
      ok: false,
      brokenAt: n,
      reason: 'head',
      checked: n - 1,
    });
    await t.ctx.db.insertInto('audit_events').values(last).execute();
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('notices a reordered pair (swapped sequence numbers)', async () => {
    const a = await row(2);
    const b = await row(3);
    await t.ctx.db.deleteFrom('audit_events').where('seq', 'in', [2, 3]).execute();
    await t.ctx.db
      .insertInto('audit_events')
      .values([
        { ...a, seq: 3 },
        { ...b, seq: 2 },
      ])
      .execute();
    const res = await verifyAuditChain(t.ctx.db);
    expect(res).toMatchObject({ ok: false, brokenAt: 2 });
    await t.ctx.db.deleteFrom('audit_events').where('seq', 'in', [2, 3]).execute();
    await t.ctx.db.insertInto('audit_events').values([a, b]).execute();
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('the verify endpoint reports an intact chain and is itself audited', async () => {
    await t.ctx.audit.flush();
    const before = await count();
    const res = await verifyApi();
    expect(res).toEqual({ ok: true, checked: before, brokenAt: null, reason: null });
    await t.ctx.audit.flush();
    const last = await row(before + 1);
    expect(last).toMatchObject({ action: 'audit.verified', actor_user_id: actorId });
  });

  it('keeps the chain linear under 50 concurrent audited reads and writes', async () => {
    await t.ctx.audit.flush();
    const before = await count();
    const member = await createUser(t, 'member', orgId);
    const memberCookie = await sessionFor(t, member.id);
    const requests = [
      ...Array.from({ length: 50 }, (_, i) =>
        call(t, { method: 'GET', url: `/api/audit?limit=${1 + (i % 5)}`, cookie }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        call(t, {
          method: 'PATCH',
          url: '/api/me',
          cookie: memberCookie,
          body: { name: `Namn ${i}` },
        }),
      ),
      // Refusals are audited too.
      ...Array.from({ length: 10 }, () =>
        call(t, { method: 'GET', url: '/api/audit', cookie: memberCookie }),
      ),
    ];
    const results = await Promise.all(requests);
    expect(results.slice(0, 60).map((r) => r.statusCode)).toEqual(Array(60).fill(200));
    expect(results.slice(60).map((r) => r.statusCode)).toEqual(Array(10).fill(403));
    await t.ctx.audit.flush();
    const all = await rows();
    expect(all.length - before).toBe(70);
    const added = all.slice(before);
    expect(added.filter((r) => r.action === 'audit.read')).toHaveLength(50);
    expect(added.filter((r) => r.action === 'user.profile_updated')).toHaveLength(10);
    expect(
      added.filter((r) => r.action === 'access.denied' && r.outcome === 'denied'),
    ).toHaveLength(10);
    expect(new Set(added.map((r) => r.request_id)).size).toBe(70);
    expect(await verifyAuditChain(t.ctx.db)).toEqual({ ok: true, checked: all.length });
  });
});
