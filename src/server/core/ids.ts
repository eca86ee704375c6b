import { randomBytes, randomFillSync, createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// Random bytes for identifiers come from a pool refilled 4 KiB at a time:
// one system call per 256 identifiers instead of one each.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function random16(): Uint8Array {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = new Uint8Array(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return out;
}

/** Record identifiers exposed in URLs: random, time-ordered UUID v7, never a sequence. */
export const newId = (): string => uuidv7({ random: random16() });

/** A secret for a cookie or an e-mailed link: 256 random bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored only as their SHA-256, so a database leak does not yield live sessions. */
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');
