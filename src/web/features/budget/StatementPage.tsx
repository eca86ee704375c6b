import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { formatDate, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { SelectField, TextField } from '../../components/Fields.js';
import { Pagination } from '../../components/Pagination.js';
import { TableWrap } from '../../components/TableWrap.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { parseKronor } from '../programme/money.js';
import { Money } from '../programme/ProgrammeParts.js';
import { formatMoney, todayInStockholm } from '../programme/vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';
import {
  budgetApi,
  budgetKeys,
  type PayoutInput,
  type StatementLine,
  type StatementReply,
} from './budgetApi.js';
import { Balance, dateParam, DateForm, useBudgetVocabulary } from './BudgetParts.js';
import { usePlanText } from './PostsSection.js';

/** Lines per page of a statement (the server's STATEMENT_PAGE_SIZE). */
const PAGE_SIZE = 100;

const PAYOUT_FIELDS = ['decisionId', 'paidOn', 'amountOre', 'reference'] as const;

/** The post's balance at the date. */
function BalanceBox({ s }: { s: StatementReply }) {
  const t = useT();
  const planText = usePlanText();
  const b = s.balance;
  return (
    <Section title={t('web.budget.statement.balanceHeading', { date: formatDate(s.date) })}>
      <dl className="details">
        <dt>{t('web.budget.posts.plan')}</dt>
        <dd>
          {planText(s.post)} (<Money ore={s.post.plannedOre} />)
        </dd>
        <dt>{t('web.budget.balances.budget')}</dt>
        <dd>
          <Money ore={b.budgetOre} />
        </dd>
        <dt>{t('web.budget.balances.transferredIn')}</dt>
        <dd>
          <Money ore={b.transferredInOre} />
        </dd>
        <dt>{t('web.budget.balances.transferredOut')}</dt>
        <dd>
          <Money ore={b.transferredOutOre} />
        </dd>
        <dt>{t('web.budget.balances.committed')}</dt>
        <dd>
          <Money ore={b.committedOre} />
        </dd>
        <dt>{t('web.budget.balances.deducted')}</dt>
        <dd>
          <Money ore={b.deductedOre} />
        </dd>
        <dt>{t('web.budget.balances.paid')}</dt>
        <dd>
          <Money ore={b.paidOre} />
        </dd>
        <dt>{t('web.budget.balances.remaining')}</dt>
        <dd>
          <Balance ore={b.remainingOre} strong />
        </dd>
      </dl>
    </Section>
  );
}

/** What a line is: its kind, and the case or the other post it concerns. */
function What({ line, mayOpenCases }: { line: StatementLine; mayOpenCases: boolean }) {
  const vocab = useBudgetVocabulary();
  const kind = vocab.entryKind(line.kind);
  if (!line.caseCode) return <>{kind}</>;
  return (
    <>
      {kind}{' '}
      {mayOpenCases && line.applicationId ? (
        <Link to={`/applications/${line.applicationId}`}>{line.caseCode}</Link>
      ) : (
        line.caseCode
      )}
    </>
  );
}

function LinesTable({ s, mayOpenCases }: { s: StatementReply; mayOpenCases: boolean }) {
  const t = useT();
  const caption = t('web.budget.statement.caption', {
    page: s.page,
    pageCount: Math.max(1, s.pageCount),
    date: formatDate(s.date),
  });
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.statement.date')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.statement.lineNo')}
            </th>
            <th scope="col">{t('web.budget.statement.what')}</th>
            <th scope="col">{t('web.budget.statement.counterpart')}</th>
            <th scope="col">{t('web.budget.statement.reference')}</th>
            <th scope="col">{t('web.budget.statement.reason')}</th>
            <th scope="col">{t('web.budget.statement.by')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.amount')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.paid')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.remaining')}
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row" colSpan={9}>
              {t('web.budget.statement.broughtForward')}
            </th>
            <td className="numeric">
              <Balance ore={s.broughtForwardOre} />
            </td>
          </tr>
          {s.lines.map((l) => (
            <tr key={l.id}>
              <td className="nowrap">{formatDate(l.date)}</td>
              <td className="numeric">{l.lineNo}</td>
              <td>
                <What line={l} mayOpenCases={mayOpenCases} />
              </td>
              <td>{l.counterpartPostName ?? ''}</td>
              <td>{l.reference ?? ''}</td>
              <td className="about">{l.reason ?? ''}</td>
              <td>{l.byName ?? ''}</td>
              <td className="numeric">{l.kind === 'payout' ? '–' : <Money ore={l.amountOre} />}</td>
              <td className="numeric">{l.kind === 'payout' ? <Money ore={l.paidOre} /> : '–'}</td>
              <td className="numeric">
                <Balance ore={l.remainingOre} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Per decision on this page: what it committed, what was paid, and the difference. */
function DecisionsTable({ s }: { s: StatementReply }) {
  const t = useT();
  const caption = t('web.budget.statement.decisionsCaption');
  if (s.decisions.length === 0)
    return <EmptyState>{t('web.budget.statement.decisionsEmpty')}</EmptyState>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.statement.case')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.committed')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.paid')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.statement.difference')}
            </th>
          </tr>
        </thead>
        <tbody>
          {s.decisions.map((d) => (
            <tr key={d.decisionId}>
              <th scope="row" className="nowrap">
                {d.caseCode ?? t('web.budget.statement.noCase')}
              </th>
              <td className="numeric">
                <Money ore={d.committedOre} />
              </td>
              <td className="numeric">
                <Money ore={d.paidOre} />
              </td>
              <td className="numeric">
                {d.differenceOre === 0 ? (
                  <Money ore={0} />
                ) : (
                  <span className="nowrap">
                    <strong>
                      <Money ore={d.differenceOre} />
                    </strong>{' '}
                    <span className="badge badge-pending">
                      {d.differenceOre > 0
                        ? t('web.budget.statement.notPaid')
                        : t('web.budget.statement.overpaid')}
                    </span>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Money paid out against a decision's commitment. */
function PayoutForm({ s }: { s: StatementReply }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [decisionId, setDecisionId] = useState('');
  const [paidOn, setPaidOn] = useState(todayInStockholm());
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const payable = s.decisions.filter((d) => d.committedOre > 0);
  const options = payable.map((d) => ({
    value: d.decisionId,
    label: t('web.budget.payout.option', {
      case: d.caseCode ?? t('web.budget.statement.noCase'),
      committed: formatMoney(d.committedOre),
      left: formatMoney(d.differenceOre),
    }),
  }));
  const pay = useMutation({
    mutationFn: (body: PayoutInput) => budgetApi.payout(body),
    onSuccess: (_r, body) => {
      void queryClient.invalidateQueries({ queryKey: budgetKeys.all });
      const d = payable.find((x) => x.decisionId === body.decisionId);
      setDone(
        t('web.budget.payout.done', {
          amount: formatMoney(body.amountOre),
          case: d?.caseCode ?? t('web.budget.statement.noCase'),
        }),
      );
      setDecisionId('');
      setAmount('');
      setReference('');
    },
  });
  const errors = { ...nestedFieldErrors(pay.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(null);
    const problems: Record<string, string> = {};
    if (!decisionId) problems.decisionId = t('web.budget.form.required');
    if (!paidOn) problems.paidOn = t('web.budget.form.required');
    const parsed = parseKronor(amount);
    if (!parsed.ok) problems.amountOre = moneyProblemText(t, parsed.problem);
    else if (!parsed.ore) problems.amountOre = t('web.budget.transfer.amountRequired');
    if (Object.keys(problems).length > 0 || !parsed.ok) {
      pay.reset();
      setLocal(problems);
      return;
    }
    setLocal({});
    pay.mutate({
      decisionId,
      paidOn,
      amountOre: parsed.ore ?? 0,
      reference: reference.trim() || null,
    });
  };

  return (
    <Section title={t('web.budget.payout.heading')}>
      <p>{t('web.budget.payout.intro')}</p>
      <Notice>{done}</Notice>
      {payable.length === 0 ? (
        <EmptyState>{t('web.budget.payout.empty')}</EmptyState>
      ) : (
        <form className="form" noValidate onSubmit={submit}>
          <FormError
            error={hasLocal ? localProblem(t('web.cases.checkFields')) : pay.error}
            fields={hasLocal ? [] : shownPaths(pay.error, PAYOUT_FIELDS)}
          />
          <SelectField
            label={t('web.budget.payout.decision')}
            options={options}
            emptyLabel={t('web.common.choose')}
            required
            value={decisionId}
            onChange={(e) => setDecisionId(e.target.value)}
            error={errors.decisionId}
          />
          <div className="field-pair">
            <TextField
              label={t('web.budget.payout.paidOn')}
              type="date"
              required
              value={paidOn}
              onChange={(e) => setPaidOn(e.target.value)}
              error={errors.paidOn}
            />
            <TextField
              label={t('web.budget.amount')}
              hint={t('web.money.hint')}
              inputMode="decimal"
              autoComplete="off"
              required
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              error={errors.amountOre}
            />
          </div>
          <TextField
            label={t('web.budget.payout.reference')}
            hint={t('web.budget.payout.referenceHint')}
            autoComplete="off"
            maxLength={200}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            error={errors.reference}
          />
          <div className="button-row">
            <button type="submit" disabled={pay.isPending}>
              {t('web.budget.payout.submit')}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

/**
 * A post's statement: every ledger line up to a date, a page at a time
 * (the newest page first), with the running remaining funds, the post's
 * balance, committed against paid per decision, and payouts.
 */
export function StatementPage() {
  const t = useT();
  const session = useSession();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const date = dateParam(params.get('date')) ?? todayInStockholm();
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam >= 1 ? pageParam : undefined;
  const query = useQuery({
    queryKey: budgetKeys.statement(id, date, page),
    queryFn: () => budgetApi.statement(id, { date, page }),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const s = query.data;
  const period = useQuery({
    queryKey: budgetKeys.period(s?.post.periodId ?? ''),
    queryFn: () => budgetApi.period(s?.post.periodId ?? ''),
    enabled: Boolean(s),
  });
  const open = period.data?.status === 'open';
  const mayOpenCases = session ? hasPermission(session.user.role, 'cases.read') : false;
  const setParam = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  return (
    <Page
      title={
        s
          ? t('web.budget.statement.title', { name: s.post.name })
          : t('web.budget.statement.loadingTitle')
      }
    >
      {s ? (
        <p>
          <Link to={`/budget/${s.post.periodId}?date=${date}`}>
            {t('web.budget.statement.backToPeriod', { name: s.post.periodName })}
          </Link>
        </p>
      ) : null}
      <DateForm
        date={date}
        onChange={(d) => setParam({ date: d, page: undefined })}
        label={t('web.budget.statement.dateLabel')}
        hint={t('web.budget.statement.dateHint')}
      />
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {s ? (
        <>
          <BalanceBox s={s} />
          <Section title={t('web.budget.statement.linesHeading')}>
            {s.totalLines === 0 ? (
              <EmptyState>
                {t('web.budget.statement.empty', { date: formatDate(s.date) })}
              </EmptyState>
            ) : (
              <>
                <LinesTable s={s} mayOpenCases={mayOpenCases} />
                <Pagination
                  total={s.totalLines}
                  offset={(s.page - 1) * PAGE_SIZE}
                  limit={PAGE_SIZE}
                  onChange={(offset) =>
                    setParam({ page: String(Math.floor(offset / PAGE_SIZE) + 1) })
                  }
                />
              </>
            )}
          </Section>
          <Section title={t('web.budget.statement.decisionsHeading')}>
            <DecisionsTable s={s} />
          </Section>
          {open ? <PayoutForm key={`${s.post.id}-${s.page}`} s={s} /> : null}
        </>
      ) : null}
    </Page>
  );
}
