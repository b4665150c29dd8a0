/**
 * `keten simulate` end to end: the example scenario on the example network and the demo scenario
 * on the demo network, with every metric the issue names (mean, p5, p95; per company, per tier, for the
 * network); the same JSON bytes for one and two worker threads; the summary; the report; a stored
 * network by name; and bad input refused with file:line:col and the documented exit status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectCleanFailure,
  keten,
  MINIMAL_PATH,
  positionOf,
  REPOSITORY,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const SHARED = join(REPOSITORY, '../shared/examples');
const EXAMPLE_NETWORK = join(SHARED, 'network-minimal.yaml');
const EXAMPLE_SCENARIO = join(SHARED, 'scenario-oem-brakes.yaml');
const DEMO_NETWORK = 'examples/demo-network.yaml';
const DEMO_SCENARIO = 'examples/demo-scenario.yaml';

const METRIC_NAMES = [
  'fillRate',
  'backorders',
  'inventory',
  'bullwhip',
  'lostRevenue',
  'cashLowPoint',
  'bankruptcies',
  'timeToRecover',
] as const;

interface Summary {
  mean: number | null;
  p5: number | null;
  p95: number | null;
}
type MetricName = (typeof METRIC_NAMES)[number] | 'cost';
type Metrics = Record<MetricName, Summary>;
interface SimulationJson {
  scenario: string;
  networkName: string;
  seed: number;
  periods: number;
  runs: number[];
  network: Metrics;
  tiers: { tier: number; companies: number; metrics: Metrics }[];
  companies: { id: string; tier: number | null; metrics: Metrics }[];
  series: {
    tier: number | null;
    demand: number[];
    orders: number[];
    inventory: number[];
    backorders: number[];
  }[];
}

/** Every metric the issue names, as mean and p5/p95, at every level. */
function expectEveryMetric(json: SimulationJson): void {
  for (const metrics of [
    json.network,
    ...json.tiers.map((t) => t.metrics),
    ...json.companies.map((c) => c.metrics),
  ]) {
    for (const name of METRIC_NAMES) {
      expect(metrics[name], name).toBeDefined();
      expect(Object.keys(metrics[name])).toEqual(['mean', 'p5', 'p95']);
    }
  }
  for (const name of METRIC_NAMES.filter((name) => name !== 'bullwhip')) {
    const value = json.network[name];
    expect(value.mean, name).toEqual(expect.any(Number));
    expect(value.p5!, name).toBeLessThanOrEqual(value.mean!);
    expect(value.p95!, name).toBeGreaterThanOrEqual(value.mean!);
  }
  for (const tier of json.tiers)
    expect(tier.metrics.bullwhip.mean, `tier ${tier.tier}`).toEqual(expect.any(Number));
}

