import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import {
  api,
  ApiError,
  downloads,
  type CertificationDetail,
  type CertificationInput,
  type CertificationStatus,
  type OrganisationView,
  type SessionInfo,
} from '../../api.js';
import {
  formatBytes,
  formatDate,
  formatDateTime,
  formValue,
  formValueOrNull,
  hasPermission,
  useVocabulary,
} from '../../reference.js';
import { Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import {
  CheckboxGroup,
  fieldErrors,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/Fields.js';
import { useServices } from '../services/useServices.js';
import { mayEditOrganisation, maySeeOrganisationRecords } from '../organisations/access.js';
import { TableWrap } from '../../components/TableWrap.js';

/** The largest document the server accepts (10 MB). */
const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const DOCUMENT_TYPES =
  '.pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods,application/pdf,image/png,image/jpeg';

export const certificationKey = (organisationId: string) =>
  ['certification', organisationId] as const;

function Period({ from, to }: { from: string | null; to: string | null }) {
  if (!from && !to) return <>–</>;
  return (
    <>
      {from ? formatDate(from) : '…'} – {to ? formatDate(to) : '…'}
    </>
  );
}

const FORM_FIELDS = [
  'status',
  'certifiedFrom',
  'certifiedTo',
  'reviewDate',
  'services',
  'conditions',
  'reason',
] as const;

/** The coordinator's form; the version seen is sent along, so a concurrent change is refused. */
function CertificationForm({
  organisation,
  detail,
  pending,
  error,
  onSubmit,
}: {
  organisation: OrganisationView;
  detail: CertificationDetail;
  pending: boolean;
  error: unknown;
  onSubmit: (v: CertificationInput) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const errors = fieldErrors(error);
  const current = detail.certification;
  const [chosen, setChosen] = useState<string[]>(current?.services ?? organisation.services);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    onSubmit({
      status: formValue(data, 'status') as CertificationStatus,
      certifiedFrom: formValueOrNull(data, 'certifiedFrom'),
      certifiedTo: formValueOrNull(data, 'certifiedTo'),
      reviewDate: formValueOrNull(data, 'reviewDate'),
      conditions: formValue(data, 'conditions'),
      services: chosen,
      reason: formValue(data, 'reason'),
      expectedVersion: current?.version ?? 0,
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError error={error} fields={FORM_FIELDS} />
      <SelectField
        label={t('web.certification.fields.status')}
        name="status"
        options={vocab.certificationStatusOptions}
        emptyLabel={current ? undefined : t('web.common.choose')}
        defaultValue={current?.status ?? ''}
        required
        error={errors.status}
      />
      <div className="field-pair">
        <TextField
          label={t('web.certification.fields.certifiedFrom')}
          name="certifiedFrom"
          type="date"
          defaultValue={current?.certifiedFrom ?? ''}
          error={errors.certifiedFrom}
        />
        <TextField
          label={t('web.certification.fields.certifiedTo')}
          name="certifiedTo"
          type="date"
          defaultValue={current?.certifiedTo ?? ''}
          error={errors.certifiedTo}
        />
      </div>
      <TextField
        label={t('web.certification.fields.reviewDate')}
        name="reviewDate"
        type="date"
        defaultValue={current?.reviewDate ?? ''}
        error={errors.reviewDate}
      />
      <CheckboxGroup
        legend={t('web.certification.fields.services')}
        hint={t('web.certification.form.servicesHint')}
        options={services.options(chosen)}
        value={chosen}
        onChange={setChosen}
        error={errors.services}
      />
      <TextAreaField
        label={t('web.certification.fields.conditions')}
        name="conditions"
        maxLength={2000}
        defaultValue={current?.conditions ?? ''}
        error={errors.conditions}
      />
      <TextAreaField
        label={t('web.certification.fields.reason')}
        hint={t('web.certification.form.reasonHint')}
        name="reason"
        maxLength={500}
        rows={2}
        required
        error={errors.reason}
      />
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {t('web.certification.form.submit')}
        </button>
      </div>
    </form>
  );
}

function History({ history }: { history: CertificationDetail['history'] }) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  if (history.length === 0) return <EmptyState>{t('web.certification.noHistory')}</EmptyState>;
  return (
    <TableWrap label={t('web.certification.historyCaption')}>
      <table>
        <caption>{t('web.certification.historyCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.certification.fields.at')}</th>
            <th scope="col">{t('web.certification.fields.by')}</th>
            <th scope="col">{t('web.certification.fields.status')}</th>
            <th scope="col">{t('web.certification.fields.period')}</th>
            <th scope="col">{t('web.certification.fields.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.version}>
              <td className="nowrap">{formatDateTime(h.at)}</td>
              <td>{h.actorName ?? '–'}</td>
              <td>
                {vocab.certificationStatus(h.status)}
                {h.services.length > 0 ? (
                  <>
                    <br />
                    <span className="muted">{h.services.map(services.name).join(', ')}</span>
                  </>
                ) : null}
              </td>
              <td>
                <Period from={h.certifiedFrom} to={h.certifiedTo} />
              </td>
              <td>
                {h.reason}
                {h.conditions ? (
                  <>
                    <br />
                    <span className="muted">
                      {t('web.certification.fields.conditions')}: {h.conditions}
                    </span>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Documents({
  organisation,
  documents,
  canEdit,
}: {
  organisation: OrganisationView;
  documents: CertificationDetail['documents'];
  canEdit: boolean;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [removing, setRemoving] = useState<{ id: string; fileName: string } | null>(null);
  const reload = () =>
    void queryClient.invalidateQueries({ queryKey: certificationKey(organisation.id) });

  const upload = useMutation({
    mutationFn: (file: File) => api.uploadDocument(organisation.id, file),
    onSuccess: (_r, file) => {
      reload();
      if (fileRef.current) fileRef.current.value = '';
      setDone(t('web.certification.documents.uploaded', { name: file.name }));
    },
  });
  const remove = useMutation({
    mutationFn: (documentId: string) => api.removeDocument(organisation.id, documentId),
    onSuccess: () => {
      reload();
      setDone(t('web.certification.documents.removed', { name: removing?.fileName ?? '' }));
      setRemoving(null);
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(null);
    setLocalError(null);
    upload.reset();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setLocalError(t('web.certification.documents.chooseFile'));
      return;
    }
    if (file.size > MAX_DOCUMENT_BYTES) {
      setLocalError(t('web.certification.documents.tooLarge'));
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
    <>
      <h3>{t('web.certification.documents.heading')}</h3>
      <Notice>{done}</Notice>
      {documents.length === 0 ? (
        <EmptyState>{t('web.certification.documents.empty')}</EmptyState>
      ) : (
        <TableWrap label={t('web.certification.documents.caption', { name: organisation.name })}>
          <table>
            <caption>
              {t('web.certification.documents.caption', { name: organisation.name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('web.certification.documents.file')}</th>
                <th scope="col" className="numeric">
                  {t('web.certification.documents.size')}
                </th>
                <th scope="col">{t('web.certification.documents.uploadedAt')}</th>
                {canEdit ? (
                  <th scope="col">
                    <span className="visually-hidden">{t('web.common.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={downloads.document(organisation.id, d.id)} download={d.fileName}>
                      {d.fileName}
                    </a>
                  </td>
                  <td className="numeric nowrap">{formatBytes(d.sizeBytes)}</td>
                  <td className="nowrap">{formatDateTime(d.uploadedAt)}</td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="button-danger-outline button-small"
                        aria-label={t('web.certification.documents.removeNamed', {
                          name: d.fileName,
                        })}
                        onClick={() => {
                          setDone(null);
                          remove.reset();
                          setRemoving({ id: d.id, fileName: d.fileName });
                        }}
                      >
                        {t('web.certification.documents.remove')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canEdit ? (
        <form className="form upload-form" noValidate onSubmit={submit}>
          <div className={fileError ? 'field field-invalid' : 'field'}>
            <label htmlFor="certification-document">
              {t('web.certification.documents.choose')}
            </label>
            <p id="certification-document-hint" className="hint">
              {t('web.certification.documents.hint')}
            </p>
            {fileError ? (
              <p id="certification-document-error" className="field-error">
                {fileError}
              </p>
            ) : null}
            <input
              ref={fileRef}
              id="certification-document"
              type="file"
              accept={DOCUMENT_TYPES}
              aria-invalid={fileError ? true : undefined}
              aria-describedby={
                fileError
                  ? 'certification-document-hint certification-document-error'
                  : 'certification-document-hint'
              }
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button-secondary" disabled={upload.isPending}>
              {upload.isPending
                ? t('web.certification.documents.uploading')
                : t('web.certification.documents.upload')}
            </button>
          </div>
        </form>
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        title={t('web.certification.documents.confirmTitle', { name: removing?.fileName ?? '' })}
        confirmLabel={t('web.certification.documents.remove')}
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => {
          if (removing) remove.mutate(removing.id);
        }}
        onCancel={() => {
          setRemoving(null);
          remove.reset();
        }}
      >
        <p>{t('web.certification.documents.confirmBody')}</p>
      </ConfirmDialog>
    </>
  );
}

/** Certification on the organisation page: everyone sees the status; the rest is for the few. */
export function CertificationSection({
  organisation,
  session,
}: {
  organisation: OrganisationView;
  session: SessionInfo;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const detail = useQuery({
    queryKey: certificationKey(organisation.id),
    queryFn: () => api.certification(organisation.id),
  });
  const canManage = hasPermission(session.user.role, 'certification.manage');
  const own = maySeeOrganisationRecords(session, organisation.id);
  const save = useMutation({
    mutationFn: (v: CertificationInput) => api.setCertification(organisation.id, v),
    onSuccess: (d) => {
      queryClient.setQueryData(certificationKey(organisation.id), d);
      void queryClient.invalidateQueries({ queryKey: ['organisation', organisation.id] });
      void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      void queryClient.invalidateQueries({ queryKey: ['certifications'] });
      void queryClient.invalidateQueries({ queryKey: ['who-can-help'] });
      setSaved(true);
    },
    onError: (err) => {
      // Someone else changed it meanwhile: show what is stored now (the message says so).
      if (err instanceof ApiError && err.status === 409) {
        void queryClient.invalidateQueries({ queryKey: certificationKey(organisation.id) });
      }
    },
  });
  const c = detail.data?.certification ?? null;

  return (
    <Section title={t('web.certification.heading')}>
      {detail.isPending ? <Loading /> : null}
      {detail.isError ? (
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      ) : null}
      {detail.data ? (
        <>
          <div className="columns">
            <div>
              {c ? (
                <dl className="details">
                  <dt>{t('web.certification.fields.status')}</dt>
                  <dd>
                    <span className={`badge badge-cert-${c.effectiveStatus}`}>
                      {vocab.certificationStatus(c.effectiveStatus)}
                    </span>
                    {c.effectiveStatus !== c.status ? (
                      <span className="hint">
                        {' '}
                        {t('web.certification.recordedAs', {
                          status: vocab.certificationStatus(c.status),
                        })}
                      </span>
                    ) : null}
                  </dd>
                  <dt>{t('web.certification.fields.period')}</dt>
                  <dd>
                    <Period from={c.certifiedFrom} to={c.certifiedTo} />
                  </dd>
                  {c.daysLeft !== null && c.effectiveStatus === 'certified' ? (
                    <>
                      <dt>{t('web.certification.fields.daysLeft')}</dt>
                      <dd>{t('web.certification.daysLeft', { count: c.daysLeft })}</dd>
                    </>
                  ) : null}
                  <dt>{t('web.certification.fields.reviewDate')}</dt>
                  <dd>{c.reviewDate ? formatDate(c.reviewDate) : '–'}</dd>
                  <dt>{t('web.certification.fields.services')}</dt>
                  <dd>{c.services.map(services.name).join(', ') || '–'}</dd>
                  {own ? (
                    <>
                      <dt>{t('web.certification.fields.conditions')}</dt>
                      <dd>{c.conditions ?? '–'}</dd>
                    </>
                  ) : null}
                </dl>
              ) : (
                <EmptyState>{t('web.certification.notCertified')}</EmptyState>
              )}
              {own ? (
                <Documents
                  organisation={organisation}
                  documents={detail.data.documents}
                  canEdit={mayEditOrganisation(session, organisation.id)}
                />
              ) : null}
            </div>
            {canManage ? (
              <div>
                <h3>
                  {c ? t('web.certification.form.change') : t('web.certification.form.first')}
                </h3>
                {saved && !save.isPending && !save.error ? (
                  <Notice>{t('web.certification.form.saved')}</Notice>
                ) : null}
                <CertificationForm
                  key={c?.version ?? 0}
                  organisation={organisation}
                  detail={detail.data}
                  pending={save.isPending}
                  error={save.error}
                  onSubmit={(v) => {
                    setSaved(false);
                    save.mutate(v);
                  }}
                />
              </div>
            ) : null}
          </div>
          {own ? (
            <>
              <h3>{t('web.certification.history')}</h3>
              <History history={detail.data.history} />
            </>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}
