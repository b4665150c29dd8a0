import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partnerView } from '../model/partner-view.ts';
import { validateNetwork } from '../model/validate.ts';
import { applyPlanningEvents } from '../planning/events.ts';
import { buildMaterialDemands, materialDemandId, readMaterialDemand } from './material-demand.ts';
import { formatExchangeProblem } from './problems.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan, relationships } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));

/** The plan's purchases of `customer` from `supplier` of `item`, by the period the supplier ships. */
function shippedByPeriod(customer: string, supplier: string, item: string): number[] {
  const quantities = new Array<number>(network.horizon).fill(0);
  for (const order of plan.orders)
    if (
      order.kind === 'purchase' &&
      order.company === customer &&
      order.supplier === supplier &&
      order.item === item
    )
      quantities[order.start] = (quantities[order.start] ?? 0) + order.quantity;
  return quantities;
}

describe('WeekBasedMaterialDemand from a plan and back', () => {
  const built = buildMaterialDemands(network, plan, 'kempen', { changedAt });
  const outgoing = built.ok ? built.value : [];

  it('makes one forecast per supplier and material of the customer, every week of the horizon listed', () => {
    expect(built.ok).toBe(true);
    const expected = relationships.filter((relationship) => relationship.customer === 'kempen');
    expect(outgoing.map((o) => `${o.supplier}/${o.item}`).sort()).toEqual(
      expected.map((r) => `${r.supplier}/${r.item}`).sort(),
    );
    for (const o of outgoing) {
      const demands = o.payload.demandSeries[0]!.demands;
      expect(demands).toHaveLength(52);
      expect(demands[0]!.pointInTime).toBe('2027-01-04');
      expect(demands[51]!.pointInTime).toBe('2027-12-27');
    }
  });

  it('carries the material numbers of the network and the BPNs of both sides', () => {
    const lens = outgoing.find((o) => o.item === 'lens-set-300')!;
    const rule = network.sourcing!.find((r) => r.buyer === 'kempen' && r.item === 'lens-set-300')!;
    const record = network.production!.find(
      (p) => p.company === 'steinhof-optics' && p.item === 'lens-set-300',
    )!;
    expect(lens.payload.materialNumberCustomer).toBe(rule.buyerPartNumber);
    expect(lens.payload.materialNumberSupplier).toBe(record.partNumber);
    expect(lens.payload.customer).toBe('BPNL0000AB8FGKOG');
    expect(lens.payload.demandSeries[0]!.customerLocation).toBe('BPNS0000AB8FGKOG');
    expect(lens.payload.materialDemandId).toBe(
      materialDemandId('BPNL0000AB8FGKOG', lens.payload.supplier, rule.buyerPartNumber!),
    );
  });

  it('sums the plan purchase orders by the week they are due at the customer', () => {
    let total = 0;
    for (const o of outgoing) {
      const sent = o.payload.demandSeries[0]!.demands.reduce((sum, d) => sum + d.demand, 0);
      const planned = [...plan.orders]
        .filter(
          (p) =>
            p.kind === 'purchase' && p.company === 'kempen' && p.supplier === o.supplier && p.item === o.item,
        )
        .reduce((sum, p) => sum + p.quantity, 0);
      expect(sent).toBeCloseTo(planned, 9);
      total += sent;
    }
    expect(total).toBeGreaterThan(0);
  });

  it('round trip: every supplier reads back the quantities, in the period it must ship them', () => {
    for (const o of outgoing) {
      const read = readMaterialDemand(network, o.supplier, o.payload, { receivedAt });
      expect(read.ok ? [] : read.error.map(formatExchangeProblem)).toEqual([]);
      if (!read.ok) continue;
      expect(read.value.customer).toBe('kempen');
      expect(read.value.item).toBe(o.item);
      const expected = shippedByPeriod('kempen', o.supplier, o.item);
      // A purchase is never placed in the past, so nothing lands before period 0.
      expect(read.value.quantities.map((q) => Math.round(q * 1e9) / 1e9)).toEqual(
        expected.map((q) => Math.round(q * 1e9) / 1e9),
      );
    }
  });

  it('gives demand.added events that the receiver can apply, and applying them adds the forecast', () => {
    const o = outgoing.find((candidate) => candidate.item === 'lens-set-300')!;
    const read = readMaterialDemand(network, o.supplier, o.payload, { receivedAt });
    if (!read.ok) throw new Error('not read');
    expect(read.value.events.every((event) => event.type === 'demand.added')).toBe(true);
    const applied = applyPlanningEvents(network, read.value.events);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    expect(
      validateNetwork(applied.value.network).issues.filter((issue) => issue.severity === 'error'),
    ).toEqual([]);
    const demand = applied.value.network.demand!.find((d) => d.company === o.supplier && d.item === o.item)!;
    const before =
      network.demand?.find((d) => d.company === o.supplier && d.item === o.item)?.quantities ?? [];
    for (let period = 0; period < network.horizon; period++)
      expect((demand.quantities[period] ?? 0) - (before[period] ?? 0)).toBeCloseTo(
        read.value.quantities[period]!,
        9,
      );
  });

  it('is idempotent: the same payload gives the same keys, and against itself as previous no events', () => {
    const o = outgoing[0]!;
    const first = readMaterialDemand(network, o.supplier, o.payload, { receivedAt });
    const again = readMaterialDemand(network, o.supplier, structuredClone(o.payload), {
      receivedAt: changedAt,
    });
    if (!first.ok || !again.ok) throw new Error('not read');
    expect(again.value.events.map((e) => e.key)).toEqual(first.value.events.map((e) => e.key));
    const repeat = readMaterialDemand(network, o.supplier, o.payload, {
      receivedAt,
      previous: first.value.quantities,
    });
    expect(repeat.ok && repeat.value.events).toEqual([]);
  });

  it('a forecast that returns to an earlier one gives new event keys (the log keeps them)', () => {
    const o = outgoing.find((candidate) => candidate.item === 'lens-set-300')!;
    const first = readMaterialDemand(network, o.supplier, o.payload, { receivedAt });
    const changed = structuredClone(o.payload);
    changed.changedAt = '2027-01-05T08:00:00Z';
    changed.demandSeries[0]!.demands[10]!.demand += 3;
    if (!first.ok) throw new Error('not read');
    const second = readMaterialDemand(network, o.supplier, changed, {
      receivedAt,
      previous: first.value.quantities,
    });
    const back = { ...structuredClone(o.payload), changedAt: '2027-01-06T08:00:00Z' };
    if (!second.ok) throw new Error('not read');
    const third = readMaterialDemand(network, o.supplier, back, {
      receivedAt,
      previous: second.value.quantities,
    });
    if (!third.ok) throw new Error('not read');
    expect(third.value.events.map((event) => (event.payload as { quantity: number }).quantity)).toEqual([-3]);
    const seen = new Set([...first.value.events, ...second.value.events].map((event) => event.key));
    expect(third.value.events.filter((event) => seen.has(event.key))).toEqual([]);
  });

  it('sends only the difference when the forecast changes', () => {
    const o = outgoing.find((candidate) => candidate.item === 'lens-set-300')!;
    const first = readMaterialDemand(network, o.supplier, o.payload, { receivedAt });
    const changed = structuredClone(o.payload);
    const week = changed.demandSeries[0]!.demands.findIndex((d) => d.demand > 0);
    changed.demandSeries[0]!.demands[week]!.demand += 5;
    if (!first.ok) throw new Error('not read');
    const second = readMaterialDemand(network, o.supplier, changed, {
      receivedAt,
      previous: first.value.quantities,
    });
    expect(second.ok && second.value.events.map((e) => e.payload)).toEqual([
      { company: o.supplier, item: o.item, period: week - 1, quantity: 5, network: network.name },
    ]);
  });
});

