/**
 * @module components/format
 * Every number the app shows goes through here, so each has its unit: quantities with the item's
 * unit, lead times in periods (weeks or days), shares in %, money with its currency.
 */

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** `1234.5, 'pcs'` → `1,234.5 pcs`. */
export function quantity(value: number, unit: string): string {
  return `${numberFormat.format(value)} ${unit}`;
}

/** `0.7` → `70 %`. */
export function share(value: number): string {
  return `${numberFormat.format(Math.round(value * 1000) / 10)} %`;
}

/** `3, 'week'` → `3 weeks`. */
export function periods(count: number, period: 'day' | 'week'): string {
  return `${numberFormat.format(count)} ${period}${count === 1 ? '' : 's'}`;
}

/** `12.5, 'EUR'` → `€12.50`. */
export function money(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(value);
  } catch {
    return `${numberFormat.format(value)} ${currency}`;
  }
}

/** A whole count with its noun: `1 company`, `44 companies`. */
export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${numberFormat.format(value)} ${value === 1 ? singular : plural}`;
}

/** A capacity per period: one value, or the range of a list of values per period. */
export function perPeriod(value: number | readonly number[], unit: string, period: 'day' | 'week'): string {
  if (typeof value === 'number') return `${numberFormat.format(value)} ${unit}/${period}`;
  if (value.length === 0) return `0 ${unit}/${period}`;
  const low = Math.min(...value);
  const high = Math.max(...value);
  if (low === high) return `${numberFormat.format(low)} ${unit}/${period}`;
  return `${numberFormat.format(low)}–${numberFormat.format(high)} ${unit}/${period} (varies by ${period})`;
}

/** Milliseconds as `850 ms` or `1.2 s`. */
export function duration(milliseconds: number): string {
  return milliseconds < 1000
    ? `${Math.round(milliseconds)} ms`
    : `${numberFormat.format(Math.round(milliseconds / 100) / 10)} s`;
}

/** A tier with its meaning: `tier 0 (OEM)`. */
export function tierName(tier: number | null): string {
  if (tier === null) return 'in no chain';
  return tier === 0 ? 'tier 0 (sells to end customers)' : `tier ${tier}`;
}
