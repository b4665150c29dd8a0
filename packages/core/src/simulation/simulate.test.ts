import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { beerGameNetwork, beerGameScenario, serialChainNetwork } from './chains.ts';
import { runSeed, simulateRuns } from './engine.ts';
import { loadScenario, validateScenario } from './load-scenario.ts';
import { aggregateRuns, METRICS, percentile } from './metrics.ts';
import { compileSimulation } from './model.ts';
import type { Scenario } from './scenario.ts';
import { simulate } from './simulate.ts';

const loadedNetwork = loadNetworkFile({
  name: 'network-minimal.yaml',
  text: readFileSync('/work/shared/examples/network-minimal.yaml', 'utf8'),
});
if (!loadedNetwork.ok) throw new Error('the minimal network must load');
const network = loadedNetwork.value.network;
const loadedScenario = loadScenario(
  readFileSync('/work/shared/examples/scenario-oem-brakes.yaml', 'utf8'),
  'scenario-oem-brakes.yaml',
  network,
);
if (!loadedScenario.ok) throw new Error('the example scenario must load');
const example = loadedScenario.value.scenario;

function valid(scenario: Scenario, on: Network = network): Scenario {
  const { issues } = validateScenario(scenario, on);
  expect(issues).toEqual([]);
  return scenario;
}

