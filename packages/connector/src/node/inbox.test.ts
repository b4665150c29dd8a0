/**
 * Pushes applied as a run of a batch (inbox.ts) on the demo network's partner views and a store in
 * memory: the same records and events as one at a time, in one commit; a refused payload refused
 * with its reason without losing the others; repeats (earlier, within the run, or accepted between
 * the look-up and the commit) never applied twice; a reader that needs the network as the events
 * left it sees the events of the pushes before it.
 */
import {
  createMemoryStore,
  type ExchangeChanges,
  type KetenStore,
  type Network,
  partnerView,
  planNetwork,
} from '@keten/core';
import { describe, expect, it } from 'vitest';
import { ASPECT_SPECS } from './datasets.ts';
import { demo, OEM, TIER1 } from './demo-partners.fixture.ts';
import { applyPushes, type InboxContext, type Push } from './inbox.ts';
import { type OutgoingContext, outgoingPayloads } from './outgoing.ts';

const SENDER = { did: 'did:web:127.0.0.1%3A9:oem' };

function sent(network: Network, company: string, extra: Partial<OutgoingContext> = {}) {
  return outgoingPayloads({
    network,
    base: network,
    plan: planNetwork(network),
    blocked: [],
    company,
    changedAt: '2027-01-04T08:00:00Z',
    heldOrders: [],
    sentOrders: new Map(),
    told: [],
    sends: () => true,
    ...extra,
  }).payloads;
}

const forecast = sent(partnerView(demo, OEM)!, OEM).find(
  (entry) => entry.partner === TIER1 && entry.aspect === 'material-demand',
)!.payload as { demandSeries: { demands: { demand: number }[] }[]; changedAt: string };

/** The forecast with `extra` more in every week from the `from`-th on, changed at `changedAt`. */
function variant(extra: number, from: number, changedAt: string) {
  const copy = structuredClone(forecast);
  copy.changedAt = changedAt;
  for (const series of copy.demandSeries)
    series.demands.forEach((week, index) => {
      if (index >= from) week.demand = Math.max(0, week.demand + extra);
    });
  return copy;
}

function push(
  messageId: string,
  payload: unknown,
  aspect: Push['aspect'] = 'material-demand',
  partner = OEM,
) {
  return {
    aspect,
    payload,
    messageId,
    partner,
    dataset: `urn:keten:${partner}:demand-and-capacity:test`,
    model: String(ASPECT_SPECS[aspect].model),
  } satisfies Push;
}

function inbox(store: KetenStore, view: Network, company: string, overrides: Partial<InboxContext> = {}) {
  const commits: ExchangeChanges[] = [];
  const context: InboxContext = {
    company,
    view,
    effective: async () => view,
    now: () => Date.parse('2027-01-04T09:00:00Z'),
    store: store.exchange,
    commit: (changes) => {
      commits.push(changes);
      return store.exchange.commit(changes);
    },
    locked: (_keys, work) => work(),
    ...overrides,
  };
  return { context, commits };
}

async function state(store: KetenStore) {
  return {
    records: (await store.exchange.listRecords('received-demand')).map((record) => record.value),
    events: (await store.events.read()).map((event) => [event.key, event.payload]),
    audit: (await store.exchange.readAudit()).map((entry) => [entry.outcome, entry.reason]),
  };
}

const run = [
  push('m1', variant(0, 0, '2027-01-05T08:00:00Z')),
  push('m2', variant(3, 6, '2027-01-06T08:00:00Z')),
  push('m3', { ...variant(1, 0, '2027-01-07T08:00:00Z'), materialDemandId: 'not a uuid' }),
  push('m4', variant(-1, 10, '2027-01-08T08:00:00Z')),
  push('m2', variant(3, 6, '2027-01-06T08:00:00Z')),
  push('m5', variant(2, 4, '2027-01-09T08:00:00Z')),
];

