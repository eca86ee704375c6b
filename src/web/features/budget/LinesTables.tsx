import { useT } from '../../i18n.js';
import { EmptyState } from '../../components/Alerts.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Money } from '../programme/ProgrammeParts.js';
import type { FixedCostKind, FundingKind } from './budgetApi.js';
import { useBudgetVocabulary } from './BudgetParts.js';

/** A period's funding sources with their total (a closed period, the funder report). */
export function FundingTable({
  rows,
}: {
  rows: ReadonlyArray<{
    kind: FundingKind;
    name: string;
    amountOre: number;
    caseCode: string | null;
  }>;
}) {
  const t = useT();
  const vocab = useBudgetVocabulary();
  const caption = t('web.budget.funding.heading');
  if (rows.length === 0) return <EmptyState>{t('web.budget.funding.empty')}</EmptyState>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.funding.name')}</th>
            <th scope="col">{t('web.budget.funding.kind')}</th>
            <th scope="col">{t('web.budget.funding.case')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f, i) => (
            <tr key={i}>
              <th scope="row">{f.name}</th>
              <td>{vocab.fundingKind(f.kind)}</td>
              <td className="nowrap">{f.caseCode ?? '–'}</td>
              <td className="numeric">
                <Money ore={f.amountOre} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('web.budget.balances.total')}</th>
            <td />
            <td />
            <td className="numeric">
              <strong>
                <Money ore={rows.reduce((n, f) => n + f.amountOre, 0)} />
              </strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

/** A period's fixed costs with their total. */
export function FixedTable({
  rows,
}: {
  rows: ReadonlyArray<{ kind: FixedCostKind; name: string; amountOre: number }>;
}) {
  const t = useT();
  const vocab = useBudgetVocabulary();
  const caption = t('web.budget.fixed.heading');
  if (rows.length === 0) return <EmptyState>{t('web.budget.fixed.empty')}</EmptyState>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.budget.fixed.name')}</th>
            <th scope="col">{t('web.budget.fixed.kind')}</th>
            <th scope="col" className="numeric">
              {t('web.budget.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f, i) => (
            <tr key={i}>
              <th scope="row">{f.name}</th>
              <td>{vocab.fixedCostKind(f.kind)}</td>
              <td className="numeric">
                <Money ore={f.amountOre} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('web.budget.balances.total')}</th>
            <td />
            <td className="numeric">
              <strong>
                <Money ore={rows.reduce((n, f) => n + f.amountOre, 0)} />
              </strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}
