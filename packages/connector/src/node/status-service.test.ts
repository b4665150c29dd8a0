import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  buildOffer,
  createMemoryStore,
  deriveAgreement,
  type ExchangeChanges,
  loadNetworkFile,
  partnerView,
  periodDate,
  policyToJson,
  STATUS_REQUEST_FORMAT,
  type StatusPart,
  verifyAuditChain,
} from '@keten/core';
import { describe, expect, it } from 'vitest';
import { issueMembershipCredential } from '../identity/membership.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { createDidResolver } from '../identity/resolver.ts';
import { createTestNetwork } from '../identity/test-network.ts';
import { parseNodeConfig } from './config.ts';
import type { CallingNode, Connector } from './connector.ts';
import type { ExchangeService } from './exchange-service.ts';
import { StatusService, statusConsentOf, statusDatasetId } from './status-service.ts';

const config = (partners: string) =>
  parseNodeConfig(
    [
      'format: keten.node/v1',
      'company: steinhof-optics',
      'listen: { port: 8102 }',
      'dataDir: ./data',
      'network: ./network.yaml',
      'authority: { url: http://127.0.0.1:8101 }',
      'partners:',
      partners,
      '',
    ].join('\n'),
    '/nodes/steinhof.yaml',
  );

describe('status consent in the node configuration', () => {
  it('gives each customer what its partner entry says, ForwardDepth 1 by default', () => {
    const parsed = config(
      [
        '  - { company: kempen, url: http://127.0.0.1:8101, status: { forwardDepth: 0, expiresAt: "2027-12-31T23:59:59Z" } }',
        '  - { company: other, url: http://127.0.0.1:8103, status: { share: false } }',
        '  - { company: plain, url: http://127.0.0.1:8104 }',
        '  - { company: deep, url: http://127.0.0.1:8105, status: {} }',
      ].join('\n'),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const partners = parsed.value.partners;
    expect(statusConsentOf(partners, 'kempen')).toEqual({
      forwardDepth: 0,
      expiresAt: new Date('2027-12-31T23:59:59Z'),
    });
    expect(statusConsentOf(partners, 'other')).toBeUndefined();
    expect(statusConsentOf(partners, 'plain')).toEqual({ forwardDepth: 1 });
    expect(statusConsentOf(partners, 'deep')).toEqual({ forwardDepth: 1 });
    expect(statusConsentOf(partners, 'not-listed')).toEqual({ forwardDepth: 1 });
  });

  it('refuses a depth or date it cannot use, at the line of the file', () => {
    const negative = config(
      '  - { company: kempen, url: http://127.0.0.1:8101, status: { forwardDepth: -1 } }',
    );
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.error[0]!.path).toEqual(['partners', 0, 'status', 'forwardDepth']);
    const zoneless = config(
      '  - { company: kempen, url: http://127.0.0.1:8101, status: { expiresAt: "2027-12-31T23:59:59" } }',
    );
    expect(zoneless.ok).toBe(false);
    if (!zoneless.ok) expect(zoneless.error[0]!.message).toMatch(/with a zone/);
    const unknown = config('  - { company: kempen, url: http://127.0.0.1:8101, status: { depth: 2 } }');
    expect(unknown.ok).toBe(false);
  });

  it('names the status dataset by owner and customer', () => {
    expect(statusDatasetId('steinhof-optics', 'kempen')).toBe('urn:keten:steinhof-optics:status:kempen');
  });
});

