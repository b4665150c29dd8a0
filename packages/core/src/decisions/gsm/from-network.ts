/**
 * @module decisions/gsm/from-network
 * A keten network as a Guaranteed Service Model: every company-item is a stage (docs/decoupling.md).
 *
 * - Stages: each production (company makes item); each demand or supplier position at a company that
 *   does not make the item itself (a distributor or trader, whose sourcing rule supplies it).
 * - Processing time: the production lead time plus the inbound lane lead time. With several sources
 *   (or several components), the inbound lane lead time is the longest lane into the stage: a
 *   guaranteed service time must hold whichever source delivers, so the slowest lane sets it.
 * - Links: to the stage of each supplier of each component (or of the item, for a stage that does not
 *   make it), with quantity = BOM quantity × the supplier's share; to the company's own production
 *   of a component it makes itself. A supplier that neither makes nor buys the item is outside the
 *   model: its lane counts, its service time is taken as 0.
 * - Holding cost: the production's `holdingCost`; otherwise the network's `holdingRate` × the unit's
 *   value, its `unitCost` plus its components at their `unitPrice` (or their maker's value) times
 *   quantities and shares.
 * - Demand: the demand's `mean` and `stdDev` (else the mean and sample standard deviation of its
 *   `quantities`), z = Φ⁻¹(`serviceLevel`, else the option, else 0.95), maximum service time
 *   `maxServiceTime` (else 0). Several demands at one company-item add up (means add, variances add;
 *   the highest service level and the shortest maximum service time hold).
 */
import type { Demand, Network } from '../../model/schema.ts';
import { err, ok, type Result } from '../../result.ts';
import type { GsmIssue, GsmProblem, GsmStage, GsmUpstream } from './model.ts';
import { normalQuantile } from './normal.ts';

export interface NetworkGsmOptions {
  /** Service level of demands that give none (default 0.95). */
  readonly serviceLevel?: number;
}

/** The stage id of a company-item. */
export const stageId = (company: string, item: string): string => `${company}/${item}`;

