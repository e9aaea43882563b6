import { describe, expect, it } from 'vitest';
import { canonicalInvestmentCode, checkUscc, usccCheckChar } from './codes.js';
import { normalizeProjectName, normalizeText } from './text.js';
import { beijingToIso, businessDate, DateError, isoToEpochMs } from './time.js';

describe('investment codes', () => {
  it.each([
    ['2023-150203-48-01-000123', '2023-150203-48-01-000123'],
    ['20231502034801000123', '2023-150203-48-01-000123'],
    ['２０２３-１５０２０３-４８-０１-０００１２３', '2023-150203-48-01-000123'],
    ['２０２３－１５０２０３－４８－０１－０００１２３', '2023-150203-48-01-000123'],
    ['２０２３１５０２０３４８０１０００１２３', '2023-150203-48-01-000123'],
    ['2021-150203-39-03-51627a', '2021-150203-39-03-51627A'],
  ])('%s → %s', (raw, canon) => expect(canonicalInvestmentCode(raw)).toBe(canon));

  it.each(['2023-150203-48-01-00012', '2023150203480100012', '', 'abc', '2023-150203-48-09-000123'])(
    'rejects %j',
    (raw) => expect(canonicalInvestmentCode(raw)).toBeNull(),
  );
});

describe('USCC', () => {
  it('verifies the document example and flags a bad check character', () => {
    expect(checkUscc('91350100M000100Y43')).toEqual({
      uscc: '91350100M000100Y43',
      shape: true,
      checksum: true,
    });
    expect(checkUscc('91350100M000100Y44')).toMatchObject({ shape: true, checksum: false });
    expect(checkUscc('150203000012345')).toMatchObject({ shape: false });
    expect(checkUscc('91350100M000100YI3')).toMatchObject({ shape: false });
  });
  it('computes check characters that verify', () => {
    const first = '91150203MA0N1B2C3';
    expect(checkUscc(first + usccCheckChar(first))).toMatchObject({ checksum: true });
  });
});

describe('names', () => {
  it('folds width, spaces, brackets and the city prefix', () => {
    const registered = '包头市博强医药年产10000吨稀土抛光粉（一期）项目';
    expect(normalizeProjectName('博强医药年产１００００吨稀土抛光粉(一期) 项目')).toBe(
      normalizeProjectName(registered),
    );
    expect(normalizeProjectName('　包头市博强医药年产10000吨稀土抛光粉（一期）项目 ')).toBe(
      normalizeProjectName(registered),
    );
    expect(normalizeText('Ａｂ　ｃ')).toBe('ABC');
  });
});

describe('time', () => {
  it('Beijing wall time → UTC', () => {
    expect(beijingToIso('2023-06-02 10:11:12')).toBe('2023-06-02T02:11:12Z');
    expect(beijingToIso('2023-01-01 07:59:59')).toBe('2022-12-31T23:59:59Z');
  });
  it.each(['2023-13-45', '2023-02-30', '0000-00-00', '2023-2-3', ''])('rejects date %j', (d) => {
    expect(() => businessDate(d)).toThrow(DateError);
  });
  it('accepts leap days only in leap years', () => {
    expect(businessDate('2024-02-29')).toBe('2024-02-29');
    expect(() => businessDate('2023-02-29')).toThrow(/calendar/);
  });
  it('parses ISO with offsets', () => {
    expect(isoToEpochMs('2023-09-15T10:02:11+08:00')).toBe(Date.UTC(2023, 8, 15, 2, 2, 11));
    expect(() => isoToEpochMs('2023-09-15 10:02:11')).toThrow();
  });
});
