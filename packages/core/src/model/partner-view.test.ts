import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMaterialDemands, readMaterialDemand } from '../exchange/material-demand.ts';
import { planNetwork } from '../planning/plan.ts';
import { loadNetworkFile } from './load.ts';
import { locateNowhere } from './locate.ts';
import { partnerView, UNCONSTRAINED_CAPACITY } from './partner-view.ts';
import { validateDocument } from './validate.ts';

const path = new URL('../../../../examples/demo-network.yaml', import.meta.url).pathname;
const loaded = loadNetworkFile({ name: path, text: readFileSync(path, 'utf8') });
if (!loaded.ok) throw new Error('the demo network does not load');
const demo = loaded.value.network;

describe('partner view', () => {
  it('is a valid network for every company of the demo, with only the company, its suppliers and customers', () => {
    for (const company of demo.companies) {
      const view = partnerView(demo, company.id)!;
      const checked = validateDocument(JSON.parse(JSON.stringify(view)), locateNowhere);
      expect(
        checked.issues.filter((issue) => issue.severity === 'error'),
        company.id,
      ).toEqual([]);
      const suppliers = new Set(
        (demo.sourcing ?? [])
          .filter((rule) => rule.buyer === company.id)
          .flatMap((rule) => rule.suppliers.map((l) => l.supplier)),
      );
      const customers = new Set(
        (demo.sourcing ?? [])
          .filter((rule) => rule.suppliers.some((line) => line.supplier === company.id))
          .map((rule) => rule.buyer),
      );
      expect(new Set(view.companies.map((entry) => entry.id))).toEqual(
        new Set([company.id, ...suppliers, ...customers]),
      );
      // Suppliers appear only as unconstrained sources of what the company buys: no BOM, no stock.
      for (const record of view.production ?? []) {
        if (record.company === company.id) continue;
        expect(record.bom).toBeUndefined();
        expect(record.capacity).toBe(UNCONSTRAINED_CAPACITY);
      }
      expect((view.inventory ?? []).every((entry) => entry.company === company.id)).toBe(true);
      expect((view.demand ?? []).every((entry) => entry.company === company.id)).toBe(true);
    }
    expect(partnerView(demo, 'nobody')).toBeUndefined();
  });

  it("carries the OEM's plan to a supplier: its forecast is read by the supplier's view as that much demand", () => {
    const oem = demo.companies[0]!.id;
    const view = partnerView(demo, oem)!;
    const plan = planNetwork(view);
    const outgoing = buildMaterialDemands(view, plan, oem, { changedAt: '2027-01-04T08:00:00Z' });
    expect(outgoing.ok).toBe(true);
    if (!outgoing.ok) return;
    expect(outgoing.value.length).toBeGreaterThan(0);
    for (const forecast of outgoing.value) {
      const supplierView = partnerView(demo, forecast.supplier)!;
      const read = readMaterialDemand(supplierView, forecast.supplier, forecast.payload, {
        receivedAt: '2027-01-04T08:00:01Z',
      });
      expect(read.ok, JSON.stringify(read.ok ? '' : read.error)).toBe(true);
      if (!read.ok) continue;
      const sent = forecast.payload.demandSeries
        .flatMap((series) => series.demands)
        .reduce((sum, d) => sum + d.demand, 0);
      const notApplied = read.value.notes.filter((note) => note.code === 'beyond-horizon').length;
      const received = read.value.quantities.reduce((sum, quantity) => sum + quantity, 0);
      if (notApplied === 0) expect(received).toBeCloseTo(sent, 6);
      else expect(received).toBeLessThanOrEqual(sent + 1e-6);
    }
  });
});
