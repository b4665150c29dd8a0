/**
 * A supplier's `changed` answer moves the shortfall to the item's other approved supplier, across
 * nodes: the OEM, its lens supplier steinhof-optics, and steinhof's two lens-coil suppliers
 * kortrijk-coils (70 %) and zlin-coils (30 %) as company nodes in one process. steinhof orders far more
 * lens coils from kortrijk than it can make by a period; kortrijk cuts the order (`changed`, same
 * period, less). From then on steinhof's plan ships nothing more from kortrijk until that period
 * (docs/exchange.md, "Confirmations": `heldBackWindows`), so the forecast it sends kortrijk drops there
 * and the one it sends zlin carries what kortrijk's share was. Before 7d84e5e the plan still asked
 * kortrijk for its 70 %, never released it as orders, and ordered nothing elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { demoNetwork, nodesFixture, recordEventAt, settle as settleNodes, until } from './nodes-fixture.ts';

const BUYER = 'steinhof-optics';
const CUT_BY = 'kortrijk-coils';
const OTHER = 'zlin-coils';
const ITEM = 'lens-coil';

describe('a changed answer from one of two sources', () => {
  const network = demoNetwork();
  const oem = network.companies[0]!.id;
  const chain = [oem, BUYER, CUT_BY, OTHER];
  const { nodes } = nodesFixture('keten-second-source-', {
    network,
    companies: chain,
    networkName: 'keten-demo',
  });
  const rule = (network.sourcing ?? []).find((entry) => entry.buyer === BUYER && entry.item === ITEM)!;
  const lane = rule.suppliers.find((line) => line.supplier === CUT_BY)!.leadTime;

  const settle = () => settleNodes(nodes, chain);
  /** The forecast a supplier holds from steinhof (its only customer for lens coils), per due period. */
  const forecastAt = async (supplier: string) => {
    const records = await nodes.get(supplier)!.store.exchange.listRecords('received-demand', { limit: 100 });
    expect(records.length).toBe(1);
    return records[0]!.value as number[];
  };
  const sum = (values: number[], from: number, to: number) =>
    values.slice(from, to).reduce((total, value) => total + value, 0);

  it('plans what the cut supplier will not ship on the other supplier and tells both in their forecasts', async () => {
    await settle();
    await until('forecasts at both coil makers', async () => {
      const held = await Promise.all(
        [CUT_BY, OTHER].map((company) =>
          nodes.get(company)!.store.exchange.listRecords('received-demand', { limit: 1 }),
        ),
      );
      return held.every((records) => records.length === 1);
    });
    const before = { cut: await forecastAt(CUT_BY), other: await forecastAt(OTHER) };
    // Far more than kortrijk makes by period `due` (28 a week): it confirms part of it, in that period.
    const due = 20;
    const id = 'test/coils-too-many';
    await recordEventAt(nodes.get(BUYER)!, network, {
      type: 'order.opened',
      key: 'test:coils-too-many',
      payload: { id, kind: 'purchase', company: BUYER, supplier: CUT_BY, item: ITEM, quantity: 5000, due },
    });
    const sent = async () =>
      (await nodes.get(BUYER)!.store.exchange.getRecord('sent-order', id))?.value as
        | { status: string; quantity: number; due: number }
        | undefined;
    await until('the order answered', async () => !['sent', undefined].includes((await sent())?.status));
    const answer = (await sent())!;
    expect(answer).toMatchObject({ status: 'changed', due });
    expect(answer.quantity).toBeLessThan(5000);
    await settle();
    const after = { cut: await forecastAt(CUT_BY), other: await forecastAt(OTHER) };
    // A cut: nothing more from kortrijk shipping by period `due - lane`, so arriving by `due`. The
    // periods before the confirmed order arrives are the ones steinhof's need is moved in.
    const moved = { from: lane, to: due };
    const cutBefore = sum(before.cut, moved.from, moved.to);
    const otherBefore = sum(before.other, moved.from, moved.to);
    expect(cutBefore).toBeGreaterThan(0);
    expect(sum(after.cut, moved.from, moved.to)).toBeLessThan(cutBefore);
    // zlin now carries more than its own 30 % there: what kortrijk's share was moves to it.
    expect(sum(after.other, moved.from, moved.to)).toBeGreaterThan(otherBefore);
  }, 180_000);
});
