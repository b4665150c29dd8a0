/**
 * Nodes of one network in one process: `ready` resolves once every node has connected to its
 * partners through the shared gate (every contract agreed, every outbox empty), not before.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpSender } from '@keten/connector';
import { loadNetworkFile } from '@keten/core';
import { type KetenDatabase, openDatabase } from '@keten/store';
import { describe, expect, it } from 'vitest';
import { startNetworkNodes } from '../src/network-nodes.ts';
import { demoNetwork } from './nodes-fixture.ts';
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

  it("holds every node's port from the moment its URL is chosen until the node listens on it", async () => {
    // The race of the demo's start: a node's URL (its port) is told to its partners before the node
    // listens; a port merely free then can be taken meanwhile (another process, or an outgoing
    // connection's ephemeral port), and the node cannot listen. Here a rival tries to take the
    // authority's port just before the authority's node starts.
    const network = demoNetwork();
    const folder = mkdtempSync(join(tmpdir(), 'keten-network-ports-'));
    const database = await openDatabase();
    let rival: { port: number; outcome: string } | undefined;
    const rivals: Server[] = [];
    const racing = new Proxy(database, {
      get(target, property, receiver) {
        if (property !== 'store') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<KetenDatabase['store']>) => {
          if (rival === undefined) {
            // The memberships are written before any node starts; each names the authority's URL.
            const membership = JSON.parse(
              readFileSync(join(folder, 'steinhof-optics', 'membership.json'), 'utf8'),
            ) as { authorityUrl: string };
            const port = Number(new URL(membership.authorityUrl).port);
            const server = createServer();
            const outcome = await new Promise<string>((resolve) => {
              server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
              server.listen(port, '127.0.0.1', () => resolve('bound'));
            });
            if (outcome === 'bound') rivals.push(server);
            rival = { port, outcome };
          }
          return target.store(...args);
        };
      },
    });
    try {
      const running = await startNetworkNodes({
        network,
        companies: ['kempen', 'steinhof-optics'],
        database: racing,
        folder,
        networkName: 'test',
      });
      try {
        expect(rival).toEqual({ port: expect.any(Number), outcome: 'EADDRINUSE' });
        const kempen = running.nodes.get('kempen')!;
        expect(kempen.server.url).toBe(`http://127.0.0.1:${rival!.port}`);
        const answer = await fetch(`${kempen.server.url}/.well-known/dspace-version`);
        expect(answer.status).toBe(200);
      } finally {
        await running.close();
      }
    } finally {
      for (const server of rivals) server.close();
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives a node whose usual port is taken one the system picks, and says so', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    const folder = mkdtempSync(join(tmpdir(), 'keten-network-ports-'));
    const database = await openDatabase();
    const lines: string[] = [];
    try {
      const running = await startNetworkNodes({
        network: demoNetwork(),
        companies: ['kempen', 'steinhof-optics'],
        database,
        folder,
        networkName: 'test',
        portOf: (_company, index) => (index === 1 ? takenPort : 0),
        log: (line) => lines.push(line),
      });
      try {
        const steinhof = running.nodes.get('steinhof-optics')!;
        expect(steinhof.server.url).not.toBe(`http://127.0.0.1:${takenPort}`);
        expect(lines).toContain(
          `steinhof-optics: port ${takenPort} is in use; its node listens on a port the system picks instead`,
        );
        // Its partner was told the URL it listens on.
        expect(running.nodes.get('kempen')!.config.partners).toEqual([
          { company: 'steinhof-optics', url: steinhof.server.url },
        ]);
        expect((await fetch(`${steinhof.server.url}/.well-known/dspace-version`)).status).toBe(200);
      } finally {
        await running.close();
      }
    } finally {
      taken.close();
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
