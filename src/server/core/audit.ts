import { createHash } from 'node:crypto';
import type { Db, Tx } from './db/database.js';
import { forUpdate, type DialectName } from './db/dialect.js';
import { prepared, preparedLockable } from './db/prepared.js';
import type { Clock } from './context.js';
import { newId } from './ids.js';
import type { Actor } from './access.js';

/**
 * Append-only, hash-chained audit trail. Each event stores the hash of the
 * previous one and the SHA-256 of its own canonical content, so editing or
 * deleting a row breaks the chain at that point (`slussa audit verify`).
 * Events never carry client data: who, what kind of object, which id.
 */
export interface AuditEventInput {
  actorUserId: string | null;
  actorOrganisationId: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  requestId?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
}

/** Who an event is by: the signed-in person and their organisation. */
export function auditActor(
  actor: Actor,
): Pick<AuditEventInput, 'actorUserId' | 'actorOrganisationId'> {
  return { actorUserId: actor.userId, actorOrganisationId: actor.organisationId };
}

export interface AuditRow {
  seq: number;
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  request_id: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The exact bytes that are hashed: fixed field order, JSON-encoded. */
export function canonicalContent(row: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    row.seq,
    row.id,
    row.at,
    row.actor_user_id,
    row.actor_organisation_id,
    row.action,
    row.object_type,
    row.object_id,
    row.request_id,
    row.outcome,
    row.prev_hash,
  ]);
}

export const hashEvent = (row: Omit<AuditRow, 'hash'>): string =>
  createHash('sha256').update(canonicalContent(row)).digest('hex');

// Every audited request appends through these: built once (prepared.ts).
const readHead = preparedLockable((tx: Db, _v: Record<string, never>) =>
  tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1),
);
const insertOne = prepared((tx: Db, v: AuditRow) =>
  tx.insertInto('audit_events').values({
    seq: v.seq,
    id: v.id,
    at: v.at,
    actor_user_id: v.actor_user_id,
    actor_organisation_id: v.actor_organisation_id,
    action: v.action,
    object_type: v.object_type,
    object_id: v.object_id,
    request_id: v.request_id,
    outcome: v.outcome,
    prev_hash: v.prev_hash,
    hash: v.hash,
  }),
);
const moveHead = prepared((tx: Db, v: { seq: number; hash: string }) =>
  tx.updateTable('audit_head').set({ seq: v.seq, hash: v.hash }).where('id', '=', 1),
);

interface Pending {
  event: AuditEventInput;
  at: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AuditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
  ) {}

  /** Appends events inside the caller's transaction: the write and its audit commit together or not at all. */
  async append(tx: Tx, ...events: AuditEventInput[]): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.appendRows(
      tx,
      events.map((event) => ({ event, at })),
    );
  }

  /**
   * Records an event in its own transaction (reads, refusals, sign-ins). Events
   * arriving while a commit is under way are grouped into the next commit, so
   * audited reads cost one fsync per batch rather than one per request; the
   * promise resolves only when the event is durable.
   */
  record(event: AuditEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, at: this.clock.now().toISOString(), resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Waits until every recorded event has been committed (used at shutdown). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    // Yield once so that events from concurrent requests join this batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.db.transaction().execute((tx) => this.appendRows(tx, batch));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }

  private async appendRows(
    tx: Tx,
    items: ReadonlyArray<{ event: AuditEventInput; at: string }>,
  ): Promise<void> {
    if (items.length === 0) return;
    const head = await readHead(forUpdate(this.dialect)).executeTakeFirst(tx, {});
    if (!head) throw new Error('The audit chain has no head row.');
    let seq = Number(head.seq);
    let prev = head.hash;
    const rows: AuditRow[] = [];
    for (const { event, at } of items) {
      seq += 1;
      const base = {
        seq,
        id: newId(),
        at,
        actor_user_id: event.actorUserId,
        actor_organisation_id: event.actorOrganisationId,
        action: event.action,
        object_type: event.objectType ?? null,
        object_id: event.objectId ?? null,
        request_id: event.requestId ?? null,
        outcome: event.outcome ?? 'success',
        prev_hash: prev,
      };
      const hash = hashEvent(base);
      rows.push({ ...base, hash });
      prev = hash;
    }
    if (rows.length === 1 || this.dialect === 'sqlite') {
      // In process, a prepared row at a time costs less than building a multi-row insert.
      for (const row of rows) await insertOne.run(tx, row);
    } else {
      // One round trip per chunk of rows (PostgreSQL).
      for (let i = 0; i < rows.length; i += 50) {
        await tx
          .insertInto('audit_events')
          .values(rows.slice(i, i + 50))
          .execute();
      }
    }
    await moveHead.run(tx, { seq, hash: prev });
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first event whose link or content does not match, if any. */
  brokenAt?: number;
  reason?: 'content' | 'link' | 'gap' | 'head';
}

/** Walks the whole chain in order and reports the first broken link. */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const pageSize = 5000;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const raw of page) {
      const row: AuditRow = { ...raw, seq: Number(raw.seq) };
      if (row.seq !== expectedSeq)
        return { ok: false, checked, brokenAt: expectedSeq, reason: 'gap' };
      if (row.prev_hash !== prev) return { ok: false, checked, brokenAt: row.seq, reason: 'link' };
      const { hash, ...content } = row;
      if (hashEvent(content) !== hash)
        return { ok: false, checked, brokenAt: row.seq, reason: 'content' };
      prev = hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (page.length < pageSize) break;
  }
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!head || Number(head.seq) !== expectedSeq - 1 || head.hash !== prev) {
    return { ok: false, checked, brokenAt: expectedSeq, reason: 'head' };
  }
  return { ok: true, checked };
}
