import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone.js';

const ok = (e164: string) => ({ ok: true, e164 });
const invalid = { ok: false, reason: 'INVALID' };
const needsCountryCode = { ok: false, reason: 'NEEDS_COUNTRY_CODE' };

describe('normalizePhone', () => {
  it('reads a national number in the user region', () => {
    expect(normalizePhone('050 123 4567', 'UA')).toEqual(ok('+380501234567'));
    expect(normalizePhone('(050) 123-45-67', 'UA')).toEqual(ok('+380501234567'));
    expect(normalizePhone('050.123.4567', 'ua')).toEqual(ok('+380501234567'));
    expect(normalizePhone(' 050/123 45 67 ', 'UA')).toEqual(ok('+380501234567'));
    expect(normalizePhone('(415) 555-2671', 'US')).toEqual(ok('+14155552671'));
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual(ok('+442079460958'));
  });

  it('reads an international number whatever the region', () => {
    expect(normalizePhone('+1 (415) 555-2671', null)).toEqual(ok('+14155552671'));
    expect(normalizePhone('+1 (415) 555-2671', 'UA')).toEqual(ok('+14155552671'));
    expect(normalizePhone('+14155552671', null)).toEqual(ok('+14155552671'));
    expect(normalizePhone('+380 (050) 123-45-67', null)).toEqual(ok('+380501234567'));
    expect(normalizePhone('+44 (0) 20 7946 0958', null)).toEqual(ok('+442079460958'));
    expect(normalizePhone('(+44) 20 7946 0958', null)).toEqual(ok('+442079460958'));
    expect(normalizePhone('+44\u00a020\u00a07946\u00a00958', null)).toEqual(ok('+442079460958'));
  });

  it('reads the 00 international prefix, with or without a region', () => {
    expect(normalizePhone('0044 20 7946 0958', null)).toEqual(ok('+442079460958'));
    expect(normalizePhone('0044 20 7946 0958', 'UA')).toEqual(ok('+442079460958'));
    expect(normalizePhone('0044 20 7946 0958', 'US')).toEqual(ok('+442079460958')); // US dials 011, still clear
    expect(normalizePhone('011 44 20 7946 0958', 'US')).toEqual(ok('+442079460958'));
  });

  it('asks for a country code when a national number has no region to be read in', () => {
    expect(normalizePhone('050 123 4567', null)).toEqual(needsCountryCode);
    expect(normalizePhone('(415) 555-2671', null)).toEqual(needsCountryCode);
    expect(normalizePhone('050 123 4567', 'XX')).toEqual(needsCountryCode); // not a region we know
  });

  it('rejects garbage', () => {
    for (const input of ['', '   ', 'garbage', '---', '()', '+', '12', '+0 415 555 2671', '++1 415 555 2671', '+1 415 555+2671', '1'.repeat(80)]) {
      expect(normalizePhone(input, 'UA'), JSON.stringify(input)).toEqual(invalid);
    }
    expect(normalizePhone('+1 415 555', null)).toEqual(invalid); // too short for the US
    expect(normalizePhone('050 123', 'UA')).toEqual(invalid);
    expect(normalizePhone('0044 12', null)).toEqual(invalid);
  });

  it('rejects letters rather than skipping them', () => {
    expect(normalizePhone('1-800-FLOWERS', 'US')).toEqual(invalid);
    expect(normalizePhone('+1 415 555 2671 ext. 12', null)).toEqual(invalid);
    expect(normalizePhone('call +14155552671', null)).toEqual(invalid);
    expect(normalizePhone('abc', null)).toEqual(invalid);
  });
});
