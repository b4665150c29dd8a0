/**
 * The orchestration of `stressTest` with a stand-in solver (no LP is solved here; the figures of real
 * LPs are checked against HiGHS in packages/solver/test/stress.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import { ok } from '../result.ts';
import type { LpChanges, LpModel, LpSolver } from './linear-program.ts';
import { stressTest, survivalWindows } from './stress.ts';

const path = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));
const loaded = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(path, 'utf8') });
if (!loaded.ok) throw new Error('the minimal network does not load');
const minimal = loaded.value.network;

/**
 * Loses nothing in every recovery LP; survives as many periods as the solve has column and row
 * changes (the undisrupted network: indefinitely). Records the solves.
 */
function standIn(): LpSolver & { solves: { sense: LpModel['sense']; changes: LpChanges }[] } {
  const solves: { sense: LpModel['sense']; changes: LpChanges }[] = [];
  return {
    solves,
    async solve(model, changes = {}) {
      solves.push({ sense: model.sense, changes });
      if (model.sense === 'minimize')
        return ok({ status: 'optimal', objective: 0, columnValues: new Float64Array(model.cost.length) });
      const size = (changes.columns?.length ?? 0) + (changes.rows?.length ?? 0);
      if (size === 0) return ok({ status: 'unbounded' });
      return ok({ status: 'optimal', objective: size, columnValues: new Float64Array(model.cost.length) });
    },
  };
}

describe('stressTest', () => {
  it('solves the undisrupted network first, and reuses its optimum where it leaves a company unused', async () => {
    const solver = standIn();
    const result = await stressTest(minimal, { ttr: 3, solver });
    if (!result.ok) throw new Error(result.error.message);
    // The stand-in's recovery optimum is all zeros: it uses no company, so every company's recovery
    // LP has the same optimum and is not solved. Its survival LP is unbounded: no optimum to reuse.
    // The OEM sells to end customers: down (a site), it leaves no window, so its survival LP is not
    // solved either (TTS 0).
    expect(solver.solves.map((solve) => solve.sense)).toEqual([
      'minimize',
      'maximize',
      ...Array<string>(3).fill('maximize'),
    ]);
    expect(solver.solves[0]!.changes).toEqual({ columns: [{ index: 0, lower: 3, upper: 3 }] });
    expect(solver.solves[1]!.changes).toEqual({});
    expect([result.value.solves, result.value.reused]).toEqual([5, 5]);
  });

  it('ranks equal losses by shorter TTS, then by id; REI 0 when nobody loses', async () => {
    // Changes per company: steel 3 columns + 1 row = 4; frame-a and frame-b 3 + 2 = 5; the OEM
    // is not solved (down, it cannot sell: TTS 0).
    const result = await stressTest(minimal, { ttr: 4.5, solver: standIn() });
    if (!result.ok) throw new Error(result.error.message);
    expect(
      result.value.companies.map((entry) => [entry.company, entry.tts, entry.rank, entry.flagged]),
    ).toEqual([
      ['oem', 0, 1, true],
      ['steel', 4, 2, true],
      ['frame-a', 5, 3, false],
      ['frame-b', 5, 4, false],
    ]);
    expect(result.value.companies.every((entry) => entry.rei === 0 && entry.loss === 0)).toBe(true);
    expect(result.value.baseline.tts).toBe(Infinity);
  });

  it('reports an LP that comes back infeasible as a failure, naming it', async () => {
    const solver: LpSolver = { solve: async () => ok({ status: 'infeasible' }) };
    expect(await stressTest(minimal, { ttr: 1, solver })).toEqual({
      ok: false,
      error: {
        reason: 'solver-failed',
        message:
          'the recovery LP of the undisrupted network came back infeasible; it cannot be (report this as a bug)',
      },
    });
  });

  it('spaces the rungs of the survival ladder evenly from a quarter of the undisrupted TTS', () => {
    expect(survivalWindows(52, 6)).toEqual([13, 19.5, 26, 32.5, 39, 45.5]);
    expect(survivalWindows(52, 0)).toEqual([]);
    expect(survivalWindows(Infinity, 6)).toEqual([]);
    expect(survivalWindows(0, 6)).toEqual([]);
  });

  it('reports progress over the company LPs, survival then recovery, answered or solved', async () => {
    const seen: [number, number][] = [];
    const result = await stressTest(minimal, {
      ttr: 2,
      solver: standIn(),
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(result.ok).toBe(true);
    expect(seen).toEqual(Array.from({ length: 8 }, (_, index) => [index + 1, 8]));
  });

  it('refuses a survivalRungs that is not a whole number', async () => {
    const result = await stressTest(minimal, { ttr: 1, solver: standIn(), survivalRungs: 1.5 });
    expect(result.ok ? undefined : result.error.reason).toBe('invalid-options');
  });

  it("refuses a company's negative ttr", async () => {
    const network = { ...minimal, companies: minimal.companies.map((company) => ({ ...company, ttr: -2 })) };
    expect(await stressTest(network, { ttr: 1, solver: standIn() })).toEqual({
      ok: false,
      error: { reason: 'invalid-options', message: "company 'oem' has ttr -2; it must be 0 or more" },
    });
  });
});
