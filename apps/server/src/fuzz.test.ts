/**
 * Property tests of the endpoints that take arbitrary input: whatever the body, the answer is never a
 * 500 and never carries a stack trace; an error answer always has a code from the table.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_STATUS } from './errors.ts';
import { leaksInternals, NETWORK_YAML, networkObject, type TestServer, testServer } from './test-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await testServer({ bodyLimit: 64 * 1024, yamlBodyLimit: 16 * 1024 });
});
afterAll(() => server.close());

const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'text/yaml',
  'application/json; charset=utf-8',
  'text/plain',
  'application/octet-stream',
] as const;

/** Bodies from plain garbage to almost-valid networks. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  // A valid network with one field replaced by an arbitrary JSON value.
  fc
    .tuple(fc.constantFrom(...Object.keys(networkObject())), fc.jsonValue({ maxDepth: 3 }))
    .map(([field, value]) => JSON.stringify({ ...networkObject(), [field]: value })),
  // The YAML network cut off or with a span of it replaced.
  fc
    .tuple(fc.nat(NETWORK_YAML.length), fc.nat(40), fc.string({ maxLength: 20 }))
    .map(([at, length, insert]) => NETWORK_YAML.slice(0, at) + insert + NETWORK_YAML.slice(at + length)),
  // Deep nesting and YAML aliases.
  fc.nat({ max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constant('a: &a [1, 2]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c]\n'),
);

/** Event-shaped bodies: the right keys with arbitrary values, and arbitrary keys. */
const eventBody = fc
  .array(
    fc.record(
      {
        type: fc.oneof(fc.constantFrom('order.created', 'status.changed'), fc.string()),
        key: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue()),
        at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          fc.string(),
          fc.constantFrom(
            '2027-01-04T08:00:00.123456789123Z',
            '2027-02-29T00:00:00Z',
            '+275760-09-13T00:00:00Z',
          ),
        ),
        source: fc.oneof(fc.string(), fc.integer()),
        payload: fc.jsonValue({ maxDepth: 4 }),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 5 },
  )
  .chain((events) =>
    fc.oneof(
      fc.constant({ events }),
      fc.constant(events),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })).map((extra) => ({ ...extra, events })),
    ),
  )
  .map((value) => JSON.stringify(value));

function expectSafe(response: { statusCode: number; body: string }, input: string): void {
  expect(response.statusCode, input.slice(0, 200)).toBeLessThan(500);
  expect(leaksInternals(response.body), response.body.slice(0, 500)).toBe(false);
  if (response.statusCode >= 400) {
    const error = (JSON.parse(response.body) as { error: { code: keyof typeof API_ERROR_STATUS } }).error;
    expect(API_ERROR_STATUS[error.code]).toBe(response.statusCode);
  }
}

describe('fuzz', () => {
  it('POST /api/v1/networks: never a 500, never a stack', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.constantFrom(...CONTENT_TYPES),
        fc.option(fc.string()),
        async (payload, type, name) => {
          const response = await server.as('planner', {
            method: 'POST',
            url: `/api/v1/networks${name === null ? '' : `?name=${encodeURIComponent(name)}`}`,
            headers: { 'content-type': type },
            payload,
          });
          expectSafe(response, payload);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('POST /api/v1/events: never a 500, never a stack', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(eventBody, text),
        fc.constantFrom(...CONTENT_TYPES),
        async (payload, type) => {
          const response = await server.as('planner', {
            method: 'POST',
            url: '/api/v1/events',
            headers: { 'content-type': type },
            payload,
          });
          expectSafe(response, payload);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('query strings and path parameters: never a 500', async () => {
    const segment = fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent);
    const url = fc.oneof(
      fc
        .tuple(segment, segment)
        .map(([after, limit]) => `/api/v1/events?after=${after}&limit=${limit}&type=${after}`),
      segment.map((name) => `/api/v1/networks/${name}`),
      fc.tuple(segment, segment).map(([name, version]) => `/api/v1/networks/${name}/versions/${version}`),
      fc.tuple(segment, segment).map(([from, to]) => `/api/v1/networks/x/diff?from=${from}&to=${to}`),
      fc.string({ maxLength: 60 }).map((raw) => `/api/v1/${raw.replaceAll(/[\s#]/g, '')}`),
    );
    await fc.assert(
      fc.asyncProperty(url, async (path) => {
        const response = await server.as('viewer', { method: 'GET', url: path });
        expectSafe(response, path);
      }),
      { numRuns: 300 },
    );
  });

  it('POST /api/v1/session: never a 500', async () => {
    const login = fc.record({ username: fc.jsonValue(), password: fc.jsonValue() }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(login, fc.integer({ min: 0, max: 255 }), async (payload, address) => {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: JSON.stringify(payload),
          headers: { 'content-type': 'application/json' },
          remoteAddress: `10.1.0.${address}`,
        });
        expectSafe(response, JSON.stringify(payload));
      }),
      { numRuns: 60 },
    );
  });
});
