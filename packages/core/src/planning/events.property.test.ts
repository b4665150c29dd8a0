import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueAt } from '../model/schema.ts';
import { validateNetwork } from '../model/validate.ts';
import { networkArbitrary, withEvents } from './event-arbitraries.ts';
import { applyPlanningEvents, isPlanningEventType } from './events.ts';

describe('applyPlanningEvents on generated networks (property)', () => {
  it('never throws, never changes its input, and gives a valid network or problems that name their event', () => {
    fc.assert(
      fc.property(withEvents, ([network, events]) => {
        const before = structuredClone(network);
        const result = applyPlanningEvents(network, events);
        expect(network).toEqual(before);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(0);
          for (const problem of result.error) {
            expect(isPlanningEventType(events[problem.index]?.type ?? '')).toBe(true);
            expect(problem.message.length).toBeGreaterThan(10);
            expect(problem.path[0]).toBe('payload');
          }
          return;
        }
        const { issues } = validateNetwork(result.value.network);
        expect(issues.filter((issue) => issue.severity === 'error')).toEqual([]);
        expect(result.value.applied + result.value.ignored).toBe(events.length);
        const { nodes } = result.value.touched;
        const keys = nodes.map((node) => `${node.company}\u0000${node.item}`);
        expect(keys).toEqual([...new Set(keys)].sort());
        for (const node of nodes) expect(node.from).toBeLessThan(network.horizon);
        for (const window of result.value.blocked) expect(window.from).toBeLessThan(window.to);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same network and blocked windows in one batch as in two', () => {
    fc.assert(
      fc.property(withEvents, ([network, first, second]) => {
        const once = applyPlanningEvents(network, [...first, ...second]);
        const part = applyPlanningEvents(network, first);
        if (!part.ok) {
          expect(once.ok).toBe(false);
          return;
        }
        const twice = applyPlanningEvents(part.value.network, second, { blocked: part.value.blocked });
        expect(twice.ok).toBe(once.ok);
        if (!once.ok || !twice.ok) return;
        expect(twice.value.network).toEqual(once.value.network);
        expect(twice.value.blocked).toEqual(once.value.blocked);
      }),
      { numRuns: 100 },
    );
  });

  it('sets exactly the window of a capacity change and keeps every other period', () => {
    const cases = networkArbitrary.chain((network) =>
      fc.tuple(
        fc.constant(network),
        fc.integer({ min: 0, max: (network.production?.length ?? 1) - 1 }),
        fc.integer({ min: 0, max: network.horizon - 1 }),
        fc.integer({ min: 1, max: network.horizon }),
        fc.integer({ min: 0, max: 100 }),
      ),
    );
    fc.assert(
      fc.property(cases, ([network, index, from, length, capacity]) => {
        const record = network.production?.[index];
        if (record === undefined) return;
        const to = Math.min(network.horizon, from + length);
        const result = applyPlanningEvents(network, [
          {
            type: 'capacity.changed',
            payload: { company: record.company, item: record.item, from, to, capacity },
          },
        ]);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const after = result.value.network.production?.[index];
        for (let period = 0; period < network.horizon; period++) {
          const expected = period >= from && period < to ? capacity : valueAt(record.capacity, period);
          expect(after === undefined ? Number.NaN : valueAt(after.capacity, period)).toBe(expected);
          if (after?.maximumCapacity !== undefined) {
            expect(valueAt(after.maximumCapacity, period)).toBeGreaterThanOrEqual(
              valueAt(after.capacity, period),
            );
          }
        }
        const changed = [...Array(to - from).keys()].some(
          (offset) =>
            valueAt(record.capacity, from + offset) !== capacity ||
            (record.maximumCapacity !== undefined &&
              valueAt(record.maximumCapacity, from + offset) < capacity),
        );
        expect(result.value.touched.nodes.length).toBe(changed ? 1 : 0);
      }),
      { numRuns: 100 },
    );
  });
});