describe('a run of pushes applied together', () => {
  it('gives what one at a time gives, in one commit, with the refused payload refused alone', async () => {
    const tier1 = partnerView(demo, TIER1)!;
    const alone = createMemoryStore();
    const oneByOne = inbox(alone, tier1, TIER1);
    const answersAlone = [];
    for (const entry of run)
      answersAlone.push(...(await applyPushes(SENDER, [entry], oneByOne.context)).answers);

    const together = createMemoryStore();
    const batched = inbox(together, tier1, TIER1);
    const { answers, replan } = await applyPushes(SENDER, run, batched.context);
    expect(batched.commits).toHaveLength(1);
    expect(batched.commits[0]!.receipts).toHaveLength(4);
    expect(replan).toBe(true);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 422, 200, 200, 200]);
    expect(answers[4]!.body).toEqual({ status: 'duplicate' });
    expect((answers[2]!.body as { message: string }).message).toMatch(/materialDemandId/);
    expect(answers).toEqual(answersAlone);
    expect(await state(together)).toEqual(await state(alone));
    const after = await state(together);
    // The forecast's weeks moved three times; the refused one is in the audit trail with its reason.
    expect(after.events.length).toBeGreaterThan(0);
    expect(after.audit.map(([outcome]) => outcome)).toEqual([
      'applied',
      'applied',
      'refused',
      'applied',
      'applied',
    ]);

    // The sender sends the run again (its answer was lost): nothing is applied twice.
    const again = await applyPushes(SENDER, run, batched.context);
    expect(again.answers.map((answer) => (answer.body as { status?: string }).status ?? 'refused')).toEqual([
      'duplicate',
      'duplicate',
      'refused',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(again.replan).toBe(false);
    const repeated = await state(together);
    expect(repeated.events).toEqual(after.events);
    expect(repeated.records).toEqual(after.records);
  });

  it('applies the run one at a time when a twin was accepted between the look-up and the commit', async () => {
    const tier1 = partnerView(demo, TIER1)!;
    const store = createMemoryStore();
    await applyPushes(SENDER, [run[1]!], inbox(store, tier1, TIER1).context);
    const before = await state(store);
    // The look-up misses it (as if the twin came in just after it).
    const { context, commits } = inbox(store, tier1, TIER1, {
      store: {
        ...store.exchange,
        acceptedReceipts: async () => new Set<string>(),
        getRecord: (kind, id) => store.exchange.getRecord(kind, id),
      },
    });
    const { answers } = await applyPushes(SENDER, [run[0]!, run[1]!, run[3]!], context);
    expect(commits[0]!.receipts).toHaveLength(3);
    expect(answers.map((answer) => (answer.body as { status: string }).status)).toEqual([
      'applied',
      'duplicate',
      'applied',
    ]);
    const after = await state(store);
    expect(after.audit).toHaveLength(before.audit.length + 2);
  });

  it('commits what came before a reader that needs the network as the events left it', async () => {
    const oemView = partnerView(demo, OEM)!;
    const capacity = sent(partnerView(demo, TIER1)!, TIER1).filter(
      (entry) => entry.partner === OEM && entry.aspect === 'capacity',
    );
    expect(capacity.length).toBeGreaterThan(0);
    const store = createMemoryStore();
    const seen: number[] = [];
    const { context, commits } = inbox(store, oemView, OEM, {
      effective: async () => {
        seen.push((await store.events.read()).length);
        return oemView;
      },
    });
    const lowered = (payload: unknown, changedAt: string) => {
      const copy = structuredClone(payload) as {
        changedAt: string;
        capacities: { actualCapacity: number }[];
      };
      copy.changedAt = changedAt;
      for (const week of copy.capacities) week.actualCapacity = 0;
      return copy;
    };
    const pushes = [
      push('c1', lowered(capacity[0]!.payload, '2027-01-05T08:00:00Z'), 'capacity', TIER1),
      push('c2', capacity[0]!.payload, 'capacity', TIER1),
    ];
    const { answers } = await applyPushes(SENDER, pushes, context);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    // The second read saw the first one's events committed: two commits, the first before it read.
    expect(commits).toHaveLength(2);
    expect(seen[0]).toBe(0);
    expect(seen[1]).toBeGreaterThan(0);
  });
});