describe('WeekBasedMaterialDemand problems', () => {
  const built = buildMaterialDemands(network, plan, 'kempen', { changedAt, suppliers: ['steinhof-optics'] });
  const payload = built.ok ? built.value[0]!.payload : undefined;

  it('a company without bpn cannot send', () => {
    const without = {
      ...network,
      companies: network.companies.map((c) => (c.id === 'kempen' ? { ...c, bpn: undefined } : c)),
    };
    const result = buildMaterialDemands(without as typeof network, plan, 'kempen', { changedAt });
    expect(result.ok ? [] : result.error.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['no-bpn', 'companies.kempen.bpn'],
    ]);
  });

  it.each([
    ['an unknown customer', { customer: 'BPNL0000000000ZZ' }, 'unknown-partner', 'customer'],
    ['another supplier', { supplier: 'BPNL0000000000ZZ' }, 'wrong-receiver', 'supplier'],
    [
      'unknown material numbers',
      { materialNumberCustomer: 'X-1', materialNumberSupplier: 'Y-2' },
      'unknown-material',
      'materialNumberCustomer',
    ],
    ['a unit other than the item', { unitOfMeasure: 'unit:kilogram' }, 'unit-mismatch', 'unitOfMeasure'],
    ['a malformed BPN', { customer: 'kempen' }, 'malformed', 'customer'],
  ])('%s is a problem naming the field and the value', (_, change, code, field) => {
    const result = readMaterialDemand(network, 'steinhof-optics', { ...payload, ...change }, { receivedAt });
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.error[0];
    expect([problem?.code, problem?.path[0]]).toEqual([code, field]);
    if (code !== 'malformed') expect(problem?.message).toContain(Object.values(change)[0]!);
  });

  it('finds the item by the supplier number when the customer number is unknown', () => {
    const result = readMaterialDemand(
      network,
      'steinhof-optics',
      { ...payload, materialNumberCustomer: 'UNKNOWN' },
      { receivedAt },
    );
    expect(result.ok && result.value.item).toBe(built.ok && built.value[0]!.item);
  });

  it('reports weeks after the horizon and before period 0 instead of dropping them', () => {
    const copy = structuredClone(payload)!;
    copy.demandSeries[0]!.demands.push(
      { pointInTime: '2030-01-07', demand: 4 },
      { pointInTime: '2026-12-28', demand: 3 },
    );
    const result = readMaterialDemand(network, 'steinhof-optics', copy, { receivedAt });
    expect(result.ok && result.value.notes.map((n) => n.code)).toEqual(['beyond-horizon', 'before-start']);
    const plain = readMaterialDemand(network, 'steinhof-optics', payload, { receivedAt });
    expect(result.ok && plain.ok && result.value.quantities[0]! - plain.value.quantities[0]!).toBe(3);
  });
});

