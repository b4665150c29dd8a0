/**
 * The stress test (core's `stressTest`) on the real HiGHS adapter, against figures worked out by hand:
 * the issue's validation case (3 flexible suppliers, 2 products), a single-source chain, a network
 * that survives any single failure, an overloaded network, and bad options.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type CompanyStress,
  type LpSolver,
  loadNetworkFile,
  type Network,
  type StressResult,
  stressTest,
} from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsSolver } from '../src/index.ts';

const solver = createHighsSolver();
afterAll(() => solver.dispose());

function network(yaml: string): Network {
  const loaded = loadNetworkFile({ name: 'test.yaml', text: yaml });
  if (!loaded.ok) throw new Error(loaded.error.map((issue) => issue.message).join('\n'));
  return loaded.value.network;
}

async function stress(source: Network, options: { ttr: number; disruption?: 'site' | 'production' }) {
  const result = await stressTest(source, { ...options, solver });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function byCompany(result: StressResult): Record<string, CompanyStress> {
  return Object.fromEntries(result.companies.map((entry) => [entry.company, entry]));
}

const HEADER = `
format: keten.network/v1
name: stress-test
period: week
start: 2027-01-04
horizon: 12
`;

/**
 * The issue's case, `examples/stress-test-flexible.yaml`: the plant sells products p1 and p2 (demand
 * 75 and 50 a period; a unit lost costs 5,000 and 6,500) and has 20 p1 and 25 p2 in stock. Three
 * suppliers can each make both products and move their capacity between them (a capacity group of 30,
 * 45 and 60 units a period); the plant may buy either product from any of them. TTR is 2 periods.
 * Lead times do not count (as in the paper).
 */
const FLEXIBLE = readFileSync(
  fileURLToPath(new URL('../../../examples/stress-test-flexible.yaml', import.meta.url)),
  'utf8',
);

