import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyPlanningEvents } from '../planning/events.ts';
import { planNetwork } from '../planning/plan.ts';
import { buildMaterialDemands, changedMaterialDemands, readMaterialDemand } from './material-demand.ts';
import { releasePurchaseOrders } from './order.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const later = '2027-01-05T08:00:00Z';

function forecasts(of: typeof network, at: string) {
  const built = buildMaterialDemands(of, planNetwork(of), 'kempen', { changedAt: at });
  if (!built.ok) throw new Error('not built');
  return built.value;
}

describe('after a re-plan, only the forecasts that changed go out', () => {
  const before = forecasts(network, changedAt);

  it('the same plan at a later time changes nothing', () => {
    expect(changedMaterialDemands(before, forecasts(network, later), later)).toEqual({
      changed: [],
      inactive: [],
    });
  });

  it('after a demand change, exactly the forecasts whose weeks differ go out', () => {
    const events = [
      { type: 'demand.added', payload: { company: 'kempen', item: 'sem-120', period: 20, quantity: 3 } },
    ];
    const applied = applyPlanningEvents(network, events);
    if (!applied.ok) throw new Error('not applied');
    const after = forecasts(applied.value.network, later);
    const { changed, inactive } = changedMaterialDemands(before, after, later);
    expect(inactive).toEqual([]);
    const weeks = (o: (typeof before)[number]) => JSON.stringify(o.payload.demandSeries);
    const differing = after.filter(
      (o) =>
        weeks(o) !== weeks(before.find((b) => b.payload.materialDemandId === o.payload.materialDemandId)!),
    );
    expect(changed).toEqual(differing);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(before.length);
  });

  it('a supplier taken out of a rule gets its forecast as inactive zeros, which its reader turns into removals', () => {
    const rule = network.sourcing!.find((r) => r.buyer === 'kempen' && r.suppliers.length === 2)!;
    const [kept, dropped] = rule.suppliers;
    const single = {
      ...network,
      sourcing: network.sourcing!.map((r) =>
        r === rule ? { ...r, suppliers: [{ ...kept!, share: 1 }] } : r,
      ),
      openOrders: network.openOrders!.filter(
        (o) => !(o.company === 'kempen' && o.supplier === dropped!.supplier),
      ),
    };
    const { inactive } = changedMaterialDemands(before, forecasts(single, later), later);
    expect(inactive.map((o) => [o.supplier, o.item])).toEqual([[dropped!.supplier, rule.item]]);
    const gone = inactive[0]!;
    expect(gone.payload.materialDemandIsInactive).toBe(true);
    const first = readMaterialDemand(
      network,
      gone.supplier,
      before.find((o) => o.payload.materialDemandId === gone.payload.materialDemandId)!.payload,
      { receivedAt },
    );
    if (!first.ok) throw new Error('not read');
    const last = readMaterialDemand(network, gone.supplier, gone.payload, {
      receivedAt,
      previous: first.value.quantities,
    });
    expect(last.ok && last.value.quantities.every((q) => q === 0)).toBe(true);
    const removed = last.ok
      ? last.value.events.reduce((sum, e) => sum + (e.payload as { quantity: number }).quantity, 0)
      : 0;
    expect(removed).toBeCloseTo(-first.value.quantities.reduce((a, b) => a + b, 0), 9);
  });
});

describe('releasing purchase orders', () => {
  const released = releasePurchaseOrders(network, plan, 'kempen', { at: receivedAt });

  it('releases the purchases the supplier must ship now, as open orders the next plan counts on', () => {
    const due = [...plan.orders].filter(
      (o) => o.kind === 'purchase' && o.company === 'kempen' && o.start < 1,
    );
    expect(released.orders.map((o) => o.id).sort()).toEqual(due.map((o) => o.id).sort());
    expect(released.orders.length).toBeGreaterThan(0);
    const applied = applyPlanningEvents(network, released.events);
    if (!applied.ok) throw new Error(JSON.stringify(applied.error));
    const next = planNetwork(applied.value.network);
    const now = (orders: Iterable<{ kind: string; company: string; start: number; quantity: number }>) =>
      [...orders]
        .filter((o) => o.kind === 'purchase' && o.company === 'kempen' && o.start < 1)
        .reduce((sum, o) => sum + o.quantity, 0);
    expect(now(next.orders)).toBeLessThan(now(plan.orders) / 2);
    // What is still to release gets numbers of its own, so it can be opened beside the first.
    const again = releasePurchaseOrders(applied.value.network, next, 'kempen', { at: receivedAt });
    const taken = new Set(applied.value.network.openOrders!.map((o) => o.id));
    expect(again.orders.filter((o) => taken.has(o.id))).toEqual([]);
    expect(applyPlanningEvents(applied.value.network, again.events).ok).toBe(true);
  });
});
