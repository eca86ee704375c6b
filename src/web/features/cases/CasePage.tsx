import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useT } from '../../i18n.js';
import { api, ApiError, type CaseView } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { fieldErrors, SelectField, TextAreaField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { isCounty, useVocabulary } from '../../reference.js';
import { Money, OutcomeBadge, StatusBadge } from '../programme/ProgrammeParts.js';
import { useProgramme } from '../programme/useProgramme.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';
import {
  BackgroundSection,
  caseKey,
  IdentityNoteSection,
  ProtectionSection,
} from './CaseSections.js';
import { Attachments, NoteForm, Timeline } from './CaseActivity.js';

function createdNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'created'
  );
}

/** The applications made in the case, newest first, each with its current decision. */
function CaseApplications({ c }: { c: CaseView }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  const query = { caseCode: c.code };
  const apps = useQuery({
    queryKey: ['applications', 'list', query],
    queryFn: () => api.applications(query),
    staleTime: 0,
  });
  // The code filter may also match longer codes: keep this case's own.
  const items = (apps.data?.items ?? []).filter((a) => a.caseId === c.id);
  return (
    <Section title={t('web.cases.applications.heading')}>
      {c.mayEdit ? (
        <p>
          <Link className="button button-secondary" to={`/applications/new?caseId=${c.id}`}>
            {t('web.applications.new')}
          </Link>
        </p>
      ) : null}
      {apps.isPending ? <Loading /> : null}
      {apps.isError ? <ErrorState error={apps.error} onRetry={() => void apps.refetch()} /> : null}
      {apps.data && items.length === 0 ? (
        <EmptyState>{t('web.cases.applications.empty')}</EmptyState>
      ) : null}
      {items.length > 0 ? (
        <TableWrap label={t('web.cases.applications.caption', { code: c.code })}>
          <table>
            <caption>{t('web.cases.applications.caption', { code: c.code })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.applications.fields.type')}</th>
                <th scope="col">{t('web.applications.fields.status')}</th>
                <th scope="col">{t('web.applications.fields.what')}</th>
                <th scope="col" className="numeric">
                  {t('web.applications.fields.amount')}
                </th>
                <th scope="col">{t('web.applications.fields.decision')}</th>
                <th scope="col">{t('web.applications.fields.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/applications/${a.id}`}>{vocab.applicationType(a.type)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>
                    {a.periodFrom && a.periodTo ? (
                      <span className="nowrap">
                        {formatDate(a.periodFrom)} – {formatDate(a.periodTo)}
                      </span>
                    ) : null}
                    {a.days !== null ? (
                      <>
                        <br />
                        <span className="muted">
                          {t('web.applications.days', { count: a.days })}
                        </span>
                      </>
                    ) : null}
                    {a.interventionCode ? (
                      <>
                        {programme.interventionName(a.interventionCode)}
                        {a.quantity !== null ? ` × ${a.quantity}` : ''}
                      </>
                    ) : null}
                  </td>
                  <td className="numeric">
                    <Money ore={a.amountOre} />
                  </td>
                  <td>
                    {a.currentOutcome ? (
                      <>
                        <OutcomeBadge outcome={a.currentOutcome} />
                        {a.grantedAmountOre !== null ? (
                          <>
                            <br />
                            <Money ore={a.grantedAmountOre} />
                          </>
                        ) : null}
                      </>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td className="nowrap">{formatDateTime(a.submittedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Section>
  );
}

/** Moving the case to another certified actor, confirmed with a reason. */
function TransferDialog({ c, open, onClose }: { c: CaseView; open: boolean; onClose: () => void }) {
  const t = useT();
  const vocab = useVocabulary();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const targets = useQuery({
    queryKey: ['case-transfer-targets'],
    queryFn: api.transferTargets,
    enabled: open,
  });
  const transfer = useMutation({
    mutationFn: () =>
      api.transferCase(c.id, { expectedVersion: c.version, toOrganisationId: to, reason }),
    onSuccess: () => {
      // The case now belongs to the other actor: its staff here no longer see it.
      queryClient.removeQueries({ queryKey: caseKey(c.id) });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      void queryClient.invalidateQueries({ queryKey: ['applications'] });
      void navigate('/cases', { state: { notice: 'transferred', code: c.code } });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409)
        void queryClient.invalidateQueries({ queryKey: caseKey(c.id) });
    },
  });
  const errors = fieldErrors(transfer.error);
  const options = (targets.data?.items ?? [])
    .filter((o) => o.id !== c.ownerOrganisationId)
    .map((o) => ({
      value: o.id,
      label: `${o.name} (${isCounty(o.county) ? vocab.county(o.county) : o.county})`,
    }));
  return (
    <ConfirmDialog
      open={open}
      title={t('web.cases.transfer.title', { code: c.code })}
      confirmLabel={t('web.cases.transfer.confirm')}
      busy={transfer.isPending}
      error={transfer.error}
      fields={['toOrganisationId', 'reason']}
      onConfirm={() => transfer.mutate()}
      onCancel={() => {
        transfer.reset();
        onClose();
      }}
    >
      <p>{t('web.cases.transfer.body', { organisation: c.ownerOrganisationName })}</p>
      {targets.isPending ? <Loading /> : null}
      {targets.isError ? <ErrorState error={targets.error} /> : null}
      {targets.data && options.length === 0 ? (
        <EmptyState>{t('web.cases.transfer.noTargets')}</EmptyState>
      ) : null}
      {targets.data && options.length > 0 ? (
        <SelectField
          label={t('web.cases.transfer.to')}
          options={options}
          emptyLabel={t('web.common.choose')}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          required
          error={errors.toOrganisationId}
          data-autofocus
        />
      ) : null}
      <TextAreaField
        label={t('web.cases.transfer.reason')}
        hint={t('web.cases.transfer.reasonHint')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={2000}
        rows={3}
        required
        error={errors.reason}
      />
    </ConfirmDialog>
  );
}

/** One case: its background, protection, applications, timeline, notes and files. */
export function CasePage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const [transferring, setTransferring] = useState(false);
  // Others change a case (decisions, transfers): it is checked again on every visit.
  const query = useQuery({ queryKey: caseKey(id), queryFn: () => api.case(id), staleTime: 0 });
  const c = query.data;

  return (
    <Page
      title={c ? c.code : t('web.cases.caseTitle')}
      actions={
        c?.mayEdit ? (
          <>
            <Link className="button" to={`/applications/new?caseId=${c.id}`}>
              {t('web.applications.new')}
            </Link>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setTransferring(true)}
            >
              {t('web.cases.transfer.button')}
            </button>
          </>
        ) : null
      }
    >
      <p>
        <Link to="/cases">{t('web.cases.backToList')}</Link>
      </p>
      {createdNotice(location.state) && c ? (
        <Notice>{t('web.cases.create.created', { code: c.code })}</Notice>
      ) : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {c ? (
        <>
          <dl className="details">
            <dt>{t('web.cases.fields.programme')}</dt>
            <dd>{c.programmeName}</dd>
            <dt>{t('web.cases.fields.organisation')}</dt>
            <dd>{c.ownerOrganisationName}</dd>
            <dt>{t('web.cases.fields.createdAt')}</dt>
            <dd>{formatDateTime(c.createdAt)}</dd>
            <dt>{t('web.cases.fields.updatedAt')}</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </dl>
          <CaseApplications c={c} />
          <div className="columns">
            <BackgroundSection c={c} />
            <div>
              <ProtectionSection c={c} />
              {c.mayViewIdentityNote ? <IdentityNoteSection c={c} /> : null}
            </div>
          </div>
          <Timeline c={c} />
          <div className="columns">
            {c.mayEdit ? <NoteForm c={c} /> : null}
            <Attachments c={c} />
          </div>
          {c.mayEdit ? (
            <TransferDialog c={c} open={transferring} onClose={() => setTransferring(false)} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
