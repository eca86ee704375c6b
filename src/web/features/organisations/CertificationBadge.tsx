import { useT } from '../../i18n.js';
import type { OrganisationView } from '../../api.js';
import { formatDate, useVocabulary } from '../../reference.js';

/** The certification as it stands today, as a badge (nothing when never applied). */
export function CertificationBadge({
  certification,
  withDate = false,
}: {
  certification: OrganisationView['certification'];
  withDate?: boolean;
}) {
  const t = useT();
  const vocab = useVocabulary();
  if (!certification) return <span className="muted">{t('web.certification.none')}</span>;
  return (
    <>
      <span className={`badge badge-cert-${certification.status}`}>
        {vocab.certificationStatus(certification.status)}
      </span>
      {withDate && certification.status === 'certified' && certification.certifiedTo ? (
        <span className="hint">
          {' '}
          {t('web.certification.until', { date: formatDate(certification.certifiedTo) })}
        </span>
      ) : null}
    </>
  );
}
