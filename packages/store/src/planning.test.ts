import { readFileSync } from 'node:fs';
import {
  type Clock,
  createMemoryStore,
  diffPlans,
  type EventInput,
  isEmptyPlanDiff,
  type KetenStore,
  loadNetworkFile,
  type Network,
  planNetwork,
  summarize,
} from '@keten/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  readEffectiveNetwork,
  readPlanningLog,
  replanStoredNetwork,
  storePlanningSource,
} from './planning.ts';

const MINIMAL = readFileSync(new URL('../../../examples/network-minimal.yaml', import.meta.url), 'utf8');

function minimal(): Network {
  const loaded = loadNetworkFile({ name: 'network-minimal.yaml', text: MINIMAL });
  if (!loaded.ok) throw new Error('the minimal network does not load');
  return loaded.value.network;
}

/** A clock a test moves, so events fall before or after an import. */
class TestClock implements Clock {
  #now = Date.parse('2027-01-04T08:00:00.000Z');
  now(): Date {
    return new Date(this.#now);
  }
  advance(milliseconds = 1000): void {
    this.#now += milliseconds;
  }
}

let clock: TestClock;
let store: KetenStore;
let counter = 0;

beforeEach(() => {
  clock = new TestClock();
  store = createMemoryStore(clock);
  counter = 0;
});
afterEach(() => store.close());

async function importMinimal(content: Network = minimal()): Promise<void> {
  await store.networks.importVersion({
    network: 'minimal',
    content,
    summary: summarize(content),
    source: 'test',
    author: 'test',
  });
  clock.advance();
}

async function append(type: string, payload: unknown): Promise<void> {
  counter++;
  const event: EventInput = {
    type,
    key: `event-${counter}`,
    at: '2027-01-04T08:00:00Z',
    source: 'test',
    payload,
  };
  await store.events.append([event]);
  clock.advance();
}

const capacityOfFrameA = (capacity: number) => ({
  company: 'frame-a',
  item: 'frame',
  from: 3,
  capacity,
});

describe('readPlanningLog', () => {
  it('reads past a full page, keeps planning and plan.published events, and says how far it read', async () => {
    const other: EventInput[] = Array.from({ length: 10_050 }, (_, index) => ({
      type: 'order.created',
      key: `other-${index}`,
      at: '2027-01-04T08:00:00Z',
      source: 'test',
      payload: { index },
    }));
    await store.events.append(other.slice(0, 5_000));
    await append('demand.added', { company: 'oem', item: 'machine', period: 3, quantity: 1 });
    await store.events.append(other.slice(5_000));
    await append('plan.published', { network: 'minimal', version: 1, through: 1, orders: 0, shortages: 0 });
    const log = await readPlanningLog(storePlanningSource(store));
    expect(log.events.map((event) => event.type)).toEqual(['demand.added', 'plan.published']);
    expect(log.through).toBe(10_052);
    expect(await readPlanningLog(storePlanningSource(createMemoryStore()))).toEqual({
      events: [],
      through: 0,
    });
  });
});

describe('readEffectiveNetwork', () => {
  it('is the stored version with the planning events recorded since its import', async () => {
    await append('capacity.changed', capacityOfFrameA(1)); // before the import: superseded
    await importMinimal();
    await append('capacity.changed', capacityOfFrameA(2));
    await append('supplier.down', { company: 'frame-b', from: 1, to: 3, network: 'another' });
    const result = await readEffectiveNetwork(storePlanningSource(store), 'minimal');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      name: 'minimal',
      version: 1,
      throughSequence: 3,
      applied: 1,
      ignored: 1,
      superseded: 1,
      blocked: [],
    });
    const frame = result.value.network.production?.find((record) => record.company === 'frame-a');
    expect(frame?.capacity).toEqual([8, 8, 8, 2]);
  });

  it('says what is not there, and names every bad event', async () => {
    const source = storePlanningSource(store);
    expect(await readEffectiveNetwork(source, 'minimal')).toEqual({
      ok: false,
      error: { reason: 'not-found', message: "no network named 'minimal'" },
    });
    await importMinimal();
    expect(await readEffectiveNetwork(source, 'minimal', 2)).toEqual({
      ok: false,
      error: { reason: 'not-found', message: "network 'minimal' has no version 2" },
    });
    await append('capacity.changed', { company: 'frame-c', item: 'frame', from: 3, capacity: 2 });
    const result = await readEffectiveNetwork(source, 'minimal');
    expect(result.ok).toBe(false);
    if (result.ok || result.error.reason !== 'bad-events') throw new Error('expected bad events');
    expect(result.error.message).toBe(
      "an event in the log cannot be applied to network 'minimal' v1, so it cannot be planned; the log keeps " +
        'every event: import the network again (a new version) to plan without the events recorded before it',
    );
    expect(result.error.lines).toEqual([
      "event at sequence 1 (key 'event-1', capacity.changed): payload.company: unknown company 'frame-c' (did you mean 'frame-a'?)",
    ]);
    // A new version supersedes the bad event.
    await importMinimal();
    expect((await readEffectiveNetwork(source, 'minimal')).ok).toBe(true);
  });
});

