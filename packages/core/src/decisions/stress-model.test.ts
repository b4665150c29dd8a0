import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { checkLpModel, type LpModel } from './linear-program.ts';
import {
  buildStressProblem,
  cappedSurvival,
  recoveryChanges,
  survivalChanges,
  survivalForcedToZero,
} from './stress-model.ts';

const path = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));
const loaded = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(path, 'utf8') });
if (!loaded.ok) throw new Error('the minimal network does not load');
const minimal: Network = loaded.value.network;

/** The entries of a row by column name. */
function row(model: LpModel, name: string): Record<string, number> {
  const index = model.rowNames!.indexOf(name);
  expect(index, name).toBeGreaterThanOrEqual(0);
  const entries: Record<string, number> = {};
  for (let at = model.rowStarts[index]!; at < model.rowStarts[index + 1]!; at++)
    entries[model.columnNames![model.columnIndices[at]!]!] = model.values[at]!;
  return entries;
}

function upper(model: LpModel, name: string): number {
  return model.rowUpper[model.rowNames!.indexOf(name)]!;
}

const columnName = (model: LpModel) => (index: number) => model.columnNames![index]!;
const rowName = (model: LpModel) => (index: number) => model.rowNames![index]!;

describe('buildStressProblem on the minimal network', () => {
  const problem = buildStressProblem(minimal);
  const { recovery, survival } = problem;

  it('has one column per production record, lane and end demand, plus the window', () => {
    expect(recovery.columnNames).toEqual([
      'window',
      'start oem machine',
      'start frame-a frame',
      'start frame-b frame',
      'start steel steel-plate',
      'ship frame-a oem frame',
      'ship frame-b oem frame',
      'ship steel frame-a steel-plate',
      'ship steel frame-b steel-plate',
      'lost oem machine',
    ]);
    expect(checkLpModel(recovery)).toEqual([]);
    expect(checkLpModel(survival)).toEqual([]);
  });

  it('writes capacity, balance and lost-demand rows', () => {
    expect(recovery.rowNames).toHaveLength(12); // 4 capacity, 7 balance, 1 lost demand
    expect(row(recovery, 'capacity frame-b frame')).toEqual({ window: -20, 'start frame-b frame': 1 });
    // The OEM's frames: used by its machines, bought from two suppliers, 5 in stock.
    expect(row(recovery, 'balance oem frame')).toEqual({
      'start oem machine': 1,
      'ship frame-a oem frame': -1,
      'ship frame-b oem frame': -1,
    });
    expect(upper(recovery, 'balance oem frame')).toBe(5);
    // Frame-a's frames: made at a yield of 0.98, shipped to the OEM.
    expect(row(recovery, 'balance frame-a frame')).toEqual({
      'start frame-a frame': -0.98,
      'ship frame-a oem frame': 1,
    });
    // Frame-a's steel: 120 kg a frame, bought from the mill; the open purchase of 480 kg is in stock.
    expect(row(recovery, 'balance frame-a steel-plate')).toEqual({
      'start frame-a frame': 120,
      'ship steel frame-a steel-plate': -1,
    });
    expect(upper(recovery, 'balance frame-a steel-plate')).toBe(480);
    // The OEM's machines: demand 60 over 12 periods is 5 a period; 2 machines in progress.
    const rate = 60 / 12;
    expect(row(recovery, 'balance oem machine')).toEqual({
      window: rate,
      'start oem machine': -1,
      'lost oem machine': -1,
    });
    expect(upper(recovery, 'balance oem machine')).toBe(2);
    expect(row(recovery, 'lost oem machine')).toEqual({ window: -rate, 'lost oem machine': 1 });
    expect(problem.demands).toEqual([
      { company: 'oem', item: 'machine', rate, lossPerUnit: 400_000, column: 9 },
    ]);
  });

  it('minimizes the loss in the recovery LP and maximizes the window, losing nothing, in the survival LP', () => {
    expect(recovery.sense).toBe('minimize');
    expect(Array.from(recovery.cost)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 400_000]);
    expect(survival.sense).toBe('maximize');
    expect(Array.from(survival.cost)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(survival.columnUpper[9]).toBe(0);
    expect(recovery.columnUpper[9]).toBe(Infinity);
    // As built: the undisrupted network, over 1 period (recovery) and up to 1,000 horizons (survival).
    expect([recovery.columnLower[0], recovery.columnUpper[0]]).toEqual([1, 1]);
    expect([survival.columnLower[0], survival.columnUpper[0]]).toEqual([0, 12_000]);
    expect(problem.survivalLimit).toBe(12_000);
    expect(buildStressProblem(minimal, { ttr: 4 }).recovery.columnUpper[0]).toBe(4);
    // One matrix for both.
    expect(survival.values).toBe(recovery.values);
  });

  it('takes a site down whole: its production, its lanes both ways and its stock', () => {
    const frameA = problem.companies.indexOf('frame-a');
    const changes = recoveryChanges(problem, frameA, 4);
    expect(
      changes.columns?.map((change) => [columnName(recovery)(change.index), change.lower, change.upper]),
    ).toEqual([
      ['window', 4, 4],
      ['start frame-a frame', 0, 0],
      ['ship frame-a oem frame', 0, 0],
      ['ship steel frame-a steel-plate', 0, 0],
    ]);
    expect(changes.rows?.map((change) => [rowName(recovery)(change.index), change.upper])).toEqual([
      ['balance frame-a steel-plate', 0],
      ['balance frame-a frame', 0],
    ]);
    expect(survivalChanges(problem, frameA)).toEqual({
      columns: changes.columns?.slice(1),
      rows: changes.rows,
    });
  });

  it('leaves the undisrupted network alone but for the window', () => {
    expect(recoveryChanges(problem, undefined, 2.5)).toEqual({
      columns: [{ index: 0, lower: 2.5, upper: 2.5 }],
    });
    expect(survivalChanges(problem, undefined)).toEqual({});
  });

  it('caps the survival window for a rung of the ladder, one model per window', () => {
    const rung = cappedSurvival(problem, 26);
    expect(rung.columnUpper[0]).toBe(26);
    expect(survival.columnUpper[0]).toBe(12_000);
    expect(Array.from(rung.columnUpper.subarray(1))).toEqual(Array.from(survival.columnUpper.subarray(1)));
    expect(rung.values).toBe(survival.values);
    expect(cappedSurvival(problem, 26)).toBe(rung);
    expect(cappedSurvival(problem, 13)).not.toBe(rung);
  });

  it('refuses a node index that is no company', () => {
    expect(() => survivalChanges(problem, 4)).toThrow(RangeError);
    expect(() => survivalForcedToZero(problem, 4)).toThrow(RangeError);
  });

  it('knows without a solve that a site selling to end customers leaves no window', () => {
    // The OEM down: 'balance oem machine' keeps only demand · window ≤ 0 (its lanes, production and
    // lost demand are fixed at 0). A supplier down leaves the others' lanes and production free.
    const forced = problem.companies.filter((_, company) => survivalForcedToZero(problem, company));
    expect(forced).toEqual(['oem']);
    // With only production stopped the OEM still sells from stock: no shortcut.
    const production = buildStressProblem(minimal, { disruption: 'production' });
    expect(production.companies.some((_, company) => survivalForcedToZero(production, company))).toBe(false);
    // Without end demand nobody is forced to 0.
    const idle = buildStressProblem({ ...minimal, demand: [] });
    expect(idle.companies.some((_, company) => survivalForcedToZero(idle, company))).toBe(false);
  });
});

