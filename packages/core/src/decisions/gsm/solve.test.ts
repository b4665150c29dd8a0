import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GsmProblem, GsmStage } from './model.ts';
import { solveGsm } from './solve.ts';
import { parseStageTable } from './stage-table.ts';

/** The guaranteed-service instances of Snyder & Shen, Fundamentals of Supply Chain Theory, ch. 6. */
const INSTANCES = JSON.parse(readFileSync('/work/shared/data/stockpyl/stockpyl_instances.json', 'utf8')) as {
  instances: { name: string; data: { _nodes: StockpylNode[] } }[];
};

interface StockpylNode {
  _index: number;
  _predecessor_indices: number[];
  local_holding_cost: number;
  processing_time: number;
  external_inbound_cst: number | null;
  external_outbound_cst: number | null;
  demand_bound_constant: number;
  demand_source: { type: string | null; mean: number | null; standard_deviation: number | null };
}

function stockpylProblem(name: string): GsmProblem {
  const instance = INSTANCES.instances.find((entry) => entry.name === name);
  if (instance === undefined) throw new Error(`no instance ${name}`);
  return {
    stages: instance.data._nodes.map(
      (node): GsmStage => ({
        id: String(node._index),
        processingTime: node.processing_time,
        holdingCost: node.local_holding_cost,
        safetyFactor: node.demand_bound_constant,
        ...(node.external_outbound_cst === null ? {} : { maxServiceTime: node.external_outbound_cst }),
        ...(node.external_inbound_cst === null
          ? {}
          : { externalInboundServiceTime: node.external_inbound_cst }),
        ...(node.demand_source.type === 'N'
          ? {
              demand: {
                mean: node.demand_source.mean ?? 0,
                standardDeviation: node.demand_source.standard_deviation ?? 0,
              },
            }
          : {}),
        upstream: node._predecessor_indices.map((index) => ({ stage: String(index), quantity: 1 })),
      }),
    ),
  };
}

/**
 * An independent optimum: every integer outbound service time vector (S_j from 0 to its limit, with
 * SI_j = max(outside supplier, upstream S) and S_j ≤ SI_j + T_j), stage by stage in a topological
 * order, or, with `vertices`, only S_j ∈ {0, SI_j + T_j, s_j} (a concave objective over a polytope has
 * an optimal vertex; on a serial line each stage's vertex choices are those). σ is pooled here as the
 * square root of the summed variances of the demand stages downstream, each times the units of the
 * stage it takes (the paths' quantities multiplied and summed), z per stage.
 */
function bruteForce(problem: GsmProblem, vertices = false): number {
  const stages = problem.stages;
  const byId = new Map(stages.map((stage) => [stage.id, stage]));
  const downstream = new Map<string, string[]>(stages.map((stage) => [stage.id, []]));
  for (const stage of stages) for (const link of stage.upstream) downstream.get(link.stage)!.push(stage.id);
  // Units of stage `id` in one unit of demand stage `demand`: summed over every path, quantities multiplied.
  const units = (id: string, demand: string): number => {
    let sum = id === demand ? 1 : 0;
    for (const next of downstream.get(id)!) {
      const link = byId.get(next)!.upstream.find((entry) => entry.stage === id)!;
      sum += link.quantity * units(next, demand);
    }
    return sum;
  };
  const demandStages = stages.filter((stage) => stage.demand !== undefined);
  const weight = new Map(
    stages.map((stage) => {
      let variance = 0;
      for (const demand of demandStages)
        variance += (units(stage.id, demand.id) * demand.demand!.standardDeviation) ** 2;
      return [stage.id, stage.holdingCost * stage.safetyFactor! * Math.sqrt(variance)];
    }),
  );
  const order: GsmStage[] = [];
  const placed = new Set<string>();
  while (order.length < stages.length)
    for (const stage of stages)
      if (!placed.has(stage.id) && stage.upstream.every((link) => placed.has(link.stage))) {
        order.push(stage);
        placed.add(stage.id);
      }
  const outbound = new Map<string, number>();
  let best = Infinity;
  const visit = (position: number, cost: number): void => {
    if (cost >= best) return;
    if (position === order.length) {
      best = cost;
      return;
    }
    const stage = order[position]!;
    let inbound = stage.externalInboundServiceTime ?? 0;
    for (const link of stage.upstream) inbound = Math.max(inbound, outbound.get(link.stage)!);
    const top = Math.min(stage.maxServiceTime ?? Infinity, inbound + stage.processingTime);
    const choices = vertices ? [...new Set([0, top])] : Array.from({ length: top + 1 }, (_, s) => s);
    for (const s of choices) {
      outbound.set(stage.id, s);
      visit(position + 1, cost + weight.get(stage.id)! * Math.sqrt(inbound + stage.processingTime - s));
    }
  };
  visit(0, 0);
  return best;
}

