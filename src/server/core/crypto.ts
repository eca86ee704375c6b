import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from './db/database.js';
import { newId } from './ids.js';

/**
 * Field encryption (AES-256-GCM). Values are encrypted under a data key; the
 * data key is stored in the database wrapped by the master key, which lives
 * outside the database (SLUSSA_MASTER_KEY or a 0600 key file). A database
 * copy without the master key reveals nothing.
 */
export interface FieldCrypto {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Files: the same scheme for bytes. */
  encryptBytes(plain: Buffer): Buffer;
  decryptBytes(sealed: Buffer): Buffer;
}

const VERSION = 'v1';

function seal(key: Buffer, plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, ct, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

function open(key: Buffer, sealed: string): Buffer {
  const [iv, ct, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !ct || !tag) throw new Error('Malformed ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** Whether a wrapped data key opens with this master key (`slussa restore` checks the key fits). */
export function unwrapsWith(masterKey: Buffer, wrapped: string): boolean {
  try {
    return open(masterKey, wrapped).length === 32;
  } catch {
    return false;
  }
}

/** Reads the master key from the environment, or from `<dataDir>/master.key`, creating it at first run. */
export function loadMasterKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('SLUSSA_MASTER_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  const file = path.join(dataDir, 'master.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}

/** Loads (or creates, first time) the active data key and returns the field cipher. */
export async function createFieldCrypto(
  db: Db,
  masterKey: Buffer,
  now: () => Date,
): Promise<FieldCrypto> {
  const keys = new Map<string, Buffer>();
  const rows = await db.selectFrom('data_keys').selectAll().orderBy('created_at').execute();
  for (const row of rows) {
    if (!unwrapsWith(masterKey, row.wrapped)) {
      // Typically a restored backup started with another master key: say so rather than fail deep in GCM.
      throw new Error(
        'The master key does not open the data keys in this database, so its encrypted fields cannot be read. ' +
          'The database (or the backup it was restored from) was made under another master key: ' +
          'put that key in SLUSSA_MASTER_KEY or <data folder>/master.key.',
      );
    }
    keys.set(row.id, open(masterKey, row.wrapped));
  }
  let active = rows.filter((r) => !r.retired_at).at(-1)?.id;
  if (!active) {
    const id = newId();
    const dataKey = randomBytes(32);
    await db
      .insertInto('data_keys')
      .values({
        id,
        wrapped: seal(masterKey, dataKey),
        created_at: now().toISOString(),
        retired_at: null,
      })
      .execute();
    keys.set(id, dataKey);
    active = id;
  }
  const activeId = active;
  return {
    encrypt(plain) {
      const key = keys.get(activeId);
      if (!key) throw new Error('No active data key');
      return `${VERSION}:${activeId}:${seal(key, Buffer.from(plain, 'utf8'))}`;
    },
    decrypt(sealed) {
      const [version, keyId, body] = sealed.split(':');
      const key = keyId ? keys.get(keyId) : undefined;
      if (version !== VERSION || !key || !body) throw new Error('Unknown data key or format');
      return open(key, body).toString('utf8');
    },
    // Bytes: "v1:<key id>:" then IV (12), tag (16) and ciphertext, without text encoding.
    encryptBytes(plain) {
      const key = keys.get(activeId);
      if (!key) throw new Error('No active data key');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from(`${VERSION}:${activeId}:`), iv, cipher.getAuthTag(), ct]);
    },
    decryptBytes(sealed) {
      const second = sealed.indexOf(':', VERSION.length + 1);
      const [version, keyId] = sealed.subarray(0, Math.max(second, 0)).toString('utf8').split(':');
      const key = keyId ? keys.get(keyId) : undefined;
      if (second < 0 || version !== VERSION || !key) throw new Error('Unknown data key or format');
      const body = sealed.subarray(second + 1);
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
      decipher.setAuthTag(body.subarray(12, 28));
      return Buffer.concat([decipher.update(body.subarray(28)), decipher.final()]);
    },
  };
}
