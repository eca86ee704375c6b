import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Money } from '../programme/ProgrammeParts.js';
import type { PostBalance } from './budgetApi.js';
import { Balance } from './BudgetParts.js';

/**
 * Each post's budget, transfers, commitments (with the deductions within
 * them), payouts and remaining funds, with totals; each post links to its
 * statement at the same date. The period page and the funder report show it.
 */
export function PostBalancesTable({
  posts,
  date,
  caption,
  committedOre,
  paidOre,
}: {
  posts: PostBalance[];
  date: string;
  caption: string;
  committedOre: number;
  paidOre: number;
}) {
  const t = useT();
  const sum = (
    k: 'budgetOre' | 'transferredInOre' | 'transferredOutOre' | 'deductedOre' | 'remainingOre',
  ) => posts.reduce((n, p) => n + p[k], 0);
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.posts.post')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.budget')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.transferredIn')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.transferredOut')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.committed')}
            </th>
            <th scope="col" className="numeric">
              {t('web.budget.balances.deducted')}
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
          {posts.map((p) => (
            <tr key={p.postId}>
              <th scope="row">
                <Link to={`/budget/posts/${p.postId}/statement?date=${date}`}>{p.name}</Link>
              </th>
              <td className="numeric">
                <Money ore={p.budgetOre} />
              </td>
              <td className="numeric">
                <Money ore={p.transferredInOre} />
              </td>
              <td className="numeric">
                <Money ore={p.transferredOutOre} />
              </td>
              <td className="numeric">
                <Money ore={p.committedOre} />
              </td>
              <td className="numeric">
                <Money ore={p.deductedOre} />
              </td>
              <td className="numeric">
                <Money ore={p.paidOre} />
              </td>
              <td className="numeric">
                <Balance ore={p.remainingOre} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('web.budget.balances.total')}</th>
            <td className="numeric">
              <Money ore={sum('budgetOre')} />
            </td>
            <td className="numeric">
              <Money ore={sum('transferredInOre')} />
            </td>
            <td className="numeric">
              <Money ore={sum('transferredOutOre')} />
            </td>
            <td className="numeric">
              <Money ore={committedOre} />
            </td>
            <td className="numeric">
              <Money ore={sum('deductedOre')} />
            </td>
            <td className="numeric">
              <Money ore={paidOre} />
            </td>
            <td className="numeric">
              <Balance ore={sum('remainingOre')} strong />
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}
