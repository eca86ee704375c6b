import type { Db, Tx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import { newToken, sha256hex } from '../ids.js';

/**
 * Server-side sessions. The cookie carries a random token; the database keeps
 * only its SHA-256. Idle and absolute timeouts are enforced on every lookup.
 */
export type SessionStage = 'full' | 'mfa' | 'enrol';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** Writing last_seen on every request would turn each read into a write; a minute's precision is enough. */
const TOUCH_AFTER_MS = 60_000;

export async function createSession(
  tx: Tx | Db,
  userId: string,
  stage: SessionStage,
  now: Date,
  limits: SessionLimits,
): Promise<{ token: string; id: string }> {
  const token = newToken();
  const id = sha256hex(token);
  await tx
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      stage,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + limits.absoluteMs).toISOString(),
    })
    .execute();
  return { token, id };
}

export interface SessionRow {
  id: string;
  user_id: string;
  stage: string;
  last_seen_at: string;
  expires_at: string;
  /** The user's fields every request needs, fetched in the same query. */
  organisation_id: string;
  role: string;
  locale: string;
  disabled_at: string | null;
}

export type SessionLookup =
  { ok: true; session: SessionRow } | { ok: false; reason: 'missing' | 'expired' };

// Every authenticated request runs these: built once (prepared.ts).
const sessionById = prepared((db: Db, v: { id: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.stage',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.organisation_id',
      'users.role',
      'users.locale',
      'users.disabled_at',
    ])
    .where('sessions.id', '=', v.id),
);
const deleteSession = prepared((db: Db, v: { id: string }) =>
  db.deleteFrom('sessions').where('id', '=', v.id),
);
const touchSession = prepared((db: Db, v: { id: string; at: string }) =>
  db.updateTable('sessions').set({ last_seen_at: v.at }).where('id', '=', v.id),
);

export async function findSession(
  db: Db,
  token: string,
  now: Date,
  limits: SessionLimits,
): Promise<SessionLookup> {
  const id = sha256hex(token);
  const session = await sessionById.executeTakeFirst(db, { id });
  if (!session) return { ok: false, reason: 'missing' };
  if (session.disabled_at) {
    await deleteSession.run(db, { id });
    return { ok: false, reason: 'expired' };
  }
  const idleFor = now.getTime() - Date.parse(session.last_seen_at);
  if (now.toISOString() >= session.expires_at || idleFor >= limits.idleMs) {
    await deleteSession.run(db, { id });
    return { ok: false, reason: 'expired' };
  }
  if (idleFor >= TOUCH_AFTER_MS) await touchSession.run(db, { id, at: now.toISOString() });
  return { ok: true, session };
}

export async function endSession(tx: Tx | Db, sessionId: string): Promise<void> {
  await tx.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Sign-out everywhere, disabling a user, a password change: every session of the user ends. */
export async function endAllSessions(tx: Tx | Db, userId: string): Promise<number> {
  const res = await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
