import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ASPECT_MODELS,
  type AspectModel,
  buildCapacityGroups,
  buildDeliveryInformation,
  buildItemStock,
  buildMaterialDemands,
  buildNotification,
  buildOrderMessage,
  buildPlannedProductionOutput,
  buildRequestForUpdate,
  disruptionsFromShortages,
  loadNetworkFile,
  type Network,
  orderJsonSchemaText,
  planNetwork,
} from '@keten/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  aspectSchemaFile,
  firstDuplicate,
  formatAspectPayloadProblem,
  validateAspectPayload,
} from './validate.ts';

/** The project's shared test vectors, beside the repository (they are not ours to copy). */
const VECTORS = new URL('../../../../../shared/vectors/catena-x/', import.meta.url);
const MODELS = Object.keys(ASPECT_MODELS) as AspectModel[];
const changedAt = '2027-01-04T08:00:00Z';

const demo = loadNetworkFile({
  name: 'examples/demo-network.yaml',
  text: readFileSync(
    fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url)),
    'utf8',
  ),
});
if (!demo.ok) throw new Error('the demo network does not load');
const network: Network = demo.value.network;
const plan = planNetwork(network);

function expectValid(model: AspectModel, payload: unknown): void {
  const result = validateAspectPayload(model, payload);
  expect(result.ok ? [] : result.error.map(formatAspectPayloadProblem)).toEqual([]);
}

/** Every customer, supplier and item of the demo's sourcing rules. */
const relationships = (network.sourcing ?? []).flatMap((rule) =>
  rule.suppliers.map((line) => ({ customer: rule.buyer, supplier: line.supplier, item: rule.item })),
);

describe('validateAspectPayload', () => {
  it.each(MODELS)('accepts the upstream sample of %s', (model) => {
    const { namespace, version } = ASPECT_MODELS[model];
    const sample = JSON.parse(
      readFileSync(new URL(`${namespace}/${version}/gen/${model}.json`, VECTORS), 'utf8'),
    );
    expectValid(model, sample);
  });

  it('uses verbatim copies of the upstream schemas', () => {
    for (const model of MODELS) {
      const { namespace, version } = ASPECT_MODELS[model];
      const upstream = readFileSync(
        new URL(`${namespace}/${version}/gen/${model}-schema.json`, VECTORS),
        'utf8',
      );
      expect(readFileSync(aspectSchemaFile(model), 'utf8'), model).toBe(upstream);
    }
  });

  it('names the field, the rule and the allowed values of what is wrong', () => {
    const { namespace, version } = ASPECT_MODELS.WeekBasedMaterialDemand;
    const sample = JSON.parse(
      readFileSync(new URL(`${namespace}/${version}/gen/WeekBasedMaterialDemand.json`, VECTORS), 'utf8'),
    );
    sample.demandSeries[0].customerLocation = 'BPNL8888888888XX';
    sample.unitOfMeasure = 'unit:bucket';
    delete sample.changedAt;
    const result = validateAspectPayload('WeekBasedMaterialDemand', sample);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.error;
    expect(problems.map((problem) => [problem.path, problem.keyword])).toEqual(
      expect.arrayContaining([
        ['', 'required'],
        ['/demandSeries/0/customerLocation', 'pattern'],
        ['/unitOfMeasure', 'enum'],
      ]),
    );
    expect(problems.find((problem) => problem.keyword === 'enum')?.message).toContain('"unit:piece"');
  });

  it('rejects a date that is no date and a negative demand', () => {
    const { namespace, version } = ASPECT_MODELS.WeekBasedMaterialDemand;
    const sample = JSON.parse(
      readFileSync(new URL(`${namespace}/${version}/gen/WeekBasedMaterialDemand.json`, VECTORS), 'utf8'),
    );
    sample.demandSeries[0].demands = [{ pointInTime: '2023-02-30', demand: -1 }];
    const result = validateAspectPayload('WeekBasedMaterialDemand', sample);
    expect(result.ok ? [] : result.error.map((problem) => problem.keyword).sort()).toEqual([
      'format',
      'minimum',
    ]);
  });
});

