import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkGenerateOptions, GENERATE_LIMITS, type GenerateOptions, generateNetwork } from './generate.ts';
import { LEVEL_KINDS, PRODUCT_FAMILIES } from './generate-catalogue.ts';
import { formatIssue } from './issues.ts';
import { loadNetworkFile } from './load.ts';
import { Network } from './schema.ts';
import { serializeNetwork } from './serialize.ts';
import { networkShape } from './shape.ts';

/** Loads generated text with the full validator; fails the test with every issue, warnings included. */
function expectClean(options: GenerateOptions) {
  const network = generateNetwork(options);
  expect(Network.safeParse(network).success).toBe(true);
  const text = serializeNetwork(network, 'json');
  const result = loadNetworkFile({ name: `generated-${options.companies}-${options.seed}.json`, text });
  const issues = result.ok ? result.value.warnings : result.error;
  expect(issues.map(formatIssue)).toEqual([]);
  expect(result.ok).toBe(true);
  return { network, text };
}

describe('generateNetwork', () => {
  it('gives identical bytes for the same options and different ones for another seed', () => {
    const first = serializeNetwork(generateNetwork({ companies: 300, seed: 7 }), 'json');
    const second = serializeNetwork(generateNetwork({ companies: 300, seed: 7 }), 'json');
    expect(second).toBe(first);
    expect(serializeNetwork(generateNetwork({ companies: 300, seed: 8 }), 'json')).not.toBe(first);
    const yaml = serializeNetwork(generateNetwork({ companies: 60, seed: 7, horizon: 12 }), 'yaml');
    expect(serializeNetwork(generateNetwork({ companies: 60, seed: 7, horizon: 12 }), 'yaml')).toBe(yaml);
  });

  it.each([
    [50, 1],
    [600, 7],
    [3000, 42],
  ])(
    'makes a network of %i companies (seed %i) that loads with no error and no warning',
    (companies, seed) => {
      const { network } = expectClean({ companies, seed });
      expect(network.companies).toHaveLength(companies);
    },
  );

  it('is valid for any seed, size, horizon and start Monday (property)', () => {
    const mondays = ['2027-01-04', '2026-07-27', '2027-12-20', '2028-02-07', '2025-12-29'];
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: GENERATE_LIMITS.minimumCompanies, max: 160 }),
        fc.integer({ min: 1, max: 110 }),
        fc.constantFrom(...mondays),
        (seed, companies, horizon, start) => {
          const { network } = expectClean({ companies, seed, horizon, start });
          expect(network.horizon).toBe(horizon);
          expect(network.start).toBe(start);
          for (const demand of network.demand ?? []) expect(demand.quantities).toHaveLength(horizon);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('has the shape of a manufacturing network', () => {
    const network = generateNetwork({ companies: 3000, seed: 11 });
    const shape = networkShape(network);
    expect(shape.outsideChains).toBe(0);
    expect(shape.companiesPerTier.length).toBeGreaterThanOrEqual(4); // tiers 0 to 3 at least
    expect(shape.endDemandCompanies).toBe(3); // about one OEM per 1,000 companies
    const rules = network.sourcing!.length;
    expect(shape.sourcingMix.other).toBe(0);
    expect(shape.sourcingMix.single / rules).toBeGreaterThan(0.4);
    expect(shape.sourcingMix.seventyThirty / rules).toBeGreaterThan(0.2);
    expect(shape.sourcingMix.sixtyTwentyTwenty / rules).toBeGreaterThan(0.1);
    // Suppliers sit in several OEMs' chains.
    expect(shape.companiesByChainCount.slice(2).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(1000);
    expect(shape.bomDepth.shortest).toBeGreaterThanOrEqual(3);
    expect(shape.bomDepth.longest).toBeLessThanOrEqual(6);
    expect(shape.bomDepth.longest).toBeGreaterThanOrEqual(5);
    expect(shape.regions.map(([region]) => region)).toEqual(expect.arrayContaining(['EU', 'ASIA', 'NA']));
    expect(shape.countries.length).toBeGreaterThan(15);
  });

  it('shares suppliers between OEMs even in a small network', () => {
    const shape = networkShape(generateNetwork({ companies: 50, seed: 3 }));
    expect(shape.endDemandCompanies).toBe(2);
    expect(shape.companiesByChainCount[2]).toBeGreaterThan(0);
    expect(shape.companiesPerTier.length).toBeGreaterThanOrEqual(4);
  });

  it('makes some links tight and gives some steps room above capacity', () => {
    const network = generateNetwork({ companies: 2000, seed: 5 });
    const steps = network.production!;
    // Utilisation of each step with a single capacity, from the mean end demand.
    const starts = meanStarts(network);
    const utilisation = steps
      .filter((step) => typeof step.capacity === 'number')
      .map((step) => starts.get(`${step.company} ${step.item}`)! / (step.capacity as number));
    const share = (test: (value: number) => boolean) => utilisation.filter(test).length / utilisation.length;
    expect(share((value) => value < 0.85)).toBeGreaterThan(0.6);
    expect(share((value) => value >= 0.88 && value <= 1.12)).toBeGreaterThan(0.05);
    expect(share((value) => value > 1.25)).toBeLessThan(0.01);
    const withMaximum = steps.filter((step) => step.maximumCapacity !== undefined);
    expect(withMaximum.length / steps.length).toBeGreaterThan(0.2);
    expect(steps.some((step) => Array.isArray(step.capacity) && step.capacity.includes(0))).toBe(true);
    expect(network.capacityGroups!.length).toBeGreaterThan(0);
    const modes = new Set(network.sourcing!.flatMap((rule) => rule.suppliers.map((line) => line.mode)));
    expect([...modes].sort()).toEqual(['air', 'inland-waterway', 'rail', 'road', 'sea']);
  });

  it('writes plausible companies: BPNs, unique ids, coordinates near their towns', () => {
    const network = generateNetwork({ companies: 1000, seed: 9 });
    const bpns = network.companies.map((company) => company.bpn);
    expect(new Set(bpns).size).toBe(bpns.length);
    for (const company of network.companies) {
      expect(company.bpn).toMatch(/^BPNL[0-9A-Z]{12}$/);
      expect(company.site.location).toBeDefined();
      expect(company.site.city).toBeDefined();
      expect(company.paymentTermDays).toBeGreaterThan(0);
    }
    expect(new Set(network.items.map((item) => item.id)).size).toBe(network.items.length);
  });

  it('rejects options it cannot honour, naming each problem', () => {
    expect(checkGenerateOptions({ companies: 600, seed: 7 })).toEqual([]);
    const problems = checkGenerateOptions({ companies: 5, seed: 1.5, horizon: 0, start: '2027-01-05' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/companies.*seed.*horizon.*Monday/s);
    expect(checkGenerateOptions({ companies: 600, seed: 7, start: '2027-02-30' })).toHaveLength(1);
    expect(() => generateNetwork({ companies: 9, seed: 1 })).toThrow(RangeError);
  });

  it('serializes to JSON and YAML that read back as the same network', () => {
    const network = generateNetwork({ companies: 40, seed: 2, horizon: 8, name: 'round-trip' });
    expect(JSON.parse(serializeNetwork(network, 'json'))).toEqual(network);
    const yaml = serializeNetwork(network, 'yaml');
    expect(parse(yaml)).toEqual(network);
    const loaded = loadNetworkFile({ name: 'generated.yaml', text: yaml });
    expect(loaded.ok ? loaded.value.warnings : loaded.error).toEqual([]);
    expect(network.name).toBe('round-trip');
  });
});

/**
 * Mean units started per period at every production step (`company item`), from the mean end demand
 * down the bills of materials, sourcing shares and yields; items in topological order of the BOMs.
 */
function meanStarts(network: Network): Map<string, number> {
  const starts = new Map<string, number>();
  const stepsOf = new Map<string, Network['production'] & object>();
  for (const step of network.production ?? []) {
    stepsOf.set(step.item, [...(stepsOf.get(step.item) ?? []), step]);
    starts.set(`${step.company} ${step.item}`, 0);
  }
  const rules = new Map((network.sourcing ?? []).map((rule) => [`${rule.buyer} ${rule.item}`, rule]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (item: string) => {
    if (seen.has(item)) return;
    seen.add(item);
    for (const step of stepsOf.get(item) ?? []) for (const line of step.bom ?? []) visit(line.item);
    order.push(item);
  };
  for (const item of stepsOf.keys()) visit(item);
  order.reverse();
  for (const demand of network.demand ?? []) {
    const key = `${demand.company} ${demand.item}`;
    starts.set(key, starts.get(key)! + demand.mean!);
  }
  for (const item of order) {
    for (const step of stepsOf.get(item) ?? []) {
      const started = starts.get(`${step.company} ${step.item}`)! / (step.yield ?? 1);
      starts.set(`${step.company} ${step.item}`, started);
      for (const line of step.bom ?? []) {
        for (const supplier of rules.get(`${step.company} ${line.item}`)!.suppliers) {
          const key = `${supplier.supplier} ${line.item}`;
          starts.set(key, starts.get(key)! + started * line.quantity * supplier.share);
        }
      }
    }
  }
  return starts;
}

describe('the item catalogue', () => {
  it('has unique kind codes and recipes that name existing kinds', () => {
    const kinds = [...PRODUCT_FAMILIES.flatMap((family) => family.kinds), ...LEVEL_KINDS.flat()];
    const codes = kinds.map((kind) => kind.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of kinds) {
      for (const line of kind.recipe ?? []) for (const code of line.codes) expect(codes).toContain(code);
    }
  });
});
