import type { z } from 'zod';
import type * as schemas from '../../../server/modules/reports/reports.schemas.js';
import { request, withQuery } from '../../api.js';
import { currentLanguage } from '../../i18n.js';

/*
 * The period report's part of the API, with types from the server's zod
 * schemas. The query carries only the range, the version, the threshold and
 * the page of decision notes: nothing personal goes into an address.
 */

export type PeriodReport = z.infer<typeof schemas.periodReportReply>;
export type ReportVersion = PeriodReport['version'];
export type ReportFigure = z.infer<typeof schemas.figure>;
export type OneWayTable = z.infer<typeof schemas.oneWayTable>;
export type TwoWayTable = z.infer<typeof schemas.twoWayTable>;
export type TextRef = z.infer<typeof schemas.textRef>;
export type DecisionNote = z.infer<typeof schemas.decisionNote>;
export type NotesPaging = z.infer<typeof schemas.notesPaging>;
export type PeriodFunds = z.infer<typeof schemas.periodFunds>;
export type PostFunds = z.infer<typeof schemas.postFunds>;
export type ExportFormat = (typeof schemas.EXPORT_FORMATS)[number];

/** What the report is asked for, as the address keeps it (the threshold as typed). */
export interface ReportChoice {
  from: string;
  to: string;
  version: ReportVersion;
  /** Publishable only; left out: the server's default. */
  threshold?: string | undefined;
}

function query(choice: ReportChoice): Record<string, string | undefined> {
  return {
    from: choice.from,
    to: choice.to,
    version: choice.version,
    threshold: choice.version === 'publishable' ? choice.threshold : undefined,
  };
}

export const reportsApi = {
  /** The report with one page of decision notes (internal version; the server's page size). */
  period: (choice: ReportChoice, notesPage: number) =>
    request<PeriodReport>(
      'GET',
      withQuery('/api/reports/period', {
        ...query(choice),
        notesPage: choice.version === 'internal' && notesPage > 1 ? String(notesPage) : undefined,
      }),
    ),
};

/** The report as a file (a plain link, so the browser saves it with the session): every decision note. */
export const periodDownload = (choice: ReportChoice, format: ExportFormat) =>
  withQuery('/api/reports/period/export', { ...query(choice), format, lang: currentLanguage() });

export const reportsKeys = {
  all: ['reports'] as const,
  period: (choice: ReportChoice, notesPage: number) =>
    [
      'reports',
      'period',
      choice.from,
      choice.to,
      choice.version,
      choice.version === 'publishable' ? (choice.threshold ?? '') : '',
      // Last, so that the page can tell another page of the same report (PeriodReportPage).
      choice.version === 'internal' ? notesPage : 1,
    ] as const,
};
