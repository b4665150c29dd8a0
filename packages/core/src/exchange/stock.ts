/**
 * @module exchange/stock
 * Stock on hand as Catena-X ItemStock 2.0.0, and planned production as PlannedProductionOutput
 * 2.0.0: the short-term supply picture one partner shares with the other for one material.
 *
 * The models identify the material by its part type twin (`materialGlobalAssetId`), which keten
 * derives from the supplier's BPNL and material number (`Directory.materialTwinId`), so both partners
 * compute the same id from their own networks. A keten inventory is not allocated to orders, so each
 * payload has one anonymous position (no order reference), as the models allow; "in case there is no
 * item on stock, positions MUST be empty" (ItemStock's `positions`).
 *
 * - ItemStock `OUTBOUND`: the supplier's stock of what it sells to the customer; `INBOUND`: the
 *   customer's stock of what it buys from the supplier ("direction from data provider perspective").
 * - PlannedProductionOutput: the supplier's planned production orders of the material, each with its
 *   quantity and its completion (the order's due period's first day, 00:00 UTC).
 */
import type { Network } from '../model/schema.ts';
import type { Plan } from '../planning/plan.ts';
import { err, ok, type Result } from '../result.ts';
import { catenaXUnit, ItemStock, PlannedProductionOutput } from './aspects.ts';
import { Directory, nameUuid, siteBpna, siteBpns } from './identifiers.ts';
import { type BuildOptions, partnerProblems } from './material-demand.ts';
import { type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodDate, periodOfDate } from './weeks.ts';

/** A customer, a supplier and an item between them, as company and item ids. */
export interface Relationship {
  readonly customer: string;
  readonly supplier: string;
  readonly item: string;
}

/** The parties, the unit and the twin id of a relationship, or the problems in the way. */
function context(network: Network, relationship: Relationship) {
  const directory = new Directory(network);
  const problems = partnerProblems(directory, [relationship.customer, relationship.supplier]);
  const item = directory.items.get(relationship.item);
  if (item === undefined)
    problems.push(problem('unknown-item', [], `no item '${relationship.item}'`, relationship.item));
  else if (catenaXUnit(item.unit) === undefined)
    problems.push(
      problem(
        'unit-mismatch',
        ['items', item.id, 'unit'],
        `unit '${item.unit}' of '${item.id}' has no Catena-X unit, and these models require one: use pcs, kg, m, l ...`,
        item.unit,
      ),
    );
  if (problems.length > 0) return err(problems);
  const twin = directory.materialTwinId(relationship.customer, relationship.item, relationship.supplier)!;
  return ok({ directory, unit: catenaXUnit(item!.unit)!, twin });
}

/**
 * ItemStock of `holder`'s on-hand stock of the relationship's item: `OUTBOUND` when the holder is
 * the supplier, `INBOUND` when it is the customer.
 */
export function buildItemStock(
  network: Network,
  relationship: Relationship,
  holder: 'customer' | 'supplier',
  options: BuildOptions,
): Result<ItemStock, ExchangeProblem[]> {
  const found = context(network, relationship);
  if (!found.ok) return found;
  const { directory, unit, twin } = found.value;
  const company = directory.companies.get(relationship[holder])!;
  const onHand = (network.inventory ?? [])
    .filter((record) => record.company === company.id && record.item === relationship.item)
    .reduce((sum, record) => sum + record.onHand, 0);
  return ok({
    materialGlobalAssetId: twin,
    direction: holder === 'supplier' ? 'OUTBOUND' : 'INBOUND',
    positions:
      onHand > 0
        ? [
            {
              allocatedStocks: [
                {
                  quantityOnAllocatedStock: { value: onHand, unit },
                  stockLocationBPNS: siteBpns(company)!,
                  stockLocationBPNA: siteBpna(company)!,
                  isBlocked: false,
                  lastUpdatedOnDateTime: options.changedAt,
                },
              ],
            },
          ]
        : [],
  });
}

/** The stock a partner reported, in the receiver's terms. */
export interface ReceivedStock {
  /** Company id of the holder (found by the stock location's BPNS), or undefined for no stock. */
  readonly holder?: string;
  readonly item: string;
  /** Not blocked, summed over positions and locations. */
  readonly onHand: number;
  readonly blocked: number;
}

/**
 * Reads an ItemStock at `receiver` from `partner` (company ids; the model carries no BPNL, the
 * transport knows the sender). The twin id must be that of an item between the two.
 */
