import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../model/generate.ts';
import { checkPlan } from './check-plan.ts';
import { withEvents } from './event-arbitraries.ts';
import { applyPlanningEvents } from './events.ts';
import { planNetwork, planNetworkRun, replanNetwork, useEarlyPromiseStop } from './plan.ts';

describe('planNetwork on generated networks (property)', () => {
  it('keeps stock ≥ 0, capacity, approved suppliers, lead times, period ≥ 0 and on time + short = demand', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 60 }),
        fc.integer(),
        fc.integer({ min: 4, max: 20 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (companies, seed, horizon, buildAheadWindow, frozenPeriods) => {
          const network = generateNetwork({ companies, seed, horizon });
          const plan = planNetwork(network, { buildAheadWindow, frozenPeriods });
          expect(checkPlan(network, plan)).toEqual([]);
          for (const order of plan.orders) expect(order.start).toBeGreaterThanOrEqual(frozenPeriods);
          for (const shortage of plan.shortages) expect(shortage.cause.text.length).toBeGreaterThan(0);
          const ids = new Set([...plan.orders].map((order) => order.id));
          expect(ids.size).toBe(plan.orders.length);
          expect(plan.pegging.every((peg) => ids.has(peg.order))).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("gives the same plan with promisable's early stop as without it, and re-plans alike (deep equal)", () => {
    // The early stop (a bound of each node's gross requirement) must change no result; a bound too
    // small would make plans and re-plans wrong alike, so only a plan without it tells.
    const without = (plan: () => unknown) => {
      const was = useEarlyPromiseStop(false);
      try {
        return plan();
      } finally {
        useEarlyPromiseStop(was);
      }
    };
    fc.assert(
      fc.property(withEvents, fc.boolean(), ([network, events], pegging) => {
        const changed = applyPlanningEvents(network, events);
        if (!changed.ok) return;
        const options = { pegging, blocked: changed.value.blocked };
        const expected = without(() => planNetwork(changed.value.network, options));
        expect(planNetwork(changed.value.network, options)).toEqual(expected);
        const previous = planNetworkRun(network, { pegging });
        expect(replanNetwork(previous, changed.value.network, options).plan).toEqual(expected);
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 200 }), fc.integer(), (companies, seed) => {
        const network = generateNetwork({ companies, seed, horizon: 26 });
        const plan = planNetwork(network, { pegging: false });
        expect(plan).toEqual(without(() => planNetwork(network, { pegging: false })));
      }),
      { numRuns: 8 },
    );
  });

  it('gives the same plan for the same input (deep equal)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 60 }), fc.integer(), (companies, seed) => {
        const network = generateNetwork({ companies, seed, horizon: 12 });
        expect(planNetwork(structuredClone(network))).toEqual(planNetwork(network));
      }),
      { numRuns: 10 },
    );
  });

  it('plans a shorter horizon when asked, never a longer one', () => {
    const network = generateNetwork({ companies: 30, seed: 3, horizon: 20 });
    expect(planNetwork(network, { horizon: 8 }).horizon).toBe(8);
    expect(planNetwork(network, { horizon: 80 }).horizon).toBe(20);
    const short = planNetwork(network, { horizon: 8 });
    for (const order of short.orders) expect(order.due).toBeLessThan(8);
  });
});
