import type { LpModel } from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_LP } from '../test/small-lp.ts';
import { createHighsSolver } from './highs.ts';

const solver = createHighsSolver();
afterAll(() => solver.dispose());

const small = SMALL_LP;

async function optimum(model: LpModel, changes = {}) {
  const answer = await solver.solve(model, changes);
  if (!answer.ok || answer.value.status !== 'optimal') throw new Error(JSON.stringify(answer));
  return { objective: answer.value.objective, x: Array.from(answer.value.columnValues) };
}

describe('createHighsSolver', () => {
  it('loads HiGHS in-process', async () => {
    expect(await solver.version()).toMatch(/^1\.\d+\.\d+$/);
  });

  it('solves a small LP', async () => {
    const { objective, x } = await optimum(small);
    expect(objective).toBeCloseTo(2.8, 9);
    expect(x[0]).toBeCloseTo(1.6, 9);
    expect(x[1]).toBeCloseTo(1.2, 9);
  });

  it('applies changes for one solve only', async () => {
    // x fixed at 0: y ≤ 2 from the first row, 2.
    expect((await optimum(small, { columns: [{ index: 0, lower: 0, upper: 0 }] })).objective).toBeCloseTo(
      2,
      9,
    );
    // The second row relaxed to 3x + y ≤ 12: x = 4, y = 0.
    expect(
      (await optimum(small, { rows: [{ index: 1, lower: -Infinity, upper: 12 }] })).objective,
    ).toBeCloseTo(4, 9);
    expect((await optimum(small)).objective).toBeCloseTo(2.8, 9);
  });

  it('tells infeasible and unbounded programs apart', async () => {
    // x ≥ 5 cannot meet x + 2y ≤ 4.
    expect(await solver.solve(small, { columns: [{ index: 0, lower: 5, upper: Infinity }] })).toEqual({
      ok: true,
      value: { status: 'infeasible' },
    });
    const free = { lower: -Infinity, upper: Infinity };
    expect(
      await solver.solve(small, {
        rows: [
          { index: 0, ...free },
          { index: 1, ...free },
        ],
      }),
    ).toEqual({
      ok: true,
      value: { status: 'unbounded' },
    });
  });

  it('stops a solve at its iteration limit, for that solve only', async () => {
    // From the kept optimum (x = 1.6 basic), fixing x at 0 needs a simplex iteration.
    const fixed = { columns: [{ index: 0, lower: 0, upper: 0 }] };
    expect(await solver.solve(small, fixed, { iterations: 0 })).toEqual({
      ok: false,
      error: { reason: 'limit-reached', message: 'HiGHS reached its iteration limit' },
    });
    expect((await solver.solve(small, fixed, { iterations: 50 })).ok).toBe(true);
    expect((await optimum(small, fixed)).objective).toBeCloseTo(2, 9);
    expect(await solver.solve(small, fixed, { iterations: 1.5 })).toEqual({
      ok: false,
      error: { reason: 'invalid-model', message: 'an iteration limit must be a whole number (got 1.5)' },
    });
  });

  it('keeps answering right when models take turns beyond what it keeps loaded', async () => {
    const one = createHighsSolver({ keepModels: 1 });
    const minimize: LpModel = { ...small, sense: 'minimize', cost: Float64Array.of(1, 1) };
    for (let round = 0; round < 3; round++) {
      const max = await one.solve(small);
      const min = await one.solve(minimize);
      expect(max.ok && max.value.status === 'optimal' && max.value.objective).toBeCloseTo(2.8, 9);
      expect(min.ok && min.value.status === 'optimal' && min.value.objective).toBe(0);
    }
    one.dispose();
  });

  it('refuses malformed models and changes as invalid-model', async () => {
    const cases: [LpModel, string][] = [
      [{ ...small, columnUpper: Float64Array.of(1) }, 'the column bounds have 2 and 1 values for 2 columns'],
      [{ ...small, rowStarts: Int32Array.of(0, 2) }, 'rowStarts has 2 offsets for 2 rows (needs 3)'],
      [{ ...small, columnIndices: Int32Array.of(0, 1, 0, 7) }, 'column index 7 is outside 0..1'],
      [{ ...small, values: Float64Array.of(1, Number.NaN, 3, 1) }, 'a matrix value is not a finite number'],
      [
        { ...small, columnLower: Float64Array.of(3, 0), columnUpper: Float64Array.of(1, 1) },
        'column 0 has the bounds 3..1',
      ],
    ];
    for (const [model, message] of cases)
      expect(await solver.solve(model)).toEqual({ ok: false, error: { reason: 'invalid-model', message } });
    expect(await solver.solve(small, { columns: [{ index: 2, lower: 0, upper: 0 }] })).toEqual({
      ok: false,
      error: { reason: 'invalid-model', message: 'a change names column 2, outside 0..1' },
    });
    expect(await solver.solve(small, { rows: [{ index: 0, lower: 1, upper: 0 }] })).toEqual({
      ok: false,
      error: { reason: 'invalid-model', message: 'a change gives row 0 the bounds 1..0' },
    });
    // The well-formed model still solves after the refusals.
    expect((await optimum(small)).objective).toBeCloseTo(2.8, 9);
  });
});
