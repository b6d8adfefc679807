/** A contact's initials on a soft colour picked from their name, as a decorative picture. */
export function InitialsAvatar({
  firstName,
  lastName,
  size = 'medium',
}: {
  firstName: string;
  lastName: string | null;
  size?: 'small' | 'medium' | 'large';
}) {
  const initials = [firstName, lastName ?? '']
    .map((name) => [...name.trim()][0] ?? '')
    .join('')
    .toUpperCase();
  let hash = 0;
  for (const char of `${firstName} ${lastName ?? ''}`) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return (
    <span
      className={`initials ${size}`}
      style={{ backgroundColor: `hsl(${hash} 40% 88%)`, color: `hsl(${hash} 45% 28%)` }}
      aria-hidden="true"
    >
      {initials || '?'}
    </span>
  );
}
