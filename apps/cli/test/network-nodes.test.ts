/**
 * Nodes of one network in one process: `ready` resolves once every node has connected to its
 * partners through the shared gate (every contract agreed, every outbox empty), not before.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpSender } from '@keten/connector';
import { loadNetworkFile } from '@keten/core';
import { openDatabase } from '@keten/store';
import { describe, expect, it } from 'vitest';
import { startNetworkNodes } from '../src/network-nodes.ts';
import { REPOSITORY } from './support.ts';

describe('network nodes in one process', () => {
  it('says the network is ready once every contract is agreed and every outbox empty', async () => {
    const file = join(REPOSITORY, 'examples/demo-network.yaml');
    const loaded = loadNetworkFile({ name: file, text: readFileSync(file, 'utf8') });
    if (!loaded.ok) throw new Error('the demo network does not load');
    const folder = mkdtempSync(join(tmpdir(), 'keten-network-nodes-'));
    const database = await openDatabase();
    const running = await startNetworkNodes({
      network: loaded.value.network,
      companies: ['kempen', 'steinhof-optics'],
      database,
      folder,
      networkName: 'test',
    });
    try {
      const ready = await running.ready;
      // Each takes the partner's two datasets (demand and capacity, short-term supply), and the
      // customer kempen also consents to steinhof's status questions: five contracts.
      expect(ready.agreements).toBe(5);
      for (const node of running.nodes.values()) {
        expect(await node.store.exchange.listMessages({ state: 'pending' })).toEqual([]);
        const states = (await node.store.exchange.listRecords('negotiation')).map(
          (record) => (record.value as { record: { state: string } }).record.state,
        );
        expect(states.length).toBeGreaterThan(0);
        expect(states.every((state) => state === 'FINALIZED')).toBe(true);
      }
      const transfers = await running.nodes.get('kempen')!.store.exchange.listRecords('transfer');
      expect(
        transfers.filter(
          (record) =>
            (record.value as { record: { role: string; state: string } }).record.state === 'STARTED',
        ).length,
      ).toBeGreaterThanOrEqual(4);

      // A push on a transfer that ended (a renewed agreement's transfer superseded it) is refused for
      // good, so the sender gives it up instead of retrying it ahead of everything else; one on a
      // transfer not started yet is asked again later.
      const kempen = running.nodes.get('kempen')!;
      const steinhof = running.nodes.get('steinhof-optics')!;
      const started = transfers.find((record) => {
        const entry = record.value as { record: { role: string; state: string }; partner: { url: string } };
        return entry.record.role === 'consumer' && entry.record.state === 'STARTED';
      })!;
      type Transfer = { record: Record<string, unknown> };
      const push = (state: string) =>
        kempen.connector
          .commit({
            records: [
              {
                kind: 'transfer',
                id: started.id,
                value: {
                  ...(started.value as Transfer),
                  record: { ...(started.value as Transfer).record, state, protocolState: state },
                },
              },
            ],
          })
          .then(() =>
            httpSender({ identity: steinhof.connector.identity, credential: steinhof.connector.credential })({
              id: `urn:uuid:${crypto.randomUUID()}`,
              to: kempen.connector.url,
              path: `/exchange/push/${encodeURIComponent(started.id)}`,
              body: { messageId: crypto.randomUUID(), aspect: 'x', payload: {} },
              kind: 'aspect:test',
              sequence: 0,
              createdAt: '',
              attempts: 0,
              nextAttemptAt: '',
            }),
          );
      const ended = await push('TERMINATED');
      expect(ended.kind).toBe('refused');
      expect(ended.kind === 'refused' && ended.error).toMatch(/^410 .*transfer-ended/);
      expect((await push('REQUESTED')).kind).toBe('retry');
    } finally {
      await running.close();
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 240_000);
});
