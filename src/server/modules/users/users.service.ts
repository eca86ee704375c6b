import type { AppContext } from '../../core/context.js';
import type { Actor, Role } from '../../core/access.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { t, isLocale, type Locale } from '../../core/i18n.js';
import { ilike } from '../../core/db/dialect.js';
import type { Db, Tx } from '../../core/db/database.js';
import { prepared } from '../../core/db/prepared.js';
import { endAllSessions } from '../../core/auth/sessions.js';
import { createLinkToken, linkUrl, SETUP_TTL_MS } from '../auth/auth.service.js';
import type { UserView } from './users.schemas.js';
import { auditActor } from '../../core/audit.js';

/** User administration (admins only; the route permission says so, the service scopes nothing further). */

function baseQuery(ctx: AppContext) {
  return usersWithOrganisation(ctx.db);
}

function usersWithOrganisation(db: Db) {
  return db
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
      'users.disabled_at',
      'users.password_hash',
      'users.created_at',
      'organisations.name as organisation_name',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row): UserView {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    locale: isLocale(r.locale) ? r.locale : 'sv',
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    totpEnabled: r.totp_enabled_at !== null,
    disabled: r.disabled_at !== null,
    invited: r.password_hash === null,
    createdAt: r.created_at,
  };
}

export async function listUsers(
  ctx: AppContext,
  q: {
    q?: string | undefined;
    role?: Role | undefined;
    organisationId?: string | undefined;
    status?: 'active' | 'disabled' | 'invited' | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: UserView[]; total: number }> {
  let query = baseQuery(ctx);
  if (q.q) {
    const needle = q.q;
    query = query.where((eb) =>
      eb.or([
        ilike(ctx.dialect, eb.ref('users.name'), needle),
        ilike(ctx.dialect, eb.ref('users.email'), needle),
      ]),
    );
  }
  if (q.role) query = query.where('users.role', '=', q.role);
  if (q.organisationId) query = query.where('users.organisation_id', '=', q.organisationId);
  if (q.status === 'disabled') query = query.where('users.disabled_at', 'is not', null);
  if (q.status === 'active')
    query = query
      .where('users.disabled_at', 'is', null)
      .where('users.password_hash', 'is not', null);
  if (q.status === 'invited')
    query = query.where('users.disabled_at', 'is', null).where('users.password_hash', 'is', null);
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items: rows.map(toView), total: Number(total.n) };
}

// Opening an account is the audited read every user list leads to: built once (prepared.ts).
const userById = prepared((db: Db, v: { id: string }) =>
  usersWithOrganisation(db).where('users.id', '=', v.id),
);

export async function getUser(ctx: AppContext, id: string): Promise<UserView> {
  const row = await userById.executeTakeFirst(ctx.db, { id });
  if (!row) throw new AppError('not_found');
  return toView(row);
}

/** Opening one person's account (security state, organisation) is an audited read. */
export async function readUser(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<UserView> {
  const user = await getUser(ctx, id);
  await ctx.audit.record({
    ...auditActor(actor),
    action: 'user.read',
    objectType: 'user',
    objectId: id,
    requestId,
  });
  return user;
}

async function assertOrganisationExists(tx: Tx, organisationId: string): Promise<void> {
  const org = await tx
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError('validation', [{ path: 'organisationId', code: 'invalid_value' }]);
}

/** Mails a set-up link; the person chooses their own password (an admin never sees one). */
async function sendInvitation(
  ctx: AppContext,
  tx: Tx,
  user: { id: string; name: string; email: string; locale: Locale },
): Promise<void> {
  const token = await createLinkToken(ctx, tx, user.id, 'setup', SETUP_TTL_MS);
  await ctx.mail.enqueue(tx, {
    kind: 'auth.setup',
    to: user.email,
    subject: t(user.locale, 'mail.invite_subject'),
    text: t(user.locale, 'mail.invite_body', {
      name: user.name,
      link: linkUrl(ctx, 'welcome', token),
    }),
  });
}

export async function createUser(
  ctx: AppContext,
  actor: Actor,
  input: { email: string; name: string; role: Role; organisationId: string; locale: Locale },
  requestId: string,
): Promise<UserView> {
  const now = ctx.clock.now().toISOString();
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    await assertOrganisationExists(tx, input.organisationId);
    const taken = await tx
      .selectFrom('users')
      .select('id')
      .where('email', '=', input.email)
      .executeTakeFirst();
    if (taken) throw new AppError('email_taken', [{ path: 'email', code: 'invalid_value' }]);
    await tx
      .insertInto('users')
      .values({
        id,
        organisation_id: input.organisationId,
        email: input.email,
        name: input.name,
        role: input.role,
        locale: input.locale,
        password_hash: null,
        password_changed_at: null,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await sendInvitation(ctx, tx, {
      id,
      name: input.name,
      email: input.email,
      locale: input.locale,
    });
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'user.created',
      objectType: 'user',
      objectId: id,
      requestId,
    });
  });
  return getUser(ctx, id);
}

