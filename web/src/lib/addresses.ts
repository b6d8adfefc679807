import type { Address } from '../../../src/modules/contacts/contact-details.schemas.js';

/** The lines of a postal address, top to bottom, skipping the empty parts. */
export function addressLines(address: Address): string[] {
  const town = [address.locality, address.region].filter(Boolean).join(', ');
  const townLine = [town, address.postalCode].filter(Boolean).join(' ');
  return [address.street, townLine, address.country].filter((line): line is string => Boolean(line));
}

/** A map search for the address; OpenStreetMap needs no account and tracks no one. */
export function mapLink(address: Address): string {
  const query = [address.street, address.postalCode, address.locality, address.region, address.country]
    .filter(Boolean)
    .join(', ');
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(query)}`;
}
