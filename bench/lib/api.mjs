// A small API client for seeding: sends requests as the browser app does
// (same Origin, JSON) and keeps the session cookie the server sets.
import { generate } from 'otplib';

export const SESSION_COOKIE = 'slussa_session';

/** A password that passes the server's rules (length, not a common password, not the e-mail). */
export const BENCH_PASSWORD = 'Bänkpress-vid-Slussen-2026';

/**
 * @typedef {{ status: number, body: any, setCookies: string[] }} ApiResponse
 */

export class ApiClient {
  /**
   * @param {string} baseUrl  where requests go, e.g. http://127.0.0.1:3301
   * @param {string} origin   the server's PUBLIC_URL origin, sent as Origin
   */
  constructor(baseUrl, origin) {
    this.baseUrl = baseUrl;
    this.origin = origin;
    /** @type {string | undefined} the `Cookie` header value of the current session */
    this.cookie = undefined;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<ApiResponse>}
   */
  async request(method, path, body) {
    return this.send(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      'application/json',
    );
  }

  /**
   * Sends a body as it is (e.g. a CSV file) with the given content type.
   *
   * @param {string} method
   * @param {string} path
   * @param {string | Buffer | undefined} body
   * @param {string} contentType
   * @returns {Promise<ApiResponse>}
   */
  async send(method, path, body, contentType) {
    /** @type {Record<string, string>} */
    const headers = { origin: this.origin, accept: 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: /** @type {BodyInit} */ (body) } : {}),
    });
    const text = await res.text();
    /** @type {any} */
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      if (!pair?.startsWith(`${SESSION_COOKIE}=`)) continue;
      const value = pair.slice(SESSION_COOKIE.length + 1);
      this.cookie = value ? pair : undefined;
    }
    return { status: res.status, body: parsed, setCookies };
  }

  /**
   * Like request(), but throws unless the status is the expected one.
   *
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {number} [expected]
   */
  async expect(method, path, body, expected = 200) {
    const res = await this.request(method, path, body);
    if (res.status !== expected) {
      throw new Error(
        `${method} ${path} answered ${res.status}, expected ${expected}: ${JSON.stringify(res.body)}`,
      );
    }
    return res.body;
  }
}

/**
 * @typedef {object} Seeded
 * @property {string} adminCookie     `Cookie` header of a complete (TOTP-confirmed) admin session
 * @property {string} adminUserId
 * @property {string} organisationId
 * @property {string[]} userIds       the actor_staff users created
 * @property {{ email: string, password: string }} signInUser  an actor_staff user with a password set
 * @property {{ signIn: number, passwordLink: number }} limitedCallsUsed  calls made to rate-limited routes
 */

/**
 * Seeds a fresh server through its API: the first admin sets a password from
 * the set-up link, signs in, enrols TOTP (which upgrades the session), creates
 * an organisation and `users` actor_staff users, and one of them sets a
 * password from the invitation found in the mail outbox.
 *
 * @param {import('./server.mjs').SlussaServer} server
 * @param {{ users?: number }} [o]
 * @returns {Promise<Seeded>}
 */
