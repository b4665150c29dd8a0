import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamClient, type StreamSink } from '../stream-hub.ts';
import { body, importTwoTier, type TestServer, testServer } from '../test-support.ts';

interface Message {
  readonly event: string;
  readonly id?: string;
  readonly data: unknown;
}

/** An open stream: messages as they arrive, comments counted. */
interface Stream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  next(what: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  readonly received: Message[];
  comments: number;
  close(): void;
}

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await testServer({ stream: { pollMs: 20, heartbeatMs: 200 } });
  await importTwoTier(server);
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function open(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${base}${path}`, { headers }, (response) => {
      const received: Message[] = [];
      const waiting: { what: (message: Message) => boolean; resolve: (message: Message) => void }[] = [];
      let buffer = '';
      const stream: Stream = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        received,
        comments: 0,
        next(what, timeoutMs = 5000) {
          const found = received.find(what);
          if (found !== undefined) {
            received.splice(received.indexOf(found), 1);
            return Promise.resolve(found);
          }
          return new Promise((yes, no) => {
            const timer = setTimeout(
              () => no(new Error(`no such message within ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiting.push({
              what,
              resolve: (message) => {
                clearTimeout(timer);
                yes(message);
              },
            });
          });
        },
        close: () => request.destroy(),
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end < 0) break;
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) {
            stream.comments++;
            continue;
          }
          const fields = new Map(
            block
              .split('\n')
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          if (!fields.has('event')) continue;
          const message: Message = {
            event: fields.get('event')!,
            ...(fields.has('id') ? { id: fields.get('id')! } : {}),
            data: JSON.parse(fields.get('data') ?? 'null'),
          };
          const taker = waiting.findIndex((entry) => entry.what(message));
          if (taker >= 0) waiting.splice(taker, 1)[0]!.resolve(message);
          else received.push(message);
        }
      });
      resolve(stream);
    });
    request.on('error', reject);
  });
}

const bearer = (role: 'viewer' | 'planner' | 'admin') => ({ authorization: `Bearer ${server.tokens[role]}` });

let counter = 0;
async function append(payload: Record<string, unknown>, type = 'capacity.changed') {
  counter++;
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/events',
    payload: {
      events: [{ type, key: `stream-${counter}`, at: '2027-01-05T10:00:00Z', source: 'test', payload }],
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return body<{ appended: { sequence: number; key: string }[] }>(response).appended[0]!;
}

const isLog = (key: string) => (message: Message) =>
  message.event === 'log' && (message.data as { key: string }).key === key;

describe('GET /api/v1/stream', () => {
  it("carries an event POSTed by one client to another's stream, and a re-plan after it as a diff", async () => {
    const stream = await open('/api/v1/stream', bearer('viewer'));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const ready = await stream.next((message) => message.event === 'ready');
    expect(ready.data).toMatchObject({ user: 'viewer', topics: ['log', 'plan', 'jobs'] });

    const appended = await append({ company: 'frame-a', item: 'frame', from: 3, capacity: 2 });
    const log = await stream.next(isLog(appended.key));
    expect(log.id).toBe(String(appended.sequence));
    expect(log.data).toMatchObject({ type: 'capacity.changed', sequence: appended.sequence });

    const replan = await stream.next((message) => message.event === 'plan.changes');
    const changes = replan.data as { network: string; through: number; diff: { orders: unknown } };
    expect(changes.network).toBe('two-tier');
    expect(changes.through).toBeGreaterThanOrEqual(appended.sequence);
    expect(changes.diff.orders).toBeDefined();
    const stored = body<{ through: number }>(
      await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/plan/changes' }),
    );
    expect(stored.through).toBe(changes.through);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(stream.comments).toBeGreaterThanOrEqual(1);
    stream.close();
  });

  it('resumes after a reconnect with Last-Event-ID and loses nothing, with no duplicates', async () => {
    const first = await open('/api/v1/stream?topics=log', bearer('viewer'));
    await first.next((message) => message.event === 'ready');
    const one = await append({ note: 1 }, 'machine.status');
    const seen = await first.next(isLog(one.key));
    first.close();
    const missed = [await append({ note: 2 }, 'machine.status'), await append({ note: 3 }, 'machine.status')];
    const second = await open('/api/v1/stream?topics=log', {
      ...bearer('viewer'),
      'last-event-id': seen.id!,
    });
    const ready = await second.next((message) => message.event === 'ready');
    expect(ready.data).toMatchObject({ from: one.sequence });
    const live = await append({ note: 4 }, 'machine.status');
    await second.next(isLog(live.key));
    const keys = [...second.received, { event: 'log', data: { key: live.key } }]
      .filter((message) => message.event === 'log')
      .map((message) => (message.data as { key: string }).key);
    // The missed events came first, in order, and nothing twice.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const all = [...missed.map((event) => event.key), live.key];
    expect(keys.slice(0, 2)).toEqual(all.slice(0, 2));
    expect(new Set(keys).size).toBe(keys.length);
    expect(second.received.some((message) => message.event === 'plan.changes')).toBe(false);
    second.close();
  });

  it('starts a new stream at the end of the log, also after a time nobody listened', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const quiet = await append({ note: 'while nobody listened' }, 'machine.status');
    const stream = await open('/api/v1/stream?topics=log', bearer('viewer'));
    const ready = await stream.next((message) => message.event === 'ready');
    expect(ready.data).toMatchObject({ head: quiet.sequence, from: quiet.sequence });
    const next = await append({ note: 'live' }, 'machine.status');
    await stream.next(isLog(next.key));
    expect(stream.received.filter((message) => message.event === 'log')).toEqual([]);
    stream.close();
  });

  it('opens with a one-time ticket for EventSource; refuses no token, a used and an expired ticket', async () => {
    const issued = await server.as('viewer', { method: 'POST', url: '/api/v1/stream/ticket' });
    expect(issued.statusCode, issued.body).toBe(200);
    const { ticket } = body<{ ticket: string; expiresAt: string }>(issued);
    const stream = await open(`/api/v1/stream?ticket=${encodeURIComponent(ticket)}`);
    expect(stream.status).toBe(200);
    expect((await stream.next((message) => message.event === 'ready')).data).toMatchObject({
      user: 'viewer',
    });
    stream.close();
    const again = await open(`/api/v1/stream?ticket=${encodeURIComponent(ticket)}`);
    expect(again.status).toBe(401);
    again.close();
    const anonymous = await open('/api/v1/stream');
    expect(anonymous.status).toBe(401);
    anonymous.close();
    const late = body<{ ticket: string }>(
      await server.as('viewer', { method: 'POST', url: '/api/v1/stream/ticket' }),
    );
    server.clock.advance(31_000);
    const expired = await open(`/api/v1/stream?ticket=${encodeURIComponent(late.ticket)}`);
    expect(expired.status).toBe(401);
    expired.close();
    const badTopic = await open('/api/v1/stream?topics=log,weather', bearer('viewer'));
    expect(badTopic.status).toBe(400);
    badTopic.close();
  });

  it("shows a job's progress to its owner and admins only", async () => {
    const viewer = await open('/api/v1/stream?topics=jobs', bearer('viewer'));
    const admin = await open('/api/v1/stream?topics=jobs', bearer('admin'));
    const planner = await open('/api/v1/stream?topics=jobs', bearer('planner'));
    for (const stream of [viewer, admin, planner]) await stream.next((message) => message.event === 'ready');
    const started = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks/two-tier/stress-test',
      payload: {},
    });
    expect(started.statusCode, started.body).toBe(202);
    const id = body<{ id: string }>(started).id;
    const finished = (message: Message) =>
      message.event === 'job' &&
      (message.data as { id: string; state: string }).id === id &&
      (message.data as { state: string }).state === 'succeeded';
    await planner.next(finished, 20_000);
    await admin.next(finished, 20_000);
    expect(viewer.received.filter((message) => message.event === 'job')).toEqual([]);
    for (const stream of [viewer, admin, planner]) stream.close();
  }, 30_000);

  it('ends the stream of a user who is disabled', async () => {
    const stream = await open('/api/v1/stream?topics=log', bearer('viewer'));
    await stream.next((message) => message.event === 'ready');
    await server.store.access.updateUser('viewer', { disabled: true });
    try {
      const closed = await stream.next((message) => message.event === 'closed', 2000);
      expect(closed.data).toEqual({ reason: 'the account is disabled' });
    } finally {
      await server.store.access.updateUser('viewer', { disabled: false });
      stream.close();
    }
  });
});

