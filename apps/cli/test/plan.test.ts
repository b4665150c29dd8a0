/**
 * `keten plan` end to end: the summary by default, `--json` with stdout carrying the plan alone in the
 * shape of issue 3 §4, CSV files with headers that never replace someone else's file, `--out` written
 * atomically, `--horizon` that may shorten the network's horizon but not extend it, a broken file
 * refused with every problem, and a stored network planned by name.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  edit,
  expectCleanFailure,
  keten,
  MINIMAL,
  MINIMAL_PATH,
  SHARED_MINIMAL_PATH,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const MINIMAL_INPUT = existsSync(SHARED_MINIMAL_PATH) ? SHARED_MINIMAL_PATH : MINIMAL_PATH;
const DEMO = 'examples/demo-network.yaml';
const CSV_FILES = ['bottlenecks.csv', 'deliveries.csv', 'orders.csv', 'pegging.csv', 'shortages.csv'];

/** Checks `value` against the output contract of issue 3 §4 and returns it typed. */
function expectPlanContract(value: unknown) {
  const plan = value as {
    network: string;
    horizon: number;
    orders: Record<string, unknown>[];
    deliveries: Record<string, unknown>[];
    shortages: { cause: Record<string, unknown> }[];
    bottlenecks: Record<string, unknown>[];
    pegging: { order: string; servesDemand: Record<string, unknown>[] }[];
  };
  expect(plan).toMatchObject({ network: expect.any(String), horizon: expect.any(Number) });
  const numbers = (record: Record<string, unknown>, fields: string[]) => {
    for (const field of fields)
      expect(typeof record[field], `${field} of ${JSON.stringify(record)}`).toBe('number');
  };
  const strings = (record: Record<string, unknown>, fields: string[]) => {
    for (const field of fields)
      expect(typeof record[field], `${field} of ${JSON.stringify(record)}`).toBe('string');
  };
  for (const order of plan.orders) {
    strings(order, ['id', 'company', 'item']);
    numbers(order, ['quantity', 'start', 'due']);
    expect(['production', 'purchase']).toContain(order.kind);
    if (order.kind === 'purchase') strings(order, ['supplier']);
    if (order.startQuantity !== undefined) numbers(order, ['startQuantity']);
    expect(order.start as number).toBeGreaterThanOrEqual(0);
    expect(order.due as number).toBeLessThan(plan.horizon);
  }
  for (const delivery of plan.deliveries) {
    strings(delivery, ['company', 'item']);
    numbers(delivery, ['period', 'quantity', 'forPeriod']);
  }
  for (const shortage of plan.shortages) {
    strings(shortage as unknown as Record<string, unknown>, ['company', 'item']);
    numbers(shortage as unknown as Record<string, unknown>, ['period', 'quantity']);
    strings(shortage.cause, ['code', 'company', 'item', 'text']);
    numbers(shortage.cause, ['period']);
  }
  for (const bottleneck of plan.bottlenecks) {
    strings(bottleneck, ['company', 'capacity']);
    numbers(bottleneck, ['period', 'load', 'limit']);
    if (bottleneck.maximum !== undefined) numbers(bottleneck, ['maximum']);
  }
  const ids = new Set([...plan.orders].map((order) => order.id));
  for (const peg of plan.pegging) {
    expect(ids.has(peg.order), peg.order).toBe(true);
    for (const demand of peg.servesDemand) {
      strings(demand, ['company', 'item']);
      numbers(demand, ['period', 'quantity']);
    }
  }
  return plan;
}

