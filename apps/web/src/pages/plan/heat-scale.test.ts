import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellState, contrast, HEAT_BANDS, heatBand, IDLE_BAND, percentOf } from './heat-scale.ts';

describe('heat scale', () => {
  it('puts a share in its band, a zero limit with load over it, no load idle', () => {
    expect(heatBand(0, 10)).toBe(IDLE_BAND);
    expect(heatBand(4, 10).label).toBe('under 50 %');
    expect(heatBand(5, 10).label).toBe('50–80 %');
    expect(heatBand(9, 10).label).toBe('80–95 %');
    expect(heatBand(10, 10).label).toBe('95–100 %');
    expect(heatBand(10.5, 10).label).toBe('over the limit');
    expect(heatBand(1, 0).label).toBe('over the limit');
  });

  it('bands grow darker with load: a higher share never falls in a lower band', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const rank = (share: number) => HEAT_BANDS.indexOf(heatBand(share * 100, 100));
          if (low > 0) expect(rank(low)).toBeLessThanOrEqual(rank(high));
        },
      ),
    );
  });

  it('every band keeps AA contrast (4.5:1) between its text and background', () => {
    for (const band of [...HEAT_BANDS, IDLE_BAND]) {
      expect(contrast(band.ink, band.background), band.label).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 6);
  });

  it('tells within, over the limit (overtime) and over the maximum apart', () => {
    expect(cellState(0, 10, 12)).toBe('idle');
    expect(cellState(10, 10, 12)).toBe('within');
    expect(cellState(11, 10, 12)).toBe('over-limit');
    expect(cellState(13, 10, 12)).toBe('over-maximum');
    expect(cellState(11, 10, null)).toBe('over-maximum');
    expect(percentOf(9, 10)).toBe('90 %');
    expect(percentOf(0, 0)).toBe('—');
    expect(percentOf(3, 0)).toBe('no capacity');
  });
});
