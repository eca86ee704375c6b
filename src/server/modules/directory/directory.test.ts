import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorOf,
  fingerprint,
  jsonObject,
  TEST_DB,
  type TestApp,
} from '../../../../test/harness.js';
import { directoryFixture, type DirectoryFixture } from '../../../../test/directory-fixture.js';

const HEAD =
  'name;type;authority_kind;county;municipality;website;phone;email;languages;services;membership;membership_since';

describe(`network directory: CSV import and CSV/XLSX export (${TEST_DB})`, () => {
  let t: TestApp;
  let f: DirectoryFixture;
  beforeAll(async () => {
    t = await createTestApp();
    f = await directoryFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (
    kind: string,
    csv: string | Buffer,
    mode: 'preview' | 'commit',
    role: 'coordinator' | 'actor_staff' = 'coordinator',
  ) =>
    call(t, {
      method: 'POST',
      url: `/api/directory/import/${kind}?mode=${mode}`,
      cookie: f.cookies[role],
      headers: { 'content-type': 'text/csv', 'accept-language': 'en' },
      body: typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv,
    });
  const stable = () => fingerprint(t, ['sessions.last_seen_at']);

  it('previews a file, naming the line and field of every problem, and a commit of it stores nothing', async () => {
    const csv = [
      HEAD,
      'Kvinnojouren Malmö;ngo;;M;Malmö;https://kvinnojouren.example.org;+46 40 11 22 33;info@kvinnojouren.example.org;sv|ar;protected_housing_women;member;2016-03-01',
      'Trasig Adress;ngo;;M;Lund;;;inte-en-adress;;;none;',
      'KVINNOJOUREN MALMÖ;ngo;;M;;;;;;;none;',
      'Skyddat boende Ljuset;ngo;;M;;;;;;;none;',
      'Okänd tjänst;ngo;;M;;;;;;teleport;none;',
    ].join('\n');
    const before = await stable();
    const preview = await upload('organisations', csv, 'preview');
    expect(preview.statusCode).toBe(200);
    const body = jsonObject(preview);
    expect(body.rows).toBe(5);
    expect(
      (body.problems as Array<{ line: number; field: string; code: string }>).map((p) => [
        p.line,
        p.field,
        p.code,
      ]),
    ).toEqual([
      [3, 'email', 'invalid_email'],
      [4, 'name', 'duplicate_in_file'],
      [5, 'name', 'organisation_exists'],
      [6, 'services', 'unknown_service'],
    ]);
    expect((body.problems as Array<{ message: string }>)[0]?.message).toBe(
      'Enter a valid e-mail address.',
    );
    const commit = await upload('organisations', csv, 'commit');
    expect(commit.statusCode).toBe(400);
    expect(errorOf(commit).fields.map((x) => x.path)).toContain('rows.3.email');
    expect(await stable()).toEqual(before);
  });

  it('reports every problem of a row, not only the first', async () => {
    const csv = [HEAD, 'Skyddat boende Ljuset;ngo;;M;;;07-12;fel@;;teleport;none;'].join('\n');
    const body = jsonObject(await upload('organisations', csv, 'preview'));
    expect(
      (body.problems as Array<{ field: string; code: string }>).map((p) => [p.field, p.code]),
    ).toEqual([
      ['phone', 'invalid_phone'],
      ['email', 'invalid_email'],
      ['name', 'organisation_exists'],
      ['services', 'unknown_service'],
    ]);
  });

  it('refuses a file with wrong columns or in another encoding than UTF-8', async () => {
    const before = await stable();
    const columns = await upload('organisations', 'namn;typ;county\nX;ngo;M\n', 'preview');
    expect(errorOf(columns).fields.map((x) => [x.path, x.code])).toEqual([
      ['columns.namn', 'csv_unknown_column'],
      ['columns.typ', 'csv_unknown_column'],
      ['columns.name', 'csv_missing_column'],
      ['columns.type', 'csv_missing_column'],
    ]);
    const latin1 = Buffer.from('name;type;county\nFöreningen Fristad;ngo;M\n', 'latin1');
    expect(errorOf(await upload('organisations', latin1, 'commit')).fields).toContainEqual(
      expect.objectContaining({ path: 'file', code: 'csv_encoding' }),
    );
    expect(
      errorOf(await upload('organisations', 'name;type;county\n', 'commit')).fields[0]?.code,
    ).toBe('csv_empty');
    expect(await stable()).toEqual(before);
    // A refused import stores nothing either (its refusal is audited).
    expect(
      (await upload('organisations', 'name;type;county\nX;ngo;M\n', 'commit', 'actor_staff'))
        .statusCode,
    ).toBe(403);
    const after = await fingerprint(t, ['sessions.last_seen_at', 'audit_events', 'audit_head']);
    expect(after.organisations).toBe(before.organisations);
  });

  it('imports 5,000 organisations in one go, and their contact persons after them', async () => {
    const lines = [HEAD];
    for (let i = 0; i < 5000; i++) {
      lines.push(`Förening nr ${i};ngo;;${i % 2 ? 'AB' : 'O'};;;;;sv;therapy|interpreter;none;`);
    }
    const res = await upload('organisations', `\ufeff${lines.join('\r\n')}\r\n`, 'commit');
    expect(res.statusCode).toBe(200);
    expect(jsonObject(res)).toMatchObject({ rows: 5000, created: 5000, problems: [] });
    const counted = jsonObject(
      await f.as('member', 'GET', '/api/organisations?service=interpreter&county=AB&limit=1'),
    );
    expect(counted.total).toBe(2500);

    const contacts = [
      'organisation,organisation_county,name,title,email,phone,roles,active_from,active_to,public',
      'Förening nr 1,AB,Sara Berg,Samordnare,sara@example.org,+46 8 123 456 78,trafficking_contact|deputy,2025-01-01,,ja',
      'Förening nr 2,O,Omar Said,,omar@example.org,,,,,no',
    ].join('\n');
    const ok = await upload('contacts', contacts, 'commit');
    expect(jsonObject(ok)).toMatchObject({ created: 2 });
    const wrong = await upload(
      'contacts',
      contacts.replace('Förening nr 2,O', 'Förening nr 2,M'),
      'preview',
    );
    expect(
      (jsonObject(wrong).problems as Array<{ line: number; field: string; code: string }>).map(
        (p) => [p.line, p.field, p.code],
      ),
    ).toContainEqual([3, 'organisation', 'unknown_organisation']);
    const sara = jsonObject(await f.as('member', 'GET', '/api/contacts?q=sara'));
    expect(sara.items).toEqual([
      expect.objectContaining({
        phone: '+46812345678',
        public: true,
        roles: ['deputy', 'trafficking_contact'],
      }),
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'organisation.imported')
      .execute();
    expect(audit).toHaveLength(5000);
  });

  it('exports a filtered list as CSV and XLSX with formula injection neutralised', async () => {
    await f.as('coordinator', 'POST', '/api/organisations', {
      name: '=HYPERLINK("http://evil.example","klicka")',
      type: 'ngo',
      county: 'K',
      services: ['outreach'],
    });
    const csv = await f.as(
      'member',
      'GET',
      '/api/directory/export/organisations?county=K&format=csv',
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(String(csv.headers['content-disposition'])).toMatch(
      /^attachment; filename="slussa-organisations-2026-11-23\.csv"/,
    );
    const rows = parse(csv.rawPayload.toString('utf8'), {
      bom: true,
      delimiter: ';',
    }) as string[][];
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[0]).toBe('\'=HYPERLINK("http://evil.example","klicka")');
    expect(rows[1]?.[11]).toBe('outreach');

    const xlsx = await f.as(
      'member',
      'GET',
      '/api/directory/export/organisations?county=K&format=xlsx',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cell = book.worksheets[0]?.getRow(2).getCell(1);
    expect(cell?.value).toBe('\'=HYPERLINK("http://evil.example","klicka")');
    expect(cell?.formula).toBeUndefined();

    // What is exported imports again (after removing the header's extra columns).
    const contacts = await f.as('coordinator', 'GET', '/api/directory/export/contacts?q=sara');
    const text = contacts.rawPayload.toString('utf8');
    expect(text).toContain("'+46812345678");
    const back = await upload('contacts', text.replace('Sara Berg', 'Sara Berg II'), 'preview');
    expect(jsonObject(back).problems).toEqual([]);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('object_type')
      .where('action', '=', 'directory.exported')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(3);
  });
});