describe('the issue case: 3 flexible suppliers (30/45/60), 2 products (75/50), stock 20/25, TTR 2', () => {
  // Over the TTR window of 2 periods the plant needs 2·75 − 20 = 130 p1 and 2·50 − 25 = 75 p2 beyond
  // its stock: 205 units. The suppliers are flexible, so only their total capacity counts, and what
  // is short is best lost as p1 (5,000 a unit against 6,500):
  //   supplier-1 down: 45 + 60 = 105 a period, 210 in 2 periods ≥ 205: loss 0
  //   supplier-2 down: 30 + 60 =  90 a period, 180: 25 short, 25 × 5,000 = 125,000
  //   supplier-3 down: 30 + 45 =  75 a period, 150: 55 short, 55 × 5,000 = 275,000
  //   plant down (its site: no sales, its stock out of reach): all demand of 2 periods is lost,
  //     150 × 5,000 + 100 × 6,500 = 750,000 + 650,000 = 1,400,000
  // Time to survive: with capacity C a period left, demand is met for t periods while
  //   (75t − 20) + (50t − 25) ≤ C·t, i.e. 125t − 45 ≤ C·t, so t = 45 / (125 − C)
  // (each product's own need, 75t − 20 and 50t − 25, is positive at those t, so no stock of one
  // product sits idle and the flexible total is the only limit):
  //   supplier-1 down: C = 105, t = 45/20 = 2.25 ≥ TTR 2: not flagged
  //   supplier-2 down: C =  90, t = 45/35 = 9/7 = 1.285714… < 2: flagged
  //   supplier-3 down: C =  75, t = 45/50 = 0.9 < 2: flagged
  //   plant down: nothing sells, t = 0 < 2: flagged
  // Undisrupted, C = 135 ≥ 125: demand is met indefinitely (TTS ∞) and nothing is lost.
  // REI = loss / the worst loss (the plant's 1,400,000): plant 1, supplier-3 275/1400 = 11/56,
  // supplier-2 125/1400 = 5/56, supplier-1 0.
  it('gives the hand-worked losses, TTS, REI, ranks and flags', async () => {
    const result = await stress(network(FLEXIBLE), { ttr: 2 });
    const at = byCompany(result);
    expect(result.companies.map((entry) => entry.company)).toEqual([
      'plant',
      'supplier-3',
      'supplier-2',
      'supplier-1',
    ]);
    expect(result.companies.map((entry) => entry.rank)).toEqual([1, 2, 3, 4]);
    expect(at.plant).toMatchObject({ loss: 1_400_000, tts: 0, ttr: 2, rei: 1, flagged: true, tier: 0 });
    expect(at['supplier-3']).toMatchObject({ loss: 275_000, tts: 0.9, rei: 11 / 56, flagged: true, tier: 1 });
    expect(at['supplier-2']).toMatchObject({ loss: 125_000, tts: 1.285714, rei: 5 / 56, flagged: true });
    expect(at['supplier-1']).toMatchObject({ loss: 0, tts: 2.25, rei: 0, flagged: false });
    expect(at['supplier-3']!.lostDemand).toEqual([{ company: 'plant', item: 'p1', units: 55 }]);
    expect(at['supplier-2']!.lostDemand).toEqual([{ company: 'plant', item: 'p1', units: 25 }]);
    expect(at['supplier-1']!.lostDemand).toEqual([]);
    expect(at.plant!.lostDemand).toEqual([
      { company: 'plant', item: 'p1', units: 150 },
      { company: 'plant', item: 'p2', units: 100 },
    ]);
    expect(result.baseline).toEqual({ tts: Infinity, losses: [{ ttr: 2, loss: 0 }] });
    // 1 window + 6 starts + 6 lanes + 2 lost; 6 capacity + 3 group + 8 balance + 2 lost rows.
    expect(result.model).toMatchObject({ columns: 15, rows: 19 });
    // 1 undisrupted + 4 recovery LPs, 1 undisrupted + 4 survival LPs, some of the company LPs
    // answered by the undisrupted optimum where it does not use the company.
    expect(result.solves + result.reused).toBe(10);
    expect(result.warnings).toEqual([]);
  });

  // With only production stopped (the paper's disruption) the plant makes nothing anyway: it sells
  // from stock and buys as before, so its failure costs nothing and never runs dry; the REI is then
  // normalized to supplier-3's 275,000: supplier-2 125/275 = 5/11.
  it('with only production stopped, the plant (which makes nothing) loses nothing', async () => {
    const result = await stress(network(FLEXIBLE), { ttr: 2, disruption: 'production' });
    const at = byCompany(result);
    expect(result.companies.map((entry) => entry.company)).toEqual([
      'supplier-3',
      'supplier-2',
      'supplier-1',
      'plant',
    ]);
    expect(at['supplier-3']).toMatchObject({ loss: 275_000, rei: 1, tts: 0.9, flagged: true });
    expect(at['supplier-2']).toMatchObject({ loss: 125_000, rei: 5 / 11, tts: 1.285714, flagged: true });
    expect(at['supplier-1']).toMatchObject({ loss: 0, rei: 0, tts: 2.25, flagged: false });
    expect(at.plant).toMatchObject({ loss: 0, rei: 0, tts: Infinity, flagged: false });
  });

  // A company's own ttr overrides the option: supplier-1 down for 3 periods needs 3·125 − 45 = 330 against
  // 3·105 = 315: 15 short, as p1: 75,000; its TTS stays 2.25 < 3, so it is flagged now. supplier-2 and supplier-3
  // keep TTR 2. The undisrupted network is solved for both windows.
  it("uses a company's own ttr", async () => {
    const source = network(FLEXIBLE.replace('name: Supplier 1,', 'name: Supplier 1, ttr: 3,'));
    const result = await stress(source, { ttr: 2 });
    expect(byCompany(result)['supplier-1']).toMatchObject({ ttr: 3, loss: 75_000, tts: 2.25, flagged: true });
    expect(byCompany(result)['supplier-2']).toMatchObject({ ttr: 2, loss: 125_000 });
    expect(result.baseline.losses).toEqual([
      { ttr: 2, loss: 0 },
      { ttr: 3, loss: 0 },
    ]);
    expect(result.solves + result.reused).toBe(11);
  });
});

/**
 * A single-source chain over two tiers: the OEM makes machines (demand 10 a period, 100 per machine
 * lost) from one part each; one supplier (part-maker) makes the part from one unit of raw material,
 * bought from one mill. Stock: 15 parts at the OEM, 20 raw at the part-maker. Capacities are ample.
 */
const CHAIN = `${HEADER}
companies:
  - { id: oem, name: OEM, site: { country: NL, region: EU } }
  - { id: part-maker, name: Part maker, site: { country: DE, region: EU } }
  - { id: mill, name: Mill, site: { country: DE, region: EU } }
items:
  - { id: machine, name: Machine, unit: pcs }
  - { id: part, name: Part, unit: pcs }
  - { id: raw, name: Raw material, unit: kg }
production:
  - { company: oem, item: machine, leadTime: 1, capacity: 20, bom: [{ item: part, quantity: 1 }] }
  - { company: part-maker, item: part, leadTime: 1, capacity: 20, bom: [{ item: raw, quantity: 1 }] }
  - { company: mill, item: raw, leadTime: 1, capacity: 20 }
sourcing:
  - { buyer: oem, item: part, suppliers: [{ supplier: part-maker, share: 1, leadTime: 1 }] }
  - { buyer: part-maker, item: raw, suppliers: [{ supplier: mill, share: 1, leadTime: 1 }] }
inventory:
  - { company: oem, item: part, onHand: 15 }
  - { company: part-maker, item: raw, onHand: 20 }
demand:
  - { company: oem, item: machine, quantities: [10], price: 100 }
`;

