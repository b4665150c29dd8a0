/**
 * Four company nodes of the demo network in one process (the OEM and a chain of suppliers three tiers
 * deep), each with its own store schema, talking the Dataspace Protocol over loopback HTTP: they
 * negotiate a dataset per partner and aspect, start push transfers, and a forecast change at the OEM
 * reaches tier 3 as re-planned demand; an order goes from the OEM to tier 1 and comes back confirmed,
 * a capacity cut at tier 2 reaches tier 1's plan with a notification, stock, deliveries and planned
 * output land at the customer, and an expired agreement stops the pushes until the partner renews it. Every access is in the
 * owners' audit trails.
 */
import { join } from 'node:path';
import {
  didFromBaseUrl,
  issueMembershipCredential,
  type NodeIdentity,
  openNodeIdentity,
  signRequest,
} from '@keten/connector';
import {
  ASPECT_MODELS,
  type AspectModel,
  buildOffer,
  type DspMessageType,
  deriveAgreement,
  dspDataAddress,
  type Network,
  ORDER_FORMAT,
  OrderMessage,
  planNetwork,
  policyToJson,
  transferRequestMessage,
  valueAt,
  verifyAuditChain,
} from '@keten/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompanyNode } from '../src/node-runtime.ts';
import {
  demoNetwork,
  effectiveOf,
  nodesFixture,
  recordEventAt,
  until as waitUntil,
} from './nodes-fixture.ts';

const NETWORK = 'keten-demo';
/** What a customer offers its supplier, and (prefixed `supplier:`) what a supplier offers its customer. */
const OEM_OFFERS = ['demand-and-capacity', 'short-term-supply'];
const SUPPLIER_OFFERS = ['supplier:demand-and-capacity', 'supplier:short-term-supply'];
const dataset = (owner: string, aspect: string, partner: string) => `urn:keten:${owner}:${aspect}:${partner}`;

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

const until = (what: string, condition: () => Promise<boolean>, timeoutMs = 60_000) =>
  waitUntil(what, condition, timeoutMs, 50);

