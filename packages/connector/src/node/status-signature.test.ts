import type { StatusPart } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { issueMembershipCredential } from '../identity/membership.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { createDidResolver } from '../identity/resolver.ts';
import { createTestNetwork } from '../identity/test-network.ts';
import { createStatusVerifier, signStatusPart } from './status-signature.ts';

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0);
const QUESTION = '0b7c2f4e-8d1a-4c3b-9e2f-1a2b3c4d5e6f';

async function setting() {
  const now = () => NOW;
  const network = createTestNetwork(now);
  const oem = await network.addNode('http://127.0.0.1:8101/nodes/oem', 'BPNL00000000OEM1', 'OEM');
  const tier1 = await network.addNode('http://127.0.0.1:8102/nodes/t1', 'BPNL000000000T01', 'Tier 1');
  const tier2 = await network.addNode('http://127.0.0.1:8103/nodes/t2', 'BPNL000000000T02', 'Tier 2');
  const stranger = await network.addNode('http://127.0.0.1:8109/nodes/x', 'BPNL000000000XXX', 'Stranger');
  const credentialOf = (member: NodeIdentity, authority: NodeIdentity = oem) =>
    issueMembershipCredential({ authority, member, network: 'keten-demo', validitySeconds: 3600, now: NOW });
  const sign = async (part: StatusPart, by: NodeIdentity, credential?: string, questionId = QUESTION) =>
    signStatusPart(part, {
      identity: by,
      credential: credential ?? (await credentialOf(by)),
      questionId,
      now: NOW,
    });
  const verifier = createStatusVerifier({
    resolver: createDidResolver({ fetch: network.fetch, now }),
    credential: await credentialOf(oem),
    network: 'keten-demo',
    now,
  });
  const answered = (owner: NodeIdentity, suppliers: StatusPart[] = []): StatusPart => ({
    status: 'answered',
    owner: { name: owner.name, bpnl: owner.bpnl },
    at: '2026-11-26T08:00:00Z',
    orders: [
      {
        id: `${owner.name}/x/make/3`,
        kind: 'production',
        item: 'x',
        startDate: '2026-12-07',
        dueDate: '2026-12-14',
        quantity: 2,
        orderQuantity: 4,
        unit: 'pcs',
      },
    ],
    shortages: [],
    stock: [],
    bottlenecks: [],
    notes: [],
    suppliers,
  });
  return { oem, tier1, tier2, stranger, sign, verifier, answered, credentialOf };
}

describe('signed status parts', () => {
  it('verifies each owner’s signature through the tree', async () => {
    const { tier1, tier2, sign, verifier, answered } = await setting();
    const tree = await sign(answered(tier1, [await sign(answered(tier2), tier2)]), tier1);
    const checked = await verifier.verifyTree(tree, QUESTION);
    expect(checked.verification).toEqual({ verified: 2, failed: [] });
    expect(checked.tree).toEqual(tree);
  });

  it('shows a part changed on the way, and keeps the rest', async () => {
    const { tier1, tier2, sign, verifier, answered } = await setting();
    const inner = await sign(answered(tier2), tier2);
    const changed = {
      ...inner,
      orders: [{ ...(inner as { orders: object[] }).orders[0]!, quantity: 3 }],
    } as StatusPart;
    // Tier 1 signs what it passes on, the changed part included: only tier 2's signature tells.
    const tree = await sign(answered(tier1, [changed]), tier1);
    const checked = await verifier.verifyTree(tree, QUESTION);
    expect(checked.verification.verified).toBe(1);
    expect(checked.verification.failed).toEqual([
      {
        owner: tier2.bpnl,
        reason: expect.stringMatching(/not what Tier 2 signed: it was changed on the way/),
      },
    ]);
    const parts = (checked.tree as { suppliers: StatusPart[] }).suppliers;
    expect(parts[0]).toMatchObject({ status: 'unavailable', owner: { bpnl: tier2.bpnl } });
  });

  it('refuses a part made up by another tier, unsigned, for another question, or by a non-member', async () => {
    const { oem, tier1, tier2, stranger, sign, verifier, answered, credentialOf } = await setting();
    const reasonOf = async (part: StatusPart) =>
      (await verifier.verifyTree(part, QUESTION)).verification.failed[0]?.reason;
    // Tier 1 writes an answer in tier 2's name and signs it itself.
    expect(await reasonOf(await sign(answered(tier2), tier1))).toMatch(/signed by BPNL000000000T01/);
    expect(await reasonOf(answered(tier2))).toMatch(/carries no signature/);
    expect(await reasonOf(await sign(answered(tier2), tier2, undefined, 'another'))).toMatch(
      /another question/,
    );
    const foreign = await credentialOf(stranger, stranger);
    expect(await reasonOf(await sign(answered(stranger), stranger, foreign))).toMatch(
      /membership does not hold/,
    );
    // A tier's own statement about a supplier needs no signature of the supplier.
    const statement: StatusPart = {
      status: 'unavailable',
      owner: { name: 'Tier 2', bpnl: tier2.bpnl },
      reason: 'down',
    };
    expect((await verifier.verifyTree(statement, QUESTION)).verification).toEqual({
      verified: 0,
      failed: [],
    });
    expect(oem.bpnl).toBe('BPNL00000000OEM1');
  });
});
