import {
  applyPlanningEvents,
  generateNetwork,
  type Network,
  type Plan,
  planJsonChunks,
  planNetworkRun,
  replanNetwork,
  setPageToucher,
} from '@keten/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type StartedPageToucher, startPageToucher } from './page-toucher.ts';

const started: StartedPageToucher[] = [];
afterEach(async () => {
  setPageToucher(undefined);
  for (const toucher of started.splice(0)) await toucher.stop();
});

function start(): StartedPageToucher {
  const toucher = startPageToucher();
  started.push(toucher);
  return toucher;
}

const json = (plan: Plan) => [...planJsonChunks(plan)].join('');

/**
 * 3,000 companies (the planner's arenas are then shared chunks, 16 MB and more, which it hands over)
 * and the same network with its first component maker's capacity cut to 1 from period 8.
 */
function firstComponentMakerCut(): { network: Network; changed: Network } {
  const network = generateNetwork({ companies: 3_000, seed: 11, horizon: 52 });
  const record = (network.production ?? []).find((entry) => entry.item.startsWith('cmp-'))!;
  const changed = applyPlanningEvents(network, [
    {
      type: 'capacity.changed',
      payload: { company: record.company, item: record.item, from: 8, capacity: 1 },
    },
  ]);
  if (!changed.ok) throw new Error('the capacity change must apply');
  return { network, changed: changed.value.network };
}

describe('startPageToucher', () => {
  it('changes no value, whether written before, while or after it touches', async () => {
    const toucher = start();
    const bytes = 16 * 1024 * 1024;
    const buffer = new SharedArrayBuffer(bytes);
    const words = new Int32Array(buffer);
    const expected = new Int32Array(words.length);
    // Every 7th word of the first half written before, every 5th of the whole written while the toucher
    // runs over it (several times, and over ranges not page-aligned), some of them zeros and negatives.
    for (let i = 0; i < words.length / 2; i += 7) words[i] = expected[i] = (i % 11) - 5;
    for (let round = 0; round < 3; round++) toucher.touch(buffer, 3 + round, bytes - round);
    for (let i = 0; i < words.length; i += 5) words[i] = expected[i] = i + 1;
    await toucher.idle();
    for (let i = 1; i < words.length; i += 13) words[i] = expected[i] = -i;
    toucher.touch(buffer, 0, bytes);
    await toucher.idle();
    let differing = 0;
    for (let i = 0; i < words.length; i++) if (words[i] !== expected[i]) differing++;
    expect(differing).toBe(0);
    expect(words[5]).toBe(6);
  });

  it('leaves a range that ends past its buffer and an empty one alone', async () => {
    const toucher = start();
    const buffer = new SharedArrayBuffer(10_000);
    new Int32Array(buffer).fill(9);
    toucher.touch(buffer, 8_000, 1_000_000);
    toucher.touch(buffer, 500, 500);
    await toucher.idle();
    expect(new Int32Array(buffer).every((value) => value === 9)).toBe(true);
  });

  it('gives the same plans and re-plans as planning without it', () => {
    const { network, changed } = firstComponentMakerCut();
    const planAndReplan = () => {
      const run = planNetworkRun(network, { pegging: false });
      const again = replanNetwork(run, changed);
      return [json(run.plan), json(again.plan)];
    };
    const without = planAndReplan();
    const toucher = start();
    let asked = 0;
    setPageToucher({
      touch(buffer, from, to) {
        asked++;
        toucher.touch(buffer, from, to);
      },
    });
    expect(planAndReplan()).toEqual(without);
    // The planner did hand it ranges (its columns, pass 2's copies, the re-plan's columns).
    expect(asked).toBeGreaterThan(10);
  });

  it("is not asked for the pages of a re-plan's order columns once they skip the kept run's orders", () => {
    // A re-plan that runs the dirty-set pass leaves the replayed nodes' orders in the kept run and
    // skips their places: its own orders are islands between. Each island used to ask for the next
    // two steps of every order column (at 60,000 companies 300 MB the toucher faulted in for nothing).
    const { network, changed } = firstComponentMakerCut();
    let asked = 0;
    let bytes = 0;
    setPageToucher({
      touch(_buffer, from, to) {
        asked++;
        bytes += to - from;
      },
    });
    const run = planNetworkRun(network, { pegging: false });
    expect(asked).toBeGreaterThan(10);
    asked = 0;
    bytes = 0;
    const again = replanNetwork(run, changed);
    expect((again.state as { dirtyRounds: number }).dirtyRounds).toBeGreaterThan(0);
    // One window each for the re-plan's logs that grow without skipping (calls, wanted loads, cause
    // writes: two columns each), none for the order columns (11 requests before), and a first window
    // that is small (its step doubles as a column grows): 2 MiB in all, 26 MiB before.
    expect(asked).toBeLessThanOrEqual(6);
    expect(bytes).toBeLessThan(4 * 2 ** 20);
  });
});
