import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import {
  call,
  createOrganisation,
  createTestApp,
  createUser,
  jsonObject,
  mailTo,
  sessionFor,
  settleMail,
  TEST_DB,
  uniqueAddress,
  type TestApp,
} from '../../../test/harness.js';
import { MAX_ATTEMPTS } from './mail.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on 127.0.0.1 that records what it receives. */
class Inbox {
  received: Received[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function outboxRow(t: TestApp, id: string) {
  return t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe(`mail outbox over SMTP (${TEST_DB})`, () => {
  const inbox = new Inbox();
  let t: TestApp;
  beforeAll(async () => {
    await inbox.start();
    t = await createTestApp({
      smtpUrl: `smtp://127.0.0.1:${inbox.port}?ignoreTLS=true`,
      mailFrom: 'Slussa <no-reply@slussa.test>',
    });
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  it('delivers a queued message and marks it sent', async () => {
    const id = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.hello',
      to: 'mottagare@example.org',
      subject: 'Hej från Slussa',
      text: 'Åäö – en rad.\nEn till.',
    });
    // With SMTP configured a message is queued for sending (the worker may already have claimed it).
    expect(['pending', 'sending']).toContain((await outboxRow(t, id)).status);
    await settleMail(t);
    const row = await outboxRow(t, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(row.sent_at).toBe(t.clock.now().toISOString());
    const got = inbox.received.filter((m) => m.to.includes('mottagare@example.org'));
    expect(got).toHaveLength(1);
    expect(got[0]?.from).toBe('no-reply@slussa.test');
    expect(got[0]?.data).toMatch(/^Subject: =\?UTF-8\?/m);
    // A sent message is not sent again.
    await settleMail(t);
    expect(inbox.received.filter((m) => m.to.includes('mottagare@example.org'))).toHaveLength(1);
  });

  it('delivers the mail of an API action (password reset)', async () => {
    const org = await createOrganisation(t);
    const user = await createUser(t, 'member', org);
    const res = await call(t, {
      method: 'POST',
      url: '/api/auth/password-reset',
      body: { email: user.email },
      remoteAddress: uniqueAddress(),
    });
    expect(res.statusCode).toBe(202);
    await settleMail(t);
    const [row] = await mailTo(t, user.email);
    expect(row?.status).toBe('sent');
    const got = inbox.received.find((m) => m.to.includes(user.email));
    expect(got?.data).toContain('/reset-password#token=');
  });

  it('keeps a message pending while SMTP is down and delivers it when it is back', async () => {
    await inbox.stop();
    const id = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.retry',
      to: 'later@example.org',
      subject: 'Försök igen',
      text: 'Text',
    });
    await settleMail(t);
    const failed = await outboxRow(t, id);
    expect(failed.status).toBe('pending');
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toEqual(expect.any(String));
    expect(failed.last_error?.length).toBeGreaterThan(0);
    expect(failed.sent_at).toBeNull();
    expect(failed.next_attempt_at > t.clock.now().toISOString()).toBe(true);

    // Back up on the same port; nothing is sent before the retry time.
    await inbox.start(inbox.port);
    await settleMail(t);
    expect((await outboxRow(t, id)).status).toBe('pending');
    expect(inbox.received.filter((m) => m.to.includes('later@example.org'))).toHaveLength(0);

    t.clock.advance(Date.parse(failed.next_attempt_at) - t.clock.now().getTime() + 1000);
    await settleMail(t);
    const sent = await outboxRow(t, id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(inbox.received.filter((m) => m.to.includes('later@example.org'))).toHaveLength(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts`, async () => {
    await inbox.stop();
    const id = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.doomed',
      to: 'never@example.org',
      subject: 'Aldrig',
      text: 'Text',
    });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await settleMail(t);
      t.clock.advance(2 * 60 * 60_000);
    }
    const row = await outboxRow(t, id);
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    await inbox.start(inbox.port);
    await settleMail(t);
    expect((await outboxRow(t, id)).status).toBe('failed');
    expect(inbox.received.filter((m) => m.to.includes('never@example.org'))).toHaveLength(0);
  });
});

describe(`mail outbox without SMTP (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds messages for an administrator to read', async () => {
    expect(t.ctx.mail.smtpEnabled).toBe(false);
    const id = await t.ctx.mail.enqueue(t.ctx.db, {
      kind: 'test.held',
      to: 'held@example.org',
      subject: 'Hållen',
      text: 'Länk: http://localhost:3000/welcome#token=abc',
    });
    expect(await t.ctx.mail.drain()).toBe(0);
    const row = await outboxRow(t, id);
    expect(row).toMatchObject({ status: 'held', attempts: 0, sent_at: null });

    const org = await createOrganisation(t);
    const admin = await createUser(t, 'admin', org);
    const cookie = await sessionFor(t, admin.id);
    const list = jsonObject(
      await call(t, { method: 'GET', url: '/api/outbox?status=held', cookie }),
    );
    expect(list).toMatchObject({ smtpEnabled: false, total: 1 });
    const items = Array.isArray(list.items) ? list.items : [];
    expect(items[0]).toMatchObject({ id, toAddress: 'held@example.org', status: 'held' });
    // The list shows no bodies (they may hold sign-in links); the detail does, and is audited.
    expect(items[0]).not.toHaveProperty('bodyText');
    const detail = await call(t, { method: 'GET', url: `/api/outbox/${id}`, cookie });
    expect(jsonObject(detail)).toMatchObject({ bodyText: row.body_text });
    expect(
      (await call(t, { method: 'GET', url: '/api/outbox?status=sent', cookie })).json(),
    ).toMatchObject({ total: 0, items: [] });
  });
});
