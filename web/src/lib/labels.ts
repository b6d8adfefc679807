import { suggestedLabels } from '../../../src/modules/contacts/contact-details.schemas.js';

export type SuggestedLabel = (typeof suggestedLabels)[number];
export { suggestedLabels };

export const isSuggestedLabel = (label: string): label is SuggestedLabel =>
  (suggestedLabels as readonly string[]).includes(label);

/** A label as shown: the suggested ones capitalised ("mobile" → "Mobile"), any other as it was typed. */
export function labelText(label: string | null | undefined): string {
  if (!label) return '';
  return isSuggestedLabel(label) ? label.charAt(0).toUpperCase() + label.slice(1) : label;
}
