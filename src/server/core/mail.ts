import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Tx } from './db/database.js';
import { forUpdate, type DialectName } from './db/dialect.js';
import { prepared } from './db/prepared.js';
import type { Clock } from './context.js';
import { newId } from './ids.js';

/**
 * Every message goes to the database outbox first, in the same transaction as
 * the change that caused it, so nothing is lost when SMTP is down. A worker
 * drains the outbox through nodemailer when SMTP_URL is set; without SMTP the
 * messages are held for an administrator to read in the UI.
 */
export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
}

export const MAX_ATTEMPTS = 8;

// Every decision mails the applicant: built once (prepared.ts).
const insertMail = prepared(
  (
    db: Db,
    v: {
      id: string;
      kind: string;
      to: string;
      subject: string;
      text: string;
      status: string;
      now: string;
    },
  ) =>
    db.insertInto('outbox').values({
      id: v.id,
      kind: v.kind,
      to_address: v.to,
      subject: v.subject,
      body_text: v.text,
      status: v.status,
      attempts: 0,
      next_attempt_at: v.now,
      last_error: null,
      created_at: v.now,
      sent_at: null,
    }),
);

/** A claimed message not confirmed within this time is claimed again (its worker died). */
const CLAIM_LEASE_MS = 5 * 60_000;

export class Mailer {
  private transport: Transporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { smtpUrl: string | undefined; from: string; logBodies: boolean },
  ) {
    if (opts.smtpUrl) this.transport = nodemailer.createTransport(opts.smtpUrl);
  }

  get smtpEnabled(): boolean {
    return this.transport !== undefined;
  }

  async enqueue(tx: Tx | Db, mail: OutgoingMail): Promise<string> {
    const now = this.clock.now().toISOString();
    const id = newId();
    await insertMail.run(tx, {
      id,
      kind: mail.kind,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      status: this.transport ? 'pending' : 'held',
      now,
    });
    if (!this.transport && this.opts.logBodies) {
      // Development convenience only: shows links that would have been e-mailed.
      this.log.info(
        { mailKind: mail.kind, outboxId: id },
        `mail held in outbox:\n${mail.subject}\n${mail.text}`,
      );
    }
    if (this.transport) this.kick();
    return id;
  }

  /** Sends what is due. Rows are claimed with SKIP LOCKED on PostgreSQL so several app processes send each message once. */
  async drain(limit = 20): Promise<number> {
    if (!this.transport) return 0;
    if (this.running) return this.running;
    this.running = this.drainAll(limit).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A backlog is worked off batch after batch, not one batch per timer tick. */
  private async drainAll(limit: number): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.drainOnce(limit);
      sent += batch.sent;
      if (batch.claimed < limit || this.stopping) return sent;
    }
  }

  private async drainOnce(limit: number): Promise<{ claimed: number; sent: number }> {
    const transport = this.transport;
    if (!transport) return { claimed: 0, sent: 0 };
    const now = this.clock.now();
    const claimed = await this.db.transaction().execute(async (tx) => {
      let due = tx
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', now.toISOString())
        .orderBy('next_attempt_at')
        .limit(limit);
      if (forUpdate(this.dialect)) due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return tx
        .updateTable('outbox')
        .set({
          status: 'sending',
          next_attempt_at: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
        })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
    let sent = 0;
    for (const msg of claimed) {
      try {
        await transport.sendMail({
          from: this.opts.from,
          to: msg.to_address,
          subject: msg.subject,
          text: msg.body_text,
        });
        await this.db
          .updateTable('outbox')
          .set({
            status: 'sent',
            sent_at: this.clock.now().toISOString(),
            attempts: msg.attempts + 1,
            last_error: null,
          })
          .where('id', '=', msg.id)
          .execute();
        sent += 1;
      } catch (err) {
        const attempts = msg.attempts + 1;
        const backoffMs = Math.min(2 ** attempts * 30_000, 60 * 60_000);
        const reason = err instanceof Error ? err.message.slice(0, 300) : 'send failed';
        await this.db
          .updateTable('outbox')
          .set({
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            attempts,
            last_error: reason,
            next_attempt_at: new Date(this.clock.now().getTime() + backoffMs).toISOString(),
          })
          .where('id', '=', msg.id)
          .execute();
        this.log.warn({ outboxId: msg.id, attempts }, 'mail delivery failed; will retry');
      }
    }
    return { claimed: claimed.length, sent };
  }

  /** Starts the periodic drain (the server does; tests call drain() directly). */
  start(intervalMs: number): void {
    if (!this.transport || this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  private kick(): void {
    void this.drain().catch((err: unknown) => this.log.error({ err }, 'outbox drain failed'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.running) await this.running.catch(() => 0);
    this.transport?.close();
  }
}
