import { z } from 'zod';
import { listQuery as organisationQuery } from '../organisations/organisations.schemas.js';
import { listQuery as contactQuery } from '../contacts/contacts.schemas.js';

export const importKind = z.enum(['organisations', 'contacts']);
export type ImportKind = z.infer<typeof importKind>;

export const importParams = z.strictObject({ kind: importKind });
export const importQuery = z.strictObject({
  mode: z.enum(['preview', 'commit']).default('preview'),
});

export const rowProblem = z.object({
  /** Line in the file (the heading is line 1). */
  line: z.number().int(),
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export type RowProblem = z.infer<typeof rowProblem>;

export const importReply = z.object({
  mode: z.enum(['preview', 'commit']),
  rows: z.number().int(),
  problems: z.array(rowProblem),
  /** Rows stored (commit only; 0 when anything was wrong: all or nothing). */
  created: z.number().int(),
  /** The first rows as they will be stored, for the preview. */
  sample: z.array(z.record(z.string(), z.string())),
});

const format = z.enum(['csv', 'xlsx']).default('csv');
export const organisationExportQuery = organisationQuery
  .omit({ limit: true, offset: true })
  .extend({ format });
export const contactExportQuery = contactQuery
  .omit({ limit: true, offset: true })
  .extend({ format });
export const templateParams = z.strictObject({ kind: importKind });
