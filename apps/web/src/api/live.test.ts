import { describe, expect, it } from 'vitest';
import {
  connectLive,
  type LiveEnvironment,
  type LiveState,
  type LogEvent,
  reconnectDelay,
  type StreamSource,
  streamUrl,
} from './live.ts';

describe('live stream', () => {
  it('waits longer after each failed attempt, at most 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('asks for one network, its log and re-plans, resuming after the last sequence seen', () => {
    const url = new URL(streamUrl('t/1+', 'demo net', 41), 'http://node');
    expect(url.pathname).toBe('/api/v1/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ticket: 't/1+',
      topics: 'log,plan',
      network: 'demo net',
      after: '41',
    });
    expect(new URL(streamUrl('t', 'n', undefined), 'http://node').searchParams.has('after')).toBe(false);
  });
});

/** A stream as the server would send it, driven by the test. */
class FakeSource implements StreamSource {
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  readonly #listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  send(type: string, data: unknown): void {
    if (this.closed) return;
    for (const listener of this.#listeners.get(type) ?? [])
      listener({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
  drop(): void {
    this.onerror?.(new Event('error'));
  }
  get after(): string | null {
    return new URL(this.url, 'http://node').searchParams.get('after');
  }
}

function fakeNode() {
  const sources: FakeSource[] = [];
  const timers: { run: () => void; milliseconds: number; cleared: boolean }[] = [];
  let tickets = 0;
  const environment: LiveEnvironment = {
    ticket: async () => `ticket-${++tickets}`,
    open: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    setTimeout: (run, milliseconds) => {
      const timer = { run, milliseconds, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      if (timer !== undefined) (timer as { cleared: boolean }).cleared = true;
    },
  };
  let state: Partial<LiveState> = {};
  const logs: LogEvent[] = [];
  const connect = () =>
    connectLive(
      'demo',
      () => ({ onLog: (event) => logs.push(event) }),
      (change) => {
        state = { ...state, ...change };
      },
      environment,
    );
  /** Lets the ticket's promise settle, then fires the waiting timers. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const fireTimers = async () => {
    for (const timer of timers.splice(0)) if (!timer.cleared) timer.run();
    await settle();
  };
  return { sources, timers, environment, connect, settle, fireTimers, logs, state: () => state };
}

const logEvent = (sequence: number): LogEvent => ({
  sequence,
  type: 'capacity.changed',
  key: `k${sequence}`,
  at: '2027-01-01T00:00:00Z',
  source: 'test',
  payload: {},
});

describe('connectLive', () => {
  it('resumes from ready.from when the stream drops before any log event arrived', async () => {
    const node = fakeNode();
    node.connect();
    await node.settle();
    expect(node.sources).toHaveLength(1);
    expect(node.sources[0]!.after).toBeNull();
    node.sources[0]!.send('ready', { head: 57, from: 57 });
    expect(node.state()).toMatchObject({ state: 'live', sequence: 57 });
    node.sources[0]!.drop();
    expect(node.state()).toMatchObject({
      state: 'reconnecting',
      problem: 'the connection to the node dropped',
    });
    expect(node.sources[0]!.closed).toBe(true);
    await node.fireTimers();
    // Event 58, appended while the connection was down, is sent on the new one.
    expect(node.sources[1]!.after).toBe('57');
    node.sources[1]!.send('ready', { head: 58, from: 57 });
    node.sources[1]!.send('log', logEvent(58));
    expect(node.logs.map((event) => event.sequence)).toEqual([58]);
    expect(node.state()).toMatchObject({ state: 'live', sequence: 58, reconnects: 1 });
  });

  it('resumes after the last log event seen, past the ready message', async () => {
    const node = fakeNode();
    node.connect();
    await node.settle();
    node.sources[0]!.send('ready', { head: 3, from: 3 });
    node.sources[0]!.send('log', logEvent(4));
    node.sources[0]!.send('log', logEvent(9));
    node.sources[0]!.send('closed', { reason: 'shutting down' });
    expect(node.state().problem).toBe('the node ended the stream (shutting down)');
    await node.fireTimers();
    expect(node.sources[1]!.after).toBe('9');
  });

  it('reconnects once for a closed message and the error that follows it, waiting longer each time', async () => {
    const node = fakeNode();
    node.connect();
    await node.settle();
    node.sources[0]!.send('closed', {});
    node.sources[0]!.drop();
    expect(node.timers.filter((timer) => !timer.cleared)).toHaveLength(1);
    await node.fireTimers();
    expect(node.sources).toHaveLength(2);
    node.sources[1]!.drop();
    expect(node.timers.map((timer) => timer.milliseconds)).toEqual([2000]);
    await node.fireTimers();
    // A good connection starts the waits again from 1 s.
    node.sources[2]!.send('ready', { from: 0 });
    node.sources[2]!.drop();
    expect(node.timers.map((timer) => timer.milliseconds)).toEqual([1000]);
  });

  it('ignores a closed connection and stops for good when closed', async () => {
    const node = fakeNode();
    const close = node.connect();
    await node.settle();
    const first = node.sources[0]!;
    first.drop();
    await node.fireTimers();
    first.onerror?.(new Event('error'));
    expect(node.timers).toHaveLength(0);
    close();
    expect(node.sources[1]!.closed).toBe(true);
    node.sources[1]!.drop();
    expect(node.timers).toHaveLength(0);
  });

  it('retries when no ticket is given, saying why', async () => {
    const node = fakeNode();
    let refusals = 1;
    const ticket = node.environment.ticket;
    node.environment.ticket = async () => {
      if (refusals-- > 0) throw new Error('the keten node did not answer');
      return ticket();
    };
    node.connect();
    await node.settle();
    expect(node.state()).toMatchObject({ state: 'reconnecting', problem: 'the keten node did not answer' });
    await node.fireTimers();
    expect(node.sources).toHaveLength(1);
  });
});
