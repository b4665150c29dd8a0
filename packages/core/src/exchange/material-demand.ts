/**
 * @module exchange/material-demand
 * Forecasts between a customer and its suppliers as Catena-X WeekBasedMaterialDemand 3.0.1.
 *
 * **Sending (the customer).** `buildMaterialDemands(network, plan, customer, options)` makes one
 * payload per supplier and material of the customer's sourcing rules: the quantities of the plan's
 * purchase orders from that supplier, by the ISO week in which they are due at the customer (the
 * model's pointInTime: "the week in which a given demand is needed", as its Monday). Every week of the
 * horizon is listed, zeros included, so a forecast that falls to zero reaches the supplier as zero.
 * The network's open orders are not in it: they are in transit or in progress already (keten's
 * scheduled receipts) and travel as DeliveryInformation. A day network's days are summed per ISO week.
 *
 * **Receiving (the supplier).** `readMaterialDemand(network, receiver, payload, options)` finds the
 * customer by its BPNL and the item by the material numbers, and turns the weeks into the receiver's
 * periods: the week the customer needs the material, less the lane's lead time of the customer's
 * sourcing rule (the supplier ships that much earlier; keten's time convention, issue 3). The result
 * is the customer's demand on the receiver's item per period, and the `demand.added` planning events
 * that change the receiver's end demand from what this customer asked before (`previous`) to what it
 * asks now: demand from several customers adds up in one demand record, so each customer's part
 * moves by its difference. The same payload read twice gives the same event keys, and against its own
 * result as `previous` no events at all: receipt is idempotent.
 */
import type { Network } from '../model/schema.ts';
import type { Plan } from '../planning/plan.ts';
import { err, ok, type Result } from '../result.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import type { EventInput } from '../store/ports.ts';
import { catenaXUnit, type DemandCategoryCode, WeekBasedMaterialDemand } from './aspects.ts';
import { contentUuid, Directory, nameUuid, siteBpns } from './identifiers.ts';
import { type ExchangeNote, type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodOfWeek, weekBuckets } from './weeks.ts';

export interface BuildOptions {
  /** When the content was last changed at the sender: an ISO 8601 date-time with a zone. */
  readonly changedAt: string;
}

export interface MaterialDemandOptions extends BuildOptions {
  /** The demand category of the series (default `0001`, the model's default category). */
  readonly demandCategory?: DemandCategoryCode;
  /** Only these suppliers (company ids); default: all of the customer's suppliers. */
  readonly suppliers?: readonly string[];
}

/** One forecast to send, with whom it goes to. */
export interface OutgoingMaterialDemand {
  /** Company ids in the sender's network. */
  readonly customer: string;
  readonly supplier: string;
  readonly item: string;
  readonly payload: WeekBasedMaterialDemand;
  /** Unit notes (an item whose unit Catena-X does not list). */
  readonly notes: ExchangeNote[];
}

/**
 * One WeekBasedMaterialDemand per supplier and item the customer buys, from the plan's purchase
 * orders. Problems: the customer or a supplier without `bpn`, an unknown customer.
 */
