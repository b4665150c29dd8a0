import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planNetwork } from '../planning/plan.ts';
import { summarizePlan } from '../planning/report.ts';
import { formatIssue } from './issues.ts';
import { loadNetworkFile } from './load.ts';
import { networkShape } from './shape.ts';

const path = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const text = readFileSync(path, 'utf8');
const result = loadNetworkFile({ name: 'examples/demo-network.yaml', text });

describe('the bundled demo network', () => {
  it('loads with no error and no warning', () => {
    const issues = result.ok ? result.value.warnings : result.error;
    expect(issues.map(formatIssue)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  const loaded = result.ok ? result.value : undefined;
  const network = loaded!.network;

  it('is a Dutch OEM with some 40 suppliers in three tiers in NL, DE, BE, CZ, CN, TW and US', () => {
    expect(network.companies.length).toBeGreaterThanOrEqual(40);
    const oems = network.demand!.map((demand) => demand.company);
    expect(new Set(oems)).toEqual(new Set(['kempen']));
    expect(network.companies.find((company) => company.id === 'kempen')!.site.country).toBe('NL');
    expect(new Set(loaded!.tiers.values())).toEqual(new Set([0, 1, 2, 3]));
    expect(loaded!.tiers.size).toBe(network.companies.length);
    const countries = new Set(network.companies.map((company) => company.site.country));
    expect([...countries].sort()).toEqual(['BE', 'CN', 'CZ', 'DE', 'NL', 'TW', 'US']);
    for (const company of network.companies) {
      expect(company.site.location).toBeDefined();
      expect(company.bpn).toBeDefined();
      expect(company.paymentTermDays).toBeDefined();
    }
  });

  it('plans 52 weeks from a Monday in 2027, with demand statistics', () => {
    expect(network.period).toBe('week');
    expect(network.horizon).toBe(52);
    expect(network.start.startsWith('2027-')).toBe(true);
    expect(new Date(`${network.start}T00:00:00Z`).getUTCDay()).toBe(1);
    for (const demand of network.demand!) {
      expect(demand.quantities).toHaveLength(52);
      expect(demand.mean).toBeGreaterThan(0);
      expect(demand.stdDev).toBeGreaterThan(0);
      expect(demand.serviceLevel).toBeDefined();
    }
  });

  it('has 70/30 and 60/20/20 splits, an Asian main source with a European second, and single-source weak spots', () => {
    const shape = networkShape(network);
    expect(shape.sourcingMix.seventyThirty).toBeGreaterThanOrEqual(3);
    expect(shape.sourcingMix.sixtyTwentyTwenty).toBeGreaterThanOrEqual(2);
    expect(shape.sourcingMix.single).toBeGreaterThanOrEqual(3);
    const regionOf = new Map(network.companies.map((company) => [company.id, company.site.region]));
    const reversed = network.sourcing!.filter(
      (rule) =>
        rule.suppliers.length === 2 &&
        regionOf.get(rule.suppliers[0]!.supplier) === 'ASIA' &&
        regionOf.get(rule.suppliers[1]!.supplier) === 'EU',
    );
    expect(reversed.length).toBeGreaterThanOrEqual(1);
    // Each weak spot is explained where it is.
    expect(text.match(/# WEAK SPOT/g)?.length).toBeGreaterThanOrEqual(3);
    expect(network.capacityGroups!.length).toBeGreaterThanOrEqual(1);
    expect(network.openOrders!.length).toBeGreaterThan(0);
    expect(network.inventory!.some((stock) => stock.safetyStock !== undefined)).toBe(true);
  });
});

describe('the bundled demo network, planned', () => {
  const network = result.ok ? result.value.network : undefined;
  const plan = planNetwork(network!);
  const summary = summarizePlan(network!, plan);
  const companies = new Set(network!.companies.map((company) => company.id));

  it('has a pipeline: every open order is an approved line or a production record, with a unique id', () => {
    const approved = new Set(
      (network!.sourcing ?? []).flatMap((rule) =>
        rule.suppliers.map((line) => `${rule.buyer}/${rule.item}/${line.supplier}`),
      ),
    );
    const made = new Set((network!.production ?? []).map((record) => `${record.company}/${record.item}`));
    const orders = network!.openOrders ?? [];
    for (const order of orders) {
      if (order.kind === 'purchase') {
        expect(approved, `${order.id}: ${order.supplier} sells ${order.item} to ${order.company}`).toContain(
          `${order.company}/${order.item}/${order.supplier}`,
        );
      } else {
        expect(order.supplier).toBeUndefined();
        expect(made, `${order.id}: ${order.company} makes ${order.item}`).toContain(
          `${order.company}/${order.item}`,
        );
      }
      expect(order.due).toBeLessThan(network!.horizon);
    }
    const ids = orders.map((order) => order.id);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Every lane and every production line carries work at period 0 (a line that makes whole lots
    // may be between two lots).
    const lines = new Set(orders.map((order) => `${order.company}/${order.item}/${order.supplier ?? ''}`));
    for (const line of approved) expect(lines, line).toContain(line);
    for (const record of network!.production ?? []) {
      if (record.lotSize === undefined) expect(lines).toContain(`${record.company}/${record.item}/`);
    }
  });

  it('explains every shortage with a cause that names a company of the network', () => {
    for (const shortage of plan.shortages) {
      expect(companies).toContain(shortage.cause.company);
      expect(shortage.cause.text).toContain(shortage.cause.company);
    }
  });

  it("plans Kempen's end demand with an on-time fill rate of at least 85 %", () => {
    expect(summary.totals.fillRate).toBeGreaterThanOrEqual(0.85);
  });
});
