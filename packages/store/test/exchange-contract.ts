/**
 * The exchange-store contract (inbox receipts, records, outbox, audit trail, nonces): registered by
 * `describeStoreContract` for every implementation of the store.
 */
import { type Clock, GENESIS_HASH, type KetenStore, verifyAuditChain } from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

export interface ExchangeHarness {
  fresh(clock?: Clock): Promise<KetenStore>;
  /** Opens the store named `name` (same name, same data). */
  open(name: string, clock?: Clock): Promise<KetenStore>;
  freshName(): string;
  reopen?(): Promise<void>;
}

const AT = '2027-01-04T08:00:00.000Z';

function clockAt(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next: string) => (now = new Date(next)) };
}

function message(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    to: 'http://127.0.0.1:9/dsp',
    path: '/negotiations/request',
    body: { id, n: 1 },
    kind: 'test',
    ...extra,
  };
}

export function describeExchangeContract(harness: () => ExchangeHarness): void {
  describe('exchange', () => {
    it('commits receipt, records, outbox, events and audit together, and a repeated receipt writes nothing', async () => {
      const store = await harness().fresh(clockAt(AT));
      const changes = {
        receipt: { key: 'msg-1', from: 'did:web:a', kind: 'forecast' },
        records: [{ kind: 'negotiation', id: 'n-1', value: { state: 'REQUESTED', offer: { a: [1, 2] } } }],
        outbox: [message('out-1', { correlation: 'n-1' }), message('out-2')],
        events: [{ type: 'demand.changed', key: 'ev-1', at: AT, source: 'did:web:a', payload: { q: 1 } }],
        audit: [{ actor: 'did:web:a', action: 'data.write', resource: 'forecast', outcome: 'granted' }],
      };
      const first = await store.exchange.commit(changes);
      expect(first.status).toBe('committed');
      if (first.status !== 'committed') return;
      expect(first.records).toEqual([
        {
          kind: 'negotiation',
          id: 'n-1',
          version: 1,
          value: { state: 'REQUESTED', offer: { a: [1, 2] } },
          updatedAt: AT,
        },
      ]);
      expect(first.outbox.map((m) => m.id)).toEqual(['out-1', 'out-2']);
      expect(first.outbox[0]!.sequence).toBeLessThan(first.outbox[1]!.sequence);
      expect(first.events.map((e) => e.key)).toEqual(['ev-1']);
      expect(first.audit[0]).toMatchObject({ sequence: 1, previousHash: GENESIS_HASH, outcome: 'granted' });

      const again = await store.exchange.commit({
        ...changes,
        records: [{ kind: 'negotiation', id: 'n-1', value: { state: 'CHANGED' } }],
        outbox: [message('out-3')],
        events: [{ type: 'demand.changed', key: 'ev-2', at: AT, source: 'did:web:a', payload: {} }],
      });
      expect(again).toEqual({ status: 'duplicate', key: 'msg-1' });
      expect(await store.exchange.hasReceipt('msg-1')).toBe(true);
      expect(await store.exchange.hasReceipt('msg-2')).toBe(false);
      expect((await store.exchange.getRecord('negotiation', 'n-1'))?.value).toEqual({
        state: 'REQUESTED',
        offer: { a: [1, 2] },
      });
      expect((await store.exchange.listMessages()).map((m) => m.id)).toEqual(['out-1', 'out-2']);
      expect((await store.events.read()).map((e) => e.key)).toEqual(['ev-1']);
      expect(await store.exchange.readAudit()).toHaveLength(1);
      await store.close();
    });

    it('accepts a batch of receipts in one commit, all or nothing, with repeated record writes landing as the last', async () => {
      const store = await harness().fresh(clockAt(AT));
      const receipt = (key: string) => ({ key, from: 'did:web:a', kind: 'forecast' });
      const first = await store.exchange.commit({
        receipts: [receipt('b-1'), receipt('b-2'), receipt('b-3')],
        records: [
          { kind: 'received-demand', id: 'd', value: [1] },
          { kind: 'received-stock', id: 's', value: { onHand: 4 } },
          { kind: 'received-demand', id: 'd', value: [2] },
          { kind: 'received-demand', id: 'd', value: [3] },
        ],
        events: [
          { type: 'demand.added', key: 'b-ev-1', at: AT, source: 'did:web:a', payload: { q: 1 } },
          { type: 'demand.added', key: 'b-ev-2', at: AT, source: 'did:web:a', payload: { q: 2 } },
        ],
        audit: ['b-1', 'b-2', 'b-3'].map((key) => ({
          actor: 'did:web:a',
          action: 'data.receive',
          resource: key,
          outcome: 'applied',
        })),
      });
      expect(first.status).toBe('committed');
      if (first.status !== 'committed') return;
      expect(first.records.map((record) => [record.id, record.version, record.value])).toEqual([
        ['d', 3, [3]],
        ['s', 1, { onHand: 4 }],
      ]);
      expect(first.audit.map((entry) => entry.resource)).toEqual(['b-1', 'b-2', 'b-3']);
      expect([...(await store.exchange.acceptedReceipts(['b-3', 'x', 'b-1']))].sort()).toEqual([
        'b-1',
        'b-3',
      ]);
      expect(await store.exchange.acceptedReceipts([])).toEqual(new Set());
      const version = async () => (await store.exchange.getRecord('received-demand', 'd'))?.version;
      expect(await version()).toBe(3);

      // One known receipt among new ones: nothing of the commit is written, not even the new receipts.
      for (const keys of [
        ['b-4', 'b-2', 'b-5'],
        ['b-6', 'b-6'],
      ]) {
        const repeated = await store.exchange.commit({
          receipts: keys.map(receipt),
          records: [{ kind: 'received-demand', id: 'd', value: [9] }],
          outbox: [message(`never-${keys[0]}`)],
          events: [{ type: 'demand.added', key: `never-${keys[0]}`, at: AT, source: 'x', payload: {} }],
          audit: [{ actor: 'x', action: 'a', resource: 'r', outcome: 'o' }],
        });
        expect(repeated).toEqual({ status: 'duplicate', key: keys[1] });
        expect(await store.exchange.acceptedReceipts(keys)).toEqual(
          new Set(keys[0] === 'b-4' ? ['b-2'] : []),
        );
      }
      expect(await version()).toBe(3);
      expect(await store.exchange.listMessages({ state: 'all' })).toEqual([]);
      expect((await store.events.read()).map((event) => event.key)).toEqual(['b-ev-1', 'b-ev-2']);
      expect(await store.exchange.readAudit()).toHaveLength(3);
      // And the same store goes on: the chain and the records continue from where the batch left them.
      const next = await store.exchange.commit({
        receipt: receipt('b-7'),
        records: [{ kind: 'received-demand', id: 'd', value: [4] }],
        audit: [{ actor: 'x', action: 'a', resource: 'r', outcome: 'o' }],
      });
      expect(next.status === 'committed' && next.records[0]!.version).toBe(4);
      expect(verifyAuditChain(await store.exchange.readAudit())).toBeUndefined();
      await store.close();
    });

    it('refuses a whole commit when a record changed since it was read (optimistic concurrency)', async () => {
      const store = await harness().fresh(clockAt(AT));
      await store.exchange.commit({ records: [{ kind: 'transfer', id: 't', value: 1, expectedVersion: 0 }] });
      const conflict = await store.exchange.commit({
        receipt: { key: 'late', from: 'x', kind: 'k' },
        records: [{ kind: 'transfer', id: 't', value: 2, expectedVersion: 0 }],
        outbox: [message('never')],
        audit: [{ actor: 'x', action: 'a', resource: 'r', outcome: 'o' }],
      });
      expect(conflict).toEqual({
        status: 'conflict',
        kind: 'transfer',
        id: 't',
        expectedVersion: 0,
        actualVersion: 1,
      });
      // Nothing of the refused commit is there: not its receipt, message or audit entry.
      expect(await store.exchange.hasReceipt('late')).toBe(false);
      expect(await store.exchange.listMessages({ state: 'all' })).toEqual([]);
      expect(await store.exchange.readAudit()).toEqual([]);
      const next = await store.exchange.commit({
        records: [{ kind: 'transfer', id: 't', value: 3, expectedVersion: 1 }],
      });
      expect(next.status === 'committed' && next.records[0]!.version).toBe(2);
      expect((await store.exchange.listRecords('transfer')).map((r) => [r.id, r.version, r.value])).toEqual([
        ['t', 2, 3],
      ]);
      expect(await store.exchange.listRecords('agreement')).toEqual([]);
      await store.close();
    });

    it('lets exactly one of two concurrent "must be new" writes of a record through', async () => {
      const store = await harness().fresh();
      const outcomes = await Promise.all(
        ['left', 'right'].map((side) =>
          store.exchange.commit({
            records: [{ kind: 'negotiation', id: 'race', value: side, expectedVersion: 0 }],
            outbox: [message(`race-${side}`)],
          }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['committed', 'conflict']);
      expect(await store.exchange.listMessages()).toHaveLength(1);
      await store.close();
    });

    it('delivers from the outbox: due messages in order, retries with their error, delivered and abandoned ones leave', async () => {
      const clock = clockAt(AT);
      const store = await harness().fresh(clock);
      await store.exchange.commit({
        outbox: [message('a'), message('b', { correlation: 'c' }), message('c')],
      });
      const due = await store.exchange.dueMessages(AT, 10);
      expect(due.map((m) => [m.id, m.attempts, m.nextAttemptAt])).toEqual([
        ['a', 0, AT],
        ['b', 0, AT],
        ['c', 0, AT],
      ]);
      expect(due[0]!.body).toEqual({ id: 'a', n: 1 });
      const [a, b, c] = due as [(typeof due)[0], (typeof due)[0], (typeof due)[0]];
      await store.exchange.markDelivered(a.sequence, '2027-01-04T08:00:01.000Z');
      await store.exchange.markDelivered(a.sequence, '2027-01-04T08:00:09.000Z'); // idempotent
      await store.exchange.markAttemptFailed(b.sequence, 'connection refused', '2027-01-04T08:00:05.000Z');
      await store.exchange.markAbandoned(
        c.sequence,
        '400 Bad Request: unknown negotiation',
        '2027-01-04T08:00:02.000Z',
      );
      expect(await store.exchange.dueMessages('2027-01-04T08:00:04.000Z', 10)).toEqual([]);
      expect(await store.exchange.nextDueAt()).toBe('2027-01-04T08:00:05.000Z');
      const retry = await store.exchange.dueMessages('2027-01-04T08:00:05.000Z', 10);
      expect(retry.map((m) => [m.id, m.attempts, m.lastError])).toEqual([['b', 1, 'connection refused']]);
      expect(
        (await store.exchange.listMessages({ state: 'delivered' })).map((m) => [
          m.id,
          m.deliveredAt,
          m.attempts,
        ]),
      ).toEqual([['a', '2027-01-04T08:00:01.000Z', 1]]);
      expect((await store.exchange.listMessages({ state: 'abandoned' })).map((m) => m.id)).toEqual(['c']);
      expect(
        (await store.exchange.listMessages({ correlation: 'c', state: 'all' })).map((m) => m.id),
      ).toEqual(['b']);
      await store.exchange.markDelivered(b.sequence, '2027-01-04T08:00:06.000Z');
      expect(await store.exchange.nextDueAt()).toBeUndefined();
      expect(await store.exchange.dueMessages('2030-01-01T00:00:00.000Z', 10)).toEqual([]);
      await store.close();
    });

    it("holds a receiver's messages back behind an earlier one that waits for a retry, and only that receiver's", async () => {
      const clock = clockAt(AT);
      const store = await harness().fresh(clock);
      const other = { to: 'http://127.0.0.1:8/dsp' };
      await store.exchange.commit({
        outbox: [message('first'), message('elsewhere', other), message('second'), message('third')],
      });
      const [first, , second] = (await store.exchange.dueMessages(AT, 10)).map((m) => m.sequence) as [
        number,
        number,
        number,
      ];
      // The later message failed alone and falls due before the earlier one (jitter, Retry-After).
      await store.exchange.markAttemptFailed(first, 'connection refused', '2027-01-04T08:00:09.000Z');
      await store.exchange.markAttemptFailed(second, 'connection refused', '2027-01-04T08:00:03.000Z');
      const ids = async (now: string) => (await store.exchange.dueMessages(now, 10)).map((m) => m.id);
      expect(await ids('2027-01-04T08:00:05.000Z')).toEqual(['elsewhere']);
      await store.exchange.markDelivered(
        (await store.exchange.dueMessages(AT, 10)).map((m) => m.sequence),
        '2027-01-04T08:00:01.000Z',
      );
      // What falls due next is the receiver's oldest pending message, not the later one's retry.
      expect(await store.exchange.nextDueAt()).toBe('2027-01-04T08:00:09.000Z');
      expect(await ids('2027-01-04T08:00:08.000Z')).toEqual([]);
      expect(await ids('2027-01-04T08:00:09.000Z')).toEqual(['first', 'second', 'third']);
      expect(await store.exchange.dueMessages('2027-01-04T08:00:09.000Z', 2)).toHaveLength(2);
      await store.exchange.markDelivered(first, '2027-01-04T08:00:09.000Z');
      expect(await store.exchange.nextDueAt()).toBe('2027-01-04T08:00:03.000Z');
      expect(await ids('2027-01-04T08:00:09.000Z')).toEqual(['second', 'third']);
      // Given up on: no longer holds the others back.
      await store.exchange.markAttemptFailed(second, 'busy', '2027-01-04T08:00:20.000Z');
      expect(await ids('2027-01-04T08:00:10.000Z')).toEqual([]);
      await store.exchange.markAbandoned(second, '400 refused', '2027-01-04T08:00:10.000Z');
      expect(await ids('2027-01-04T08:00:10.000Z')).toEqual(['third']);
      await store.close();
    });

    it('reads the latest version of a record however reads and writes of it interleave', async () => {
      const store = await harness().fresh();
      const writes = 30;
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: writes }, async (_, index) => {
          const [written] = await Promise.all([
            store.exchange.commit({ records: [{ kind: 'pushed', id: 'p', value: { index } }] }),
            store.exchange.getRecord('pushed', 'p').then((record) => seen.push(record?.version ?? 0)),
          ]);
          expect(written.status).toBe('committed');
        }),
      );
      const last = await store.exchange.getRecord('pushed', 'p');
      expect(last?.version).toBe(writes);
      // What a read returns is a copy: changing it changes nothing stored.
      (last!.value as { index: number }).index = -1;
      const again = await store.exchange.getRecord('pushed', 'p');
      expect((again!.value as { index: number }).index).not.toBe(-1);
      expect(again).toEqual((await store.exchange.listRecords('pushed'))[0]);
      expect(Math.max(...seen)).toBeLessThanOrEqual(writes);
      await store.close();
    });

    it('marks a batch of messages delivered or failed in one call, leaving the others alone', async () => {
      const clock = clockAt(AT);
      const store = await harness().fresh(clock);
      await store.exchange.commit({ outbox: ['a', 'b', 'c', 'd', 'e'].map((id) => message(id)) });
      const [a, b, c, d, e] = (await store.exchange.dueMessages(AT, 10)).map((m) => m.sequence) as [
        number,
        number,
        number,
        number,
        number,
      ];
      await store.exchange.markDelivered([a, b], '2027-01-04T08:00:01.000Z');
      await store.exchange.markDelivered([a, b, c], '2027-01-04T08:00:02.000Z'); // a, b: already
      await store.exchange.markAttemptFailed([d, e], 'waiting for message x', '2027-01-04T08:00:09.000Z');
      await store.exchange.markDelivered([], '2027-01-04T08:00:03.000Z');
      const all = await store.exchange.listMessages({ state: 'all' });
      expect(all.map((m) => [m.id, m.deliveredAt ?? null, m.attempts, m.lastError ?? null])).toEqual([
        ['a', '2027-01-04T08:00:01.000Z', 1, null],
        ['b', '2027-01-04T08:00:01.000Z', 1, null],
        ['c', '2027-01-04T08:00:02.000Z', 1, null],
        ['d', null, 1, 'waiting for message x'],
        ['e', null, 1, 'waiting for message x'],
      ]);
      expect(await store.exchange.nextDueAt()).toBe('2027-01-04T08:00:09.000Z');
      await store.close();
    });

    it('chains the audit trail so that any change shows', async () => {
      const clock = clockAt(AT);
      const store = await harness().fresh(clock);
      for (let index = 0; index < 5; index++) {
        clock.set(`2027-01-04T08:00:0${index}.000Z`);
        await store.exchange.commit({
          audit: [
            { actor: 'did:web:b', action: 'data.read', resource: `forecast-${index}`, outcome: 'granted' },
            {
              actor: 'did:web:c',
              action: 'data.read',
              resource: `forecast-${index}`,
              outcome: 'denied',
              reason: 'BusinessPartnerNumber must be BPNL000000000001',
              details: { constraint: 'BusinessPartnerNumber', values: [1, 2.5, 'ü', null] },
            },
          ],
        });
      }
      const trail = await store.exchange.readAudit();
      expect(trail.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(verifyAuditChain(trail)).toBeUndefined();
      expect(trail[1]!.details).toEqual({ constraint: 'BusinessPartnerNumber', values: [1, 2.5, 'ü', null] });
      expect(verifyAuditChain(trail.slice(4), trail[3]!.hash)).toBeUndefined();
      // Changing an entry, dropping one or swapping two is found.
      const changed = trail.map((entry) => (entry.sequence === 4 ? { ...entry, outcome: 'granted' } : entry));
      expect(verifyAuditChain(changed)).toMatchObject({ sequence: 4, reason: 'changed' });
      expect(verifyAuditChain(trail.filter((entry) => entry.sequence !== 6))).toMatchObject({
        sequence: 7,
        reason: 'missing-or-reordered',
      });
      expect(verifyAuditChain([trail[0]!, trail[2]!, trail[1]!])).toMatchObject({ sequence: 3 });
      expect((await store.exchange.readAudit({ actor: 'did:web:c' })).map((e) => e.sequence)).toEqual([
        2, 4, 6, 8, 10,
      ]);
      expect(
        (await store.exchange.readAudit({ resource: 'forecast-2', after: 5 })).map((e) => e.sequence),
      ).toEqual([6]);
      expect((await store.exchange.readAudit({ after: 8, limit: 1 })).map((e) => e.sequence)).toEqual([9]);
      await store.close();
    });

    it('keeps the audit chain whole under concurrent commits', async () => {
      const store = await harness().fresh();
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.exchange.commit({
            audit: [
              { actor: `n${index}`, action: 'a', resource: 'r', outcome: 'o' },
              { actor: `n${index}`, action: 'b', resource: 'r', outcome: 'o' },
            ],
          }),
        ),
      );
      const trail = await store.exchange.readAudit();
      expect(trail).toHaveLength(40);
      expect(verifyAuditChain(trail)).toBeUndefined();
      await store.close();
    });

    it('refuses a replayed nonce until it has expired', async () => {
      const clock = clockAt(AT);
      const store = await harness().fresh(clock);
      expect(await store.exchange.rememberNonce('jti-1', '2027-01-04T08:05:00.000Z')).toBe(true);
      expect(await store.exchange.rememberNonce('jti-1', '2027-01-04T08:05:00.000Z')).toBe(false);
      expect(await store.exchange.rememberNonce('jti-2', '2027-01-04T08:05:00.000Z')).toBe(true);
      clock.set('2027-01-04T08:06:00.000Z');
      expect(await store.exchange.rememberNonce('jti-1', '2027-01-04T08:11:00.000Z')).toBe(true);
      expect(await store.exchange.rememberNonce('jti-1', '2027-01-04T08:11:00.000Z')).toBe(false);
      await store.close();
    });

    it('stores any JSON body and record value as it was given (property)', async () => {
      const store = await harness().fresh();
      let index = 0;
      // PostgreSQL text cannot hold U+0000; JSON numbers keep their value (-0 becomes 0).
      const json = fc
        .jsonValue({ maxDepth: 3 })
        .filter((value) => !JSON.stringify(value).includes('\\u0000'));
      await fc.assert(
        fc.asyncProperty(json, async (value) => {
          index += 1;
          const normal = JSON.parse(JSON.stringify(value));
          const outcome = await store.exchange.commit({
            records: [{ kind: 'p', id: `r${index}`, value }],
            outbox: [{ id: `m${index}`, to: 'http://x', path: '/p', body: value, kind: 'p' }],
          });
          expect(outcome.status).toBe('committed');
          expect((await store.exchange.getRecord('p', `r${index}`))?.value).toEqual(normal);
          const [stored] = await store.exchange
            .listMessages({ state: 'all', limit: 10000 })
            .then((all) => all.filter((m) => m.id === `m${index}`));
          expect(stored?.body).toEqual(normal);
        }),
        { numRuns: 40 },
      );
      await store.close();
    });

    it('keeps receipts, pending messages, records and the audit trail over a restart', async (context) => {
      const h = harness();
      if (!h.reopen) {
        context.skip();
        return;
      }
      const name = h.freshName();
      const store = await h.open(name);
      await store.exchange.commit({
        receipt: { key: 'kept', from: 'a', kind: 'k' },
        records: [{ kind: 'agreement', id: 'ag', value: { policy: 'p' } }],
        outbox: [message('pending')],
        audit: [{ actor: 'a', action: 'x', resource: 'y', outcome: 'granted' }],
      });
      await h.reopen();
      const again = await h.open(name);
      expect(await again.exchange.hasReceipt('kept')).toBe(true);
      expect((await again.exchange.commit({ receipt: { key: 'kept', from: 'a', kind: 'k' } })).status).toBe(
        'duplicate',
      );
      expect((await again.exchange.listMessages()).map((m) => m.id)).toEqual(['pending']);
      expect((await again.exchange.getRecord('agreement', 'ag'))?.value).toEqual({ policy: 'p' });
      const trail = await again.exchange.readAudit();
      expect(verifyAuditChain(trail)).toBeUndefined();
      await again.exchange.commit({ audit: [{ actor: 'b', action: 'x', resource: 'y', outcome: 'denied' }] });
      expect(verifyAuditChain(await again.exchange.readAudit())).toBeUndefined();
      await again.close();
    });
  });
}
