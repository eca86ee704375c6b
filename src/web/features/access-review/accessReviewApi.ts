import type { z } from 'zod';
import type * as schemas from '../../../server/modules/access-review/access-review.schemas.js';
import { request, withQuery } from '../../api.js';
import { currentLanguage } from '../../i18n.js';

/*
 * The access review's part of the API, typed from the server's zod schemas.
 * The address carries dates, ids, a case code (a pseudonym) and the rules:
 * nothing about a person.
 */

export type ReadsReply = z.infer<typeof schemas.readsReply>;
export type ReadView = z.infer<typeof schemas.readView>;
export type PatternsReply = z.infer<typeof schemas.patternsReply>;
export type ReadKind = (typeof schemas.READ_KINDS)[number];
export type ExportFormat = (typeof schemas.EXPORT_FORMATS)[number];

export const READ_KINDS: readonly ReadKind[] = [
  'case',
  'identity_note',
  'attachment',
  'application',
];

type Query = Record<string, string | undefined>;

export interface ReadsChoice extends Query {
  from?: string;
  to?: string;
  userId?: string;
  organisationId?: string;
  caseCode?: string;
  kind?: string;
  page?: string;
}

export interface PatternsChoice extends Query {
  from?: string;
  to?: string;
  threshold?: string;
  startHour?: string;
  endHour?: string;
}

export const accessReviewApi = {
  reads: (q: ReadsChoice) => request<ReadsReply>('GET', withQuery('/api/access-review/reads', q)),
  patterns: (q: PatternsChoice) =>
    request<PatternsReply>('GET', withQuery('/api/access-review/patterns', q)),
};

/** The files are plain links, so the browser saves them with the session cookie. */
export const readsDownload = (q: ReadsChoice, format: ExportFormat) =>
  withQuery('/api/access-review/reads/export', {
    ...q,
    page: undefined,
    format,
    lang: currentLanguage(),
  });
export const patternsDownload = (q: PatternsChoice, format: ExportFormat) =>
  withQuery('/api/access-review/patterns/export', { ...q, format, lang: currentLanguage() });