describe('uniqueItems', () => {
  it('refuses two equal weeks, whatever the key order, and takes weeks that differ', () => {
    const { namespace, version } = ASPECT_MODELS.WeekBasedMaterialDemand;
    const sample = JSON.parse(
      readFileSync(new URL(`${namespace}/${version}/gen/WeekBasedMaterialDemand.json`, VECTORS), 'utf8'),
    );
    sample.demandSeries[0].demands = [
      { pointInTime: '2023-02-06', demand: 1 },
      { pointInTime: '2023-02-13', demand: 1 },
      { demand: 1, pointInTime: '2023-02-06' },
    ];
    const refused = validateAspectPayload('WeekBasedMaterialDemand', sample);
    expect(refused.ok ? [] : refused.error).toEqual([
      {
        model: 'WeekBasedMaterialDemand',
        path: '/demandSeries/0/demands',
        keyword: 'uniqueItems',
        message: 'must NOT have duplicate items (items ## 0 and 2 are identical)',
      },
    ]);
    sample.demandSeries[0].demands[2].demand = 2;
    expect(validateAspectPayload('WeekBasedMaterialDemand', sample).ok).toBe(true);
  });
});

describe('firstDuplicate (uniqueItems by hash, then deep equality)', () => {
  /** The rule as written: canonical texts, the first item whose text an earlier one has. */
  const reference = (items: readonly unknown[]) => {
    const canonical = (value: unknown): string =>
      JSON.stringify(value, (_key, member: unknown) =>
        member === null || typeof member !== 'object' || Array.isArray(member)
          ? member
          : Object.fromEntries(Object.entries(member as object).sort(([a], [b]) => (a < b ? -1 : 1))),
      );
    const seen = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const first = seen.get(canonical(item));
      if (first !== undefined) return { first, index };
      seen.set(canonical(item), index);
    }
    return undefined;
  };

  it('agrees with the canonical texts on random JSON values, duplicates and near-duplicates', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
      if (pick === 0) return null;
      if (pick === 1) return random() < 0.5;
      if (pick === 2) return Math.floor(random() * 4) - (random() < 0.2 ? 0.5 : 0);
      if (pick === 3) return ['a', 'b', '', '2023-02-06'][Math.floor(random() * 4)];
      if (pick === 4) return random() < 0.1 ? -0 : 2 ** 40 + Math.floor(random() * 2);
      if (pick === 5) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const entries = Array.from({ length: Math.floor(random() * 3) }, () => [
        ['x', 'y', 'z'][Math.floor(random() * 3)]!,
        value(depth + 1),
      ]);
      return Object.fromEntries(random() < 0.5 ? entries : entries.reverse());
    };
    let duplicates = 0;
    for (let round = 0; round < 3000; round++) {
      const items = Array.from({ length: 1 + Math.floor(random() * 6) }, () => value(0));
      const expected = reference(items);
      if (expected !== undefined) duplicates += 1;
      expect(firstDuplicate(items), JSON.stringify(items)).toEqual(expected);
    }
    expect(duplicates).toBeGreaterThan(300);
  });

  it('finds the one duplicate among 2,000 weeks, its keys in another order', () => {
    const items: unknown[] = [];
    for (let index = 0; index < 2000; index++) items.push({ week: index, demand: index % 7 });
    items.push({ demand: 1500 % 7, week: 1500 });
    expect(firstDuplicate(items)).toEqual({ first: 1500, index: 2000 });
    expect(firstDuplicate(items.slice(0, 2000))).toBeUndefined();
  });
});

