import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../../../../test/harness.js';
import type { Db } from './database.js';
import { sql } from 'kysely';
import { forUpdate } from './dialect.js';
import { prepared, preparedLockable } from './prepared.js';

/**
 * Prepared queries (prepared.ts) must answer exactly what the same query built
 * each time answers, on both databases, inside and outside transactions.
 */
describe(`prepared queries (${TEST_DB})`, () => {
  let t: TestDatabase;
  let db: Db;
  const at = '2026-11-24T09:00:00.000Z';

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.handle.db;
  });
  afterAll(() => t.destroy());
  beforeEach(async () => {
    await db.deleteFrom('organisations').execute();
    await db
      .insertInto('organisations')
      .values(
        [
          ['o1', 'Jouren i Malmö', 'ngo', 'M'],
          ['o2', 'Stadsmissionen', 'ngo', 'AB'],
          ['o3', 'Länsstyrelsen Skåne', 'authority', 'M'],
          ['o4', "Kvinnohuset ' or 1=1 --", 'ngo', 'M'],
        ].map(([id, name, type, county]) => ({
          id: id!,
          name: name!,
          type: type!,
          county: county!,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  });

  // A constant ('ngo') beside two values, and a limit that is a value.
  const ngosInCounty = prepared((d: Db, v: { county: string; limit: number }) =>
    d
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('type', '=', 'ngo')
      .where('county', '=', v.county)
      .orderBy('id')
      .limit(v.limit),
  );
  const built = (county: string, limit: number) =>
    db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('type', '=', 'ngo')
      .where('county', '=', county)
      .orderBy('id')
      .limit(limit)
      .execute();

  it('answers what the query built each time answers, for each set of values', async () => {
    for (const [county, limit] of [
      ['M', 10],
      ['M', 1],
      ['AB', 10],
      ['Z', 10],
    ] as const) {
      const rows = await ngosInCounty.execute(db, { county, limit });
      expect(rows).toEqual(await built(county, limit));
    }
    expect((await ngosInCounty.execute(db, { county: 'M', limit: 10 })).map((r) => r.id)).toEqual([
      'o1',
      'o4',
    ]);
  });

  it('binds values as parameters, never as SQL text', async () => {
    const byName = prepared((d: Db, v: { name: string }) =>
      d.selectFrom('organisations').select('id').where('name', '=', v.name),
    );
    expect(await byName.execute(db, { name: "x' or 1=1 --" })).toEqual([]);
    expect(await byName.executeTakeFirst(db, { name: "Kvinnohuset ' or 1=1 --" })).toEqual({
      id: 'o4',
    });
  });

  it('writes inside a transaction, and a rollback takes the write back', async () => {
    const rename = prepared((d: Db, v: { id: string; name: string; at: string }) =>
      d.updateTable('organisations').set({ name: v.name, updated_at: v.at }).where('id', '=', v.id),
    );
    const res = await db
      .transaction()
      .execute((tx) => rename.run(tx, { id: 'o2', name: 'Ny', at: '2026-11-25T00:00:00.000Z' }));
    expect(Number(res.numAffectedRows)).toBe(1);
    await expect(
      db.transaction().execute(async (tx) => {
        await rename.run(tx, { id: 'o3', name: 'Borta', at });
        throw new Error('fails after the write');
      }),
    ).rejects.toThrow('fails after the write');
    const names = await db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .orderBy('id')
      .execute();
    expect(names.find((r) => r.id === 'o2')?.name).toBe('Ny');
    expect(names.find((r) => r.id === 'o3')?.name).toBe('Länsstyrelsen Skåne');
  });

  it('inserts a NULL value as NULL', async () => {
    const insertUser = prepared((d: Db, v: { id: string; disabledAt: string | null }) =>
      d.insertInto('users').values({
        id: v.id,
        organisation_id: 'o1',
        email: 'anna@example.org',
        name: 'Anna',
        role: 'actor_staff',
        locale: 'sv',
        disabled_at: v.disabledAt,
        created_at: at,
        updated_at: at,
      }),
    );
    await insertUser.run(db, { id: 'u1', disabledAt: null });
    const row = await db
      .selectFrom('users')
      .select(['disabled_at', 'role'])
      .where('id', '=', 'u1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ disabled_at: null, role: 'actor_staff' });
    await db.deleteFrom('users').execute();
  });

  it('refuses a builder that passes the values whole instead of naming them', async () => {
    const careless = prepared((d: Db, v: { id: string; name: string; type: string }) =>
      d.updateTable('organisations').set(v).where('id', '=', 'o1'),
    );
    await expect(careless.run(db, { id: 'o1', name: 'Fel', type: 'ngo' })).rejects.toThrow(
      'name each value',
    );
    expect(
      (await db.selectFrom('organisations').select('name').where('id', '=', 'o1').execute())[0],
    ).toEqual({ name: 'Jouren i Malmö' });
  });

  it('reads with a row lock where the database has them, and without elsewhere', async () => {
    const byId = preparedLockable((d: Db, v: { id: string }) =>
      d.selectFrom('organisations').select(['id', 'name']).where('id', '=', v.id),
    );
    const lock = forUpdate(t.handle.dialect);
    expect(lock).toBe(TEST_DB === 'postgres');
    expect(await byId(false).executeTakeFirst(db, { id: 'o2' })).toEqual({
      id: 'o2',
      name: 'Stadsmissionen',
    });
    // Holding the lock, a second writer of the row must wait (and here give up).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction().execute(async (tx) => {
      expect(await byId(lock).executeTakeFirst(tx, { id: 'o2' })).toEqual({
        id: 'o2',
        name: 'Stadsmissionen',
      });
      locked();
      await held;
    });
    await isLocked;
    if (lock) {
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`set local lock_timeout = '200ms'`.execute(tx);
          await tx
            .updateTable('organisations')
            .set({ name: 'Ny' })
            .where('id', '=', 'o2')
            .execute();
        }),
      ).rejects.toThrow(/lock timeout/);
    }
    release();
    await holder;
    expect(
      (await db.selectFrom('organisations').select('name').where('id', '=', 'o2').execute())[0],
    ).toEqual({ name: 'Stadsmissionen' });
  });

  it('refuses to run without a value rather than bind NULL', async () => {
    const remove = prepared((d: Db, v: { id: string }) =>
      d.deleteFrom('organisations').where('id', '=', v.id),
    );
    await expect(remove.run(db, {} as { id: string })).rejects.toThrow('no value for "id"');
    expect(await db.selectFrom('organisations').select('id').execute()).toHaveLength(4);
  });
});
