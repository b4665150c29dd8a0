/**
 * `keten generate` end to end: the same seed gives the same bytes, to stdout and to a file, and a
 * network that validates; another seed gives another network; bad options are usage errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, keten, type RunResult, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const SUMMARY =
  /valid keten\.network\/v1 network 'synthetic-300-seed-7': 300 companies, \d+ items, \d+ tiers, \d+ sourcing links/;

describe('keten generate --companies 300 --seed 7', () => {
  const out = (name: string) => join(home, name);
  let runs: RunResult[] = [];
  // Every run at once: they are independent, and the comparisons come after.
  beforeAll(async () => {
    runs = await Promise.all([
      keten(['generate', '--companies', '300', '--seed', '7'], { home }),
      keten(['generate', '--companies', '300', '--seed', '7'], { home }),
      keten(['generate', '--companies', '300', '--seed', '7', '--out', out('first.json')], { home }),
      keten(['generate', '--companies', '300', '--seed', '7', '--out', out('second.json')], { home }),
      keten(['generate', '--companies', '300', '--seed', '8'], { home }),
      keten(['generate', '--companies', '300', '--seed', '7', '--out', out('network.yaml')], { home }),
    ]);
  });

  it('gives identical bytes twice, to stdout and with --out', async () => {
    const [first, second, firstFile, secondFile] = runs as [RunResult, RunResult, RunResult, RunResult];
    for (const run of [first, second, firstFile, secondFile]) expect(run.status, run.stderr).toBe(0);
    expect(first.bytes.length).toBeGreaterThan(100_000);
    expect(first.bytes.equals(second.bytes)).toBe(true);
    const written = readFileSync(out('first.json'));
    expect(written.equals(readFileSync(out('second.json')))).toBe(true);
    expect(written.equals(first.bytes)).toBe(true);
    expect(firstFile.stdout).toBe('');
    expect(firstFile.stderr).toMatch(/wrote .*first\.json: 300 companies/);
    const network = JSON.parse(first.stdout) as { format: string; companies: unknown[] };
    expect(network.format).toBe('keten.network/v1');
    expect(network.companies).toHaveLength(300);
  });

  it('gives another network for another seed', async () => {
    const [first, , , , otherSeed] = runs as [RunResult, RunResult, RunResult, RunResult, RunResult];
    expect(otherSeed.status).toBe(0);
    expect(otherSeed.bytes.equals(first.bytes)).toBe(false);
    expect((JSON.parse(otherSeed.stdout) as { companies: unknown[] }).companies).toHaveLength(300);
  });

  it('writes a network that validates, as JSON and as YAML with the same counts', async () => {
    const yamlRun = runs[5]!;
    expect(yamlRun.status, yamlRun.stderr).toBe(0);
    const yaml = readFileSync(out('network.yaml'), 'utf8');
    expect(yaml.trimStart().startsWith('{')).toBe(false);
    expect(yaml).toMatch(/^format: keten\.network\/v1$/m);
    const [json, yamlResult] = await Promise.all([
      keten(['validate', out('first.json')], { home }),
      keten(['validate', out('network.yaml')], { home }),
    ]);
    expect(json.status, json.stderr).toBe(0);
    expect(yamlResult.status, yamlResult.stderr).toBe(0);
    expect(json.stdout).toMatch(SUMMARY);
    const counts = (line: string) => line.slice(line.indexOf("': "));
    expect(counts(yamlResult.stdout)).toBe(counts(json.stdout));
  });
});

describe.concurrent('bad options', () => {
  it('--companies 5 exits 2 with a clear message and writes nothing', async () => {
    const result = await keten(
      ['generate', '--companies', '5', '--seed', '7', '--out', join(home, 'five.json')],
      {
        home,
      },
    );
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/companies must be a whole number from 10 to \d+, not 5/);
    expect(result.stdout).toBe('');
    expect(existsSync(join(home, 'five.json'))).toBe(false);
  });

  it('a seed that is not a number exits 2', async () => {
    const result = await keten(['generate', '--companies', '300', '--seed', 'seven'], { home });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--seed must be a whole number');
  });
});