describe('a single-source chain (TTR 3)', () => {
  // Over 3 periods the OEM must ship 30 machines.
  //   mill down: the part-maker turns its 20 raw into parts, the OEM has 15: 35 ≥ 30 → loss 0;
  //              TTS: 10t ≤ 35 → 3.5 ≥ 3, not flagged.
  //   part-maker down (site): its raw is out of reach; the OEM's 15 parts make 15 machines:
  //              15 lost × 100 = 1,500; TTS 10t ≤ 15 → 1.5, flagged.
  //   oem down: 30 lost × 100 = 3,000; TTS 0, flagged.
  // REI: oem 1, part-maker 0.5, mill 0. The loss per unit comes from the price (no lossPerUnit).
  it('ranks the OEM, then the part-maker, then the mill', async () => {
    const result = await stress(network(CHAIN), { ttr: 3 });
    const at = byCompany(result);
    expect(result.companies.map((entry) => entry.company)).toEqual(['oem', 'part-maker', 'mill']);
    expect(at.oem).toMatchObject({ loss: 3000, tts: 0, rei: 1, flagged: true, tier: 0 });
    expect(at['part-maker']).toMatchObject({ loss: 1500, tts: 1.5, rei: 0.5, flagged: true, tier: 1 });
    expect(at.mill).toMatchObject({ loss: 0, tts: 3.5, rei: 0, flagged: false, tier: 2 });
    // Undisrupted, the chain runs at 10 a period against capacities of 20: indefinitely.
    expect(result.baseline.tts).toBe(Infinity);
  });

  // A yield of 0.5 at the part-maker: 20 raw give 10 good parts, so with the mill down the OEM has
  // 15 + 10 = 25 parts for 30 machines: 5 lost (500); TTS 10t ≤ 25 → 2.5 < 3, flagged.
  it('counts yields', async () => {
    const source = network(
      CHAIN.replace('capacity: 20, bom: [{ item: raw', 'capacity: 20, yield: 0.5, bom: [{ item: raw'),
    );
    const result = await stress(source, { ttr: 3 });
    expect(byCompany(result).mill).toMatchObject({ loss: 500, tts: 2.5, flagged: true });
  });
});

describe('a network that survives any single failure', () => {
  // Two suppliers of the same part, each with capacity 20 against demand 10: with either down, the
  // other makes the 10 a period forever. TTS is infinite, the loss 0 and the REI 0.
  const TWO_SOURCES = `${HEADER}
companies:
  - { id: oem, name: OEM, site: { country: NL, region: EU } }
  - { id: a, name: A, site: { country: NL, region: EU } }
  - { id: b, name: B, site: { country: NL, region: EU } }
items:
  - { id: part, name: Part, unit: pcs }
production:
  - { company: a, item: part, leadTime: 1, capacity: 20 }
  - { company: b, item: part, leadTime: 1, capacity: 20 }
sourcing:
  - { buyer: oem, item: part, suppliers: [{ supplier: a, share: 0.5, leadTime: 1 }, { supplier: b, share: 0.5, leadTime: 2 }] }
demand:
  - { company: oem, item: part, quantities: [10, 10, 10], price: 50 }
`;

  it('reports infinite TTS, no loss and no flag for either supplier', async () => {
    const result = await stress(network(TWO_SOURCES), { ttr: 4 });
    const at = byCompany(result);
    expect(at.a).toMatchObject({ tts: Infinity, loss: 0, rei: 0, flagged: false });
    expect(at.b).toMatchObject({ tts: Infinity, loss: 0, rei: 0, flagged: false });
    expect(at.oem).toMatchObject({ tts: 0, loss: 4 * 10 * 50, rei: 1, rank: 1 });
  });

  // With maximumCapacity used instead (capacity: maximum), a supplier at 6 a period with a
  // maximum of 12 still covers demand 10 alone.
  it('uses maximumCapacity when asked', async () => {
    const source = network(TWO_SOURCES.replaceAll('capacity: 20 }', 'capacity: 6, maximumCapacity: 12 }'));
    const normal = await stress(source, { ttr: 4 });
    // Normal: 6 a period left against 10: 4 short a period, 16 over 4 periods × 50 = 800;
    // TTS: 10t ≤ 6t → 0. Undisrupted (12 ≥ 10) nothing is lost.
    expect(byCompany(normal).a).toMatchObject({ loss: 800, tts: 0, flagged: true });
    const result = await stressTest(source, { ttr: 4, solver, capacity: 'maximum' });
    expect(result.ok && byCompany(result.value).a).toMatchObject({ loss: 0, tts: Infinity });
  });
});