export async function seedSlussa(server, { users = 5 } = {}) {
  if (!server.setupToken) {
    throw new Error('The server printed no set-up link: is the data folder empty?');
  }
  const admin = new ApiClient(server.url, server.origin);
  await admin.expect('POST', '/api/auth/password-link', {
    token: server.setupToken,
    password: BENCH_PASSWORD,
  });
  const signedIn = await admin.expect('POST', '/api/auth/sign-in', {
    email: server.adminEmail,
    password: BENCH_PASSWORD,
  });
  if (signedIn.stage !== 'enrol') {
    throw new Error(`admin sign-in gave stage ${signedIn.stage}, expected enrol`);
  }
  const { secret } = await admin.expect('POST', '/api/auth/totp/setup');
  const before = admin.cookie;
  const confirmed = await admin.expect('POST', '/api/auth/totp/confirm', {
    code: await generate({ secret }),
  });
  if (confirmed.session?.stage !== 'full' || !admin.cookie || admin.cookie === before) {
    throw new Error('TOTP confirmation did not upgrade the session');
  }

  const org = await admin.expect(
    'POST',
    '/api/organisations',
    { name: 'Bänkföreningen', type: 'ngo', county: 'M' },
    201,
  );
  /** @type {string[]} */
  const userIds = [];
  /** @type {string[]} */
  const emails = [];
  for (let i = 0; i < users; i += 1) {
    const email = `staff${i + 1}@bench.example`;
    const u = await admin.expect(
      'POST',
      '/api/users',
      {
        email,
        name: `Personal ${i + 1}`,
        role: 'actor_staff',
        organisationId: org.id,
        locale: 'sv',
      },
      201,
    );
    userIds.push(u.id);
    emails.push(email);
  }

  // The invitation of the first user, read from the outbox (no SMTP configured).
  const signInEmail = /** @type {string} */ (emails[0]);
  await setPasswordFromInvitation(server, admin, signInEmail, BENCH_PASSWORD);

  const me = await admin.expect('GET', '/api/auth/session');
  return {
    adminCookie: /** @type {string} */ (admin.cookie),
    adminUserId: me.user.id,
    organisationId: org.id,
    userIds,
    signInUser: { email: signInEmail, password: BENCH_PASSWORD },
    limitedCallsUsed: { signIn: 1, passwordLink: 2 },
  };
}

/**
 * Sets a password from the invitation (set-up link) an administrator's action
 * sent to `email`, found in the mail outbox (no SMTP configured). Uses one
 * call of POST /api/auth/password-link (limited to 20 a minute per address).
 *
 * @param {import('./server.mjs').ChildServer} server
 * @param {ApiClient} admin  a session that may read the outbox (an administrator)
 * @param {string} email
 * @param {string} password
 */
export async function setPasswordFromInvitation(server, admin, email, password) {
  const outbox = await admin.expect('GET', '/api/outbox?limit=200');
  const msg = outbox.items.find((/** @type {any} */ m) => m.toAddress === email);
  if (!msg) throw new Error(`no invitation to ${email} in the outbox`);
  const detail = await admin.expect('GET', `/api/outbox/${msg.id}`);
  const token = /\/welcome#token=([A-Za-z0-9_-]+)/.exec(detail.bodyText)?.[1];
  if (!token) throw new Error('the invitation holds no set-up link');
  const anon = new ApiClient(server.url, server.origin);
  await anon.expect('POST', '/api/auth/password-link', { token, password });
}

/**
 * Signs in with a password and, for a role that must use two-factor
 * (administrator, coordinator) and has not enrolled yet, enrols TOTP, which
 * upgrades the session. Returns the client holding the complete session and
 * the TOTP secret (if enrolled here).
 *
 * @param {import('./server.mjs').ChildServer} server
 * @param {{ email: string, password: string }} credentials
 * @returns {Promise<{ client: ApiClient, totpSecret: string | undefined }>}
 */
export async function signInComplete(server, credentials) {
  const client = new ApiClient(server.url, server.origin);
  const signedIn = await client.expect('POST', '/api/auth/sign-in', credentials);
  if (signedIn.stage === 'full') return { client, totpSecret: undefined };
  if (signedIn.stage !== 'enrol') {
    throw new Error(`sign-in of ${credentials.email} gave stage ${signedIn.stage}`);
  }
  const { secret } = await client.expect('POST', '/api/auth/totp/setup');
  const before = client.cookie;
  const confirmed = await client.expect('POST', '/api/auth/totp/confirm', {
    code: await generate({ secret }),
  });
  if (confirmed.session?.stage !== 'full' || !client.cookie || client.cookie === before) {
    throw new Error(`TOTP confirmation did not upgrade the session of ${credentials.email}`);
  }
  return { client, totpSecret: secret };
}
