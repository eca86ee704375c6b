import i18next, { type i18n, type TFunction } from 'i18next';
import sv from '../../locales/sv.json' with { type: 'json' };
import en from '../../locales/en.json' with { type: 'json' };

export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'sv';

export function isLocale(v: unknown): v is Locale {
  return v === 'sv' || v === 'en';
}

let instance: i18n | undefined;

/** Server-side translations (error messages, e-mail); the same catalogues the web app uses. */
function translator(): i18n {
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      initAsync: false,
      resources: { sv: { translation: sv }, en: { translation: en } },
      lng: DEFAULT_LOCALE,
      fallbackLng: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  return instance;
}

export function t(
  locale: Locale,
  key: string,
  params: Record<string, string | number> = {},
): string {
  const fixed: TFunction = translator().getFixedT(locale);
  return fixed(key, params);
}

/** Picks sv or en from an Accept-Language header; Swedish when nothing matches. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { lang: tag.toLowerCase().slice(0, 2), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => isLocale(x.lang))
    .sort((a, b) => b.q - a.q);
  const best = ranked[0]?.lang;
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
