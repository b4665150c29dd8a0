import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import type { StoredEvent } from '../store/ports.ts';
import {
  effectiveNetwork,
  lastPublishedPlan,
  PLAN_PUBLISHED,
  planPublishedEvent,
  type VersionToPlan,
} from './effective-network.ts';
import { formatLoggedEventProblem } from './events.ts';
import { planNetwork, planNetworkRun, replanNetwork } from './plan.ts';
import { diffPlans } from './plan-diff.ts';

const minimalPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

function minimal(): Network {
  const result = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(minimalPath, 'utf8') });
  if (!result.ok) throw new Error('the minimal network does not load');
  return result.value.network;
}

const IMPORTED = '2027-01-04T08:00:00.000Z';
const BEFORE = '2027-01-04T07:59:59.999Z';
const AFTER = '2027-01-04T09:00:00.000Z';

/** Version 1 of the minimal network, stored as 'minimal' (not its document name). */
function version(content: Network = minimal()): VersionToPlan {
  return { network: 'minimal', version: 1, createdAt: IMPORTED, content };
}

/** A stored event: sequence, type and payload; recorded after the import unless `recordedAt` says. */
function stored(sequence: number, type: string, payload: unknown, recordedAt = AFTER): StoredEvent {
  return { sequence, type, key: `key-${sequence}`, at: recordedAt, source: 'test', payload, recordedAt };
}

const raiseDemand = (period: number, network?: string) => ({
  company: 'oem',
  item: 'machine',
  period,
  quantity: 1,
  ...(network === undefined ? {} : { network }),
});

const demandAt = (network: Network, period: number) =>
  network.demand?.find((record) => record.company === 'oem' && record.item === 'machine')?.quantities[period];

describe('effectiveNetwork', () => {
  it('is the version itself when the log holds nothing for it', () => {
    const base = version();
    const result = effectiveNetwork(base, []);
    expect(result).toMatchObject({
      ok: true,
      value: { name: 'minimal', version: 1, blocked: [], throughSequence: 0, applied: 0, ignored: 0 },
    });
    expect(result.ok && result.value.network).toEqual(base.content);
  });

  it('applies the planning events of its network recorded since the import, and says what it skipped', () => {
    const events = [
      stored(1, 'demand.added', raiseDemand(3), BEFORE), // before the import: superseded
      stored(2, 'order.created', { id: 'PO-9' }), // not a planning event
      stored(3, 'demand.added', raiseDemand(3)), // for any network
      stored(4, 'demand.added', raiseDemand(3, 'minimal')), // for this one, by its name in the store
      stored(5, 'demand.added', raiseDemand(3, 'other')), // for another network
      stored(6, 'supplier.down', { company: 'frame-b', from: 2, to: 4 }),
      stored(9, 'plan.published', { network: 'minimal', version: 1, through: 6, orders: 1, shortages: 0 }),
    ];
    const result = effectiveNetwork(version(), events);
    if (!result.ok) throw new Error(result.error.map((problem) => problem.message).join('\n'));
    expect(result.value).toMatchObject({
      throughSequence: 9,
      applied: 3,
      ignored: 3,
      superseded: 1,
      blocked: [{ supplier: 'frame-b', from: 2, to: 4 }],
      touched: { suppliers: ['frame-b'] },
    });
    expect(demandAt(result.value.network, 3)).toBe(6);
  });

  it('stops at `through`: the log as a plan was published', () => {
    const events = [1, 2, 3, 4].map((sequence) => stored(sequence, 'demand.added', raiseDemand(5)));
    const result = effectiveNetwork(version(), events, { through: 2 });
    expect(result.ok && result.value.throughSequence).toBe(2);
    expect(result.ok && result.value.applied).toBe(2);
    expect(result.ok && demandAt(result.value.network, 5)).toBe(8);
  });

  it('refuses a bad event with problems naming its sequence, key and field, and gives no network', () => {
    const events = [
      stored(1, 'order.created', {}),
      stored(7, 'capacity.changed', { company: 'frame-a', item: 'frame', from: 3, capacty: 2 }),
      stored(8, 'demand.added', raiseDemand(3, 'other')),
    ];
    const result = effectiveNetwork(version(), events);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map(formatLoggedEventProblem)).toEqual([
      "event at sequence 7 (key 'key-7', capacity.changed): payload.capacity: missing required field 'capacity'",
      "event at sequence 7 (key 'key-7', capacity.changed): payload.capacty: unknown field 'capacty' (did you mean 'capacity'?)",
    ]);
    expect(result.error[0]?.index).toBe(1);
  });
});

describe('plan.published', () => {
  it('finds the last published plan of the network, and nothing for another', () => {
    const plan = planNetwork(minimal(), { pegging: false });
    const publish = (through: number, network = 'minimal') =>
      planPublishedEvent({ network, version: 1, through, plan, at: AFTER, source: 'test' });
    const events = [publish(2), publish(5), publish(9, 'other')].map((event, index) => ({
      ...stored(index + 10, event.type, event.payload),
      key: event.key,
    }));
    expect(events.map((event) => event.key)).toEqual([
      'plan.published/minimal/1/2',
      'plan.published/minimal/1/5',
      'plan.published/other/1/9',
    ]);
    expect(lastPublishedPlan(events, 'minimal')).toEqual({
      ok: true,
      value: {
        sequence: 11,
        key: 'plan.published/minimal/1/5',
        payload: {
          network: 'minimal',
          version: 1,
          through: 5,
          orders: plan.orders.length,
          shortages: plan.shortages.length,
        },
      },
    });
    expect(lastPublishedPlan(events, 'third')).toEqual({ ok: true, value: undefined });
  });

  it('names a published plan keten did not write, by its sequence and field', () => {
    const events = [stored(4, PLAN_PUBLISHED, { network: 'minimal', version: 0, through: 1 })];
    const result = lastPublishedPlan(events, 'minimal');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((problem) => problem.path.join('.'))).toEqual([
      'payload.version',
      'payload.orders',
      'payload.shortages',
    ]);
    expect(result.error.every((problem) => problem.sequence === 4)).toBe(true);
  });
});

/**
 * Issue 3, Done means: "Changing one capacity in the store and re-planning gives a diff that names the
 * affected companies and is equal to a full re-plan's result." Here on the pure functions; the CLI test
 * (apps/cli/test/replan.test.ts) does it through a real store.
 */
describe('changing one capacity and re-planning', () => {
  it('gives a diff naming frame-a and oem, equal to the diff to a full plan of the changed network', () => {
    const base = version();
    const change = stored(1, 'capacity.changed', { company: 'frame-a', item: 'frame', from: 3, capacity: 2 });
    const before = effectiveNetwork(base, [], { through: 0 });
    const after = effectiveNetwork(base, [change]);
    if (!before.ok || !after.ok) throw new Error('the events do not apply');

    const previous = planNetworkRun(before.value.network, { pegging: false });
    const replanned = replanNetwork(previous, after.value.network, {
      pegging: false,
      blocked: after.value.blocked,
    });
    const diff = diffPlans(previous.plan, replanned.plan);

    const full = planNetwork(after.value.network, { pegging: false });
    expect(replanned.stats.full).toBe(false);
    expect(replanned.plan).toEqual(full);
    expect(diff).toEqual(diffPlans(previous.plan, full));
    expect(diff.notices.map((notice) => notice.company)).toEqual(expect.arrayContaining(['frame-a', 'oem']));
    expect(diff.companies.map((company) => company.company)).toContain('frame-a');
  });
});
