import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareLocations, type ReshoreComparison } from './reshore.ts';
import { loadReshoreCase, type ReshoreCase, type ReshoreLocation } from './reshore-case.ts';
import { formatReshoreReport } from './reshore-report.ts';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../../examples/reshore-brakes.yaml', import.meta.url));

/**
 * 1,000 units a week of a 2 kg part. `near`: 20 EUR, 500 km by road, 2 weeks, 5 kg CO2e a unit.
 * `far`: 100 CNY (12.50 EUR), 100 km by road and 20,000 km by sea, 5 % duty, 8 ± 1 weeks, 4 kg CO2e per
 * kg. No disruptions unless a test adds them.
 */
function twoLocations(
  changes: { near?: Partial<ReshoreLocation>; far?: Partial<ReshoreLocation> } = {},
): ReshoreCase {
  return {
    format: 'keten.reshore/v1',
    name: 'near or far',
    currency: 'EUR',
    carbonPrice: 100,
    exchangeRates: { CNY: 0.125 },
    item: {
      name: 'part',
      weightKg: 2,
      annualVolume: 52_000,
      demandStdDev: 100,
      holdingRate: 0.25,
      serviceLevel: 0.95,
      shortageCost: 10,
    },
    locations: [
      {
        id: 'near',
        unitPrice: { amount: 20, currency: 'EUR' },
        production: { co2PerUnit: 5 },
        transport: [{ mode: 'road', km: 500 }],
        dutyRate: 0,
        leadTime: { weeks: 2, stdDev: 0 },
        ...changes.near,
      },
      {
        id: 'far',
        unitPrice: { amount: 100, currency: 'CNY' },
        production: { co2PerKg: 4 },
        transport: [
          { mode: 'road', km: 100 },
          { mode: 'sea', km: 20_000 },
        ],
        dutyRate: 0.05,
        leadTime: { weeks: 8, stdDev: 1 },
        ...changes.far,
      },
    ],
    simulation: { runs: 4, seed: 1 },
  };
}