describe('an overloaded network', () => {
  // One supplier of capacity 8 for demand 10 and 6 in stock: even undisrupted the OEM loses
  // (10 − 8)·t − 6 units over t periods; TTS undisrupted: 10t ≤ 6 + 8t → t = 3.
  // Over TTR 4: 2·4 − 6 = 2 lost undisrupted (200). With the supplier down all 40 − 6 = 34 are lost
  // (3,400): the disruption's own loss is 3,400 − 200 = 3,200; TTS 10t ≤ 6 → 0.6.
  it('charges a company only the loss beyond the undisrupted network', async () => {
    const source = network(`${HEADER}
companies:
  - { id: oem, name: OEM, site: { country: NL, region: EU } }
  - { id: a, name: A, site: { country: NL, region: EU } }
items:
  - { id: part, name: Part, unit: pcs }
production:
  - { company: a, item: part, leadTime: 1, capacity: 8 }
sourcing:
  - { buyer: oem, item: part, suppliers: [{ supplier: a, share: 1, leadTime: 1 }] }
inventory:
  - { company: oem, item: part, onHand: 6 }
demand:
  - { company: oem, item: part, quantities: [10], price: 100 }
`);
    const result = await stress(source, { ttr: 4 });
    expect(result.baseline).toEqual({ tts: 3, losses: [{ ttr: 4, loss: 200 }] });
    expect(byCompany(result).a).toMatchObject({ loss: 3200, tts: 0.6, flagged: true });
    expect(byCompany(result).a!.lostDemand).toEqual([{ company: 'oem', item: 'part', units: 32 }]);
  });
});

describe('a network without end demand', () => {
  // Nothing is demanded, so nothing can be lost and demand is met for ever: loss 0 and TTS ∞ for
  // every company, REI 0, no flag.
  it('loses nothing and survives indefinitely', async () => {
    const { demand: _, ...rest } = network(CHAIN);
    const result = await stress(rest, { ttr: 3 });
    expect(result.baseline).toEqual({ tts: Infinity, losses: [{ ttr: 3, loss: 0 }] });
    expect(
      result.companies.map(({ company, loss, tts, rei, flagged }) => ({ company, loss, tts, rei, flagged })),
    ).toEqual([
      { company: 'mill', loss: 0, tts: Infinity, rei: 0, flagged: false },
      { company: 'oem', loss: 0, tts: Infinity, rei: 0, flagged: false },
      { company: 'part-maker', loss: 0, tts: Infinity, rei: 0, flagged: false },
    ]);
  });
});

describe('bad input', () => {
  const source = network(CHAIN);

  it.each([
    [{ ttr: -1 }, 'ttr must be a number of periods, 0 or more (got -1)'],
    [{ ttr: Number.NaN }, 'ttr must be a number of periods, 0 or more (got NaN)'],
    [{ ttr: '4' as unknown as number }, 'ttr must be a number of periods, 0 or more (got 4)'],
    [{ ttr: 2, concurrency: 0 }, 'concurrency must be a whole number, 1 or more (got 0)'],
    [{ ttr: 2, concurrency: 1.5 }, 'concurrency must be a whole number, 1 or more (got 1.5)'],
    [{ ttr: 2, disruption: 'fire' as 'site' }, "disruption must be 'site' or 'production' (got fire)"],
    [{ ttr: 2, capacity: 'overtime' as 'maximum' }, "capacity must be 'normal' or 'maximum' (got overtime)"],
  ])('refuses %o', async (options, message) => {
    expect(await stressTest(source, { solver, ...options })).toEqual({
      ok: false,
      error: { reason: 'invalid-options', message },
    });
  });

  it('refuses a missing solver', async () => {
    const result = await stressTest(source, { ttr: 2, solver: undefined as unknown as LpSolver });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'invalid-options', message: 'a solver is required (an LpSolver)' },
    });
  });

  it('names the LP and the company when the solver fails', async () => {
    let calls = 0;
    const failing: LpSolver = {
      solve: async (model, changes) => {
        calls++;
        if (calls === 3) return { ok: false, error: { reason: 'limit-reached', message: 'out of time' } };
        return solver.solve(model, changes);
      },
    };
    const result = await stressTest(source, { ttr: 2, solver: failing });
    // Calls 1 and 2 are the undisrupted network's recovery and survival LPs; survival LPs come
    // next, the oem's answered without a solve (down, it cannot sell: TTS 0), so call 3 is the
    // part-maker's survival LP.
    expect(result).toEqual({
      ok: false,
      error: {
        reason: 'solver-failed',
        message: "the survival LP of company 'part-maker' failed (limit-reached): out of time",
      },
    });
  });

  it('gives the same answer with several solves in flight', async () => {
    const one = await stress(source, { ttr: 3 });
    const result = await stressTest(source, { ttr: 3, solver, concurrency: 4 });
    expect(result.ok && result.value).toEqual(one);
  });
});
