import { useState } from 'react';
import { useT } from '../../i18n.js';

/** The ten single-use recovery codes, shown once, with ways to keep them. */
export function RecoveryCodes({
  codes,
  onContinue,
}: {
  codes: readonly string[];
  onContinue: () => void;
}) {
  const t = useT();
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>(undefined);
  const text = codes.join('\n');

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'slussa-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="recovery">
      <div className="alert alert-warning">
        <p>{t('web.auth.recovery.warning')}</p>
      </div>
      <p>{t('web.auth.recovery.intro')}</p>
      <ol className="recovery-codes" aria-label={t('web.auth.recovery.listLabel')}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <button type="button" className="button-secondary" onClick={copy}>
          {t('web.auth.recovery.copy')}
        </button>
        <button type="button" className="button-secondary" onClick={download}>
          {t('web.auth.recovery.download')}
        </button>
      </div>
      <p role="status" className="status-line">
        {copied === 'yes'
          ? t('web.auth.recovery.copied')
          : copied === 'failed'
            ? t('web.auth.recovery.copyFailed')
            : ''}
      </p>
      <div className="button-row">
        <button type="button" onClick={onContinue}>
          {t('web.auth.recovery.continue')}
        </button>
      </div>
    </div>
  );
}
