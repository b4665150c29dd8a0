/**
 * @module exchange/capacity-group
 * A supplier's capacity for a customer as Catena-X WeekBasedCapacityGroup 3.0.1.
 *
 * **Sending (the supplier).** `buildCapacityGroups(network, supplier, customer, options)` makes one
 * capacity group per production record or capacity group of the supplier that makes an item the
 * customer buys from it (the customer's sourcing rules in the supplier's network). Per ISO week:
 * `actualCapacity` is the record's `capacity` (the group's, in its load units) summed over the
 * week's periods, `maximumCapacity` its `maximumCapacity` (at least the actual). This is the whole
 * capacity of the line, shared with the supplier's other customers, as Catena-X DCM compares a
 * customer's demand with what the line can make. The linked demand series carry both material
 * numbers and the customer's site; the load factor is the group's load per unit (1 for a record).
 *
 * **Receiving (the customer).** `readCapacityGroup(network, receiver, payload, options)` finds the
 * supplier by its BPNL and the items by the linked material numbers, and returns the weekly capacity
 * in the receiver's periods. Where the receiver's network models the supplier's capacity (a production
 * record of the supplier for the one linked item, or a capacity group of the supplier with exactly the
 * linked items), it also returns `capacity.changed` events for the periods whose capacity differs, so
 * the customer re-plans with what its supplier now says; otherwise a `not-modelled` note. A week's
 * capacity is spread evenly over a day network's days of that week.
 */
import type { Network } from '../model/schema.ts';
import { valueAt } from '../model/schema.ts';
import { err, ok, type Result } from '../result.ts';
import type { EventInput } from '../store/ports.ts';
import { catenaXUnit, WeekBasedCapacityGroup } from './aspects.ts';
import { contentUuid, Directory, nameUuid, siteBpns } from './identifiers.ts';
import {
  type BuildOptions,
  partnerProblems,
  type ReceiveOptions,
  resolveParties,
  unknownMaterial,
} from './material-demand.ts';
import { type ExchangeNote, type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodOfWeek, weekBuckets } from './weeks.ts';

export interface OutgoingCapacityGroup {
  readonly supplier: string;
  readonly customer: string;
  /** The capacity it describes: a capacity group's id, or `company/item` for a production record. */
  readonly capacity: string;
  readonly items: string[];
  readonly payload: WeekBasedCapacityGroup;
}

/** The WeekBasedCapacityGroups of `supplier` for `customer`, from the supplier's network. */
export function buildCapacityGroups(
  network: Network,
  supplier: string,
  customer: string,
  options: BuildOptions & { readonly horizon?: number },
): Result<OutgoingCapacityGroup[], ExchangeProblem[]> {
  const directory = new Directory(network);
  const seller = directory.companies.get(supplier);
  const buyer = directory.companies.get(customer);
  const problems = partnerProblems(directory, [supplier, customer]);
  if (problems.length > 0 || seller?.bpn === undefined || buyer?.bpn === undefined) return err(problems);
  const items = (network.sourcing ?? [])
    .filter((rule) => rule.buyer === customer && rule.suppliers.some((line) => line.supplier === supplier))
    .map((rule) => rule.item);
  if (items.length === 0)
    return err([
      problem(
        'not-a-partner',
        ['sourcing'],
        `'${customer}' buys nothing from '${supplier}' in network '${network.name}': add its sourcing rule`,
      ),
    ]);
  const horizon = Math.min(network.horizon, options.horizon ?? network.horizon);
  const weeks = weekBuckets(network, horizon);
  const bought = new Set(items);
  const outgoing: OutgoingCapacityGroup[] = [];
  const grouped = new Set<string>();
  const series = (item: string, loadFactor: number) => ({
    materialNumberCustomer: directory.customerMaterialNumber(customer, item),
    materialNumberSupplier: directory.supplierMaterialNumber(customer, item, supplier),
    customerLocation: siteBpns(buyer)!,
    demandCategory: { demandCategoryCode: '0001' as const },
    loadFactor,
  });
  const make = (
    capacity: string,
    name: string,
    linked: { item: string; load: number }[],
    actual: (period: number) => number,
    maximum: (period: number) => number,
  ): void => {
    const units = new Set(linked.map((link) => directory.items.get(link.item)?.unit));
    const unit = units.size === 1 ? catenaXUnit([...units][0] ?? '') : undefined;
    const payload: WeekBasedCapacityGroup = {
      capacityGroupId: nameUuid(`WeekBasedCapacityGroup|${seller.bpn}|${buyer.bpn}|${capacity}`),
      name,
      customer: buyer.bpn!,
      supplier: seller.bpn!,
      supplierLocations: [siteBpns(seller)!],
      ...(unit === undefined ? {} : { unitOfMeasure: unit }),
      unitOfMeasureIsOmitted: unit === undefined,
      capacityGroupIsInactive: false,
      changedAt: options.changedAt,
      linkedDemandSeries: linked.map((link) => series(link.item, link.load)),
      capacities: weeks.map((week) => {
        let actualCapacity = 0;
        let maximumCapacity = 0;
        for (const period of week.periods) {
          actualCapacity += actual(period);
          maximumCapacity += Math.max(actual(period), maximum(period));
        }
        return { pointInTime: week.monday, actualCapacity, maximumCapacity };
      }),
    };
    outgoing.push({ supplier, customer, capacity, items: linked.map((link) => link.item), payload });
  };
  for (const group of network.capacityGroups ?? []) {
    if (group.company !== supplier) continue;
    const linked = group.items.filter((entry) => bought.has(entry.item));
    if (linked.length === 0) continue;
    for (const entry of linked) grouped.add(entry.item);
    make(
      group.id,
      `${seller.name}: capacity group ${group.id} for ${buyer.name}`,
      linked.map((entry) => ({ item: entry.item, load: entry.load })),
      (period) => valueAt(group.capacity, period),
      (period) => valueAt(group.maximumCapacity ?? group.capacity, period),
    );
  }
  for (const item of items) {
    const record = directory.production(supplier, item);
    if (record === undefined || grouped.has(item)) continue;
    make(
      `${supplier}/${item}`,
      `${seller.name}: ${directory.items.get(item)?.name ?? item} for ${buyer.name}`,
      [{ item, load: 1 }],
      (period) => valueAt(record.capacity, period),
      (period) => valueAt(record.maximumCapacity ?? record.capacity, period),
    );
  }
  return ok(outgoing);
}

