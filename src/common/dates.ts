import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * The one date parser behind every date a client sends (query strings, DTOs, ingested rows): calendar
 * dates and date-times in the ISO 8601 extended form that Date.parse reads the same way everywhere.
 * Week dates, ordinal dates, basic forms and hour-only times are refused, and so is a day the month
 * does not have (Date.parse would roll 2026-02-30 over into March).
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export const DATE_TIME_HINT = 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z';
export const DAY_HINT = 'must be a date such as 2026-01-31';

/** Epoch ms of an ISO 8601 date or date-time, or null when the text is not one. */
export function parseIsoDateTime(text: unknown): number | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  const m = ISO_DATE_TIME.exec(text);
  if (!m || !isCalendarDay(+m[1], +m[2], +m[3])) return null;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59))) return null;
  if (m[8] !== undefined && (+m[8] > 23 || +m[9] > 59)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Epoch ms of the UTC midnight starting a YYYY-MM-DD day, or null. */
export function parseIsoDay(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_DAY.exec(text);
  if (!m || !isCalendarDay(+m[1], +m[2], +m[3])) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3]);
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** class-validator: a date-time parseIsoDateTime reads (use instead of IsISO8601, which accepts more). */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsoDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property ${DATE_TIME_HINT}`, ...options },
      validator: { validate: (value: unknown) => parseIsoDateTime(value) !== null },
    });
}

/** class-validator: a YYYY-MM-DD calendar day; the empty string passes when `allowEmpty` (blank form fields). */
export function IsIsoDay(allowEmpty = false, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsoDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property ${DAY_HINT}`, ...options },
      validator: { validate: (value: unknown) => (allowEmpty && value === '') || parseIsoDay(value) !== null },
    });
}