describe('buildStressProblem options and fields', () => {
  it("stops only production with disruption 'production' (the paper's)", () => {
    const problem = buildStressProblem(minimal, { disruption: 'production' });
    const oem = problem.companies.indexOf('oem');
    const changes = survivalChanges(problem, oem);
    expect(changes.columns?.map((change) => problem.survival.columnNames![change.index])).toEqual([
      'start oem machine',
    ]);
    expect(changes.rows).toEqual([]);
  });

  it('averages a capacity list over the horizon, and uses maximumCapacity when asked', () => {
    const network: Network = {
      ...minimal,
      production: minimal.production!.map((record) =>
        record.company === 'frame-b' ? { ...record, capacity: [20, 20, 0, 20], maximumCapacity: 26 } : record,
      ),
    };
    // 20 in every period but period 2: 11 × 20 / 12.
    const normal = buildStressProblem(network).recovery;
    expect(row(normal, 'capacity frame-b frame').window).toBeCloseTo((-11 * 20) / 12, 12);
    const maximum = buildStressProblem(network, { capacity: 'maximum' }).recovery;
    expect(row(maximum, 'capacity frame-b frame').window).toBe(-26);
    // Records without a maximum keep their capacity.
    expect(row(maximum, 'capacity frame-a frame').window).toBe(-8);
  });

  it('shares a capacity group between its items', () => {
    const network: Network = {
      ...minimal,
      capacityGroups: [
        { id: 'press', company: 'frame-a', capacity: 6, items: [{ item: 'frame', load: 1.5 }] },
      ],
    };
    expect(row(buildStressProblem(network).recovery, 'group frame-a press')).toEqual({
      window: -6,
      'start frame-a frame': 1.5,
    });
  });

  it('takes the demand rate from mean and the loss from lossPerUnit, then price, then 1', () => {
    const demand = minimal.demand![0]!;
    const withMean = buildStressProblem({
      ...minimal,
      demand: [{ ...demand, mean: 7, lossPerUnit: 90_000 }],
    });
    expect(withMean.demands[0]).toMatchObject({ rate: 7, lossPerUnit: 90_000 });
    expect(withMean.warnings).toEqual([]);
    const { price: _, ...unpriced } = demand;
    const bare = buildStressProblem({ ...minimal, demand: [{ ...unpriced, quantities: [] }] });
    expect(bare.demands[0]).toMatchObject({ rate: 0, lossPerUnit: 1 });
    expect(bare.warnings).toEqual([
      '1 end demand has neither lossPerUnit nor price: a unit lost counts as a loss of 1',
    ]);
  });

  it('builds the same arrays for the same network', () => {
    const one = buildStressProblem(minimal);
    const two = buildStressProblem(minimal);
    expect(two.recovery).toEqual(one.recovery);
    expect(two.down).toEqual(one.down);
  });
});
