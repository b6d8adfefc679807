import { Argon2Queue } from './argon2-queue.js';

// OWASP's recommended argon2id setting (m=19 MiB, t=2, p=1); @node-rs/argon2 defaults to argon2id.
// It runs on libuv's thread pool, never on the event loop, at most one hash per core at a time
// (argon2-queue.ts), so a burst of logins waits its turn instead of crowding out other requests.
export const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const queue = new Argon2Queue({ argon2: ARGON2_OPTIONS });

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordLength } from './password-rules.js';

export function hashPassword(password: string): Promise<string> {
  return queue.hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await queue.verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash, so a login for an unknown email costs as much time as one
 * with a wrong password and response timing does not reveal which addresses have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('kith-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}

let commonPasswords: Promise<Set<string>> | undefined;

/**
 * True for passwords on zxcvbn-ts's list of the most common ones (case-insensitive). The list is
 * loaded on the first check (+5 MB of RSS): an instance that only signs people in never needs it.
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())),
  );
  return (await commonPasswords).has(password.toLowerCase());
}

/**
 * Words a password may not be made of alone (ASVS 5.0 6.1.2 and 6.2.11): this product's own names
 * and what it holds, and the account's email address and name. "kith2026!", "adaLovelace" and
 * "contactscontacts" are refused; a passphrase that merely contains one of them is not.
 */
export const CONTEXT_WORDS = ['kith', 'contact', 'contacts', 'addressbook', 'address', 'book', 'birthday', 'birthdays', 'carddav'] as const;

const lettersOf = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}]/gu, '');

/** True when, leaving out digits and symbols, the password is only context words, repeated or joined. */
export function isContextPassword(password: string, account: { email: string; name: string }): boolean {
  const letters = lettersOf(password);
  if (letters === '') return false;
  const [local = '', domain = ''] = account.email.toLowerCase().split('@');
  const words = new Set(
    [...CONTEXT_WORDS, local, ...local.split(/[^\p{L}]+/u), domain.split('.')[0] ?? '', ...account.name.split(/\s+/), account.name]
      .map(lettersOf)
      .filter((word) => word.length >= 3),
  );
  // Whether letters[0..i) splits into context words, for every i.
  const splits = [true, ...Array<boolean>(letters.length).fill(false)];
  for (let end = 1; end <= letters.length; end += 1) {
    for (const word of words) {
      if (word.length <= end && splits[end - word.length] && letters.startsWith(word, end - word.length)) {
        splits[end] = true;
        break;
      }
    }
  }
  return splits[letters.length] === true;
}