describe('stream logs', () => {
  it('never writes a ticket to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await testServer({ logger: pino({ level: 'info' }, sink) });
    try {
      const response = await logged.app.inject({
        method: 'GET',
        url: '/api/v1/stream?ticket=ktt_not-a-real-ticket',
      });
      expect(response.statusCode).toBe(401);
      // The log works: other requests are logged with their URL.
      await logged.app.inject({ method: 'GET', url: '/health?probe=1' });
      expect(lines.join('')).toContain('/health?probe=1');
      expect(lines.join('')).not.toContain('not-a-real-ticket');
    } finally {
      await logged.close();
    }
  });
});

describe('StreamClient back-pressure', () => {
  /** A sink that takes nothing: what is written stays buffered. */
  function stuckSink() {
    let buffered = 0;
    let destroyed = false;
    const sink: StreamSink = {
      get writableLength() {
        return buffered;
      },
      get destroyed() {
        return destroyed;
      },
      write(chunk) {
        buffered += chunk.length;
        return false;
      },
      end() {
        destroyed = true;
      },
      destroy() {
        destroyed = true;
      },
      on() {
        return sink;
      },
    };
    return sink;
  }

  it('drops a client that does not take what it is sent instead of buffering it', () => {
    const sink = stuckSink();
    const dropped: string[] = [];
    const limits = {
      pollMs: 1,
      heartbeatMs: 1,
      maxBufferBytes: 1000,
      stallMs: 50,
      maxMessageBytes: 1000,
      maxClients: 1,
      maxClientsPerUser: 1,
    };
    const principal = { kind: 'user', username: 'ann', role: 'viewer', token: { id: 'x' } } as never;
    const client = new StreamClient(
      { principal },
      sink,
      new Set(['log']),
      undefined,
      0,
      limits,
      (_client, why) => {
        dropped.push(why);
        sink.destroy();
      },
    );
    let sent = 0;
    while (client.send('log', { padding: 'x'.repeat(100) })) sent++;
    expect(sent).toBeGreaterThan(0);
    expect(sink.writableLength).toBeLessThanOrEqual(1000);
    expect(dropped).toHaveLength(1);
    expect(client.send('log', {})).toBe(false);
    expect(client.stalled(performance.now() + 51)).toBe(true);
  });
});