export function buildMaterialDemands(
  network: Network,
  plan: Pick<Plan, 'orders' | 'horizon'>,
  customer: string,
  options: MaterialDemandOptions,
): Result<OutgoingMaterialDemand[], ExchangeProblem[]> {
  const directory = new Directory(network);
  const buyer = directory.companies.get(customer);
  if (buyer === undefined)
    return err([
      problem(
        'unknown-company',
        ['customer'],
        `no company '${customer}' in network '${network.name}'`,
        customer,
      ),
    ]);
  const problems: ExchangeProblem[] = [];
  const wanted = options.suppliers === undefined ? undefined : new Set(options.suppliers);
  if (buyer.bpn === undefined) problems.push(missingBpn(buyer.id));
  const weeks = weekBuckets(network, plan.horizon);
  const weekOfPeriod = new Map<number, number>();
  weeks.forEach((week, index) => {
    for (const period of week.periods) weekOfPeriod.set(period, index);
  });

  // Quantities per supplier and item, per week, from the plan's purchase orders by due period.
  const totals = new Map<string, number[]>();
  for (const order of plan.orders) {
    if (order.kind !== 'purchase' || order.company !== customer || order.supplier === undefined) continue;
    const week = weekOfPeriod.get(order.due);
    if (week === undefined) continue; // due beyond the plan's horizon: not part of this forecast
    const key = `${order.supplier}\u0000${order.item}`;
    let row = totals.get(key);
    if (row === undefined) {
      row = new Array<number>(weeks.length).fill(0);
      totals.set(key, row);
    }
    row[week] = (row[week] ?? 0) + order.quantity;
  }

  const outgoing: OutgoingMaterialDemand[] = [];
  const reportedSuppliers = new Set<string>();
  for (const rule of network.sourcing ?? []) {
    if (rule.buyer !== customer) continue;
    const item = directory.items.get(rule.item);
    for (const line of rule.suppliers) {
      if (wanted !== undefined && !wanted.has(line.supplier)) continue;
      const supplier = directory.companies.get(line.supplier);
      if (supplier?.bpn === undefined) {
        if (!reportedSuppliers.has(line.supplier)) problems.push(missingBpn(line.supplier));
        reportedSuppliers.add(line.supplier);
        continue;
      }
      if (buyer.bpn === undefined || item === undefined) continue;
      const row = totals.get(`${line.supplier}\u0000${rule.item}`) ?? new Array<number>(weeks.length).fill(0);
      const materialNumberCustomer = directory.customerMaterialNumber(customer, rule.item);
      const materialNumberSupplier = directory.supplierMaterialNumber(customer, rule.item, line.supplier);
      const unit = catenaXUnit(item.unit);
      const notes: ExchangeNote[] =
        unit === undefined
          ? [
              {
                code: 'unit-omitted',
                path: ['items', item.id, 'unit'],
                message: `unit '${item.unit}' of item '${item.id}' is not a Catena-X unit: sent without one`,
              },
            ]
          : [];
      const customerLocation = siteBpns(buyer)!;
      const expectedSupplierLocation = siteBpns(supplier)!;
      const payload: WeekBasedMaterialDemand = {
        materialDemandId: materialDemandId(buyer.bpn, supplier.bpn, materialNumberCustomer),
        customer: buyer.bpn,
        supplier: supplier.bpn,
        materialNumberCustomer,
        materialNumberSupplier,
        materialDescriptionCustomer: item.name,
        materialGlobalAssetId: directory.materialTwinId(customer, rule.item, line.supplier)!,
        ...(unit === undefined ? {} : { unitOfMeasure: unit }),
        unitOfMeasureIsOmitted: unit === undefined,
        materialDemandIsInactive: false,
        changedAt: options.changedAt,
        demandSeries: [
          {
            customerLocation,
            expectedSupplierLocation,
            demandCategory: { demandCategoryCode: options.demandCategory ?? '0001' },
            demands: weeks.map((week, index) => ({ pointInTime: week.monday, demand: row[index] ?? 0 })),
          },
        ],
      };
      outgoing.push({ customer, supplier: line.supplier, item: rule.item, payload, notes });
    }
  }
  return problems.length > 0 ? err(problems) : ok(outgoing);
}

/**
 * The material demand id of a customer, supplier and the customer's material number: "unique by its
 * Customer, Supplier and Material Number" (the model's description), so stable across updates.
 */
export function materialDemandId(
  customerBpn: string,
  supplierBpn: string,
  materialNumberCustomer: string,
): string {
  return nameUuid(`WeekBasedMaterialDemand|${customerBpn}|${supplierBpn}|${materialNumberCustomer}`);
}

export interface ReceiveOptions {
  /** The `at` of the events made: when the node received the payload (ISO 8601 with a zone). */
  readonly receivedAt: string;
  /** The `source` of the events made; default `bpn:<sender's BPNL>`. */
  readonly source?: string;
}

export interface ReadMaterialDemandOptions extends ReceiveOptions {
  /**
   * What this customer asked for this material before (the `quantities` of the previous read of the
   * same material demand id); absent: nothing, the first forecast.
   */
  readonly previous?: readonly number[];
  /**
   * The lane's lead time in periods, for a receiver whose network does not hold the customer's
   * sourcing rule (a node's partner view holds only its own); the rule's lead time comes first.
   */
  readonly laneLeadTime?: number;
}

/** A received forecast in the receiver's terms. */
export interface ReceivedMaterialDemand {
  readonly materialDemandId: string;
  /** Company ids in the receiver's network. */
  readonly customer: string;
  readonly item: string;
  /** The customer's demand on the receiver's item per period of the receiver's horizon. */
  readonly quantities: number[];
  /** `demand.added` events moving the receiver's end demand from `previous` to `quantities`. */
  readonly events: EventInput[];
  readonly notes: ExchangeNote[];
}

/**
 * Reads a WeekBasedMaterialDemand at the supplier `receiver` (a company id of `network`). Problems:
 * a malformed payload, a supplier BPNL that is not the receiver's, a customer BPNL or material
 * number the network does not know, a unit other than the item's; nothing is applied then.
 */
