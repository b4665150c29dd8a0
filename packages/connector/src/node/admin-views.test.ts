import { buildOffer, createMemoryStore } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { agreementsView, outboxSummary, readAuditSearch, searchAudit } from './admin-views.ts';

async function storeWithAudit() {
  const store = createMemoryStore();
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

describe('the audit search', () => {
  it('filters by partner, action and outcome, newest first, and pages back', async () => {
    const store = await storeWithAudit();
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
