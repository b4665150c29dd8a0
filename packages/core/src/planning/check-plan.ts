/**
 * @module planning/check-plan
 * An independent check of a plan against its network, recomputed from the plan's output alone: stock
 * never negative (time convention of `plan.ts`), capacity and capacity groups never exceeded, purchases
 * only from approved suppliers, lead times kept, nothing started before period 0, and on-time
 * deliveries + shortages = demand. Used by the tests; also useful to whoever edits a plan by hand.
 */
import { type Network, valueAt } from '../model/schema.ts';
import type { Plan } from './plan.ts';

const TOLERANCE = 1e-6;

/** Every rule the plan breaks, in words; empty when it keeps them all. */
export function checkPlan(network: Network, plan: Plan): string[] {
  const problems: string[] = [];
  const H = plan.horizon;
  const key = (company: string, item: string) => `${company}|${item}`;
  const flows = new Map<string, Float64Array>();
  const flow = (company: string, item: string) => {
    const k = key(company, item);
    let found = flows.get(k);
    if (found === undefined) {
      found = new Float64Array(H);
      flows.set(k, found);
    }
    return found;
  };
  const production = new Map(
    (network.production ?? []).map((record) => [key(record.company, record.item), record]),
  );
  const lanes = new Map<string, number>();
  for (const rule of network.sourcing ?? []) {
    for (const line of rule.suppliers)
      lanes.set(`${key(rule.buyer, rule.item)}|${line.supplier}`, line.leadTime);
  }
  const load = new Map<string, number>();
  for (const order of plan.orders) {
    if (order.start < 0) problems.push(`${order.id} starts in period ${order.start}, before period 0`);
    if (order.due >= H) problems.push(`${order.id} is due after the horizon`);
    // Quantity 0 is allowed only for a start whose yield gives no whole unit yet.
    if (!(order.quantity > 0) && !(order.quantity === 0 && (order.startQuantity ?? 0) > 0))
      problems.push(`${order.id} has quantity ${order.quantity}`);
    if (order.due >= 0 && order.due < H) flow(order.company, order.item)[order.due]! += order.quantity;
    if (order.kind === 'production') {
      const record = production.get(key(order.company, order.item));
      if (record === undefined) {
        problems.push(`${order.id}: ${order.company} has no production record for ${order.item}`);
        continue;
      }
      if (order.due - order.start !== record.leadTime) problems.push(`${order.id}: due − start ≠ lead time`);
      const started = order.startQuantity ?? order.quantity;
      const slot = `${key(order.company, order.item)}|${order.start}`;
      load.set(slot, (load.get(slot) ?? 0) + started);
      for (const line of record.bom ?? []) {
        if (order.start >= 0 && order.start < H)
          flow(order.company, line.item)[order.start]! -= started * line.quantity;
      }
    } else {
      const lane = lanes.get(`${key(order.company, order.item)}|${order.supplier}`);
      if (lane === undefined) {
        problems.push(
          `${order.id}: ${order.supplier} is not an approved supplier of ${order.item} to ${order.company}`,
        );
        continue;
      }
      if (order.due - order.start !== lane) problems.push(`${order.id}: due − start ≠ lane lead time`);
      if (order.start >= 0 && order.start < H)
        flow(order.supplier ?? '', order.item)[order.start]! -= order.quantity;
    }
  }
  for (const [slot, started] of load) {
    const [company, item, start] = slot.split('|') as [string, string, string];
    const record = production.get(key(company, item))!;
    const limit = valueAt(record.capacity, Number(start));
    if (started > limit + TOLERANCE)
      problems.push(`${company}/${item} starts ${started} in period ${start}, capacity ${limit}`);
  }
  for (const group of network.capacityGroups ?? []) {
    for (let t = 0; t < H; t++) {
      let used = 0;
      for (const line of group.items)
        used += (load.get(`${key(group.company, line.item)}|${t}`) ?? 0) * line.load;
      const limit = valueAt(group.capacity, t);
      if (used > limit + TOLERANCE)
        problems.push(`group ${group.id} loaded ${used} in period ${t}, capacity ${limit}`);
    }
  }
  for (const record of network.openOrders ?? []) {
    if (record.due < H) flow(record.company, record.item)[record.due]! += record.quantity;
  }
  const onTime = new Map<string, number>();
  for (const delivery of plan.deliveries) {
    if (delivery.period < delivery.forPeriod) problems.push(`a delivery of ${delivery.item} is early`);
    flow(delivery.company, delivery.item)[delivery.period]! -= delivery.quantity;
    if (delivery.period === delivery.forPeriod) {
      const slot = `${key(delivery.company, delivery.item)}|${delivery.period}`;
      onTime.set(slot, (onTime.get(slot) ?? 0) + delivery.quantity);
    }
  }
  const short = new Map<string, number>();
  for (const shortage of plan.shortages) {
    const slot = `${key(shortage.company, shortage.item)}|${shortage.period}`;
    short.set(slot, (short.get(slot) ?? 0) + shortage.quantity);
  }
  const demanded = new Map<string, number>();
  for (const record of network.demand ?? []) {
    for (let t = 0; t < Math.min(H, record.quantities.length); t++) {
      const slot = `${key(record.company, record.item)}|${t}`;
      demanded.set(slot, (demanded.get(slot) ?? 0) + (record.quantities[t] ?? 0));
    }
  }
  for (const [slot, quantity] of demanded) {
    const met = (onTime.get(slot) ?? 0) + (short.get(slot) ?? 0);
    if (Math.abs(met - quantity) > TOLERANCE * Math.max(1, quantity)) {
      problems.push(
        `${slot}: on time ${onTime.get(slot) ?? 0} + short ${short.get(slot) ?? 0} ≠ demand ${quantity}`,
      );
    }
  }
  const onHand = new Map<string, number>();
  for (const record of network.inventory ?? []) {
    onHand.set(
      key(record.company, record.item),
      (onHand.get(key(record.company, record.item)) ?? 0) + record.onHand,
    );
  }
  for (const [k, changes] of flows) {
    let stock = onHand.get(k) ?? 0;
    for (let t = 0; t < H; t++) {
      stock += changes[t]!;
      if (stock < -TOLERANCE * Math.max(1, Math.abs(changes[t]!))) {
        problems.push(`stock of ${k} is ${stock} in period ${t}`);
        break;
      }
    }
  }
  return problems;
}
