/**
 * A plan's pushes go out in one commit (up to 200 payloads, with their records and audit entries). When
 * that commit fails (the database went away for a moment), nothing of it is in the outbox and nothing is
 * marked pushed: the node plans again soon, with backoff, and the partner gets the forecast the planner's
 * change asked for, without another change to set it off (docs/node.md, "Reliability"). Two demo nodes
 * in this process, the OEM's commits failing on purpose.
 */
import { describe, expect, it } from 'vitest';
import { demoNetwork, nodesFixture, recordEventAt } from './nodes-fixture.ts';
import { waitUntil } from './support.ts';

describe("a failed commit of a plan's pushes", () => {
  const network = demoNetwork();
  const oemId = network.companies[0]!.id;
  const rule = (network.sourcing ?? []).find(
    (candidate) => candidate.buyer === oemId && candidate.suppliers.some((line) => line.supplier !== oemId),
  )!;
  const tier1Id = rule.suppliers[0]!.supplier;
  const logs: string[] = [];
  const { nodes } = nodesFixture('keten-push-failure-', {
    network,
    companies: [oemId, tier1Id],
    networkName: 'keten-demo',
    log: (line) => logs.push(line),
  });
  const received = async () =>
    (await nodes.get(tier1Id)!.store.exchange.listRecords('received-demand')).reduce(
      (sum, record) => sum + (record.value as number[]).reduce((a, b) => a + b, 0),
      0,
    );
  /** Both outboxes empty a while and no re-plan running. */
  const settle = async () => {
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const node of nodes.values()) await node.service.settled();
      const pending = await Promise.all(
        [...nodes.values()].map((node) => node.store.exchange.listMessages({ state: 'pending', limit: 1 })),
      );
      quiet = pending.every((list) => list.length === 0) ? quiet + 1 : 0;
    }
  };

  it('is planned again at once: the supplier gets the new forecast, once', async () => {
    await waitUntil('a first forecast at tier 1', async () => (await received()) > 0, 60_000);
    await settle();
    const oem = nodes.get(oemId)!;
    const commit = oem.connector.commit.bind(oem.connector);
    const failed: number[] = [];
    // The next commit that puts a forecast in the outbox fails, twice (the retry waits longer).
    oem.connector.commit = async (changes) => {
      if (
        failed.length < 2 &&
        changes.outbox?.some((message) => message.kind === 'aspect:WeekBasedMaterialDemand')
      ) {
        failed.push(changes.outbox.length);
        throw new Error('simulated: the connection to the database was lost');
      }
      return commit(changes);
    };
    const before = await received();
    try {
      const demand = (network.demand ?? []).find((entry) => entry.company === oemId)!;
      await recordEventAt(oem, network, {
        type: 'demand.added',
        key: 'test:push-failure',
        payload: { company: oemId, item: demand.item, period: 6, quantity: 500 },
      });
      await waitUntil(
        'the new forecast at tier 1',
        async () => Math.abs((await received()) - before) > 1e-9,
        30_000,
      );
      await settle();
    } finally {
      oem.connector.commit = commit;
    }
    expect(failed.length).toBe(2);
    expect(logs.filter((line) => line.includes('re-plan failed: simulated'))).toHaveLength(2);
    expect(logs.some((line) => /planning again in \d+\.\d s/.test(line))).toBe(true);
    // Applied once: tier 1's demand events from forecasts add up to the forecasts it holds.
    let applied = 0;
    for (let after = 0; ; ) {
      const page = await nodes.get(tier1Id)!.store.events.read({ after, type: 'demand.added', limit: 10000 });
      if (page.length === 0) break;
      for (const event of page) {
        const payload = event.payload as { company: string; quantity: number };
        if (event.key.startsWith('exchange:wbmd:') && payload.company === tier1Id)
          applied += payload.quantity;
      }
      after = page.at(-1)!.sequence;
    }
    expect(applied).toBeCloseTo(await received(), 6);
  }, 180_000);
});