describe('simulate', () => {
  it('runs the example scenario against the example network with every metric', () => {
    const result = simulate(network, example, { runs: 50, seed: 7 });
    expect(result.runs).toHaveLength(50);
    expect(result.periods).toBe(52);
    expect(result.companies.map((company) => [company.id, company.tier])).toEqual([
      ['oem', 0],
      ['frame-a', 1],
      ['frame-b', 1],
      ['steel', 2],
    ]);
    expect(Object.keys(result.network)).toEqual([...METRICS]);
    const oem = result.companies[0]!.metrics;
    expect(oem.fillRate.mean).toBeGreaterThan(0);
    expect(oem.fillRate.mean).toBeLessThan(1); // frame-a's failure and the OEM's capacity bite
    expect(oem.fillRate.p5!).toBeLessThanOrEqual(oem.fillRate.mean!);
    expect(oem.fillRate.p95!).toBeGreaterThanOrEqual(oem.fillRate.mean!);
    expect(oem.lostRevenue.mean).toBeGreaterThan(0);
    expect(result.network.bankruptcies.mean).toBe(0);
    expect(result.series).toHaveLength(4);
    expect(result.series[3]!.tier).toBeNull();
    expect(result.series[0]!.demand).toHaveLength(52);
    // The whole result is plain JSON.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('gives the same result for the same seed, and another for another seed', () => {
    const first = simulate(network, example, { runs: 10, seed: 3 });
    expect(simulate(network, example, { runs: 10, seed: 3 })).toEqual(first);
    expect(simulate(network, example, { runs: 10, seed: 4 }).network).not.toEqual(first.network);
  });

  it('aggregates identically whatever the split of runs over workers', () => {
    const model = compileSimulation(network, example);
    const all = simulateRuns(model, 11, [0, 1, 2, 3, 4, 5, 6, 7]);
    const workerA = simulateRuns(compileSimulation(network, example), 11, [5, 1, 7]);
    const workerB = simulateRuns(compileSimulation(network, example), 11, [0, 6, 2, 4, 3]);
    expect(aggregateRuns(model, [...workerB, ...workerA])).toEqual(aggregateRuns(model, all));
    expect(simulate(network, example, { runs: 8, seed: 11 }).network).toEqual(
      aggregateRuns(model, all).network,
    );
    expect(() => aggregateRuns(model, [...all, all[0]!])).toThrow(/run 0 is given twice/);
  });

  it('derives distinct per-run seeds from the seed and the run index alone', () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed++) for (let run = 0; run < 50; run++) seeds.add(runSeed(seed, run));
    expect(seeds.size).toBe(1000);
    expect(runSeed(2 ** 40, 3)).toBe(runSeed(2 ** 40, 3));
    expect(runSeed(2 ** 40, 3)).not.toBe(runSeed(3, 3));
    for (const seed of seeds) expect(Number.isSafeInteger(seed)).toBe(true);
  });

  it('stays in equilibrium under constant demand (steady start)', () => {
    const scenario = valid({
      format: 'keten.scenario/v1',
      name: 'steady',
      periods: 30,
      demand: [{ company: 'oem', item: 'machine', pattern: { type: 'constant', value: 6 } }],
    });
    const result = simulate(network, scenario);
    for (const company of result.companies) {
      expect(company.metrics.fillRate.mean, company.id).toBeCloseTo(1, 6);
      expect(company.metrics.backorders.mean, company.id).toBeLessThan(1e-3); // rounding only
    }
    for (const row of result.series)
      for (const value of row.orders) expect(value).toBeCloseTo(row.tier === null ? 18 : 6, 4);
  });

  it('shares end-customer demand: less bullwhip upstream with information sharing', () => {
    const base: Scenario = { ...example, events: [] };
    const shared: Scenario = { ...base, policy: { ...base.policy, informationSharing: true } };
    const without = simulate(network, base, { runs: 20, seed: 1 });
    const withSharing = simulate(network, shared, { runs: 20, seed: 1 });
    expect(withSharing.tiers[2]!.metrics.bullwhip.mean!).toBeLessThan(
      without.tiers[2]!.metrics.bullwhip.mean!,
    );
  });

  it('a supplier failure costs fill rate, and a bankruptcy moves orders to the other supplier', () => {
    const calm = valid({ format: 'keten.scenario/v1', name: 'calm', periods: 40, demand: example.demand! });
    const failing = valid({
      ...calm,
      events: [{ type: 'supplier-failure', company: 'frame-a', from: 5, duration: 10 }],
    });
    const bankrupt = valid({ ...calm, events: [{ type: 'bankruptcy', company: 'frame-a', at: 5 }] });
    const runs = { runs: 10, seed: 5 };
    const calmResult = simulate(network, calm, runs);
    const failResult = simulate(network, failing, runs);
    const bankruptResult = simulate(network, bankrupt, runs);
    const oemFill = (result: typeof calmResult) => result.companies[0]!.metrics.fillRate.mean!;
    expect(oemFill(failResult)).toBeLessThan(oemFill(calmResult));
    expect(bankruptResult.companies[1]!.metrics.bankruptcies.mean).toBe(1);
    expect(bankruptResult.network.bankruptcies.mean).toBe(1);
    // frame-b (capacity 20) takes over: its inventory-and-orders series grow, frame-a's stop.
    const frameB = bankruptResult.companies[2]!.metrics;
    expect(frameB.backorders.mean).toBeGreaterThan(calmResult.companies[2]!.metrics.backorders.mean!);
  });

  it('a company whose cash stays negative past its grace periods goes bankrupt', () => {
    const poor: Network = {
      ...network,
      companies: network.companies.map((company) =>
        company.id === 'oem' ? { ...company, cash: -1, paymentTermDays: 0 } : company,
      ),
      demand: [{ company: 'oem', item: 'machine', quantities: [8], price: 0 }],
    };
    const scenario = valid(
      { format: 'keten.scenario/v1', name: 'poor', periods: 20, policy: { bankruptcyGracePeriods: 3 } },
      poor,
    );
    const result = simulate(poor, scenario);
    const oem = result.companies[0]!.metrics;
    expect(oem.bankruptcies.mean).toBe(1);
    expect(oem.cashLowPoint.mean).toBeLessThan(0);
    expect(oem.fillRate.mean).toBeLessThan(0.5);
  });

  it('pays suppliers after their terms, later under a payment delay', () => {
    const scenario = valid({
      format: 'keten.scenario/v1',
      name: 'cash',
      periods: 20,
      demand: [{ company: 'oem', item: 'machine', pattern: { type: 'constant', value: 4 } }],
    });
    const delayed = valid({
      ...scenario,
      events: [{ type: 'payment-delay', company: 'oem', from: 0, to: 20, extraDays: 30 }],
    });
    const onTime = simulate(network, scenario).companies;
    const late = simulate(network, delayed).companies;
    // frame-a is paid 9,000 a frame, 60 days (9 weeks) after delivery, and 5 weeks later still under the delay.
    expect(onTime[1]!.metrics.cashLowPoint.mean).toBe(0);
    expect(onTime[0]!.metrics.cashLowPoint.mean).toBe(2_000_000);
    const finalCash = (companies: typeof onTime) => companies[0]!.metrics.lostRevenue.mean;
    expect(finalCash(late)).toBe(finalCash(onTime));
  });

  it('orders by (s, S) only at the reorder point, in batches', () => {
    const chain = serialChainNetwork({ leadTimes: [2] });
    const scenario = valid(
      {
        format: 'keten.scenario/v1',
        name: 'sS',
        periods: 200,
        warmUp: 20,
        demand: [{ company: 'stage-0', item: 'unit', pattern: { type: 'normal', mean: 10, stdDev: 2 } }],
        policy: { default: { type: 's-S', s: 3, S: 8 } },
      },
      chain,
    );
    const result = simulate(chain, scenario, { runs: 3, seed: 1 });
    const orders = result.series[0]!.orders.slice(20);
    expect(orders.filter((value) => value === 0).length).toBeGreaterThan(orders.length / 3);
    expect(result.tiers[0]!.metrics.bullwhip.mean!).toBeGreaterThan(2);
  });

  it('shares short stock by the allocation rule', () => {
    // frame-a and frame-b both buy steel; with half the steel they need, steel must ration.
    const short: Network = {
      ...network,
      production: network.production!.map((record) =>
        record.company === 'steel' ? { ...record, capacity: 480 } : record,
      ),
    };
    const base = valid(
      {
        format: 'keten.scenario/v1',
        name: 'rationing',
        periods: 30,
        demand: [{ company: 'oem', item: 'machine', pattern: { type: 'constant', value: 8 } }],
      },
      short,
    );
    const prioritized = valid(
      { ...base, policy: { companies: { steel: { allocation: 'priority', priority: ['frame-b'] } } } },
      short,
    );
    const fifo = valid({ ...base, policy: { allocation: 'fifo' } }, short);
    const proportional = simulate(short, base).companies;
    const priority = simulate(short, prioritized).companies;
    expect(priority[2]!.metrics.fillRate.mean!).toBeGreaterThan(proportional[2]!.metrics.fillRate.mean!);
    expect(priority[1]!.metrics.fillRate.mean!).toBeLessThan(proportional[1]!.metrics.fillRate.mean!);
    // Whatever the rule, steel ships all it makes.
    const shipped = (companies: typeof proportional) => companies[3]!.metrics.backorders.mean!;
    expect(simulate(short, fifo).companies[3]!.metrics.fillRate.mean!).toBeLessThan(1);
    expect(shipped(priority)).toBeGreaterThan(0);
  });
});

