import type { z } from 'zod';
import type * as schemas from '../../../server/modules/contact-statistics/contact-statistics.schemas.js';
import { request, withQuery } from '../../api.js';
import { currentLanguage } from '../../i18n.js';

/*
 * The contact statistics' part of the API (the reporting organisation's own
 * report; the coordinator's rounds, reminders, reopening and the national
 * table) through src/web/api.ts's request, with types from the server's zod
 * schemas.
 */

export type Certainty = schemas.Certainty;
export type AgeGroup = schemas.AgeGroup;
export type ReportStatus = schemas.ReportStatus;
export type ReportView = z.infer<typeof schemas.reportView>;
export type MyReportsReply = z.infer<typeof schemas.myReportsReply>;
export type MyReportItem = MyReportsReply['items'][number];
export type SaveInput = z.input<typeof schemas.saveBody>;
export type FigureInput = z.input<typeof schemas.figure>;
export type Totals = z.input<typeof schemas.totals>;
export type RoundView = z.infer<typeof schemas.roundView>;
export type RoundList = z.infer<typeof schemas.roundListReply>;
export type RoundDetail = z.infer<typeof schemas.roundDetail>;
export type RoundOrganisation = RoundDetail['organisations'][number];
export type OpenInput = z.input<typeof schemas.openBody>;
export type RemindReply = z.infer<typeof schemas.remindReply>;
export type NationalVersion = schemas.NationalVersion;
export type NationalReply = z.infer<typeof schemas.nationalReply>;
export type SummaryTable = z.infer<typeof schemas.summaryTable>;
export type SummaryFigure = z.infer<typeof schemas.summaryFigure>;
export type ExportFormat = schemas.ExportFormat;

const enc = encodeURIComponent;
const round = (id: string) => `/api/contact-statistics/rounds/${enc(id)}`;

/** What the national table is asked for: a version, and for the publishable one a threshold. */
export interface NationalChoice {
  version: NationalVersion;
  /** Only with the publishable version; the server's default (11) when absent. */
  threshold?: number | undefined;
}

const nationalQuery = (c: NationalChoice) => ({
  version: c.version,
  threshold: c.version === 'publishable' ? c.threshold : undefined,
});

export const contactStatisticsApi = {
  // The reporting organisation.
  myReports: () => request<MyReportsReply>('GET', '/api/contact-statistics/reports'),
  myReport: (roundId: string) => request<ReportView>('GET', `${round(roundId)}/report`),
  saveReport: (roundId: string, body: SaveInput) =>
    request<ReportView>('PUT', `${round(roundId)}/report`, body),
  submitReport: (roundId: string, expectedVersion: number) =>
    request<ReportView>('POST', `${round(roundId)}/report/submit`, { expectedVersion }),
  // The coordinator.
  rounds: () => request<RoundList>('GET', '/api/contact-statistics/rounds'),
  round: (id: string) => request<RoundDetail>('GET', round(id)),
  openRound: (body: OpenInput) =>
    request<RoundDetail>('POST', '/api/contact-statistics/rounds', body),
  changeDeadline: (id: string, expectedVersion: number, deadline: string) =>
    request<RoundDetail>('PATCH', round(id), { expectedVersion, deadline }),
  remind: (id: string) => request<RemindReply>('POST', `${round(id)}/reminders`, {}),
  reopen: (id: string, organisationId: string) =>
    request<RoundDetail>('POST', `${round(id)}/reopen`, { organisationId }),
  national: (id: string, choice: NationalChoice) =>
    request<NationalReply>('GET', withQuery(`${round(id)}/national`, nationalQuery(choice))),
};

/** The national table as a file (a plain link, so the browser saves it). */
export const nationalDownload = (id: string, format: ExportFormat, choice: NationalChoice) =>
  withQuery(`${round(id)}/national/export`, {
    format,
    ...nationalQuery(choice),
    lang: currentLanguage(),
  });

/** Query keys: everything starts with 'contact-statistics', so one invalidation refreshes it all. */
export const contactStatisticsKeys = {
  all: ['contact-statistics'] as const,
  myReports: ['contact-statistics', 'my-reports'] as const,
  myReport: (roundId: string) => ['contact-statistics', 'my-report', roundId] as const,
  rounds: ['contact-statistics', 'rounds'] as const,
  round: (id: string) => ['contact-statistics', 'round', id] as const,
  national: (id: string, choice: NationalChoice) =>
    ['contact-statistics', 'national', id, choice.version, choice.threshold ?? 'default'] as const,
};
