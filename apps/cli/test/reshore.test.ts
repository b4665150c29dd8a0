/**
 * `keten reshore` end to end: the CFO table of the bundled example, `--carbon-price`, `--json` alone on
 * stdout and the same for the same seed, `--out`, a case with problems told by file:line:col with exit
 * 1, a missing file with exit 3, a bad option with exit 2; and the same numbers from `keten serve`'s
 * `POST /api/v1/reshore` as from `keten reshore --json`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  edit,
  expectCleanFailure,
  keten,
  REPOSITORY,
  type RunningKeten,
  startServe,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
let server: RunningKeten | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  folder.remove();
});

const CASE_PATH = join(REPOSITORY, 'examples/reshore-brakes.yaml');
const CASE = readFileSync(CASE_PATH, 'utf8');

interface ComparisonJson {
  carbonPrice: number;
  cheapest: string;
  locations: { id: string; costs: { total: number; co2: number }; emissions: { total: number } }[];
  breakEven: { first: string; second: string; carbonPrice: number | null }[];
}

describe('keten reshore', () => {
  it('prints the landed-cost table of the example, one column per location', async () => {
    const result = await keten(['reshore', CASE_PATH], { home });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain("Reshoring 'brake calipers for the Eindhoven assembly line'");
    expect(lines[2]).toMatch(/Wuhu \(CN\).*Wrocław \(PL\).*Weert \(NL\)/);
    for (const label of [
      'unit price',
      'transport',
      'import duty',
      'pipeline inventory',
      'safety stock',
      'CO2 at 85.00/t',
      'expected disruption',
      'total landed cost',
      'a year',
    ])
      expect(
        lines.some((line) => line.startsWith(label)),
        label,
      ).toBe(true);
    expect(result.stdout).toMatch(/^Cheapest: .+ at \d+\.\d\d EUR a piece/m);
    expect(result.stdout).toContain('Break-even carbon price (EUR per tonne CO2e):');
    expect(result.stdout).toContain('Sensitivity: total landed cost per unit');
    expect(result.stderr).toMatch(
      /^compared 3 locations in \d+\.\d s: disruptions simulated with 20 runs each, seed 1\n$/,
    );
  });

  it('prints JSON alone with --json, the same for the same seed; --carbon-price moves only the CO2', async () => {
    const first = await keten(['reshore', CASE_PATH, '--json', '--runs', '5'], { home });
    expect(first.status, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as ComparisonJson;
    expect(json.carbonPrice).toBe(85);
    const again = await keten(['reshore', CASE_PATH, '--json', '--runs', '5'], { home });
    expect(again.bytes.equals(first.bytes)).toBe(true);

    const dearer = await keten(['reshore', CASE_PATH, '--json', '--runs', '5', '--carbon-price', '170'], {
      home,
    });
    const priced = JSON.parse(dearer.stdout) as ComparisonJson;
    for (const [index, location] of priced.locations.entries()) {
      const before = json.locations[index]!;
      expect(location.costs.co2).toBeCloseTo(before.costs.co2 * 2, 9);
      expect(location.costs.total - before.costs.total).toBeCloseTo(before.costs.co2, 9);
    }

    const out = join(home, 'reshore.txt');
    const written = await keten(['reshore', CASE_PATH, '--runs', '5', '--out', out], { home });
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('total landed cost');
  });

  it('tells every problem of a case by file:line:col and exits 1', async () => {
    const path = join(home, 'broken.yaml');
    writeFileSync(path, edit(CASE, 'dutyRate: 0.045', 'dutyRate: 4.5'));
    const result = await keten(['reshore', path], { home });
    expectCleanFailure(result, 1);
    const line = CASE.split('\n').findIndex((entry) => entry.includes('dutyRate: 0.045')) + 1;
    expect(result.stderr).toContain(`${path}: 1 problem found in the reshoring case; nothing compared`);
    expect(result.stderr).toContain(`${path}:${line}:15: 'dutyRate' must be at most 1 (it is 4.5)`);
  });

  it('exits 3 for a missing file and 2 for a bad carbon price', async () => {
    expectCleanFailure(await keten(['reshore', join(home, 'nothing.yaml')], { home }), 3);
    const bad = await keten(['reshore', CASE_PATH, '--carbon-price', '-5'], { home });
    expectCleanFailure(bad, 2);
    expect(bad.stderr).toContain('--carbon-price must be an amount per tonne CO2e');
  });
});

describe('POST /api/v1/reshore on keten serve', () => {
  it('answers the same numbers as keten reshore --json', async () => {
    const added = await keten(['user', 'add', 'cfo', '--role', 'viewer'], { home });
    expect(added.status, added.stderr).toBe(0);
    const created = await keten(['token', 'create', '--user', 'cfo', '--name', 'e2e'], { home });
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    server = await startServe(home);
    const answer = await api<ComparisonJson>(server.url, 'POST', '/api/v1/reshore', {
      token,
      body: { case: CASE, carbonPrice: 120, runs: 5, seed: 2 },
    });
    expect(answer.status).toBe(200);
    await server.stop();
    server = undefined;
    const local = await keten(
      ['reshore', CASE_PATH, '--json', '--carbon-price', '120', '--runs', '5', '--seed', '2'],
      {
        home,
      },
    );
    expect(local.status, local.stderr).toBe(0);
    expect(answer.body).toEqual(JSON.parse(local.stdout));
  }, 240_000);
});
