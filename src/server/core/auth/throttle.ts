import type { Db } from '../db/database.js';
import { sha256hex } from '../ids.js';

/**
 * Sign-in throttling per account and per client address. Keys are hashes of
 * the normalised e-mail and of the address, and exist whether or not the
 * account does, so a locked-out answer reveals nothing about existence.
 */
export interface ThrottleLimits {
  maxPerAccount: number;
  maxPerAddress: number;
  windowMs: number;
}

export const accountKey = (email: string): string =>
  `acct:${sha256hex(email.trim().toLowerCase())}`;
export const addressKey = (ip: string): string => `addr:${sha256hex(ip)}`;

/** True when any of the keys is locked now. */
export async function isThrottled(db: Db, keys: string[], now: Date): Promise<boolean> {
  const rows = await db
    .selectFrom('sign_in_throttle')
    .select(['locked_until'])
    .where('key', 'in', keys)
    .execute();
  const nowIso = now.toISOString();
  return rows.some((r) => r.locked_until !== null && r.locked_until > nowIso);
}

export async function recordFailure(
  db: Db,
  keys: Array<{ key: string; max: number }>,
  now: Date,
  windowMs: number,
): Promise<void> {
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  await db.transaction().execute(async (tx) => {
    for (const { key, max } of keys) {
      const row = await tx
        .selectFrom('sign_in_throttle')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      const fresh = !row || row.window_started_at < windowStart;
      const failures = fresh ? 1 : row.failures + 1;
      const lockedUntil =
        failures >= max
          ? new Date(now.getTime() + windowMs).toISOString()
          : (row?.locked_until ?? null);
      await tx
        .insertInto('sign_in_throttle')
        .values({
          key,
          failures,
          window_started_at: fresh ? nowIso : row.window_started_at,
          locked_until: lockedUntil,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures,
            window_started_at: fresh ? nowIso : row.window_started_at,
            locked_until: lockedUntil,
          }),
        )
        .execute();
    }
  });
}

/** A successful sign-in clears the account's counter (the address counter keeps counting). */
export async function clearAccount(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}
