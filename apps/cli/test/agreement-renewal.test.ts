/**
 * Agreements that end, and are renewed: the demo's OEM and one supplier as real nodes in one process
 * (loopback HTTP, the Dataspace Protocol) with agreements of 32 seconds, renewed 20 seconds before
 * their end. The supplier negotiates each dataset again under the OEM's current offer before its agreement
 * ends, a transfer under the new agreement takes over from the old one, and a forecast change after the
 * first agreement's end still reaches the supplier; both audit trails show it.
 */
import { type AuditEntry, parsePolicy, verifyAuditChain } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { demoNetwork, nodesFixture } from './nodes-fixture.ts';
import { waitUntil } from './support.ts';

// Long enough for negotiations on a loaded shared machine (seconds each at load 15+).
const TERM = 32_000;
const RENEW_BEFORE = 20_000;

describe('agreements renewed before they end', () => {
  const network = demoNetwork();
  const oemId = network.companies[0]!.id;
  const tier1Id = (network.sourcing ?? []).find(
    (rule) => rule.buyer === oemId && rule.suppliers.some((line) => line.supplier !== oemId),
  )!.suppliers[0]!.supplier;
  const forecasts = `urn:keten:${oemId}:demand-and-capacity:${tier1Id}`;
  const { nodes } = nodesFixture('keten-renewal-', {
    network,
    companies: [oemId, tier1Id],
    networkName: 'keten-demo',
    agreements: { agreementTermMs: TERM, renewBeforeMs: RENEW_BEFORE, renewCheckMs: 250 },
  });

  /** The agreements on the forecast dataset at `company`, oldest first, with their end of use. */
  const agreements = async (company: string) =>
    (await nodes.get(company)!.store.exchange.listRecords('agreement'))
      .map((record) => record.value as { id: string; dataset: string; policy: unknown; concludedAt: string })
      .filter((entry) => entry.dataset === forecasts)
      .map((entry) => {
        const policy = parsePolicy(entry.policy);
        if (!policy.ok) throw new Error(`agreement ${entry.id} does not parse`);
        const end = policy.value.permissions
          .flatMap((rule) => rule.constraints)
          .flatMap((constraint) => (constraint.kind === 'atomic' ? [constraint] : constraint.constraints))
          .find(
            (constraint) => constraint.kind === 'atomic' && constraint.leftOperand === 'DataUsageEndDate',
          );
        return {
          id: entry.id,
          concludedAt: entry.concludedAt,
          end: Date.parse(String(end?.kind === 'atomic' ? end.rightOperand : '')),
        };
      })
      .sort((a, b) => a.concludedAt.localeCompare(b.concludedAt));
  const audit = async (company: string): Promise<AuditEntry[]> =>
    nodes.get(company)!.store.exchange.readAudit({ limit: 10000 });
  const receivedTotal = async () =>
    (await nodes.get(tier1Id)!.store.exchange.listRecords('received-demand'))
      .flatMap((record) => record.value as number[])
      .reduce((sum, value) => sum + value, 0);

  it('negotiates the dataset again before the agreement ends, and data flows under the new one', async () => {
    await waitUntil('the first forecast at the supplier', async () => (await receivedTotal()) > 0);
    const [first] = await agreements(tier1Id);
    expect(first).toBeDefined();
    expect(first!.end - Date.parse(first!.concludedAt)).toBeLessThanOrEqual(TERM);

    // Before the first agreement ends, the supplier has a second one that ends later.
    await waitUntil('a renewed agreement', async () => (await agreements(tier1Id)).length >= 2, 60_000).catch(
      async (error: Error) => {
        const trail = (await audit(tier1Id)).filter((entry) => entry.resource === forecasts);
        throw new Error(
          `${error.message}: ${JSON.stringify(trail.map((entry) => [entry.at, entry.action, entry.outcome, entry.reason]))}`,
        );
      },
    );
    const renewed = (await agreements(tier1Id))[1]!;
    expect(Date.parse(renewed.concludedAt)).toBeLessThan(first!.end);
    expect(renewed.end).toBeGreaterThan(first!.end);
    // The provider holds the same agreement.
    expect((await agreements(oemId)).map((entry) => entry.id)).toContain(renewed.id);
    const renewals = (await audit(tier1Id)).filter(
      (entry) => entry.action === 'agreement.renew' && entry.resource === forecasts,
    );
    expect(renewals[0]?.outcome).toBe('sent');
    expect(renewals[0]?.reason).toMatch(
      new RegExp(
        `^agreement ${first!.id} ends at .*, within 20 s: negotiating again under ${oemId}'s current offer`,
      ),
    );

    // After the first agreement's end, a forecast change at the OEM still reaches the supplier.
    await waitUntil('the first agreement to end', async () => Date.now() > first!.end + 200, 40_000);
    const oem = nodes.get(oemId)!;
    const before = await receivedTotal();
    const demand = (network.demand ?? []).find((entry) => entry.company === oemId)!;
    await oem.store.events.append([
      {
        type: 'demand.added',
        key: 'test:after-first-agreement',
        at: new Date().toISOString(),
        source: 'test',
        payload: { company: oemId, item: demand.item, period: 6, quantity: 40, network: network.name },
      },
    ]);
    oem.service.scheduleReplan();
    await waitUntil(
      'the change at the supplier',
      async () => (await receivedTotal()) > before + 1e-6,
      30_000,
    );

    // The OEM's trail: the old transfer ended as superseded, pushes granted after the first end, and
    // no push refused on the forecasts (the renewal came first). Both chains intact.
    const trail = await audit(oemId);
    expect(
      trail.some(
        (entry) =>
          entry.action === 'transfer.terminate' &&
          entry.resource === forecasts &&
          /^superseded: /.test(entry.reason ?? ''),
      ),
    ).toBe(true);
    expect(
      trail.some(
        (entry) =>
          entry.action === 'data.push' &&
          entry.resource === forecasts &&
          entry.outcome === 'granted' &&
          Date.parse(entry.at) > first!.end,
      ),
    ).toBe(true);
    expect(
      trail.filter(
        (entry) => entry.action === 'data.push' && entry.resource === forecasts && entry.outcome === 'denied',
      ),
    ).toEqual([]);
    expect(verifyAuditChain(trail)).toBeUndefined();
    expect(verifyAuditChain(await audit(tier1Id))).toBeUndefined();
  }, 240_000);
});
