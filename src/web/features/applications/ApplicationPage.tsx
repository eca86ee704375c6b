import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { useT } from '../../i18n.js';
import { api, type ApiError, type ApplicationDetail, type DecisionView } from '../../api.js';
import { formatDate, formatDateTime } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import {
  BreakdownTable,
  Deadline,
  Money,
  OutcomeBadge,
  StatusBadge,
  WarningList,
} from '../programme/ProgrammeParts.js';
import { useProgramme } from '../programme/useProgramme.js';
import {
  COSTED_TYPES,
  FINAL_OUTCOMES,
  PERIOD_TYPES,
  useProgrammeVocabulary,
} from '../programme/vocabulary.js';
import { BudgetHintSection } from '../budget/BudgetHintSection.js';
import { AnswerForm, applicationKey, DecidedNotice, DecisionForm } from './DecisionForm.js';

function submittedNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'submitted'
  );
}

function Summary({ a }: { a: ApplicationDetail }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  return (
    <dl className="details">
      <dt>{t('web.applications.fields.status')}</dt>
      <dd>
        <StatusBadge status={a.status} />
      </dd>
      <dt>{t('web.applications.fields.case')}</dt>
      <dd>
        {a.caseId && a.caseCode ? (
          <Link to={`/cases/${a.caseId}`}>{a.caseCode}</Link>
        ) : (
          t('web.applications.noCase')
        )}
      </dd>
      <dt>{t('web.applications.fields.organisation')}</dt>
      <dd>{a.organisationName}</dd>
      <dt>{t('web.applications.fields.type')}</dt>
      <dd>{vocab.applicationType(a.type)}</dd>
      {PERIOD_TYPES.has(a.type) ? (
        <>
          <dt>{t('web.applications.fields.period')}</dt>
          <dd>
            {a.periodFrom ? formatDate(a.periodFrom) : '…'} –{' '}
            {a.periodTo ? formatDate(a.periodTo) : '…'}
            {a.days !== null ? ` (${t('web.applications.days', { count: a.days })})` : ''}
          </dd>
          <dt>{t('web.applications.fields.childrenCount')}</dt>
          <dd>{a.childrenCount}</dd>
        </>
      ) : null}
      {a.type === 'reflection' ? (
        <>
          <dt>{t('web.applications.fields.protection24h')}</dt>
          <dd>{a.protection24h ? t('web.common.yes') : t('web.common.no')}</dd>
        </>
      ) : null}
      {a.type === 'intervention' ? (
        <>
          <dt>{t('web.applications.fields.intervention')}</dt>
          <dd>
            {programme.interventionName(a.interventionCode)}
            {a.quantity !== null ? ` × ${a.quantity}` : ''}
          </dd>
          {a.unitCostOre !== null ? (
            <>
              <dt>{t('web.applications.fields.unitCost')}</dt>
              <dd>
                <Money ore={a.unitCostOre} />
              </dd>
            </>
          ) : null}
        </>
      ) : null}
      {a.deductionsOre > 0 ? (
        <>
          <dt>{t('web.applications.fields.deductions')}</dt>
          <dd>
            <Money ore={a.deductionsOre} />
            {a.deductionsBy ? ` (${a.deductionsBy})` : ''}
          </dd>
        </>
      ) : null}
      {COSTED_TYPES.has(a.type) ? (
        <>
          <dt>{t('web.applications.fields.amount')}</dt>
          <dd>
            <Money ore={a.amountOre} />
          </dd>
        </>
      ) : null}
      <dt>{t('web.applications.fields.submittedAt')}</dt>
      <dd>{formatDateTime(a.submittedAt)}</dd>
      {a.deadline ? (
        <>
          <dt>{t('web.applications.fields.deadline')}</dt>
          <dd>
            <Deadline date={a.deadline} />
          </dd>
        </>
      ) : null}
      <dt>{t('web.applications.fields.decision')}</dt>
      <dd>
        {a.currentOutcome ? (
          <>
            <OutcomeBadge outcome={a.currentOutcome} />
            {a.grantedAmountOre !== null ? (
              <>
                {' '}
                <Money ore={a.grantedAmountOre} />
              </>
            ) : null}
          </>
        ) : (
          t('web.applications.notDecided')
        )}
      </dd>
    </dl>
  );
}