describe('a chain of company nodes', () => {
  const network = demoNetwork();
  const chain = chainOf(network);
  beforeAll(() => {
    expect(chain).toHaveLength(4);
  });
  const { folder, nodes } = nodesFixture('keten-chain-', {
    network,
    companies: chain,
    networkName: NETWORK,
  });

  const received = async (company: string) =>
    (await nodes.get(company)!.store.exchange.listRecords('received-demand')).map(
      (record) => record.value as number[],
    );
  const total = (series: number[][]) => series.flat().reduce((sum, value) => sum + value, 0);
  /** Records a planning event at a company's node (as its API would) and lets it re-plan. */
  const recordEvent = (company: string, type: string, key: string, payload: object) =>
    recordEventAt(nodes.get(company)!, network, { type, key, payload });

  it('negotiates the forecast datasets and pushes forecasts down to tier 3', async () => {
    for (const company of chain.slice(1)) {
      await until(`a forecast at ${company}`, async () => total(await received(company)) > 0);
    }
    // One agreement per dataset each way: the OEM's two for tier 1 (forecasts and notifications; orders
    // and stock), tier 1's two for the OEM (capacity and notifications; confirmations, stock, deliveries
    // and planned output).
    const [oemId, tier1Id] = [chain[0]!, chain[1]!];
    const oem = nodes.get(oemId)!;
    const tier1 = nodes.get(tier1Id)!;
    await until('every dataset agreed between the OEM and tier 1', async () => {
      const datasets = new Set(
        (await oem.store.exchange.listRecords('agreement')).map(
          (record) => (record.value as { dataset: string }).dataset,
        ),
      );
      return [...OEM_OFFERS, ...SUPPLIER_OFFERS].every((name) =>
        datasets.has(
          name.startsWith('supplier:')
            ? dataset(tier1Id, name.slice(9), oemId)
            : dataset(oemId, name, tier1Id),
        ),
      );
    });
    // The agreements are the same on both sides, and each side's trail is intact.
    const agreementsAtOem = await oem.store.exchange.listRecords('agreement');
    const agreementsAtTier1 = await tier1.store.exchange.listRecords('agreement');
    const shared = agreementsAtOem.filter((record) =>
      agreementsAtTier1.some((other) => other.id === record.id),
    );
    for (const name of [...OEM_OFFERS, ...SUPPLIER_OFFERS]) {
      const id = name.startsWith('supplier:')
        ? dataset(tier1Id, name.slice(9), oemId)
        : dataset(oemId, name, tier1Id);
      expect(
        shared.filter((record) => (record.value as { dataset: string }).dataset === id),
        id,
      ).toHaveLength(1);
    }
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

  /** The records of one kind at a node. */
  const records = async <T>(company: string, kind: string) =>
    (await nodes.get(company)!.store.exchange.listRecords(kind, { limit: 10000 })).map((record) => ({
      id: record.id,
      value: record.value as T,
    }));
  /** A node's network with its recorded events applied: what it plans on. */
  const effective = (company: string) => effectiveOf(nodes.get(company)!);
  const ruleOf = (buyer: string, supplier: string) =>
    (network.sourcing ?? []).find(
      (rule) => rule.buyer === buyer && rule.suppliers.some((line) => line.supplier === supplier),
    )!;
  interface Held {
    customerOrder: { id: string; item: string; quantity: number; period: number };
    status: string;
  }
  const orderId = 'test/order-1';

  it('sends an order from the OEM to tier 1 and gets it confirmed; an order change is confirmed again', async () => {
    const [oemId, tier1Id] = [chain[0]!, chain[1]!];
    const oem = nodes.get(oemId)!;
    const tier1 = nodes.get(tier1Id)!;
    const rule = ruleOf(oemId, tier1Id);
    const lane = rule.suppliers.find((line) => line.supplier === tier1Id)!.leadTime;
    // A period tier 1 can ship in: its plan is not short of the item then.
    const view = await effective(tier1Id);
    const short = new Set(
      planNetwork(view.network, { blocked: view.blocked })
        .shortages.filter((shortage) => shortage.company === tier1Id && shortage.item === rule.item)
        .map((shortage) => shortage.period),
    );
    // The latest such period: the line has time to make it.
    const ship = Array.from({ length: network.horizon - lane - 2 }, (_, index) => index + 2).findLast(
      (period) => !short.has(period),
    )!;
    const due = ship + lane;
    const sent = async () =>
      (await oem.store.exchange.getRecord('sent-order', orderId))?.value as
        | { status: string; quantity: number }
        | undefined;
    const held = async () =>
      (await tier1.store.exchange.getRecord('held-order', `${oemId} ${orderId}`))?.value as Held | undefined;
    // The OEM's planner places an order (as the API's POST /api/v1/events would).
    await recordEvent(oemId, 'order.opened', 'test:order-1', {
      id: orderId,
      kind: 'purchase',
      company: oemId,
      supplier: tier1Id,
      item: rule.item,
      quantity: 2,
      due,
    });
    await until('the order answered', async () => !['sent', undefined].includes((await sent())?.status));
    expect(await sent()).toMatchObject({ status: 'accepted' });
    // Tier 1 holds it as demand it must ship over the lane's lead time before the OEM needs it.
    expect(await held()).toMatchObject({
      status: 'accepted',
      customerOrder: { id: orderId, item: rule.item, quantity: 2, period: ship },
    });
    const oemTrail = await oem.store.exchange.readAudit();
    expect(
      oemTrail.some(
        (entry) =>
          entry.action === 'data.receive' &&
          entry.outcome === 'applied' &&
          entry.resource === dataset(tier1Id, 'short-term-supply', oemId) &&
          (entry.reason ?? '').includes(`order ${orderId} accepted`),
      ),
    ).toBe(true);

    // The OEM orders less: an order change, applied as its difference, confirmed again.
    await recordEvent(oemId, 'order.changed', 'test:order-1:change', { id: orderId, quantity: 1 });
    await until(
      'the change confirmed',
      async () =>
        (await sent())?.status === 'accepted' &&
        (await sent())?.quantity === 1 &&
        (await held())?.customerOrder.quantity === 1,
    );
    expect(await held()).toMatchObject({ status: 'accepted', customerOrder: { quantity: 1 } });
    // Every order tier 1 holds is in its demand exactly once.
    const heldOrders = (await records<Held>(tier1Id, 'held-order')).filter((record) =>
      ['accepted', 'changed', 'open'].includes(record.value.status),
    );
    const orderDemand = (await tier1.store.events.read({ after: 0, limit: 100000 }))
      .filter((event) => event.type === 'demand.added' && event.key.startsWith('exchange:order'))
      .reduce((sum, event) => sum + (event.payload as { quantity: number }).quantity, 0);
    expect(orderDemand).toBeCloseTo(
      heldOrders.reduce((sum, record) => sum + record.value.customerOrder.quantity, 0),
      6,
    );
  }, 120_000);

  it("lands the supplier's stock, deliveries and planned output at the customer, and the customer's stock at the supplier", async () => {
    const [oemId, tier1Id] = [chain[0]!, chain[1]!];
    const oem = nodes.get(oemId)!;
    const item = ruleOf(oemId, tier1Id).item;
    await until('stock, deliveries and planned output at the OEM', async () => {
      const ids = async (kind: string) => (await records(oemId, kind)).map((record) => record.id);
      return (
        (await ids('received-stock')).includes(`${tier1Id} ${item}`) &&
        (await ids('received-planned-output')).includes(`${tier1Id} ${item}`) &&
        (await ids('received-deliveries')).includes(`${tier1Id} ${item}`)
      );
    });
    // The delivery announced for the order is the order as confirmed.
    await until('the order among the deliveries', async () => {
      const deliveries = (
        await records<{ deliveries: { order: string; quantity: number; due?: number }[] }>(
          oemId,
          'received-deliveries',
        )
      ).find((record) => record.id === `${tier1Id} ${item}`)!.value.deliveries;
      const sent = (await oem.store.exchange.getRecord('sent-order', orderId))?.value as { due: number };
      return deliveries.some(
        (entry) => entry.order === orderId && entry.quantity === 1 && entry.due === sent.due,
      );
    });
    await until("the OEM's stock at tier 1", async () =>
      (await records(tier1Id, 'received-stock')).some((record) => record.id === `${oemId} ${item}`),
    );
  }, 120_000);

  it('carries a forecast change at the OEM to tier 3', async () => {
    const tier3 = chain[3]!;
    const before = total(await received(tier3));
    const demand = (network.demand ?? []).find((entry) => entry.company === chain[0]);
    expect(demand).toBeDefined();
    const started = Date.now();
    await recordEvent(chain[0]!, 'demand.added', 'test:forecast-change', {
      company: chain[0],
      item: demand!.item,
      period: 6,
      quantity: 500,
    });
    await until('the change at tier 3', async () => total(await received(tier3)) > before + 1e-6);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it("carries a capacity cut at tier 2 into tier 1's plan, with a notification", async () => {
    const [tier1Id, tier2Id] = [chain[1]!, chain[2]!];
    const item = ruleOf(tier1Id, tier2Id).item;
    const horizon = network.horizon;
    await recordEvent(tier2Id, 'capacity.changed', 'test:capacity-cut', {
      company: tier2Id,
      item,
      from: 0,
      to: horizon,
      capacity: 0,
    });
    await until("tier 2's capacity in tier 1's network", async () => {
      const source = (await effective(tier1Id)).network.production!.find(
        (record) => record.company === tier2Id && record.item === item,
      )!;
      return Array.from({ length: horizon }, (_, period) => valueAt(source.capacity, period)).every(
        (value) => value === 0,
      );
    });
    // Tier 1 plans on it: it buys nothing more of it from tier 2.
    const view = await effective(tier1Id);
    const plan = planNetwork(view.network, { blocked: view.blocked });
    let bought = 0;
    for (const order of plan.orders)
      if (order.kind === 'purchase' && order.supplier === tier2Id && order.item === item)
        bought += order.quantity;
    expect(bought).toBe(0);
    await until('the notification at tier 1', async () =>
      (
        await records<{ disruption: { effect: string; status: string; items: string[] } }>(
          tier1Id,
          'received-notification',
        )
      ).some(
        (record) =>
          record.id.startsWith(`${tier2Id} `) &&
          record.value.disruption.effect === 'capacity-reduction' &&
          record.value.disruption.status === 'open' &&
          record.value.disruption.items.includes(item),
      ),
    );
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
      expect(seen.map((entry) => entry['@id'])).toEqual(
        OEM_OFFERS.map((aspect) => dataset(chain[0]!, aspect, chain[1]!)),
      );
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

    it("refuses a transfer to a partner without an agreement: one under another partner's agreement gets nothing", async () => {
      // Tier 2 is tier 1's supplier, so it may speak to tier 1; it names the agreement tier 1 made with
      // the OEM (on tier 1's capacity for the OEM) and asks for it to be pushed to itself.
      const [oemId, tier1Id, tier2Id] = [chain[0]!, chain[1]!, chain[2]!];
      const tier1 = nodes.get(tier1Id)!;
      const tier2 = nodes.get(tier2Id)!;
      const agreementOf = async () =>
        (await tier1.store.exchange.listRecords('agreement')).find(
          (record) =>
            (record.value as { dataset: string }).dataset === dataset(tier1Id, 'demand-and-capacity', oemId),
        );
      await until("tier 1's agreement with the OEM", async () => (await agreementOf()) !== undefined);
      const theirs = (await agreementOf())!;
      expect(theirs).toBeDefined();
      const consumerPid = `urn:uuid:${crypto.randomUUID()}`;
      const answer = await (
        await post(
          as(tier2Id),
          tier1,
          '/dsp/transfers/request',
          transferRequestMessage({
            consumerPid,
            agreementId: theirs.id,
            format: 'HttpData-PUSH',
            callbackAddress: `${tier2.connector.url}/dsp/callback`,
            dataAddress: dspDataAddress({
              endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
              endpoint: `${tier2.connector.url}/exchange/push/${encodeURIComponent(consumerPid)}`,
            }),
          }),
        )
      ).send();
      // Acknowledged as a process, which tier 1 ends at once with the reason, in its audit trail.
      expect(answer.status).toBeLessThan(300);
      const { providerPid } = (await answer.json()) as { providerPid: string };
      let trail = await tier1.store.exchange.readAudit({ limit: 10000 });
      await until('the transfer refused', async () => {
        trail = await tier1.store.exchange.readAudit({ limit: 10000 });
        return trail.some(
          (entry) => entry.action === 'transfer.decide' && entry.actor === tier2.connector.did,
        );
      });
      // Ended (TERMINATING until tier 2 confirms the termination; this test's tier 2 has no such process).
      const stored = (await tier1.store.exchange.getRecord('transfer', providerPid))?.value as {
        record: { state: string; pending?: { message: { code?: string } } };
      };
      expect(['TERMINATING', 'TERMINATED']).toContain(stored.record.state);
      const decided = trail.filter(
        (entry) => entry.action === 'transfer.decide' && entry.resource === theirs.id,
      );
      expect(decided.map((entry) => [entry.actor, entry.outcome])).toContainEqual([
        tier2.connector.did,
        'denied',
      ]);
      expect(decided.find((entry) => entry.actor === tier2.connector.did)!.reason).toContain(
        `there is no agreement ${theirs.id} with ${tier2.connector.identity.bpnl}`,
      );
      // Nothing went to tier 2 on it: no push of tier 1's to that address, no data.push granted to it.
      const outbox = await tier1.store.exchange.listMessages({ state: 'all', limit: 100_000 });
      expect(
        outbox.filter(
          (message) =>
            message.kind.startsWith('aspect:') &&
            message.to === tier2.connector.url &&
            message.path.includes(encodeURIComponent(consumerPid)),
        ),
      ).toEqual([]);
      expect(
        trail.filter(
          (entry) =>
            entry.action === 'data.push' &&
            entry.actor === tier2.connector.did &&
            entry.resource === (theirs.value as { dataset: string }).dataset,
        ),
      ).toEqual([]);
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
    it('answers a member whose DID document cannot be fetched now with 503, saying unavailable once', async () => {
      const oem = nodes.get(chain[0]!)!;
      // A member (credential from the OEM, the authority) whose node does not answer: port 9.
      const absent = await openNodeIdentity({
        baseUrl: 'http://127.0.0.1:9/absent',
        dataDir: join(folder, 'absent'),
        bpnl: 'BPNL00000ABSENT1',
        name: 'Absent',
      });
      if (!absent.ok) throw new Error(absent.error.message);
      const credential = await issueMembershipCredential({
        authority: oem.connector.identity,
        member: absent.value,
        network: NETWORK,
      });
      const answer = await (
        await post({ identity: absent.value, credential }, oem, '/dsp/catalog/request', catalogRequest)
      ).send();
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).not.toBeNull();
      const text = await answer.text();
      const { error } = JSON.parse(text) as { error: { code: string; message: string } };
      expect(error.code).toBe('unavailable');
      // The code is said once, by the code field: not 'unavailable: unavailable: …' where it is shown.
      expect(error.message).toMatch(/^cannot check the sender's signature now: /);
      expect(`${error.code}: ${error.message}`).not.toMatch(/\b([a-z-]+): \1: /);
    });
    it('refuses a push under an agreement whose end date has passed, says why, and the partner renews it', async () => {
      const [oemId, tier1Id] = [chain[0]!, chain[1]!];
      const oem = nodes.get(oemId)!;
      const tier1 = nodes.get(tier1Id)!;
      const target = dataset(oemId, 'demand-and-capacity', tier1Id);
      const stored = (await oem.store.exchange.listRecords('agreement')).find(
        (record) => (record.value as { dataset: string }).dataset === target,
      )!;
      // The agreement as if it had been concluded with an end of use yesterday.
      const day = 24 * 3600 * 1000;
      const offer = buildOffer({
        id: `${target}:offer`,
        target,
        partners: [tier1.connector.identity.bpnl],
        purposes: ['cx.dcm.base:1'],
        forwardDepth: 1,
        expiresAt: new Date(Date.now() - day),
        frameworkAgreement: null,
      });
      if (!offer.ok) throw new Error(JSON.stringify(offer.error));
      const agreed = deriveAgreement(offer.value, {
        id: stored.id,
        assigner: oem.connector.did,
        assignee: tier1.connector.did,
        target,
        concludedAt: new Date(Date.now() - 2 * day),
      });
      if (!agreed.ok) throw new Error(JSON.stringify(agreed.error));
      const written = await oem.store.exchange.commit({
        records: [
          {
            kind: 'agreement',
            id: stored.id,
            value: { ...(stored.value as object), policy: policyToJson(agreed.value) },
            expectedVersion: stored.version,
          },
        ],
      });
      expect(written.status).toBe('committed');
      const before = await received(tier1Id);
      // The OEM's own line down: it tells its suppliers (a demand reduction), a change to push.
      await recordEvent(oemId, 'supplier.down', 'test:after-expiry', { company: oemId, from: 0 });
      await until('the refused push in the OEM trail', async () =>
        (await oem.store.exchange.readAudit()).some(
          (entry) =>
            entry.action === 'data.push' &&
            entry.outcome === 'denied' &&
            entry.resource === target &&
            // The DataUsageEndDate constraint, and why it fails now.
            /the data may be used until .*: the period has ended/.test(entry.reason ?? ''),
        ),
      ).catch(async (error: Error) => {
        const trail = (await oem.store.exchange.readAudit()).slice(-8);
        throw new Error(
          `${error.message}: ${JSON.stringify(trail.map((entry) => [entry.action, entry.outcome, entry.resource, entry.reason]))}`,
        );
      });
      // The OEM ends the transfer with the reason; tier 1 negotiates the dataset again under the OEM's
      // current offer, and the change reaches it under the new agreement.
      await until('the renewal at tier 1', async () =>
        (await tier1.store.exchange.readAudit({ limit: 10000 })).some(
          (entry) =>
            entry.action === 'agreement.renew' &&
            entry.resource === target &&
            entry.outcome === 'sent' &&
            entry.reason?.startsWith(`the provider ended the transfer under agreement ${stored.id}`) === true,
        ),
      );
      const trail = await oem.store.exchange.readAudit({ limit: 10000 });
      expect(
        trail.some(
          (entry) =>
            entry.action === 'transfer.terminate' &&
            entry.resource === target &&
            /^policy-denied: .*the period has ended/.test(entry.reason ?? ''),
        ),
      ).toBe(true);
      await until('a new agreement on the dataset', async () =>
        (await tier1.store.exchange.listRecords('agreement')).some(
          (record) => (record.value as { dataset: string }).dataset === target && record.id !== stored.id,
        ),
      );
      await until(
        'the change at tier 1 under the new agreement',
        async () => JSON.stringify(await received(tier1Id)) !== JSON.stringify(before),
      );
      expect(verifyAuditChain(await oem.store.exchange.readAudit({ limit: 10000 }))).toBeUndefined();
    }, 120_000);
  });

  // Last: what the nodes sent through all the tests above.
  it('sent only valid messages: DSP messages against the DSP 2025-1 schemas, payloads against their Catena-X schemas (or keten.order/v1)', async () => {
    const { parseDspMessage, validateAspectPayload } = await import('@keten/connector');
    const invalid: string[] = [];
    const kinds = new Map<string, number>();
    for (const [company, node] of nodes) {
      for (const message of await node.store.exchange.listMessages({ state: 'all', limit: 100_000 })) {
        kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
        const where = `${company} ${message.kind} ${message.id}`;
        if (message.kind.startsWith('dspace:')) {
          const parsed = parseDspMessage(message.body, message.kind.slice(7) as DspMessageType);
          if (!parsed.ok) invalid.push(`${where}: ${JSON.stringify(parsed.error)}`);
        } else if (message.kind === `aspect:${ORDER_FORMAT}`) {
          const parsed = OrderMessage.safeParse((message.body as { payload: unknown }).payload);
          if (!parsed.success) invalid.push(`${where}: ${parsed.error.message}`);
        } else if (message.kind.startsWith('aspect:') && message.kind.slice(7) in ASPECT_MODELS) {
          const model = message.kind.slice(7) as AspectModel;
          const valid = validateAspectPayload(model, (message.body as { payload: unknown }).payload);
          if (!valid.ok) invalid.push(`${where}: ${JSON.stringify(valid.error)}`);
        } else invalid.push(`${where}: a kind this test does not know`);
        // Nothing was refused by its receiver as malformed either. (Refused as unknown, 404, is the
        // security test's termination of a transfer it asked for without a process of its own.)
        if (message.abandonedAt !== undefined && !/^404 /.test(message.lastError ?? ''))
          invalid.push(`${where}: given up: ${message.lastError}`);
      }
    }
    expect(invalid).toEqual([]);
    // The run sent the protocol's messages and the payloads, not nothing.
    for (const kind of [
      'dspace:ContractRequestMessage',
      'dspace:ContractAgreementMessage',
      'dspace:ContractAgreementVerificationMessage',
      'dspace:ContractNegotiationEventMessage',
      'dspace:TransferRequestMessage',
      'dspace:TransferStartMessage',
      'aspect:WeekBasedMaterialDemand',
      'aspect:WeekBasedCapacityGroup',
      `aspect:${ORDER_FORMAT}`,
    ])
      expect(kinds.get(kind) ?? 0, `${kind} in ${JSON.stringify(Object.fromEntries(kinds))}`).toBeGreaterThan(
        0,
      );
  }, 60_000);
});