describe('solveGsm on the textbook instances (Snyder & Shen ch. 6, stockpyl)', () => {
  for (const name of ['example_6_3', 'example_6_5', 'problem_6_7', 'problem_6_9', 'figure_6_14']) {
    it(`${name}: the tree program finds the brute-force optimum over every service time`, () => {
      const problem = stockpylProblem(name);
      const answer = solveGsm(problem);
      expect(answer.ok).toBe(true);
      if (!answer.ok) return;
      expect(answer.value.method).toBe('tree-dp');
      expect(answer.value.gap).toBe(0);
      const optimum = bruteForce(problem);
      expect(Math.abs(answer.value.totalCost - optimum)).toBeLessThanOrEqual(1e-6 * optimum);
    });
  }

  it('problem_6_8 (a serial line of 10 stages): the brute-force optimum over the vertices', () => {
    const problem = stockpylProblem('problem_6_8');
    const answer = solveGsm(problem);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const optimum = bruteForce(problem, true);
    expect(Math.abs(answer.value.totalCost - optimum)).toBeLessThanOrEqual(1e-6 * optimum);
  });

  it('reports consistent stage figures: τ = SI + T − S, base stock = μτ + safety stock, S ≤ s', () => {
    const answer = solveGsm(stockpylProblem('problem_6_9'));
    if (!answer.ok) throw new Error('no answer');
    let total = 0;
    for (const stage of answer.value.stages) {
      expect(stage.netReplenishmentTime).toBeCloseTo(
        stage.inboundServiceTime + stage.modelProcessingTime - stage.outboundServiceTime,
        9,
      );
      expect(stage.netReplenishmentTime).toBeGreaterThanOrEqual(0);
      expect(stage.baseStock).toBeCloseTo(
        stage.demandMean * stage.netReplenishmentTime + stage.safetyStock,
        9,
      );
      expect(stage.decouplingPoint).toBe(stage.safetyStock > 0);
      total += stage.holdingCost;
    }
    expect(answer.value.totalCost).toBeCloseTo(total, 9);
    const demand = answer.value.stages.filter((stage) => stage.id === '1' || stage.id === '2');
    for (const stage of demand) expect(stage.outboundServiceTime).toBeLessThanOrEqual(3);
  });
});

const willems = (chain: number): GsmProblem => {
  const text = readFileSync(
    `/work/shared/data/willems2008/willems_${String(chain).padStart(2, '0')}.csv`,
    'utf8',
  );
  const parsed = parseStageTable(text);
  if (!parsed.ok) throw new Error(parsed.error.map((issue) => issue.message).join('; '));
  return parsed.value;
};

