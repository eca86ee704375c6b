import { describe, expect, it } from 'vitest';
import { bpToPercentInput, formatBp, overheadOf, parsePercent } from './percent.js';

describe('the overhead share typed in percent becomes basis points', () => {
  it('reads Swedish and English notation exactly', () => {
    expect(parsePercent('10')).toEqual({ ok: true, bp: 1000 });
    expect(parsePercent('12,5')).toEqual({ ok: true, bp: 1250 });
    expect(parsePercent('7.25')).toEqual({ ok: true, bp: 725 });
    expect(parsePercent('0,07')).toEqual({ ok: true, bp: 7 });
    expect(parsePercent(' 10 %')).toEqual({ ok: true, bp: 1000 });
    expect(parsePercent('100')).toEqual({ ok: true, bp: 10_000 });
    expect(parsePercent('0')).toEqual({ ok: true, bp: 0 });
    // 0.29 × 100 is 28.999… in floating point; read digit by digit it is 29.
    expect(parsePercent('0,29')).toEqual({ ok: true, bp: 29 });
  });

  it('refuses more than two decimals, more than 100 % and other text', () => {
    expect(parsePercent('10,125')).toEqual({ ok: false, problem: 'decimals' });
    expect(parsePercent('100,01')).toEqual({ ok: false, problem: 'tooLarge' });
    expect(parsePercent('1000')).toEqual({ ok: false, problem: 'tooLarge' });
    expect(parsePercent('-5')).toEqual({ ok: false, problem: 'format' });
    expect(parsePercent('')).toEqual({ ok: false, problem: 'format' });
    expect(parsePercent('tio')).toEqual({ ok: false, problem: 'format' });
  });

  it('writes basis points back for a field and for display', () => {
    expect(bpToPercentInput(1000, ',')).toBe('10');
    expect(bpToPercentInput(1250, ',')).toBe('12,5');
    expect(bpToPercentInput(725, '.')).toBe('7.25');
    expect(bpToPercentInput(7, ',')).toBe('0,07');
    expect(formatBp(1000, 'sv-SE').replace(/\s/g, ' ')).toBe('10 %');
    expect(formatBp(1250, 'en-GB')).toBe('12.5%');
  });

  it('rounds the overhead down to whole öre', () => {
    expect(overheadOf(100_000_00, 1000)).toBe(10_000_00);
    expect(overheadOf(999, 1000)).toBe(99);
  });
});
