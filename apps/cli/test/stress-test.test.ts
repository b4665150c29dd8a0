/**
 * `keten stress-test` end to end: the ranked table by default, `--json` alone on stdout with the issue's
 * hand-checked figures, a company's own ttr over --ttr, the demo network, `--out`, and bad input
 * refused with a message and the documented exit status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStressThreads } from '../src/commands/stress-test.ts';
import { expectCleanFailure, keten, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const FLEXIBLE = 'examples/stress-test-flexible.yaml';

interface StressJson {
  network: string;
  baseline: { tts: number | null; losses: { ttr: number; loss: number }[] };
  companies: {
    company: string;
    rank: number;
    ttr: number;
    tts: number | null;
    loss: number;
    rei: number;
    flagged: boolean;
  }[];
  solves: number;
  reused: number;
}

describe('keten stress-test', () => {
  it('prints the weak spots of the hand-checked case, ranked', async () => {
    const result = await keten(['stress-test', FLEXIBLE, '--ttr', '2'], { home });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain("Stress test of 'stress-test-flexible': 4 companies");
    expect(lines).toContain(
      '3 companies run out before recovering (TTS < TTR); 3 companies would cost end demand when down.',
    );
    const table = lines.slice(lines.findIndex((line) => line.startsWith('rank')) + 1).filter(Boolean);
    expect(table.map((line) => line.trim().split(/\s+/).slice(0, 5))).toEqual([
      ['1', 'plant', '0', '2', '0'],
      ['2', 'supplier-3', '1', '2', '0.9'],
      ['3', 'supplier-2', '1', '2', '1.29'],
      ['4', 'supplier-1', '1', '2', '2.25'],
    ]);
    expect(table[1]).toContain('275,000 EUR  0.196  TTS < TTR  55 p1 at plant');
    expect(result.stderr).toMatch(
      /^stress-tested examples\/stress-test-flexible\.yaml in \d+\.\d s: 4 companies, TTR 2 periods; \d+ LPs of 15 columns and 19 rows solved on 1 thread, \d+ answered without a solve\n$/,
    );
  });

  it('prints the result alone on stdout with --json', async () => {
    const result = await keten(['stress-test', FLEXIBLE, '--ttr', '2', '--json'], { home });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as StressJson;
    expect(json.baseline).toEqual({ tts: null, losses: [{ ttr: 2, loss: 0 }] });
    expect(
      json.companies.map(({ company, loss, tts, flagged }) => ({ company, loss, tts, flagged })),
    ).toEqual([
      { company: 'plant', loss: 1_400_000, tts: 0, flagged: true },
      { company: 'supplier-3', loss: 275_000, tts: 0.9, flagged: true },
      { company: 'supplier-2', loss: 125_000, tts: 1.285714, flagged: true },
      { company: 'supplier-1', loss: 0, tts: 2.25, flagged: false },
    ]);
    // The same on two worker threads.
    const threaded = await keten(['stress-test', FLEXIBLE, '--ttr', '2', '--json', '--threads', '2'], {
      home,
    });
    expect(threaded.status, threaded.stderr).toBe(0);
    expect(threaded.stdout).toBe(result.stdout);
  });

  it("lets a company's own ttr override --ttr, and writes --out", async () => {
    const path = join(home, 'own-ttr.yaml');
    writeFileSync(
      path,
      readFileSync(FLEXIBLE, 'utf8').replace('name: Supplier 1,', 'name: Supplier 1, ttr: 3,'),
    );
    const out = join(home, 'stress.json');
    const result = await keten(['stress-test', path, '--json', '--out', out, '--disruption', 'production'], {
      home,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('TTR 4 periods (the default) unless a company gives its own (1 do)');
    expect(result.stderr).toContain(`wrote the result to ${out}`);
    const json = JSON.parse(readFileSync(out, 'utf8')) as StressJson;
    // supplier-1 down for 3 periods: 3·125 − 45 = 330 needed against 3·105 = 315, 15 p1 short.
    expect(json.companies.find((entry) => entry.company === 'supplier-1')).toMatchObject({
      ttr: 3,
      loss: 75_000,
    });
    // supplier-3 down for the default 4: 4·125 − 45 = 455 against 4·75 = 300, 155 p1 short.
    expect(json.companies.find((entry) => entry.company === 'supplier-3')).toMatchObject({
      ttr: 4,
      loss: 775_000,
    });
    // Only production stops: the plant sells from stock and buys as before.
    expect(json.companies.find((entry) => entry.company === 'plant')).toMatchObject({ loss: 0, tts: null });
  });

  it('stress-tests the demo network: the OEM first, the sole sources among the next', async () => {
    const result = await keten(['stress-test', 'examples/demo-network.yaml', '--ttr', '13', '--json'], {
      home,
    });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as StressJson;
    expect(json.companies).toHaveLength(44);
    expect(json.companies[0]).toMatchObject({ company: 'kempen', rank: 1, rei: 1, tts: 0, flagged: true });
    const top = json.companies.slice(0, 7).map((entry) => entry.company);
    expect(top).toContain('steinhof-optics');
    for (const entry of json.companies)
      expect(entry.flagged).toBe(entry.tts !== null && entry.tts < entry.ttr);
    expect(json.solves + json.reused).toBe(90);
  });

  it('refuses a bad --ttr as a usage error, a missing file as not found, a broken file as invalid', async () => {
    const usage = await keten(['stress-test', FLEXIBLE, '--ttr', 'soon'], { home });
    expectCleanFailure(usage, 2);
    expect(usage.stderr).toContain('--ttr must be a number of periods, 0 or more');
    const unknown = await keten(['stress-test', FLEXIBLE, '--disruption', 'fire'], { home });
    expectCleanFailure(unknown, 2);
    const missing = await keten(['stress-test', 'examples/no-such-network.yaml'], { home });
    expectCleanFailure(missing, 3);
    const broken = join(home, 'broken.yaml');
    writeFileSync(broken, readFileSync(FLEXIBLE, 'utf8').replace('capacity: 30 }', 'capacity: -30 }'));
    const invalid = await keten(['stress-test', broken], { home });
    expectCleanFailure(invalid, 1);
    expect(invalid.stderr).toContain('problem');
    expect(invalid.stderr).toContain('nothing stress-tested');
  });

  it('solves a large network on a thread a core (up to 4) unless --threads says otherwise', () => {
    expect(defaultStressThreads(44)).toBe(1);
    expect(defaultStressThreads(999)).toBe(1);
    expect(defaultStressThreads(6000)).toBeGreaterThanOrEqual(1);
    expect(defaultStressThreads(6000)).toBeLessThanOrEqual(4);
  });
});
