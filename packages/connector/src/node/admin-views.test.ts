import {
  type AuditEntry,
  type AuditQuery,
  buildOffer,
  createMemoryStore,
  type KetenStore,
} from '@keten/core';
import { type KetenDatabase, openDatabase } from '@keten/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  agreementsView,
  outboxSummary,
  readAuditSearch,
  registerAdminViews,
  searchAudit,
} from './admin-views.ts';

let database: KetenDatabase | undefined;
let schemas = 0;
afterAll(async () => {
  await database?.close();
});

/** The memory store, and the SQL one on embedded PGlite (a schema each): the search means the same. */
const STORES: [string, () => Promise<KetenStore>][] = [
  ['memory', async () => createMemoryStore()],
  [
    'PGlite',
    async () => {
      database ??= await openDatabase();
      schemas += 1;
      return database.store(`audit_search_${schemas}`);
    },
  ],
];

/** 30 entries: three actors in turn, push and request in turn, every fifth denied. */
async function storeWithAudit(store: KetenStore = createMemoryStore()) {
  const actors = ['did:web:a', 'did:web:b', 'user:admin'];
  for (let i = 0; i < 30; i++) {
    await store.exchange.commit({
      audit: [
        {
          actor: actors[i % 3]!,
          action: i % 2 === 0 ? 'data.push' : 'negotiation.request',
          resource: `urn:keten:kempen:demand-and-capacity:p${i % 3}`,
          outcome: i % 5 === 0 ? 'denied' : 'granted',
          ...(i % 5 === 0 ? { reason: 'DataUsageEndDate: the agreement expired' } : {}),
        },
      ],
    });
  }
  return store;
}