function DecisionItem({ d, superseded }: { d: DecisionView; superseded: boolean }) {
  const t = useT();
  const programme = useProgramme();
  return (
    <li className={d.current ? 'decision decision-current' : 'decision'}>
      <h3>
        {t('web.decisions.number', { number: d.sequence })} <OutcomeBadge outcome={d.outcome} />{' '}
        {d.current ? (
          <span className="badge badge-active">{t('web.decisions.current')}</span>
        ) : null}
        {superseded ? (
          <span className="badge badge-disabled">{t('web.decisions.superseded')}</span>
        ) : null}
        {d.approvalStatus === 'pending_approval' ? (
          <span className="badge badge-pending">{t('web.decisions.pendingApproval')}</span>
        ) : null}
        {d.approvalStatus === 'rejected' ? (
          <span className="badge badge-denied">{t('web.decisions.rejected')}</span>
        ) : null}
      </h3>
      <dl className="details">
        <dt>{t('web.decisions.fields.decidedAt')}</dt>
        <dd>
          {formatDateTime(d.decidedAt)}
          {d.decidedByName ? ` · ${d.decidedByName}` : ''}
        </dd>
        {d.grantedDays !== null ? (
          <>
            <dt>{t('web.decisions.fields.grantedDays')}</dt>
            <dd>{t('web.applications.days', { count: d.grantedDays })}</dd>
          </>
        ) : null}
        {d.grantedQuantity !== null ? (
          <>
            <dt>{t('web.decisions.fields.grantedQuantity')}</dt>
            <dd>{d.grantedQuantity}</dd>
          </>
        ) : null}
        {FINAL_OUTCOMES.has(d.outcome) && d.outcome !== 'denied' ? (
          <>
            <dt>{t('web.decisions.fields.grantedAmountOre')}</dt>
            <dd>
              <Money ore={d.grantedAmountOre} />
            </dd>
          </>
        ) : null}
        {d.condition ? (
          <>
            <dt>{t('web.decisions.fields.condition')}</dt>
            <dd className="about">{d.condition}</dd>
          </>
        ) : null}
        {d.conditionEndsOn ? (
          <>
            <dt>{t('web.decisions.fields.conditionEndsOn')}</dt>
            <dd>{formatDate(d.conditionEndsOn)}</dd>
          </>
        ) : null}
        <dt>{t('web.decisions.fields.grounds')}</dt>
        <dd>{d.grounds.map(programme.groundName).join('; ') || '–'}</dd>
        <dt>
          {d.outcome === 'information_requested'
            ? t('web.decisions.fields.question')
            : t('web.decisions.fields.rationale')}
        </dt>
        <dd className="about">{d.rationale}</dd>
        {d.approvedAt ? (
          <>
            <dt>
              {d.approvalStatus === 'rejected'
                ? t('web.decisions.fields.rejectedBy')
                : t('web.decisions.fields.approvedBy')}
            </dt>
            <dd>
              {formatDateTime(d.approvedAt)}
              {d.approvedByName ? ` · ${d.approvedByName}` : ''}
              {d.approvalComment ? (
                <>
                  <br />
                  <span className="about">{d.approvalComment}</span>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}

/** One application: what was applied for, how it was calculated, the dialogue and the decisions. */
export function ApplicationPage() {
  const t = useT();
  const { id = '' } = useParams();
  const location = useLocation();
  const vocab = useProgrammeVocabulary();
  // The coordinator and the actor both change an application: checked again on every visit.
  const query = useQuery({
    queryKey: applicationKey(id),
    queryFn: () => api.application(id),
    staleTime: 0,
  });
  const [decided, setDecided] = useState<ApplicationDetail | null>(null);
  const [answered, setAnswered] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  const [conflict, setConflict] = useState<ApiError | null>(null);
  const queryClient = useQueryClient();
  const a = query.data;
  /** A 409: say why, and show what is stored now. */
  const onConflict = (err: ApiError) => {
    setConflict(err);
    setCorrecting(false);
    void queryClient.invalidateQueries({ queryKey: applicationKey(id) });
  };

  const title = a
    ? a.caseCode
      ? t('web.applications.detail.title', {
          type: vocab.applicationType(a.type),
          code: a.caseCode,
        })
      : t('web.applications.detail.titleNoCase', { type: vocab.applicationType(a.type) })
    : t('web.applications.detail.loadingTitle');

  const decisions = a ? [...a.decisions].sort((x, y) => y.sequence - x.sequence) : [];
  // A correction replaces the decision it names once it stands (not while it awaits approval).
  const supersededIds = new Set(
    decisions.filter((d) => d.approvalStatus === 'final').map((d) => d.supersedesId),
  );
  const currentFinal = decisions.find((d) => d.current && FINAL_OUTCOMES.has(d.outcome));
  const questions = a?.messages ?? [];

  return (
    <Page title={title}>
      <p>
        {a?.caseId ? (
          <Link to={`/cases/${a.caseId}`}>{t('web.applications.backToCase')}</Link>
        ) : (
          <Link to="/applications">{t('web.applications.backToList')}</Link>
        )}
      </p>
      {submittedNotice(location.state) && !decided && !answered ? (
        <Notice>{t('web.applications.create.submitted')}</Notice>
      ) : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {a ? (
        <>
          <div className="columns">
            <Section title={t('web.applications.detail.summary')}>
              <Summary a={a} />
            </Section>
            <Section title={t('web.applications.detail.warnings')}>
              <WarningList
                warnings={a.warnings}
                title={t('web.applications.detail.warningsIntro')}
              />
            </Section>
          </div>
          {COSTED_TYPES.has(a.type) ? (
            <Section title={t('web.applications.breakdown.heading')}>
              <BreakdownTable
                breakdown={a.breakdown}
                childrenCount={PERIOD_TYPES.has(a.type) ? a.childrenCount : 0}
                caption={t('web.applications.breakdown.caption')}
                amountLabel={t('web.applications.breakdown.applied')}
              />
            </Section>
          ) : null}
          <Section title={t('web.applications.fields.justification')}>
            <p className="about">{a.justification}</p>
          </Section>
          <Section title={t('web.applications.messages.heading')}>
            {answered ? <Notice>{t('web.applications.answer.done')}</Notice> : null}
            {questions.length === 0 ? (
              <EmptyState>{t('web.applications.messages.empty')}</EmptyState>
            ) : (
              <ol className="timeline">
                {questions.map((m) => (
                  <li key={m.id}>
                    <p className="timeline-meta">
                      <strong>
                        {m.kind === 'question'
                          ? t('web.applications.messages.question')
                          : t('web.applications.messages.answer')}
                      </strong>{' '}
                      · <time dateTime={m.at}>{formatDateTime(m.at)}</time>
                      {m.byName ? ` · ${m.byName}` : ''}
                    </p>
                    <p className="about timeline-text">{m.text}</p>
                  </li>
                ))}
              </ol>
            )}
            {a.mayAnswer ? (
              <>
                <h3>{t('web.applications.answer.heading')}</h3>
                <AnswerForm
                  application={a}
                  onConflict={onConflict}
                  onDone={() => {
                    setConflict(null);
                    setDecided(null);
                    setAnswered(true);
                  }}
                />
              </>
            ) : null}
          </Section>
          <Section title={t('web.decisions.heading')}>
            {decided ? <DecidedNotice detail={decided} /> : null}
            <FormError error={conflict} />
            {decisions.length === 0 ? (
              <EmptyState>{t('web.decisions.empty')}</EmptyState>
            ) : (
              <ol className="decisions" reversed>
                {decisions.map((d) => (
                  <DecisionItem key={d.id} d={d} superseded={supersededIds.has(d.id)} />
                ))}
              </ol>
            )}
          </Section>
          {COSTED_TYPES.has(a.type) ? (
            <BudgetHintSection
              hint={a.budget}
              appliedDays={PERIOD_TYPES.has(a.type) ? a.days : null}
              amountOre={a.amountOre}
            />
          ) : null}
          {a.mayDecide ? (
            <Section
              title={
                currentFinal
                  ? t('web.decisions.form.correctHeading')
                  : t('web.decisions.form.heading')
              }
            >
              {currentFinal && !correcting ? (
                <>
                  <p>{t('web.decisions.form.correctExplain')}</p>
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => {
                      setDecided(null);
                      setConflict(null);
                      setCorrecting(true);
                    }}
                  >
                    {t('web.decisions.form.correct')}
                  </button>
                </>
              ) : (
                <DecisionForm
                  application={a}
                  supersedes={currentFinal?.id ?? null}
                  onConflict={onConflict}
                  onDone={(detail) => {
                    setConflict(null);
                    setAnswered(false);
                    setCorrecting(false);
                    setDecided(detail);
                  }}
                  onCancel={currentFinal ? () => setCorrecting(false) : undefined}
                />
              )}
            </Section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
