import type { SessionInfo } from '../../api.js';
import { hasPermission } from '../../reference.js';

/*
 * Object-level rules as the server applies them (src/server/core/access.ts):
 * the coordinator and administrators work across organisations; everyone
 * else edits and sees the internal records of their own organisation only.
 */

export function worksAcrossOrganisations(session: SessionInfo): boolean {
  return session.user.role === 'admin' || session.user.role === 'coordinator';
}

/** Conditions, history and documents of a certification; colleagues. */
export function maySeeOrganisationRecords(session: SessionInfo, organisationId: string): boolean {
  return worksAcrossOrganisations(session) || session.user.organisationId === organisationId;
}

/** The profile and the contact persons of an organisation. */
export function mayEditOrganisation(session: SessionInfo, organisationId: string): boolean {
  return (
    hasPermission(session.user.role, 'organisations.edit') &&
    maySeeOrganisationRecords(session, organisationId)
  );
}
