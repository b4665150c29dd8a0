/**
 * `keten sourcing --optimise` end to end on the shared minimal network: the search table with the
 * frontier and the choice, the choice in words, `--json` with the frontier and the choice on it, and
 * `--step`/`--max-sources` refused without `--optimise` (exit 2).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, keten, SHARED_MINIMAL_PATH, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const ARGS = ['sourcing', SHARED_MINIMAL_PATH, '--buyer', 'oem', '--item', 'frame', '--optimise'];

interface SearchJson {
  step: number;
  search: { candidates: number; simulated: number; screened: number };
  splits: { label: string; acceptable: boolean; expected: { total: number; endFill: number } }[];
  frontier: string[];
  choice: { split: string; acceptable: boolean; explanation: string };
}

describe('keten sourcing --optimise', () => {
  it('searches the 11 splits of two suppliers and explains the choice', async () => {
    const result = await keten([...ARGS, '--runs', '10'], { home });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      "Best split of frame at oem in 'minimal-two-tier': 11 splits in steps of 10 % with up to 2 sources, 11 simulated with 10 runs × 9 scenarios over 52 weeks (seed 1); money in EUR.",
    );
    expect(result.stdout.match(/ ◀ /g)).toHaveLength(1);
    expect(result.stdout).toMatch(
      /^Choice: Buy \d+ % from frame-a, \d+ % from frame-b\. Of 11 splits tried/m,
    );
    expect(result.stdout).toContain('Frontier, expected cost against expected fill rate:');
    expect(result.stderr).toMatch(
      /^searched 11 splits of frame at oem in \d+\.\d s: 11 simulated with 10 runs, 9 scenarios/m,
    );
  });

  it('prints the search as JSON with the choice first on the frontier', async () => {
    const result = await keten([...ARGS, '--runs', '5', '--step', '25', '--json'], { home });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as SearchJson;
    expect(json.step).toBe(0.25);
    expect(json.search).toMatchObject({ candidates: 5, simulated: 5, screened: 0 });
    expect(json.frontier[0]).toBe(json.choice.split);
    const chosen = json.splits.find((split) => split.label === json.choice.split)!;
    for (const split of json.splits.filter((entry) => entry.acceptable === chosen.acceptable))
      expect(split.expected.total).toBeGreaterThanOrEqual(chosen.expected.total);
  });

  it('refuses --step without --optimise and a step that does not divide 100', async () => {
    const without = await keten(
      ['sourcing', SHARED_MINIMAL_PATH, '--buyer', 'oem', '--item', 'frame', '--step', '20'],
      { home },
    );
    expectCleanFailure(without, 2);
    expect(without.stderr).toContain('--step and --max-sources belong to --optimise');
    const uneven = await keten([...ARGS, '--step', '30'], { home });
    expectCleanFailure(uneven, 2);
    expect(uneven.stderr).toContain('--step must be a percentage from 5 to 50 that divides 100');
  });
});
