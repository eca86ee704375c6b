import { intlLocale } from './i18n.js';
import type { Option } from './reference.js';

/**
 * The languages people in the partnership most often need help in (ISO 639-1
 * codes): Swedish and English, the languages of the EU countries of origin
 * and transit, and those of people arriving from West and East Africa, the
 * Middle East, Central and South-East Asia. Names come from Intl.DisplayNames.
 */
export const LANGUAGE_CODES = [
  'sv', 'en', 'ro', 'bg', 'hu', 'pl', 'lt', 'lv', 'et', 'ru', 'uk', 'ar', 'fa', 'ps', 'ti',
  'am', 'so', 'sw', 'ha', 'yo', 'ig', 'fr', 'es', 'pt', 'de', 'it', 'el', 'sq', 'sr', 'bs',
  'hr', 'tr', 'ku', 'th', 'vi', 'zh', 'tl', 'mn', 'ur', 'hi', 'bn', 'fi', 'no', 'da', 'nl',
  'cs', 'sk', 'mk', 'ka', 'om', 'wo', 'ln', 'ta', 'pa', 'ne',
] as const; // prettier-ignore

/** A language's name in the interface language, capitalised (Swedish writes "svenska"). */
export function languageName(code: string): string {
  let name = code;
  try {
    name = new Intl.DisplayNames([intlLocale()], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
  return name.charAt(0).toLocaleUpperCase(intlLocale()) + name.slice(1);
}

/**
 * Languages as options, alphabetical in the interface language. Codes stored
 * on a profile but missing from the list (e.g. from an import) are kept.
 */
export function languageOptions(extra: readonly string[] = []): Option[] {
  const collator = new Intl.Collator(intlLocale());
  const codes = [...new Set<string>([...LANGUAGE_CODES, ...extra])];
  return codes
    .map((c) => ({ value: c, label: languageName(c) }))
    .sort((a, b) => collator.compare(a.label, b.label));
}
