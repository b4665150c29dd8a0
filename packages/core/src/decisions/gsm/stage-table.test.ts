import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStageTable, parseStageTable } from './stage-table.ts';

const HEADER =
  'stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,ext_demand_thres,up_stages';

describe('parseStageTable', () => {
  it('reads Willems chain 1: lead times, limits, demand, links, cumulative cost as holding cost', () => {
    const text = readFileSync('/work/shared/data/willems2008/willems_01.csv', 'utf8');
    expect(isStageTable(text)).toBe(true);
    const parsed = parseStageTable(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const byId = new Map(parsed.value.stages.map((stage) => [stage.id, stage]));
    expect(parsed.value.stages).toHaveLength(8);
    expect(byId.get('Part_0001')).toEqual({
      id: 'Part_0001',
      processingTime: 28,
      holdingCost: 12,
      riskPool: 2,
      upstream: [],
    });
    // Manuf_0001: 39 + 12 + 5 + 9; Retail_0002 takes one of each Manuf: 65 + 62.
    expect(byId.get('Manuf_0001')!.holdingCost).toBe(65);
    const retail = byId.get('Retail_0002')!;
    expect(retail.holdingCost).toBe(127);
    expect(retail.maxServiceTime).toBe(0);
    expect(retail.demand).toEqual({ mean: 45, standardDeviation: 1 });
    expect(retail.safetyFactor).toBe(1.645);
    expect(retail.upstream).toEqual([
      { stage: 'Manuf_0001', quantity: 1 },
      { stage: 'Manuf_0002', quantity: 1 },
    ]);
    const doubled = parseStageTable(text, { holdingRate: 0.5 });
    if (!doubled.ok) throw new Error('no table');
    expect(doubled.value.stages.find((stage) => stage.id === 'Retail_0002')!.holdingCost).toBe(63.5);
  });

  it('takes z from the service level where ext_demand_thres is blank, and says when neither is there', () => {
    const text = `${HEADER}\nPart,2,,1,2,,,\nShop,1,0,1,,10,2,,Part,1\n`;
    const without = parseStageTable(text);
    expect(without.ok).toBe(false);
    if (!without.ok) expect(without.error[0]).toMatchObject({ line: 3, stage: 'Shop' });
    const withLevel = parseStageTable(text, { serviceLevel: 0.95 });
    if (!withLevel.ok) throw new Error('no table');
    expect(withLevel.value.stages[1]!.safetyFactor).toBeCloseTo(1.644854, 5);
  });

  it('names a wrong header column and every bad cell with its line', () => {
    const header = parseStageTable('stage,lead_time\nA,1\n');
    expect(header.ok).toBe(false);
    if (!header.ok)
      expect(header.error[0]!.message).toBe('column 1 of the header must be stage_id, not stage');
    const cells = parseStageTable(`${HEADER}\nA,x,,1,2,,,\nB,1,-1,1,0.5,,,,A\n`);
    expect(cells.ok).toBe(false);
    if (!cells.ok)
      expect(cells.error.map((issue) => [issue.line, issue.message])).toEqual([
        [2, 'lead_time of A must be a number ≥ 0, not "x"'],
        [3, 'max_s_time of B must be a number ≥ 0, not "-1"'],
        [3, 'risk_pool of B must be a number ≥ 1, not "0.5"'],
        [3, 'up_stages of B must be pairs of a stage and a quantity above 0 (pair 1: "A", "")'],
      ]);
  });

  it('never throws on any text, and answers issues with messages or stages', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (body) => {
        for (const text of [body, `${HEADER}\n${body}`]) {
          const parsed = parseStageTable(text);
          if (!parsed.ok) for (const issue of parsed.error) expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads back what it is given (random stage tables)', () => {
    const stage = fc.record({
      lead: fc.integer({ min: 0, max: 60 }),
      cost: fc.integer({ min: 0, max: 100 }),
      demand: fc.option(
        fc.record({ mean: fc.integer({ min: 0, max: 500 }), deviation: fc.integer({ min: 0, max: 50 }) }),
      ),
      upstream: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(stage, { minLength: 1, maxLength: 12 }), (stages) => {
        const lines = stages.map((entry, position) => {
          const ups = [...new Set(entry.upstream.filter((index) => index < position))];
          const demand =
            entry.demand === null ? ',,' : `${entry.demand.mean},${entry.demand.deviation},1.645`;
          const maxService = entry.demand === null ? '' : '0';
          return [
            `S${position}`,
            entry.lead,
            maxService,
            entry.cost,
            entry.demand === null ? 2 : '',
            demand,
            ...ups.flatMap((index) => [`S${index}`, 1]),
          ].join(',');
        });
        const parsed = parseStageTable(`${HEADER}\n${lines.join('\n')}\n`);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
        expect(parsed.value.stages.map((entry) => entry.processingTime)).toEqual(
          stages.map((entry) => entry.lead),
        );
        parsed.value.stages.forEach((entry, position) => {
          const given = stages[position]!;
          expect(entry.demand === undefined).toBe(given.demand === null);
          // The cumulative cost is at least the stage's own.
          expect(entry.holdingCost).toBeGreaterThanOrEqual(given.cost);
        });
      }),
      { numRuns: 200 },
    );
  });
});