export function readItemStock(
  network: Network,
  receiver: string,
  partner: string,
  input: unknown,
): Result<ReceivedStock, ExchangeProblem[]> {
  const parsed = parseShape(ItemStock, 'ItemStock', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const relationship = relationshipOfTwin(network, receiver, partner, payload.materialGlobalAssetId);
  if (!relationship.ok) return relationship;
  const directory = new Directory(network);
  const expected = catenaXUnit(directory.items.get(relationship.value.item)?.unit ?? '');
  let onHand = 0;
  let blocked = 0;
  let holder: string | undefined;
  const problems: ExchangeProblem[] = [];
  payload.positions.forEach((position, p) => {
    position.allocatedStocks.forEach((stock, s) => {
      const path = ['positions', p, 'allocatedStocks', s];
      const site = directory.companyBySite(stock.stockLocationBPNS);
      if (site === undefined)
        problems.push(
          problem(
            'unknown-partner',
            [...path, 'stockLocationBPNS'],
            `no company in your network has site ${stock.stockLocationBPNS}: set site.bpns of '${partner}'`,
            stock.stockLocationBPNS,
          ),
        );
      else holder = site.id;
      if (stock.quantityOnAllocatedStock.unit !== expected)
        problems.push(
          problem(
            'unit-mismatch',
            [...path, 'quantityOnAllocatedStock', 'unit'],
            `stock in ${stock.quantityOnAllocatedStock.unit}, but '${relationship.value.item}' is in ${expected}`,
            stock.quantityOnAllocatedStock.unit,
          ),
        );
      if (stock.isBlocked) blocked += stock.quantityOnAllocatedStock.value;
      else onHand += stock.quantityOnAllocatedStock.value;
    });
  });
  if (problems.length > 0) return err(problems);
  return ok({ ...(holder === undefined ? {} : { holder }), item: relationship.value.item, onHand, blocked });
}

/** PlannedProductionOutput of the supplier's planned production orders of the item. */
export function buildPlannedProductionOutput(
  network: Network,
  plan: Pick<Plan, 'orders'>,
  relationship: Relationship,
  options: BuildOptions,
): Result<PlannedProductionOutput, ExchangeProblem[]> {
  const found = context(network, relationship);
  if (!found.ok) return found;
  const { directory, unit, twin } = found.value;
  const supplier = directory.companies.get(relationship.supplier)!;
  const outputs: PlannedProductionOutput['positions'][number]['allocatedPlannedProductionOutputs'] = [];
  for (const order of plan.orders) {
    if (order.kind !== 'production' || order.company !== supplier.id || order.item !== relationship.item)
      continue;
    outputs.push({
      plannedProductionQuantity: { value: order.quantity, unit },
      productionSiteBpns: siteBpns(supplier)!,
      estimatedTimeOfCompletion: `${periodDate(network, order.due)}T00:00:00Z`,
      lastUpdatedOnDateTime: options.changedAt,
    });
  }
  return ok({
    materialGlobalAssetId: twin,
    positions: outputs.length > 0 ? [{ allocatedPlannedProductionOutputs: outputs }] : [],
  });
}

/** A supplier's planned output as the customer received it: quantity per period of completion. */
export interface ReceivedProductionOutput {
  readonly supplier: string;
  readonly item: string;
  /** Per period of the receiver's horizon (completions before period 0 count in period 0). */
  readonly quantities: number[];
  /** Quantity completing after the receiver's horizon. */
  readonly later: number;
}

/** Reads a PlannedProductionOutput at the customer `receiver` from `supplier`. */
export function readPlannedProductionOutput(
  network: Network,
  receiver: string,
  supplier: string,
  input: unknown,
): Result<ReceivedProductionOutput, ExchangeProblem[]> {
  const parsed = parseShape(PlannedProductionOutput, 'PlannedProductionOutput', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const relationship = relationshipOfTwin(network, receiver, supplier, payload.materialGlobalAssetId);
  if (!relationship.ok) return relationship;
  const quantities = new Array<number>(network.horizon).fill(0);
  let later = 0;
  const problems: ExchangeProblem[] = [];
  payload.positions.forEach((position, p) => {
    position.allocatedPlannedProductionOutputs.forEach((output, o) => {
      const period = periodOfDate(network, output.estimatedTimeOfCompletion.slice(0, 10));
      if (period === undefined) {
        problems.push(
          problem(
            'bad-date',
            ['positions', p, 'allocatedPlannedProductionOutputs', o, 'estimatedTimeOfCompletion'],
            `'${output.estimatedTimeOfCompletion}' has no calendar date`,
            output.estimatedTimeOfCompletion,
          ),
        );
        return;
      }
      if (period >= network.horizon) later += output.plannedProductionQuantity.value;
      else {
        const at = Math.max(0, period);
        quantities[at] = (quantities[at] ?? 0) + output.plannedProductionQuantity.value;
      }
    });
  });
  if (problems.length > 0) return err(problems);
  return ok({ supplier: relationship.value.supplier, item: relationship.value.item, quantities, later });
}

/**
 * The relationship between `receiver` and `partner` (either way round) whose material twin id is
 * `twin`: the customer's sourcing rules that list the supplier, tried both ways.
 */
export function relationshipOfTwin(
  network: Network,
  receiver: string,
  partner: string,
  twin: string,
): Result<Relationship, ExchangeProblem[]> {
  const directory = new Directory(network);
  const wanted = twin.toLowerCase().replace(/^urn:uuid:/, '');
  for (const [customer, supplier] of [
    [receiver, partner],
    [partner, receiver],
  ] as const) {
    for (const rule of network.sourcing ?? []) {
      if (rule.buyer !== customer || !rule.suppliers.some((line) => line.supplier === supplier)) continue;
      const id = directory.materialTwinId(customer, rule.item, supplier);
      if (id !== undefined && id.replace(/^urn:uuid:/, '') === wanted)
        return ok({ customer, supplier, item: rule.item });
    }
  }
  // A supplier's own model may lack its customers' sourcing rules: then its own material numbers name the
  // twin. Where the network does hold the partner's rules, they decide (above).
  const self = directory.companies.get(receiver);
  const partnerRules = (network.sourcing ?? []).some((rule) => rule.buyer === partner);
  if (self?.bpn !== undefined && directory.companies.has(partner) && !partnerRules)
    for (const record of network.production ?? []) {
      if (record.company !== receiver) continue;
      const id = nameUuid(`material|${self.bpn}|${record.partNumber ?? record.item}`);
      if (id === wanted) return ok({ customer: partner, supplier: receiver, item: record.item });
    }
  return err([
    problem(
      'unknown-material',
      ['materialGlobalAssetId'],
      `twin ${twin} is no material that '${receiver}' and '${partner}' trade in your network; keten derives it ` +
        "from the supplier's bpn and material number: check both, and the sourcing rule between them",
      twin,
    ),
  ]);
}
