import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalQuantile, pipelineUnits, safetyStock } from './reshore-inventory.ts';

/** Φ⁻¹(p) from Python 3.11's statistics.NormalDist().inv_cdf, an independent implementation of AS 241. */
const PYTHON_QUANTILES: readonly [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-20, -9.262340089798405],
  [1e-10, -6.361340902404056],
  [1e-5, -4.2648907939228256],
  [0.001, -3.090232306167813],
  [0.01, -2.3263478740408408],
  [0.02425, -1.9729610513118845],
  [0.05, -1.6448536269514726],
  [0.1, -1.2815515655446008],
  [0.3, -0.5244005127080407],
  [0.5, 0],
  [0.7, 0.5244005127080407],
  [0.9, 1.2815515655446008],
  [0.95, 1.6448536269514715],
  [0.975, 1.9599639845400536],
  [0.98, 2.053748910631822],
  [0.99, 2.3263478740408408],
  [0.999, 3.090232306167813],
  [0.999999999, 5.997807019601638],
];

describe('normalQuantile', () => {
  it('matches Python’s NormalDist.inv_cdf to 1e-14 relative over the whole range', () => {
    for (const [p, expected] of PYTHON_QUANTILES) {
      const value = normalQuantile(p);
      expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
    }
  });

  // 1 − p is exact enough above 1e-6 for the symmetry to hold to 1e-6.
  it('is antisymmetric and increasing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 0.5, noNaN: true }),
        fc.double({ min: 1e-9, max: 0.4, noNaN: true }),
        (p, step) => {
          expect(normalQuantile(p) + normalQuantile(1 - p)).toBeCloseTo(0, 6);
          if (p + step < 1) expect(normalQuantile(p + step)).toBeGreaterThan(normalQuantile(p));
        },
      ),
    );
  });

  it('refuses p outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});

describe('safetyStock', () => {
  it('reproduces Chopra & Meindl’s Dell example (lead-time uncertainty)', () => {
    // d = 2,500 a day, σd = 500, L = 7 days, CSL 0.90. With σL = 7 days: σ of demand over the lead
    // time 17,550 and safety inventory 22,491; with σL = 0: 1,323 and 1,695 (the book's figures).
    const withSpread = safetyStock({
      demandMean: 2500,
      demandStdDev: 500,
      leadTime: 7,
      leadTimeStdDev: 7,
      serviceLevel: 0.9,
    });
    expect(withSpread.leadTimeDemandStdDev).toBeCloseTo(17_550, -1);
    expect(Math.round(withSpread.units)).toBe(22_491);
    const fixed = safetyStock({
      demandMean: 2500,
      demandStdDev: 500,
      leadTime: 7,
      leadTimeStdDev: 0,
      serviceLevel: 0.9,
    });
    expect(Math.round(fixed.leadTimeDemandStdDev)).toBe(1_323);
    expect(Math.round(fixed.units)).toBe(1_695);
  });

  it('reduces to z σd √L with a fixed lead time and to z d σL with steady demand', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 52, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (mean, spread, leadTime, level) => {
          const z = normalQuantile(level);
          const a = safetyStock({
            demandMean: mean,
            demandStdDev: spread,
            leadTime,
            leadTimeStdDev: 0,
            serviceLevel: level,
          });
          expect(a.units).toBeCloseTo(z * spread * Math.sqrt(leadTime), 6);
          const b = safetyStock({
            demandMean: mean,
            demandStdDev: 0,
            leadTime,
            leadTimeStdDev: spread / 100,
            serviceLevel: level,
          });
          expect(b.units).toBeCloseTo((z * mean * spread) / 100, 6);
        },
      ),
    );
  });

  it('puts demand × lead time in the pipeline', () => {
    expect(pipelineUnits(2300, 10)).toBe(23_000);
  });
});
