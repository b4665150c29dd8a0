/**
 * `keten decouple` end to end: a Willems (2008) stage table (chain 1) as a table and as JSON alone on
 * stdout; the shared minimal network as stages (processing time = lead time + the slowest inbound
 * lane; a demand's own service level wins over --service-level); and bad input refused with a
 * message and the documented exit status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, keten, SHARED_MINIMAL_PATH, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const CHAIN_1 = '/work/shared/data/willems2008/willems_01.csv';

interface DecoupleJson {
  method: string;
  tree: boolean;
  totalCost: number;
  lowerBound: number;
  gap: number;
  decouplingPoints: string[];
  stages: {
    id: string;
    processingTime: number;
    inboundServiceTime: number;
    outboundServiceTime: number;
    netReplenishmentTime: number;
    safetyTerm: number;
    safetyStock: number;
    baseStock: number;
    holdingCost: number;
    decouplingPoint: boolean;
  }[];
}

describe('keten decouple', () => {
  it('places safety stock in a Willems stage table and prints a table', async () => {
    const result = await keten(['decouple', CHAIN_1], { home });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${CHAIN_1}: 8 stages, 5 decoupling points`);
    expect(lines[1]).toMatch(/^method: not a tree: Lagrangian bounds .* optimal \(gap ≤ 1e-6\)/);
    expect(lines[2]).toBe('safety-stock holding cost per period: 19,834.07');
    expect(result.stdout).toMatch(
      /^stage\s+decoupling\s+T\s+SI\s+S\s+NRT\s+safety stock\s+base stock\s+holding cost$/m,
    );
    expect(result.stdout).toMatch(/^Manuf_0001\s+yes\s+10\.0\s+0\.0\s+0\.0\s+10\.0\s/m);
    expect(result.stderr).toMatch(/^placed safety stock over 8 stages in \d+\.\d\d s: not a tree/);
  });

  it('prints the answer alone on stdout with --json', async () => {
    const result = await keten(['decouple', CHAIN_1, '--json'], { home });
    expect(result.status, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as DecoupleJson;
    expect(answer.method).toBe('branch-and-bound');
    expect(answer.tree).toBe(false);
    expect(answer.stages).toHaveLength(8);
    expect(answer.totalCost).toBeCloseTo(19834.0744, 3);
    expect(answer.gap).toBeLessThanOrEqual(1e-6);
    expect(answer.decouplingPoints.sort()).toEqual([
      'Manuf_0001',
      'Manuf_0002',
      'Part_0001',
      'Part_0002',
      'Part_0003',
    ]);
    const sum = answer.stages.reduce((total, stage) => total + stage.holdingCost, 0);
    expect(sum).toBeCloseTo(answer.totalCost, 6);
  });

  it('a --holding-rate doubles every holding cost and keeps the plan', async () => {
    const result = await keten(['decouple', CHAIN_1, '--json', '--holding-rate', '2'], { home });
    expect(result.status, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as DecoupleJson).totalCost).toBeCloseTo(2 * 19834.0744, 3);
  });

  it('reads a network: one stage per company-item, the slowest lane in the processing time', async () => {
    const text = readFileSync(SHARED_MINIMAL_PATH, 'utf8').replace(
      '    price: 400000 ',
      '    mean: 5\n    stdDev: 2\n    serviceLevel: 0.99\n    maxServiceTime: 1\n    price: 400000 ',
    );
    const path = join(folder.path, 'minimal-gsm.yaml');
    writeFileSync(path, text);
    const result = await keten(
      ['decouple', path, '--json', '--holding-rate', '0.005', '--service-level', '0.5'],
      {
        home,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as DecoupleJson;
    expect(answer.stages.map((stage) => stage.id).sort()).toEqual([
      'frame-a/frame',
      'frame-b/frame',
      'oem/machine',
      'steel/steel-plate',
    ]);
    const machine = answer.stages.find((stage) => stage.id === 'oem/machine')!;
    // Lead time 2 plus the slower of the frame lanes (1 by road, 6 by sea).
    expect(machine.processingTime).toBe(8);
    expect(machine.outboundServiceTime).toBeLessThanOrEqual(1);
    // The demand's own service level (0.99, z = 2.326) wins over --service-level 0.5 (z = 0).
    expect(machine.safetyTerm).toBeCloseTo(2.3263 * 2, 3);
  });

  it('refuses a network without holding costs, with every stage named', async () => {
    const result = await keten(['decouple', SHARED_MINIMAL_PATH], { home });
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain('4 problems in the network; nothing placed');
    expect(result.stderr).toContain('oem/machine has no holdingCost, and the network has no holdingRate');
  });

  /** Runs keten decouple on a stage table of the given rows; it must fail with status 1. */
  const failingTable = async (name: string, rows: string) => {
    const path = join(folder.path, name);
    writeFileSync(
      path,
      `stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,ext_demand_thres,up_stages\n${rows}`,
    );
    const result = await keten(['decouple', path], { home });
    expectCleanFailure(result, 1);
    return { path, stderr: result.stderr };
  };

  it('refuses a broken stage table with file:line messages', async () => {
    const { path, stderr } = await failingTable(
      'broken.csv',
      'Part,-3,,1,2,,,\nShop,1,0,1,,10,2,1.645,Part,1\n',
    );
    expect(stderr).toContain(`${path}:2: lead_time of Part must be a number ≥ 0, not "-3"`);
  });

  it('names an upstream stage that is not in the table', async () => {
    const { stderr } = await failingTable('ghost.csv', 'Shop,1,0,1,,10,2,1.645,Ghost,1\n');
    expect(stderr).toContain('stage Shop names the unknown upstream stage Ghost');
  });

  it('refuses a bad --service-level as usage, and a missing file as not found', async () => {
    expectCleanFailure(await keten(['decouple', CHAIN_1, '--service-level', '1.5'], { home }), 2);
    expectCleanFailure(await keten(['decouple', join(folder.path, 'nothing.csv')], { home }), 3);
  });
});
