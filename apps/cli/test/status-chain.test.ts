/**
 * Chain-deep status with consent (issue 5, item 6), five company nodes of the demo network in one
 * process: the OEM (kempen), two tier-1 suppliers (steinhof-optics, helmond-vacuum), a tier-2 under
 * steinhof (kortrijk-coils) and a tier-3 under it (schelde-copper). Each offers its customers a status
 * dataset under its own consent:
 *
 * - steinhof → kempen: ForwardDepth 0 (the OEM may use it, pass it on no further);
 * - kortrijk → steinhof: ForwardDepth 1 (it may reach the OEM);
 * - schelde → kortrijk: ForwardDepth 1 (it would travel 2 tiers to the OEM: withheld);
 * - helmond → kempen: expired (DataUsageEndDate 2020-01-01: refused).
 *
 * The OEM asks about its end demand; the tree comes back assembled with the withheld parts and their
 * reasons, every owner's audit trail holds the access and stays intact, and tampering shows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NodeIdentity, STATUS_PATH, signRequest, statusDatasetId } from '@keten/connector';
import {
  type AuditEntry,
  type Network,
  STATUS_REQUEST_FORMAT,
  type StatusPart,
  verifyAuditChain,
} from '@keten/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompanyNode } from '../src/node-runtime.ts';
import { DEMO, demoNetwork, nodesFixture, until as waitUntil } from './nodes-fixture.ts';
import { expectCleanFailure, keten } from './support.ts';

const OEM = 'kempen';
const TIER1 = 'steinhof-optics';
const OTHER_TIER1 = 'helmond-vacuum';
const TIER2 = 'kortrijk-coils';
const TIER3 = 'schelde-copper';
const COMPANIES = [OEM, TIER1, OTHER_TIER1, TIER2, TIER3];
const ADMIN = { username: 'admin', password: 'status chain test password' };

const until = (what: string, condition: () => Promise<boolean>, timeoutMs = 90_000) =>
  waitUntil(what, condition, timeoutMs, 100);

/** The part of `owner` (by company name) anywhere in the tree. */
function partOf(tree: StatusPart, name: string): StatusPart | undefined {
  if (tree.owner.name === name) return tree;
  if (tree.status !== 'answered') return undefined;
  for (const child of tree.suppliers) {
    const found = partOf(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe('chain-deep status with consent', () => {
  const network: Network = demoNetwork();
  const nameOf = (company: string) => network.companies.find((entry) => entry.id === company)!.name;
  const bpnOf = (company: string) => network.companies.find((entry) => entry.id === company)!.bpn!;
  const { folder, nodes } = nodesFixture(
    'keten-status-',
    {
      network,
      companies: COMPANIES,
      networkName: 'keten-demo',
      admin: ADMIN,
      statusConsent: (company, customer) => {
        if (company === TIER1 && customer === OEM) return { forwardDepth: 0 };
        if (company === OTHER_TIER1 && customer === OEM)
          return { forwardDepth: 1, expiresAt: new Date('2020-01-01T00:00:00Z') };
        return { forwardDepth: 1 };
      },
    },
    240_000,
  );

  beforeAll(async () => {
    // Every status agreement finalized at the customer, and the forecasts down to tier 3.
    const pairs: [string, string][] = [
      [TIER1, OEM],
      [OTHER_TIER1, OEM],
      [TIER2, TIER1],
      [TIER3, TIER2],
    ];
    for (const [owner, customer] of pairs) {
      await until(`the status agreement ${owner} → ${customer}`, async () =>
        (await nodes.get(customer)!.store.exchange.listRecords('negotiation')).some((record) => {
          const entry = record.value as { dataset: string; record: { protocolState: string } };
          return (
            entry.dataset === statusDatasetId(owner, customer) && entry.record.protocolState === 'FINALIZED'
          );
        }),
      );
    }
    for (const company of [TIER1, TIER2, TIER3]) {
      await until(`a forecast at ${company}`, async () =>
        (await nodes.get(company)!.store.exchange.listRecords('received-demand')).some((record) =>
          (record.value as number[]).some((quantity) => quantity > 0),
        ),
      );
    }
    for (const node of nodes.values()) await node.service.settled();
  }, 240_000);

  const sessions = new Map<CompanyNode, string>();
  const login = async (node: CompanyNode) => {
    const known = sessions.get(node);
    if (known !== undefined) return known;
    const response = await fetch(`${node.connector.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(response.status).toBe(201);
    const secret = ((await response.json()) as { secret: string }).secret;
    sessions.set(node, secret);
    return secret;
  };
  const api = async (node: CompanyNode, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${node.connector.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await login(node)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const trail = async (company: string) => nodes.get(company)!.store.exchange.readAudit({ limit: 10000 });
  /** A signed status question from `from`'s node to `to`'s. */
  const ask = async (from: string, to: string, body: unknown) => {
    const sender = nodes.get(from)!.connector;
    const receiver = nodes.get(to)!.connector;
    const text = JSON.stringify(body);
    const authorization = signRequest({
      identity: sender.identity as NodeIdentity,
      credential: sender.credential(),
      audience: receiver.did,
      method: 'POST',
      path: STATUS_PATH,
      body: text,
    });
    const response = await fetch(`${receiver.url}${STATUS_PATH}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: text,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const question = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
    format: STATUS_REQUEST_FORMAT,
    questionId: crypto.randomUUID(),
    order: 'test',
    customer: bpnOf(from),
    supplier: bpnOf(to),
    path: [bpnOf(from)],
    relay: 0,
    deadline: new Date(Date.now() + 10_000).toISOString(),
    demands: [
      {
        orderId: `${from}/x/buy/${to}/3`,
        materialNumberCustomer: 'none',
        shipDate: network.start,
        dueDate: network.start,
        quantity: 1,
      },
    ],
    ...extra,
  });

  let tree: StatusPart;

  it('assembles the tree behind an end demand of the OEM, with the withheld parts and why', async () => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    // A generous deadline: the machine running the tests may be loaded many times over.
    const answer = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', {
      order: 'tem-300',
      timeoutMs: 30_000,
    });
    const used = process.cpuUsage(cpu);
    console.log(
      `status tree over 5 nodes: ${Date.now() - started} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU (all nodes in this process), load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.order).toBe('tem-300');
    // Every part an owner wrote carries its signature, and the root checked each one.
    expect(answer.body.verification).toEqual({ verified: 4, failed: [] });
    tree = answer.body.tree as StatusPart;
    expect(tree).toMatchObject({ status: 'answered', owner: { name: nameOf(OEM), bpnl: bpnOf(OEM) } });
    if (tree.status !== 'answered') throw new Error('unreachable');
    expect(tree.orders.length).toBeGreaterThan(0);
    expect(tree.orders.every((order) => order.quantity > 0 && order.unit.length > 0)).toBe(true);

    // Tier 1 answers for itself (ForwardDepth 0 is enough: the OEM is its first recipient).
    const tier1 = partOf(tree, nameOf(TIER1));
    expect(tier1?.status).toBe('answered');
    if (tier1?.status !== 'answered') throw new Error('unreachable');
    expect(tier1.orders.length).toBeGreaterThan(0);
    expect(tier1.orders.every((order) => order.id.startsWith(`${TIER1}/`))).toBe(true);
    // Nothing of the other tier 1 in tier 1's part, nor of tier 1 in the other's.
    expect(JSON.stringify(tier1)).not.toContain(bpnOf(OTHER_TIER1));

    // Tier 2's answer reaches the OEM through tier 1 (ForwardDepth 1).
    const tier2 = tier1.suppliers.find((part) => part.owner.bpnl === bpnOf(TIER2));
    expect(tier2?.status).toBe('answered');
    if (tier2?.status !== 'answered') throw new Error('unreachable');
    expect(tier2.orders.every((order) => order.id.startsWith(`${TIER2}/`))).toBe(true);

    // Tier 3 would travel two tiers beyond tier 2: withheld, with the failed constraint.
    const tier3 = tier2.suppliers.find((part) => part.owner.bpnl === bpnOf(TIER3));
    expect(tier3).toMatchObject({ status: 'withheld', withheld: true, owner: { name: nameOf(TIER3) } });
    expect(tier3?.status === 'withheld' && tier3.reason).toMatch(
      /ForwardDepth allows the data to travel at most 1 tier/,
    );

    // The other tier 1's agreement has expired: refused, with the date.
    const other = tree.suppliers.find((part) => part.owner.bpnl === bpnOf(OTHER_TIER1));
    expect(other).toMatchObject({ status: 'withheld', withheld: true });
    expect(other?.status === 'withheld' && other.reason).toMatch(
      /2020-01-01T00:00:00Z.*the period has ended/,
    );
    expect(JSON.stringify(other)).not.toContain(bpnOf(TIER1));

    // Suppliers without a running node are unavailable, never missing.
    const cascade = tree.suppliers.find((part) => part.owner.name === nameOf('cascade-emitters'));
    expect(cascade).toMatchObject({ status: 'unavailable' });
    expect(cascade?.status === 'unavailable' && cascade.reason).toMatch(/no node address/);
    const asked = new Set(
      [...tree.orders]
        .filter((order) => order.kind === 'purchase' && order.supplier !== undefined)
        .map((order) => order.supplier!.bpnl),
    );
    expect(new Set(tree.suppliers.map((part) => part.owner.bpnl))).toEqual(asked);
  }, 120_000);

  it('keeps every access in the owners’ audit trails, hash-chained', async () => {
    const did = (company: string) => nodes.get(company)!.connector.did;
    const entries = async (company: string, action: string) =>
      (await trail(company)).filter((entry) => entry.action === action);
    expect(await entries(OEM, 'status.ask')).toEqual([
      expect.objectContaining({ actor: 'user:admin', resource: 'tem-300', outcome: 'answered' }),
    ]);
    expect(await entries(TIER1, 'status.answer')).toEqual([
      expect.objectContaining({
        actor: did(OEM),
        outcome: 'answered',
        resource: statusDatasetId(TIER1, OEM),
      }),
    ]);
    const atTier2 = await entries(TIER2, 'status.answer');
    expect(atTier2).toEqual([expect.objectContaining({ actor: did(TIER1), outcome: 'answered' })]);
    // Tier 2 sees that its answer goes on to the OEM through tier 1.
    expect(atTier2[0]!.details).toMatchObject({
      relay: 1,
      path: [bpnOf(OEM), bpnOf(TIER1)],
      order: 'tem-300',
    });
    const withheld = await entries(TIER3, 'status.withhold');
    expect(withheld).toEqual([expect.objectContaining({ actor: did(TIER2), outcome: 'withheld' })]);
    expect(withheld[0]!.reason).toMatch(/ForwardDepth/);
    expect(await entries(OTHER_TIER1, 'status.withhold')).toEqual([
      expect.objectContaining({ actor: did(OEM), outcome: 'refused' }),
    ]);
    for (const company of COMPANIES) {
      const audit = await api(nodes.get(company)!, 'GET', '/api/v1/connector/audit?limit=10000');
      expect(audit.status).toBe(200);
      expect(audit.body.chain).toBe('intact');
      const entriesSeen = audit.body.entries as AuditEntry[];
      expect(entriesSeen.some((entry) => entry.action.startsWith('status.'))).toBe(true);
    }
    // Changing what tier 2 answered, after the fact, breaks its chain at that entry.
    const stored = await trail(TIER2);
    const answered = stored.find((entry) => entry.action === 'status.answer')!;
    const tampered = stored.map((entry) =>
      entry.sequence === answered.sequence ? { ...entry, actor: did(OTHER_TIER1) } : entry,
    );
    expect(verifyAuditChain(tampered)).toMatchObject({ sequence: answered.sequence, reason: 'changed' });
    // Removing it breaks the chain at the entry after it; a chain cannot show its last entry gone, so
    // when the answer is the newest entry (nothing came after it yet) the one before it is removed.
    const removed = stored.at(-1) === answered ? stored.at(-2)! : answered;
    expect(verifyAuditChain(stored.filter((entry) => entry !== removed))).toMatchObject({
      sequence: removed.sequence + 1,
      reason: 'missing-or-reordered',
    });
  });

  it("never shows a supplier another supplier's data: the OEM and the other tier 1 refuse it", async () => {
    // The OEM offers its suppliers no status, and a tier 1 is no customer of another tier 1.
    const fromTier1 = await ask(OTHER_TIER1, OEM, question(OTHER_TIER1, OEM));
    expect(fromTier1.status).toBe(403);
    expect(fromTier1.body.message).toMatch(/is not a customer/);
    const sideways = await ask(OTHER_TIER1, TIER1, question(OTHER_TIER1, TIER1));
    expect(sideways.status).toBe(403);
    // The only status access at the other tier 1 is the OEM's (refused): nothing of tier 1's reached it.
    const seen = (await trail(OTHER_TIER1)).filter((entry) => entry.action.startsWith('status.'));
    expect(new Set(seen.map((entry) => entry.actor))).toEqual(new Set([nodes.get(OEM)!.connector.did]));
    const refusals = (await trail(TIER1)).filter((entry) => entry.action === 'status.withhold');
    expect(refusals).toEqual([
      expect.objectContaining({ actor: nodes.get(OTHER_TIER1)!.connector.did, outcome: 'refused' }),
    ]);
  });

  it('answers a repeated question once and a loop as repeated; refuses a malformed one', async () => {
    const tier2 = partOf(tree, nameOf(TIER2));
    if (tier2?.status !== 'answered') throw new Error('tier 2 did not answer');
    const tier1 = partOf(tree, nameOf(TIER1));
    if (tier1?.status !== 'answered') throw new Error('tier 1 did not answer');
    const demands = tier1.orders
      .filter((order) => order.supplier?.bpnl === bpnOf(TIER2))
      .map((order) => ({
        orderId: order.id,
        materialNumberCustomer: order.item,
        shipDate: order.startDate,
        dueDate: order.dueDate,
        quantity: order.quantity,
      }));
    expect(demands.length).toBeGreaterThan(0);
    const repeated = question(TIER1, TIER2, { demands });
    const first = await ask(TIER1, TIER2, repeated);
    const second = await ask(TIER1, TIER2, repeated);
    expect(first.status).toBe(200);
    // The same work (its time, orders and suppliers' parts), signed again for this answer.
    const { signature: _first, ...firstContent } = first.body;
    const { signature: _second, ...secondContent } = second.body;
    expect(secondContent).toEqual(firstContent);
    // Tier 3 was asked once for both.
    expect(
      (first.body as unknown as StatusPart & { suppliers: StatusPart[] }).suppliers.map(
        (part) => part.owner.bpnl,
      ),
    ).toContain(bpnOf(TIER3));
    const atTier3 = (await trail(TIER3)).filter(
      (entry) => (entry.details as { questionId?: string } | undefined)?.questionId === repeated.questionId,
    );
    expect(atTier3).toHaveLength(1);

    const loop = await ask(
      TIER1,
      TIER2,
      question(TIER1, TIER2, { demands, path: [bpnOf(TIER2), bpnOf(TIER1)], relay: 1 }),
    );
    expect(loop.body).toMatchObject({ status: 'repeated', owner: { bpnl: bpnOf(TIER2) } });

    const malformed = await ask(TIER1, TIER2, question(TIER1, TIER2, { relay: 3 }));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'invalid-message' });
    expect(malformed.body.message).toMatch(/relay must be the path's length less one/);

    const unknown = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', { order: 'no-such-item' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/has no end demand for 'no-such-item'/);
    const bad = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', { order: 42 });
    expect(bad.status).toBe(400);
  });

  it('keten node status prints the tree for people, and says what is missing', async () => {
    const oem = nodes.get(OEM)!;
    const file = join(folder, 'oem.yaml');
    writeFileSync(
      file,
      [
        'format: keten.node/v1',
        `company: ${OEM}`,
        `listen: { host: 127.0.0.1, port: ${new URL(oem.connector.url).port} }`,
        `publicUrl: ${oem.connector.url}`,
        `dataDir: ${join(folder, OEM)}`,
        `network: ${DEMO}`,
        'authority: { self: { network: keten-demo, admit: open } }',
        '',
      ].join('\n'),
    );
    const token = await login(oem);
    const home = join(folder, 'home');
    const printed = await keten(
      ['node', 'status', 'tem-300', '--config', file, '--token', token, '--timeout', '30000'],
      { home },
    );
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^Status behind tem-300 \(question /);
    expect(printed.stdout).toContain(`${nameOf(OEM)} (${bpnOf(OEM)}): `);
    expect(printed.stdout).toMatch(
      new RegExp(`${nameOf(OTHER_TIER1)} \\(${bpnOf(OTHER_TIER1)}\\): withheld — `),
    );
    const unknown = await keten(['node', 'status', 'nothing', '--config', file, '--token', token], { home });
    expectCleanFailure(unknown, 3);
    expect(unknown.stderr).toMatch(/no end demand for 'nothing'/);
    const anonymous = await keten(['node', 'status', 'tem-300', '--config', file], { home });
    expectCleanFailure(anonymous, 2);
  }, 120_000);

  it('asks about an open purchase order of the OEM: that order, and its supplier behind it', async () => {
    const answer = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', {
      order: 'KI-PO-88123',
      timeoutMs: 30_000,
    });
    expect(answer.status).toBe(200);
    const tree = answer.body.tree as StatusPart;
    if (tree.status !== 'answered') throw new Error('the OEM did not answer');
    expect(tree.orders).toEqual([expect.objectContaining({ id: 'KI-PO-88123', open: true })]);
    expect(tree.suppliers.map((part) => [part.owner.bpnl, part.status])).toEqual([
      [bpnOf(TIER1), 'answered'],
    ]);
  }, 60_000);

  let tier3Url = '';

  it('marks a supplier that is down unavailable after the deadline, and does not hang', async () => {
    tier3Url = nodes.get(TIER3)!.connector.url;
    await nodes.get(TIER3)!.close();
    nodes.delete(TIER3);
    const started = Date.now();
    const answer = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', {
      order: 'tem-300',
      timeoutMs: 5000,
    });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(answer.status).toBe(200);
    const tier3 = partOf(answer.body.tree as StatusPart, nameOf(TIER3));
    expect(tier3).toMatchObject({ status: 'unavailable' });
    expect(tier3?.status === 'unavailable' && tier3.reason).toMatch(/no answer from/);
  }, 60_000);
  it('marks a supplier that takes too long unavailable at the deadline', async () => {
    // Tier 3's address now holds a server that accepts questions and never answers.
    const { createServer } = await import('node:http');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(Number(new URL(tier3Url).port), '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const answer = await api(nodes.get(OEM)!, 'POST', '/api/v1/connector/status', {
        order: 'tem-300',
        timeoutMs: 2000,
      });
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(200);
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(6000);
      const tier3 = partOf(answer.body.tree as StatusPart, nameOf(TIER3));
      expect(tier3).toMatchObject({ status: 'unavailable' });
      expect(tier3?.status === 'unavailable' && tier3.reason).toMatch(/no answer from .* within \d+ ms/);
      // The tiers that did answer are all there.
      expect(partOf(answer.body.tree as StatusPart, nameOf(TIER2))?.status).toBe('answered');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});
