import { useTranslation } from 'react-i18next';
import { chooseLanguage, currentLanguage, LANGUAGES, useT } from '../i18n.js';

/** Svenska / English, each named in its own language; the choice is remembered on this device. */
export function LanguageSwitcher() {
  const t = useT();
  const { i18n } = useTranslation();
  const active = i18n.resolvedLanguage ?? currentLanguage();
  return (
    <div className="language-switcher" role="group" aria-label={t('web.language.label')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          aria-pressed={active === lng}
          className="button-link"
          onClick={() => void chooseLanguage(lng)}
        >
          {t(`web.language.${lng}`)}
        </button>
      ))}
    </div>
  );
}
