import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { simulate } from '../simulation/simulate.ts';
import { compareSourcing, type SourcingComparison } from './sourcing.ts';
import { nearAndFar } from './sourcing-fixture.ts';
import { formatSourcingReport } from './sourcing-report.ts';
import {
  baseScenario,
  candidateSplits,
  DEFAULT_DISRUPTION_RATES,
  standardScenarios,
} from './sourcing-scenarios.ts';

const MINIMAL_PATH = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

function split(result: SourcingComparison, label: string) {
  const found = result.splits.find((entry) => entry.label === label);
  if (found === undefined) throw new Error(`no split ${label}`);
  return found;
}

function outcome(result: SourcingComparison, label: string, scenario: string) {
  const index = result.scenarios.findIndex((entry) => entry.id === scenario);
  return split(result, label).outcomes[index]!;
}

function compared(network: Network, options: Partial<Parameters<typeof compareSourcing>[1]> = {}) {
  const result = compareSourcing(network, { buyer: 'plant', item: 'part', runs: 1, ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('compareSourcing on a buyer with a near and a far supplier', () => {
  const result = compared(nearAndFar());

  it('lists single sources, 70/30 and its reverse, and marks the current split', () => {
    expect(result.splits.map((entry) => [entry.label, entry.current])).toEqual([
      ['far 100', false],
      ['near 100', false],
      ['far 70 / near 30', true],
      ['near 70 / far 30', false],
    ]);
    expect(split(result, 'near 70 / far 30').name).toBe('70/30 with near as main source');
  });

  it('costs a slow lane by hand', () => {
    // The far lane takes 4 weeks longer for what is shipped in weeks 8-15: shipped weeks 8-11 arrive
    // in 18-21 instead of 14-17, and 12-15 arrive in 22-25 together with 16-19. With single source
    // from far and no safety stock (constant demand: no estimated spread), the plant's end customers
    // are owed 10, 20, 30, 40 in weeks 14-17 (nothing arrives), 40 in 18-21 (arrivals just cover new
    // demand), then 30, 20, 10 as the double arrivals clear it: 320 unit-weeks owed. At 1 % of the
    // price (1,000) a week that is 3,200; a 70 % share sees 70 % of it, a 30 % share 30 %.
    expect(outcome(result, 'far 100', 'far-lane-slow').late).toBeCloseTo(3200, 6);
    expect(outcome(result, 'far 70 / near 30', 'far-lane-slow').late).toBeCloseTo(2240, 6);
    expect(outcome(result, 'near 70 / far 30', 'far-lane-slow').late).toBeCloseTo(960, 6);
    // The same slowdown on the near lane mirrors it.
    expect(outcome(result, 'near 70 / far 30', 'near-lane-slow').late).toBeCloseTo(2240, 6);
    // Undisrupted, nobody waits: every unit ships in the week it is asked for.
    for (const entry of result.splits) expect(entry.outcomes[0]).toMatchObject({ late: 0, endFill: 1 });
  });

  it('reverses the split when the main source is far away and only lanes slow down', () => {
    const lanes = compared(nearAndFar(), {
      rates: { supplierDownShort: 0, supplierDownLong: 0, regionHalf: 0 },
    });
    // A lane between regions slows 0.2 times a year, one within a region 0.05 times: over 52 weeks
    // 1 − e^−0.2 and 1 − e^−0.05. With the far lane the likelier to slow, the split that puts 70 % on it
    // loses (0.1813 − 0.0488) × (2,240 − 960) more in expectation than its reverse.
    const far = 1 - Math.exp(-0.2);
    const near = 1 - Math.exp(-0.05);
    const current = split(lanes, 'far 70 / near 30');
    const reverse = split(lanes, 'near 70 / far 30');
    expect(current.expected.total - reverse.expected.total).toBeCloseTo((far - near) * (2240 - 960), 6);
    expect(reverse.expected.total).toBeLessThan(current.expected.total);
  });

  it('finds single source from the failing supplier worst when it fails', () => {
    for (const supplier of ['far', 'near']) {
      const scenario = `${supplier}-down-12`;
      const fills = result.splits.map((entry) => ({
        label: entry.label,
        fill: outcome(result, entry.label, scenario).endFill!,
      }));
      const worst = fills.reduce((low, entry) => (entry.fill < low.fill ? entry : low));
      expect(worst.label).toBe(`${supplier} 100`);
      // 12 weeks without parts, and a week to restart production: 13 weeks of 10 units late of 520.
      expect(worst.fill).toBeCloseTo(1 - 130 / 520, 9);
      expect(split(result, `${supplier} 100`).worst.scenario).toBe(scenario);
    }
  });

  it('recommends the reverse 70/30: single sources fail the worst case, the far lane is the riskier', () => {
    // A supplier down for 12 weeks leaves a single source at 75 % and a 70/30 split at 77.5 %.
    const strict = compared(nearAndFar(), { minimumFill: 0.77 });
    expect(strict.splits.map((entry) => entry.acceptable)).toEqual([false, false, true, true]);
    expect(strict.recommendation).toMatchObject({ split: 'near 70 / far 30', acceptable: true });
    expect(strict.recommendation.reason).toMatch(
      /^70\/30 with near as main source: the lowest expected cost/,
    );
    expect(strict.recommendation.reason).toContain('Against the current split (far 70 / near 30) it saves');
    // At the default 80 % no split is acceptable; the most robust splits tie and the cheaper wins.
    expect(result.recommendation).toMatchObject({ split: 'near 70 / far 30', acceptable: false });
    expect(result.recommendation.reason).toContain('no split keeps 80.0 % of end demand filled');
  });

  it('leaves a lockdown of the buyer’s own region out of the worst case', () => {
    const own = result.scenarios.find((scenario) => scenario.id === 'EU-half');
    expect(own?.hitsBuyer).toBe(true);
    expect(result.scenarios.filter((scenario) => scenario.hitsBuyer)).toHaveLength(1);
  });

  it('writes a report with the recommendation and every scenario', () => {
    const text = formatSourcingReport(result);
    expect(text).toContain(
      "Sourcing of part at plant in 'near-and-far': 4 splits × 9 scenarios, 1 runs each",
    );
    expect(text).toContain('Recommendation: 70/30 with near as main source');
    expect(text).toContain('lane far → plant 4 periods slower for 8 periods');
    expect(text).toContain('near 70 / far 30 ◀');
  });
});

describe('the standard disruption set', () => {
  const network = nearAndFar();
  const regionOf = new Map(network.companies.map((company) => [company.id, company.site.region]));
  const rule = network.sourcing![0]!;

  it('has a probability per scenario from its yearly rate, and no disruption takes the rest', () => {
    const scenarios = standardScenarios(rule, regionOf, DEFAULT_DISRUPTION_RATES, 52, 52);
    expect(scenarios.map((scenario) => scenario.id)).toEqual([
      'none',
      'far-down-4',
      'far-down-12',
      'near-down-4',
      'near-down-12',
      'ASIA-half',
      'EU-half',
      'far-lane-slow',
      'near-lane-slow',
    ]);
    const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario.probability]));
    expect(byId.get('far-down-4')).toBeCloseTo(1 - Math.exp(-0.1), 12);
    expect(byId.get('far-down-12')).toBeCloseTo(1 - Math.exp(-0.03), 12);
    expect(byId.get('ASIA-half')).toBeCloseTo(1 - Math.exp(-0.05), 12);
    expect(byId.get('far-lane-slow')).toBeCloseTo(1 - Math.exp(-0.2), 12);
    expect(byId.get('near-lane-slow')).toBeCloseTo(1 - Math.exp(-0.05), 12);
    expect(scenarios.reduce((sum, scenario) => sum + scenario.probability, 0)).toBeCloseTo(1, 12);
    // Half the rates over two years are the rates over one.
    const half = Object.fromEntries(
      Object.entries(DEFAULT_DISRUPTION_RATES).map(([name, rate]) => [name, rate / 2]),
    ) as unknown as typeof DEFAULT_DISRUPTION_RATES;
    const twoYears = standardScenarios(rule, regionOf, half, 52, 104);
    for (const [index, scenario] of twoYears.entries())
      expect(scenario.probability).toBeCloseTo(scenarios[index]!.probability, 12);
  });

  it('scales the probabilities down when the disruptions would add up to more than one', () => {
    const scenarios = standardScenarios(
      rule,
      regionOf,
      { ...DEFAULT_DISRUPTION_RATES, supplierDownShort: 5 },
      52,
      52,
    );
    expect(scenarios[0]?.probability).toBe(0);
    expect(scenarios.reduce((sum, scenario) => sum + scenario.probability, 0)).toBeCloseTo(1, 12);
  });

  it('gives 60/20/20 to each of three suppliers once, and adds a current split that is none of them', () => {
    const splits = candidateSplits({
      buyer: 'plant',
      item: 'part',
      suppliers: [
        { supplier: 'a', share: 0.5, leadTime: 1 },
        { supplier: 'b', share: 0.3, leadTime: 1 },
        { supplier: 'c', share: 0.2, leadTime: 1 },
      ],
    });
    expect(splits.map((entry) => [entry.label, entry.name])).toEqual([
      ['a 100', 'single source from a'],
      ['b 100', 'single source from b'],
      ['c 100', 'single source from c'],
      ['a 60 / b 20 / c 20', '60/20/20 with a as main source'],
      ['b 60 / a 20 / c 20', '60/20/20 with b as main source'],
      ['c 60 / a 20 / b 20', '60/20/20 with c as main source'],
      ['a 50 / b 30 / c 20', 'the current split'],
    ]);
    expect(splits.filter((entry) => entry.current)).toHaveLength(1);
  });

  it('changes nothing when a supplier the split leaves out fails (the shortcut the comparison takes)', () => {
    const single = nearAndFar();
    single.sourcing![0] = { ...rule, suppliers: [{ ...rule.suppliers[0]!, share: 1 }] };
    const base = baseScenario(single, 52);
    const options = { runs: 3, seed: 4 };
    const undisrupted = simulate(single, base, options);
    const nearDown = simulate(
      single,
      { ...base, events: [{ type: 'supplier-failure', company: 'near', from: 8, duration: 12 }] },
      options,
    );
    expect(nearDown.network).toEqual(undisrupted.network);
  });
});