describe.concurrent('keten plan on a file', () => {
  it('prints a summary: totals, shortages with causes, bottlenecks, load per tier', async ({ expect }) => {
    const result = await keten(['plan', 'examples/network-minimal.yaml'], { home });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Plan of 'minimal-two-tier' over 12 periods: \d+ orders/);
    expect(lines[1]).toMatch(/^Demand 60: \d+ on time, fill rate \d+\.\d%/);
    expect(result.stdout).toMatch(/^Shortages/m);
    expect(result.stdout).toMatch(/^Bottlenecks/m);
    expect(result.stdout).toContain('Load by tier');
    expect(result.stdout).toMatch(/^ {2}tier 2: 1 company/m);
    expect(result.stderr).toMatch(/^planned examples\/network-minimal\.yaml over 12 periods in /);
  });

  it('--json: stdout carries the plan alone, in the shape of issue 3 §4', async ({ expect }) => {
    const result = await keten(['plan', MINIMAL_INPUT, '--json'], { home });
    expect(result.status, result.stderr).toBe(0);
    const plan = expectPlanContract(JSON.parse(result.stdout));
    expect(plan.network).toBe('minimal-two-tier');
    expect(plan.horizon).toBe(12);
    expect(plan.orders.length).toBeGreaterThan(0);
    expect(plan.pegging.length).toBeGreaterThan(0);
    // On-time deliveries + shortages = demand, per demand period.
    const demand = [0, 0, 0, 4, 4, 6, 6, 8, 8, 8, 8, 8];
    for (let period = 0; period < 12; period++) {
      const onTime = plan.deliveries
        .filter((delivery) => delivery.forPeriod === period && delivery.period === period)
        .reduce((sum, delivery) => sum + (delivery.quantity as number), 0);
      const short = plan.shortages
        .filter((shortage) => (shortage as unknown as { period: number }).period === period)
        .reduce((sum, shortage) => sum + (shortage as unknown as { quantity: number }).quantity, 0);
      expect(onTime + short, `period ${period}`).toBeCloseTo(demand[period]!, 6);
    }
    expect(result.stderr).toContain('planned');
  });

  it('--no-pegging leaves pegging empty', async ({ expect }) => {
    const result = await keten(['plan', 'examples/network-minimal.yaml', '--json', '--no-pegging'], {
      home,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).pegging).toEqual([]);
  });

  it('plans the demo network, and --horizon 10 plans 10 periods', async ({ expect }) => {
    const full = await keten(['plan', DEMO, '--json', '--build-ahead', '2', '--frozen', '1'], { home });
    expect(full.status, full.stderr).toBe(0);
    const plan = expectPlanContract(JSON.parse(full.stdout));
    expect(plan).toMatchObject({ network: 'kempen-instruments-demo', horizon: 52 });
    for (const order of plan.orders) expect(order.start as number).toBeGreaterThanOrEqual(1);

    const short = await keten(['plan', DEMO, '--horizon', '10', '--json'], { home });
    expect(short.status, short.stderr).toBe(0);
    expect(expectPlanContract(JSON.parse(short.stdout)).horizon).toBe(10);
  });

  it('refuses --horizon 60 on the 52-period demo network', async ({ expect }) => {
    const result = await keten(['plan', DEMO, '--horizon', '60'], { home });
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(
      `keten: --horizon 60 is longer than the horizon of ${DEMO}, 52 periods; --horizon may shorten it, not extend it`,
    );
    expect(result.stdout).toBe('');
  });

  it('refuses bad options as usage errors', async ({ expect }) => {
    for (const args of [
      ['--horizon', '0'],
      ['--json', '--csv', join(home, 'never')],
      ['--csv', join(home, 'never'), '--out', join(home, 'never.json')],
    ]) {
      const result = await keten(['plan', DEMO, ...args], { home });
      expectCleanFailure(result, 2);
    }
    expect(existsSync(join(home, 'never'))).toBe(false);
  });

  it('lists every problem of a broken file, as validate does, and plans nothing', async ({ expect }) => {
    const broken = edit(
      edit(MINIMAL, '    capacity: 10 #', '    capacty: 10 #'),
      'suppliers: [{ supplier: steel, share: 1, leadTime: 1 }]',
      'suppliers: [{ supplier: stel, share: 1, leadTime: 1 }]',
    );
    const path = join(home, 'broken.yaml');
    writeFileSync(path, broken);
    const result = await keten(['plan', path, '--json'], { home });
    expectCleanFailure(result, 1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${path}:`);
    expect(result.stderr).toContain("unknown field 'capacty' (did you mean 'capacity'?)");
    expect(result.stderr).toContain("unknown supplier 'stel' (did you mean 'steel'?)");
    expect(result.stderr).toMatch(/keten: .*broken\.yaml: \d+ problems found; nothing planned\n$/);
    const validate = await keten(['validate', path], { home });
    const problems = (text: string) => text.split('\n').filter((line) => line.startsWith(path));
    expect(problems(result.stderr)).toEqual(problems(validate.stderr));
  });

  it('says so when the file is not there, without looking in a store', async ({ expect }) => {
    const result = await keten(['plan', 'examples/no-such-network.yaml'], { home });
    expectCleanFailure(result, 3);
    expect(result.stderr).toBe('keten: examples/no-such-network.yaml: no such file or folder\n');
    expect(existsSync(join(home, 'store'))).toBe(false);
  });

  it('--out writes the plan to a file, atomically, and nothing to stdout', async ({ expect }) => {
    const target = join(home, 'out');
    mkdirSync(target);
    const path = join(target, 'plan.json');
    writeFileSync(path, 'an older plan');
    const result = await keten(['plan', 'examples/network-minimal.yaml', '--json', '--out', path], {
      home,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`wrote the plan to ${path}`);
    expectPlanContract(JSON.parse(readFileSync(path, 'utf8')));
    expect(readdirSync(target)).toEqual(['plan.json']);

    const summary = join(target, 'summary.txt');
    const text = await keten(['plan', 'examples/network-minimal.yaml', '--out', summary], { home });
    expect(text.status, text.stderr).toBe(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/^Plan of 'minimal-two-tier'/);

    const missing = await keten(
      ['plan', 'examples/network-minimal.yaml', '--out', join(home, 'nope', 'p.json')],
      {
        home,
      },
    );
    expectCleanFailure(missing, 3);
    expect(missing.stderr).toContain('does not exist');
  });
});

describe('keten plan --csv', () => {
  const target = join(home, 'csv', 'demo');

  it.sequential('writes the five files with headers into a new folder', async () => {
    const result = await keten(['plan', DEMO, '--csv', target], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readdirSync(target).sort()).toEqual(CSV_FILES);
    const header = (name: string) => readFileSync(join(target, name), 'utf8').split('\r\n')[0];
    expect(header('orders.csv')).toBe('id,kind,company,item,supplier,quantity,startQuantity,start,due');
    expect(header('deliveries.csv')).toBe('company,item,forPeriod,period,quantity,periodsLate');
    expect(header('shortages.csv')).toBe(
      'company,item,period,quantity,causeCode,causeCompany,causeItem,causePeriod,causeText',
    );
    expect(header('bottlenecks.csv')).toBe('company,capacity,period,load,limit,maximum');
    expect(header('pegging.csv')).toBe('order,demandCompany,demandItem,demandPeriod,quantity');
    expect(readFileSync(join(target, 'orders.csv'), 'utf8').split('\r\n').length).toBeGreaterThan(100);
    for (const name of CSV_FILES) expect(result.stderr).toContain(`wrote ${join(target, name)}`);
  });

  it.sequential('replaces its own files on a second run', async () => {
    const result = await keten(['plan', DEMO, '--csv', target, '--horizon', '20'], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual(CSV_FILES);
  });

  it.sequential('leaves a file it did not write alone, and writes nothing', async () => {
    const foreign = join(target, 'orders.csv');
    writeFileSync(foreign, 'my own numbers\n');
    const before = readFileSync(join(target, 'pegging.csv'), 'utf8');
    const result = await keten(['plan', DEMO, '--csv', target], { home });
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`${foreign} exists; it is not a plan file keten wrote`);
    expect(readFileSync(foreign, 'utf8')).toBe('my own numbers\n');
    expect(readFileSync(join(target, 'pegging.csv'), 'utf8')).toBe(before);
  });
});

describe('keten plan on a stored network', () => {
  const storeHome = join(home, 'stored');

  it.sequential('imports the demo network', async () => {
    const imported = await keten(['import', DEMO], { home: storeHome });
    expect(imported.status, imported.stderr).toBe(0);
  });

  it.sequential('plans it by name, from the default store', async () => {
    const result = await keten(['plan', 'kempen-instruments-demo'], { home: storeHome });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Plan of 'kempen-instruments-demo' over 52 periods/);
    expect(result.stderr).toContain('planned kempen-instruments-demo v1 over 52 periods');
  });

  it.sequential('plans a version of it from --db, as JSON', async () => {
    const db = join(storeHome, 'store');
    const json = await keten(['plan', 'kempen-instruments-demo', '--db', db, '--version', '1', '--json'], {
      home,
    });
    expect(json.status, json.stderr).toBe(0);
    expect(expectPlanContract(JSON.parse(json.stdout)).network).toBe('kempen-instruments-demo');
  });

  it.sequential('exits 3 for a version that is not there, 2 for a longer horizon', async () => {
    const version = await keten(['plan', 'kempen-instruments-demo', '--version', '2'], { home: storeHome });
    expectCleanFailure(version, 3);
    expect(version.stderr).toContain("network 'kempen-instruments-demo' has no version 2");
    const longer = await keten(['plan', 'kempen-instruments-demo', '--horizon', '53'], { home: storeHome });
    expectCleanFailure(longer, 2);
    expect(longer.stderr).toContain('longer than the horizon of kempen-instruments-demo v1, 52 periods');
  });
});