describe('every payload keten builds from the demo plan validates', () => {
  const customers = [...new Set(relationships.map((relationship) => relationship.customer))];

  it('WeekBasedMaterialDemand: one per supplier and material of every customer', () => {
    let count = 0;
    for (const customer of customers) {
      const built = buildMaterialDemands(network, plan, customer, { changedAt });
      expect(built.ok).toBe(true);
      for (const outgoing of built.ok ? built.value : []) {
        expectValid('WeekBasedMaterialDemand', outgoing.payload);
        count++;
      }
    }
    expect(count).toBe(relationships.length);
  });

  it('WeekBasedCapacityGroup: for every supplier and customer', () => {
    let count = 0;
    const pairs = new Set(relationships.map((r) => `${r.supplier} ${r.customer}`));
    for (const pair of pairs) {
      const [supplier, customer] = pair.split(' ') as [string, string];
      const built = buildCapacityGroups(network, supplier, customer, { changedAt });
      expect(built.ok, pair).toBe(true);
      for (const outgoing of built.ok ? built.value : []) {
        expectValid('WeekBasedCapacityGroup', outgoing.payload);
        count++;
      }
    }
    expect(count).toBeGreaterThan(pairs.size / 2);
  });

  it('ItemStock (both directions), DeliveryInformation and PlannedProductionOutput of every relationship', () => {
    let positions = 0;
    for (const relationship of relationships) {
      for (const holder of ['customer', 'supplier'] as const) {
        const stock = buildItemStock(network, relationship, holder, { changedAt });
        expect(stock.ok).toBe(true);
        if (stock.ok) expectValid('ItemStock', stock.value);
      }
      const delivery = buildDeliveryInformation(network, relationship, { changedAt });
      expect(delivery.ok).toBe(true);
      if (delivery.ok) {
        expectValid('DeliveryInformation', delivery.value.payload);
        positions += delivery.value.payload.positions.length;
      }
      const output = buildPlannedProductionOutput(network, plan, relationship, { changedAt });
      expect(output.ok).toBe(true);
      if (output.ok) expectValid('PlannedProductionOutput', output.value);
    }
    expect(positions).toBeGreaterThan(0);
  });

  it('DemandAndCapacityNotification from every supplier shortage of the plan, and a supplier down', () => {
    const suppliers = [...new Set(relationships.map((relationship) => relationship.supplier))];
    const disruptions = suppliers.flatMap((supplier) => disruptionsFromShortages(network, plan, supplier));
    disruptions.push({
      id: 'fire-line-2',
      sender: 'steinhof-optics',
      recipient: 'kempen',
      items: [relationships.find((r) => r.supplier === 'steinhof-optics')!.item],
      effect: 'capacity-reduction',
      cause: 'production-incident',
      status: 'open',
      from: 3,
      to: 7,
      text: 'Fire on lens line 2',
    });
    for (const disruption of disruptions) {
      const built = buildNotification(network, disruption, { changedAt });
      expect(built.ok ? [] : built.error).toEqual([]);
      if (built.ok) expectValid('DemandAndCapacityNotification', built.value);
    }
  });

  it('IdBasedRequestForUpdate for the forecasts and capacity groups of the demo', () => {
    const demands = buildMaterialDemands(network, plan, 'kempen', { changedAt });
    const groups = buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt });
    if (!demands.ok || !groups.ok) throw new Error('not built');
    const request = buildRequestForUpdate({
      materialDemands: demands.value.map((o) => ({ id: o.payload.materialDemandId, changedAt })),
      capacityGroups: groups.value.map((o) => ({ id: o.payload.capacityGroupId })),
    });
    expectValid('IdBasedRequestForUpdate', request);
  });

  it('keten.order/v1 messages validate against docs/schema/order.schema.json', () => {
    const published = readFileSync(
      fileURLToPath(new URL('../../../../docs/schema/order.schema.json', import.meta.url)),
      'utf8',
    );
    expect(published).toBe(orderJsonSchemaText());
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    AjvFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(published));
    let count = 0;
    for (const open of network.openOrders ?? []) {
      if (open.kind !== 'purchase' || open.id === undefined || open.supplier === undefined) continue;
      const order = {
        id: open.id,
        company: open.company,
        supplier: open.supplier,
        item: open.item,
        quantity: open.quantity,
        due: open.due,
      };
      for (const [type, status] of [
        ['order', undefined],
        ['order-change', undefined],
        ['order-cancellation', undefined],
        ['order-confirmation', 'accepted'],
        ['order-confirmation', 'rejected'],
      ] as const) {
        const built = buildOrderMessage(network, { type, order, changedAt, ...(status ? { status } : {}) });
        expect(built.ok).toBe(true);
        if (built.ok) expect(validate(built.value), JSON.stringify(validate.errors)).toBe(true);
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
  });
});
