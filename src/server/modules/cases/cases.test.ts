/**
 * Cases of the support programme (domain.md §3): pseudonymised codes,
 * background with controlled vocabularies, the encrypted identity note,
 * protected identity, notes, attachments, transfer to another actor, the
 * timeline, and who may see what (every read audited).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { LightMyRequestResponse } from 'fastify';
import {
  call,
  createTestApp,
  errorOf,
  fingerprint,
  leaks,
  sessionFor,
  TEST_DB,
  uniqueSuffix,
  type TestApp,
} from '../../../../test/harness.js';
import {
  BACKGROUND,
  caseBody,
  decideApplication,
  newCase,
  programmeFixture,
  reflectionBody,
  submitApplication,
  type PersonKey,
  type ProgrammeFixture,
} from '../../../../test/programme-fixture.js';
import { MAX_DOCUMENT_BYTES } from '../../core/files.js';
import { formatCaseCode } from './cases.service.js';

const MINUTE = 60_000;
// Reads touch the session; refusals may be audited as refusals. Nothing else may change.
const IGNORE = ['sessions.last_seen_at', 'audit_events', 'audit_head'];

/** A minimal but real PDF carrying a marker in its content. */
const pdfWith = (marker: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${marker}\ntrailer <<>>\n%%EOF\n`, 'latin1');

type CaseViewJson = {
  id: string;
  code: string;
  ownerOrganisationId: string;
  protectedIdentity: boolean;
  protectedStaff: Array<{ id: string; name: string }>;
  hasIdentityNote: boolean;
  mayViewIdentityNote: boolean;
  mayEdit: boolean;
  background: Record<string, unknown>;
  version: number;
  timeline: Array<{
    kind: string;
    text: string | null;
    applicationId: string | null;
    outcome: string | null;
    attachmentId: string | null;
    fileName: string | null;
    fromOrganisationName: string | null;
    toOrganisationName: string | null;
  }>;
};

describe(`cases of the support programme (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ProgrammeFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await programmeFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const viewOf = async (who: PersonKey, id: string): Promise<CaseViewJson> => {
    const res = await f.as(who, 'GET', `/api/cases/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as CaseViewJson;
  };
  const listCodes = async (who: PersonKey, query = ''): Promise<string[]> => {
    const res = await f.as(who, 'GET', `/api/cases${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Array<{ code: string }> }).items.map((i) => i.code);
  };
  const upload = (who: PersonKey, caseId: string, bytes: Buffer, name: string) =>
    call(t, {
      method: 'POST',
      url: `/api/cases/${caseId}/attachments`,
      body: bytes,
      cookie: f.users[who].cookie,
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent(name),
      },
    });
  /** The SQLite database file and its write-ahead log, as bytes (PostgreSQL: none). */
  const databaseFileBytes = (): Buffer[] => {
    const file = t.database.handle.sqlitePath;
    if (!file) return [];
    return [file, `${file}-wal`].filter((p) => fs.existsSync(p)).map((p) => fs.readFileSync(p));
  };
  const inDatabaseFile = (s: string | Buffer): boolean =>
    databaseFileBytes().some((b) => b.includes(typeof s === 'string' ? Buffer.from(s, 'utf8') : s));
  const auditEvents = async (action: string, objectId: string) => {
    await t.ctx.audit.flush();
    return t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .where('object_id', '=', objectId)
      .orderBy('seq')
      .execute();
  };
  const expectRefused = (res: LightMyRequestResponse, status: number, code: string) => {
    expect(`${res.statusCode} ${errorOf(res).code}`, res.body).toBe(`${status} ${code}`);
    expect(leaks(res.body)).toEqual([]);
  };

  it('hands out NSP001…NSP050 to 50 concurrent creations, each exactly once, with no gaps', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f.as(i % 3 === 0 ? 'staffB' : 'staffA', 'POST', '/api/cases', caseBody()),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array<number>(50).fill(201));
    const codes = results.map((r) => (r.json() as { code: string }).code).sort();
    expect(codes).toEqual(
      Array.from({ length: 50 }, (_, i) => `NSP${String(i + 1).padStart(3, '0')}`),
    );
    const rows = await t.ctx.db.selectFrom('cases').select(['number', 'code']).execute();
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.number)).size).toBe(50);
    expect(new Set(rows.map((r) => r.code)).size).toBe(50);
    const programme = await t.ctx.db
      .selectFrom('programmes')
      .select('last_case_number')
      .executeTakeFirstOrThrow();
    expect(programme.last_case_number).toBe(50);
  });

  it('never reuses a number: a refused creation takes none, and the next case continues the sequence', async () => {
    const before = await fingerprint(t, IGNORE);
    // Naming another organisation's staff on a protected case fails inside the creating transaction.
    const refused = await f.as(
      'staffA',
      'POST',
      '/api/cases',
      caseBody({ protectedIdentity: true, protectedStaffUserIds: [f.users.staffB.id] }),
    );
    expectRefused(refused, 400, 'validation');
    expect(errorOf(refused).fields).toContainEqual(
      expect.objectContaining({ path: 'protectedStaffUserIds', code: 'unknown_staff' }),
    );
    // An actor whose certification has lapsed cannot create cases.
    expectRefused(
      await f.as('lapsedStaff', 'POST', '/api/cases', caseBody()),
      403,
      'not_certified',
    );
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    expect((await newCase(f)).code).toBe('NSP051');
    expect((await newCase(f, {}, 'staffB')).code).toBe('NSP052');
    expect(formatCaseCode('NSP', 7)).toBe('NSP007');
    expect(formatCaseCode('NSP', 1000)).toBe('NSP1000');
  });

  it('asks no name or identity number; the identity note is optional', async () => {
    const before = await fingerprint(t, IGNORE);
    for (const extra of [
      { name: 'Amina Okafor' },
      { personalIdentityNumber: '19990412-1234' },
      { firstName: 'Amina', lastName: 'Okafor' },
    ]) {
      const res = await f.as('staffA', 'POST', '/api/cases', { ...caseBody(), ...extra });
      expectRefused(res, 400, 'validation');
      expect(
        errorOf(res)
          .fields.map((x) => [x.path, x.code])
          .sort(),
      ).toEqual(
        Object.keys(extra)
          .map((k) => [k, 'unrecognized_keys'])
          .sort(),
      );
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    const { id } = await newCase(f, { identityNote: null });
    const view = await viewOf('staffA', id);
    expect(view.hasIdentityNote).toBe(false);
    expect(view.mayViewIdentityNote).toBe(true);
    // The background is what was sent (nationality is a code, no name anywhere).
    expect(view.background).toEqual(BACKGROUND);
  });

  it('stores the identity note encrypted: not in the column, not in the database file', async () => {
    const marker = `Amina Okafor 19990412-1234 pass A${uniqueSuffix()}`;
    const { id, code } = await newCase(f, { identityNote: marker });
    const row = await t.ctx.db
      .selectFrom('cases')
      .select(['identity_note_enc', 'code'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.identity_note_enc).not.toBeNull();
    expect(row.identity_note_enc).not.toContain(marker);
    expect(row.identity_note_enc).not.toContain('Okafor');
    // It is the note, encrypted (not something else).
    expect(t.ctx.crypto.decrypt(row.identity_note_enc ?? '')).toBe(marker);
    const found = await t.ctx.db
      .selectFrom('cases')
      .select('id')
      .where('identity_note_enc', 'like', '%Okafor%')
      .execute();
    expect(found).toEqual([]);
    if (TEST_DB === 'sqlite') {
      // The plain case code is in the file (so the search works); the note is not.
      expect(inDatabaseFile(code)).toBe(true);
      expect(inDatabaseFile(marker)).toBe(false);
      expect(inDatabaseFile('Okafor')).toBe(false);
    }
  });

  it('shows the identity note only to the owning organisation’s staff, and audits every view', async () => {
    const note = `Kontaktuppgift hos ombud ${uniqueSuffix()}`;
    const { id } = await newCase(f, { identityNote: note });
    const read = (who: PersonKey) => f.as(who, 'GET', `/api/cases/${id}/identity-note`);
    const before = await fingerprint(t, IGNORE);
    expectRefused(await read('coordinator'), 403, 'forbidden');
    expectRefused(await read('staffB'), 404, 'not_found');
    expectRefused(await read('admin'), 403, 'forbidden');
    expectRefused(await read('authority'), 403, 'forbidden');
    expectRefused(await read('member'), 403, 'forbidden');
    expect(await auditEvents('case.identity_note_read', id)).toEqual([]);
    // The coordinator sees that there is a note, not what it says.
    const coordinatorView = await f.as('coordinator', 'GET', `/api/cases/${id}`);
    expect(coordinatorView.json()).toMatchObject({
      hasIdentityNote: true,
      mayViewIdentityNote: false,
    });
    expect(coordinatorView.body).not.toContain(note);
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    const own = await read('staffA');
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ identityNote: note });
    expect((await read('staffA2')).json()).toEqual({ identityNote: note });
    await read('staffA');
    const events = await auditEvents('case.identity_note_read', id);
    expect(events.map((e) => [e.actor_user_id, e.outcome, e.object_type])).toEqual([
      [f.users.staffA.id, 'success', 'case'],
      [f.users.staffA2.id, 'success', 'case'],
      [f.users.staffA.id, 'success', 'case'],
    ]);

    // Changing it: the owning staff only.
    expectRefused(
      await f.as('staffB', 'PUT', `/api/cases/${id}/identity-note`, { identityNote: 'x' }),
      404,
      'not_found',
    );
    expectRefused(
      await f.as('coordinator', 'PUT', `/api/cases/${id}/identity-note`, { identityNote: 'x' }),
      403,
      'forbidden',
    );
    expect((await read('staffA')).json()).toEqual({ identityNote: note });
    const changed = `Ny uppgift ${uniqueSuffix()}`;
    const put = await f.as('staffA', 'PUT', `/api/cases/${id}/identity-note`, {
      identityNote: changed,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await read('staffA')).json()).toEqual({ identityNote: changed });
    expect(await auditEvents('case.identity_note_changed', id)).toHaveLength(1);
    await f.as('staffA', 'PUT', `/api/cases/${id}/identity-note`, { identityNote: null });
    expect((await read('staffA')).json()).toEqual({ identityNote: null });
    expect((await viewOf('staffA', id)).hasIdentityNote).toBe(false);
    if (TEST_DB === 'sqlite') expect(inDatabaseFile(changed)).toBe(false);
  });

  it('audits every read of a case, of an application and of the lists, without client data', async () => {
    const identity = `Identitet ${uniqueSuffix()}`;
    const noteText = `Anteckning ${uniqueSuffix()}`;
    const justification = `Motivering ${uniqueSuffix()}`;
    const { id } = await newCase(f, { identityNote: identity });
    expect(
      (await f.as('staffA', 'POST', `/api/cases/${id}/notes`, { text: noteText })).statusCode,
    ).toBe(201);
    const appId = await submitApplication(f, reflectionBody(id, { justification }));
    await t.ctx.audit.flush();
    const head = Number(
      (await t.ctx.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq,
    );

    await viewOf('staffA', id);
    await viewOf('coordinator', id);
    await listCodes('staffA');
    await listCodes('coordinator', '?q=NSP');
    expect((await f.as('staffA', 'GET', `/api/applications/${appId}`)).statusCode).toBe(200);
    expect((await f.as('coordinator', 'GET', `/api/applications/${appId}`)).statusCode).toBe(200);
    expect((await f.as('staffA', 'GET', '/api/applications')).statusCode).toBe(200);
    expect((await f.as('coordinator', 'GET', '/api/applications?status=open')).statusCode).toBe(
      200,
    );

    await t.ctx.audit.flush();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', head)
      .orderBy('seq')
      .execute();
    const reads = events.filter((e) => e.outcome === 'success');
    expect(reads.map((e) => [e.action, e.actor_user_id, e.object_id])).toEqual([
      ['case.read', f.users.staffA.id, id],
      ['case.read', f.users.coordinator.id, id],
      ['case.listed', f.users.staffA.id, null],
      ['case.listed', f.users.coordinator.id, null],
      ['application.read', f.users.staffA.id, appId],
      ['application.read', f.users.coordinator.id, appId],
      ['application.listed', f.users.staffA.id, null],
      ['application.listed', f.users.coordinator.id, null],
    ]);
    // The trail names who, what and which id, never what the person told.
    const all = await t.ctx.db.selectFrom('audit_events').selectAll().execute();
    expect(Object.keys(all[0] ?? {}).sort()).toEqual(
      [
        'seq',
        'id',
        'at',
        'actor_user_id',
        'actor_organisation_id',
        'action',
        'object_type',
        'object_id',
        'request_id',
        'outcome',
        'prev_hash',
        'hash',
      ].sort(),
    );
    const dump = JSON.stringify(all);
    for (const secret of [identity, noteText, justification, 'Okafor'])
      expect(dump, secret).not.toContain(secret);
  });

  it('validates the background against the controlled vocabularies, storing nothing on refusal', async () => {
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ nationality: 'XX' }, 'background.nationality', 'invalid_country'],
      [{ nationality: 'NGA' }, 'background.nationality', 'invalid_country'],
      [{ nationality: 'Nigeria' }, 'background.nationality', 'invalid_country'],
      [{ gender: 'female' }, 'background.gender', 'invalid_value'],
      [{ ageBand: '20_25' }, 'background.ageBand', 'invalid_value'],
      [{ childrenCount: -1 }, 'background.childrenCount', 'too_small'],
      [{ childrenCount: 1.5 }, 'background.childrenCount'],
      [{ childrenCount: 1, childrenAges: [3, 5] }, 'background.childrenAges', 'children_ages'],
      [{ childrenAges: [18] }, 'background.childrenAges.0', 'too_big'],
      [{ exploitationForms: ['slavery'] }, 'background.exploitationForms.0', 'invalid_value'],
      [{ exploitationForms: ['sexual', 'sexual'] }, 'background.exploitationForms', 'duplicate'],
      [{ exploitationForms: 'sexual' }, 'background.exploitationForms', 'invalid_type'],
      [{ exploitationCountries: ['ZZ'] }, 'background.exploitationCountries.0', 'invalid_country'],
      [{ exploitationCountries: ['SE', 'se'] }, 'background.exploitationCountries', 'duplicate'],
      [{ policeReport: 'maybe' }, 'background.policeReport', 'invalid_value'],
      [
        { policeReport: 'no', policeReportDate: '2026-10-01' },
        'background.policeReportDate',
        'police_report_date',
      ],
      [
        { policeReport: 'unknown', policeReportDate: '2026-10-01' },
        'background.policeReportDate',
        'police_report_date',
      ],
      [
        { policeReport: 'yes', policeReportDate: '2026-11-24' },
        'background.policeReportDate',
        'too_big',
      ],
      [{ policeReport: 'yes', policeReportDate: '2026-13-01' }, 'background.policeReportDate'],
      [{ residenceStatus: 'refugee' }, 'background.residenceStatus', 'invalid_value'],
      [{ housingSituation: 'castle' }, 'background.housingSituation', 'invalid_value'],
      [{ housingSituation: undefined }, 'background.housingSituation'],
    ];
    const { id } = await newCase(f);
    const before = await fingerprint(t, IGNORE);
    for (const [patch, path, code] of cases) {
      const label = JSON.stringify(patch);
      const background = { ...BACKGROUND, ...patch };
      for (const res of [
        await f.as('staffA', 'POST', '/api/cases', caseBody({ background })),
        await f.as('staffA', 'PUT', `/api/cases/${id}/background`, {
          expectedVersion: 1,
          background,
        }),
      ]) {
        expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
        const fields = errorOf(res).fields;
        expect(
          fields.map((x) => x.path),
          label,
        ).toContain(path);
        if (code) expect(fields.find((x) => x.path === path)?.code, label).toBe(code);
      }
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    // Several forms and countries, a police report of today, codes in any case.
    const full = {
      ...BACKGROUND,
      nationality: 'ro',
      gender: 'non_binary_other',
      ageBand: 'under_18',
      childrenCount: 2,
      childrenAges: [1],
      childrenInHomeCountry: 3,
      exploitationForms: ['labour', 'begging', 'forced_criminality'],
      exploitationCountries: ['se', 'DE', 'RO'],
      policeReport: 'yes',
      policeReportDate: '2026-11-23',
      residenceStatus: 'eu_citizen',
      housingSituation: 'homeless',
    };
    const created = await f.as('staffA', 'POST', '/api/cases', caseBody({ background: full }));
    expect(created.statusCode, created.body).toBe(201);
    const view = await viewOf('staffA', (created.json() as { id: string }).id);
    expect(view.background).toEqual({
      ...full,
      nationality: 'RO',
      exploitationCountries: ['SE', 'DE', 'RO'],
    });
    // Nationality may be unknown; no form of exploitation recorded yet is allowed too.
    expect(
      (
        await f.as(
          'staffA',
          'POST',
          '/api/cases',
          caseBody({
            background: { nationality: null, exploitationForms: [], exploitationCountries: [] },
          }),
        )
      ).statusCode,
    ).toBe(201);

    // Changing the background: under its version.
    const changed = await f.as('staffA', 'PUT', `/api/cases/${id}/background`, {
      expectedVersion: 1,
      background: { ...BACKGROUND, residenceStatus: 'tut', housingSituation: 'own_accommodation' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      version: 2,
      background: { residenceStatus: 'tut', housingSituation: 'own_accommodation' },
    });
    const stale = await f.as('staffA', 'PUT', `/api/cases/${id}/background`, {
      expectedVersion: 1,
      background: BACKGROUND,
    });
    expectRefused(stale, 409, 'conflict');
    expect((await viewOf('staffA', id)).background.residenceStatus).toBe('tut');
    // The coordinator reads but does not change a case.
    expectRefused(
      await f.as('coordinator', 'PUT', `/api/cases/${id}/background`, {
        expectedVersion: 2,
        background: BACKGROUND,
      }),
      403,
      'forbidden',
    );
  });

  it('a protected case is seen only by its named staff', async () => {
    const hidden = await newCase(f, { protectedIdentity: true, identityNote: 'Skyddad' });
    const appId = await submitApplication(f, reflectionBody(hidden.id));
    const named = await newCase(f, {
      protectedIdentity: true,
      protectedStaffUserIds: [f.users.staffA2.id],
    });
    // staffA2 is not named on the first: it does not exist for them.
    const before = await fingerprint(t, IGNORE);
    for (const [method, url, body] of [
      ['GET', `/api/cases/${hidden.id}`, undefined],
      ['GET', `/api/cases/${hidden.id}/identity-note`, undefined],
      ['POST', `/api/cases/${hidden.id}/notes`, { text: 'Hej' }],
      ['PUT', `/api/cases/${hidden.id}/background`, { expectedVersion: 1, background: BACKGROUND }],
      ['GET', `/api/applications/${appId}`, undefined],
      [
        'POST',
        '/api/applications',
        reflectionBody(hidden.id, { periodFrom: '2027-03-01', periodTo: '2027-03-02' }),
      ],
    ] as const) {
      expectRefused(await f.as('staffA2', method, url, body), 404, 'not_found');
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    const a2 = await listCodes('staffA2');
    expect(a2).not.toContain(hidden.code);
    expect(a2).toContain(named.code);
    expect(await listCodes('staffA2', `?q=${hidden.code}`)).toEqual([]);
    const a2Apps = (await f.as('staffA2', 'GET', '/api/applications')).json() as {
      items: Array<{ id: string }>;
    };
    expect(a2Apps.items.map((i) => i.id)).not.toContain(appId);
    // Its creator and the coordinator see it.
    expect(await listCodes('staffA')).toContain(hidden.code);
    expect(await listCodes('coordinator')).toContain(hidden.code);
    expect((await viewOf('coordinator', hidden.id)).protectedIdentity).toBe(true);
    // The named staff see theirs, and the owner sees who is named.
    const namedView = await viewOf('staffA2', named.id);
    expect(namedView.protectedStaff.map((s) => s.id).sort()).toEqual(
      [f.users.staffA.id, f.users.staffA2.id].sort(),
    );
    expect((await viewOf('coordinator', named.id)).protectedStaff).toEqual([]);

    // Only active staff of the same organisation can be named.
    for (const other of [f.users.staffB.id, f.users.member.id, f.users.coordinator.id]) {
      const res = await f.as('staffA', 'PUT', `/api/cases/${hidden.id}/protection`, {
        expectedVersion: 1,
        protectedIdentity: true,
        protectedStaffUserIds: [other],
      });
      expectRefused(res, 400, 'validation');
    }
    expect(await fingerprint(t, IGNORE)).toEqual(before);
    // Naming staffA2 afterwards opens it to them; lifting protection to the whole organisation.
    const opened = await f.as('staffA', 'PUT', `/api/cases/${hidden.id}/protection`, {
      expectedVersion: 1,
      protectedIdentity: true,
      protectedStaffUserIds: [f.users.staffA2.id],
    });
    expect(opened.statusCode, opened.body).toBe(200);
    expect((await f.as('staffA2', 'GET', `/api/cases/${hidden.id}`)).statusCode).toBe(200);
    const named2 = await newCase(f, { protectedIdentity: true }, 'staffA2');
    expectRefused(await f.as('staffA', 'GET', `/api/cases/${named2.id}`), 404, 'not_found');
    const lifted = await f.as('staffA2', 'PUT', `/api/cases/${named2.id}/protection`, {
      expectedVersion: 1,
      protectedIdentity: false,
      protectedStaffUserIds: [],
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect((await viewOf('staffA', named2.id)).protectedIdentity).toBe(false);
  });

  it('keeps a timeline: created, application, decision, note, attachment, ownership change, in order', async () => {
    const { id } = await newCase(f);
    t.clock.advance(MINUTE);
    const appId = await submitApplication(
      f,
      reflectionBody(id, { periodFrom: '2027-01-01', periodTo: '2027-01-10' }),
    );
    t.clock.advance(MINUTE);
    expect((await decideApplication(f, appId, { outcome: 'granted' })).statusCode).toBe(200);
    t.clock.advance(MINUTE);
    const noteText = `Samtal med kontaktperson ${uniqueSuffix()}`;
    expect(
      (await f.as('staffA', 'POST', `/api/cases/${id}/notes`, { text: noteText })).statusCode,
    ).toBe(201);
    t.clock.advance(MINUTE);
    const up = await upload('staffA', id, pdfWith('tidslinje'), 'Läkarintyg.pdf');
    expect(up.statusCode, up.body).toBe(201);
    t.clock.advance(MINUTE);
    const reason = `Flyttar till annan ort ${uniqueSuffix()}`;
    const moved = await f.as('staffA', 'POST', `/api/cases/${id}/transfer`, {
      expectedVersion: 1,
      toOrganisationId: f.ngoB,
      reason,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    t.clock.advance(MINUTE);

    const view = await viewOf('staffB', id);
    expect(view.timeline.map((e) => e.kind)).toEqual([
      'created',
      'application',
      'decision',
      'note',
      'attachment',
      'ownership',
    ]);
    const [, application, decision, note, attachment, ownership] = view.timeline;
    expect(application?.applicationId).toBe(appId);
    expect(decision).toMatchObject({ applicationId: appId, outcome: 'granted' });
    expect(note?.text).toBe(noteText);
    expect(attachment).toMatchObject({
      attachmentId: (up.json() as { id: string }).id,
      fileName: 'Läkarintyg.pdf',
    });
    expect(ownership).toMatchObject({
      text: reason,
      fromOrganisationName: 'Skyddat boende Ljuset',
      toOrganisationName: 'Stödcentrum Väst',
    });
    // The coordinator sees the same history.
    expect((await viewOf('coordinator', id)).timeline.map((e) => e.kind)).toEqual(
      view.timeline.map((e) => e.kind),
    );
  });

  it('stores notes encrypted', async () => {
    const { id } = await newCase(f);
    const text = `Hon berättar om Okafor-nätverket ${uniqueSuffix()}`;
    const res = await f.as('staffA', 'POST', `/api/cases/${id}/notes`, { text });
    expect(res.statusCode, res.body).toBe(201);
    const row = await t.ctx.db
      .selectFrom('case_notes')
      .select('body_enc')
      .where('id', '=', (res.json() as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(row.body_enc).not.toContain(text);
    expect(t.ctx.crypto.decrypt(row.body_enc)).toBe(text);
    if (TEST_DB === 'sqlite') expect(inDatabaseFile(text)).toBe(false);
    expect((await viewOf('staffA', id)).timeline.find((e) => e.kind === 'note')?.text).toBe(text);
    // Notes are prose: empty, NUL or over-long text is refused.
    const before = await fingerprint(t, IGNORE);
    for (const bad of ['', '   ', 'a\u0000b', 'x'.repeat(10_001)])
      expectRefused(
        await f.as('staffA', 'POST', `/api/cases/${id}/notes`, { text: bad }),
        400,
        'validation',
      );
    expect(await fingerprint(t, IGNORE)).toEqual(before);
  });

  it('attachments: type checked from the bytes, size limited, stored encrypted, served as a download', async () => {
    const { id } = await newCase(f);
    const before = await fingerprint(t, IGNORE);
    // A text file named .pdf.
    const fake = await upload(
      'staffA',
      id,
      Buffer.from('Detta är bara text, ingen PDF.\n'),
      'intyg.pdf',
    );
    expectRefused(fake, 400, 'validation');
    expect(errorOf(fake).fields).toContainEqual(
      expect.objectContaining({ path: 'file', code: 'file_type' }),
    );
    // An executable named .jpg, and an empty file.
    expectRefused(
      await upload('staffA', id, Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), 'bild.jpg'),
      400,
      'validation',
    );
    expectRefused(await upload('staffA', id, Buffer.alloc(0), 'tom.pdf'), 400, 'validation');
    // Over the limit.
    const big = Buffer.concat([pdfWith('stor'), Buffer.alloc(MAX_DOCUMENT_BYTES + 1024, 0x20)]);
    expectRefused(await upload('staffA', id, big, 'stor.pdf'), 413, 'payload_too_large');
    // Not a file body at all.
    const json = await f.as('staffA', 'POST', `/api/cases/${id}/attachments`, { file: 'x' });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    const marker = `BILAGA-KLARTEXT-${uniqueSuffix()}`;
    const pdf = pdfWith(marker);
    const res = await upload('staffA', id, pdf, '../../etc/"Utlåtande".pdf');
    expect(res.statusCode, res.body).toBe(201);
    const attachmentId = (res.json() as { id: string }).id;
    const row = await t.ctx.db
      .selectFrom('case_attachments')
      .select(['content_enc', 'file_name_enc', 'content_type', 'size_bytes'])
      .where('id', '=', attachmentId)
      .executeTakeFirstOrThrow();
    expect(row.content_type).toBe('application/pdf');
    expect(Buffer.from(row.content_enc).includes(Buffer.from(marker))).toBe(false);
    expect(row.file_name_enc).not.toContain('Utlåtande');
    if (TEST_DB === 'sqlite') {
      expect(inDatabaseFile(marker)).toBe(false);
      expect(inDatabaseFile('Utlåtande')).toBe(false);
    }

    const download = await f.as('staffA', 'GET', `/api/cases/${id}/attachments/${attachmentId}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect(download.headers['content-type']).toMatch(/^application\/pdf/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    const disposition = String(download.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="Utl_tande\.pdf"; filename\*=UTF-8''/);
    expect(disposition).not.toContain('/');
    expect(
      (await auditEvents('case.attachment_read', attachmentId)).map((e) => e.actor_user_id),
    ).toEqual([f.users.staffA.id]);
    // The coordinator may read it; another organisation may not even learn it exists.
    expect(
      (await f.as('coordinator', 'GET', `/api/cases/${id}/attachments/${attachmentId}`)).statusCode,
    ).toBe(200);
    expectRefused(
      await f.as('staffB', 'GET', `/api/cases/${id}/attachments/${attachmentId}`),
      404,
      'not_found',
    );
    // An attachment is read through its own case only.
    const other = await newCase(f);
    expectRefused(
      await f.as('staffA', 'GET', `/api/cases/${other.id}/attachments/${attachmentId}`),
      404,
      'not_found',
    );
  });

  it('strips EXIF (camera, position) from photographs before storing them', async () => {
    const { id } = await newCase(f);
    const marker = `SECRET-GPS-MARKER-${uniqueSuffix()}`;
    const jpeg = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#f00' },
    })
      .jpeg()
      .withExifMerge({ IFD0: { Copyright: marker, Artist: marker } })
      .toBuffer();
    // The upload really carries the metadata.
    expect(jpeg.includes(Buffer.from(marker))).toBe(true);
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const res = await upload('staffA', id, jpeg, 'foto.jpg');
    expect(res.statusCode, res.body).toBe(201);
    const download = await f.as(
      'staffA',
      'GET',
      `/api/cases/${id}/attachments/${(res.json() as { id: string }).id}`,
    );
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toMatch(/^image\/jpeg/);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    const out = download.rawPayload;
    expect(out.includes(Buffer.from(marker))).toBe(false);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([8, 8]);
    if (TEST_DB === 'sqlite') expect(inDatabaseFile(marker)).toBe(false);
  });

  it('moves a case to another certified actor with a reason; the old owner then loses it', async () => {
    const { id, code } = await newCase(f, { protectedIdentity: true });
    const targets = (await f.as('staffA', 'GET', '/api/case-transfer-targets')).json() as {
      items: Array<{ id: string }>;
    };
    const targetIds = targets.items.map((i) => i.id);
    expect(targetIds).toEqual(expect.arrayContaining([f.ngoA, f.ngoB]));
    expect(targetIds).not.toContain(f.lapsedNgo);
    expect(targetIds).not.toContain(f.platformOrg);

    const before = await fingerprint(t, IGNORE);
    const move = (who: PersonKey, body: Record<string, unknown>) =>
      f.as(who, 'POST', `/api/cases/${id}/transfer`, {
        expectedVersion: 1,
        toOrganisationId: f.ngoB,
        reason: 'Personen flyttar till Göteborg.',
        ...body,
      });
    for (const [to, code_] of [
      [f.lapsedNgo, 'not_certified'],
      [f.platformOrg, 'not_certified'],
      [f.ngoA, 'invalid'],
    ] as const) {
      const res = await move('staffA', { toOrganisationId: to });
      expectRefused(res, 400, 'validation');
      expect(errorOf(res).fields).toContainEqual(
        expect.objectContaining({ path: 'toOrganisationId', code: code_ }),
      );
    }
    expectRefused(await move('staffA', { reason: '' }), 400, 'validation');
    expectRefused(await move('staffA', { reason: undefined }), 400, 'validation');
    expectRefused(await move('staffA', { expectedVersion: 7 }), 409, 'conflict');
    expectRefused(await move('staffB', {}), 404, 'not_found');
    expectRefused(await move('authority', {}), 403, 'forbidden');
    expectRefused(await move('admin', {}), 403, 'forbidden');
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    const reason = `Personen flyttar till Göteborg ${uniqueSuffix()}`;
    const ok = await move('staffA', { reason });
    expect(ok.statusCode, ok.body).toBe(200);
    expectRefused(await f.as('staffA', 'GET', `/api/cases/${id}`), 404, 'not_found');
    expect(await listCodes('staffA')).not.toContain(code);
    const seen = await viewOf('staffB', id);
    expect(seen).toMatchObject({ ownerOrganisationId: f.ngoB, mayEdit: true, version: 2 });
    // The old owner's named staff do not travel with the case.
    expect(seen.protectedIdentity).toBe(false);
    expect(await listCodes('staffB')).toContain(code);
    expect(seen.timeline.filter((e) => e.kind === 'ownership')).toEqual([
      expect.objectContaining({
        text: reason,
        fromOrganisationName: 'Skyddat boende Ljuset',
        toOrganisationName: 'Stödcentrum Väst',
      }),
    ]);
    const stored = await t.ctx.db
      .selectFrom('case_ownership_changes')
      .select('reason_enc')
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.reason_enc).not.toContain(reason);
    expect((await auditEvents('case.transferred', id)).map((e) => e.actor_user_id)).toEqual([
      f.users.staffA.id,
    ]);
    // The coordinator may move it back.
    const back = await f.as('coordinator', 'POST', `/api/cases/${id}/transfer`, {
      expectedVersion: 2,
      toOrganisationId: f.ngoA,
      reason: 'Tillbaka efter samråd.',
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await viewOf('staffA', id)).ownerOrganisationId).toBe(f.ngoA);
    expectRefused(await f.as('staffB', 'GET', `/api/cases/${id}`), 404, 'not_found');
  });

  it('another organisation gets 404 on every case and application route; other roles 403', async () => {
    const { id, code } = await newCase(f, { identityNote: 'Hemligt' });
    const note = await f.as('staffA', 'POST', `/api/cases/${id}/notes`, { text: 'Anteckning' });
    const up = await upload('staffA', id, pdfWith('bilaga'), 'a.pdf');
    const appId = await submitApplication(
      f,
      reflectionBody(id, { periodFrom: '2027-05-01', periodTo: '2027-05-05' }),
    );
    expect([note.statusCode, up.statusCode]).toEqual([201, 201]);
    const attachmentId = (up.json() as { id: string }).id;
    const before = await fingerprint(t, IGNORE);
    const routes: Array<[method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown]> = [
      ['GET', `/api/cases/${id}`],
      ['PUT', `/api/cases/${id}/background`, { expectedVersion: 1, background: BACKGROUND }],
      [
        'PUT',
        `/api/cases/${id}/protection`,
        { expectedVersion: 1, protectedIdentity: false, protectedStaffUserIds: [] },
      ],
      ['GET', `/api/cases/${id}/identity-note`],
      ['PUT', `/api/cases/${id}/identity-note`, { identityNote: 'x' }],
      [
        'POST',
        `/api/cases/${id}/transfer`,
        { expectedVersion: 1, toOrganisationId: f.ngoB, reason: 'Till oss.' },
      ],
      ['POST', `/api/cases/${id}/notes`, { text: 'Intrång' }],
      ['GET', `/api/cases/${id}/attachments/${attachmentId}`],
      ['GET', `/api/applications/${appId}`],
      [
        'POST',
        '/api/applications',
        reflectionBody(id, { periodFrom: '2027-06-01', periodTo: '2027-06-02' }),
      ],
      [
        'POST',
        '/api/applications/quote',
        reflectionBody(id, { periodFrom: '2027-06-01', periodTo: '2027-06-02' }),
      ],
      ['POST', `/api/applications/${appId}/answer`, { expectedVersion: 1, text: 'Svar' }],
    ];
    for (const [method, url, body] of routes) {
      const res = await f.as('staffB', method, url, body);
      expectRefused(res, 404, 'not_found');
      expect(res.body, url).not.toContain(code);
    }
    const uploadB = await upload('staffB', id, pdfWith('intrång'), 'b.pdf');
    expectRefused(uploadB, 404, 'not_found');
    // Roles without case access are refused openly, whatever the case.
    for (const who of ['authority', 'member'] as const) {
      for (const url of [
        '/api/cases',
        '/api/applications',
        `/api/cases/${id}`,
        `/api/applications/${appId}`,
      ])
        expectRefused(await f.as(who, 'GET', url), 403, 'forbidden');
      expectRefused(await f.as(who, 'POST', '/api/cases', caseBody()), 403, 'forbidden');
    }
    for (const url of [
      '/api/cases',
      '/api/applications',
      `/api/cases/${id}`,
      `/api/applications/${appId}`,
    ])
      expectRefused(await f.as('admin', 'GET', url), 403, 'forbidden');
    expectRefused(await f.as('admin', 'POST', '/api/cases', caseBody()), 403, 'forbidden');
    expectRefused(await f.as('coordinator', 'POST', '/api/cases', caseBody()), 403, 'forbidden');
    expect(await fingerprint(t, IGNORE)).toEqual(before);

    // Lists: staff see their organisation's cases only; the coordinator sees every case.
    const b = await listCodes('staffB');
    expect(b).not.toContain(code);
    expect(await listCodes('staffB', `?q=${code}`)).toEqual([]);
    const bApps = (await f.as('staffB', 'GET', '/api/applications')).json() as {
      items: Array<{ id: string; organisationId: string }>;
    };
    expect(bApps.items.map((i) => i.id)).not.toContain(appId);
    const all = (await f.as('coordinator', 'GET', '/api/cases')).json() as {
      items: Array<{ code: string; ownerOrganisationId: string }>;
      total: number;
    };
    expect(new Set(all.items.map((i) => i.ownerOrganisationId))).toEqual(new Set([f.ngoA, f.ngoB]));
    expect(await listCodes('coordinator', `?q=${code}`)).toEqual([code]);
    expect(await listCodes('coordinator', `?q=${Number(code.slice(3))}`)).toEqual([code]);
    const onlyB = (
      await f.as('coordinator', 'GET', `/api/cases?organisationId=${f.ngoB}`)
    ).json() as {
      items: Array<{ ownerOrganisationId: string }>;
    };
    expect(onlyB.items.length).toBeGreaterThan(0);
    expect(onlyB.items.every((i) => i.ownerOrganisationId === f.ngoB)).toBe(true);
    // Staff cannot widen their list to another organisation.
    const widened = (await f.as('staffB', 'GET', `/api/cases?organisationId=${f.ngoA}`)).json() as {
      items: Array<{ ownerOrganisationId: string }>;
    };
    expect(widened.items.every((i) => i.ownerOrganisationId === f.ngoB)).toBe(true);
    const view = await viewOf('coordinator', id);
    expect(view).toMatchObject({
      mayEdit: false,
      mayViewIdentityNote: false,
      hasIdentityNote: true,
    });
  });

  it('lists the staff who can be named on a protected case: the reader’s own organisation', async () => {
    const res = await f.as('staffA', 'GET', '/api/case-staff');
    expect(res.statusCode).toBe(200);
    const ids = (res.json() as { items: Array<{ id: string }> }).items.map((i) => i.id).sort();
    expect(ids).toEqual([f.users.staffA.id, f.users.staffA2.id].sort());
    expectRefused(await f.as('coordinator', 'GET', '/api/case-staff'), 403, 'forbidden');
  });

  // Last: it moves the clock by hours (the fixture's sessions idle out).
  it('judges "not in the future" by the date in Stockholm', async () => {
    // 22:59:59 UTC on 23 November is 23:59:59 in Stockholm: the 24th is still tomorrow.
    t.clock.advance(Date.parse('2026-11-23T22:59:59Z') - t.clock.now().getTime());
    const cookie = await sessionFor(t, f.users.staffA.id);
    const create = (body: unknown) => call(t, { method: 'POST', url: '/api/cases', body, cookie });
    const tomorrow = { policeReport: 'yes', policeReportDate: '2026-11-24' };
    expectRefused(await create(caseBody({ background: tomorrow })), 400, 'validation');
    t.clock.advance(1000);
    // Midnight in Stockholm: the 24th has come.
    const res = await create(caseBody({ background: tomorrow }));
    expect(res.statusCode, res.body).toBe(201);
  });
});