describe('a day network', () => {
  const text = `
format: keten.network/v1
name: days
period: day
start: 2027-01-06
horizon: 21
companies:
  - { id: oem, name: OEM, bpn: BPNL000000000OEM, site: { country: NL, region: EU } }
  - { id: sup, name: Supplier, bpn: BPNL000000000SUP, site: { country: DE, region: EU, bpns: BPNS00000000SITE } }
items:
  - { id: part, name: Part, unit: kg }
production:
  - { company: sup, item: part, leadTime: 0, capacity: 1000 }
sourcing:
  - { buyer: oem, item: part, buyerPartNumber: OEM-7, suppliers: [{ supplier: sup, share: 1, leadTime: 2 }] }
demand:
  - { company: oem, item: part, quantities: [0, 0, 0, 5, 1, 2, 3, 4, 0, 0, 7, 0, 0, 0, 0, 6, 0, 0, 0, 0, 9] }
`;
  const days = fixture('days.yaml', text);
  const built = buildMaterialDemands(days.network, days.plan, 'oem', { changedAt });

  it('sums days into ISO weeks from the Monday before the start, with unit:kilogram and the site BPNS', () => {
    expect(built.ok).toBe(true);
    const payload = built.ok ? built.value[0]!.payload : undefined;
    expect(payload?.unitOfMeasure).toBe('unit:kilogram');
    expect(payload?.demandSeries[0]?.expectedSupplierLocation).toBe('BPNS00000000SITE');
    expect(payload?.demandSeries[0]?.demands).toEqual([
      { pointInTime: '2027-01-04', demand: 5 + 1 }, // Wed 6 .. Sun 10: periods 0-4
      { pointInTime: '2027-01-11', demand: 2 + 3 + 4 + 7 }, // periods 5-11
      { pointInTime: '2027-01-18', demand: 6 }, // periods 12-18
      { pointInTime: '2027-01-25', demand: 9 }, // periods 19-20
    ]);
  });

  it('reads each week back on its Monday less the lane lead time, the first week in period 0', () => {
    const read = built.ok
      ? readMaterialDemand(days.network, 'sup', built.value[0]!.payload, { receivedAt })
      : undefined;
    expect(read?.ok).toBe(true);
    if (!read?.ok) return;
    const at = (period: number) => read.value.quantities[period];
    // Monday 11 January is period 5, less 2 days: period 3; the week of 4 January lies before the start.
    expect([at(0), at(3), at(10), at(17)]).toEqual([6, 16, 6, 9]);
    expect(read.value.quantities.reduce((a, b) => a + b, 0)).toBe(37);
    expect(read.value.notes.map((note) => note.code)).toEqual(['before-start']);
  });
});

