import { describe, expect, it } from 'vitest';
import sv from '../src/locales/sv.json' with { type: 'json' };
import en from '../src/locales/en.json' with { type: 'json' };
import { ERROR_STATUS } from '../src/server/core/errors.js';
import { localeFromAcceptLanguage, t } from '../src/server/core/i18n.js';

/** Every leaf of a catalogue as dotted key → value (non-string leaves are reported as such). */
function leaves(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) {
      for (const [kk, vv] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
    }
  } else {
    out.set(prefix, node);
  }
  return out;
}

const placeholders = (s: string): string[] =>
  [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

describe('translations', () => {
  const svLeaves = leaves(sv);
  const enLeaves = leaves(en);

  it('sv and en have exactly the same keys', () => {
    const onlySv = [...svLeaves.keys()].filter((k) => !enLeaves.has(k));
    const onlyEn = [...enLeaves.keys()].filter((k) => !svLeaves.has(k));
    expect(onlySv, 'keys missing in en.json').toEqual([]);
    expect(onlyEn, 'keys missing in sv.json').toEqual([]);
    expect(svLeaves.size).toBeGreaterThan(40);
  });

  it('every value is a non-empty string', () => {
    for (const [name, map] of [
      ['sv', svLeaves],
      ['en', enLeaves],
    ] as const) {
      const bad = [...map].filter(([, v]) => typeof v !== 'string' || v.trim() === '');
      expect(
        bad.map(([k]) => k),
        `empty or non-string values in ${name}.json`,
      ).toEqual([]);
    }
  });

  it('both languages use the same placeholders in each message', () => {
    const mismatched = [...svLeaves.keys()].filter((k) => {
      const a = svLeaves.get(k);
      const b = enLeaves.get(k);
      return (
        typeof a === 'string' &&
        typeof b === 'string' &&
        placeholders(a).join() !== placeholders(b).join()
      );
    });
    expect(mismatched).toEqual([]);
  });

  it('every error code has a message in both languages', () => {
    const codes = Object.keys(ERROR_STATUS);
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      expect(svLeaves.get(`errors.${code}`), `sv errors.${code}`).toEqual(expect.any(String));
      expect(enLeaves.get(`errors.${code}`), `en errors.${code}`).toEqual(expect.any(String));
      expect(t('sv', `errors.${code}`)).not.toBe(`errors.${code}`);
      expect(t('en', `errors.${code}`)).not.toBe(`errors.${code}`);
    }
  });

  it('every field-error code the server produces has a message', () => {
    const codes = [
      'required',
      'invalid_type',
      'invalid_email',
      'invalid_format',
      'invalid_value',
      'too_small',
      'too_big',
      'unrecognized_keys',
      'not_integer',
      'invalid',
      'password_too_short',
      'password_common',
      'password_contains_email',
    ];
    for (const code of codes) {
      expect(svLeaves.get(`validation.${code}`), `sv validation.${code}`).toEqual(
        expect.any(String),
      );
      expect(enLeaves.get(`validation.${code}`), `en validation.${code}`).toEqual(
        expect.any(String),
      );
    }
    expect(t('en', 'validation.too_small', { minimum: 12 })).toContain('12');
    expect(t('sv', 'validation.password_too_short', { minimum: 12 })).toContain('12');
  });

  it('mail texts exist and carry the link', () => {
    for (const key of ['reset_body', 'invite_body']) {
      for (const lang of ['sv', 'en'] as const) {
        const text = t(lang, `mail.${key}`, {
          name: 'Namn',
          link: 'https://x.test/welcome#token=t',
        });
        expect(text).toContain('https://x.test/welcome#token=t');
        expect(text).toContain('Namn');
      }
    }
  });

  it('picks the language from Accept-Language, Swedish by default', () => {
    expect(localeFromAcceptLanguage(undefined)).toBe('sv');
    expect(localeFromAcceptLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('de-DE,de;q=0.9')).toBe('sv');
    expect(localeFromAcceptLanguage('de,en;q=0.5,sv;q=0.8')).toBe('sv');
    expect(localeFromAcceptLanguage('de,en;q=0.9,sv;q=0.1')).toBe('en');
    expect(localeFromAcceptLanguage('SV-se')).toBe('sv');
    expect(localeFromAcceptLanguage(';;;,,q=')).toBe('sv');
  });
});
