/**
 * @module components/palette
 * The colours of the network views, each told in a legend: lanes by transport mode, companies by tier
 * (map) or region (graph). Chosen to stay apart for common colour-vision deficiencies and to read on
 * the light map background.
 */

export const MODE_COLOURS: Readonly<Record<string, string>> = {
  road: '#c2410c',
  rail: '#6d28d9',
  sea: '#0369a1',
  air: '#be185d',
  'inland-waterway': '#047857',
};

const TIER_COLOURS = ['#111827', '#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be123c', '#4d7c0f'];
const NO_TIER = '#9ca3af';

export function tierColour(tier: number | null): string {
  if (tier === null) return NO_TIER;
  return TIER_COLOURS[Math.min(tier, TIER_COLOURS.length - 1)]!;
}

const REGION_COLOURS = [
  '#1d4ed8',
  '#c2410c',
  '#047857',
  '#7c3aed',
  '#be185d',
  '#0e7490',
  '#a16207',
  '#4b5563',
];

export function regionColour(region: number): string {
  return REGION_COLOURS[region % REGION_COLOURS.length]!;
}