describe('at a node that holds only its partner view of the network', () => {
  const steinhof = partnerView(network, 'steinhof-optics')!;
  const built = buildMaterialDemands(network, plan, 'kempen', { changedAt, suppliers: ['steinhof-optics'] });
  const payload = built.ok ? built.value.find((o) => o.item === 'lens-set-300')!.payload : undefined;
  const whole = readMaterialDemand(network, 'steinhof-optics', payload, { receivedAt });

  it("holds the customer's lane: the demand lands when the supplier must ship, as in the whole network", () => {
    const read = readMaterialDemand(steinhof, 'steinhof-optics', payload, { receivedAt });
    expect(read.ok && [read.value.customer, read.value.item]).toEqual(['kempen', 'lens-set-300']);
    expect(read.ok && read.value.notes).toEqual([]);
    expect(whole.ok && whole.value.quantities.some((quantity) => quantity > 0)).toBe(true);
    expect(read.ok && read.value.quantities).toEqual(whole.ok && whole.value.quantities);
  });

  // A supplier's own model that lacks the customer's sourcing rule.
  const bare = {
    ...steinhof,
    sourcing: (steinhof.sourcing ?? []).filter((rule) => rule.buyer === 'steinhof-optics'),
  };

  it("without the customer's rule: finds the item by the supplier's own part number, and says it knows no lane", () => {
    const read = readMaterialDemand(bare, 'steinhof-optics', payload, { receivedAt });
    expect(read.ok && [read.value.customer, read.value.item]).toEqual(['kempen', 'lens-set-300']);
    expect(read.ok && read.value.notes.map((note) => note.code)).toEqual(['no-lane']);
  });

  it('places the demand when it must ship, given the lane lead time', () => {
    const read = readMaterialDemand(bare, 'steinhof-optics', payload, { receivedAt, laneLeadTime: 1 });
    expect(read.ok && read.value.notes).toEqual([]);
    expect(read.ok && whole.ok && read.value.quantities).toEqual(whole.ok && whole.value.quantities);
    expect(applyPlanningEvents(bare, read.ok ? read.value.events : []).ok).toBe(true);
  });
});
