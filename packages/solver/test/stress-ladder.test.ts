/**
 * The survival ladder (`survivalRungs`) changes how long the stress test takes, not its answer: on
 * generated networks, every company's loss, REI, rank, flag and lost demand are the same with the
 * ladder as with every survival LP solved whole from the undisrupted optimum, and its TTS agrees to
 * 1e-5 relative. Not to the reported millionth: a whole survival LP warm-started in a HiGHS instance
 * that has solved other companies before can stop that much short (network 66/648236, production
 * disruption, TTR 2: sup-00061 gets 37.750704 in the whole run; the same LP solved cold, or warm on
 * its own, and the ladder's rung give 37.750759).
 */
import { type CompanyStress, generateNetwork, type StressResult, stressTest } from '@keten/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsSolver } from '../src/index.ts';

const solver = createHighsSolver({ keepModels: 32 });
afterAll(() => solver.dispose());

/** Everything a reader sees of a company but its TTS. */
function figures(result: StressResult): Omit<CompanyStress, 'name' | 'tier' | 'tts'>[] {
  return result.companies.map(({ name: _, tier: __, tts: ___, ...figures }) => figures);
}

/** The TTS of each company, by id. */
function times(result: StressResult): Map<string, number> {
  return new Map(result.companies.map((entry) => [entry.company, entry.tts]));
}

describe('the survival ladder', () => {
  let climbs = 0;
  it('gives every company the same figures as the whole survival LP (generated networks, 60–240 companies)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60, max: 240 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(2, 4, 13),
        fc.constantFrom('site' as const, 'production' as const),
        async (companies, seed, rungs, ttr, disruption) => {
          const network = generateNetwork({ companies, seed, horizon: 52 });
          const options = { ttr, solver, disruption };
          const whole = await stressTest(network, { ...options, survivalRungs: 0 });
          const climbed = await stressTest(network, { ...options, survivalRungs: rungs });
          if (!whole.ok || !climbed.ok) throw new Error('the stress test failed');
          expect(figures(climbed.value)).toEqual(figures(whole.value));
          const wholeTimes = times(whole.value);
          for (const [company, tts] of times(climbed.value)) {
            const expected = wholeTimes.get(company)!;
            if (tts !== expected) expect(Math.abs(tts - expected)).toBeLessThan(1e-5 * expected);
          }
          expect(climbed.value.baseline).toEqual(whole.value.baseline);
          // The ladder was climbed: its rungs are LPs of their own.
          if (Number.isFinite(whole.value.baseline.tts)) {
            climbs++;
            expect(climbed.value.solves).not.toBe(whole.value.solves);
          }
        },
      ),
      { numRuns: 5, seed: 4 },
    );
    expect(climbs).toBeGreaterThan(0);
  }, 300_000);
});
