/**
 * @module pages/plan/heat-scale
 * The bottleneck heat map's colours: a sequential scale of load / limit in bands a legend can name,
 * each with a text colour that keeps WCAG AA contrast (4.5:1) on it, and a cell's state in words
 * (the colour is never the only sign: over-maximum cells carry a mark and say it).
 */

export interface HeatBand {
  /** The band holds shares from `from` (inclusive) to the next band's `from`. */
  readonly from: number;
  readonly label: string;
  readonly background: string;
  readonly ink: string;
}

/** Light to dark: idle, loaded, busy, full, over the limit (shares of the limit). */
export const HEAT_BANDS: readonly HeatBand[] = [
  { from: 0, label: 'under 50 %', background: '#f1f5f9', ink: '#1e293b' },
  { from: 0.5, label: '50–80 %', background: '#fef3c7', ink: '#1e293b' },
  { from: 0.8, label: '80–95 %', background: '#fdba74', ink: '#1e293b' },
  { from: 0.95, label: '95–100 %', background: '#c2410c', ink: '#ffffff' },
  { from: 1.0000001, label: 'over the limit', background: '#9f1239', ink: '#ffffff' },
];

/** A cell without load. */
export const IDLE_BAND: HeatBand = { from: 0, label: 'no load', background: '#ffffff', ink: '#4a5668' };

/** The band of `load` against `limit`: a zero limit with load is over it; no load is idle. */
export function heatBand(load: number, limit: number): HeatBand {
  if (!(load > 0)) return IDLE_BAND;
  if (!(limit > 0)) return HEAT_BANDS.at(-1)!;
  const share = load / limit;
  let band = HEAT_BANDS[0]!;
  for (const candidate of HEAT_BANDS) if (share >= candidate.from) band = candidate;
  return band;
}

export type CellState = 'idle' | 'within' | 'over-limit' | 'over-maximum';

/** Whether the load fits the limit, needs the maximum (overtime), or is beyond even the maximum. */
export function cellState(load: number, limit: number, maximum: number | null): CellState {
  if (!(load > 0)) return 'idle';
  if (load <= limit + 1e-9) return 'within';
  const ceiling = maximum ?? limit;
  return load > ceiling + 1e-9 ? 'over-maximum' : 'over-limit';
}

/** load / limit as a whole per cent, `—` without a limit. */
export function percentOf(load: number, limit: number): string {
  if (!(limit > 0)) return load > 0 ? 'no capacity' : '—';
  return `${Math.round((load / limit) * 100)} %`;
}

/** sRGB relative luminance (WCAG 2.x, section 1.4.3 "relative luminance"). */
export function luminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) => {
    const c = ((value >> shift) & 0xff) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

/** WCAG contrast ratio of two colours (1 … 21). */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
