/**
 * `keten sourcing` end to end: the table and the recommendation on the shared minimal network (oem
 * buys frames from frame-a in the EU and frame-b in Asia), `--json` alone on stdout and the same for
 * the same seed, `--out`, the demo network, and bad questions refused with a message and the
 * documented exit status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, keten, SHARED_MINIMAL_PATH, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

interface SourcingJson {
  buyer: string;
  item: string;
  runs: number;
  scenarios: { id: string; probability: number; hitsBuyer: boolean }[];
  splits: {
    label: string;
    current: boolean;
    acceptable: boolean;
    unitPrice: number | null;
    overloaded: { supplier: string; load: number }[];
    expected: { total: number; endFill: number };
    worst: { scenario: string; endFill: number };
  }[];
  recommendation: { split: string; acceptable: boolean; reason: string };
}

describe('keten sourcing', () => {
  it('recommends 70/30 with frame-b as main source on the minimal network', async () => {
    const result = await keten(['sourcing', SHARED_MINIMAL_PATH, '--buyer', 'oem', '--item', 'frame'], {
      home,
    });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      "Sourcing of frame at oem in 'minimal-two-tier': 4 splits × 9 scenarios, 50 runs each over 52 weeks (seed 1); money in EUR.",
    );
    expect(lines[1]).toContain('frame-b (ASIA, 6 weeks by sea, 6,500 a unit, now 30.0 %)');
    const table = lines.slice(lines.findIndex((line) => line.startsWith('#  split')) + 1).slice(0, 4);
    expect(table.map((line) => line.split(/\s{2,}/)[1])).toEqual([
      'frame-a 100',
      'frame-b 100',
      'frame-a 70 / frame-b 30 (current)',
      'frame-b 70 / frame-a 30 ◀',
    ]);
    expect(result.stdout).toContain(
      'Recommendation: 70/30 with frame-b as main source: the lowest expected cost',
    );
    expect(result.stdout).toContain('Against the current split (frame-a 70 / frame-b 30) it saves');
    expect(result.stderr).toMatch(
      /^compared 4 splits of frame at oem in \d+\.\d s: 9 scenarios × 50 runs of 52 periods each, seed 1\n$/,
    );
  });

  it('prints the comparison alone on stdout with --json, the same for the same seed, and writes --out', async () => {
    const args = ['sourcing', SHARED_MINIMAL_PATH, '--buyer', 'oem', '--item', 'frame', '--runs', '10'];
    const first = await keten([...args, '--json', '--seed', '3'], { home });
    expect(first.status, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as SourcingJson;
    expect(json).toMatchObject({ buyer: 'oem', item: 'frame', runs: 10 });
    expect(json.splits.map((split) => [split.label, split.current, split.unitPrice])).toEqual([
      ['frame-a 100', false, 9000],
      ['frame-b 100', false, 6500],
      ['frame-a 70 / frame-b 30', true, 8250],
      ['frame-b 70 / frame-a 30', false, 7250],
    ]);
    expect(json.scenarios.reduce((sum, scenario) => sum + scenario.probability, 0)).toBeCloseTo(1, 9);
    expect(json.scenarios.filter((scenario) => scenario.hitsBuyer).map((scenario) => scenario.id)).toEqual([
      'EU-half',
    ]);
    // Single source from the supplier that fails for 12 periods is that split's worst case.
    expect(json.splits[0]?.worst.scenario).toBe('frame-a-down-12');
    expect(json.splits[1]?.worst.scenario).toBe('frame-b-down-12');

    const out = join(home, 'sourcing.json');
    const again = await keten([...args, '--json', '--seed', '3', '--out', out], { home });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`wrote the comparison to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe(first.stdout);
  });

  it('compares the control boards of the demo network: the European second source cannot carry more', async () => {
    const result = await keten(
      [
        'sourcing',
        'examples/demo-network.yaml',
        '--buyer',
        'kempen',
        '--item',
        'control-board',
        '--runs',
        '5',
        '--json',
      ],
      { home },
    );
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as SourcingJson;
    expect(json.splits.map((split) => split.label)).toEqual([
      'suzhou-xinrui 100',
      'erzgebirge-electronics 100',
      'suzhou-xinrui 70 / erzgebirge-electronics 30',
      'erzgebirge-electronics 70 / suzhou-xinrui 30',
    ]);
    // Erzgebirge's capacity for this network is sized for its 30 %.
    expect(json.splits.map((split) => split.overloaded.map((entry) => entry.supplier))).toEqual([
      [],
      ['erzgebirge-electronics'],
      [],
      ['erzgebirge-electronics'],
    ]);
    expect(json.recommendation.split).toBe('suzhou-xinrui 70 / erzgebirge-electronics 30');
    for (const split of json.splits) expect(split.acceptable).toBe(split.worst.endFill >= 0.8);
  });

  it('refuses bad questions with a message and the documented exit status', async () => {
    const network = SHARED_MINIMAL_PATH;
    const buyer = await keten(['sourcing', network, '--buyer', 'oen', '--item', 'frame'], { home });
    expectCleanFailure(buyer, 3);
    expect(buyer.stderr).toContain("there is no company 'oen' in the network (did you mean 'oem'?)");
    const item = await keten(['sourcing', network, '--buyer', 'oem', '--item', 'frames'], { home });
    expectCleanFailure(item, 3);
    expect(item.stderr).toContain("there is no item 'frames' in the network (did you mean 'frame'?)");
    const pair = await keten(['sourcing', network, '--buyer', 'oem', '--item', 'machine'], { home });
    expectCleanFailure(pair, 3);
    expect(pair.stderr).toContain('oem does not buy machine');
    const single = await keten(['sourcing', network, '--buyer', 'frame-a', '--item', 'steel-plate'], {
      home,
    });
    expectCleanFailure(single, 1);
    expect(single.stderr).toContain(
      'frame-a has one approved supplier of steel-plate (steel): there are no splits to compare',
    );
    const runs = await keten(['sourcing', network, '--buyer', 'oem', '--item', 'frame', '--runs', 'many'], {
      home,
    });
    expectCleanFailure(runs, 2);
    expect(runs.stderr).toContain('--runs must be a whole number');
    const fill = await keten(
      ['sourcing', network, '--buyer', 'oem', '--item', 'frame', '--min-fill', '120%'],
      {
        home,
      },
    );
    expectCleanFailure(fill, 2);
    const periods = await keten(
      ['sourcing', network, '--buyer', 'oem', '--item', 'frame', '--periods', '10'],
      {
        home,
      },
    );
    expectCleanFailure(periods, 2);
    const missing = await keten(['sourcing', network, '--item', 'frame'], { home });
    expectCleanFailure(missing, 2);
    expect(missing.stderr).toContain("required option '--buyer <company>' not specified");
    const file = await keten(
      ['sourcing', 'examples/no-such-network.yaml', '--buyer', 'oem', '--item', 'frame'],
      {
        home,
      },
    );
    expectCleanFailure(file, 3);
  });
});
