/**
 * The store contract: what every implementation of keten's storage ports must do, run against each
 * of them (in-memory, embedded PGlite in memory and on disk, PostgreSQL). A new implementation passes
 * this suite before anyone relies on it.
 */
import { createHash } from 'node:crypto';
import {
  type Clock,
  canonicalJson,
  type EventInput,
  type KetenStore,
  NETWORK_FORMAT,
  type Network,
  type NetworkSummary,
} from '@keten/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExchangeContract } from './exchange-contract.ts';

/** How the suite reaches one implementation. */
export interface StoreHarness {
  /**
   * The store named `name` (a schema where there are schemas). While the harness is open, the same
   * name opens the same data and different names open isolated stores. Each test uses new names.
   */
  open(name: string, clock?: Clock): Promise<KetenStore>;
  /** Closes the whole database and opens it again; only for implementations that persist. */
  reopen?(): Promise<void>;
  /** Releases everything (drop schemas, close, remove directories). */
  cleanup?(): Promise<void>;
}

/**
 * Registers the contract tests for one implementation. `setup` runs once before them; its harness's
 * `cleanup` once after them.
 *
 * @example
 * describeStoreContract('memory', async () => ({ open: async (_name, clock) => createMemoryStore(clock) }));
 */
export function describeStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness;
    let counter = 0;
    const run = Math.random().toString(36).slice(2, 8);
    const fresh = (clock?: Clock): Promise<KetenStore> => harness.open(`t_${run}_${++counter}`, clock);

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    describe('networks', () => {
      it('numbers versions 1, 2, 3 and records who, when, what and the content hash', async () => {
        const clock = steppingClock();
        const store = await fresh(clock);
        const infos = [];
        for (const source of ['a.yaml', 'b.yaml', 'c.yaml']) {
          infos.push(
            await store.networks.importVersion(request('demo', network({ horizon: 12 }), { source })),
          );
        }
        expect(infos.map((info) => info.version)).toEqual([1, 2, 3]);
        expect(infos[0]).toEqual({
          network: 'demo',
          version: 1,
          createdAt: '2027-01-04T08:00:01.000Z',
          source: 'a.yaml',
          author: 'tester',
          contentHash: sha256(canonicalJson(network({ horizon: 12 }))),
          summary: SUMMARY,
        });
        expect(await store.networks.listVersions('demo')).toEqual(infos);
        await store.close();
      });

      it('gets the latest version, or the one asked for, or nothing', async () => {
        const store = await fresh();
        await store.networks.importVersion(request('demo', network({ horizon: 1 })));
        await store.networks.importVersion(request('demo', network({ horizon: 2 })));
        expect((await store.networks.getVersion('demo'))?.content.horizon).toBe(2);
        expect((await store.networks.getVersion('demo'))?.version).toBe(2);
        expect((await store.networks.getVersion('demo', 1))?.content.horizon).toBe(1);
        for (const version of [0, 3, -1, 1.5]) {
          expect(await store.networks.getVersion('demo', version)).toBeUndefined();
        }
        expect(await store.networks.getVersion('missing')).toBeUndefined();
        expect(await store.networks.listVersions('missing')).toEqual([]);
        await store.close();
      });

      it('lists networks by name with their latest version and summary', async () => {
        const clock = steppingClock();
        const store = await fresh(clock);
        expect(await store.networks.listNetworks()).toEqual([]);
        await store.networks.importVersion(request('zeta', network()));
        await store.networks.importVersion(request('alpha', network()));
        const summary = { companies: 9, items: 8, tiers: 3, sourcingLinks: 7 };
        const latest = await store.networks.importVersion({ ...request('alpha', network()), summary });
        expect(await store.networks.listNetworks()).toEqual([
          { network: 'alpha', latestVersion: 2, versions: 2, updatedAt: latest.createdAt, summary },
          {
            network: 'zeta',
            latestVersion: 1,
            versions: 1,
            updatedAt: '2027-01-04T08:00:01.000Z',
            summary: SUMMARY,
          },
        ]);
        await store.close();
      });

      it('gives concurrent imports distinct, contiguous versions', async () => {
        const store = await fresh();
        const infos = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            store.networks.importVersion(
              request(index % 2 === 0 ? 'even' : 'odd', network({ horizon: index + 1 })),
            ),
          ),
        );
        for (const name of ['even', 'odd']) {
          const versions = infos.filter((info) => info.network === name).map((info) => info.version);
          expect(versions.sort()).toEqual([1, 2, 3, 4]);
          const stored = await store.networks.listVersions(name);
          expect(stored.map((info) => info.version)).toEqual([1, 2, 3, 4]);
          for (const info of stored) {
            const version = await store.networks.getVersion(name, info.version);
            expect(sha256(canonicalJson(version?.content))).toBe(info.contentHash);
          }
        }
        await store.close();
      });

      it('returns content exactly as imported, as a copy', async () => {
        const store = await fresh();
        const content = tricky();
        const info = await store.networks.importVersion(request('tricky', content));
        const stored = await store.networks.getVersion('tricky');
        expect(stored?.content).toStrictEqual(content);
        expect(JSON.stringify(stored?.content.demand?.[0]?.quantities)).toBe(
          JSON.stringify(content.demand?.[0]?.quantities),
        );
        expect(sha256(canonicalJson(stored?.content))).toBe(info.contentHash);
        expect(JSON.stringify(stored?.content)).toBe(JSON.stringify(content)); // key order kept too
        stored!.content.companies[0]!.name = 'changed by a caller';
        expect((await store.networks.getVersion('tricky'))?.content).toStrictEqual(content);
        await store.close();
      });

      it('keeps a network of many stored parts whole, emoji across the part ends too', async () => {
        const store = await fresh();
        // Over two million characters (the SQL stores write parts of a million), each company name
        // of one emoji and filler, so that surrogate pairs fall on every part's end sooner or later.
        const companies = Array.from({ length: 9_000 }, (_, index) => ({
          id: `c-${index}`,
          name: `${'🚚'.repeat(index % 5)}${'x'.repeat(index % 7)} company ${index}${'ÿ'.repeat(200)}`,
          site: { country: 'NL', region: 'EU', location: [51.44, 5.47] as [number, number] },
        }));
        const content = network({ companies: [...network().companies, ...companies] });
        expect(JSON.stringify(content).length).toBeGreaterThan(2_000_000);
        const info = await store.networks.importVersion(request('large', content));
        const stored = await store.networks.getVersion('large');
        expect(JSON.stringify(stored?.content)).toBe(JSON.stringify(content));
        expect(info.contentHash).toBe(sha256(canonicalJson(content)));
        await store.close();
      });

      it('takes the text and hash prepared by the caller as given', async () => {
        const store = await fresh();
        const content = tricky();
        const text = JSON.stringify(content);
        const contentHash = sha256(canonicalJson(content));
        const info = await store.networks.importVersion({
          ...request('prepared', content),
          prepared: { text, contentHash },
        });
        expect(info.contentHash).toBe(contentHash);
        expect(JSON.stringify((await store.networks.getVersion('prepared'))?.content)).toBe(text);
        await store.close();
      });

      it('refuses a network name it cannot hold', async () => {
        const store = await fresh();
        await expect(store.networks.importVersion(request('', network()))).rejects.toThrow();
        await expect(store.networks.importVersion(request('x'.repeat(201), network()))).rejects.toThrow();
        expect(await store.networks.listNetworks()).toEqual([]);
        await store.close();
      });
    });

    describe('events', () => {
      it('appends events with increasing sequence numbers and reads them back', async () => {
        const store = await fresh(steppingClock());
        const outcome = await store.events.append([
          event('k1', { type: 'order' }),
          event('k2', { source: 'frame-a' }),
        ]);
        expect(outcome.duplicates).toEqual([]);
        expect(outcome.appended.map((stored) => stored.key)).toEqual(['k1', 'k2']);
        expect(outcome.appended[0]!.sequence).toBeLessThan(outcome.appended[1]!.sequence);
        expect(outcome.appended[0]).toEqual({
          ...event('k1', { type: 'order' }),
          at: '2027-01-04T07:00:00.000Z',
          sequence: outcome.appended[0]!.sequence,
          recordedAt: '2027-01-04T08:00:01.000Z',
        });
        expect(await store.events.read()).toEqual(outcome.appended);
        expect(await store.events.get('k2')).toEqual(outcome.appended[1]);
        expect(await store.events.get('k3')).toBeUndefined();
        await store.close();
      });

      it('writes a key once: repeated in one call or across calls, the first stays', async () => {
        const store = await fresh();
        const first = await store.events.append([
          event('a', { payload: 1 }),
          event('b'),
          event('a', { payload: 2 }),
          event('a', { payload: 3 }),
        ]);
        expect(first.appended.map((stored) => stored.key)).toEqual(['a', 'b']);
        expect(first.duplicates).toEqual(['a', 'a']);
        const second = await store.events.append([event('b', { payload: 'again' }), event('c')]);
        expect(second.appended.map((stored) => stored.key)).toEqual(['c']);
        expect(second.duplicates).toEqual(['b']);
        const log = await store.events.read();
        expect(log.map((stored) => stored.key)).toEqual(['a', 'b', 'c']);
        expect(log[0]?.payload).toBe(1);
        expect((await store.events.get('b'))?.payload).toEqual({ quantity: 1 });
        expect(await store.events.append([])).toEqual({ appended: [], duplicates: [] });
        await store.close();
      });

      it('reads after a sequence number, by type, by source, and up to a limit', async () => {
        const store = await fresh();
        const { appended } = await store.events.append(
          Array.from({ length: 30 }, (_, index) =>
            event(`e${index}`, {
              type: index % 3 === 0 ? 'order' : 'status',
              source: index % 2 === 0 ? 'oem' : 'frame-a',
            }),
          ),
        );
        const keys = (events: { key: string }[]) => events.map((stored) => stored.key);
        expect(keys(await store.events.read({ after: appended[9]!.sequence, limit: 5 }))).toEqual([
          'e10',
          'e11',
          'e12',
          'e13',
          'e14',
        ]);
        expect(keys(await store.events.read({ type: 'order', source: 'oem' }))).toEqual([
          'e0',
          'e6',
          'e12',
          'e18',
          'e24',
        ]);
        expect(await store.events.read({ limit: 0 })).toEqual([]);
        expect(await store.events.read({ after: Number.POSITIVE_INFINITY })).toEqual([]);
        expect(await store.events.read({ after: Number.NaN, limit: 1 })).toEqual([appended[0]]);
        expect(await store.events.read({ after: -5, limit: 1 })).toEqual([appended[0]]);
        expect(await store.events.read({ after: appended[29]!.sequence })).toEqual([]);
        await store.close();
      });

      it('refuses a whole batch with a bad event, writing none of it', async () => {
        const store = await fresh();
        await expect(
          store.events.append([event('ok'), event('late', { at: '2027-01-04T08:00:00' })]),
        ).rejects.toThrow();
        await expect(store.events.append([event('ok'), event('')])).rejects.toThrow();
        expect(await store.events.read()).toEqual([]);
        await store.close();
      });

      it('appends thousands of events in one call', async () => {
        const store = await fresh();
        const events = Array.from({ length: 5000 }, (_, index) =>
          event(`bulk-${index}`, { payload: { index } }),
        );
        const outcome = await store.events.append(events);
        expect(outcome.appended).toHaveLength(5000);
        const again = await store.events.append(events.slice(4990).concat(event('bulk-new')));
        expect(again.duplicates).toHaveLength(10);
        expect(again.appended.map((stored) => stored.key)).toEqual(['bulk-new']);
        const page = await store.events.read({ after: outcome.appended[4989]!.sequence });
        expect(page.map((stored) => stored.key)).toEqual([
          ...events.slice(4990).map((input) => input.key),
          'bulk-new',
        ]);
        await store.close();
      });

      it('holds each key once, in strictly increasing order, whatever the batches (property)', async () => {
        const batch = fc.array(
          fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), payload: fc.nat(1000) }),
          { maxLength: 12 },
        );
        await fc.assert(
          fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 5 }), async (batches) => {
            const store = await fresh();
            const first = new Map<string, number>();
            let reported = 0;
            let total = 0;
            for (const entries of batches) {
              const outcome = await store.events.append(
                entries.map((entry) => event(entry.key, { payload: entry.payload })),
              );
              for (const entry of entries) if (!first.has(entry.key)) first.set(entry.key, entry.payload);
              reported += outcome.appended.length + outcome.duplicates.length;
              total += entries.length;
            }
            const log = await store.events.read({ limit: 10_000 });
            expect(reported).toBe(total);
            expect(log.map((stored) => stored.key).sort()).toEqual([...first.keys()].sort());
            for (const stored of log) expect(stored.payload).toBe(first.get(stored.key));
            for (let index = 1; index < log.length; index++) {
              expect(log[index]!.sequence).toBeGreaterThan(log[index - 1]!.sequence);
            }
            const middle = log[Math.floor(log.length / 2)];
            if (middle) {
              expect(await store.events.read({ after: middle.sequence })).toEqual(
                log.filter((stored) => stored.sequence > middle.sequence),
              );
            }
            await store.close();
          }),
          { numRuns: 25 },
        );
      });
    });

    describe('access', () => {
      it('creates, finds, lists and updates users; a taken name is "exists"', async () => {
        const store = await fresh(steppingClock());
        const created = await store.access.createUser({
          username: 'piet',
          role: 'planner',
          passwordHash: 'scrypt$1',
        });
        expect(created).toEqual({
          username: 'piet',
          role: 'planner',
          passwordHash: 'scrypt$1',
          createdAt: '2027-01-04T08:00:01.000Z',
          disabled: false,
        });
        expect(await store.access.createUser({ username: 'piet', role: 'admin', passwordHash: 'x' })).toBe(
          'exists',
        );
        await store.access.createUser({ username: 'anna', role: 'viewer', passwordHash: 'scrypt$2' });
        expect((await store.access.listUsers()).map((user) => user.username)).toEqual(['anna', 'piet']);
        expect(await store.access.updateUser('piet', { role: 'admin', disabled: true })).toBe(true);
        expect(await store.access.getUser('piet')).toEqual({
          ...(created as object),
          role: 'admin',
          disabled: true,
        });
        expect(await store.access.updateUser('piet', { passwordHash: 'scrypt$3' })).toBe(true);
        expect((await store.access.getUser('piet'))?.passwordHash).toBe('scrypt$3');
        expect(await store.access.updateUser('nobody', { disabled: true })).toBe(false);
        expect(await store.access.getUser('nobody')).toBeUndefined();
        await expect(
          store.access.createUser({ username: 'eve', role: 'root' as 'admin', passwordHash: 'x' }),
        ).rejects.toThrow();
        await store.close();
      });

      it('creates, finds, lists, touches and revokes tokens', async () => {
        const store = await fresh(steppingClock());
        await store.access.createUser({ username: 'piet', role: 'planner', passwordHash: 'h' });
        await store.access.createUser({ username: 'anna', role: 'admin', passwordHash: 'h' });
        const token = await store.access.createToken({
          id: 'tok1',
          username: 'piet',
          name: 'laptop',
          tokenHash: 'hash-1',
          expiresAt: '2027-06-01T00:00:00+02:00',
        });
        expect(token).toEqual({
          id: 'tok1',
          username: 'piet',
          name: 'laptop',
          tokenHash: 'hash-1',
          createdAt: '2027-01-04T08:00:03.000Z',
          expiresAt: '2027-05-31T22:00:00.000Z',
        });
        await store.access.createToken({ id: 'tok2', username: 'anna', name: 'ci', tokenHash: 'hash-2' });
        expect(await store.access.findTokenByHash('hash-1')).toEqual(token);
        expect(await store.access.findTokenByHash('nope')).toBeUndefined();
        expect((await store.access.listTokens()).map((listed) => listed.id)).toEqual(['tok1', 'tok2']);
        expect((await store.access.listTokens('anna')).map((listed) => listed.id)).toEqual(['tok2']);

        await store.access.touchToken('tok1', '2027-01-05T10:00:00Z');
        expect((await store.access.findTokenByHash('hash-1'))?.lastUsedAt).toBe('2027-01-05T10:00:00.000Z');
        await store.access.touchToken('missing', '2027-01-05T10:00:00Z');

        expect(await store.access.revokeToken('tok1')).toBe(true);
        expect(await store.access.revokeToken('tok1')).toBe(false);
        expect(await store.access.revokeToken('missing')).toBe(false);
        expect((await store.access.findTokenByHash('hash-1'))?.revokedAt).toMatch(
          /^2027-01-04T08:00:0\d\.000Z$/,
        );

        await expect(
          store.access.createToken({ id: 'tok3', username: 'nobody', name: 'x', tokenHash: 'hash-3' }),
        ).rejects.toThrow();
        await expect(
          store.access.createToken({ id: 'tok1', username: 'piet', name: 'again', tokenHash: 'hash-4' }),
        ).rejects.toThrow();
        await expect(
          store.access.createToken({ id: 'tok5', username: 'piet', name: 'same hash', tokenHash: 'hash-2' }),
        ).rejects.toThrow();
        expect(await store.access.listTokens()).toHaveLength(2);
        await store.close();
      });
    });

    describe('stores', () => {
      it('keeps two stores of one database apart', async () => {
        const left = await fresh();
        const right = await fresh();
        await left.networks.importVersion(request('demo', network()));
        await left.events.append([event('only-left')]);
        await left.access.createUser({ username: 'left', role: 'admin', passwordHash: 'h' });
        expect(await right.networks.listNetworks()).toEqual([]);
        expect(await right.events.read()).toEqual([]);
        expect(await right.access.listUsers()).toEqual([]);
        expect((await right.networks.importVersion(request('demo', network()))).version).toBe(1);
        expect((await right.events.append([event('only-left')])).duplicates).toEqual([]);
        await left.close();
        await right.close();
      });

      it('rejects every call after close', async () => {
        const store = await fresh();
        await store.close();
        await expect(store.networks.listNetworks()).rejects.toThrow();
        await expect(store.events.append([event('late')])).rejects.toThrow();
        await expect(store.access.listUsers()).rejects.toThrow();
      });

      it('keeps everything when the database is closed and opened again', async (context) => {
        if (!harness.reopen) {
          context.skip();
          return;
        }
        const name = `t_${run}_${++counter}`;
        const store = await harness.open(name);
        const content = tricky();
        const info = await store.networks.importVersion(request('kept', content));
        await store.events.append([event('kept-1'), event('kept-2')]);
        await store.access.createUser({ username: 'kept', role: 'viewer', passwordHash: 'h' });
        await harness.reopen();
        const again = await harness.open(name);
        expect(await again.networks.getVersion('kept')).toEqual({ ...info, content });
        expect((await again.events.read()).map((stored) => stored.key)).toEqual(['kept-1', 'kept-2']);
        expect((await again.events.append([event('kept-1')])).duplicates).toEqual(['kept-1']);
        expect((await again.access.getUser('kept'))?.role).toBe('viewer');
        expect((await again.networks.importVersion(request('kept', network()))).version).toBe(2);
        await again.close();
      });
    });

    describeExchangeContract(() => ({
      fresh,
      open: (name, clock) => harness.open(name, clock),
      freshName: () => `t_${run}_${++counter}`,
      ...(harness.reopen ? { reopen: () => harness.reopen!() } : {}),
    }));
  });
}

