import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from './config.js';
import { lockFile, openDatabase } from './db/database.js';
import type { DialectName } from './db/dialect.js';
import { KNOWN_MIGRATIONS, migrateUpTo } from './db/migrate.js';
import { unwrapsWith } from './crypto.js';

/**
 * Backup and restore (`slussa backup`, `slussa restore`).
 *
 * A backup is one file plus a JSON manifest beside it (`<file>.manifest.json`)
 * recording the schema version (applied migrations), the row count and a
 * SHA-256 of every table's content in primary-key order, and the SHA-256 of
 * the file. The hashes are taken from the same snapshot as the file (SQLite:
 * from the backup copy itself; PostgreSQL: one exported snapshot shared with
 * pg_dump), so a restore can prove it put back exactly what was saved.
 *
 * Encrypted fields stay encrypted in a backup: it is useless without the
 * master key, which is never written into it.
 */

export type BackupKind = 'sqlite' | 'pg_dump' | 'jsonl';

export class BackupError extends Error {}

const tableDigestSchema = z.object({
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const manifestSchema = z.object({
  format: z.literal('slussa-backup'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  kind: z.enum(['sqlite', 'pg_dump', 'jsonl']),
  file: z.string().min(1),
  fileBytes: z.number().int().nonnegative(),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/),
  migrations: z.array(z.string()),
  tables: z.record(z.string(), tableDigestSchema),
  encryption: z.object({
    dataKeys: z.number().int().nonnegative(),
    masterKeySource: z.enum(['env', 'file', 'missing']),
    masterKeyLocation: z.string(),
    masterKeyFingerprint: z.string().nullable(),
    note: z.string(),
  }),
});

export type TableDigest = z.infer<typeof tableDigestSchema>;
export type BackupManifest = z.infer<typeof manifestSchema>;

export const MANIFEST_SUFFIX = '.manifest.json';

/**
 * A database "holds data" once it has users, organisations or audit events; a
 * freshly migrated one has none of these (migrations may seed reference tables).
 */
const DATA_TABLES = ['users', 'organisations', 'audit_events'];

// ---------------------------------------------------------------------------
// The master key: located (never created) and fingerprinted, never copied.

export interface MasterKeyInfo {
  source: 'env' | 'file' | 'missing';
  /** `SLUSSA_MASTER_KEY` or the key file's path (where it would be, when missing). */
  location: string;
  key: Buffer | undefined;
}

export function findMasterKey(dataDir: string, fromEnv: string | undefined): MasterKeyInfo {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32)
      throw new BackupError('SLUSSA_MASTER_KEY must be 32 bytes, base64-encoded');
    return { source: 'env', location: 'SLUSSA_MASTER_KEY (environment variable)', key };
  }
  const file = path.join(dataDir, 'master.key');
  if (!fs.existsSync(file)) return { source: 'missing', location: file, key: undefined };
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new BackupError(`${file} does not hold a 32-byte key`);
  return { source: 'file', location: file, key };
}

