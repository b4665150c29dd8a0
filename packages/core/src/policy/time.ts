/**
 * @module policy/time
 * Instants in policies: strict ISO 8601 / RFC 3339 date-times with a zone (`2027-12-31T23:59:59Z`,
 * `2027-12-31T23:59:59+01:00`, seconds and fractions optional as XML Schema `xsd:dateTime` allows). A
 * date-time without a zone is ambiguous across the companies of a network, so it is refused rather than
 * read in some local zone; so is a date that is not in the calendar (2027-02-30).
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since 1970-01-01T00:00:00Z, or `undefined` when `text` is not such an instant. */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 14 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const milliseconds = fraction === '' ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not.
  const utc = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, milliseconds));
  utc.setUTCFullYear(y);
  return utc.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  // Gregorian leap years: divisible by 4, except centuries not divisible by 400.
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * An instant as the Catena-X profile writes it: UTC, whole seconds (`2027-12-31T23:59:59Z`; the
 * profile's date pattern has no fractions). Milliseconds are dropped.
 */
export function formatInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
