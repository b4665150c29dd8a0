/**
 * @module exchange/weeks
 * A network's periods as calendar dates and ISO weeks, for the week-based Catena-X models. A week's
 * `pointInTime` is the date of its Monday (ISO 8601-1:2019 weeks run Monday to Sunday; the models'
 * PointInTimeCharacteristic: "Must be given as date of the Monday in the week").
 *
 * Dates are computed in UTC from the network's `start` (calendar arithmetic only; no clock is read).
 * A `week` network's period p starts `start + 7p` days, a `day` network's `start + p` days.
 */
import type { Network } from '../model/schema.ts';

const DAY = 86_400_000;

/** Milliseconds since the epoch of a `YYYY-MM-DD` date at 00:00 UTC; NaN when it is not a date. */
export function dateValue(date: string): number {
  // A received forecast names the same few dozen Mondays in every message: each is read once.
  const known = DATE_VALUES.get(date);
  if (known !== undefined) return known;
  const value = readDate(date);
  if (DATE_VALUES.size >= MAX_DATE_VALUES) DATE_VALUES.clear();
  DATE_VALUES.set(date, value);
  return value;
}

/** Dates read already (text to time value, NaN for a text that is no date); cleared when full. */
const DATE_VALUES = new Map<string, number>();
const MAX_DATE_VALUES = 4096;

function readDate(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 0x2d || date.charCodeAt(7) !== 0x2d) return Number.NaN;
  const year = digits(date, 0, 4);
  const month = digits(date, 5, 7);
  const day = digits(date, 8, 10);
  // Years before 100 are refused as before (Date.UTC reads 0-99 as 1900-1999).
  if (year < 100 || month < 1 || month > 12 || day < 1) return Number.NaN;
  // Reject 2027-02-30 and the like, which Date.UTC would roll over into March.
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > days) return Number.NaN;
  return Date.UTC(year, month - 1, day);
}

/** The decimal number in `text[from, to)`, or -1 when a character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index) - 0x30;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/** `YYYY-MM-DD` of a UTC time value. */
export function dateText(value: number): string {
  return new Date(value).toISOString().slice(0, 10);
}

/** The Monday of the ISO week a time value falls in, as a time value. */
export function mondayOf(value: number): number {
  const weekday = (new Date(value).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return value - weekday * DAY;
}

/** Days per period of the network. */
export function periodDays(network: Pick<Network, 'period'>): number {
  return network.period === 'week' ? 7 : 1;
}

/** The first day of period `period`, as a time value. */
export function periodStart(network: Pick<Network, 'period' | 'start'>, period: number): number {
  return dateValue(network.start) + period * periodDays(network) * DAY;
}

/** The first day of period `period` as `YYYY-MM-DD`. */
export function periodDate(network: Pick<Network, 'period' | 'start'>, period: number): string {
  return dateText(periodStart(network, period));
}

/**
 * The period a date falls in (may be negative, or beyond the horizon); undefined when it is not a
 * date. A week network whose `start` is not a Monday counts weeks from `start` all the same.
 */
export function periodOfDate(network: Pick<Network, 'period' | 'start'>, date: string): number | undefined {
  const value = dateValue(date);
  if (Number.isNaN(value)) return undefined;
  return Math.floor((value - dateValue(network.start)) / (periodDays(network) * DAY));
}

/** One ISO week of a network's horizon: its Monday and the periods in it. */
export interface WeekBucket {
  /** `YYYY-MM-DD` of the week's Monday. */
  readonly monday: string;
  /** Periods of the horizon whose first day falls in this week, ascending. */
  readonly periods: number[];
}

/**
 * The ISO weeks that the horizon's periods fall in, in order. A week network has one period per
 * week (its first day decides the week, so a start on a Wednesday still maps each period to one
 * week); a day network has up to seven, the first and last week possibly fewer.
 */
export function weekBuckets(network: Pick<Network, 'period' | 'start'>, horizon: number): WeekBucket[] {
  const buckets: WeekBucket[] = [];
  for (let period = 0; period < horizon; period++) {
    const monday = dateText(mondayOf(periodStart(network, period)));
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.monday === monday) last.periods.push(period);
    else buckets.push({ monday, periods: [period] });
  }
  return buckets;
}

/**
 * The period in which a week given by its Monday begins for the network: for a week network the
 * period that Monday falls in; for a day network the Monday's own period. May be outside the horizon.
 */
export function periodOfWeek(network: Pick<Network, 'period' | 'start'>, monday: string): number | undefined {
  return periodOfDate(network, monday);
}

/** True when `date` is a `YYYY-MM-DD` Monday. */
export function isMonday(date: string): boolean {
  const value = dateValue(date);
  return !Number.isNaN(value) && mondayOf(value) === value;
}
