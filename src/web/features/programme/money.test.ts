import { describe, expect, it } from 'vitest';
import { formatOre, oreToKronorInput, parseKronor } from './money.js';

describe('kronor typed in a form become integer öre', () => {
  it('reads Swedish and English notation exactly', () => {
    expect(parseKronor('1 234,50')).toEqual({ ok: true, ore: 123450 });
    expect(parseKronor('1234.50')).toEqual({ ok: true, ore: 123450 });
    expect(parseKronor('1\u00a0234,5')).toEqual({ ok: true, ore: 123450 });
    expect(parseKronor('0,07')).toEqual({ ok: true, ore: 7 });
    expect(parseKronor('45 000 kr')).toEqual({ ok: true, ore: 4_500_000 });
    expect(parseKronor('1200')).toEqual({ ok: true, ore: 120_000 });
    // 0.1 + 0.2 style errors cannot happen: no floating point on the way.
    expect(parseKronor('19,99')).toEqual({ ok: true, ore: 1999 });
    expect(parseKronor('  ')).toEqual({ ok: true, ore: null });
  });

  it('refuses more than two decimals, signs and other text', () => {
    expect(parseKronor('12,345')).toEqual({ ok: false, problem: 'decimals' });
    expect(parseKronor('-5')).toEqual({ ok: false, problem: 'format' });
    expect(parseKronor('1,234.50')).toEqual({ ok: false, problem: 'format' });
    expect(parseKronor('tio')).toEqual({ ok: false, problem: 'format' });
    expect(parseKronor('99999999999')).toEqual({ ok: false, problem: 'tooLarge' });
  });

  it('writes öre back for a field and for display', () => {
    expect(oreToKronorInput(123450, ',')).toBe('1234,50');
    expect(oreToKronorInput(120000, '.')).toBe('1200');
    expect(oreToKronorInput(null, ',')).toBe('');
    expect(formatOre(3_900_000, 'sv-SE').replace(/\s/g, ' ')).toBe('39 000 kr');
    expect(formatOre(123450, 'sv-SE').replace(/\s/g, ' ')).toBe('1 234,50 kr');
  });
});
