import { describe, expect, it } from 'vitest';
import type { Network } from '../../model/schema.ts';
import { gsmProblemOfNetwork } from './from-network.ts';
import { solveGsm } from './solve.ts';

/** A maker buying a part from two suppliers (70/30) over lanes of 1 and 4 periods; one raw source. */
const NETWORK: Network = {
  format: 'keten.network/v1',
  name: 'gsm',
  period: 'week',
  start: '2027-01-04',
  horizon: 8,
  holdingRate: 0.01,
  companies: ['maker', 'near', 'far', 'mill'].map((id) => ({
    id,
    name: id,
    site: { country: 'NL', region: 'EU' },
  })),
  items: [
    { id: 'product', name: 'Product', unit: 'pcs' },
    { id: 'part', name: 'Part', unit: 'pcs' },
    { id: 'sheet', name: 'Sheet', unit: 'kg' },
  ],
  production: [
    {
      company: 'maker',
      item: 'product',
      leadTime: 2,
      capacity: 100,
      unitCost: 50,
      bom: [{ item: 'part', quantity: 2 }],
    },
    {
      company: 'near',
      item: 'part',
      leadTime: 1,
      capacity: 100,
      holdingCost: 0.3,
      bom: [{ item: 'sheet', quantity: 3 }],
    },
    {
      company: 'far',
      item: 'part',
      leadTime: 1,
      capacity: 100,
      holdingCost: 0.2,
      bom: [{ item: 'sheet', quantity: 3 }],
    },
    { company: 'mill', item: 'sheet', leadTime: 1, capacity: 1000, unitCost: 2 },
  ],
  sourcing: [
    {
      buyer: 'maker',
      item: 'part',
      suppliers: [
        { supplier: 'near', share: 0.7, leadTime: 1, unitPrice: 20 },
        { supplier: 'far', share: 0.3, leadTime: 4, unitPrice: 10 },
      ],
    },
    { buyer: 'near', item: 'sheet', suppliers: [{ supplier: 'mill', share: 1, leadTime: 1 }] },
    { buyer: 'far', item: 'sheet', suppliers: [{ supplier: 'mill', share: 1, leadTime: 2 }] },
  ],
  demand: [{ company: 'maker', item: 'product', quantities: [8, 12, 8, 12], maxServiceTime: 1 }],
};

describe('gsmProblemOfNetwork', () => {
  it('makes one stage per company-item with lanes, shares, values and demand', () => {
    const problem = gsmProblemOfNetwork(NETWORK, { serviceLevel: 0.95 });
    if (!problem.ok) throw new Error(JSON.stringify(problem.error));
    const byId = new Map(problem.value.stages.map((stage) => [stage.id, stage]));
    expect([...byId.keys()].sort()).toEqual(['far/part', 'maker/product', 'mill/sheet', 'near/part']);
    const maker = byId.get('maker/product')!;
    expect(maker.processingTime).toBe(2 + 4); // lead time + the slower lane
    expect(maker.upstream).toEqual([
      { stage: 'near/part', quantity: 2 * 0.7 },
      { stage: 'far/part', quantity: 2 * 0.3 },
    ]);
    // Value 50 + 2 × (0.7 × 20 + 0.3 × 10) = 84, at 1% a period.
    expect(maker.holdingCost).toBeCloseTo(0.84, 12);
    expect(maker.demand!.mean).toBe(10);
    expect(maker.demand!.standardDeviation).toBeCloseTo(Math.sqrt(16 / 3), 12);
    expect(maker.safetyFactor).toBeCloseTo(1.644854, 5);
    expect(maker.maxServiceTime).toBe(1);
    expect(byId.get('near/part')!.holdingCost).toBe(0.3);
    expect(byId.get('far/part')!.processingTime).toBe(1 + 2);
    expect(byId.get('mill/sheet')!.holdingCost).toBeCloseTo(0.02, 12);
    expect(byId.get('mill/sheet')!.upstream).toEqual([]);
  });

  it('solves: the maker quotes at most 1 period, means flow through the shares', () => {
    const problem = gsmProblemOfNetwork(NETWORK);
    if (!problem.ok) throw new Error('no problem');
    const answer = solveGsm(problem.value);
    if (!answer.ok) throw new Error('no answer');
    const byId = new Map(answer.value.stages.map((stage) => [stage.id, stage]));
    expect(byId.get('maker/product')!.outboundServiceTime).toBeLessThanOrEqual(1);
    expect(byId.get('near/part')!.demandMean).toBeCloseTo(14, 12); // 10 × 2 × 0.7
    expect(byId.get('mill/sheet')!.demandMean).toBeCloseTo(60, 12); // 10 × 2 × 3
    expect(answer.value.gap).toBeLessThanOrEqual(1e-6);
  });

  it('asks for a holding cost or a rate, naming the stage', () => {
    const { holdingRate: _, ...rest } = NETWORK;
    const problem = gsmProblemOfNetwork(rest);
    expect(problem.ok).toBe(false);
    if (!problem.ok)
      expect(problem.error.map((issue) => issue.stage).sort()).toEqual(['maker/product', 'mill/sheet']);
  });
});