describe('overtime', () => {
  it('lets production run up to the maximum capacity when allowed', () => {
    // Demand 11 a week against the OEM's capacity of 10 (maximum 12).
    const scenario = valid({
      format: 'keten.scenario/v1',
      name: 'overtime',
      periods: 30,
      demand: [{ company: 'oem', item: 'machine', pattern: { type: 'constant', value: 11 } }],
    });
    const normal = simulate(network, scenario).companies[0]!.metrics;
    const overtime = simulate(network, valid({ ...scenario, policy: { overtime: true } })).companies[0]!
      .metrics;
    expect(normal.fillRate.mean!).toBeLessThan(0.5);
    expect(overtime.fillRate.mean!).toBeCloseTo(1, 6);
  });
});

describe('percentile', () => {
  it('interpolates between closest ranks (type 7)', () => {
    expect(percentile([1, 2, 3, 4, 5], 0.05)).toBeCloseTo(1.2, 12);
    expect(percentile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8, 12);
    expect(percentile([7], 0.95)).toBe(7);
  });
});

/** SHA-256 of every run's values and series, bit for bit. */
function fingerprint(on: Network, data: unknown, runs: number): string {
  const { scenario, issues } = validateScenario(data, on);
  expect(issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  const results = simulateRuns(
    compileSimulation(on, scenario!),
    11,
    Array.from({ length: runs }, (_, run) => run),
  );
  const hash = createHash('sha256');
  for (const result of results) {
    hash.update(new Uint8Array(result.values.buffer, result.values.byteOffset, result.values.byteLength));
    hash.update(new Uint8Array(result.series.buffer, result.series.byteOffset, result.series.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

// The engine is tuned for speed; these fingerprints pin its results to the bit, so a rewrite of the
// inner loop that changes any figure (even in the last digit) shows here. A deliberate change of the
// model's semantics updates them, and says so in its commit.
describe('simulateRuns fingerprints', () => {
  it('the example scenario (every kind of event)', () => {
    expect(fingerprint(network, example, 10)).toBe('948700db816e1b0b');
  });

  it('information sharing, fifo and priority allocation, returns, (s, S) and a bankruptcy', () => {
    const scenario = {
      ...example,
      policy: {
        ...example.policy,
        informationSharing: true,
        allocation: 'fifo',
        allowReturns: true,
        informationDelay: 1,
        companies: {
          steel: { type: 's-S', s: 2, S: 6, allocation: 'priority', priority: ['frame-b'] },
          'frame-b': { forecast: { type: 'exponential-smoothing', alpha: 0.3 }, informationSharing: false },
        },
      },
      events: [...(example.events ?? []), { type: 'bankruptcy', company: 'frame-a', at: 40 }],
    };
    expect(fingerprint(network, scenario, 10)).toBe('385a94da1644c3f1');
  });

  it("Sterman's beer game", () => {
    expect(fingerprint(beerGameNetwork(), beerGameScenario(), 3)).toBe('f6e279d539817ed9');
  });
});

describe('bullwhip ratios of companies that buy several components', () => {
  // An assembler makes one product from `components` parts (one of each), each bought from its own
  // supplier over a 2-week lane. Its orders are `components` streams; scaled to the demand they serve,
  // its ratio is that of one stream, whatever the number of parts (unscaled, 4 parts said 16 times
  // as much), and so is the ratio of the tier of suppliers.
  const assembly = (components: number): Network => {
    const parts = Array.from({ length: components }, (_, k) => `part-${k}`);
    return {
      format: 'keten.network/v1',
      name: `assembly-${components}`,
      period: 'week',
      start: '2027-01-04',
      horizon: 52,
      companies: [
        { id: 'assembler', name: 'Assembler', site: { country: 'NL', region: 'EU' } },
        ...parts.map((part) => ({ id: `maker-${part}`, name: part, site: { country: 'NL', region: 'EU' } })),
      ],
      items: [
        { id: 'product', name: 'Product', unit: 'pcs' },
        ...parts.map((part) => ({ id: part, name: part, unit: 'pcs' as const })),
      ],
      production: [
        {
          company: 'assembler',
          item: 'product',
          leadTime: 1,
          capacity: 1e9,
          bom: parts.map((part) => ({ item: part, quantity: 1 })),
        },
        ...parts.map((part) => ({ company: `maker-${part}`, item: part, leadTime: 1, capacity: 1e9 })),
      ],
      sourcing: parts.map((part) => ({
        buyer: 'assembler',
        item: part,
        suppliers: [{ supplier: `maker-${part}`, share: 1, leadTime: 2 }],
      })),
      demand: [{ company: 'assembler', item: 'product', quantities: [10] }],
    };
  };
  const ratios = (components: number) => {
    const network = assembly(components);
    const scenario = valid(
      {
        format: 'keten.scenario/v1',
        name: 'steady',
        periods: 400,
        warmUp: 20,
        demand: [{ company: 'assembler', item: 'product', pattern: { type: 'normal', mean: 10, stdDev: 2 } }],
        policy: { default: { type: 'order-up-to', forecast: { type: 'moving-average', periods: 4 } } },
      },
      network,
    );
    const result = simulate(network, scenario, { runs: 4, seed: 3 });
    const assembler = result.companies.find((entry) => entry.id === 'assembler')!;
    return { company: assembler.metrics.bullwhip.mean!, tier1: result.tiers[1]!.metrics.bullwhip.mean! };
  };

  it('are those of one part, for four parts', () => {
    const one = ratios(1);
    const four = ratios(4);
    expect(one.company).toBeGreaterThan(1.5);
    expect(one.company).toBeLessThan(5);
    expect(four.company / one.company).toBeGreaterThan(0.95);
    expect(four.company / one.company).toBeLessThan(1.05);
    expect(four.tier1 / one.tier1).toBeGreaterThan(0.95);
    expect(four.tier1 / one.tier1).toBeLessThan(1.05);
  });
});