/** There must always be one active administrator who can sign in. */
async function assertNotLastAdmin(tx: Tx, userId: string): Promise<void> {
  const others = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    // An invited administrator who never set a password cannot sign in yet.
    .where('password_hash', 'is not', null)
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow();
  if (Number(others.n) === 0) throw new AppError('last_admin');
}

export async function updateUser(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: {
    name?: string | undefined;
    role?: Role | undefined;
    organisationId?: string | undefined;
    locale?: Locale | undefined;
  },
  requestId: string,
): Promise<UserView> {
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'role', 'organisation_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw new AppError('not_found');
    if (input.organisationId) await assertOrganisationExists(tx, input.organisationId);
    if (user.role === 'admin' && input.role && input.role !== 'admin')
      await assertNotLastAdmin(tx, id);
    await tx
      .updateTable('users')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.organisationId !== undefined ? { organisation_id: input.organisationId } : {}),
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    // A new role or organisation changes what the person may see: their sessions start over.
    const scopeChanged =
      (input.role !== undefined && input.role !== user.role) ||
      (input.organisationId !== undefined && input.organisationId !== user.organisation_id);
    if (scopeChanged) await endAllSessions(tx, id);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: scopeChanged ? 'user.access_changed' : 'user.updated',
      objectType: 'user',
      objectId: id,
      requestId,
    });
  });
  return getUser(ctx, id);
}

export async function setDisabled(
  ctx: AppContext,
  actor: Actor,
  id: string,
  disabled: boolean,
  requestId: string,
): Promise<UserView> {
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'role'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw new AppError('not_found');
    if (disabled && user.role === 'admin') await assertNotLastAdmin(tx, id);
    const now = ctx.clock.now().toISOString();
    await tx
      .updateTable('users')
      .set({ disabled_at: disabled ? now : null, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (disabled) await endAllSessions(tx, id);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: disabled ? 'user.disabled' : 'user.enabled',
      objectType: 'user',
      objectId: id,
      requestId,
    });
  });
  return getUser(ctx, id);
}

export async function endUserSessions(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    if (!user) throw new AppError('not_found');
    const ended = await endAllSessions(tx, id);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'user.sessions_ended',
      objectType: 'user',
      objectId: id,
      requestId,
    });
    return ended;
  });
}

export async function resendInvitation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'name', 'email', 'locale', 'password_hash', 'disabled_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw new AppError('not_found');
    if (user.password_hash || user.disabled_at) throw new AppError('conflict');
    await sendInvitation(ctx, tx, { ...user, locale: isLocale(user.locale) ? user.locale : 'sv' });
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'user.invitation_sent',
      objectType: 'user',
      objectId: id,
      requestId,
    });
  });
}

/** For a person who lost their authenticator: they enrol again at next sign-in. */
export async function resetTwoFactor(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<UserView> {
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    if (!user) throw new AppError('not_found');
    await tx
      .updateTable('users')
      .set({
        totp_enabled_at: null,
        totp_secret_enc: null,
        totp_last_step: null,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
    await endAllSessions(tx, id);
    await ctx.audit.append(tx, {
      ...auditActor(actor),
      action: 'user.two_factor_reset',
      objectType: 'user',
      objectId: id,
      requestId,
    });
  });
  return getUser(ctx, id);
}
