/**
 * Validation against the literature: the simulator's bullwhip ratios against the closed forms of
 * Chen, Drezner, Ryan & Simchi-Levi (2000, Management Science 46(3)) and Chen, Ryan & Simchi-Levi
 * (2000, Naval Research Logistics 47(4)), and Sterman's beer game (1989).
 *
 * Setting of the formulas: i.i.d. demand, order-up-to level y_t = L · forecast (z = 0; with z > 0 the
 * formulas are lower bounds), negative orders allowed (`allowReturns`), so q_t = y_t − y_{t−1} + D_t.
 * L is the simulator's L: an order placed in period t arrives at the start of period t + L
 * (information delay + lane lead time, at least 1), see `engine.ts`.
 *
 * Tolerances: ratios are estimated from 20 runs × 2,000 measured periods (40,000 periods); the
 * standard error of each estimate is about 1 %, so 4 % is a tolerance about four standard errors wide.
 */
import { describe, expect, it } from 'vitest';
import { validateNetwork } from '../model/validate.ts';
import { beerGameNetwork, beerGameScenario, serialChainNetwork } from './chains.ts';
import { validateScenario } from './load-scenario.ts';
import type { OrderingPolicy, Scenario } from './scenario.ts';
import { type SimulationResult, simulate } from './simulate.ts';

const TOLERANCE = 0.04;
const RUNS = 20;
const PERIODS = 2050;
const WARM_UP = 50;

function chainRun(
  leadTimes: number[],
  ordering: OrderingPolicy,
  extra: { informationSharing?: boolean; informationDelay?: number } = {},
): SimulationResult {
  const network = serialChainNetwork({ leadTimes });
  expect(validateNetwork(network).network).toBeDefined();
  const scenario: Scenario = {
    format: 'keten.scenario/v1',
    name: 'chen',
    periods: PERIODS,
    warmUp: WARM_UP,
    demand: [{ company: 'stage-0', item: 'unit', pattern: { type: 'normal', mean: 1000, stdDev: 50 } }],
    policy: { default: ordering, allowReturns: true, ...extra },
  };
  expect(validateScenario(scenario, network).issues).toEqual([]);
  return simulate(network, scenario, { runs: RUNS, seed: 2000 });
}

/** Var(orders of stage k) / Var(end demand): the tier's bullwhip metric. */
const stageRatio = (result: SimulationResult, stage: number) => result.tiers[stage]!.metrics.bullwhip.mean!;

const movingAverage = (periods: number): OrderingPolicy => ({
  type: 'order-up-to',
  forecast: { type: 'moving-average', periods },
  safetyFactor: 0,
});
const smoothing = (alpha: number): OrderingPolicy => ({
  type: 'order-up-to',
  forecast: { type: 'exponential-smoothing', alpha },
  safetyFactor: 0,
});

describe('single stage, order-up-to (Chen et al. 2000)', () => {
  // Chen, Drezner, Ryan & Simchi-Levi 2000, eq. (6) with z = 0: Var(q)/Var(D) = 1 + 2L/p + 2L²/p².
  it.each([
    [1, 4],
    [2, 4],
    [4, 10],
    [3, 5],
  ])('moving average: L = %i, p = %i', (lead, periods) => {
    const expected = 1 + (2 * lead) / periods + (2 * lead * lead) / (periods * periods);
    const result = chainRun([lead], movingAverage(periods));
    const measured = stageRatio(result, 0);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(TOLERANCE);
    // The company metric of the retailer is the same ratio.
    expect(result.companies[0]!.metrics.bullwhip.mean).toBeCloseTo(measured, 10);
  });

  // Chen, Ryan & Simchi-Levi 2000 (NRL 47(4)), exponential smoothing: 1 + 2Lα + 2L²α²/(2 − α).
  it.each([
    [1, 0.2],
    [2, 0.5],
    [4, 0.3],
  ])('exponential smoothing: L = %i, alpha = %f', (lead, alpha) => {
    const expected = 1 + 2 * lead * alpha + (2 * lead * lead * alpha * alpha) / (2 - alpha);
    const measured = stageRatio(chainRun([lead], smoothing(alpha)), 0);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(TOLERANCE);
  });

  it('counts an information delay in L: lane lead time 1 and 2 periods of mail is L = 3', () => {
    const expected = 1 + (2 * 3) / 6 + (2 * 9) / 36;
    const measured = stageRatio(chainRun([1], movingAverage(6), { informationDelay: 2 }), 0);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(TOLERANCE);
  });

  it('is at least the formula with safety stock from the estimated spread (z = 1.65: a lower bound)', () => {
    const lead = 2;
    const periods = 5;
    const expected = 1 + (2 * lead) / periods + (2 * lead * lead) / (periods * periods);
    const measured = stageRatio(
      chainRun([lead], {
        type: 'order-up-to',
        forecast: { type: 'moving-average', periods },
        safetyFactor: 1.65,
      }),
      0,
    );
    expect(measured).toBeGreaterThan(expected * (1 - TOLERANCE));
  });
});