describe('a supplier answering status questions', () => {
  const DEMO = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
  const SELF = 'deurne-precision';

  /** Deurne's node over a memory store, its suppliers behind a counting server that refuses. */
  async function setting() {
    const loaded = loadNetworkFile({ name: DEMO, text: readFileSync(DEMO, 'utf8') });
    if (!loaded.ok) throw new Error('the demo network does not load');
    const whole = loaded.value.network;
    const view = partnerView(whole, SELF)!;
    const bpn = (company: string) => whole.companies.find((entry) => entry.id === company)!.bpn!;
    const now = Date.UTC(2027, 0, 4, 8, 0, 0);
    const identities = createTestNetwork(() => now);
    const authority = await identities.addNode('http://127.0.0.1:8101/nodes/oem', bpn('kempen'), 'Kempen');
    const self = await identities.addNode('http://127.0.0.1:8102/nodes/deurne', bpn(SELF), 'Deurne');
    const customer = async (company: string, port: number) =>
      identities.addNode(`http://127.0.0.1:${port}/nodes/${company}`, bpn(company), company);
    const helmond = await customer('helmond-vacuum', 8103);
    const brno = await customer('brno-vacuum', 8104);
    const veldhoven = await customer('veldhoven-motion', 8105);
    const credential = await issueMembershipCredential({
      authority,
      member: self,
      network: 'keten-demo',
      validitySeconds: 3600,
      now,
    });
    const store = createMemoryStore({ now: () => new Date(now) });
    await store.networks.importVersion({
      network: view.name,
      content: view,
      summary: { companies: view.companies.length, items: view.items.length, tiers: 0, sourcingLinks: 0 },
      source: 'node',
      author: 'system',
    });
    // Its customers' forecasts for the flange, as a node would have applied them.
    await store.events.append(
      [5, 6, 7, 8].map((period) => ({
        type: 'demand.added',
        key: `test:flange:${period}`,
        at: new Date(now).toISOString(),
        source: 'test',
        payload: { company: SELF, item: 'vacuum-flange', period, quantity: 20, network: view.name },
      })),
    );
    // Agreements: helmond and brno may pass the status on one tier, veldhoven's expired.
    const agree = async (who: NodeIdentity, company: string, forwardDepth: number, expiresAt?: Date) => {
      const dataset = statusDatasetId(SELF, company);
      const offer = buildOffer({
        id: `${dataset}:offer`,
        target: dataset,
        partners: [who.bpnl],
        purposes: ['cx.dcm.base:1'],
        forwardDepth,
        frameworkAgreement: null,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      if (!offer.ok) throw new Error('no offer');
      const agreement = deriveAgreement(offer.value, {
        id: `urn:uuid:${company}`,
        assigner: self.did,
        assignee: who.did,
        target: dataset,
        concludedAt: new Date(now - 86_400_000),
      });
      if (!agreement.ok) throw new Error('no agreement');
      await store.exchange.commit({
        records: [
          {
            kind: 'negotiation',
            id: `urn:uuid:negotiation-${company}`,
            value: {
              record: { role: 'provider', protocolState: 'FINALIZED' },
              partner: { did: who.did, company },
              dataset,
              agreementId: `urn:uuid:${company}`,
            },
          },
          {
            kind: 'agreement',
            id: `urn:uuid:${company}`,
            value: {
              id: `urn:uuid:${company}`,
              dataset,
              policy: policyToJson(agreement.value),
              provider: 'self',
            },
          },
        ],
      });
    };
    await agree(helmond, 'helmond-vacuum', 1);
    await agree(brno, 'brno-vacuum', 1);
    await agree(veldhoven, 'veldhoven-motion', 1, new Date(now - 3_600_000));
    // Deurne's suppliers: one server that counts the questions and refuses them.
    const asked: string[] = [];
    const server = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'refused', message: 'no agreement' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const suppliers = ['ruhr-steel', 'tangshan-steel', 'genk-aluminium', 'decin-aluminium'];
    const connector = {
      identity: self,
      did: self.did,
      network: 'keten-demo',
      credential: () => credential,
      resolver: createDidResolver({ fetch: identities.fetch, now: () => now }),
      commit: (changes: ExchangeChanges) => store.exchange.commit(changes),
      addRoutes: () => {},
    } as unknown as Connector;
    const service = new StatusService({
      connector,
      exchange: { registerDatasets: () => {}, heldBackWindows: async () => [] } as unknown as ExchangeService,
      store,
      network: view,
      company: SELF,
      partners: new Map(suppliers.map((supplier) => [supplier, `http://127.0.0.1:${port}/${supplier}`])),
      now: () => now,
    });
    const sender = (who: NodeIdentity): CallingNode => ({
      id: who.did,
      did: who.did,
      bpnl: who.bpnl,
      name: who.name,
      network: 'keten-demo',
    });
    const question = (who: NodeIdentity, questionId: string) => ({
      format: STATUS_REQUEST_FORMAT,
      questionId,
      order: 'tem-300',
      customer: who.bpnl,
      supplier: self.bpnl,
      path: [authority.bpnl, who.bpnl],
      relay: 1,
      deadline: new Date(now + 60_000).toISOString(),
      demands: [
        {
          orderId: `${who.name}/vacuum-flange/buy/${SELF}/4`,
          materialNumberCustomer: 'vacuum-flange',
          shipDate: periodDate(view, 5),
          dueDate: periodDate(view, 8),
          quantity: 40,
        },
      ],
    });
    return { service, store, sender, question, helmond, brno, veldhoven, asked, close: () => server.close() };
  }

  it('works out a question that comes through two customers once, judged for each', async () => {
    const { service, store, sender, question, helmond, brno, veldhoven, asked, close } = await setting();
    try {
      const id = crypto.randomUUID();
      const first = await service.answer(sender(helmond), question(helmond, id));
      const second = await service.answer(sender(brno), question(brno, id));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'answered' });
      const part = first.body as StatusPart & { status: 'answered' };
      expect(part.orders.length).toBeGreaterThan(0);
      // Half of the 80 flanges a period-window holds are helmond's: never more than asked.
      const made = part.orders
        .filter((order) => order.kind === 'production' && order.item === 'vacuum-flange')
        .reduce((sum, order) => sum + order.quantity, 0);
      expect(made).toBeGreaterThan(0);
      expect(made).toBeLessThanOrEqual(40 + 1e-6);
      expect((second.body as StatusPart & { status: 'answered' }).at).toBe(part.at);
      // Each supplier was asked once for both customers, and refused: withheld, with its reason.
      expect(asked.length).toBe(new Set(asked).size);
      expect(part.suppliers.length).toBeGreaterThan(0);
      expect(asked.length).toBe(part.suppliers.length);
      expect(part.suppliers.every((entry) => entry.status === 'withheld')).toBe(true);
      // The expired agreement: withheld, and why, signed by its owner.
      const expired = await service.answer(sender(veldhoven), question(veldhoven, id));
      expect(expired.body).toMatchObject({ status: 'withheld', withheld: true });
      expect((expired.body as { reason: string }).reason).toMatch(/the period has ended/);
      expect(typeof (expired.body as { signature?: string }).signature).toBe('string');
      const trail = await store.exchange.readAudit();
      expect(trail.map((entry) => `${entry.action}/${entry.outcome}`)).toEqual([
        'status.answer/answered',
        'status.answer/answered',
        'status.withhold/refused',
      ]);
      expect(verifyAuditChain(trail)).toBeUndefined();
    } finally {
      close();
    }
  });

  it('refuses a member that is no customer, and a malformed question, with the reason', async () => {
    const { service, sender, question, helmond, close } = await setting();
    try {
      const stranger = { ...sender(helmond), bpnl: 'BPNL000000000XXX', did: 'did:web:127.0.0.1%3A9999' };
      const refused = await service.answer(stranger, question(helmond, crypto.randomUUID()));
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'refused' });
      const malformed = await service.answer(sender(helmond), { ...question(helmond, 'not-a-uuid') });
      expect(malformed.status).toBe(400);
      expect((malformed.body as { message: string }).message).toMatch(/questionId/);
    } finally {
      close();
    }
  });
});