/** A short public fingerprint of the master key (a hash of 256 random bits reveals nothing about them). */
export const keyFingerprint = (key: Buffer): string =>
  createHash('sha256')
    .update('slussa/master-key-fingerprint/v1\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);

export function encryptionNote(key: MasterKeyInfo): string {
  return (
    'Case attachments and certification documents are stored in the database, so they are in this backup. ' +
    'Encrypted fields (two-factor secrets, notes, identity data, attachments and documents) stay encrypted in it. ' +
    'It is useless without the master key, which is NOT in the backup: ' +
    (key.source === 'missing'
      ? `no master key was found (expected ${key.location}).`
      : `keep a copy of ${key.location} somewhere safe, apart from the backup.`)
  );
}

// ---------------------------------------------------------------------------
// Reading tables in a canonical form, on either database.

interface TableShape {
  /** Column names, sorted: the canonical order for hashing. */
  columns: string[];
  /** ORDER BY terms (primary key, else every column). */
  orderBy: string[];
}

interface TableReader {
  tables(): Promise<string[]>;
  shape(table: string): Promise<TableShape>;
  scan(table: string, shape: TableShape): AsyncIterable<unknown[]>;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const SAFE_TABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
function assertSafeTable(name: string): void {
  if (!SAFE_TABLE.test(name)) throw new BackupError(`Unexpected table name in backup: ${name}`);
}

/** The JSON value a database value is hashed and exported as; the same on both drivers. */
function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Running SHA-256 of one table: its sorted column names, then each row as a JSON array, one per line. */
class TableHasher {
  private readonly hash = createHash('sha256');
  rows = 0;
  constructor(columns: string[]) {
    this.hash.update(`${JSON.stringify(columns)}\n`);
  }
  /** Adds one row given as its JSON line; returns the line. */
  addLine(line: string): void {
    this.hash.update(`${line}\n`);
    this.rows += 1;
  }
  digest(): TableDigest {
    return { rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

const rowLine = (row: unknown[]): string => JSON.stringify(row.map(canonical));

function sqliteReader(db: SQLite.Database): TableReader {
  return {
    tables: () =>
      Promise.resolve(
        (
          db
            .prepare(
              "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'",
            )
            .all() as Array<{ name: string }>
        )
          .map((r) => r.name)
          .sort(),
      ),
    shape: (table) => {
      const info = db.prepare(`pragma table_info(${quoteIdent(table)})`).all() as Array<{
        name: string;
        pk: number;
      }>;
      const pk = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const columns = info.map((c) => c.name).sort();
      return Promise.resolve({ columns, orderBy: (pk.length ? pk : columns).map(quoteIdent) });
    },
    scan: (table, shape) => {
      const stmt = db
        .prepare(
          `select ${shape.columns.map(quoteIdent).join(', ')} from ${quoteIdent(table)} order by ${shape.orderBy.join(', ')}`,
        )
        .raw(true);
      const rows = stmt.iterate() as IterableIterator<unknown[]>;
      return (async function* () {
        for (const row of rows) yield row;
      })();
    },
  };
}

const TEXT_TYPES = new Set(['text', 'character varying', 'character']);

/** Reads through one pg client; `scan` needs an open transaction (it uses a cursor). */
function pgReader(client: pg.ClientBase): TableReader {
  return {
    tables: async () =>
      (
        await client.query<{ name: string }>(
          `select table_name as name from information_schema.tables
           where table_schema = current_schema() and table_type = 'BASE TABLE'`,
        )
      ).rows
        .map((r) => r.name)
        .sort(),
    shape: async (table) => {
      const cols = (
        await client.query<{ name: string; type: string }>(
          `select column_name as name, data_type as type from information_schema.columns
           where table_schema = current_schema() and table_name = $1`,
          [table],
        )
      ).rows;
      const pk = (
        await client.query<{ name: string }>(
          `select a.attname as name
           from pg_index i
           join pg_class c on c.oid = i.indrelid
           join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
           join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
           where c.relname = $1 and i.indisprimary
           order by array_position(i.indkey::int2[], a.attnum)`,
          [table],
        )
      ).rows.map((r) => r.name);
      const types = new Map(cols.map((c) => [c.name, c.type]));
      const columns = cols.map((c) => c.name).sort();
      // Text keys sort bytewise ("C"), as SQLite does, whatever the database's collation.
      const orderBy = (pk.length ? pk : columns).map(
        (c) => `${quoteIdent(c)}${TEXT_TYPES.has(types.get(c) ?? '') ? ' collate "C"' : ''}`,
      );
      return { columns, orderBy };
    },
    scan: (table, shape) =>
      (async function* () {
        const cursor = quoteIdent(`slussa_backup_${table}`);
        await client.query(
          `declare ${cursor} no scroll cursor for select ${shape.columns.map(quoteIdent).join(', ')} from ${quoteIdent(table)} order by ${shape.orderBy.join(', ')}`,
        );
        try {
          for (;;) {
            const page = await client.query<unknown[]>({
              text: `fetch 1000 from ${cursor}`,
              rowMode: 'array',
            });
            for (const row of page.rows) yield row;
            if (page.rows.length < 1000) break;
          }
        } finally {
          await client.query(`close ${cursor}`);
        }
      })(),
  };
}

/** Hashes every table; when `sink` is given, also writes the JSON-lines export to it. */
async function digestTables(
  reader: TableReader,
  sink?: (line: string) => Promise<void>,
): Promise<Record<string, TableDigest>> {
  const out: Record<string, TableDigest> = {};
  if (sink) await sink(JSON.stringify({ format: 'slussa-jsonl', formatVersion: 1 }));
  for (const table of await reader.tables()) {
    const shape = await reader.shape(table);
    const hasher = new TableHasher(shape.columns);
    if (sink) await sink(JSON.stringify({ table, columns: shape.columns }));
    for await (const row of reader.scan(table, shape)) {
      const line = rowLine(row);
      hasher.addLine(line);
      if (sink) await sink(line);
    }
    out[table] = hasher.digest();
  }
  return out;
}

/** Describes how two sets of table digests differ (empty when identical). */
export function compareDigests(
  expected: Record<string, TableDigest>,
  actual: Record<string, TableDigest>,
): string[] {
  const problems: string[] = [];
  for (const [table, want] of Object.entries(expected)) {
    const got = actual[table];
    if (!got) problems.push(`table ${table} is missing`);
    else if (got.rows !== want.rows)
      problems.push(`table ${table} has ${got.rows} rows, expected ${want.rows}`);
    else if (got.sha256 !== want.sha256) problems.push(`table ${table} content differs`);
  }
  for (const table of Object.keys(actual)) {
    if (!(table in expected)) problems.push(`table ${table} is not in the backup`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Files.

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename is still atomic.
  }
}

/** Writes a file atomically: to a temporary name, fsync, rename. */
function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

const timestamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');

export const sqliteFilePath = (config: Config): string =>
  path.join(config.dataDir, config.sqliteFile);

function removeSqliteSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

// ---------------------------------------------------------------------------
// PostgreSQL tools.

/** A connection string without its password, which goes to PGPASSWORD instead (not visible in `ps`). */
function pgToolTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  try {
    const u = new URL(url);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (u.password) {
      env.PGPASSWORD = decodeURIComponent(u.password);
      u.password = '';
    }
    return { dbname: u.toString(), env };
  } catch {
    return { dbname: url, env: { ...process.env } };
  }
}

export function hasPgTool(tool: 'pg_dump' | 'pg_restore'): boolean {
  const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new BackupError(`${cmd} failed (exit ${code ?? 'signal'}): ${stderr.trim()}`)),
    );
  });
}

// ---------------------------------------------------------------------------
// Backup.

export interface BackupOptions {
  config: Config;
  /** Output file; default `<dataDir>/backups/slussa-<timestamp>.<ext>`. */
  out?: string | undefined;
  /** PostgreSQL: write the logical JSON-lines export even when pg_dump is available. */
  logical?: boolean;
  now?: Date;
}

export interface BackupResult {
  file: string;
  manifestFile: string;
  manifest: BackupManifest;
  warnings: string[];
}

export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const { config } = opts;
  const now = opts.now ?? new Date();
  const key = findMasterKey(config.dataDir, config.masterKey);
  const warnings: string[] = [];

  const outFor = (ext: string): string => {
    const out = path.resolve(
      opts.out ?? path.join(config.dataDir, 'backups', `slussa-${timestamp(now)}.${ext}`),
    );
    if (fs.existsSync(out)) throw new BackupError(`${out} already exists; choose another --out`);
    fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
    return out;
  };

  let body: {
    kind: BackupKind;
    file: string;
    migrations: string[];
    tables: Record<string, TableDigest>;
    dataKeys: number;
  };
  if (config.databaseUrl) {
    body = await backupPostgres(config.databaseUrl, outFor, opts.logical ?? false, warnings);
  } else {
    const source = sqliteFilePath(config);
    if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}`);
    body = await backupSqlite(source, outFor('db'));
  }

  if (body.dataKeys > 0 && key.source === 'missing') {
    warnings.push(
      `No master key found (expected SLUSSA_MASTER_KEY or ${key.location}): the encrypted fields in this backup cannot be read without the key the server uses.`,
    );
  }
  const manifest: BackupManifest = {
    format: 'slussa-backup',
    formatVersion: 1,
    createdAt: now.toISOString(),
    dialect: config.databaseUrl ? 'postgres' : 'sqlite',
    kind: body.kind,
    file: path.basename(body.file),
    fileBytes: fs.statSync(body.file).size,
    fileSha256: await sha256File(body.file),
    migrations: body.migrations,
    tables: body.tables,
    encryption: {
      dataKeys: body.dataKeys,
      masterKeySource: key.source,
      masterKeyLocation: key.location,
      masterKeyFingerprint: key.key ? keyFingerprint(key.key) : null,
      note: encryptionNote(key),
    },
  };
  const manifestFile = `${body.file}${MANIFEST_SUFFIX}`;
  writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file: body.file, manifestFile, manifest, warnings };
}

function readMigrationsSqlite(db: SQLite.Database): string[] {
  const has = db
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'")
    .get();
  if (!has) return [];
  return (
    db.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>
  ).map((r) => r.name);
}

function countDataKeysSqlite(db: SQLite.Database): number {
  const has = db
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'data_keys'")
    .get();
  if (!has) return 0;
  return (db.prepare('select count(*) as n from data_keys').get() as { n: number }).n;
}

async function backupSqlite(
  source: string,
  out: string,
): Promise<{
  kind: BackupKind;
  file: string;
  migrations: string[];
  tables: Record<string, TableDigest>;
  dataKeys: number;
}> {
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}`);
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  // Never takes the server's lock. While the server runs (its WAL file exists) the
  // file is opened read-only; otherwise a normal connection, which leaves no
  // -wal/-shm files behind when it closes. Either way nothing is written to it.
  const inUse = fs.existsSync(`${source}-wal`);
  const src = new SQLite(source, { readonly: inUse, fileMustExist: true, timeout: 5000 });
  try {
    await src.backup(partial);
  } finally {
    src.close();
  }
  try {
    const copy = new SQLite(partial);
    let result;
    try {
      // A self-contained single file: no WAL beside it.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok')
        throw new BackupError(`The backup copy failed integrity_check: ${String(check)}`);
      result = {
        kind: 'sqlite' as const,
        file: out,
        migrations: readMigrationsSqlite(copy),
        tables: await digestTables(sqliteReader(copy)),
        dataKeys: countDataKeysSqlite(copy),
      };
    } finally {
      copy.close();
    }
    removeSqliteSidecars(partial);
    fs.chmodSync(partial, 0o600);
    fsyncFile(partial);
    fs.renameSync(partial, out);
    fsyncDir(path.dirname(out));
    return result;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    removeSqliteSidecars(partial);
    throw err;
  }
}

