import type { Compilable, CompiledQuery, Kysely, QueryResult, SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';

/**
 * Prepared queries: the hot paths' queries built and compiled once per
 * database kind, then run with new values.
 *
 * Building a query with Kysely (frozen operation nodes, parsed references)
 * and compiling it to SQL costs more CPU than running a point query on
 * SQLite: 10–15 µs for a join with a few columns against 2–3 µs to run it.
 * A read that looks up its session, reads two rows and appends its audit
 * event spends much of its time there. A prepared query is written with the
 * same builder, so it is type-checked and dialect-neutral as before; its
 * values are named placeholders that are filled in at each run. The values
 * still travel as bound parameters, never as SQL text.
 *
 * Only for queries whose shape is fixed: a value that is a list (`in`) or
 * changes which clauses exist belongs in a query built each time.
 */

/** The placeholder a prepared query's builder receives for a value. */
class Placeholder {
  constructor(readonly name: string) {}
}

/**
 * Builds the query once. `values` stands for the values of each run: reading
 * `values.x` gives a placeholder that the run's `x` replaces.
 */
type Builder<P, R, DB> = (db: Kysely<DB>, values: P) => Compilable<R>;

const notWhole = (): never => {
  // Spreading `values` or passing it whole (`.values(values)`) would see no
  // columns at all and build a different query.
  throw new Error('prepared query: name each value (values.x); `values` itself has no columns');
};

/** Every property read gives the placeholder of that name. */
const placeholders = new Proxy(
  {},
  {
    get: (_target, name) => (typeof name === 'string' ? new Placeholder(name) : undefined),
    ownKeys: notWhole,
    has: notWhole,
  },
);

interface Compiled<P> {
  compiled: CompiledQuery;
  /** For each bound parameter: the name of the value to put there, or the constant the builder gave. */
  slots: Array<{ name: keyof P } | { constant: unknown }>;
}

export interface PreparedQuery<P, R, DB = Database> {
  /** Runs the query with these values on `db` (a transaction or the database). */
  run(db: Kysely<DB>, values: P): Promise<QueryResult<R>>;
  /** The rows. */
  execute(db: Kysely<DB>, values: P): Promise<R[]>;
  /** The first row, or undefined. */
  executeTakeFirst(db: Kysely<DB>, values: P): Promise<R | undefined>;
}

export function prepared<P extends object, R, DB = Database>(
  build: Builder<P, R, DB>,
): PreparedQuery<P, R, DB> {
  // One compilation per dialect: the SQL differs between SQLite and PostgreSQL
  // (and the tests use both in one process). Keyed by the adapter's class, which
  // a transaction shares with its database.
  const byDialect = new Map<unknown, Compiled<P>>();

  const compile = (db: Kysely<DB>): Compiled<P> => {
    const kind = db.getExecutor().adapter.constructor;
    let entry = byDialect.get(kind);
    if (!entry) {
      const compiled = build(db, placeholders as P).compile();
      const slots = compiled.parameters.map((v) =>
        v instanceof Placeholder ? { name: v.name as keyof P } : { constant: v },
      );
      entry = { compiled, slots };
      byDialect.set(kind, entry);
    }
    return entry;
  };

  const run = async (db: Kysely<DB>, values: P): Promise<QueryResult<R>> => {
    const { compiled, slots } = compile(db);
    const parameters = slots.map((s) => {
      if ('constant' in s) return s.constant;
      const v = values[s.name];
      // A missing value would be bound as NULL and match nothing (or write NULL): refuse instead.
      if (v === undefined) throw new Error(`prepared query: no value for "${String(s.name)}"`);
      return v;
    });
    return db.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>);
  };

  return {
    run,
    execute: async (db, values) => (await run(db, values)).rows,
    executeTakeFirst: async (db, values) => (await run(db, values)).rows[0],
  };
}

/**
 * A prepared select that a writer can also run with `FOR UPDATE` (PostgreSQL;
 * SQLite serialises writers and has no row locks): both forms built once.
 * `lock` is the caller's `forUpdate(dialect)` and wish to lock.
 */
export function preparedLockable<P extends object, DB, TB extends keyof DB, O>(
  build: (db: Kysely<DB>, values: P) => SelectQueryBuilder<DB, TB, O>,
): (lock: boolean) => PreparedQuery<P, O, DB> {
  const plain = prepared(build);
  const locked = prepared((db: Kysely<DB>, values: P) => build(db, values).forUpdate());
  return (lock) => (lock ? locked : plain);
}