describe('compareSourcing on the minimal example', () => {
  const loaded = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(MINIMAL_PATH, 'utf8') });
  if (!loaded.ok) throw new Error('the minimal example does not load');
  const minimal = loaded.value.network;

  it('is the same for the same seed and differs for another', () => {
    const options = { buyer: 'oem', item: 'frame', runs: 4, periods: 24 };
    const first = compareSourcing(minimal, { ...options, seed: 7 });
    const again = compareSourcing(minimal, { ...options, seed: 7 });
    const other = compareSourcing(minimal, { ...options, seed: 8 });
    expect(first.ok && again.ok && other.ok).toBe(true);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(first));
  });

  it('prices the purchases of each split and counts what the buyer uses', () => {
    const result = compareSourcing(minimal, { buyer: 'oem', item: 'frame', runs: 2, periods: 24 });
    if (!result.ok) throw new Error(result.error.message);
    // Mean demand 5 a week (the average of the example's series) over 24 weeks.
    expect(result.value.volume).toBeCloseTo(120, 9);
    const prices = result.value.splits.map((entry) => [entry.label, entry.unitPrice]);
    expect(prices).toEqual([
      ['frame-a 100', 9000],
      ['frame-b 100', 6500],
      ['frame-a 70 / frame-b 30', 0.7 * 9000 + 0.3 * 6500],
      ['frame-b 70 / frame-a 30', 0.7 * 6500 + 0.3 * 9000],
    ]);
    // frame-a may start 8 a week: enough for 5 a week at a yield of 98 % alone.
    expect(result.value.splits.every((entry) => entry.overloaded.length === 0)).toBe(true);
  });

  it('flags a split that asks more of a supplier than it can make', () => {
    const small: Network = {
      ...minimal,
      production: minimal.production!.map((record) =>
        record.company === 'frame-a' ? { ...record, capacity: 4, maximumCapacity: 5 } : record,
      ),
    };
    const result = compareSourcing(small, { buyer: 'oem', item: 'frame', runs: 1, periods: 24 });
    if (!result.ok) throw new Error(result.error.message);
    // 5 good frames a week start 5 / 0.98 against a maximum of 5 alone; 3.5 as main source fits.
    expect(result.value.splits.map((entry) => entry.overloaded)).toEqual([
      [{ supplier: 'frame-a', load: 5 / 0.98 / 5 }],
      [],
      [],
      [],
    ]);
  });

  it('says what is wrong with the question', () => {
    const failure = (buyer: string, item: string, options = {}) => {
      const result = compareSourcing(minimal, { buyer, item, ...options });
      if (result.ok) throw new Error('expected a failure');
      return result.error;
    };
    expect(failure('oen', 'frame')).toEqual({
      reason: 'unknown-buyer',
      message: "there is no company 'oen' in the network (did you mean 'oem'?)",
    });
    expect(failure('oem', 'frames')).toMatchObject({
      reason: 'unknown-item',
      message: "there is no item 'frames' in the network (did you mean 'frame'?)",
    });
    expect(failure('oem', 'machine')).toMatchObject({
      reason: 'not-sourced',
      message:
        'oem does not buy machine: no sourcing rule for that pair (oem buys frame; nobody buys machine)',
    });
    const single = failure('frame-a', 'steel-plate');
    expect(single.reason).toBe('single-supplier');
    expect(single.message).toContain(
      'frame-a has one approved supplier of steel-plate (steel): there are no splits to compare',
    );
    expect(single.message).toContain('every disruption at steel');
    expect(failure('oem', 'frame', { periods: 19 })).toMatchObject({ reason: 'invalid-options' });
    expect(failure('oem', 'frame', { runs: 0 })).toMatchObject({ reason: 'invalid-options' });
    expect(failure('oem', 'frame', { minimumFill: 1.5 })).toMatchObject({ reason: 'invalid-options' });
    expect(failure('oem', 'frame', { rates: { regionHalf: -1 } })).toMatchObject({
      reason: 'invalid-options',
    });
  });
});
