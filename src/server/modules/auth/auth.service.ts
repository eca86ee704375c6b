import type { AppContext } from '../../core/context.js';
import { prepared } from '../../core/db/prepared.js';
import { AppError } from '../../core/errors.js';
import { MFA_REQUIRED_ROLES, isRole, type Actor, type Role } from '../../core/access.js';
import { newId, newToken, sha256hex } from '../../core/ids.js';
import { t, isLocale, type Locale } from '../../core/i18n.js';
import {
  dummyPasswordHash,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from '../../core/auth/passwords.js';
import {
  createSession,
  endAllSessions,
  endSession,
  type SessionStage,
} from '../../core/auth/sessions.js';
import {
  accountKey,
  addressKey,
  clearAccount,
  isThrottled,
  recordFailure,
} from '../../core/auth/throttle.js';
import {
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  totpUri,
  verifyTotp,
} from '../../core/auth/totp.js';
import type { Db, Tx } from '../../core/db/database.js';
import { auditActor } from '../../core/audit.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  organisationId: string;
  organisationName: string;
  totpEnabled: boolean;
  mfaRequired: boolean;
}

export interface SessionInfo {
  stage: SessionStage;
  user: SessionUser;
}

const limits = (ctx: AppContext) => ({
  idleMs: ctx.config.sessionIdleMs,
  absoluteMs: ctx.config.sessionAbsoluteMs,
});

const RESET_TTL_MS = 30 * 60_000;
export const SETUP_TTL_MS = 72 * 60 * 60_000;
const MFA_MAX_FAILURES = 5;

// The web app asks for this on every page load: built once (prepared.ts).
const sessionUserById = prepared((db: Db, v: { id: string }) =>
  db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.locale',
      'users.organisation_id',
      'users.totp_enabled_at',
      'organisations.name as organisation_name',
    ])
    .where('users.id', '=', v.id),
);

export async function loadSessionUser(ctx: AppContext, userId: string): Promise<SessionUser> {
  const row = await sessionUserById.executeTakeFirst(ctx.db, { id: userId });
  if (!row || !isRole(row.role)) throw new AppError('unauthenticated');
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    locale: isLocale(row.locale) ? row.locale : 'sv',
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    totpEnabled: row.totp_enabled_at !== null,
    mfaRequired: MFA_REQUIRED_ROLES.has(row.role),
  };
}

export async function sessionInfo(ctx: AppContext, actor: Actor): Promise<SessionInfo> {
  return { stage: actor.stage, user: await loadSessionUser(ctx, actor.userId) };
}

/**
 * Password sign-in. Unknown accounts, wrong passwords and disabled accounts
 * get the same answer after the same Argon2id work; throttling is keyed by the
 * e-mail and the address, whether or not the account exists.
 */
export async function signIn(
  ctx: AppContext,
  input: { email: string; password: string },
  meta: { ip: string; requestId: string },
): Promise<{ token: string; info: SessionInfo }> {
  const now = ctx.clock.now();
  const acct = accountKey(input.email);
  const addr = addressKey(meta.ip);
  if (await isThrottled(ctx.db, [acct, addr], now)) {
    await ctx.audit.record({
      actorUserId: null,
      actorOrganisationId: null,
      action: 'auth.sign_in',
      requestId: meta.requestId,
      outcome: 'denied',
    });
    throw new AppError('too_many_attempts');
  }
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'organisation_id', 'role', 'password_hash', 'disabled_at', 'totp_enabled_at'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  const stored = user?.password_hash ?? (await dummyPasswordHash());
  const passwordOk = await verifyPassword(stored, input.password);
  if (!user || !user.password_hash || !passwordOk || user.disabled_at || !isRole(user.role)) {
    await recordFailure(
      ctx.db,
      [
        { key: acct, max: ctx.config.signInMaxPerAccount },
        { key: addr, max: ctx.config.signInMaxPerAddress },
      ],
      now,
      ctx.config.signInWindowMs,
    );
    await ctx.audit.record({
      actorUserId: user?.id ?? null,
      actorOrganisationId: user?.organisation_id ?? null,
      action: 'auth.sign_in',
      requestId: meta.requestId,
      outcome: 'failure',
    });
    throw new AppError('invalid_credentials');
  }
  await clearAccount(ctx.db, acct);
  const stage: SessionStage = user.totp_enabled_at
    ? 'mfa'
    : MFA_REQUIRED_ROLES.has(user.role)
      ? 'enrol'
      : 'full';
  const session = await ctx.db.transaction().execute(async (tx) => {
    const s = await createSession(tx, user.id, stage, now, limits(ctx));
    await ctx.audit.append(tx, {
      actorUserId: user.id,
      actorOrganisationId: user.organisation_id,
      action: stage === 'full' ? 'auth.sign_in' : 'auth.password_verified',
      objectType: 'user',
      objectId: user.id,
      requestId: meta.requestId,
    });
    return s;
  });
  return { token: session.token, info: { stage, user: await loadSessionUser(ctx, user.id) } };
}

