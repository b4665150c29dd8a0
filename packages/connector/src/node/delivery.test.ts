import { createMemoryStore, type OutboxMessage } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { backoffDelay, type DeliveryResult, isRetryableStatus, OutboxDelivery } from './delivery.ts';

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

  it('retries what may pass and refuses what will not', () => {
    expect([401, 408, 409, 425, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 403, 404, 410, 422].some(isRetryableStatus)).toBe(false);
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
});
