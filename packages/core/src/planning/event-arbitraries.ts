/**
 * @module planning/event-arbitraries
 * fast-check arbitraries for the property tests of planning events and re-planning: generated
 * networks, and lists of events drawn from a network's own ids (mostly well-formed, some with unknown
 * ids, periods past the horizon or garbage payloads). Used by tests only.
 */
import fc from 'fast-check';
import { generateNetwork } from '../model/generate.ts';
import type { Network } from '../model/schema.ts';
import type { PlanningEventInput } from './events.ts';

/** Events drawn from the ids of `network`, mostly well-formed, some with unknown ids or periods. */
export function eventsFor(network: Network): fc.Arbitrary<PlanningEventInput[]> {
  const horizon = network.horizon;
  const pick = <T>(values: readonly T[], fallback: T) =>
    values.length === 0 ? fc.constant(fallback) : fc.constantFrom(...values);
  const production = network.production ?? [];
  const groups = network.capacityGroups ?? [];
  const demand = network.demand ?? [];
  const sourcing = (network.sourcing ?? []).flatMap((rule) =>
    rule.suppliers.map((line) => ({ buyer: rule.buyer, item: rule.item, supplier: line.supplier })),
  );
  const orderIds = [...(network.openOrders ?? []).flatMap((order) => order.id ?? []), 'NEW-1', 'NEW-2'];
  const newIds = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom('NEW-1', 'NEW-2', 'NEW-3') },
    { weight: 1, arbitrary: pick(orderIds, 'NEW-1') },
  );
  const company = fc.oneof(
    {
      weight: 29,
      arbitrary: pick(
        network.companies.map((record) => record.id),
        'nobody',
      ),
    },
    { weight: 1, arbitrary: fc.constant('no-such-company') },
  );
  const period = fc.oneof(
    { weight: 29, arbitrary: fc.integer({ min: 0, max: horizon - 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: horizon, max: horizon + 3 }) },
  );
  // Mostly windows inside the horizon; sometimes empty, or running one period past it.
  const window = fc
    .tuple(
      period,
      fc.option(
        fc.oneof(
          { weight: 29, arbitrary: fc.integer({ min: 1, max: horizon }) },
          { weight: 1, arbitrary: fc.integer({ min: -1, max: 0 }) },
        ),
        { nil: undefined },
      ),
      fc.nat(19).map((draw) => draw === 0),
    )
    .map(([from, length, past]) =>
      length === undefined
        ? { from }
        : { from, to: Math.max(0, Math.min(horizon + (past ? 1 : 0), from + length)) },
    );
  const capacity = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 5000 }),
    fc.double({ min: 0, max: 1e4, noNaN: true }),
  );

  const capacityChanged = fc.oneof(
    fc.tuple(pick(production, undefined), window, capacity).map(([record, at, value]) => ({
      type: 'capacity.changed',
      payload: { company: record?.company ?? 'x', item: record?.item ?? 'x', ...at, capacity: value },
    })),
    fc.tuple(pick(groups, undefined), window, capacity).map(([group, at, value]) => ({
      type: 'capacity.changed',
      payload: { company: group?.company ?? 'x', group: group?.id ?? 'x', ...at, capacity: value },
    })),
  );
  const supplierDown = fc
    .tuple(company, window, fc.option(pick(production, undefined)))
    .map(([id, at, record]) => ({
      type: 'supplier.down',
      payload:
        record === null || record === undefined
          ? { company: id, ...at }
          : { company: record.company, ...at, items: [record.item] },
    }));
  const demandChange = fc
    .tuple(
      fc.constantFrom('demand.changed', 'demand.added'),
      pick(
        [
          ...demand.map((record) => ({ company: record.company, item: record.item })),
          ...production.map((record) => ({ company: record.company, item: record.item })),
        ],
        { company: 'x', item: 'x' },
      ),
      period,
      fc.integer({ min: -20, max: 500 }),
    )
    .map(([type, node, at, quantity]) => ({
      type,
      payload: { ...node, period: at, quantity: type === 'demand.changed' ? Math.abs(quantity) : quantity },
    }));
  const orderOpened = fc
    .tuple(
      fc.oneof(
        pick(production, undefined).map((record) => ({
          company: record?.company ?? 'x',
          item: record?.item ?? 'x',
        })),
        pick(sourcing, undefined).map((line) => ({
          company: line?.buyer ?? 'x',
          item: line?.item ?? 'x',
          supplier: line?.supplier ?? 'x',
        })),
      ),
      newIds,
      fc.integer({ min: 1, max: 1000 }),
      period,
    )
    .map(([order, id, quantity, due]) => ({
      type: 'order.opened',
      payload: { id, ...order, quantity, due },
    }));
  const orderChanged = fc
    .tuple(pick(orderIds, 'NEW-1'), fc.option(fc.integer({ min: 1, max: 1000 })), fc.option(period))
    .map(([id, quantity, due]) => ({
      type: 'order.changed',
      payload: { id, ...(quantity === null ? {} : { quantity }), ...(due === null ? {} : { due }) },
    }));
  const orderClosed = pick(orderIds, 'NEW-1').map((id) => ({ type: 'order.closed', payload: { id } }));
  const garbage = fc.record({
    type: fc.constantFrom(
      'capacity.changed',
      'supplier.down',
      'order.opened',
      'demand.added',
      'status.changed',
    ),
    payload: fc.anything(),
  });
  const one: fc.Arbitrary<PlanningEventInput> = fc.oneof(
    { weight: 3, arbitrary: capacityChanged },
    { weight: 2, arbitrary: supplierDown },
    { weight: 3, arbitrary: demandChange },
    { weight: 2, arbitrary: orderOpened },
    { weight: 2, arbitrary: orderChanged },
    { weight: 2, arbitrary: orderClosed },
    { weight: 1, arbitrary: garbage },
  );
  return fc.array(one, { maxLength: 12 });
}

/** Generated networks of 10 to 40 companies over 4 to 16 periods. */
export const networkArbitrary = fc
  .tuple(fc.integer({ min: 10, max: 40 }), fc.integer(), fc.integer({ min: 4, max: 16 }))
  .map(([companies, seed, horizon]) => generateNetwork({ companies, seed, horizon }));

/** A network and two lists of events for it. */
export const withEvents = networkArbitrary.chain((network) =>
  fc.tuple(fc.constant(network), eventsFor(network), eventsFor(network)),
);
