import type { AppContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { createLinkToken, linkUrl, SETUP_TTL_MS } from '../auth/auth.service.js';

/**
 * The first administrator. On an empty database Slussa creates the platform's
 * own organisation and an administrator without a password, and returns a
 * one-time set-up link (printed once to the console by the caller).
 */
export async function ensureFirstAdmin(
  ctx: AppContext,
  email: string,
): Promise<string | undefined> {
  const any = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return undefined;
  return createAdminWithLink(ctx, { email, name: 'Administratör', organisationName: 'Slussa' });
}

/** Creates an administrator (and, if needed, the organisation) and returns a set-up link. */
export async function createAdminWithLink(
  ctx: AppContext,
  input: { email: string; name: string; organisationName: string },
): Promise<string> {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (tx) => {
    let org = await tx
      .selectFrom('organisations')
      .select('id')
      .where('name', '=', input.organisationName)
      .executeTakeFirst();
    if (!org) {
      org = { id: newId() };
      await tx
        .insertInto('organisations')
        .values({
          id: org.id,
          name: input.organisationName,
          type: 'other',
          county: 'national',
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    let user = await tx
      .selectFrom('users')
      .select(['id', 'role'])
      .where('email', '=', input.email)
      .executeTakeFirst();
    if (!user) {
      user = { id: newId(), role: 'admin' };
      await tx
        .insertInto('users')
        .values({
          id: user.id,
          organisation_id: org.id,
          email: input.email,
          name: input.name,
          role: 'admin',
          locale: 'sv',
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
    } else if (user.role !== 'admin') {
      throw new Error(`${input.email} exists and is not an administrator`);
    }
    const token = await createLinkToken(ctx, tx, user.id, 'setup', SETUP_TTL_MS);
    await ctx.audit.append(tx, {
      actorUserId: null,
      actorOrganisationId: null,
      action: 'user.admin_created',
      objectType: 'user',
      objectId: user.id,
    });
    return linkUrl(ctx, 'welcome', token);
  });
}
