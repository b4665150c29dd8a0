import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadNetworkFile, stressTest } from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_LP } from '../test/small-lp.ts';
import { createHighsSolver } from './highs.ts';
import { createHighsThreadSolver } from './highs-threads.ts';

const threads = createHighsThreadSolver({ threads: 2 });
const inProcess = createHighsSolver();
afterAll(async () => {
  await threads.close();
  inProcess.dispose();
});

const small = SMALL_LP;

describe('createHighsThreadSolver', () => {
  it('solves on worker threads, many LPs in flight', async () => {
    expect(threads.threads).toBe(2);
    const answers = await Promise.all(
      [undefined, 0, undefined, 0].map((fixed) =>
        threads.solve(small, fixed === undefined ? {} : { columns: [{ index: fixed, lower: 0, upper: 0 }] }),
      ),
    );
    expect(
      answers.map((answer) => answer.ok && answer.value.status === 'optimal' && answer.value.objective),
    ).toEqual([expect.closeTo(2.8, 9), expect.closeTo(2, 9), expect.closeTo(2.8, 9), expect.closeTo(2, 9)]);
  });

  it('passes an iteration limit on to the worker', async () => {
    const fixed = { columns: [{ index: 0, lower: 0, upper: 0 }] };
    const [stopped, solved] = await Promise.all([
      threads.solve(small, fixed, { iterations: 0 }),
      threads.solve(small, fixed, { iterations: 50 }),
    ]);
    expect(stopped.ok ? undefined : stopped.error.reason).toBe('limit-reached');
    expect(solved.ok && solved.value.status === 'optimal' && solved.value.objective).toBeCloseTo(2, 9);
  });

  it('passes malformed models back as invalid-model', async () => {
    expect(await threads.solve({ ...small, rowStarts: Int32Array.of(0, 2) })).toEqual({
      ok: false,
      error: { reason: 'invalid-model', message: 'rowStarts has 2 offsets for 2 rows (needs 3)' },
    });
  });

  it('gives the stress test the same answer as the solver in process', async () => {
    const path = fileURLToPath(new URL('../../../examples/demo-network.yaml', import.meta.url));
    const loaded = loadNetworkFile({ name: 'demo-network.yaml', text: readFileSync(path, 'utf8') });
    if (!loaded.ok) throw new Error('the demo network does not load');
    const one = await stressTest(loaded.value.network, { ttr: 13, solver: inProcess });
    const two = await stressTest(loaded.value.network, { ttr: 13, solver: threads, concurrency: 2 });
    expect(two).toEqual(one);
  });

  it('refuses to solve once closed', async () => {
    const closing = createHighsThreadSolver({ threads: 1 });
    await closing.close();
    expect(await closing.solve(small)).toEqual({
      ok: false,
      error: { reason: 'solver-failed', message: 'the solver is closed' },
    });
  });
});
