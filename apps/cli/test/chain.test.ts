/**
 * Four company nodes of the demo network in one process (the OEM and a chain of suppliers three tiers
 * deep), each with its own store schema, talking the Dataspace Protocol over loopback HTTP: they
 * negotiate the forecast datasets, start push transfers, and a forecast change at the OEM reaches
 * tier 3 as re-planned demand. Every access is in the owners' audit trails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  didFromBaseUrl,
  issueMembershipCredential,
  type NodeIdentity,
  openNodeIdentity,
  signRequest,
} from '@keten/connector';
import { loadNetworkFile, type Network, verifyAuditChain } from '@keten/core';
import { type KetenDatabase, openDatabase } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetworkNodes } from '../src/network-nodes.ts';
import type { CompanyNode } from '../src/node-runtime.ts';
import { REPOSITORY } from './support.ts';

const DEMO = join(REPOSITORY, 'examples/demo-network.yaml');
const NETWORK = 'keten-demo';

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

  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    expect(chain).toHaveLength(4);
    database = await openDatabase();
    const started = await startNetworkNodes({
      network,
      companies: chain,
      database,
      folder,
      networkName: NETWORK,
    });
    for (const [company, node] of started.nodes) nodes.set(company, node);
    close = started.close;
  }, 120_000);

  afterAll(async () => {
    await close();
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

  describe('security', () => {
    /** A signed POST from `identity` (with `credential`) to `node`. */
    const post = async (
      from: { identity: NodeIdentity; credential: string },
      node: CompanyNode,
      path: string,
      body: unknown,
      tamper?: (text: string) => string,
    ) => {
      const text = JSON.stringify(body);
      const authorization = signRequest({
        identity: from.identity,
        credential: from.credential,
        audience: node.connector.did,
        method: 'POST',
        path,
        body: text,
      });
      const send = () =>
        fetch(`${node.connector.url}${path}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: tamper === undefined ? text : tamper(text),
        });
      return { send };
    };
    const catalogRequest = {
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'CatalogRequestMessage',
    };
    const as = (company: string) => {
      const node = nodes.get(company)!;
      return { identity: node.connector.identity, credential: node.connector.credential() };
    };

    it("shows a supplier only the dataset meant for it, and another tier's node nothing", async () => {
      const oem = nodes.get(chain[0]!)!;
      const tier1 = await (await post(as(chain[1]!), oem, '/dsp/catalog/request', catalogRequest)).send();
      expect(tier1.status).toBe(200);
      const seen = ((await tier1.json()) as { dataset?: { '@id': string }[] }).dataset ?? [];
      expect(seen.map((dataset) => dataset['@id'])).toEqual([
        `urn:keten:${chain[0]}:material-demand:${chain[1]}`,
      ]);
      // Tier 2 is a member but no partner of the OEM: an empty catalog, no negotiation, no data.
      const tier2 = await (await post(as(chain[2]!), oem, '/dsp/catalog/request', catalogRequest)).send();
      expect(tier2.status).toBe(200);
      expect(((await tier2.json()) as { dataset?: unknown[] }).dataset).toBeUndefined();
      const negotiation = await (
        await post(as(chain[2]!), oem, '/dsp/negotiations/request', {
          '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
          '@type': 'ContractRequestMessage',
          consumerPid: 'urn:uuid:00000000-0000-4000-8000-000000000001',
          callbackAddress: `${nodes.get(chain[2]!)!.connector.url}/dsp/callback`,
          offer: {
            '@id': `urn:keten:${chain[0]}:material-demand:${chain[1]}:offer`,
            '@type': 'Offer',
            target: `urn:keten:${chain[0]}:material-demand:${chain[1]}`,
            permission: [{ action: 'use' }],
          },
        })
      ).send();
      expect(negotiation.status).toBe(403);
      expect(await negotiation.text()).toContain('is not a partner');
      const push = await (
        await post(as(chain[2]!), nodes.get(chain[1]!)!, '/exchange/push/urn%3Auuid%3Ax', { messageId: 'x' })
      ).send();
      expect(push.status).toBe(404);
    });

    it('refuses a node outside the network, a tampered body and a replayed request', async () => {
      const oem = nodes.get(chain[0]!)!;
      // A stranger with a credential from its own "authority".
      const strangerUrl = 'http://127.0.0.1:9';
      const stranger = await openNodeIdentity({
        baseUrl: strangerUrl,
        dataDir: join(folder, 'stranger'),
        bpnl: 'BPNL0000STRANGER',
        name: 'Stranger',
      });
      if (!stranger.ok) throw new Error(stranger.error.message);
      expect(didFromBaseUrl(strangerUrl).ok).toBe(true);
      const credential = await issueMembershipCredential({
        authority: stranger.value,
        member: stranger.value,
        network: NETWORK,
      });
      const outside = await (
        await post({ identity: stranger.value, credential }, oem, '/dsp/catalog/request', catalogRequest)
      ).send();
      expect(outside.status).toBe(401);
      expect(await outside.text()).toContain('not-a-member');

      const tampered = await (
        await post(as(chain[1]!), oem, '/dsp/catalog/request', catalogRequest, (text) =>
          text.replace('CatalogRequestMessage', 'CatalogRequestMessage '),
        )
      ).send();
      expect(tampered.status).toBe(401);
      expect(await tampered.text()).toContain('tampered');

      const once = await post(as(chain[1]!), oem, '/dsp/catalog/request', catalogRequest);
      expect((await once.send()).status).toBe(200);
      const again = await once.send();
      expect(again.status).toBe(401);
      expect(await again.text()).toContain('replayed');
    });
  });
});