/** A supplier's capacity as the customer received it, in the customer's periods. */
export interface ReceivedCapacityGroup {
  readonly capacityGroupId: string;
  /** Company id of the supplier in the receiver's network. */
  readonly supplier: string;
  /** The receiver's items the group makes, with their load per unit. */
  readonly items: { readonly item: string; readonly load: number }[];
  /** Per period of the receiver's horizon; undefined where the payload says nothing. */
  readonly actual: (number | undefined)[];
  readonly maximum: (number | undefined)[];
  /** `capacity.changed` events where the receiver models this capacity and it differs. */
  readonly events: EventInput[];
  readonly notes: ExchangeNote[];
}

/** Reads a WeekBasedCapacityGroup at the customer `receiver`. */
export function readCapacityGroup(
  network: Network,
  receiver: string,
  input: unknown,
  options: ReceiveOptions,
): Result<ReceivedCapacityGroup, ExchangeProblem[]> {
  const parsed = parseShape(WeekBasedCapacityGroup, 'WeekBasedCapacityGroup', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const directory = new Directory(network);
  const parties = resolveParties(directory, receiver, payload.customer, payload.supplier, 'customer');
  if (!parties.ok) return parties;
  const supplier = parties.value.partner.id;
  const items: { item: string; load: number }[] = [];
  const problems: ExchangeProblem[] = [];
  (payload.linkedDemandSeries ?? []).forEach((series, index) => {
    const item = directory.itemOf(receiver, supplier, {
      customer: series.materialNumberCustomer,
      supplier: series.materialNumberSupplier,
    });
    if (item === undefined) {
      const found = unknownMaterial(
        series.materialNumberCustomer,
        series.materialNumberSupplier,
        receiver,
        supplier,
      );
      problems.push({ ...found, path: ['linkedDemandSeries', index, ...found.path] });
    } else items.push({ item, load: series.loadFactor ?? 1 });
  });
  if (problems.length > 0) return err(problems);

  const notes: ExchangeNote[] = [];
  const horizon = network.horizon;
  const actual = new Array<number | undefined>(horizon).fill(undefined);
  const maximum = new Array<number | undefined>(horizon).fill(undefined);
  const days = network.period === 'week' ? 1 : 7;
  (payload.capacities ?? []).forEach((week, index) => {
    const first = periodOfWeek(network, week.pointInTime);
    if (first === undefined) {
      notes.push({
        code: 'beyond-horizon',
        path: ['capacities', index],
        message: `'${week.pointInTime}' is not a date`,
      });
      return;
    }
    for (let offset = 0; offset < days; offset++) {
      const period = first + offset;
      if (period < 0 || period >= horizon) continue;
      actual[period] = week.actualCapacity / days;
      maximum[period] = Math.max(week.actualCapacity, week.maximumCapacity) / days;
    }
  });

  // Where the receiver models this capacity: a record for the one item, or a group of the same items.
  const events: EventInput[] = [];
  const source = options.source ?? `bpn:${payload.supplier}`;
  // The key names this content at this change: a capacity sent again is one event, the same capacity
  // sent after another one (back to where it was) is a new one.
  const content = contentUuid('capacity', {
    id: payload.capacityGroupId,
    changedAt: payload.changedAt,
    actual,
  });
  const linkedItems = new Set(items.map((entry) => entry.item));
  const group = (network.capacityGroups ?? []).find(
    (candidate) =>
      candidate.company === supplier &&
      candidate.items.length === linkedItems.size &&
      candidate.items.every((entry) => linkedItems.has(entry.item)),
  );
  const single = items.length === 1 ? items[0] : undefined;
  const record =
    group === undefined && single !== undefined ? directory.production(supplier, single.item) : undefined;
  const current = group?.capacity ?? record?.capacity;
  if (current === undefined) {
    if (items.length > 0)
      notes.push({
        code: 'not-modelled',
        path: ['linkedDemandSeries'],
        message:
          `your network models no capacity of '${supplier}' for ${[...linkedItems].join(', ')}: ` +
          'the capacity is returned, not applied',
      });
  } else {
    // Capacity in the receiver's terms: a record's in units of the item (actual / load), a group's as is.
    const scale = record !== undefined ? 1 / (single?.load || 1) : 1;
    let period = 0;
    while (period < horizon) {
      const value = actual[period];
      if (value === undefined || value * scale === valueAt(current, period)) {
        period++;
        continue;
      }
      let to = period + 1;
      while (to < horizon && actual[to] === value && value * scale !== valueAt(current, to)) to++;
      events.push({
        type: 'capacity.changed',
        key: `exchange:wbcg:${payload.capacityGroupId}:${content}:${period}`,
        at: options.receivedAt,
        source,
        payload: {
          company: supplier,
          ...(group !== undefined ? { group: group.id } : { item: single!.item }),
          from: period,
          to,
          capacity: value * scale,
          network: network.name,
        },
      });
      period = to;
    }
  }
  return ok({ capacityGroupId: payload.capacityGroupId, supplier, items, actual, maximum, events, notes });
}