function location(result: ReshoreComparison, id: string) {
  const found = result.locations.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no location ${id}`);
  return found;
}

describe('compareLocations, the landed cost by hand', () => {
  const result = compareLocations(twoLocations());
  const z95 = 1.6448536269514715;

  it('adds price, transport, duty, pipeline, safety stock and CO2 as docs/reshoring.md says', () => {
    // near: road 500 km × 0.002 t × 0.11 EUR/tkm; 2 weeks × 1,000 units at 20 EUR, 25 % a year, over
    // 52,000 units; safety stock 1.645 × √(2 × 100²) units at the landed value; CO2 (5 + 500 × 0.002 ×
    // 0.107) kg at 100 EUR/t.
    const near = location(result, 'near').costs;
    expect(near.price).toBe(20);
    expect(near.transport).toBeCloseTo(0.11, 12);
    expect(near.duty).toBe(0);
    expect(near.pipeline).toBeCloseTo((2000 * 20 * 0.25) / 52_000, 12);
    expect(near.safetyStock).toBeCloseTo((z95 * Math.sqrt(2 * 100 ** 2) * 20.11 * 0.25) / 52_000, 12);
    expect(near.co2).toBeCloseTo(((5 + 500 * 0.002 * 0.107) / 1000) * 100, 12);
    expect(near.disruption).toBe(0);
    expect(near.total).toBeCloseTo(
      near.price + near.transport + near.duty + near.pipeline + near.safetyStock + near.co2,
      12,
    );

    // far: 100 CNY × 0.125; road 100 km and sea 20,000 km at 0.11 and 0.0075 EUR/tkm; 5 % duty on price
    // plus transport; 8 weeks in the pipeline at the price; safety stock with lead-time spread
    // 1.645 × √(8 × 100² + 1,000² × 1²); CO2 4 kg/kg × 2 kg plus the legs at 0.107 and 0.01536 kg/tkm.
    const far = location(result, 'far').costs;
    const transport = 100 * 0.002 * 0.11 + 20_000 * 0.002 * 0.0075;
    expect(far.price).toBe(12.5);
    expect(far.transport).toBeCloseTo(transport, 12);
    expect(far.duty).toBeCloseTo(0.05 * (12.5 + transport), 12);
    expect(far.pipeline).toBeCloseTo((8000 * 12.5 * 0.25) / 52_000, 12);
    const landed = (12.5 + transport) * 1.05;
    expect(far.safetyStock).toBeCloseTo(
      (z95 * Math.sqrt(8 * 100 ** 2 + 1000 ** 2) * landed * 0.25) / 52_000,
      12,
    );
    expect(location(result, 'far').emissions.total).toBeCloseTo(
      8 + 100 * 0.002 * 0.107 + 20_000 * 0.002 * 0.01536,
      12,
    );
    expect(location(result, 'far').annualCost).toBeCloseTo(far.total * 52_000, 6);
    expect(result.cheapest).toBe('far');
  });

  it('finds the carbon price where the two cost the same, and the order on both sides', () => {
    const [pair] = result.breakEven;
    expect(pair).toMatchObject({ first: 'near', second: 'far', cheaperBelow: 'far', cheaperAbove: 'near' });
    const price = pair!.carbonPrice!;
    const at = compareLocations(twoLocations(), { carbonPrice: price });
    expect(location(at, 'near').costs.total).toBeCloseTo(location(at, 'far').costs.total, 9);
    expect(compareLocations(twoLocations(), { carbonPrice: price * 1.01 }).cheapest).toBe('near');
    expect(compareLocations(twoLocations(), { carbonPrice: price * 0.99 }).cheapest).toBe('far');
  });

  it('says there is no break-even when the cheaper is also the cleaner', () => {
    const clean = compareLocations(twoLocations({ far: { production: { co2PerUnit: 0 } } }));
    expect(clean.breakEven).toEqual([
      { first: 'near', second: 'far', carbonPrice: null, cheaperBelow: 'far', cheaperAbove: null },
    ]);
  });

  it('moves each driver in the sensitivity table, and only what it drives', () => {
    const rows = new Map(result.sensitivity.map((row) => [`${row.driver} ${row.change}`, row]));
    expect([...rows.keys()]).toEqual([
      'carbon price 50 EUR/t',
      'carbon price 150 EUR/t',
      'transport cost −50 %',
      'transport cost +50 %',
      'lead time −50 %',
      'lead time +50 %',
      'disruption probability −50 %',
      'disruption probability +50 %',
    ]);
    const near = location(result, 'near');
    // Half the carbon price takes half the CO2 cost off.
    expect(rows.get('carbon price 50 EUR/t')!.totals[0]).toBeCloseTo(
      near.costs.total - near.costs.co2 / 2,
      12,
    );
    // Half the freight rate: half the transport, and the duty and safety stock on it move with it.
    const far = location(result, 'far');
    const cheaperFreight = rows.get('transport cost −50 %')!.totals[1]!;
    expect(far.costs.total - cheaperFreight).toBeGreaterThan(far.costs.transport / 2);
    expect(far.costs.total - cheaperFreight).toBeLessThan(
      far.costs.transport / 2 + far.costs.duty + far.costs.safetyStock,
    );
    // Without disruptions their probability changes nothing.
    expect(rows.get('disruption probability +50 %')!.totals).toEqual(
      result.locations.map((entry) => entry.costs.total),
    );
    // A longer lead time costs more pipeline and safety stock.
    expect(rows.get('lead time +50 %')!.totals[1]).toBeGreaterThan(far.costs.total);
  });
});

describe('compareLocations, the disruption cost from the simulator', () => {
  const outage = (perYear: number, weeks: number) =>
    twoLocations({ far: { disruptions: [{ type: 'supplier-down', perYear, weeks }] } });

  it('prices an outage from the simulated chain, frequency × severity', () => {
    const result = compareLocations(outage(0.1, 6));
    const far = location(result, 'far');
    const [event] = far.disruption.outcomes;
    expect(event).toMatchObject({ type: 'supplier-down', label: 'supplier down for 6 weeks', perYear: 0.1 });
    // Six weeks without output at 1,000 a week: the line waits for thousands of unit-weeks.
    expect(event!.unitWeeksLate).toBeGreaterThan(6000);
    expect(event!.costPerEvent).toBeCloseTo(event!.unitWeeksLate * 10, 9);
    expect(event!.costPerYear).toBeCloseTo(0.1 * event!.costPerEvent, 9);
    expect(far.costs.disruption).toBeCloseTo(event!.costPerYear / 52_000, 12);
    expect(location(result, 'near').costs.disruption).toBe(0);
  });

  it('doubles the cost with the frequency and grows it with the length (same seed)', () => {
    const once = location(compareLocations(outage(0.1, 6)), 'far').costs.disruption;
    const twice = location(compareLocations(outage(0.2, 6)), 'far').costs.disruption;
    expect(twice).toBeCloseTo(2 * once, 12);
    const longer = location(compareLocations(outage(0.1, 12)), 'far').costs.disruption;
    expect(longer).toBeGreaterThan(once * 1.5);
  });

  it('scales the disruption cost linearly in the sensitivity table', () => {
    const result = compareLocations(outage(0.1, 6));
    const far = location(result, 'far');
    const row = result.sensitivity.find(
      (entry) => entry.change === '+50 %' && entry.driver === 'disruption probability',
    );
    expect(row!.totals[1]).toBeCloseTo(far.costs.total + far.costs.disruption / 2, 12);
  });

  it('gives the same numbers for the same seed', () => {
    const first = compareLocations(outage(0.1, 6));
    expect(compareLocations(outage(0.1, 6))).toEqual(first);
    expect(compareLocations(outage(0.1, 6), { seed: 2 })).not.toEqual(first);
  });
});

describe('the bundled example', () => {
  const loaded = loadReshoreCase(readFileSync(EXAMPLE_PATH, 'utf8'), 'reshore-brakes.yaml');
  if (!loaded.ok) throw new Error('the example must load');
  const result = compareLocations(loaded.value.reshoreCase);

  it('ranks the far source first on cost and last on CO2 and risk', () => {
    const ids = result.locations.map((entry) => entry.id);
    expect(ids).toEqual(['wuhu', 'wroclaw', 'weert']);
    const byCo2 = [...result.locations]
      .sort((a, b) => a.emissions.total - b.emissions.total)
      .map((entry) => entry.id);
    expect(byCo2).toEqual(['weert', 'wroclaw', 'wuhu']);
    const byRisk = [...result.locations]
      .sort((a, b) => a.costs.disruption - b.costs.disruption)
      .map((entry) => entry.id);
    expect(byRisk).toEqual(['weert', 'wroclaw', 'wuhu']);
    expect(result.breakEven.every((pair) => pair.carbonPrice !== null && pair.carbonPrice > 0)).toBe(true);
  });

  it('prints a table with one column per location and one row per component', () => {
    const text = formatReshoreReport(result);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      "Reshoring 'brake calipers for the Eindhoven assembly line': brake caliper, 120,000 pcs a year, 3.6 kg each; landed cost per piece in EUR, carbon price 85.00 EUR/t CO2e.",
    );
    expect(lines[2]).toMatch(/^ +Wuhu \(CN\)( ◀)? +Wrocław \(PL\)( ◀)? +Weert \(NL\)( ◀)?$/);
    for (const label of [
      'unit price',
      'transport',
      'import duty',
      'pipeline inventory',
      'safety stock',
      'CO2 at 85.00/t',
      'expected disruption',
      'total landed cost',
    ])
      expect(lines.some((line) => line.startsWith(label))).toBe(true);
    const cheapest = result.locations.find((entry) => entry.id === result.cheapest)!;
    expect(text).toContain(`Cheapest: ${cheapest.name} at `);
    expect(text).toContain('Break-even carbon price (EUR per tonne CO2e):');
    expect(text).toContain('disruption probability  +50 %');
    expect(text).toContain('DEFRA');
  });
});