async function pgMigrations(client: pg.ClientBase): Promise<string[]> {
  const has = await client.query(
    `select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`,
  );
  if (has.rowCount === 0) return [];
  return (
    await client.query<{ name: string }>(
      'select name from kysely_migration order by name collate "C"',
    )
  ).rows.map((r) => r.name);
}

async function pgCount(client: pg.ClientBase, table: string): Promise<number> {
  const has = await client.query(
    `select 1 from information_schema.tables where table_schema = current_schema() and table_name = $1`,
    [table],
  );
  if (has.rowCount === 0) return 0;
  const r = await client.query<{ n: number }>(
    `select count(*)::int as n from ${quoteIdent(table)}`,
  );
  return r.rows[0]?.n ?? 0;
}

async function writeLines(
  file: string,
  produce: (sink: (line: string) => Promise<void>) => Promise<Record<string, TableDigest>>,
): Promise<Record<string, TableDigest>> {
  const stream = fs.createWriteStream(file, { mode: 0o600 });
  const sink = (line: string): Promise<void> =>
    stream.write(`${line}\n`)
      ? Promise.resolve()
      : new Promise((resolve) => stream.once('drain', () => resolve()));
  try {
    return await produce(sink);
  } finally {
    await new Promise<void>((resolve, reject) =>
      stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

async function backupPostgres(
  url: string,
  outFor: (ext: string) => string,
  logical: boolean,
  warnings: string[],
): Promise<{
  kind: BackupKind;
  file: string;
  migrations: string[];
  tables: Record<string, TableDigest>;
  dataKeys: number;
}> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One snapshot for everything: the hashes describe exactly what pg_dump writes.
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]
      ?.s;
    if (!snapshot) throw new BackupError('PostgreSQL did not export a snapshot');
    const reader = pgReader(client);
    let kind: BackupKind = 'jsonl';
    let file = '';
    let tables: Record<string, TableDigest> | undefined;

    if (!logical && hasPgTool('pg_dump')) {
      file = outFor('dump');
      const partial = `${file}.partial`;
      const target = pgToolTarget(url);
      const dump = runTool(
        'pg_dump',
        [
          '--format=custom',
          `--snapshot=${snapshot}`,
          `--file=${partial}`,
          `--dbname=${target.dbname}`,
        ],
        target.env,
      );
      // Hash in parallel on the same snapshot; wait for both before deciding.
      const [dumped, hashed] = await Promise.allSettled([dump, digestTables(reader)]);
      if (hashed.status === 'rejected') throw hashed.reason;
      if (dumped.status === 'fulfilled') {
        kind = 'pg_dump';
        tables = hashed.value;
        fsyncFile(partial);
        fs.chmodSync(partial, 0o600);
        fs.renameSync(partial, file);
      } else {
        fs.rmSync(partial, { force: true });
        warnings.push(
          `pg_dump could not be used (${dumped.reason instanceof Error ? dumped.reason.message : String(dumped.reason)}); wrote a logical export instead.`,
        );
        fs.rmSync(file, { force: true });
      }
    } else if (!logical) {
      warnings.push('pg_dump is not on PATH; wrote a logical export (JSON lines) instead.');
    }
    if (kind === 'jsonl') {
      file = outFor('jsonl');
      const partial = `${file}.partial`;
      try {
        tables = await writeLines(partial, (sink) => digestTables(reader, sink));
        fsyncFile(partial);
        fs.renameSync(partial, file);
      } catch (err) {
        fs.rmSync(partial, { force: true });
        throw err;
      }
    }
    fsyncDir(path.dirname(file));
    const migrations = await pgMigrations(client);
    const dataKeys = await pgCount(client, 'data_keys');
    await client.query('commit');
    return { kind, file, migrations, tables: tables ?? {}, dataKeys };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// Restore.

export interface RestoreOptions {
  config: Config;
  /** The backup file, or its manifest. */
  file: string;
  /** Replace a database that holds data, restore without a fitting master key, or with other connections open. */
  force: boolean;
  /** Progress lines for the operator. */
  log?: (line: string) => void;
}

export interface RestoreResult {
  target: string;
  manifest: BackupManifest;
  warnings: string[];
}

export function readManifest(file: string): { manifest: BackupManifest; backupFile: string } {
  const manifestFile = file.endsWith(MANIFEST_SUFFIX) ? file : `${file}${MANIFEST_SUFFIX}`;
  if (!fs.existsSync(manifestFile)) {
    throw new BackupError(
      `No manifest found at ${manifestFile}. A backup is restored together with its manifest.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    throw new BackupError(`The manifest ${manifestFile} is not valid JSON (corrupted?).`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BackupError(
      `The manifest ${manifestFile} is not a Slussa backup manifest this version understands (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}).`,
    );
  }
  const manifest = parsed.data;
  if (path.basename(manifest.file) !== manifest.file) {
    throw new BackupError('The manifest names a backup file outside its own folder.');
  }
  for (const table of Object.keys(manifest.tables)) assertSafeTable(table);
  // Given the backup file, that file is restored (it may have been renamed); given the manifest, the file it names.
  const backupFile = file.endsWith(MANIFEST_SUFFIX)
    ? path.join(path.dirname(manifestFile), manifest.file)
    : file;
  return { manifest, backupFile };
}

/** Refuses a backup whose schema this version of Slussa does not know (made by a newer version). */
export function assertKnownSchema(migrations: string[]): void {
  const unknown = migrations.filter((m) => !KNOWN_MIGRATIONS.includes(m));
  if (unknown.length > 0) {
    throw new BackupError(
      `The backup comes from a newer schema: migration ${unknown.join(', ')} is unknown to this version of Slussa ` +
        `(which knows up to ${KNOWN_MIGRATIONS.at(-1) ?? 'none'}). Upgrade Slussa before restoring this backup.`,
    );
  }
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const { config } = opts;
  const log = opts.log ?? (() => undefined);
  const warnings: string[] = [];
  const { manifest, backupFile } = readManifest(path.resolve(opts.file));

  const targetDialect: DialectName = config.databaseUrl ? 'postgres' : 'sqlite';
  if (manifest.dialect !== targetDialect) {
    throw new BackupError(
      `This is a ${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup; the configured database is ` +
        `${targetDialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}. Restore it into the same kind of database.`,
    );
  }
  assertKnownSchema(manifest.migrations);

  // 1. The file is exactly the one the manifest describes.
  if (!fs.existsSync(backupFile))
    throw new BackupError(`The backup file ${backupFile} is missing.`);
  const size = fs.statSync(backupFile).size;
  const sha = await sha256File(backupFile);
  if (size !== manifest.fileBytes || sha !== manifest.fileSha256) {
    throw new BackupError(
      `The backup file ${backupFile} is corrupted or was modified: its SHA-256 does not match the manifest. Nothing was restored.`,
    );
  }
  log(`Backup file verified (SHA-256 ${sha.slice(0, 16)}…).`);

  // 2. The master key that opens its encrypted fields is configured here.
  const key = findMasterKey(config.dataDir, config.masterKey);
  if (manifest.encryption.dataKeys > 0) {
    const fits =
      key.key !== undefined &&
      (manifest.encryption.masterKeyFingerprint === null ||
        keyFingerprint(key.key) === manifest.encryption.masterKeyFingerprint);
    if (!fits) {
      const problem =
        key.source === 'missing'
          ? `no master key is configured (set SLUSSA_MASTER_KEY or put the key file at ${key.location})`
          : `the configured master key (${key.location}) is not the one the backup was made with`;
      if (!opts.force) {
        throw new BackupError(
          `Refusing to restore: ${problem}. The encrypted fields would be unreadable. Use --force to restore anyway.`,
        );
      }
      warnings.push(`Restored although ${problem}; encrypted fields will not be readable.`);
    }
  }

  if (manifest.kind === 'sqlite') {
    const target = sqliteFilePath(config);
    await restoreSqlite(backupFile, manifest, target, opts.force, log, warnings, key.key);
    return { target, manifest, warnings };
  }
  const url = config.databaseUrl;
  if (!url) throw new BackupError('DATABASE_URL is not set');
  await restorePostgres(backupFile, manifest, url, opts.force, log, warnings, key.key);
  return { target: describeUrl(url), manifest, warnings };
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured PostgreSQL database';
  }
}

function checkKeyFits(wrapped: string[], masterKey: Buffer | undefined, warnings: string[]): void {
  if (wrapped.length === 0) return;
  if (!masterKey || !wrapped.every((w) => unwrapsWith(masterKey, w))) {
    warnings.push(
      'The configured master key does not open the restored data keys: the server will not start until the right key is in place.',
    );
  }
}

function sqliteHoldsData(db: SQLite.Database): boolean {
  const exists = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?");
  return DATA_TABLES.some(
    (t) =>
      exists.get(t) !== undefined &&
      db.prepare(`select 1 from ${quoteIdent(t)} limit 1`).get() !== undefined,
  );
}

async function restoreSqlite(
  backupFile: string,
  manifest: BackupManifest,
  target: string,
  force: boolean,
  log: (line: string) => void,
  warnings: string[],
  masterKey: Buffer | undefined,
): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  let release: () => void;
  try {
    release = lockFile(`${target}.lock`);
  } catch (err) {
    throw new BackupError(
      `Refusing to restore while the database is in use: ${err instanceof Error ? err.message : String(err)} Stop the Slussa server first.`,
    );
  }
  const staging = `${target}.restoring`;
  try {
    // 3. Stage a copy beside the target and verify that copy completely.
    fs.rmSync(staging, { force: true });
    removeSqliteSidecars(staging);
    fs.copyFileSync(backupFile, staging);
    fs.chmodSync(staging, 0o600);
    fsyncFile(staging);
    if ((await sha256File(staging)) !== manifest.fileSha256) {
      throw new BackupError('The copy of the backup differs from the backup (disk error?).');
    }
    let staged: SQLite.Database;
    try {
      staged = new SQLite(staging, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new BackupError(
        `The backup file is not a readable SQLite database: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    try {
      let check: unknown;
      try {
        check = staged.pragma('integrity_check', { simple: true });
      } catch (err) {
        throw new BackupError(
          `The backup file is not a readable SQLite database: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      if (check !== 'ok')
        throw new BackupError(`The backup failed integrity_check: ${String(check)}`);
      const migrations = readMigrationsSqlite(staged);
      assertKnownSchema(migrations);
      if (JSON.stringify(migrations) !== JSON.stringify(manifest.migrations)) {
        throw new BackupError('The schema version inside the backup does not match its manifest.');
      }
      const problems = compareDigests(manifest.tables, await digestTables(sqliteReader(staged)));
      if (problems.length > 0) {
        throw new BackupError(
          `The backup's content does not match its manifest (${problems.join('; ')}). Nothing was restored.`,
        );
      }
    } finally {
      staged.close();
    }
    removeSqliteSidecars(staging);
    log('Backup content verified against the manifest (row counts and SHA-256 per table).');

    // 4. The current database: refuse to overwrite data without --force; flush its WAL.
    if (fs.existsSync(target)) {
      const current = new SQLite(target, { fileMustExist: true, timeout: 5000 });
      try {
        if (sqliteHoldsData(current) && !force) {
          throw new BackupError(
            `${target} already holds data. Use --force to replace it with the backup.`,
          );
        }
        current.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        current.close();
      }
    }

    // 5. Swap atomically; a stale WAL must never be replayed onto the new file.
    removeSqliteSidecars(target);
    fs.renameSync(staging, target);
    fsyncDir(path.dirname(target));
    log(`Replaced ${target}.`);

    // 6. Check what is now in place.
    const restored = new SQLite(target, { readonly: true, fileMustExist: true });
    try {
      const problems = compareDigests(manifest.tables, await digestTables(sqliteReader(restored)));
      if (problems.length > 0) {
        throw new BackupError(
          `After restoring, the database differs from the manifest: ${problems.join('; ')}`,
        );
      }
      const wrapped = restored.prepare('select wrapped from data_keys').all() as Array<{
        wrapped: string;
      }>;
      checkKeyFits(
        wrapped.map((w) => w.wrapped),
        masterKey,
        warnings,
      );
    } finally {
      restored.close();
    }
    // The read-only check leaves empty -wal/-shm files; the server recreates them.
    removeSqliteSidecars(target);
  } finally {
    fs.rmSync(staging, { force: true });
    removeSqliteSidecars(staging);
    release();
  }
}

async function pgHoldsData(client: pg.ClientBase): Promise<boolean> {
  const tables = new Set(await pgReader(client).tables());
  for (const t of DATA_TABLES) {
    if (!tables.has(t)) continue;
    const r = await client.query(`select 1 from ${quoteIdent(t)} limit 1`);
    if ((r.rowCount ?? 0) > 0) return true;
  }
  return false;
}

/** Reads a JSON-lines export, table by table. */
async function* readJsonl(
  file: string,
): AsyncGenerator<{ table: string; columns: string[] } | { row: unknown[] }> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file, 'utf8'),
    crlfDelay: Infinity,
  });
  let first = true;
  let inTable = false;
  for await (const line of lines) {
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new BackupError('The logical export has a line that is not JSON (corrupted?).');
    }
    if (first) {
      first = false;
      const head = z.object({ format: z.literal('slussa-jsonl') }).safeParse(value);
      if (!head.success) throw new BackupError('The file is not a Slussa logical export.');
      continue;
    }
    if (Array.isArray(value)) {
      if (!inTable) throw new BackupError('The logical export has a row before any table.');
      yield { row: value as unknown[] };
      continue;
    }
    const header = z
      .object({ table: z.string().regex(SAFE_TABLE), columns: z.array(z.string()).min(1) })
      .safeParse(value);
    if (!header.success) throw new BackupError('The logical export has an unexpected line.');
    inTable = true;
    yield header.data;
  }
}

