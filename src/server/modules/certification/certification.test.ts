import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  createUser,
  errorOf,
  fingerprint,
  jsonObject,
  sessionFor,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import { directoryFixture, type DirectoryFixture } from '../../../../test/directory-fixture.js';
import { isCertifiedOn } from './certification.service.js';

const DAY = 86_400_000;
// A minimal but real PDF: file-type recognises it by its header.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe(`certification of support actors (${TEST_DB})`, () => {
  let t: TestApp;
  let f: DirectoryFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await directoryFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const certify = (version: number, patch: Record<string, unknown> = {}) =>
    f.as('coordinator', 'PUT', `/api/organisations/${f.ownOrg}/certification`, {
      status: 'certified',
      certifiedFrom: '2026-01-01',
      certifiedTo: '2027-01-10',
      reviewDate: '2026-12-01',
      services: ['protected_housing_women', 'protection_24h'],
      conditions: 'Rapport varje kvartal.',
      reason: 'Granskning av kvalitetskraven godkänd.',
      expectedVersion: version,
      ...patch,
    });

  it('refuses everyone but the coordinator and administrators', async () => {
    for (const role of ['actor_staff', 'authority_contact', 'member'] as const) {
      const res = await f.as(role, 'PUT', `/api/organisations/${f.ownOrg}/certification`, {
        status: 'certified',
        certifiedFrom: '2026-01-01',
        certifiedTo: '2027-01-01',
        reason: 'self-certified',
        expectedVersion: 0,
      });
      expect(res.statusCode, role).toBe(403);
    }
  });

  it('refuses dates out of order, a certification without a period and unknown services, storing nothing', async () => {
    const before = await fingerprint(t, ['sessions.last_seen_at']);
    expect(errorOf(await certify(0, { certifiedTo: '2025-12-31' })).fields).toContainEqual(
      expect.objectContaining({ path: 'certifiedTo', code: 'date_order' }),
    );
    expect(errorOf(await certify(0, { certifiedTo: null })).fields).toContainEqual(
      expect.objectContaining({ path: 'certifiedTo', code: 'required' }),
    );
    expect(errorOf(await certify(0, { services: ['flying'] })).fields).toContainEqual(
      expect.objectContaining({ path: 'services.0', code: 'unknown_service' }),
    );
    expect((await certify(0, { reason: '' })).statusCode).toBe(400);
    expect(await fingerprint(t, ['sessions.last_seen_at'])).toEqual(before);
  });

  it('certifies, keeps the history with who and why, and refuses a stale edit', async () => {
    const first = await certify(0);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      certification: {
        status: 'certified',
        effectiveStatus: 'certified',
        version: 1,
        services: ['protected_housing_women', 'protection_24h'],
      },
    });
    const suspend = await certify(1, { status: 'suspended', reason: 'Brister i skyddet.' });
    expect(suspend.statusCode).toBe(200);
    const stale = await certify(1, { status: 'certified', reason: 'Old tab' });
    expect(stale.statusCode).toBe(409);
    const back = await certify(2, { reason: 'Bristerna åtgärdade.' });
    const detail = jsonObject(back);
    const history = detail.history as Array<{
      version: number;
      status: string;
      reason: string;
      actorName: string | null;
    }>;
    expect(history.map((h) => [h.version, h.status, h.reason])).toEqual([
      [3, 'certified', 'Bristerna åtgärdade.'],
      [2, 'suspended', 'Brister i skyddet.'],
      [1, 'certified', 'Granskning av kvalitetskraven godkänd.'],
    ]);
    expect(history[0]?.actorName).toMatch(/coordinator/);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('object_id', '=', f.ownOrg)
      .execute();
    expect(events.filter((e) => e.action === 'certification.changed')).toHaveLength(3);
  });

  it('shows the history and conditions to the organisation itself but not to others', async () => {
    const own = jsonObject(
      await f.as('actor_staff', 'GET', `/api/organisations/${f.ownOrg}/certification`),
    );
    expect((own.history as unknown[]).length).toBe(3);
    expect((own.certification as { conditions: string | null }).conditions).toBe(
      'Rapport varje kvartal.',
    );
    const outsider = await createUser(t, 'actor_staff', f.otherOrg);
    const seen = jsonObject(
      await call(t, {
        method: 'GET',
        url: `/api/organisations/${f.ownOrg}/certification`,
        cookie: await sessionFor(t, outsider.id),
      }),
    );
    // The status is known to the partnership; conditions and history are not.
    expect(seen.certification).toMatchObject({ status: 'certified', conditions: null });
    expect(seen.history).toEqual([]);
  });

  it('lists what expires within 60 days, and counts a passed end date as expired', async () => {
    // Today (test clock) is 2026-11-23; the certification ends 2027-01-10: 48 days.
    const soon = jsonObject(
      await f.as('coordinator', 'GET', '/api/certifications?expiringWithinDays=60'),
    );
    expect(
      (soon.items as Array<{ organisationId: string; daysLeft: number }>).map((i) => [
        i.organisationId,
        i.daysLeft,
      ]),
    ).toEqual([[f.ownOrg, 48]]);
    const later = jsonObject(
      await f.as('coordinator', 'GET', '/api/certifications?expiringWithinDays=30'),
    );
    expect(later.items).toEqual([]);
    expect(await isCertifiedOn(t.ctx.db, f.ownOrg, '2027-01-10')).toBe(true);
    expect(await isCertifiedOn(t.ctx.db, f.ownOrg, '2027-01-11')).toBe(false);
    t.clock.advance(60 * DAY);
    try {
      // Sessions do not survive 60 days: a new one for the new day.
      const reader = await createUser(t, 'member', f.otherOrg);
      const expired = jsonObject(
        await call(t, {
          method: 'GET',
          url: '/api/certifications?status=expired',
          cookie: await sessionFor(t, reader.id),
        }),
      );
      expect(expired.items).toEqual([
        expect.objectContaining({
          organisationId: f.ownOrg,
          status: 'certified',
          effectiveStatus: 'expired',
        }),
      ]);
    } finally {
      t.clock.advance(-60 * DAY);
    }
  });

  it('stores certification documents encrypted, checks their type by content and serves them only as downloads', async () => {
    const upload = (
      role: 'coordinator' | 'actor_staff',
      org: string,
      bytes: Buffer,
      name: string,
    ) =>
      call(t, {
        method: 'POST',
        url: `/api/organisations/${org}/certification/documents`,
        cookie: f.cookies[role],
        headers: {
          'content-type': 'application/octet-stream',
          'x-file-name': encodeURIComponent(name),
        },
        body: bytes,
      });
    const res = await upload('actor_staff', f.ownOrg, PDF, 'Kvalitetsrapport 2026 – Ljuset.pdf');
    expect(res.statusCode).toBe(201);
    const id = String(jsonObject(res).id);
    const fake = await upload(
      'actor_staff',
      f.ownOrg,
      Buffer.from('MZ this is not a pdf'),
      'rapport.pdf',
    );
    expect(errorOf(fake).fields).toContainEqual(expect.objectContaining({ code: 'file_type' }));
    expect((await upload('actor_staff', f.otherOrg, PDF, 'x.pdf')).statusCode).toBe(404);

    const dl = await f.as(
      'actor_staff',
      'GET',
      `/api/organisations/${f.ownOrg}/certification/documents/${id}`,
    );
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(String(dl.headers['content-disposition'])).toMatch(
      /^attachment; filename="Kvalitetsrapport 2026 _ Ljuset\.pdf"; filename\*=UTF-8''/,
    );
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    // Staff of another organisation do not see it exists.
    const otherStaff = await f.as(
      'member',
      'GET',
      `/api/organisations/${f.otherOrg}/certification`,
    );
    expect(jsonObject(otherStaff).documents).toEqual([]);

    const row = await t.ctx.db
      .selectFrom('certification_documents')
      .select('content_enc')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.content_enc).includes(Buffer.from('%PDF'))).toBe(false);
    if (TEST_DB === 'sqlite') {
      const file = fs.readFileSync(path.join(t.database.dataDir, 'slussa.db'));
      expect(file.includes(Buffer.from('trailer <<>>'))).toBe(false);
    }
    expect(
      (
        await f.as(
          'actor_staff',
          'DELETE',
          `/api/organisations/${f.ownOrg}/certification/documents/${id}`,
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await f.as(
          'actor_staff',
          'GET',
          `/api/organisations/${f.ownOrg}/certification/documents/${id}`,
        )
      ).statusCode,
    ).toBe(404);
  });
});
