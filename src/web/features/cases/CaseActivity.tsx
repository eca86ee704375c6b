import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, ApiError, downloads, type CaseView, type TimelineEntry } from '../../api.js';
import { formatDateTime } from '../../reference.js';
import { Section } from '../../components/Page.js';
import { EmptyState, FormError, Notice } from '../../components/Alerts.js';
import { fieldErrors, TextAreaField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { OutcomeBadge } from '../programme/ProgrammeParts.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';
import { caseKey } from './CaseSections.js';

/** The largest attachment the server accepts (10 MB). */
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const ATTACHMENT_TYPES =
  '.pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods,application/pdf,image/png,image/jpeg';

/** What happened, in one line: the kind of entry with its application, outcome or file. */
function EntrySummary({ c, e }: { c: CaseView; e: TimelineEntry }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const type = vocab.typeName(e.applicationType);
  const application = e.applicationId ? (
    <Link to={`/applications/${e.applicationId}`}>{type || t('web.timeline.theApplication')}</Link>
  ) : (
    type
  );
  switch (e.kind) {
    case 'created':
      return <>{t('web.timeline.created', { code: c.code })}</>;
    case 'application':
      return (
        <>
          {t('web.timeline.application')}: {application}
        </>
      );
    case 'decision':
      return (
        <>
          {t('web.timeline.decision')}: {application}{' '}
          {e.outcome ? <OutcomeBadge outcome={e.outcome} /> : null}
        </>
      );
    case 'information_request':
      return (
        <>
          {t('web.timeline.informationRequest')}: {application}
        </>
      );
    case 'answer':
      return (
        <>
          {t('web.timeline.answer')}: {application}
        </>
      );
    case 'approval':
      return (
        <>
          {e.outcome === 'rejected'
            ? t('web.timeline.approvalRejected')
            : t('web.timeline.approval')}
          : {application}
        </>
      );
    case 'note':
      return <>{t('web.timeline.note')}</>;
    case 'attachment':
      return (
        <>
          {t('web.timeline.attachment')}:{' '}
          {e.attachmentId ? (
            <a href={downloads.caseAttachment(c.id, e.attachmentId)} download={e.fileName ?? true}>
              {e.fileName ?? e.attachmentId}
            </a>
          ) : (
            e.fileName
          )}
        </>
      );
    case 'ownership':
      return (
        <>
          {t('web.timeline.ownership', {
            from: e.fromOrganisationName ?? '–',
            to: e.toOrganisationName ?? '–',
          })}
        </>
      );
  }
}

/** Everything that happened in the case, oldest first. */
export function Timeline({ c }: { c: CaseView }) {
  const t = useT();
  return (
    <Section title={t('web.timeline.heading')}>
      {c.timeline.length === 0 ? (
        <EmptyState>{t('web.timeline.empty')}</EmptyState>
      ) : (
        <ol className="timeline">
          {c.timeline.map((e) => (
            <li key={e.key}>
              <p className="timeline-meta">
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                {e.byName ? ` · ${e.byName}` : ''}
              </p>
              <p className="timeline-what">
                <EntrySummary c={c} e={e} />
              </p>
              {e.text ? <p className="about timeline-text">{e.text}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

/** A note in the case (stored encrypted; read by whoever may read the case). */
export function NoteForm({ c }: { c: CaseView }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [done, setDone] = useState(false);
  const add = useMutation({
    mutationFn: (body: string) => api.addCaseNote(c.id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: caseKey(c.id) });
      setText('');
      setDone(true);
    },
  });
  const errors = fieldErrors(add.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(false);
    add.mutate(text);
  };
  return (
    <Section title={t('web.cases.notes.heading')}>
      {done ? <Notice>{t('web.cases.notes.added')}</Notice> : null}
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={add.error} fields={['text']} />
        <TextAreaField
          label={t('web.cases.notes.label')}
          hint={t('web.cases.notes.hint')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={10_000}
          required
          error={errors.text}
        />
        <div className="button-row">
          <button type="submit" className="button-secondary" disabled={add.isPending}>
            {t('web.cases.notes.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** The case's files: download for every reader, upload for the owning organisation. */
export function Attachments({ c }: { c: CaseView }) {
  const t = useT();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const files = c.timeline.filter((e) => e.kind === 'attachment' && e.attachmentId);
  const upload = useMutation({
    mutationFn: (file: File) => api.uploadCaseAttachment(c.id, file),
    onSuccess: (_r, file) => {
      void queryClient.invalidateQueries({ queryKey: caseKey(c.id) });
      if (fileRef.current) fileRef.current.value = '';
      setDone(t('web.cases.attachments.uploaded', { name: file.name }));
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(null);
    setLocalError(null);
    upload.reset();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setLocalError(t('web.cases.attachments.chooseFile'));
      return;
    }
    if (file.size > MAX_ATTACHMENT_BYTES) {
      setLocalError(t('web.cases.attachments.tooLarge'));
      return;
    }
    upload.mutate(file);
  };
  const fileError =
    localError ??
    (upload.error instanceof ApiError
      ? (upload.error.fields[0]?.message ?? upload.error.message)
      : undefined);

  return (
    <Section title={t('web.cases.attachments.heading')}>
      <Notice>{done}</Notice>
      {files.length === 0 ? (
        <EmptyState>{t('web.cases.attachments.empty')}</EmptyState>
      ) : (
        <TableWrap label={t('web.cases.attachments.caption', { code: c.code })}>
          <table>
            <caption>{t('web.cases.attachments.caption', { code: c.code })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.cases.attachments.file')}</th>
                <th scope="col">{t('web.cases.attachments.uploadedAt')}</th>
                <th scope="col">{t('web.cases.attachments.by')}</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.key}>
                  <td>
                    <a
                      href={downloads.caseAttachment(c.id, f.attachmentId ?? '')}
                      download={f.fileName ?? true}
                    >
                      {f.fileName ?? f.attachmentId}
                    </a>
                  </td>
                  <td className="nowrap">{formatDateTime(f.at)}</td>
                  <td>{f.byName ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {c.mayEdit ? (
        <form className="form upload-form" noValidate onSubmit={submit}>
          <div className={fileError ? 'field field-invalid' : 'field'}>
            <label htmlFor="case-attachment">{t('web.cases.attachments.choose')}</label>
            <p id="case-attachment-hint" className="hint">
              {t('web.cases.attachments.hint')}
            </p>
            {fileError ? (
              <p id="case-attachment-error" className="field-error">
                {fileError}
              </p>
            ) : null}
            <input
              ref={fileRef}
              id="case-attachment"
              type="file"
              accept={ATTACHMENT_TYPES}
              aria-invalid={fileError ? true : undefined}
              aria-describedby={
                fileError ? 'case-attachment-hint case-attachment-error' : 'case-attachment-hint'
              }
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button-secondary" disabled={upload.isPending}>
              {upload.isPending
                ? t('web.cases.attachments.uploading')
                : t('web.cases.attachments.upload')}
            </button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}