describe('replanStoredNetwork', () => {
  const at = '2027-01-04T10:00:00Z';

  it('diffs against the version without events first, publishes, and then finds nothing changed', async () => {
    await importMinimal();
    await append('capacity.changed', capacityOfFrameA(2));
    const source = storePlanningSource(store);
    const first = await replanStoredNetwork(source, {
      network: 'minimal',
      publish: { source: 'test', at },
    });
    if (!first.ok) throw new Error(first.error.message);
    const changed = await readEffectiveNetwork(source, 'minimal');
    if (!changed.ok) throw new Error(changed.error.message);
    const expected = diffPlans(
      planNetwork(minimal(), { pegging: false }),
      planNetwork(changed.value.network, { pegging: false }),
    );
    expect(first.value.diff).toEqual(expected);
    expect(first.value).toMatchObject({
      version: 1,
      through: 1,
      base: { version: 1, through: 0, from: 'version' },
      published: { key: 'plan.published/minimal/1/1', sequence: 2 },
      stats: { full: false },
    });
    const event = await store.events.get('plan.published/minimal/1/1');
    expect(event?.payload).toEqual({
      network: 'minimal',
      version: 1,
      through: 1,
      orders: first.value.kept.run.plan.orders.length,
      shortages: first.value.kept.run.plan.shortages.length,
    });

    const second = await replanStoredNetwork(source, { network: 'minimal', publish: { source: 'test', at } });
    if (!second.ok) throw new Error(second.error.message);
    expect(isEmptyPlanDiff(second.value.diff)).toBe(true);
    expect(second.value.base).toEqual({ version: 1, through: 1, from: 'published' });
    expect(second.value.published).toBeUndefined();
    expect(second.value.through).toBe(2);
  });

  it('starts from a kept plan when it is the base, and diffs against it with since: kept', async () => {
    await importMinimal();
    await append('capacity.changed', capacityOfFrameA(2));
    const source = storePlanningSource(store);
    const first = await replanStoredNetwork(source, { network: 'minimal' });
    if (!first.ok) throw new Error(first.error.message);
    await append('capacity.changed', capacityOfFrameA(8));
    const kept = await replanStoredNetwork(source, {
      network: 'minimal',
      since: 'kept',
      kept: first.value.kept,
    });
    if (!kept.ok) throw new Error(kept.error.message);
    expect(kept.value.base).toEqual({ version: 1, through: 1, from: 'kept' });
    // Capacity back as it was: the plan is the plan of the version again.
    expect(kept.value.diff).toEqual(
      diffPlans(first.value.kept.run.plan, planNetwork(minimal(), { pegging: false })),
    );
    // Without a published plan the base is the version without events, whatever is kept.
    const published = await replanStoredNetwork(source, { network: 'minimal', kept: kept.value.kept });
    expect(published.ok && isEmptyPlanDiff(published.value.diff)).toBe(true);
  });

  it('diffs against the published plan of an older version after a new import', async () => {
    await importMinimal();
    await append('capacity.changed', capacityOfFrameA(2));
    const source = storePlanningSource(store);
    const first = await replanStoredNetwork(source, { network: 'minimal', publish: { source: 'test', at } });
    if (!first.ok) throw new Error(first.error.message);
    await importMinimal();
    const second = await replanStoredNetwork(source, { network: 'minimal', publish: { source: 'test', at } });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value).toMatchObject({
      version: 2,
      base: { version: 1, through: 1, from: 'published' },
      published: { key: 'plan.published/minimal/2/2' },
    });
    // Version 2 has no events since its import: the capacity change is undone.
    expect(second.value.diff).toEqual(
      diffPlans(first.value.kept.run.plan, planNetwork(minimal(), { pegging: false })),
    );
  });

  it('refuses bad events and a network that is not there', async () => {
    const source = storePlanningSource(store);
    const missing = await replanStoredNetwork(source, { network: 'minimal' });
    expect(missing.ok || missing.error.reason).toBe('not-found');
    await importMinimal();
    await append('demand.changed', { company: 'oem', item: 'machine', period: 40, quantity: 1 });
    const bad = await replanStoredNetwork(source, { network: 'minimal' });
    expect(bad.ok || bad.error.reason).toBe('bad-events');
    if (!bad.ok && bad.error.reason === 'bad-events') {
      expect(bad.error.lines[0]).toContain('event at sequence 1');
      expect(bad.error.lines[0]).toContain('payload.period');
    }
  });
});
