/**
 * Dates as the user reads them: in the time zone their client reported (the session's context), in
 * the product's human form (agents/time.ts).
 */
export { fullTime, humanTime as formatDate, timeText } from '../time';
