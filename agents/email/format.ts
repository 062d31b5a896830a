/**
 * Dates as the user reads them: in the time zone their client reported (the session's context).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDate(iso: string, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    // The session only accepts zones Intl knows, so this does not throw; one formatter per zone in use.
    format = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, format);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : format.format(date);
}