describe('keten simulate', () => {
  it("runs the issue's example scenario on the example network, the same bytes on 1 and 2 threads", async () => {
    const args = [
      'simulate',
      EXAMPLE_NETWORK,
      '--scenario',
      EXAMPLE_SCENARIO,
      '--runs',
      '40',
      '--seed',
      '7',
      '--json',
    ];
    const one = await keten([...args, '--threads', '1'], { home });
    expect(one.status, one.stderr).toBe(0);
    const two = await keten([...args, '--threads', '2'], { home });
    expect(two.status, two.stderr).toBe(0);
    expect(two.bytes.equals(one.bytes)).toBe(true);
    expect(one.stderr).toMatch(
      /(^|\n)simulated 'oem-brakes-and-frame-a-fails' on .*network-minimal\.yaml: 40 runs of 52 periods \(seed 7\) in \d+\.\d s on 1 thread\n$/,
    );
    expect(two.stderr).toContain('on 2 threads');

    const json = JSON.parse(one.stdout) as SimulationJson;
    expect(json).toMatchObject({
      scenario: 'oem-brakes-and-frame-a-fails',
      networkName: 'minimal-two-tier',
      seed: 7,
      periods: 52,
    });
    expect(json.runs).toEqual(Array.from({ length: 40 }, (_, run) => run));
    expect(json.companies.map((company) => company.id)).toEqual(['oem', 'frame-a', 'frame-b', 'steel']);
    expect(json.tiers.map((tier) => tier.tier)).toEqual([0, 1, 2]);
    expectEveryMetric(json);
    // frame-a's failure costs end demand; the OEM's brake amplifies up the chain.
    expect(json.network.fillRate.mean!).toBeLessThan(1);
    expect(json.network.lostRevenue.mean!).toBeGreaterThan(0);
    expect(json.tiers[2]!.metrics.bullwhip.mean!).toBeGreaterThan(json.tiers[0]!.metrics.bullwhip.mean!);
    expect(json.series[0]!.orders).toHaveLength(52);
  });

  it('runs the demo scenario on the demo network with sensible fill rates, and writes the report', async () => {
    const report = join(home, 'demo.html');
    const result = await keten(
      ['simulate', DEMO_NETWORK, '--scenario', DEMO_SCENARIO, '--runs', '20', '--json', '--report', report],
      { home },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`wrote the report to ${report}`);
    const json = JSON.parse(result.stdout) as SimulationJson;
    expect(json).toMatchObject({
      scenario: 'demo-brakes-failure-lockdown',
      networkName: 'kempen-instruments-demo',
      seed: 2027,
      periods: 104,
    });
    expect(json.companies).toHaveLength(44);
    expect(json.tiers.map((tier) => tier.tier)).toEqual([0, 1, 2, 3]);
    expectEveryMetric(json);
    // Hurt, but not broken: end customers get most of what they ask, and nobody goes under on average.
    expect(json.network.fillRate.mean!).toBeGreaterThan(0.5);
    expect(json.network.fillRate.mean!).toBeLessThan(0.95);
    expect(json.network.bankruptcies.mean!).toBeLessThan(1);
    const helmond = json.companies.find((company) => company.id === 'helmond-vacuum')!;
    expect(helmond.metrics.timeToRecover.mean!).toBeGreaterThanOrEqual(6); // down for 6 weeks
    const html = readFileSync(report, 'utf8');
    expect(html).toContain(
      '<title>Simulation: demo-brakes-failure-lockdown on kempen-instruments-demo</title>',
    );
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  });

  it('prints a summary for people by default, and writes --out', async () => {
    const out = join(home, 'summary.txt');
    const result = await keten(
      ['simulate', EXAMPLE_NETWORK, '--scenario', EXAMPLE_SCENARIO, '--runs', '10', '--out', out],
      { home },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(
      /^Simulation of 'oem-brakes-and-frame-a-fails' on 'minimal-two-tier': 10 runs of 52 periods \(seed 1\)\./,
    );
    for (const part of [
      'Network (end customers):',
      '  fill rate ',
      'By tier',
      'Weakest companies',
      'Bankruptcies:',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('simulates a stored network by name', async () => {
    const imported = await keten(['import', MINIMAL_PATH], { home });
    expect(imported.status, imported.stderr).toBe(0);
    const result = await keten(
      ['simulate', 'minimal-two-tier', '--scenario', EXAMPLE_SCENARIO, '--runs', '4', '--json'],
      {
        home,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('on minimal-two-tier v1: 4 runs');
    expect((JSON.parse(result.stdout) as SimulationJson).runs).toEqual([0, 1, 2, 3]);
    const unknown = await keten(['simulate', 'no-such-network', '--scenario', EXAMPLE_SCENARIO], { home });
    expectCleanFailure(unknown, 3);
    expect(unknown.stderr).toContain('no-such-network');
  });

  it('refuses a scenario with problems, naming file, line and column, and simulates nothing', async () => {
    const text = readFileSync(EXAMPLE_SCENARIO, 'utf8').replace(
      'company: frame-a, from: 30',
      'company: frame-z, from: 30',
    );
    const path = join(home, 'bad-scenario.yaml');
    writeFileSync(path, text);
    const result = await keten(['simulate', EXAMPLE_NETWORK, '--scenario', path, '--json'], { home });
    expectCleanFailure(result, 1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${path}:${positionOf(text, 'frame-z')}`);
    expect(result.stderr).toContain("did you mean 'frame-a'");
    expect(result.stderr).toMatch(
      /keten: .*bad-scenario\.yaml: 1 problem found against .*; nothing simulated\n$/,
    );
  });

  it('refuses bad flags, a missing scenario file and a missing network with the documented exit status', async () => {
    for (const [args, status] of [
      [['simulate', EXAMPLE_NETWORK], 2],
      [['simulate', EXAMPLE_NETWORK, '--scenario', EXAMPLE_SCENARIO, '--runs', '0'], 2],
      [['simulate', EXAMPLE_NETWORK, '--scenario', EXAMPLE_SCENARIO, '--threads', 'two'], 2],
      [['simulate', EXAMPLE_NETWORK, '--scenario', EXAMPLE_SCENARIO, '--stress'], 2],
      [['simulate', EXAMPLE_NETWORK, '--scenario', join(home, 'missing.yaml')], 3],
      [['simulate', join(home, 'missing-network.yaml'), '--scenario', EXAMPLE_SCENARIO], 3],
      [
        [
          'simulate',
          EXAMPLE_NETWORK,
          '--scenario',
          EXAMPLE_SCENARIO,
          '--report',
          join(home, 'no/such/folder/r.html'),
        ],
        3,
      ],
    ] as const) {
      const result = await keten(args, { home });
      expectCleanFailure(result, status);
      expect(result.stdout, args.join(' ')).toBe('');
    }
  });
});
