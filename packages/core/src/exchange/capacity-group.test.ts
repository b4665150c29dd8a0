import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partnerView } from '../model/partner-view.ts';
import { valueAt } from '../model/schema.ts';
import { applyPlanningEvents } from '../planning/events.ts';
import { buildCapacityGroups, readCapacityGroup } from './capacity-group.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));

describe('WeekBasedCapacityGroup', () => {
  const built = buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt });
  const groups = built.ok ? built.value : [];
  const lens = groups.find((group) => group.items.includes('lens-set-300'))!;

  it('makes one group per production record the customer buys from, with the weekly capacity', () => {
    expect(groups.map((group) => group.capacity).sort()).toEqual([
      'steinhof-optics/lens-set-120',
      'steinhof-optics/lens-set-300',
    ]);
    const capacities = lens.payload.capacities!;
    expect(capacities).toHaveLength(52);
    expect(capacities.slice(0, 3)).toEqual([
      { pointInTime: '2027-01-04', actualCapacity: 2, maximumCapacity: 2 },
      { pointInTime: '2027-01-11', actualCapacity: 1, maximumCapacity: 2 },
      { pointInTime: '2027-01-18', actualCapacity: 2, maximumCapacity: 2 },
    ]);
    expect(lens.payload.linkedDemandSeries?.[0]).toMatchObject({
      materialNumberSupplier: 'SEO-ML-300',
      customerLocation: 'BPNS0000AB8FGKOG',
      loadFactor: 1,
    });
  });

  it("links a capacity group's items with their load as the load factor", () => {
    const helmond = buildCapacityGroups(network, 'helmond-vacuum', 'kempen', { changedAt });
    const group = helmond.ok ? helmond.value.find((g) => g.capacity === 'helmond-leak-test') : undefined;
    expect(group?.payload.linkedDemandSeries?.map((series) => series.loadFactor).sort()).toEqual([1, 4]);
    expect(group?.payload.capacities?.[0]).toEqual({
      pointInTime: '2027-01-04',
      actualCapacity: 8,
      maximumCapacity: 8,
    });
  });

  it('reads back at the customer as the same capacity, with no event where its network already agrees', () => {
    const read = readCapacityGroup(network, 'kempen', lens.payload, { receivedAt });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.supplier).toBe('steinhof-optics');
    const record = network.production!.find(
      (p) => p.company === 'steinhof-optics' && p.item === 'lens-set-300',
    )!;
    expect(read.value.actual).toEqual(
      Array.from({ length: 52 }, (_, period) => valueAt(record.capacity, period)),
    );
    expect(read.value.events).toEqual([]);
  });

  it('updates what the customer knows: capacity.changed events that make its model of the supplier agree', () => {
    const lowered = structuredClone(lens.payload);
    for (const week of lowered.capacities!.slice(10, 14)) week.actualCapacity = 0;
    const read = readCapacityGroup(network, 'kempen', lowered, { receivedAt });
    if (!read.ok) throw new Error('not read');
    expect(read.value.events.map((event) => event.payload)).toEqual([
      {
        company: 'steinhof-optics',
        item: 'lens-set-300',
        from: 10,
        to: 14,
        capacity: 0,
        network: network.name,
      },
    ]);
    const applied = applyPlanningEvents(network, read.value.events);
    expect(applied.ok).toBe(true);
    const record = applied.ok
      ? applied.value.network.production!.find(
          (p) => p.company === 'steinhof-optics' && p.item === 'lens-set-300',
        )
      : undefined;
    expect(Array.from({ length: 52 }, (_, period) => valueAt(record!.capacity, period))).toEqual(
      read.value.actual,
    );
  });

  it('refuses a group for another customer, and material numbers it does not know', () => {
    const other = readCapacityGroup(network, 'helmond-vacuum', lens.payload, { receivedAt });
    expect(other.ok ? undefined : other.error[0]?.code).toBe('wrong-receiver');
    const renamed = structuredClone(lens.payload);
    renamed.linkedDemandSeries![0]!.materialNumberCustomer = 'NOPE';
    renamed.linkedDemandSeries![0]!.materialNumberSupplier = 'NOPE-2';
    const unknown = readCapacityGroup(network, 'kempen', renamed, { receivedAt });
    expect(unknown.ok ? undefined : unknown.error[0]).toMatchObject({
      code: 'unknown-material',
      path: ['linkedDemandSeries', 0, 'materialNumberCustomer'],
      value: 'NOPE',
    });
  });

  it('returns capacity the customer does not model, with a note', () => {
    const withoutRecord = {
      ...network,
      production: network.production!.filter(
        (p) => !(p.company === 'steinhof-optics' && p.item === 'lens-set-300'),
      ),
    };
    const read = readCapacityGroup(withoutRecord, 'kempen', lens.payload, { receivedAt });
    expect(read.ok && read.value.notes.map((note) => note.code)).toEqual(['not-modelled']);
    expect(read.ok && read.value.actual[0]).toBe(2);
  });
});

describe("at the customer's node, whose partner view has its suppliers as unconstrained sources", () => {
  it("the supplier's capacity group replaces the unconstrained capacity", () => {
    const kempen = partnerView(network, 'kempen')!;
    const built = buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt });
    const lens = built.ok ? built.value.find((group) => group.items.includes('lens-set-300'))! : undefined;
    const read = readCapacityGroup(kempen, 'kempen', lens?.payload, { receivedAt });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    const applied = applyPlanningEvents(kempen, read.value.events);
    if (!applied.ok) throw new Error(JSON.stringify(applied.error));
    const source = applied.value.network.production!.find(
      (p) => p.company === 'steinhof-optics' && p.item === 'lens-set-300',
    )!;
    expect(Array.from({ length: 52 }, (_, period) => valueAt(source.capacity, period))).toEqual(
      read.value.actual,
    );
  });
});