/** Build the GSM problem of a (validated) network; see the module comment. */
export function gsmProblemOfNetwork(
  network: Network,
  options: NetworkGsmOptions = {},
): Result<GsmProblem, GsmIssue[]> {
  const fallbackLevel = options.serviceLevel ?? 0.95;
  if (!(fallbackLevel > 0 && fallbackLevel < 1))
    return err([{ message: `the service level must be between 0 and 1 (exclusive), not ${fallbackLevel}` }]);
  const production = new Map(
    (network.production ?? []).map((record) => [stageId(record.company, record.item), record]),
  );
  const sourcing = new Map((network.sourcing ?? []).map((rule) => [stageId(rule.buyer, rule.item), rule]));
  const demands = new Map<string, Demand[]>();
  for (const demand of network.demand ?? []) {
    const key = stageId(demand.company, demand.item);
    demands.set(key, [...(demands.get(key) ?? []), demand]);
  }
  // Which company-items are stages: productions, demand positions, and supplier positions reached
  // through sourcing rules (followed to their own sources).
  const stages = new Set<string>(production.keys());
  // A component bought by a maker is not a stage of its own (its lanes go into the maker's
  // processing time); a demand position, or a supplier that buys to sell, is.
  const consider = (key: string): void => {
    if (stages.has(key)) return;
    const rule = sourcing.get(key);
    if (rule === undefined) return;
    stages.add(key);
    for (const share of rule.suppliers) consider(stageId(share.supplier, rule.item));
  };
  for (const key of demands.keys()) {
    if (production.has(key)) continue;
    if (!sourcing.has(key)) stages.add(key); // demand with neither production nor sourcing
    consider(key);
  }
  for (const record of production.values())
    for (const line of record.bom ?? []) {
      const rule = sourcing.get(stageId(record.company, line.item));
      for (const share of rule?.suppliers ?? []) consider(stageId(share.supplier, line.item));
    }

  const issues: GsmIssue[] = [];
  const value = new Map<string, number>();
  const unitValue = (key: string, visiting: Set<string>): number => {
    const known = value.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return 0; // a cycle: reported by prepareGsm
    visiting.add(key);
    const [company] = key.split('/') as [string];
    const made = production.get(key);
    let total = 0;
    const bought = (buyer: string, item: string, quantity: number): number => {
      const rule = sourcing.get(stageId(buyer, item));
      if (rule === undefined)
        return production.has(stageId(buyer, item))
          ? quantity * unitValue(stageId(buyer, item), visiting)
          : 0;
      let sum = 0;
      for (const share of rule.suppliers)
        sum += share.share * (share.unitPrice ?? unitValue(stageId(share.supplier, item), visiting));
      return quantity * sum;
    };
    if (made !== undefined) {
      total = made.unitCost ?? 0;
      for (const line of made.bom ?? []) total += bought(company, line.item, line.quantity);
    } else {
      const item = key.slice(company.length + 1);
      total = bought(company, item, 1);
    }
    visiting.delete(key);
    value.set(key, total);
    return total;
  };

  const result: GsmStage[] = [];
  for (const key of stages) {
    const company = key.slice(0, key.indexOf('/'));
    const item = key.slice(company.length + 1);
    const made = production.get(key);
    const upstream: GsmUpstream[] = [];
    let laneTime = 0;
    const link = (stage: string, quantity: number): void => {
      const existing = upstream.findIndex((entry) => entry.stage === stage);
      if (existing >= 0) upstream[existing] = { stage, quantity: upstream[existing]!.quantity + quantity };
      else upstream.push({ stage, quantity });
    };
    const buy = (component: string, quantity: number): void => {
      const rule = sourcing.get(stageId(company, component));
      if (rule === undefined) {
        if (production.has(stageId(company, component))) link(stageId(company, component), quantity);
        return;
      }
      for (const share of rule.suppliers) {
        laneTime = Math.max(laneTime, share.leadTime);
        const supplier = stageId(share.supplier, component);
        if (stages.has(supplier)) link(supplier, quantity * share.share);
      }
    };
    if (made !== undefined) for (const line of made.bom ?? []) buy(line.item, line.quantity);
    else buy(item, 1);
    let holdingCost = made?.holdingCost;
    if (holdingCost === undefined) {
      if (network.holdingRate === undefined) {
        issues.push({
          stage: key,
          message: `${key} has no holdingCost, and the network has no holdingRate to value its stock with (give either)`,
        });
        continue;
      }
      holdingCost = network.holdingRate * unitValue(key, new Set());
    }
    const demand = demandOf(demands.get(key) ?? [], fallbackLevel);
    result.push({
      id: key,
      processingTime: (made?.leadTime ?? 0) + laneTime,
      holdingCost,
      ...(demand === undefined
        ? {}
        : {
            demand: { mean: demand.mean, standardDeviation: demand.standardDeviation },
            safetyFactor: normalQuantile(demand.serviceLevel),
            maxServiceTime: demand.maxServiceTime,
          }),
      upstream,
    });
  }
  if (issues.length > 0) return err(issues);
  return ok({ stages: result });
}

function demandOf(
  records: readonly Demand[],
  fallbackLevel: number,
): { mean: number; standardDeviation: number; serviceLevel: number; maxServiceTime: number } | undefined {
  if (records.length === 0) return undefined;
  let mean = 0;
  let variance = 0;
  let serviceLevel = 0;
  let maxServiceTime = Infinity;
  for (const record of records) {
    const quantities = record.quantities;
    const average =
      quantities.length > 0 ? quantities.reduce((sum, value) => sum + value, 0) / quantities.length : 0;
    const sample =
      quantities.length > 1
        ? quantities.reduce((sum, value) => sum + (value - average) ** 2, 0) / (quantities.length - 1)
        : 0;
    mean += record.mean ?? average;
    variance += record.stdDev === undefined ? sample : record.stdDev ** 2;
    serviceLevel = Math.max(serviceLevel, record.serviceLevel ?? fallbackLevel);
    maxServiceTime = Math.min(maxServiceTime, record.maxServiceTime ?? 0);
  }
  return { mean, standardDeviation: Math.sqrt(variance), serviceLevel, maxServiceTime };
}