describe('multi-stage (Chen et al. 2000, section 4)', () => {
  const leadTimes = [1, 2, 1];
  const p = 5;
  const single = (lead: number) => 1 + (2 * lead) / p + (2 * lead * lead) / (p * p);

  it('with information sharing, stage k follows 1 + 2ΣL/p + 2(ΣL)²/p²', () => {
    const result = chainRun(leadTimes, movingAverage(p), { informationSharing: true });
    let total = 0;
    leadTimes.forEach((lead, k) => {
      total += lead;
      const expected = 1 + (2 * total) / p + (2 * total * total) / (p * p);
      expect(Math.abs(stageRatio(result, k) / expected - 1), `stage ${k}`).toBeLessThan(TOLERANCE);
    });
  });

  it('without, stage k is at least the product Π(1 + 2Lᵢ/p + 2Lᵢ²/p²), and above the shared chain', () => {
    const decentralized = chainRun(leadTimes, movingAverage(p));
    const centralized = chainRun(leadTimes, movingAverage(p), { informationSharing: true });
    let product = 1;
    leadTimes.forEach((lead, k) => {
      product *= single(lead);
      const measured = stageRatio(decentralized, k);
      expect(measured, `stage ${k}`).toBeGreaterThan(product * (1 - TOLERANCE));
      if (k > 0) expect(measured, `stage ${k}`).toBeGreaterThan(stageRatio(centralized, k));
    });
  });
});

describe("Sterman's beer game (1989)", () => {
  const network = beerGameNetwork();
  const scenario = beerGameScenario();

  it('is a valid network and scenario', () => {
    expect(validateNetwork(network).issues).toEqual([]);
    expect(validateScenario(scenario, network).issues).toEqual([]);
  });

  it('amplifies orders upstream with the fitted anchoring-and-adjustment rule', () => {
    const result = simulate(network, scenario, { runs: 1, seed: 1 });
    const ratios = result.tiers.map((tier) => tier.metrics.bullwhip.mean!);
    expect(ratios).toHaveLength(4);
    for (let k = 1; k < 4; k++)
      expect(ratios[k]!, `tier ${k} above tier ${k - 1}`).toBeGreaterThan(ratios[k - 1]!);
    expect(ratios[0]!).toBeGreaterThan(1);
    // Peak orders rise upstream too (Sterman 1989, fig. 3: the factory's peak is the highest).
    const peaks = result.series.slice(0, 4).map((row) => Math.max(...row.orders));
    for (let k = 1; k < 4; k++) expect(peaks[k]!).toBeGreaterThan(peaks[k - 1]!);
    // Costs: 0.5 per case-week in stock, 1.0 per case-week owed; Sterman's subjects averaged $2,028
    // per team over 36 weeks, against a benchmark of about $200. The fitted mean rule is costly too.
    const cost = result.network.cost.mean!;
    expect(cost).toBeGreaterThan(200);
  });
});
