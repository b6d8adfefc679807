import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** An E.164 number grouped as people read it (+44 20 7946 0958); anything unreadable as it is. */
export function displayPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
