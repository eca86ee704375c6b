import { useT } from '../i18n.js';

/** "Showing 1–50 of 120" with previous and next page buttons. */
export function Pagination({
  total,
  offset,
  limit,
  onChange,
}: {
  total: number;
  offset: number;
  limit: number;
  onChange: (offset: number) => void;
}) {
  const t = useT();
  if (total === 0) return null;
  const from = offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className="pagination" aria-label={t('web.common.pages')}>
      <p>{t('web.common.showing', { from, to, total })}</p>
      {total > limit ? (
        <div className="button-row">
          <button
            type="button"
            className="button-secondary"
            disabled={offset === 0}
            onClick={() => onChange(Math.max(0, offset - limit))}
          >
            {t('web.common.previous')}
          </button>
          <button
            type="button"
            className="button-secondary"
            disabled={to >= total}
            onClick={() => onChange(offset + limit)}
          >
            {t('web.common.next')}
          </button>
        </div>
      ) : null}
    </nav>
  );
}
