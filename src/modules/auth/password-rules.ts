/**
 * The password rules a browser can check too. Kept apart from passwords.ts, which hashes with a
 * native module, so the web app can import the same schemas the API validates with.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Length in Unicode code points, so an emoji counts as one character, as a person counts it. */
export const passwordLength = (password: string) => [...password].length;
