/**
 * Four company nodes of the demo network in one process (the OEM and a chain of suppliers three tiers
 * deep), each with its own store schema, talking the Dataspace Protocol over loopback HTTP: they
 * negotiate the forecast datasets, start push transfers, and a forecast change at the OEM reaches
 * tier 3 as re-planned demand. Every access is in the owners' audit trails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  issueMembershipCredential,
  type NodeIdentity,
  openNodeIdentity,
  type ResolvedNodeConfig,
  saveMembership,
} from '@keten/connector';
import { loadNetworkFile, type Network, verifyAuditChain } from '@keten/core';
import { type KetenDatabase, openDatabase } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyNode, startCompanyNode } from '../src/node-runtime.ts';
import { REPOSITORY } from './support.ts';

const DEMO = join(REPOSITORY, 'examples/demo-network.yaml');
const NETWORK = 'keten-demo';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** OEM → tier 1 → tier 2 → tier 3 along the first supplier of each. */
function chainOf(network: Network): string[] {
  const chain = [network.companies[0]!.id];
  for (let tier = 0; tier < 3; tier++) {
    const buyer = chain[chain.length - 1]!;
    const rule = (network.sourcing ?? []).find(
      (candidate) => candidate.buyer === buyer && candidate.suppliers.some((line) => line.supplier !== buyer),
    );
    if (rule === undefined) break;
    chain.push(rule.suppliers[0]!.supplier);
  }
  return chain;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a chain of company nodes', () => {
  const folder = mkdtempSync(join(tmpdir(), 'keten-chain-'));
  const loaded = loadNetworkFile({ name: DEMO, text: readFileSync(DEMO, 'utf8') });
  if (!loaded.ok) throw new Error('the demo network does not load');
  const network = loaded.value.network;
  const chain = chainOf(network);
  const nodes = new Map<string, CompanyNode>();
  let database: KetenDatabase;

  beforeAll(async () => {
    expect(chain).toHaveLength(4);
    database = await openDatabase();
    const ports = new Map<string, number>();
    for (const company of chain) ports.set(company, await freePort());
    const url = (company: string) => `http://127.0.0.1:${ports.get(company)}`;
    const configs = new Map<string, ResolvedNodeConfig>();
    for (const [index, company] of chain.entries()) {
      const partners = [chain[index - 1], chain[index + 1]]
        .filter((partner): partner is string => partner !== undefined)
        .map((partner) => ({ company: partner, url: url(partner) }));
      configs.set(company, {
        format: 'keten.node/v1',
        company,
        listen: { host: '127.0.0.1', port: ports.get(company)! },
        publicUrl: url(company),
        dataDir: join(folder, company),
        network: DEMO,
        authority: index === 0 ? { self: { network: NETWORK, admit: 'open' } } : { url: url(chain[0]!) },
        partners,
        file: join(folder, `${company}.yaml`),
      });
    }
    // Membership as `keten node join` leaves it: a credential from the OEM, the network's authority.
    const identities = new Map<string, NodeIdentity>();
    for (const company of chain) {
      const entry = network.companies.find((candidate) => candidate.id === company)!;
      const identity = await openNodeIdentity({
        baseUrl: url(company),
        dataDir: join(folder, company),
        bpnl: entry.bpn!,
        name: entry.name,
      });
      if (!identity.ok) throw new Error(identity.error.message);
      identities.set(company, identity.value);
    }
    const authority = identities.get(chain[0]!)!;
    for (const company of chain.slice(1)) {
      const member = identities.get(company)!;
      const credential = await issueMembershipCredential({ authority, member, network: NETWORK });
      const saved = await saveMembership(join(folder, company), {
        credential,
        authority: authority.did,
        authorityUrl: url(chain[0]!),
        network: NETWORK,
        member: member.did,
        bpnl: member.bpnl,
        name: member.name,
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      if (!saved.ok) throw new Error(saved.error.message);
    }
    // Suppliers first, so each customer finds its supplier up (either order works: connecting retries).
    for (const company of [...chain].reverse()) {
      const store = await database.store(`node_${company.replaceAll('-', '_')}`);
      nodes.set(
        company,
        await startCompanyNode({ config: configs.get(company)!, network, store, closeStore: false }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes.values()) await node.close();
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const received = async (company: string) =>
    (await nodes.get(company)!.store.exchange.listRecords('received-demand')).map(
      (record) => record.value as number[],
    );
  const total = (series: number[][]) => series.flat().reduce((sum, value) => sum + value, 0);

  it('negotiates the forecast datasets and pushes forecasts down to tier 3', async () => {
    for (const company of chain.slice(1)) {
      await until(`a forecast at ${company}`, async () => total(await received(company)) > 0);
    }
    // The agreements are the same on both sides, and each side's trail is intact.
    const oem = nodes.get(chain[0]!)!;
    const tier1 = nodes.get(chain[1]!)!;
    const agreementsAtOem = await oem.store.exchange.listRecords('agreement');
    const agreementsAtTier1 = await tier1.store.exchange.listRecords('agreement');
    const shared = agreementsAtOem.filter((record) =>
      agreementsAtTier1.some((other) => other.id === record.id),
    );
    expect(shared.length).toBe(1);
    for (const node of nodes.values()) {
      const trail = await node.store.exchange.readAudit();
      expect(verifyAuditChain(trail)).toBeUndefined();
    }
    const oemTrail = await oem.store.exchange.readAudit();
    expect(oemTrail.some((entry) => entry.action === 'data.push' && entry.outcome === 'granted')).toBe(true);
    expect(
      oemTrail.some((entry) => entry.action === 'catalog.read' && entry.actor === tier1.connector.did),
    ).toBe(true);
  }, 120_000);

  it('carries a forecast change at the OEM to tier 3', async () => {
    const oem = nodes.get(chain[0]!)!;
    const tier3 = chain[3]!;
    const before = total(await received(tier3));
    const demand = (network.demand ?? []).find((entry) => entry.company === chain[0]);
    expect(demand).toBeDefined();
    const started = Date.now();
    await oem.store.events.append([
      {
        type: 'demand.added',
        key: 'test:forecast-change',
        at: new Date().toISOString(),
        source: 'test',
        payload: { company: chain[0], item: demand!.item, period: 6, quantity: 500, network: network.name },
      },
    ]);
    oem.service.scheduleReplan();
    await until('the change at tier 3', async () => total(await received(tier3)) > before + 1e-6);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