/** Replaces a partial session with a complete one under a new token. */
async function upgradeSession(ctx: AppContext, tx: Tx, actor: Actor): Promise<string> {
  await endSession(tx, actor.sessionId);
  const s = await createSession(tx, actor.userId, 'full', ctx.clock.now(), limits(ctx));
  return s.token;
}

/** Second step of sign-in: a TOTP code, or one of the recovery codes. */
export async function verifySecondFactor(
  ctx: AppContext,
  actor: Actor,
  input: { code?: string | undefined; recoveryCode?: string | undefined },
  requestId: string,
): Promise<{ token: string; info: SessionInfo }> {
  if (actor.stage !== 'mfa') throw new AppError('bad_request');
  const now = ctx.clock.now();
  const key = `mfa:${actor.userId}`;
  if (await isThrottled(ctx.db, [key], now)) throw new AppError('too_many_attempts');
  const user = await ctx.db
    .selectFrom('users')
    .select(['totp_secret_enc', 'totp_last_step'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();

  const token = await ctx.db.transaction().execute(async (tx) => {
    let accepted = false;
    let method = 'totp';
    if (input.code && user.totp_secret_enc) {
      const step = await verifyTotp(
        ctx.crypto.decrypt(user.totp_secret_enc),
        input.code,
        now,
        user.totp_last_step,
      );
      if (step !== null) {
        accepted = true;
        await tx
          .updateTable('users')
          .set({ totp_last_step: step })
          .where('id', '=', actor.userId)
          .execute();
      }
    } else if (input.recoveryCode) {
      method = 'recovery_code';
      const hash = sha256hex(normaliseRecoveryCode(input.recoveryCode));
      const used = await tx
        .updateTable('recovery_codes')
        .set({ used_at: now.toISOString() })
        .where('user_id', '=', actor.userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      accepted = Number(used.numUpdatedRows) === 1;
    }
    if (!accepted) return null;
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: method === 'totp' ? 'auth.sign_in' : 'auth.sign_in_recovery_code',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
    return upgradeSession(ctx, tx, actor);
  });
  if (!token) {
    await recordFailure(ctx.db, [{ key, max: MFA_MAX_FAILURES }], now, ctx.config.signInWindowMs);
    await ctx.audit.record({
      ...auditActor(actor),
      action: 'auth.second_factor',
      requestId,
      outcome: 'failure',
    });
    throw new AppError('invalid_code');
  }
  await clearAccount(ctx.db, key);
  return { token, info: { stage: 'full', user: await loadSessionUser(ctx, actor.userId) } };
}

/** Starts (or restarts) TOTP enrolment: a new secret, not active until a code from it is confirmed. */
export async function beginTotpEnrolment(
  ctx: AppContext,
  actor: Actor,
  requestId: string,
): Promise<{ secret: string; uri: string }> {
  if (actor.stage === 'mfa') throw new AppError('mfa_required');
  const user = await ctx.db
    .selectFrom('users')
    .select(['email', 'totp_enabled_at'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (user.totp_enabled_at) throw new AppError('conflict');
  const secret = newTotpSecret();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        totp_secret_enc: ctx.crypto.encrypt(secret),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', actor.userId)
      .execute();
    // Every write is audited, a pending (not yet confirmed) secret included.
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'auth.totp_setup_started',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
  });
  return { secret, uri: totpUri(secret, user.email) };
}

/** Confirms enrolment with a code from the app; returns the recovery codes, shown this once. */
export async function confirmTotpEnrolment(
  ctx: AppContext,
  actor: Actor,
  code: string,
  requestId: string,
): Promise<{ recoveryCodes: string[]; token: string | undefined; info: SessionInfo }> {
  if (actor.stage === 'mfa') throw new AppError('mfa_required');
  const now = ctx.clock.now();
  const user = await ctx.db
    .selectFrom('users')
    .select(['totp_secret_enc', 'totp_enabled_at'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (user.totp_enabled_at || !user.totp_secret_enc) throw new AppError('conflict');
  const step = await verifyTotp(ctx.crypto.decrypt(user.totp_secret_enc), code, now, null);
  if (step === null) throw new AppError('invalid_code');
  const codes = newRecoveryCodes();
  const token = await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        totp_enabled_at: now.toISOString(),
        totp_last_step: step,
        updated_at: now.toISOString(),
      })
      .where('id', '=', actor.userId)
      .execute();
    await replaceRecoveryCodes(tx, actor.userId, codes, now);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'auth.totp_enabled',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
    return actor.stage === 'enrol' ? upgradeSession(ctx, tx, actor) : undefined;
  });
  return {
    recoveryCodes: codes,
    token,
    info: { stage: 'full', user: await loadSessionUser(ctx, actor.userId) },
  };
}

async function replaceRecoveryCodes(
  tx: Tx,
  userId: string,
  codes: string[],
  now: Date,
): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('recovery_codes')
    .values(
      codes.map((c) => ({
        id: newId(),
        user_id: userId,
        code_hash: sha256hex(normaliseRecoveryCode(c)),
        used_at: null,
        created_at: now.toISOString(),
      })),
    )
    .execute();
}

