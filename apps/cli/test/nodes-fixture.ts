/**
 * @module test/nodes-fixture
 * The demo network's company nodes as real nodes in the test's process, for the multi-node tests:
 * started before the file's tests on one embedded database (their keys and memberships in a temporary
 * folder), closed and removed after them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkFile, type Network } from '@keten/core';
import { type KetenDatabase, openDatabase, readEffectiveNetwork } from '@keten/store';
import { afterAll, beforeAll } from 'vitest';
import { type NetworkNodesOptions, startNetworkNodes } from '../src/network-nodes.ts';
import type { CompanyNode } from '../src/node-runtime.ts';
import { REPOSITORY } from './support.ts';

/** The demo network's file. */
export const DEMO = join(REPOSITORY, 'examples/demo-network.yaml');

/** The demo network (`DEMO`). */
export function demoNetwork(): Network {
  const loaded = loadNetworkFile({ name: DEMO, text: readFileSync(DEMO, 'utf8') });
  if (!loaded.ok) throw new Error('the demo network does not load');
  return loaded.value.network;
}

export interface NodesFixture {
  /** The temporary folder the nodes keep their files in (removed after the tests). */
  readonly folder: string;
  /** The running nodes by company, once the file's `beforeAll` has run. */
  readonly nodes: Map<string, CompanyNode>;
}

/**
 * Starts the nodes `options` name before the file's tests (within `timeoutMs`) and closes them, the
 * database and the folder after. Call it in a `describe` body, before the hooks that use the nodes.
 */
export function nodesFixture(
  prefix: string,
  options: Omit<NetworkNodesOptions, 'database' | 'folder'>,
  timeoutMs = 120_000,
): NodesFixture {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const nodes = new Map<string, CompanyNode>();
  let database: KetenDatabase | undefined;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    database = await openDatabase();
    const started = await startNetworkNodes({ ...options, database, folder });
    for (const [company, node] of started.nodes) nodes.set(company, node);
    close = started.close;
  }, timeoutMs);
  afterAll(async () => {
    await close();
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return { folder, nodes };
}

/** A node's network with its recorded events applied: what it plans on. */
export async function effectiveOf(node: CompanyNode) {
  const read = await readEffectiveNetwork(
    {
      getVersion: (name, version) => node.store.networks.getVersion(name, version),
      readEvents: (query) => node.store.events.read(query),
    },
    node.service.networkName,
  );
  if (!read.ok) throw new Error(JSON.stringify(read.error));
  return read.value;
}

/** Records a planning event at a node (as its API would) and lets it re-plan. */
export async function recordEventAt(
  node: CompanyNode,
  network: Network,
  event: { type: string; key: string; payload: object },
): Promise<void> {
  await node.store.events.append([
    {
      type: event.type,
      key: event.key,
      at: new Date().toISOString(),
      source: 'test',
      payload: { ...event.payload, network: network.name },
    },
  ]);
  node.service.scheduleReplan();
}

/**
 * Waits until no node of `companies` was re-planning and every outbox of them was empty, twice in a
 * row, a second apart. A message on its way is pending at its sender until the receiver took it, and
 * the receiver re-plans on it, so a quiet round in which nothing re-plans and nothing is pending means
 * the chain is still (an outbox alone is empty while a node plans, which on a loaded machine may take
 * longer than the round).
 */
export async function settle(nodes: Map<string, CompanyNode>, companies: readonly string[]): Promise<void> {
  for (let quiet = 0; quiet < 2; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const chain = companies.map((company) => nodes.get(company)!);
    const planning = chain.some((node) => node.service.replanning);
    await Promise.all(chain.map((node) => node.service.settled()));
    const pending = await Promise.all(
      chain.map((node) => node.store.exchange.listMessages({ state: 'pending', limit: 1 })),
    );
    quiet = !planning && pending.every((list) => list.length === 0) ? quiet + 1 : 0;
  }
}

/**
 * Waits until `condition` holds, asking every `everyMs`; after `timeoutMs` it throws, naming `what`.
 */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
