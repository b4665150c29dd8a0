import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { type Plan, planNetwork } from './plan.ts';
import {
  csvChunks,
  csvField,
  csvLine,
  formatPlanSummary,
  planCsvFiles,
  planJsonChunks,
  summarizePlan,
} from './report.ts';

function load(name: string): Network {
  const path = fileURLToPath(new URL(`../../../../examples/${name}`, import.meta.url));
  const result = loadNetworkFile({ name, text: readFileSync(path, 'utf8') });
  if (!result.ok) throw new Error(`${name} does not load`);
  return result.value.network;
}

const minimal = load('network-minimal.yaml');
const minimalPlan = planNetwork(minimal);

/** A one-company network around `parts`. */
function network(parts: Partial<Network>): Network {
  return {
    format: 'keten.network/v1',
    name: 'test',
    period: 'week',
    start: '2027-01-04',
    horizon: 4,
    companies: [{ id: 'maker', name: 'Maker', site: { country: 'NL', region: 'EU' } }],
    items: [
      { id: 'widget', name: 'Widget', unit: 'pcs' },
      { id: 'gadget', name: 'Gadget', unit: 'pcs' },
    ],
    ...parts,
  };
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/*
 * A hand-made plan on a small network, so every figure of the summary can be worked out by hand
 * (whatever the planner would make of the network).
 */
const small = network({
  companies: [
    { id: 'oem', name: 'OEM', site: { country: 'NL', region: 'EU' } },
    { id: 'sup-a', name: 'Supplier A', site: { country: 'DE', region: 'EU' } },
    { id: 'sup-b', name: 'Supplier B', site: { country: 'CN', region: 'ASIA' } },
    { id: 'idle', name: 'Idle', site: { country: 'BE', region: 'EU' } },
  ],
  items: [
    { id: 'machine', name: 'Machine', unit: 'pcs' },
    { id: 'part', name: 'Part', unit: 'pcs' },
  ],
  production: [
    { company: 'oem', item: 'machine', leadTime: 1, capacity: 10, bom: [{ item: 'part', quantity: 1 }] },
    { company: 'sup-a', item: 'part', leadTime: 0, capacity: 20 },
    { company: 'sup-b', item: 'part', leadTime: 0, capacity: [5, 5, 0, 5] },
  ],
  capacityGroups: [
    { id: 'line', company: 'oem', capacity: 30, maximumCapacity: 36, items: [{ item: 'machine', load: 2 }] },
  ],
  sourcing: [
    {
      buyer: 'oem',
      item: 'part',
      suppliers: [
        { supplier: 'sup-a', share: 0.5, leadTime: 0 },
        { supplier: 'sup-b', share: 0.5, leadTime: 0 },
      ],
    },
  ],
  demand: [{ company: 'oem', item: 'machine', quantities: [0, 5, 5, 5] }],
});

const cause = (
  code: 'capacity' | 'lead-time',
  company: string,
  item: string,
  period: number,
  text: string,
) => ({
  code,
  company,
  item,
  period,
  text,
});

const smallPlan: Plan = {
  network: 'test',
  horizon: 4,
  orders: [
    {
      id: 'oem/machine/make/0',
      kind: 'production',
      company: 'oem',
      item: 'machine',
      quantity: 5,
      start: 0,
      due: 1,
    },
    {
      id: 'oem/machine/make/1',
      kind: 'production',
      company: 'oem',
      item: 'machine',
      quantity: 4,
      startQuantity: 5,
      start: 1,
      due: 2,
    },
    {
      id: 'oem/part/buy/sup-a/0',
      kind: 'purchase',
      company: 'oem',
      item: 'part',
      quantity: 10,
      start: 0,
      due: 0,
      supplier: 'sup-a',
    },
    {
      id: 'sup-a/part/make/0',
      kind: 'production',
      company: 'sup-a',
      item: 'part',
      quantity: 10,
      start: 0,
      due: 0,
    },
  ],
  deliveries: [
    { company: 'oem', item: 'machine', period: 1, quantity: 3, forPeriod: 1 },
    { company: 'oem', item: 'machine', period: 2, quantity: 4, forPeriod: 2 },
    { company: 'oem', item: 'machine', period: 3, quantity: 3, forPeriod: 3 },
    { company: 'oem', item: 'machine', period: 3, quantity: 1, forPeriod: 1 },
  ],
  shortages: [
    {
      company: 'oem',
      item: 'machine',
      period: 1,
      quantity: 2,
      cause: cause('capacity', 'sup-b', 'part', 0, 'A1'),
    },
    {
      company: 'oem',
      item: 'machine',
      period: 2,
      quantity: 1,
      cause: cause('lead-time', 'oem', 'machine', 1, 'B'),
    },
    {
      company: 'oem',
      item: 'machine',
      period: 3,
      quantity: 2,
      cause: cause('capacity', 'sup-b', 'part', 2, 'A3'),
    },
  ],
  bottlenecks: [
    { company: 'sup-b', capacity: 'sup-b/part', period: 1, load: 7, limit: 5 },
    { company: 'sup-b', capacity: 'sup-b/part', period: 2, load: 4, limit: 0 },
    { company: 'sup-b', capacity: 'sup-b/part', period: 3, load: 6, limit: 5 },
    { company: 'oem', capacity: 'line', period: 1, load: 32, limit: 30, maximum: 36 },
  ],
  pegging: [
    {
      order: 'oem/part/buy/sup-a/0',
      servesDemand: [
        { company: 'oem', item: 'machine', period: 1, quantity: 5 },
        { company: 'oem', item: 'machine', period: 2, quantity: 5 },
      ],
    },
  ],
};

describe('summarizePlan on a hand-made plan', () => {
  const summary = summarizePlan(small, smallPlan);

  it('totals demand, on time, short, late and fill rate', () => {
    // Demand 15; short 2 + 1 + 2 = 5, of which 1 comes late (period 3 for period 1).
    expect(summary.totals).toEqual({
      demand: 15,
      onTime: 10,
      short: 5,
      late: 1,
      unserved: 4,
      fillRate: 0.666667,
    });
    expect(summary.orders).toEqual({ production: 3, purchase: 1, total: 4 });
    expect(summary).toMatchObject({ network: 'test', horizon: 4 });
  });

  it('groups shortages by end demand, the largest cause first, with the text of its first period', () => {
    expect(summary.shortages).toEqual([
      {
        company: 'oem',
        item: 'machine',
        demand: 15,
        short: 5,
        late: 1,
        fillRate: 0.666667,
        periods: 3,
        firstPeriod: 1,
        causes: [
          {
            code: 'capacity',
            company: 'sup-b',
            item: 'part',
            quantity: 4,
            periods: 2,
            firstPeriod: 1,
            text: 'A1',
          },
          {
            code: 'lead-time',
            company: 'oem',
            item: 'machine',
            quantity: 1,
            periods: 1,
            firstPeriod: 2,
            text: 'B',
          },
        ],
      },
    ]);
  });

  it('groups bottlenecks per capacity, the peak being the highest load against the limit', () => {
    expect(summary.bottlenecks).toEqual([
      {
        company: 'sup-b',
        capacity: 'sup-b/part',
        periods: 3,
        firstPeriod: 1,
        lastPeriod: 3,
        // A shutdown period (limit 0) with load is the heaviest.
        peakPeriod: 2,
        peakLoad: 4,
        limit: 0,
        beyondMaximum: 3,
      },
      {
        company: 'oem',
        capacity: 'line',
        periods: 1,
        firstPeriod: 1,
        lastPeriod: 1,
        peakPeriod: 1,
        peakLoad: 32,
        limit: 30,
        maximum: 36,
        beyondMaximum: 0,
      },
    ]);
  });

  it('loads each tier with its companies, orders and capacities (groups per started unit)', () => {
    // Tier 0, oem: machine starts 5 + 5 against 10 × 4; the line 2 × 10 against 30 × 4: 30 / 160.
    // Tier 1: sup-a starts 10 against 20 × 4, sup-b nothing against 5 + 5 + 0 + 5: 10 / 95.
    expect(summary.tiers).toEqual([
      {
        tier: 0,
        companies: 1,
        orders: 3,
        capacities: 2,
        meanUtilisation: 0.1875,
        peakUtilisation: 0.5,
        peak: { company: 'oem', capacity: 'oem/machine', period: 0, utilisation: 0.5 },
      },
      {
        tier: 1,
        companies: 2,
        orders: 1,
        capacities: 2,
        meanUtilisation: 0.105263,
        peakUtilisation: 0.5,
        peak: { company: 'sup-a', capacity: 'sup-a/part', period: 0, utilisation: 0.5 },
      },
      { tier: null, companies: 1, orders: 0, capacities: 0, meanUtilisation: null, peakUtilisation: null },
    ]);
  });

  it('has a fill rate of 1 and empty lists without demand', () => {
    const input = network({ production: [{ company: 'maker', item: 'widget', leadTime: 0, capacity: 1 }] });
    const empty = summarizePlan(input, planNetwork(input));
    expect(empty.totals).toEqual({ demand: 0, onTime: 0, short: 0, late: 0, unserved: 0, fillRate: 1 });
    expect(empty.shortages).toEqual([]);
    expect(empty.bottlenecks).toEqual([]);
    const text = formatPlanSummary(empty);
    expect(text).toContain('No end demand in the planned periods.');
    expect(text).toContain('Shortages: none');
    expect(text).toContain('Bottlenecks: none');
  });
});

describe('summarizePlan on real plans', () => {
  it.for(['network-minimal.yaml', 'demo-network.yaml'])('adds up on %s', (name) => {
    const input = load(name);
    const plan = planNetwork(input);
    const summary = summarizePlan(input, plan);
    const { totals } = summary;
    const demand = sum((input.demand ?? []).map((entry) => sum(entry.quantities.slice(0, plan.horizon))));
    const onTime = plan.deliveries.filter((delivery) => delivery.period === delivery.forPeriod);
    const late = plan.deliveries.filter((delivery) => delivery.period > delivery.forPeriod);
    expect(totals.demand).toBeCloseTo(demand, 6);
    expect(totals.onTime).toBeCloseTo(sum(onTime.map((delivery) => delivery.quantity)), 6);
    expect(totals.short).toBeCloseTo(sum(plan.shortages.map((shortage) => shortage.quantity)), 6);
    expect(totals.late).toBeCloseTo(sum(late.map((delivery) => delivery.quantity)), 6);
    expect(totals.onTime + totals.short).toBeCloseTo(totals.demand, 6);
    expect(summary.orders.total).toBe(plan.orders.length);
    expect(sum(summary.tiers.map((tier) => tier.orders))).toBe(plan.orders.length);
    expect(sum(summary.tiers.map((tier) => tier.companies))).toBe(input.companies.length);
    expect(sum(summary.shortages.map((entry) => entry.short))).toBeCloseTo(totals.short, 6);
    for (const entry of summary.shortages) {
      expect(sum(entry.causes.map((item) => item.quantity))).toBeCloseTo(entry.short, 6);
      const quantities = entry.causes.map((item) => item.quantity);
      expect(quantities).toEqual([...quantities].sort((a, b) => b - a));
    }
    expect(sum(summary.bottlenecks.map((entry) => entry.periods))).toBe(plan.bottlenecks.length);
    // A plan never loads a capacity beyond its limit.
    for (const tier of summary.tiers) expect(tier.peakUtilisation ?? 0).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('formatPlanSummary', () => {
  const text = formatPlanSummary(summarizePlan(small, smallPlan));

  it('reads as a planner expects', () => {
    expect(text).toBe(
      [
        "Plan of 'test' over 4 periods: 4 orders (3 production, 1 purchase)",
        'Demand 15: 10 on time, fill rate 66.7%; 5 short (1 delivered late, 4 not within the horizon)',
        '',
        'Shortages by end demand (1), with their causes:',
        '  oem/machine: 5 of 15 short in 3 periods from period 1, fill rate 66.7%',
        '    4 capacity at sup-b/part (2 periods from 1): A1',
        '    1 lead-time at oem/machine (1 period from 2): B',
        '',
        'Bottlenecks: load needed over capacity (2):',
        '  sup-b/part: over capacity in 3 periods (1-3); peak 4 against 0 in period 2; no maximum capacity set',
        '  line at oem: over capacity in period 1; peak 32 against 30 in period 1; maximum 36 is enough',
        '',
        'Load by tier (planned starts against capacity):',
        '  tier 0: 1 company, 3 orders, 2 capacities: mean 18.8%, peak 50.0% (oem/machine in period 0)',
        '  tier 1: 2 companies, 1 order, 2 capacities: mean 10.5%, peak 50.0% (sup-a/part in period 0)',
        '  no tier: 1 company, 0 orders, 0 capacities: no capacity',
        '',
      ].join('\n'),
    );
  });

  it('cuts long lists at the limit and counts the rest', () => {
    const short = formatPlanSummary(summarizePlan(small, smallPlan), { limit: 1, causes: 1 });
    expect(short).toContain('    4 capacity at sup-b/part (2 periods from 1): A1\n    … and 1 more cause\n');
    expect(short).toContain('  … and 1 more capacity\n');
    expect(short).not.toContain('line at oem');
  });

  it('stays short on the demo network', () => {
    const demo = load('demo-network.yaml');
    const summary = summarizePlan(demo, planNetwork(demo));
    const demoText = formatPlanSummary(summary);
    expect(demoText.split('\n').length).toBeLessThan(70);
    if (summary.bottlenecks.length > 10)
      expect(demoText).toContain(`… and ${summary.bottlenecks.length - 10} more`);
  });
});

describe('CSV', () => {
  it('quotes as RFC 4180 says, and guards against formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvField('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvField('+31 40 123')).toBe("'+31 40 123");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('\tindented')).toBe("'\tindented");
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.1 + 0.2)).toBe('0.3');
    expect(csvField(1e-9)).toBe('0');
    expect(csvField(undefined)).toBe('');
    expect(csvLine(['a', 1, undefined, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });

  it('writes five files with headers, one row per record (pegging: per order and demand)', () => {
    const files = planCsvFiles(minimalPlan);
    expect(files.map((file) => file.name)).toEqual([
      'orders.csv',
      'deliveries.csv',
      'shortages.csv',
      'bottlenecks.csv',
      'pegging.csv',
    ]);
    const read = (name: string) => {
      const file = files.find((candidate) => candidate.name === name)!;
      const text = [...csvChunks(file)].join('');
      expect(text.startsWith(`${file.header.join(',')}\r\n`)).toBe(true);
      return parse(text, { columns: true }) as Record<string, string>[];
    };
    const orders = read('orders.csv');
    expect(orders).toHaveLength(minimalPlan.orders.length);
    for (const [index, order] of [...minimalPlan.orders].entries()) {
      expect(orders[index]).toEqual({
        id: order.id,
        kind: order.kind,
        company: order.company,
        item: order.item,
        supplier: order.supplier ?? '',
        quantity: String(order.quantity),
        startQuantity: String(order.startQuantity ?? order.quantity),
        start: String(order.start),
        due: String(order.due),
      });
    }
    expect(read('deliveries.csv')).toHaveLength(minimalPlan.deliveries.length);
    const shortages = read('shortages.csv');
    expect(shortages.map((row) => row.causeText)).toEqual(
      minimalPlan.shortages.map((shortage) => shortage.cause.text),
    );
    const pegs = read('pegging.csv');
    expect(pegs).toHaveLength(sum(minimalPlan.pegging.map((peg) => peg.servesDemand.length)));
    expect(pegs[0]).toMatchObject({ order: minimalPlan.pegging[0]!.order, demandCompany: 'oem' });
  });

  it('leaves a missing maximum empty', () => {
    const bottlenecks = planCsvFiles(smallPlan).find((file) => file.name === 'bottlenecks.csv')!;
    expect([...csvChunks(bottlenecks)].join('')).toBe(
      [
        'company,capacity,period,load,limit,maximum',
        'sup-b,sup-b/part,1,7,5,',
        'sup-b,sup-b/part,2,4,0,',
        'sup-b,sup-b/part,3,6,5,',
        'oem,line,1,32,30,36',
        '',
      ].join('\r\n'),
    );
  });

  it('has the layout docs/planning.md gives', () => {
    const docs = readFileSync(
      fileURLToPath(new URL('../../../../docs/planning.md', import.meta.url)),
      'utf8',
    );
    for (const file of planCsvFiles(smallPlan)) {
      expect(docs).toContain(`| \`${file.name}\` | \`${file.header.join(', ')}\``);
    }
  });

  it('gives the same rows each time the rows are read', () => {
    const [orders] = planCsvFiles(minimalPlan);
    expect([...csvChunks(orders!)].join('')).toBe([...csvChunks(orders!)].join(''));
  });

  it('keeps text that looks like a formula inert, and parses back with the quote', () => {
    const plan: Plan = {
      ...minimalPlan,
      shortages: [
        {
          company: 'oem',
          item: 'machine',
          period: 1,
          quantity: 2,
          cause: {
            code: 'material',
            company: 'oem',
            item: 'machine',
            period: 1,
            text: '=1+1, "quoted"\nnext',
          },
        },
      ],
    };
    const shortages = planCsvFiles(plan).find((file) => file.name === 'shortages.csv')!;
    const rows = parse([...csvChunks(shortages)].join(''), { columns: true }) as Record<string, string>[];
    expect(rows[0]?.causeText).toBe(`'=1+1, "quoted"\nnext`);
  });
});

describe('planJsonChunks', () => {
  const same = (plan: unknown) => {
    const text = [...planJsonChunks(plan as Plan)].join('');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(plan)));
    return text;
  };

  it('gives the plan of the minimal and the demo network exactly', () => {
    const text = same(minimalPlan);
    expect(text.split('\n')[1]).toBe('  "network": "minimal-two-tier",');
    expect(text.endsWith('\n}\n')).toBe(true);
    const demo = load('demo-network.yaml');
    same(planNetwork(demo));
    same(planNetwork(demo, { pegging: false, horizon: 10 }));
  });

  it('streams a large plan in chunks of about 1 MiB', () => {
    const order = minimalPlan.orders.at(0)!;
    const orders = Array.from({ length: 60_000 }, (_, index) => ({ ...order, id: `order-${index}` }));
    const chunks = [...planJsonChunks({ ...minimalPlan, orders })];
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(1 << 20);
      expect(chunk.length).toBeLessThan((1 << 20) + 1000);
    }
    expect(JSON.parse(chunks.join('')).orders).toHaveLength(60_000);
  });

  it('equals JSON.stringify for any object, with fields JSON leaves out or turns into null', () => {
    same({ network: 'x', horizon: 1, orders: [], pegging: [] });
    same({});
    same({ network: undefined, orders: [undefined, () => 1, { a: undefined, b: 1 }], horizon: 2 });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.array(fc.anything()), fc.anything())), (value) => {
        same(value);
      }),
      { numRuns: 200 },
    );
  });
});
