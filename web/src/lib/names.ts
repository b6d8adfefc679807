export const fullName = (contact: { firstName: string; lastName: string | null }) =>
  contact.lastName ? `${contact.firstName} ${contact.lastName}` : contact.firstName;