/** `store`'s exchange port with some of its methods replaced: a new object, as another store's port. */
function replaced(store: KetenStore, methods: Partial<KetenStore['exchange']>): KetenStore {
  const exchange = new Proxy(store.exchange, {
    get: (target, name) => {
      const own = (methods as Record<string | symbol, unknown>)[name];
      if (own !== undefined) return own;
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...store, exchange };
}

/** `store` with its audit trail read through `change` (each entry as read), and the reads counted. */
function watched(store: KetenStore, change: (entry: AuditEntry) => AuditEntry = (entry) => entry) {
  const reads: { after: number; count: number }[] = [];
  const readAudit = async (query?: AuditQuery) => {
    const entries = (await store.exchange.readAudit(query)).map(change);
    reads.push({ after: query?.after ?? 0, count: entries.length });
    return entries;
  };
  return { store: replaced(store, { readAudit }), reads };
}

describe.each(STORES)('the audit search (%s store)', (_name, open) => {
  it('filters by partner, action and outcome, newest first, and pages back', async () => {
    const store = await storeWithAudit(await open());
    const first = await searchAudit(store, { partner: 'did:web:a', limit: 4 });
    expect(first.total).toBe(30);
    expect(first.matched).toBe(10);
    expect(first.entries.map((entry) => entry.sequence)).toEqual([28, 25, 22, 19]);
    expect(first.nextBefore).toBe(19);
    const second = await searchAudit(store, { partner: 'did:web:a', limit: 4, before: 19 });
    expect(second.entries.map((entry) => entry.sequence)).toEqual([16, 13, 10, 7]);
    const last = await searchAudit(store, { partner: 'did:web:a', limit: 4, before: 7 });
    expect(last.entries.map((entry) => entry.sequence)).toEqual([4, 1]);
    expect(last.nextBefore).toBeUndefined();
    const denied = await searchAudit(store, { outcome: 'denied', action: 'data', limit: 100 });
    expect(denied.entries.every((entry) => entry.outcome === 'denied' && entry.action === 'data.push')).toBe(
      true,
    );
    expect(denied.matched).toBe(3);
    expect(first.chain).toBe('intact');
  });

  it('takes search text literally, ignoring case', async () => {
    const store = await open();
    for (const resource of ['urn:keten:A_1:x', 'urn:keten:AB1:x', 'urn:keten:a%1:x'])
      await store.exchange.commit({
        audit: [{ actor: 'did:web:x', action: 'data.push', resource, outcome: 'granted' }],
      });
    const found = async (partner: string) =>
      (await searchAudit(store, { partner, limit: 10 })).entries.map((entry) => entry.resource);
    expect(await found('a_1')).toEqual(['urn:keten:A_1:x']);
    expect(await found('A%1')).toEqual(['urn:keten:a%1:x']);
    expect(await found('b1')).toEqual(['urn:keten:AB1:x']);
  });

  it('checks the chain once, then only what was added, and each entry it shows', async () => {
    const base = await storeWithAudit(await open());
    const { store, reads } = watched(base);
    expect((await searchAudit(store, { limit: 5 })).chain).toBe('intact');
    expect(reads.reduce((sum, read) => sum + read.count, 0)).toBe(30);
    // A later search reads only the entry the last check ended on and what came after it.
    for (let i = 0; i < 3; i++)
      await base.exchange.commit({
        audit: [{ actor: 'did:web:a', action: 'x', resource: 'r', outcome: 'o' }],
      });
    reads.length = 0;
    const later = await searchAudit(store, { partner: 'did:web:a', limit: 5 });
    expect(later.chain).toBe('intact');
    expect(later.total).toBe(33);
    expect(reads).toEqual([
      { after: 29, count: 1 },
      { after: 30, count: 3 },
    ]);
    // An entry shown that does not match its hash (changed after the chain was checked): broken there.
    const tampered = replaced(base, {
      searchAudit: async (query) => {
        const page = await base.exchange.searchAudit(query);
        return {
          ...page,
          entries: page.entries.map((entry) =>
            entry.sequence === 31 ? { ...entry, outcome: 'granted' } : entry,
          ),
        };
      },
    });
    const shown = await searchAudit(tampered, { limit: 5 });
    expect(shown.chain).toMatchObject({ sequence: 31, reason: 'changed' });
    // verify=full checks the whole chain again: an old entry changed is found.
    const old = watched(base, (entry) => (entry.sequence === 3 ? { ...entry, reason: 'edited' } : entry));
    expect((await searchAudit(old.store, { limit: 5, verify: 'full' })).chain).toMatchObject({
      sequence: 3,
      reason: 'changed',
    });
  });

  it('has the chain checked in the background once the views are mounted, so a first search need not', async () => {
    const { store, reads } = watched(await storeWithAudit(await open()));
    registerAdminViews({ addRoutes: () => {} }, store, () => []);
    for (let wait = 0; reads.reduce((sum, read) => sum + read.count, 0) < 30 && wait < 200; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    reads.length = 0;
    expect((await searchAudit(store, { limit: 5 })).chain).toBe('intact');
    expect(reads).toEqual([
      { after: 29, count: 1 },
      { after: 30, count: 0 },
    ]);
  });

  it('reads the query string and says which field is wrong', () => {
    expect(readAuditSearch({})).toEqual({ ok: true, value: { limit: 100 } });
    expect(readAuditSearch({ limit: '0' })).toEqual({
      ok: false,
      error: 'limit: a whole number from 1 to 500, not 0',
    });
    expect(readAuditSearch({ before: 'x' }).ok).toBe(false);
    expect(readAuditSearch({ partner: 'a'.repeat(201) }).ok).toBe(false);
    expect(readAuditSearch({ partner: 'kempen', outcome: 'denied', before: '5', limit: '20' })).toEqual({
      ok: true,
      value: { partner: 'kempen', outcome: 'denied', before: 5, limit: 20 },
    });
    expect(readAuditSearch({ verify: 'full' })).toEqual({ ok: true, value: { limit: 100, verify: 'full' } });
    expect(readAuditSearch({ verify: 'yes' })).toEqual({ ok: false, error: 'verify: only full, not yes' });
  });
});

describe('the agreements view', () => {
  it('lists offers with their policy, and processes with the reason they ended', async () => {
    const store = createMemoryStore();
    const partner = {
      company: 'steinhof-optics',
      did: 'did:web:s',
      bpnl: 'BPNL000000000002',
      url: 'http://s',
    };
    await store.exchange.commit({
      records: [
        {
          kind: 'negotiation',
          id: 'n1',
          value: {
            record: {
              role: 'provider',
              state: 'TERMINATED',
              protocolState: 'TERMINATED',
              termination: { by: 'provider', code: 'policy-denied', reason: ['UsagePurpose: not offered'] },
            },
            partner,
            dataset: 'urn:keten:kempen:demand-and-capacity:steinhof-optics',
          },
        },
      ],
    });
    const offer = buildOffer({
      id: 'o',
      target: 'urn:keten:kempen:demand-and-capacity:steinhof-optics',
      partners: ['BPNL000000000002'],
      purposes: ['cx.dcm.base:1'],
      forwardDepth: 1,
    });
    if (!offer.ok) throw new Error('offer');
    const view = await agreementsView(store, () => [
      { dataset: 'urn:keten:kempen:demand-and-capacity:steinhof-optics', offer: offer.value },
    ]);
    expect(view.offers[0]).toMatchObject({ kind: 'demand-and-capacity', partner: 'steinhof-optics' });
    expect(view.negotiations[0]).toMatchObject({
      id: 'n1',
      state: 'TERMINATED',
      partner: { company: 'steinhof-optics' },
      termination: { by: 'provider', code: 'policy-denied', reason: 'UsagePurpose: not offered' },
    });
    expect(view.agreements).toEqual([]);
  });
});

describe('the outbox summary', () => {
  it('counts each state and lists messages without their bodies, the latest delivered first', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 25; i++)
      await store.exchange.commit({
        outbox: [
          { id: `m${i}`, to: 'http://partner', path: '/in', body: { big: 'x'.repeat(100) }, kind: 'test' },
        ],
      });
    const messages = await store.exchange.listMessages({ state: 'pending' });
    await store.exchange.markDelivered(
      messages.slice(0, 22).map((message) => message.sequence),
      '2026-01-01T00:00:00Z',
    );
    await store.exchange.markAbandoned(
      messages[22]!.sequence,
      '400 unknown negotiation',
      '2026-01-01T00:00:00Z',
    );
    const summary = await outboxSummary(store);
    expect(summary.counts).toEqual({ pending: 2, abandoned: 1, delivered: 22 });
    expect(summary.delivered).toHaveLength(20);
    expect(summary.delivered[0]!.id).toBe('m21');
    expect(summary.abandoned[0]).toMatchObject({ id: 'm22', lastError: '400 unknown negotiation' });
    expect('body' in summary.pending[0]!).toBe(false);
    expect(summary.capped).toBe(false);
  });
});
