/**
 * A moment as security emails show it. The recipient's time zone isn't known where mail is
 * rendered, so the time is given in UTC and says so: "25 November 2026 at 18:40 UTC".
 */
export function formatUtcTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formatted = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  return `${formatted.format(date)} UTC`;
}
