import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: 'NEEDS_COUNTRY_CODE' | 'INVALID' };

// Digits and the punctuation people put between them. Letters are refused rather than skipped:
// "ext. 12" or a vanity "1-800-FLOWERS" can't be stored as E.164 without losing what was meant.
const HUMAN_FORMAT = /^\+?[\d\s\-()./]+$/u;
// Longer than any real number with generous formatting; keeps the parser away from huge inputs.
const MAX_INPUT_LENGTH = 64;

const INVALID = { ok: false, reason: 'INVALID' } as const;

function parseValid(text: string, region?: CountryCode): string | undefined {
  // The "max" metadata checks the number against each country's numbering plan, not only its length.
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * Reads a phone number as a person types it and returns its E.164 form. A number without a country
 * code is read in `region` (ISO 3166 alpha-2, the user's setting); without a usable region it
 * can't be placed, which the caller reports differently from a number that is simply wrong.
 */
export function normalizePhone(input: string, region: string | null): PhoneResult {
  // Opening parentheses may wrap the "+" ("(+44) 20 ..."); drop them so the "+" leads.
  const text = input.trim().replace(/^\(\s*(?=\+)/, '');
  if (text.length === 0 || text.length > MAX_INPUT_LENGTH || !HUMAN_FORMAT.test(text)) return INVALID;
  const digits = text.replace(/\D/g, '');
  if (digits.length === 0) return INVALID;

  if (text.startsWith('+')) {
    // Parsing the bare digits lets the library drop a trunk "(0)" written after the country code.
    const e164 = parseValid(`+${digits}`);
    return e164 ? { ok: true, e164 } : INVALID;
  }

  const country = region?.toUpperCase();
  const knownRegion = country !== undefined && isSupportedCountry(country) ? country : undefined;
  if (knownRegion) {
    // The region's own international prefix ("00" in most of the world, "011" in North America).
    const e164 = parseValid(digits, knownRegion);
    if (e164) return { ok: true, e164 };
  }
  // "00" is the international prefix almost everywhere and starts no national number, so
  // "0044 20 ..." is read as "+44 20 ..." even where the region dials abroad differently, or
  // when there is no region.
  if (digits.startsWith('00')) {
    const e164 = parseValid(`+${digits.slice(2)}`);
    return e164 ? { ok: true, e164 } : INVALID;
  }
  return knownRegion ? INVALID : { ok: false, reason: 'NEEDS_COUNTRY_CODE' };
}