export function readMaterialDemand(
  network: Network,
  receiver: string,
  input: unknown,
  options: ReadMaterialDemandOptions,
): Result<ReceivedMaterialDemand, ExchangeProblem[]> {
  const parsed = parseShape(WeekBasedMaterialDemand, 'WeekBasedMaterialDemand', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const directory = new Directory(network);
  const parties = resolveParties(directory, receiver, payload.customer, payload.supplier, 'supplier');
  if (!parties.ok) return parties;
  const { partner: customer } = parties.value;
  const item = directory.itemOf(customer.id, receiver, {
    customer: payload.materialNumberCustomer,
    supplier: payload.materialNumberSupplier,
  });
  if (item === undefined)
    return err([
      unknownMaterial(payload.materialNumberCustomer, payload.materialNumberSupplier, customer.id, receiver),
    ]);
  const unitProblem = checkUnit(directory, item, payload.unitOfMeasure, ['unitOfMeasure']);
  if (unitProblem !== undefined) return err([unitProblem]);

  const notes: ExchangeNote[] = [];
  const line = directory.line(customer.id, item, receiver);
  const leadTime = line?.leadTime ?? Math.max(0, Math.trunc(options.laneLeadTime ?? 0));
  if (line === undefined && options.laneLeadTime === undefined)
    notes.push({
      code: 'no-lane',
      path: ['materialNumberCustomer'],
      message:
        `your network has no sourcing rule of '${customer.id}' for '${item}' with '${receiver}' as supplier, ` +
        'so no lane lead time: the demand is placed in the week the customer needs it (pass laneLeadTime to ' +
        'place it when you must ship)',
    });
  const horizon = network.horizon;
  const quantities = new Array<number>(horizon).fill(0);
  if (!payload.materialDemandIsInactive) {
    payload.demandSeries.forEach((series, s) => {
      series.demands.forEach((demand, d) => {
        const path = ['demandSeries', s, 'demands', d];
        const week = periodOfWeek(network, demand.pointInTime);
        if (week === undefined) {
          notes.push({
            code: 'beyond-horizon',
            path,
            message: `'${demand.pointInTime}' is not a date: not applied`,
          });
          return;
        }
        // Days of lead time for a day network, weeks for a week network: both are whole periods.
        const period = week - leadTime;
        if (period >= horizon) {
          if (demand.demand !== 0)
            notes.push({
              code: 'beyond-horizon',
              path,
              message: `${demand.demand} in the week of ${demand.pointInTime} falls after your horizon: not applied`,
            });
          return;
        }
        if (period < 0 && demand.demand !== 0)
          notes.push({
            code: 'before-start',
            path,
            message:
              `${demand.demand} needed in the week of ${demand.pointInTime} would have to ship ` +
              `${-period} period(s) before your period 0: placed in period 0`,
          });
        const at = Math.max(0, period);
        quantities[at] = (quantities[at] ?? 0) + demand.demand;
      });
    });
  }
  const source = options.source ?? `bpn:${payload.customer}`;
  // The events are differences from `previous`, so the key names both and the change's time: the same
  // forecast received again is one set of events, a forecast that returns to an earlier one is new.
  const previous = options.previous ?? [];
  const content = contentUuid('demand', {
    id: payload.materialDemandId,
    changedAt: payload.changedAt,
    quantities,
    previous,
  });
  const events: EventInput[] = [];
  for (let period = 0; period < horizon; period++) {
    const delta = (quantities[period] ?? 0) - (previous[period] ?? 0);
    if (delta === 0) continue;
    events.push({
      type: 'demand.added',
      key: `exchange:wbmd:${payload.materialDemandId}:${content}:${period}`,
      at: options.receivedAt,
      source,
      payload: { company: receiver, item, period, quantity: delta, network: network.name },
    });
  }
  return ok({
    materialDemandId: payload.materialDemandId,
    customer: customer.id,
    item,
    quantities,
    events,
    notes,
  });
}

// --- shared by the readers ---

export function missingBpn(company: string): ExchangeProblem {
  return problem(
    'no-bpn',
    ['companies', company, 'bpn'],
    `company '${company}' has no bpn: add its Catena-X BPNL (bpn: BPNL + 12 characters) to the network`,
  );
}

/** `unknown-company` or `no-bpn` for each of `ids` that is not a company with a bpn. */
export function partnerProblems(directory: Directory, ids: readonly string[]): ExchangeProblem[] {
  const problems: ExchangeProblem[] = [];
  for (const id of ids) {
    const company = directory.companies.get(id);
    if (company === undefined)
      problems.push(
        problem('unknown-company', [], `no company '${id}' in network '${directory.network.name}'`, id),
      );
    else if (company.bpn === undefined) problems.push(missingBpn(id));
  }
  return problems;
}

/**
 * The receiver and its partner from the payload's two BPNLs: the receiver's own BPNL must be the one
 * in `receiverRole`, the other must be a company of the network.
 */
export function resolveParties(
  directory: Directory,
  receiver: string,
  customerBpn: string,
  supplierBpn: string,
  receiverRole: 'customer' | 'supplier',
): Result<{ self: Network['companies'][number]; partner: Network['companies'][number] }, ExchangeProblem[]> {
  const self = directory.companies.get(receiver);
  if (self === undefined)
    return err([
      problem('unknown-company', [], `the receiver '${receiver}' is no company of the network`, receiver),
    ]);
  if (self.bpn === undefined) return err([missingBpn(receiver)]);
  const own = receiverRole === 'supplier' ? supplierBpn : customerBpn;
  const other = receiverRole === 'supplier' ? customerBpn : supplierBpn;
  const otherRole = receiverRole === 'supplier' ? 'customer' : 'supplier';
  if (own !== self.bpn)
    return err([
      problem(
        'wrong-receiver',
        [receiverRole],
        `the payload is for ${receiverRole} ${own}, but you are '${receiver}' with bpn ${self.bpn}: ` +
          'it was sent to the wrong node, or your bpn in the network is wrong',
        own,
      ),
    ]);
  const partner = directory.companyByBpn(other);
  if (partner === undefined)
    return err([
      problem(
        'unknown-partner',
        [otherRole],
        `no company in your network has bpn ${other}: add the ${otherRole} with 'bpn: ${other}' ` +
          '(and its sourcing) to your network, or refuse its data',
        other,
      ),
    ]);
  return ok({ self, partner });
}

export function unknownMaterial(
  customerNumber: string | undefined,
  supplierNumber: string | undefined,
  customer: string,
  supplier: string,
): ExchangeProblem {
  const numbers = [
    customerNumber === undefined ? undefined : `customer's material number '${customerNumber}'`,
    supplierNumber === undefined ? undefined : `supplier's material number '${supplierNumber}'`,
  ].filter((text) => text !== undefined);
  return problem(
    'unknown-material',
    [customerNumber === undefined ? 'materialNumberSupplier' : 'materialNumberCustomer'],
    `${numbers.join(' and ') || 'no material number'} stand(s) for no item that '${customer}' buys from ` +
      `'${supplier}' in your network: set buyerPartNumber on '${customer}''s sourcing rule, or ` +
      `partNumber/supplierPartNumber for '${supplier}', to these numbers`,
    customerNumber ?? supplierNumber,
  );
}

export function checkUnit(
  directory: Directory,
  item: string,
  unit: string | undefined,
  path: readonly (string | number)[],
): ExchangeProblem | undefined {
  if (unit === undefined) return undefined;
  const own = directory.items.get(item)?.unit ?? '';
  const expected = catenaXUnit(own);
  if (expected === unit) return undefined;
  return problem(
    'unit-mismatch',
    path,
    `the quantities are in ${unit}, but item '${item}' is planned in '${own}'` +
      (expected === undefined ? '' : ` (${expected})`) +
      ': convert them at the sender, or correct the unit of the item',
    unit,
  );
}

/**
 * The forecasts of `after` that differ from those of `before` (the previous plan's) in anything but
 * `changedAt`, and those that are new: what to send after a re-plan. A forecast that `after` no longer
 * has (a supplier taken out of the sourcing rule) is returned in `inactive`, marked
 * `materialDemandIsInactive` with every week at zero, so the supplier stops planning on it.
 */
export function changedMaterialDemands(
  before: readonly OutgoingMaterialDemand[],
  after: readonly OutgoingMaterialDemand[],
  changedAt: string,
): { changed: OutgoingMaterialDemand[]; inactive: OutgoingMaterialDemand[] } {
  const comparable = (outgoing: OutgoingMaterialDemand) =>
    canonicalJson({ ...outgoing.payload, changedAt: '' });
  const previous = new Map(
    before.map((outgoing) => [outgoing.payload.materialDemandId, comparable(outgoing)]),
  );
  const current = new Set(after.map((outgoing) => outgoing.payload.materialDemandId));
  const changed = after.filter(
    (outgoing) => previous.get(outgoing.payload.materialDemandId) !== comparable(outgoing),
  );
  const inactive = before
    .filter((outgoing) => !current.has(outgoing.payload.materialDemandId))
    .map((outgoing) => ({
      ...outgoing,
      payload: {
        ...outgoing.payload,
        changedAt,
        materialDemandIsInactive: true,
        demandSeries: outgoing.payload.demandSeries.map((series) => ({
          ...series,
          demands: series.demands.map((demand) => ({ ...demand, demand: 0 })),
        })),
      },
    }));
  return { changed, inactive };
}