/** Hashes a JSON-lines export without touching any database. */
async function digestJsonl(file: string): Promise<Record<string, TableDigest>> {
  const out: Record<string, TableDigest> = {};
  let current: { table: string; hasher: TableHasher } | undefined;
  for await (const item of readJsonl(file)) {
    if ('table' in item) {
      if (current) out[current.table] = current.hasher.digest();
      current = { table: item.table, hasher: new TableHasher(item.columns) };
    } else if (current) {
      current.hasher.addLine(rowLine(item.row));
    }
  }
  if (current) out[current.table] = current.hasher.digest();
  return out;
}

/** Tables ordered so that a table comes after the tables its foreign keys point to. */
async function pgInsertOrder(client: pg.ClientBase, tables: string[]): Promise<string[]> {
  const edges = (
    await client.query<{ child: string; parent: string }>(
      `select c.relname as child, p.relname as parent
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
       where k.contype = 'f'`,
    )
  ).rows;
  const ordered: string[] = [];
  const done = new Set<string>();
  const visit = (t: string, stack: Set<string>): void => {
    if (done.has(t) || stack.has(t)) return;
    stack.add(t);
    for (const e of edges) if (e.child === t && e.parent !== t) visit(e.parent, stack);
    stack.delete(t);
    done.add(t);
    if (tables.includes(t)) ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

async function restorePostgres(
  backupFile: string,
  manifest: BackupManifest,
  url: string,
  force: boolean,
  log: (line: string) => void,
  warnings: string[],
  masterKey: Buffer | undefined,
): Promise<void> {
  // 3. Verify the content before touching the database where the format allows it.
  if (manifest.kind === 'jsonl') {
    const problems = compareDigests(manifest.tables, await digestJsonl(backupFile));
    if (problems.length > 0) {
      throw new BackupError(
        `The backup's content does not match its manifest (${problems.join('; ')}). Nothing was restored.`,
      );
    }
    log('Backup content verified against the manifest (row counts and SHA-256 per table).');
  } else {
    if (!hasPgTool('pg_restore')) {
      throw new BackupError(
        'This backup was made with pg_dump; pg_restore must be on PATH to restore it.',
      );
    }
    try {
      await runTool('pg_restore', ['--list', backupFile], process.env);
    } catch (err) {
      throw new BackupError(
        `pg_restore cannot read the backup file: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // 4. Nobody else may be using the database, and its data is replaced only with --force.
    const others = (
      await client.query<{ who: string }>(
        `select coalesce(nullif(application_name, ''), 'unnamed client') || ' (pid ' || pid || ')' as who
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.who);
    if (others.length > 0) {
      if (!force) {
        throw new BackupError(
          `Refusing to restore: ${others.length} other connection(s) to the database are open (${others.join(', ')}). ` +
            'Stop the Slussa server and other clients first, or use --force.',
        );
      }
      warnings.push(`${others.length} other connection(s) were open during the restore.`);
    }
    if ((await pgHoldsData(client)) && !force) {
      throw new BackupError(
        `${describeUrl(url)} already holds data. Use --force to replace it with the backup.`,
      );
    }

    // 5. Restore.
    if (manifest.kind === 'pg_dump') {
      const target = pgToolTarget(url);
      await runTool(
        'pg_restore',
        [
          '--clean',
          '--if-exists',
          '--single-transaction',
          '--exit-on-error',
          '--no-owner',
          '--no-privileges',
          `--dbname=${target.dbname}`,
          backupFile,
        ],
        target.env,
      );
      log('pg_restore finished.');
    } else {
      await importJsonl(client, url, backupFile, manifest);
      log('Logical import committed.');
    }

    // 6. Check what is now in place.
    await client.query('begin isolation level repeatable read read only');
    const actual = await digestTables(pgReader(client));
    const wrapped = (await pgCount(client, 'data_keys'))
      ? (await client.query<{ wrapped: string }>('select wrapped from data_keys')).rows
      : [];
    await client.query('commit');
    const problems = compareDigests(manifest.tables, actual);
    const extra = problems.filter((p) => p.endsWith('is not in the backup'));
    if (extra.length > 0) warnings.push(`Left in place: ${extra.join('; ')}.`);
    const real = problems.filter((p) => !p.endsWith('is not in the backup'));
    if (real.length > 0) {
      throw new BackupError(
        `After restoring, the database differs from the manifest: ${real.join('; ')}`,
      );
    }
    checkKeyFits(
      wrapped.map((w) => w.wrapped),
      masterKey,
      warnings,
    );
  } finally {
    await client.end();
  }
}

/** Loads a logical export in one transaction: schema at the backup's version, all rows, hashes checked before commit. */
async function importJsonl(
  client: pg.Client,
  url: string,
  file: string,
  manifest: BackupManifest,
): Promise<void> {
  const present = await pgMigrations(client);
  const newer = present.filter((m) => !manifest.migrations.includes(m));
  if (newer.length > 0) {
    throw new BackupError(
      `The target database is at a newer schema (${newer.join(', ')}) than the backup; a logical backup restores into an empty database.`,
    );
  }
  const last = manifest.migrations.at(-1);
  if (last) {
    const handle = openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      await migrateUpTo(handle.db as unknown as Kysely<unknown>, 'postgres', last);
    } finally {
      await handle.close();
    }
  }
  const tables = Object.keys(manifest.tables);
  const existing = new Set(await pgReader(client).tables());
  const missing = tables.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new BackupError(
      `The target database lacks table(s) ${missing.join(', ')} after migrating.`,
    );
  }
  const order = await pgInsertOrder(client, tables);

  await client.query('begin');
  try {
    await client.query(`truncate ${tables.map(quoteIdent).join(', ')} cascade`);
    // Rows are buffered per table and inserted parent tables first.
    const buffered = new Map<string, { columns: string[]; rows: unknown[][] }>();
    let current: { columns: string[]; rows: unknown[][] } | undefined;
    for await (const item of readJsonl(file)) {
      if ('table' in item) {
        current = { columns: item.columns, rows: [] };
        buffered.set(item.table, current);
      } else if (current) {
        current.rows.push(item.row.map(fromCanonical));
      }
    }
    for (const table of order) {
      const data = buffered.get(table);
      if (!data || data.rows.length === 0) continue;
      const cols = data.columns.map(quoteIdent).join(', ');
      const perRow = data.columns.length;
      const batch = Math.max(1, Math.floor(60_000 / perRow));
      for (let i = 0; i < data.rows.length; i += batch) {
        const chunk = data.rows.slice(i, i + batch);
        const params: unknown[] = [];
        const values = chunk
          .map((row) => {
            const ph = row.map((v) => {
              params.push(v);
              return `$${params.length}`;
            });
            return `(${ph.join(', ')})`;
          })
          .join(', ');
        await client.query(`insert into ${quoteIdent(table)} (${cols}) values ${values}`, params);
      }
    }
    const problems = compareDigests(manifest.tables, await digestTables(pgReader(client)));
    const real = problems.filter((p) => !p.endsWith('is not in the backup'));
    if (real.length > 0) {
      throw new BackupError(
        `The imported rows do not match the manifest (${real.join('; ')}); the import was rolled back.`,
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}

function fromCanonical(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '$base64' in v) {
    const b64 = (v as { $base64: unknown }).$base64;
    if (typeof b64 === 'string') return Buffer.from(b64, 'base64');
  }
  return v;
}
