import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Section } from '../../components/Page.js';
import { Money } from '../programme/ProgrammeParts.js';
import type { BudgetHint } from './budgetApi.js';
import { Balance } from './BudgetParts.js';

/**
 * What the budget says about an application, for the coordinator deciding
 * it: the period and post it would be paid from, the post's remaining funds,
 * how many of the days applied for they pay, and whether a full grant would
 * overdraw the post.
 */
export function BudgetHintSection({
  hint,
  appliedDays,
  amountOre,
}: {
  hint: BudgetHint | undefined;
  /** The days applied for (period types), else null. */
  appliedDays: number | null;
  amountOre: number;
}) {
  const t = useT();
  const session = useSession();
  const role = session?.user.role;
  const mayOpen = role ? hasPermission(role, 'budget.manage') : false;
  // Only the one deciding gets the hint; for anyone else the reply's null means nothing.
  if (hint === undefined || !role || !hasPermission(role, 'applications.decide')) return null;
  if (hint === null)
    return (
      <Section title={t('web.budget.hint.heading')}>
        <p>{t('web.budget.hint.noPeriod')}</p>
      </Section>
    );
  const fewerDays =
    hint.daysThatFit !== null && appliedDays !== null && hint.daysThatFit < appliedDays;
  return (
    <Section title={t('web.budget.hint.heading')}>
      <dl className="details">
        <dt>{t('web.budget.hint.period')}</dt>
        <dd>
          {mayOpen ? (
            <Link to={`/budget/${hint.periodId}`}>{hint.periodName}</Link>
          ) : (
            hint.periodName
          )}
          {hint.periodClosed ? (
            <>
              {' '}
              <span className="badge badge-disabled">{t('web.budget.status.closed')}</span>
            </>
          ) : null}
        </dd>
        <dt>{t('web.budget.hint.post')}</dt>
        <dd>
          {mayOpen ? (
            <Link to={`/budget/posts/${hint.postId}/statement`}>{hint.postName}</Link>
          ) : (
            hint.postName
          )}
        </dd>
        <dt>{t('web.budget.hint.remaining')}</dt>
        <dd>
          <Balance ore={hint.remainingOre} strong />
        </dd>
        <dt>{t('web.budget.hint.applied')}</dt>
        <dd>
          <Money ore={amountOre} />
        </dd>
      </dl>
      {hint.periodClosed ? (
        <div className="alert alert-warning">
          <p>{t('web.budget.hint.closed')}</p>
        </div>
      ) : null}
      {fewerDays ? (
        <div className="alert alert-info">
          <p>
            {t('web.budget.hint.daysThatFit', {
              count: hint.daysThatFit ?? 0,
              applied: appliedDays ?? 0,
            })}
          </p>
        </div>
      ) : null}
      {hint.wouldOverdraw ? (
        <div className="alert alert-warning">
          <p>{t('web.budget.hint.wouldOverdraw')}</p>
        </div>
      ) : null}
    </Section>
  );
}