async function requireCurrentPassword(
  ctx: AppContext,
  userId: string,
  password: string,
): Promise<void> {
  const user = await ctx.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(user.password_hash, password))) {
    throw new AppError('validation', [{ path: 'currentPassword', code: 'invalid' }]);
  }
}

export async function regenerateRecoveryCodes(
  ctx: AppContext,
  actor: Actor,
  currentPassword: string,
  requestId: string,
): Promise<string[]> {
  await requireCurrentPassword(ctx, actor.userId, currentPassword);
  const user = await ctx.db
    .selectFrom('users')
    .select('totp_enabled_at')
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (!user.totp_enabled_at) throw new AppError('conflict');
  const codes = newRecoveryCodes();
  await ctx.db.transaction().execute(async (tx) => {
    await replaceRecoveryCodes(tx, actor.userId, codes, ctx.clock.now());
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'auth.recovery_codes_regenerated',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
  });
  return codes;
}

/** Turning two-factor off is for roles that do not require it. */
export async function disableTotp(
  ctx: AppContext,
  actor: Actor,
  currentPassword: string,
  requestId: string,
): Promise<void> {
  if (MFA_REQUIRED_ROLES.has(actor.role)) throw new AppError('forbidden');
  await requireCurrentPassword(ctx, actor.userId, currentPassword);
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        totp_enabled_at: null,
        totp_secret_enc: null,
        totp_last_step: null,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', actor.userId)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', actor.userId).execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'auth.totp_disabled',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
  });
}

export async function signOut(
  ctx: AppContext,
  actor: Actor,
  everywhere: boolean,
  requestId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    if (everywhere) await endAllSessions(tx, actor.userId);
    else await endSession(tx, actor.sessionId);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
  });
}

