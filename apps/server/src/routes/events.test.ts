import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, type TestServer, testServer } from '../test-support.ts';

type Stored = { type: string; key: string; sequence: number; at: string; recordedAt: string };
type Outcome = { appended: Stored[]; duplicates: string[] };
type ErrorBody = { error: { code: string; message: string; details?: unknown } };

let server: TestServer;
beforeEach(async () => {
  server = await testServer();
});
afterEach(() => server.close());

const event = (key: string, type = 'order.created') => ({
  type,
  key,
  at: '2027-01-04T08:00:00Z',
  source: 'oem',
  payload: { quantity: 4 },
});
const append = (events: unknown) =>
  server.as('planner', { method: 'POST', url: '/api/v1/events', payload: { events } });
const read = async (query = '') =>
  body<{ events: Stored[] }>(await server.as('viewer', { method: 'GET', url: `/api/v1/events${query}` }))
    .events;

describe('POST /api/v1/events', () => {
  it('appends, and answers a repeat with 200 and the duplicate keys', async () => {
    const first = await append([event('po-1'), event('po-2')]);
    expect(first.statusCode).toBe(201);
    const outcome = body<Outcome>(first);
    expect(outcome.appended.map((stored) => stored.key)).toEqual(['po-1', 'po-2']);
    expect(outcome.duplicates).toEqual([]);

    const again = await append([event('po-1'), event('po-2')]);
    expect(again.statusCode).toBe(200);
    expect(body<Outcome>(again)).toEqual({ appended: [], duplicates: ['po-1', 'po-2'] });

    const mixed = await append([event('po-2'), event('po-3')]);
    expect(mixed.statusCode).toBe(201);
    expect(body<Outcome>(mixed).appended.map((stored) => stored.key)).toEqual(['po-3']);
    expect(body<Outcome>(mixed).duplicates).toEqual(['po-2']);
    expect((await read()).map((stored) => stored.key)).toEqual(['po-1', 'po-2', 'po-3']);
  });

  it('keeps the first of two events with one key in the same request', async () => {
    const response = await append([event('po-1'), { ...event('po-1'), payload: { quantity: 99 } }]);
    expect(body<Outcome>(response)).toMatchObject({ appended: [{ key: 'po-1' }], duplicates: ['po-1'] });
  });

  it('refuses malformed events with 400, saying which and why, and stores none of them', async () => {
    const cases: [unknown, RegExp][] = [
      [[], /at least one event/],
      [[{ ...event('a'), type: 'Order Created' }], /dotted lower-case/],
      [[{ ...event('a'), at: 'yesterday' }], /ISO 8601/],
      [[{ ...event('a'), at: '2027-01-04T08:00:00' }], /ISO 8601/],
      [[{ ...event('a'), extra: 1 }], /./],
      [[{ type: 'order.created', key: 'a', at: '2027-01-04T08:00:00Z', source: 'oem' }], /payload/],
      [[event('ok'), { ...event(''), key: '' }], /idempotency key/],
    ];
    for (const [events, message] of cases) {
      const response = await append(events);
      expect(response.statusCode, JSON.stringify(events)).toBe(400);
      const error = body<ErrorBody>(response).error;
      expect(error.code).toBe('invalid-request');
      expect(JSON.stringify(error.details)).toMatch(message);
    }
    expect(await read()).toEqual([]);
  });

  it('refuses what the store cannot hold with 400, not 500', async () => {
    const response = await append([{ ...event('a'), at: '2027-01-04T08:00:00.1234567891Z' }]);
    expect(response.statusCode).toBe(400);
    expect(body<ErrorBody>(response).error.code).toBe('invalid-request');
  });

  it('refuses a body without the events list', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      payload: [event('a')],
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /api/v1/events', () => {
  beforeEach(async () => {
    await append([event('po-1'), event('st-1', 'status.changed'), event('po-2'), event('po-3')]);
  });

  it('reads after a sequence, by type, with a limit', async () => {
    const all = await read();
    expect(all.map((stored) => stored.key)).toEqual(['po-1', 'st-1', 'po-2', 'po-3']);
    const sequences = all.map((stored) => stored.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect((await read(`?after=${all[1]!.sequence}`)).map((stored) => stored.key)).toEqual(['po-2', 'po-3']);
    expect((await read('?type=status.changed')).map((stored) => stored.key)).toEqual(['st-1']);
    expect((await read('?limit=2')).map((stored) => stored.key)).toEqual(['po-1', 'st-1']);
    expect((await read('?source=nobody')).length).toBe(0);
  });

  it('refuses a limit outside 1..10000 and unknown parameters', async () => {
    for (const query of ['?limit=0', '?limit=10001', '?after=-1', '?after=1e3', '?colour=red']) {
      const response = await server.as('viewer', { method: 'GET', url: `/api/v1/events${query}` });
      expect(response.statusCode, query).toBe(400);
    }
  });
});
