import { useCallback } from 'react';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import sv from '../locales/sv.json' with { type: 'json' };
import en from '../locales/en.json' with { type: 'json' };

/** The two interface languages; Swedish is the default. */
export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

// Both catalogues must carry the same web keys: a key missing in either fails the type check.
const _enHasSvKeys: typeof sv.web = en.web;
const _svHasEnKeys: typeof en.web = sv.web;

/** Every key of the web catalogue, plural forms (`_one`, `_other`) folded into their base key. */
type Leaves<T, P extends string> = {
  [K in keyof T & string]: T[K] extends string
    ? `${P}${K extends `${infer B}_${'one' | 'other'}` ? B : K}`
    : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type WebKey = Leaves<typeof sv.web, 'web.'>;
export type Translate = (key: WebKey, options?: Record<string, string | number>) => string;

/** The translation function for the current language; a key that does not exist fails the type check. */
export function useT(): Translate {
  const { t } = useTranslation();
  return useCallback<Translate>((key, options) => t(key, options ?? {}), [t]);
}

const STORAGE_KEY = 'slussa.language';

export function isLanguage(v: unknown): v is Language {
  return v === 'sv' || v === 'en';
}

/** The language the person chose on this device, if they ever chose one. */
export function storedLanguage(): Language | undefined {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function applyToDocument(lng: string): void {
  document.documentElement.lang = lng;
}

void i18next.use(initReactI18next).init({
  initAsync: false,
  resources: { sv: { translation: sv }, en: { translation: en } },
  lng: storedLanguage() ?? 'sv',
  fallbackLng: 'sv',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyToDocument(i18next.language);
i18next.on('languageChanged', applyToDocument);

/** The current interface language (sent as Accept-Language so server messages match). */
export function currentLanguage(): Language {
  const lng = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(lng) ? lng : 'sv';
}

/** Switches the interface language and remembers the choice on this device. */
export async function chooseLanguage(lng: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this visit.
  }
  await i18next.changeLanguage(lng);
}

/** Adopts a language (e.g. the one saved in the profile) without marking it as this device's choice. */
export async function adoptLanguage(lng: Language): Promise<void> {
  await i18next.changeLanguage(lng);
}

/** Intl locale for dates and numbers in the current language. */
export function intlLocale(): string {
  return currentLanguage() === 'sv' ? 'sv-SE' : 'en-GB';
}

export default i18next;
