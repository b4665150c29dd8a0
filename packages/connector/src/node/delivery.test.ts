import { createMemoryStore, type OutboxMessage } from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type DeliveryResult,
  isRetryableStatus,
  OutboxDelivery,
  retryAfterMs,
} from './delivery.ts';

function message(id: string, to = 'http://b') {
  return { id, to, path: '/in', body: { id }, kind: 'test' };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('backoff', () => {
  it('doubles from the initial delay up to the maximum, with jitter in [0.5, 1)', () => {
    const low = { initialMs: 100, maxMs: 1000, random: () => 0 };
    const high = { initialMs: 100, maxMs: 1000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, low))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, high))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(5000, low)).toBe(500);
  });

  it('retries what may pass and refuses what will not (a 401 is a refusal: transient failures are 503)', () => {
    expect([408, 409, 425, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 422].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2027-01-04T08:00:00.000Z');
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('Mon, 04 Jan 2027 08:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 04 Jan 2027 07:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('999999999', now)).toBe(86_400_000);
    expect([undefined, null, '', 'soon', '-3'].map((header) => retryAfterMs(header, now))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('outbox delivery', () => {
  it('sends committed messages at once, in order per receiver, and marks them delivered', async () => {
    const store = createMemoryStore();
    const sent: string[] = [];
    const delivery = new OutboxDelivery(store.exchange, async (m) => {
      sent.push(`${m.to} ${m.id}`);
      return { kind: 'delivered' };
    });
    delivery.start();
    await store.exchange.commit({ outbox: [message('1'), message('2', 'http://c'), message('3')] });
    delivery.wake();
    await until(async () => (await store.exchange.listMessages()).length === 0);
    expect(sent.filter((line) => line.startsWith('http://b'))).toEqual(['http://b 1', 'http://b 3']);
    expect(sent).toHaveLength(3);
    expect((await store.exchange.listMessages({ state: 'delivered' })).map((m) => m.attempts)).toEqual([
      1, 1, 1,
    ]);
    await delivery.stop();
  });

  it('retries a receiver that is down with backoff, keeps its messages in order, and refuses for good what the receiver refuses', async () => {
    const store = createMemoryStore();
    let up = false;
    const received: string[] = [];
    const failures: string[] = [];
    const send = async (m: OutboxMessage): Promise<DeliveryResult> => {
      if (m.id === 'bad') return { kind: 'refused', error: '400 unknown negotiation' };
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      received.push(m.id);
      return { kind: 'delivered' };
    };
    const delivery = new OutboxDelivery(store.exchange, send, {
      backoff: { initialMs: 20, maxMs: 40 },
      onFailure: (m, result) => failures.push(`${m.id}: ${result.error}`),
    });
    delivery.start();
    await store.exchange.commit({ outbox: [message('a'), message('b'), message('bad', 'http://c')] });
    delivery.wake();
    await until(async () => (await store.exchange.listMessages({ state: 'abandoned' })).length === 1);
    await until(async () => (await store.exchange.listMessages())[0]!.attempts >= 2);
    expect(received).toEqual([]);
    const pending = await store.exchange.listMessages();
    expect(pending.map((m) => m.id)).toEqual(['a', 'b']);
    expect(pending[0]!.lastError).toContain('ECONNREFUSED');
    expect(pending[1]!.lastError).toContain('waiting for message a');
    up = true;
    await until(async () => (await store.exchange.listMessages()).length === 0);
    expect(received).toEqual(['a', 'b']);
    const [abandoned] = await store.exchange.listMessages({ state: 'abandoned' });
    expect(abandoned?.lastError).toBe('400 unknown negotiation');
    expect(failures).toContain('bad: 400 unknown negotiation');
    await delivery.stop();
  });

  it('looks no further than the pass when everything went through, and for the next due time after a failure', async () => {
    const store = createMemoryStore();
    const looks = { due: 0, next: 0 };
    const counted = {
      ...store.exchange,
      dueMessages: (now: string, limit: number) => {
        looks.due += 1;
        return store.exchange.dueMessages(now, limit);
      },
      nextDueAt: () => {
        looks.next += 1;
        return store.exchange.nextDueAt();
      },
      markDelivered: store.exchange.markDelivered.bind(store.exchange),
      markAttemptFailed: store.exchange.markAttemptFailed.bind(store.exchange),
    };
    let fail = 0;
    const delivery = new OutboxDelivery(
      counted,
      async () => (fail-- > 0 ? { kind: 'retry', error: '503 busy' } : { kind: 'delivered' }),
      { backoff: { initialMs: 10, maxMs: 10 } },
    );
    delivery.start();
    await delivery.idle();
    // The start: one pass and one look for messages due later (a restart may have left some).
    expect(looks).toEqual({ due: 1, next: 1 });
    for (const id of ['a', 'b', 'c']) {
      await store.exchange.commit({ outbox: [message(id)] });
      delivery.wake();
      await delivery.idle();
    }
    expect(await store.exchange.listMessages()).toEqual([]);
    // Each wake read the due messages once, and nothing waits: no further look.
    expect(looks).toEqual({ due: 4, next: 1 });
    fail = 1;
    await store.exchange.commit({ outbox: [message('d')] });
    delivery.wake();
    await until(async () => (await store.exchange.listMessages()).length === 0);
    await delivery.idle();
    // The failed attempt made it look for the next due time, and the timer sent it again.
    expect(looks.next).toBeGreaterThanOrEqual(2);
    expect((await store.exchange.listMessages({ state: 'delivered' })).map((m) => m.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    await delivery.stop();
  });

  it('sends what it is handed as committed without reading it back, and each message once however it learns of it', async () => {
    const store = createMemoryStore();
    let reads = 0;
    const counted = {
      ...store.exchange,
      dueMessages: (now: string, limit: number) => {
        reads += 1;
        return store.exchange.dueMessages(now, limit);
      },
      nextDueAt: store.exchange.nextDueAt.bind(store.exchange),
      markDelivered: store.exchange.markDelivered.bind(store.exchange),
      markAttemptFailed: store.exchange.markAttemptFailed.bind(store.exchange),
    };
    const sent: string[] = [];
    let fail = 0;
    const delivery = new OutboxDelivery(
      counted,
      async (m) => {
        sent.push(m.id);
        return fail-- > 0 ? { kind: 'retry', error: '503 busy' } : { kind: 'delivered' };
      },
      { backoff: { initialMs: 10, maxMs: 10 } },
    );
    delivery.start();
    await delivery.idle();
    expect(reads).toBe(1);
    const commit = async (...ids: string[]) => {
      const outcome = await store.exchange.commit({ outbox: ids.map((id) => message(id)) });
      if (outcome.status !== 'committed') throw new Error('not committed');
      return outcome.outbox;
    };
    for (const id of ['a', 'b']) delivery.offer(await commit(id));
    delivery.offer(await commit('c', 'd'));
    await delivery.idle();
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
    // Handed over: not one read of the store for them.
    expect(reads).toBe(1);
    expect((await store.exchange.listMessages({ state: 'delivered' })).map((m) => m.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    // Handed over and also announced (wake): read from the store, sent once.
    const e = await commit('e');
    delivery.wake();
    delivery.offer(e);
    await delivery.idle();
    expect(sent.filter((id) => id === 'e')).toEqual(['e']);
    expect(reads).toBe(2);
    // Handed over and refused for now: the retry comes from the store, once it is due, and nothing twice.
    fail = 1;
    delivery.offer(await commit('f', 'g'));
    await until(async () => (await store.exchange.listMessages()).length === 0);
    await delivery.idle();
    expect(sent.slice(5)).toEqual(['f', 'f', 'g']);
    expect(reads).toBeGreaterThan(2);
    expect(await store.exchange.listMessages()).toEqual([]);
    await delivery.stop();
  });

  it('sends what was left in the outbox before a restart', async () => {
    const store = createMemoryStore();
    await store.exchange.commit({ outbox: [message('left-over')] });
    const sent: string[] = [];
    const delivery = new OutboxDelivery(store.exchange, async (m) => {
      sent.push(m.id);
      return { kind: 'delivered' };
    });
    delivery.start();
    await until(() => sent.length === 1);
    await delivery.idle();
    expect(await store.exchange.listMessages()).toEqual([]);
    await delivery.stop();
  });

  it('sends nothing after stop, and keeps it for the next start', async () => {
    const store = createMemoryStore();
    const sent: string[] = [];
    const delivery = new OutboxDelivery(store.exchange, async (m) => {
      sent.push(m.id);
      return { kind: 'delivered' };
    });
    await delivery.stop();
    await store.exchange.commit({ outbox: [message('later')] });
    delivery.wake();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sent).toEqual([]);
    delivery.start();
    await until(() => sent.length === 1);
    await delivery.stop();
  });

  it('sends runs of data-plane messages to one receiver together, in order, and DSP messages alone', async () => {
    const store = createMemoryStore();
    const requests: string[][] = [];
    const delivered: string[] = [];
    const delivery = new OutboxDelivery(
      store.exchange,
      async (m) => {
        requests.push([m.id]);
        return { kind: 'delivered', answer: { alone: m.id } };
      },
      {
        batchSize: 3,
        sendBatch: async (run) => {
          requests.push(run.map((m) => m.id));
          return run.map((m) => ({ kind: 'delivered', answer: { together: m.id } }));
        },
        onDelivered: async (m, answer) => {
          delivered.push(`${m.id} ${JSON.stringify(answer)}`);
        },
      },
    );
    await store.exchange.commit({
      outbox: [
        message('1'),
        message('2'),
        { ...message('dsp'), kind: 'dspace:ContractRequestMessage' },
        message('3'),
        message('4'),
        message('5'),
        message('6'),
        message('7'),
        message('c1', 'http://c'),
      ],
    });
    delivery.start();
    await until(async () => (await store.exchange.listMessages()).length === 0);
    await delivery.stop();
    const toB = requests.filter((run) => run[0] !== 'c1');
    expect(toB).toEqual([['1', '2'], ['dsp'], ['3', '4', '5'], ['6', '7']]);
    expect(requests).toContainEqual(['c1']);
    expect(delivered.filter((line) => !line.startsWith('c1'))).toEqual([
      '1 {"together":"1"}',
      '2 {"together":"2"}',
      'dsp {"alone":"dsp"}',
      '3 {"together":"3"}',
      '4 {"together":"4"}',
      '5 {"together":"5"}',
      '6 {"together":"6"}',
      '7 {"together":"7"}',
    ]);
    expect((await store.exchange.listMessages({ state: 'delivered' })).every((m) => m.attempts === 1)).toBe(
      true,
    );
  });

  it('keeps order when the receiver stops inside a batch: the refused are given up, the rest retried from the failing one', async () => {
    const store = createMemoryStore();
    const applied: string[] = [];
    let failNext = true;
    const delivery = new OutboxDelivery(store.exchange, async () => ({ kind: 'delivered' }), {
      backoff: { initialMs: 10, maxMs: 20 },
      sendBatch: async (run) => {
        const results: DeliveryResult[] = [];
        for (const m of run) {
          if (m.id === 'bad') {
            results.push({ kind: 'refused', error: '422 invalid payload' });
            continue;
          }
          if (m.id === 'c' && failNext) {
            failNext = false;
            // A receiver busy for a moment: it says when to come back, and applies nothing after it.
            results.push({ kind: 'retry', error: '503 unavailable', retryAfterMs: 80 });
            return results;
          }
          applied.push(m.id);
          results.push({ kind: 'delivered' });
        }
        return results;
      },
    });
    await store.exchange.commit({
      outbox: ['a', 'bad', 'b', 'c', 'd', 'e'].map((id) => message(id)),
    });
    const started = Date.now();
    delivery.start();
    await until(async () => (await store.exchange.listMessages())[0]?.attempts === 1);
    const waiting = await store.exchange.listMessages();
    expect(waiting.map((m) => [m.id, m.attempts])).toEqual([
      ['c', 1],
      ['d', 1],
      ['e', 1],
    ]);
    expect(waiting[1]!.lastError).toBe('waiting for message c to http://b: 503 unavailable');
    await until(async () => (await store.exchange.listMessages()).length === 0);
    // The receiver's Retry-After (80 ms) counted, not the 10 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(applied).toEqual(['a', 'b', 'c', 'd', 'e']);
    const [abandoned] = await store.exchange.listMessages({ state: 'abandoned' });
    expect([abandoned?.id, abandoned?.lastError]).toEqual(['bad', '422 invalid payload']);
    await delivery.stop();
  });
  it('sends a message committed while an earlier one to its receiver waits for a retry only after that one', async () => {
    // A forecast T+1, then T (its attempt fails: the receiver is down), then T+1 again while T waits:
    // the receiver must end with T+1, so T may not come after it.
    const store = createMemoryStore();
    let up = false;
    const applied: string[] = [];
    const delivery = new OutboxDelivery(
      store.exchange,
      async (m) => {
        if (!up) return { kind: 'retry', error: 'connect ECONNREFUSED', retryAfterMs: 60 };
        applied.push(m.id);
        return { kind: 'delivered' };
      },
      { backoff: { initialMs: 1, maxMs: 1 } },
    );
    delivery.start();
    await delivery.idle();
    const commit = async (...messages: ReturnType<typeof message>[]) => {
      const outcome = await store.exchange.commit({ outbox: messages });
      if (outcome.status !== 'committed') throw new Error('not committed');
      delivery.offer(outcome.outbox);
      await delivery.idle();
    };
    await commit(message('T'));
    expect((await store.exchange.listMessages())[0]?.attempts).toBe(1);
    up = true;
    // Handed over at once (the fresh path), and another receiver's message meanwhile.
    await commit(message('T+1'), message('other', 'http://c'));
    expect(applied).toEqual(['other']);
    await until(async () => (await store.exchange.listMessages()).length === 0);
    expect(applied).toEqual(['other', 'T', 'T+1']);
    await delivery.stop();
  });

  it("sends a receiver's messages in order however their retries fall due, across restarts", async () => {
    // The later message failed alone with a shorter wait than the earlier one (jitter, Retry-After).
    const store = createMemoryStore();
    await store.exchange.commit({ outbox: [message('first'), message('second')] });
    const [first, second] = await store.exchange.listMessages();
    const soon = new Date(Date.now() + 10).toISOString();
    const later = new Date(Date.now() + 80).toISOString();
    await store.exchange.markAttemptFailed(first!.sequence, '503 busy', later);
    await store.exchange.markAttemptFailed(second!.sequence, '503 busy', soon);
    const applied: string[] = [];
    const delivery = new OutboxDelivery(store.exchange, async (m) => {
      applied.push(m.id);
      return { kind: 'delivered' };
    });
    delivery.start();
    await until(async () => (await store.exchange.listMessages()).length === 0);
    expect(applied).toEqual(['first', 'second']);
    await delivery.stop();
  });

  it("delivers each receiver's messages once and in commit order whatever fails and when (property)", async () => {
    type Step =
      | { readonly kind: 'commit'; readonly to: number; readonly count: number }
      | { readonly kind: 'toggle'; readonly to: number }
      | { readonly kind: 'wait'; readonly ms: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('commit' as const),
        to: fc.nat(1),
        count: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ kind: fc.constant('toggle' as const), to: fc.nat(1) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 15 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (steps, waits, batched) => {
          const store = createMemoryStore();
          const down = [false, false];
          const applied: string[][] = [[], []];
          let failures = 0;
          const receiver = (m: OutboxMessage) => (m.to === 'http://r0' ? 0 : 1);
          const attempt = (m: OutboxMessage): DeliveryResult => {
            if (down[receiver(m)]) {
              // Each failure asks for its own wait: retries fall due in any order.
              const retryAfterMs = waits[failures++ % waits.length]!;
              return { kind: 'retry', error: 'down', retryAfterMs };
            }
            applied[receiver(m)]!.push(m.id);
            return { kind: 'delivered' };
          };
          const delivery = new OutboxDelivery(store.exchange, async (m) => attempt(m), {
            backoff: { initialMs: 1, maxMs: 4 },
            ...(batched
              ? {
                  sendBatch: async (run: readonly OutboxMessage[]) => {
                    const results: DeliveryResult[] = [];
                    for (const m of run) {
                      const result = attempt(m);
                      results.push(result);
                      if (result.kind !== 'delivered') break;
                    }
                    return results;
                  },
                }
              : {}),
          });
          delivery.start();
          const committed: string[][] = [[], []];
          let next = 0;
          for (const each of steps) {
            if (each.kind === 'toggle') down[each.to] = !down[each.to];
            else if (each.kind === 'wait') await new Promise((resolve) => setTimeout(resolve, each.ms));
            else {
              const ids = Array.from({ length: each.count }, () => `m${next++}`);
              committed[each.to]!.push(...ids);
              const outcome = await store.exchange.commit({
                outbox: ids.map((id) => message(id, `http://r${each.to}`)),
              });
              if (outcome.status === 'committed') delivery.offer(outcome.outbox);
            }
          }
          down[0] = false;
          down[1] = false;
          await until(async () => (await store.exchange.listMessages()).length === 0);
          await delivery.stop();
          expect(applied).toEqual(committed);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
