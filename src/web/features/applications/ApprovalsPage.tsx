import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, type ApprovalItem } from '../../api.js';
import { budgetKeys, isOverdrawn } from '../budget/budgetApi.js';
import { OverdrawConfirm } from '../budget/BudgetParts.js';
import { formatDateTime, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { fieldErrors, TextAreaField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Money, OutcomeBadge } from '../programme/ProgrammeParts.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';

type Answering = { item: ApprovalItem; approve: boolean };

/** Decisions above the approval limit, waiting for a second person's approval (four eyes). */
export function ApprovalsPage() {
  const t = useT();
  const session = useSession();
  const vocab = useProgrammeVocabulary();
  const queryClient = useQueryClient();
  const [answering, setAnswering] = useState<Answering | null>(null);
  const [comment, setComment] = useState('');
  const [allowOverdraw, setAllowOverdraw] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const approvals = useQuery({ queryKey: ['approvals'], queryFn: api.approvals, staleTime: 0 });
  const answer = useMutation({
    // Approving makes the decision final and commits it to the budget: the post may be short.
    mutationFn: ({ item, approve }: Answering) =>
      api.approve(item.decisionId, {
        approve,
        comment: comment.trim() || null,
        allowOverdraw: approve && allowOverdraw,
      }),
    onSuccess: (_r, { item, approve }) => {
      void queryClient.invalidateQueries({ queryKey: ['approvals'] });
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['applications'] });
      void queryClient.invalidateQueries({ queryKey: ['application', item.applicationId] });
      void queryClient.invalidateQueries({ queryKey: ['case'] });
      const what = item.caseCode ?? vocab.applicationType(item.type);
      setDone(
        approve ? t('web.approvals.approved', { what }) : t('web.approvals.rejected', { what }),
      );
      setAnswering(null);
    },
  });
  const errors = fieldErrors(answer.error);
  const mayOpen = session ? hasPermission(session.user.role, 'cases.read') : false;
  const start = (item: ApprovalItem, approve: boolean) => {
    setDone(null);
    setComment('');
    setAllowOverdraw(false);
    answer.reset();
    setAnswering({ item, approve });
  };
  const items = approvals.data?.items ?? [];

  return (
    <Page title={t('web.approvals.title')}>
      <p className="lead">{t('web.approvals.intro')}</p>
      <Notice>{done}</Notice>
      {approvals.isPending ? <Loading /> : null}
      {approvals.isError ? (
        <ErrorState error={approvals.error} onRetry={() => void approvals.refetch()} />
      ) : null}
      {approvals.data && items.length === 0 ? (
        <EmptyState>{t('web.approvals.empty')}</EmptyState>
      ) : null}
      {items.length > 0 ? (
        <TableWrap label={t('web.approvals.caption', { count: items.length })}>
          <table>
            <caption>{t('web.approvals.caption', { count: items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.applications.fields.type')}</th>
                <th scope="col">{t('web.applications.fields.case')}</th>
                <th scope="col">{t('web.applications.fields.organisation')}</th>
                <th scope="col">{t('web.decisions.fields.outcome')}</th>
                <th scope="col" className="numeric">
                  {t('web.applications.fields.amount')}
                </th>
                <th scope="col" className="numeric">
                  {t('web.decisions.fields.grantedAmountOre')}
                </th>
                <th scope="col">{t('web.decisions.fields.decidedAt')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('web.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const what = `${vocab.applicationType(item.type)} ${item.caseCode ?? ''}`.trim();
                const ownId = `own-${item.decisionId}`;
                return (
                  <tr key={item.decisionId}>
                    <td>
                      {mayOpen ? (
                        <Link to={`/applications/${item.applicationId}`}>
                          {vocab.applicationType(item.type)}
                        </Link>
                      ) : (
                        vocab.applicationType(item.type)
                      )}
                    </td>
                    <td className="nowrap">{item.caseCode ?? '–'}</td>
                    <td>{item.organisationName}</td>
                    <td>
                      <OutcomeBadge outcome={item.outcome} />
                    </td>
                    <td className="numeric">
                      <Money ore={item.amountOre} />
                    </td>
                    <td className="numeric">
                      <Money ore={item.grantedAmountOre} />
                    </td>
                    <td className="nowrap">
                      {formatDateTime(item.decidedAt)}
                      {item.decidedByName ? (
                        <>
                          <br />
                          <span className="muted">{item.decidedByName}</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button-small"
                          disabled={item.ownDecision}
                          aria-describedby={item.ownDecision ? ownId : undefined}
                          aria-label={t('web.approvals.approveNamed', { what })}
                          onClick={() => start(item, true)}
                        >
                          {t('web.approvals.approve')}
                        </button>
                        <button
                          type="button"
                          className="button-danger-outline button-small"
                          disabled={item.ownDecision}
                          aria-describedby={item.ownDecision ? ownId : undefined}
                          aria-label={t('web.approvals.rejectNamed', { what })}
                          onClick={() => start(item, false)}
                        >
                          {t('web.approvals.reject')}
                        </button>
                      </div>
                      {item.ownDecision ? (
                        <p id={ownId} className="hint">
                          {t('web.approvals.ownDecision')}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <ConfirmDialog
        open={answering !== null}
        title={
          answering
            ? t(answering.approve ? 'web.approvals.approveTitle' : 'web.approvals.rejectTitle', {
                what: `${vocab.applicationType(answering.item.type)} ${answering.item.caseCode ?? ''}`.trim(),
              })
            : ''
        }
        confirmLabel={answering?.approve ? t('web.approvals.approve') : t('web.approvals.reject')}
        destructive={answering ? !answering.approve : false}
        busy={answer.isPending}
        error={answer.error}
        fields={['comment']}
        onConfirm={() => {
          if (answering) answer.mutate(answering);
        }}
        onCancel={() => {
          setAnswering(null);
          answer.reset();
        }}
      >
        {answering ? (
          <>
            <p>
              {answering.approve
                ? t('web.approvals.approveBody', {
                    outcome: vocab.outcome(answering.item.outcome),
                  })
                : t('web.approvals.rejectBody')}
            </p>
            <p>
              {t('web.decisions.fields.grantedAmountOre')}:{' '}
              <Money ore={answering.item.grantedAmountOre} />
            </p>
            <TextAreaField
              label={t('web.approvals.comment')}
              hint={
                answering.approve
                  ? t('web.approvals.commentHint')
                  : t('web.approvals.rejectCommentHint')
              }
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
              rows={3}
              error={errors.comment}
            />
            <OverdrawConfirm
              show={answering.approve && (isOverdrawn(answer.error) || allowOverdraw)}
              checked={allowOverdraw}
              onChange={setAllowOverdraw}
              label={t('web.budget.overdraw.decision')}
            />
          </>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}
