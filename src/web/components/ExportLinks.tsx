import { useT } from '../i18n.js';

/**
 * Download links for a filtered list (CSV and Excel). Plain links: the browser
 * saves the file, and the session cookie goes along.
 */
export function ExportLinks({
  label,
  href,
}: {
  label: string;
  href: (format: 'csv' | 'xlsx') => string;
}) {
  const t = useT();
  return (
    <div className="export-links" role="group" aria-label={label}>
      <a className="button button-secondary" href={href('csv')} download>
        {t('web.common.exportCsv')}
      </a>
      <a className="button button-secondary" href={href('xlsx')} download>
        {t('web.common.exportXlsx')}
      </a>
    </div>
  );
}