/** Creates a one-time link token (password reset or account set-up); only its hash is stored. */
export async function createLinkToken(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  purpose: 'reset' | 'setup',
  ttlMs: number,
): Promise<string> {
  const now = ctx.clock.now();
  const token = newToken();
  // A new link replaces older unused ones of the same purpose.
  await tx
    .updateTable('one_time_tokens')
    .set({ used_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await tx
    .insertInto('one_time_tokens')
    .values({
      id: sha256hex(token),
      user_id: userId,
      purpose,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** The token travels in the URL fragment, which browsers never send to a server or log. */
export const linkUrl = (
  ctx: AppContext,
  page: 'reset-password' | 'welcome',
  token: string,
): string => `${ctx.config.publicUrl}/${page}#token=${token}`;

/** Always answers the same; mails a link only when an active account has that address. */
export async function requestPasswordReset(
  ctx: AppContext,
  email: string,
  meta: { ip: string; requestId: string },
): Promise<void> {
  const now = ctx.clock.now();
  const key = `reset:${addressKey(meta.ip)}`;
  if (await isThrottled(ctx.db, [key, accountKey(`reset:${email}`)], now)) return;
  await recordFailure(
    ctx.db,
    [
      { key, max: 20 },
      { key: accountKey(`reset:${email}`), max: 3 },
    ],
    now,
    ctx.config.signInWindowMs,
  );
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'locale', 'organisation_id', 'disabled_at', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user || user.disabled_at) return;
  await ctx.db.transaction().execute(async (tx) => {
    const purpose = user.password_hash ? 'reset' : 'setup';
    const token = await createLinkToken(
      ctx,
      tx,
      user.id,
      purpose,
      purpose === 'reset' ? RESET_TTL_MS : SETUP_TTL_MS,
    );
    const loc: Locale = isLocale(user.locale) ? user.locale : 'sv';
    const link = linkUrl(ctx, purpose === 'reset' ? 'reset-password' : 'welcome', token);
    await ctx.mail.enqueue(tx, {
      kind: `auth.${purpose}`,
      to: user.email,
      subject: t(loc, purpose === 'reset' ? 'mail.reset_subject' : 'mail.invite_subject'),
      text: t(loc, purpose === 'reset' ? 'mail.reset_body' : 'mail.invite_body', {
        name: user.name,
        link,
      }),
    });
    await ctx.audit.append(tx, {
      actorUserId: null,
      actorOrganisationId: null,
      action: 'auth.password_reset_requested',
      objectType: 'user',
      objectId: user.id,
      requestId: meta.requestId,
    });
  });
}

/**
 * Sets a password from an e-mailed link (reset or first set-up). Ends every
 * session; the person then signs in as usual, second factor included.
 */
export async function completePasswordLink(
  ctx: AppContext,
  input: { token: string; password: string },
  requestId: string,
): Promise<void> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom('one_time_tokens')
    .innerJoin('users', 'users.id', 'one_time_tokens.user_id')
    .select([
      'one_time_tokens.id',
      'one_time_tokens.expires_at',
      'one_time_tokens.used_at',
      'users.id as user_id',
      'users.email',
      'users.organisation_id',
      'users.disabled_at',
    ])
    .where('one_time_tokens.id', '=', sha256hex(input.token))
    .executeTakeFirst();
  if (!row || row.used_at || row.disabled_at || row.expires_at <= now.toISOString())
    throw new AppError('invalid_token');
  const problems = passwordProblems(input.password, row.email);
  if (problems.length > 0) throw new AppError('validation', problems);
  const hash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('one_time_tokens')
      .set({ used_at: now.toISOString() })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('invalid_token');
    await tx
      .updateTable('users')
      .set({
        password_hash: hash,
        password_changed_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .where('id', '=', row.user_id)
      .execute();
    await endAllSessions(tx, row.user_id);
    await ctx.audit.append(tx, {
      actorUserId: row.user_id,
      actorOrganisationId: row.organisation_id,
      action: 'auth.password_set',
      objectType: 'user',
      objectId: row.user_id,
      requestId,
    });
  });
}

/** Changing one's password ends every other session. */
export async function changePassword(
  ctx: AppContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  requestId: string,
): Promise<string> {
  await requireCurrentPassword(ctx, actor.userId, input.currentPassword);
  const user = await ctx.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  const problems = passwordProblems(input.newPassword, user.email).map((p) => ({
    ...p,
    path: 'newPassword',
  }));
  if (problems.length > 0) throw new AppError('validation', problems);
  const hash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        password_hash: hash,
        password_changed_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .where('id', '=', actor.userId)
      .execute();
    await endAllSessions(tx, actor.userId);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'auth.password_changed',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
    const s = await createSession(tx, actor.userId, 'full', now, limits(ctx));
    return s.token;
  });
}

export async function updateProfile(
  ctx: AppContext,
  actor: Actor,
  input: { locale?: Locale | undefined; name?: string | undefined },
  requestId: string,
): Promise<SessionInfo> {
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        ...(input.locale ? { locale: input.locale } : {}),
        ...(input.name ? { name: input.name } : {}),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', actor.userId)
      .execute();
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'user.profile_updated',
      objectType: 'user',
      objectId: actor.userId,
      requestId,
    });
  });
  return sessionInfo(ctx, actor);
}