describe('solveGsm on the Willems (2008) chains', () => {
  it('chain 1 (8 stages, not a tree): the bounded method proves the brute-force optimum', () => {
    const problem = willems(1);
    const answer = solveGsm(problem);
    if (!answer.ok) throw new Error('no answer');
    expect(answer.value.method).toBe('branch-and-bound');
    expect(answer.value.tree).toBe(false);
    expect(answer.value.gap).toBeLessThanOrEqual(1e-6);
    // Brute force with the same pooling (every z is 1.645 and every quantity 1 in chain 1).
    const optimum = bruteForce({
      stages: problem.stages.map((stage) => ({ ...stage, safetyFactor: 1.645 })),
    });
    expect(Math.abs(answer.value.totalCost - optimum)).toBeLessThanOrEqual(1e-6 * optimum);
  });

  it('the small chains solve with lower bound ≤ cost, and chains 2, 4 and 6 match the snc implementation', () => {
    // snc's GSM on the same files (../shared/data/willems2008/summary_notes.txt).
    const snc = new Map([
      [2, 27188806.1],
      [4, 139918.53],
      [6, 1292.2],
    ]);
    for (let chain = 1; chain <= 9; chain++) {
      const answer = solveGsm(willems(chain));
      if (!answer.ok) throw new Error(`chain ${chain}: no answer`);
      const value = answer.value;
      expect(value.lowerBound).toBeLessThanOrEqual(value.totalCost * (1 + 1e-12));
      expect(value.gap).toBeLessThan(0.01);
      const reference = snc.get(chain);
      if (reference !== undefined) expect(value.totalCost).toBeCloseTo(reference, 1);
    }
  });
});

describe('solveGsm against brute force on random networks', () => {
  /** Up to 6 stages, each linked to up to 2 earlier ones; the last stages carry demand. */
  const network = (treeOnly: boolean) =>
    fc
      .array(
        fc.record({
          processing: fc.integer({ min: 0, max: 3 }),
          holding: fc.integer({ min: 1, max: 9 }),
          upstream: fc.array(fc.nat(), { maxLength: treeOnly ? 1 : 2 }),
          demand: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
          limit: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: 2, maxLength: 6 },
      )
      .map((rows): GsmProblem => {
        const used = new Set<number>();
        const stages = rows.map((row, position): GsmStage => {
          const upstream = position === 0 ? [] : [...new Set(row.upstream.map((index) => index % position))];
          for (const index of upstream) used.add(index);
          return {
            id: `s${position}`,
            processingTime: row.processing,
            holdingCost: row.holding,
            safetyFactor: 1.5,
            upstream: upstream.map((index) => ({ stage: `s${index}`, quantity: 1 })),
            ...(row.demand === undefined ? {} : { demand: { mean: 10, standardDeviation: row.demand } }),
          };
        });
        // Stages nobody buys from are demand stages (with a service-time limit), so every stage serves one.
        return {
          stages: stages.map((stage, position) =>
            used.has(position)
              ? stage
              : {
                  ...stage,
                  demand: stage.demand ?? { mean: 10, standardDeviation: 2 },
                  maxServiceTime: rows[position]!.limit,
                },
          ),
        };
      });

  it('trees: the dynamic program equals the brute-force optimum', () => {
    fc.assert(
      fc.property(network(true), (problem) => {
        const answer = solveGsm(problem);
        if (!answer.ok) throw new Error(JSON.stringify(answer.error));
        expect(answer.value.method).toBe('tree-dp');
        const optimum = bruteForce(problem);
        expect(Math.abs(answer.value.totalCost - optimum)).toBeLessThanOrEqual(1e-9 * Math.max(1, optimum));
      }),
      { numRuns: 150 },
    );
  });

  it('other networks: lower bound ≤ brute-force optimum ≤ cost, equal when the gap is closed', () => {
    fc.assert(
      fc.property(network(false), (problem) => {
        const answer = solveGsm(problem);
        if (!answer.ok) throw new Error(JSON.stringify(answer.error));
        const optimum = bruteForce(problem);
        const { totalCost, lowerBound, gap } = answer.value;
        const tolerance = 1e-9 * Math.max(1, optimum);
        expect(lowerBound).toBeLessThanOrEqual(optimum + tolerance);
        expect(totalCost).toBeGreaterThanOrEqual(optimum - tolerance);
        if (gap <= 1e-6)
          expect(Math.abs(totalCost - optimum)).toBeLessThanOrEqual(1e-6 * Math.max(1, optimum));
      }),
      { numRuns: 150 },
    );
  });
});
