/**
 * Times as people read them, in the time zone their client reported (the view's context): short and
 * relative to the calendar ("14:03" today, "Yesterday, 14:03", "Mon, 14:03" within the week, "3 Dec"
 * this year, "3 Dec 2025" before), and in full for a tooltip ("Saturday 6 December 2026, 14:03").
 * Calendar-relative rather than "2 min ago": a label that changes only at midnight needs no timer to
 * stay true, so views stay pure functions of their state.
 */
import { text, type TextVariant, type UiNode } from '../renderer';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    // The session only accepts zones Intl knows, so this does not throw; one formatter per zone and shape.
    format = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    formatters.set(key, format);
  }
  return format;
}

/** `2026-12-06` of `date` in `timeZone`. */
function dayOf(date: Date, timeZone: string): string {
  return formatter(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

const DAY_MS = 86_400_000;

/** The short, calendar-relative form; '' for a date that does not parse. */
export function humanTime(iso: string, timeZone: string, now = Date.now()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const clock = formatter(timeZone, { hour: '2-digit', minute: '2-digit' }).format(date);
  const day = dayOf(date, timeZone);
  if (day === dayOf(new Date(now), timeZone)) return clock;
  if (day === dayOf(new Date(now - DAY_MS), timeZone)) return `Yesterday, ${clock}`;
  const age = now - date.getTime();
  if (age > 0 && age < 6 * DAY_MS) return `${formatter(timeZone, { weekday: 'short' }).format(date)}, ${clock}`;
  const sameYear = formatter(timeZone, { year: 'numeric' }).format(date) === formatter(timeZone, { year: 'numeric' }).format(new Date(now));
  return formatter(timeZone, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

/** The full form, for a tooltip and screen readers. */
export function fullTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return formatter(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(date);
}

/** A Text showing a time: the short form, the full one as its description (clients show it on hover). */
export function timeText(id: string, iso: string, timeZone: string, variant: TextVariant = 'caption', prefix = ''): UiNode {
  const full = fullTime(iso, timeZone);
  return text(id, { text: `${prefix}${humanTime(iso, timeZone)}`, variant, ...(full ? { accessibility: { description: full } } : {}) });
}
