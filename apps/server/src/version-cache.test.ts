import { decodeNetworkGraph, generateNetwork, networkGraph, summarize } from '@keten/core';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { TestClock, testStore } from './test-support.ts';
import { graphBinaryOf, VersionCache } from './version-cache.ts';

const messages: string[] = [];
const log = {
  info: (_: unknown, message: string) => messages.push(message),
  error: (_: unknown, message: string) => messages.push(`error: ${message}`),
} as unknown as FastifyBaseLogger;

describe('versions kept for the views', () => {
  it('makes the graph of an imported version in the background, and reads nothing back from the store', async () => {
    const store = testStore(new TestClock());
    const network = generateNetwork({ companies: 60, seed: 7, horizon: 12 });
    const info = await store.networks.importVersion({
      network: 'kept',
      content: network,
      summary: summarize(network),
      source: 'test',
      author: 'test',
    });
    let reads = 0;
    const getVersion = store.networks.getVersion.bind(store.networks);
    store.networks.getVersion = (...args) => {
      reads++;
      return getVersion(...args);
    };
    const versions = new VersionCache(store, log);
    versions.imported({ ...info, content: network });
    const kept = await versions.get('kept');
    // Not made yet: the import's answer goes out first.
    expect(kept.graphBinary).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept.graphBinary).toBeDefined();
    await kept.graphBinaryGzip;
    expect(messages).toContain('graph made for the views after the import');
    const decoded = decodeNetworkGraph(graphBinaryOf(kept));
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect(decoded.value.companies.id).toEqual(networkGraph(network).companies.id);
    expect(Array.from(decoded.value.lanes.buyer)).toEqual(Array.from(networkGraph(network).lanes.buyer));
    expect(reads).toBe(0);

    // A version not imported here is read once, then kept; an unknown one is not-found.
    const second = await store.networks.importVersion({
      network: 'kept',
      content: { ...network, companies: network.companies.slice(0, 30) },
      summary: summarize(network),
      source: 'test',
      author: 'test',
    });
    expect((await versions.get('kept')).stored.version).toBe(second.version);
    expect((await versions.get('kept', 2)).stored.content.companies).toHaveLength(30);
    expect(reads).toBe(1);
    await expect(versions.get('kept', 7)).rejects.toThrow("network 'kept' has no version 7");
    await expect(versions.get('other')).rejects.toThrow("no network named 'other'");
    // Both kept versions are the latest two: the first is still there without a read (the one more
    // read was the store's answer about version 7).
    expect((await versions.get('kept', 1)).stored.content.companies).toHaveLength(60);
    expect(reads).toBe(2);
    await store.close();
  });
});