const SUMMARY: NetworkSummary = { companies: 2, items: 1, tiers: 2, sourcingLinks: 1 };

/** A clock that moves one second forward at every reading, from 2027-01-04T08:00:00Z. */
export function steppingClock(): Clock {
  let seconds = 0;
  return { now: () => new Date(Date.UTC(2027, 0, 4, 8, 0, ++seconds)) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function request(name: string, content: Network, extra: { source?: string } = {}) {
  return { network: name, content, summary: SUMMARY, source: extra.source ?? 'test', author: 'tester' };
}

function event(key: string, extra: Partial<EventInput> = {}): EventInput {
  return {
    type: 'order.created',
    key,
    at: '2027-01-04T08:00:00+01:00',
    source: 'oem',
    payload: { quantity: 1 },
    ...extra,
  };
}

/** A small valid network. */
export function network(change: Partial<Network> = {}): Network {
  return {
    format: NETWORK_FORMAT,
    name: 'contract',
    period: 'week',
    start: '2027-01-04',
    horizon: 12,
    companies: [
      {
        id: 'oem',
        name: 'Example Systems B.V.',
        site: { country: 'NL', region: 'EU', location: [51.44, 5.47] },
      },
      { id: 'frame-a', name: 'Frame Works GmbH', site: { country: 'DE', region: 'EU' } },
    ],
    items: [{ id: 'frame', name: 'Welded frame', unit: 'pcs' }],
    production: [{ company: 'frame-a', item: 'frame', leadTime: 1, capacity: 8 }],
    sourcing: [{ buyer: 'oem', item: 'frame', suppliers: [{ supplier: 'frame-a', share: 1, leadTime: 1 }] }],
    ...change,
  };
}

/** A network with the numbers and text that break naive storage: decimals, extremes, long lists, Unicode. */
function tricky(): Network {
  return network({
    description: 'Ünïcödé — 日本語 — emoji 🚚 — quotes "\' and \\ backslash, tab\t newline\n',
    production: [
      {
        company: 'frame-a',
        item: 'frame',
        leadTime: 1,
        capacity: Array.from({ length: 3000 }, (_, index) => (index % 7) * 0.1),
        yield: 0.1 + 0.2,
        unitCost: 1e-7,
        co2PerUnit: 123456789.123,
        holdingCost: 1.7976931348623157e308,
      },
    ],
    demand: [
      {
        company: 'oem',
        item: 'frame',
        quantities: Array.from({ length: 3000 }, (_, index) => index / 3),
        mean: 5e-324,
        stdDev: 0,
      },
    ],
  });
}
