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
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = Date.UTC(year, month - 1, day);
  const check = new Date(value);
  // Reject 2027-02-30 and the like, which Date.UTC would roll over into March.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return Number.NaN;
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
