import { createMemoryStore, type KetenStore } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './app.ts';
import { issueToken } from './auth/tokens.ts';
import { API_ERROR_STATUS } from './errors.ts';
import {
  body,
  leaksInternals,
  NETWORK_YAML,
  networkObject,
  PUBLIC_ENDPOINTS,
  type TestServer,
  testServer,
  USER_ENDPOINTS,
} from './test-support.ts';

type ErrorBody = { error: { code: string; message: string; details?: unknown; requestId?: string } };

describe('health', () => {
  it('answers without authentication, with version and store state', async () => {
    const server = await testServer();
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      status: 'ok',
      version: expect.any(String),
      store: 'reachable',
      connector: false,
    });
    await server.close();
  });

  it('answers 503 when the store does not answer', async () => {
    const store = createMemoryStore();
    const app = await createServer({ store, logger: false });
    await store.close();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(body(response)).toMatchObject({ status: 'unavailable', store: 'unreachable' });
    await app.close();
  });
});

describe('authentication', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(() => server.close());

  const expect401 = async (headers: Record<string, string>, message: RegExp) => {
    for (const [method, url] of USER_ENDPOINTS) {
      const response = await server.app.inject({ method: method as 'GET', url, headers });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      const error = body<ErrorBody>(response).error;
      expect(error.code).toBe('unauthenticated');
      expect(error.message).toMatch(message);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  };

  it('refuses every endpoint but health and login without a token', async () => {
    await expect401({}, /needs authentication/);
  });

  it('refuses a header that is not a bearer token, and a token that is not a keten token', async () => {
    await expect401({ authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` }, /Bearer/);
    await expect401({ authorization: 'Bearer not-a-token' }, /not a keten token/);
  });

  it('refuses an unknown token', async () => {
    const forged = `ktn_0123456789abcdef_${'A'.repeat(43)}`;
    await expect401({ authorization: `Bearer ${forged}` }, /unknown or revoked/);
  });

  it('refuses a token with a valid id but another secret', async () => {
    const real = server.tokens.admin;
    // The secret's first character (after `ktn_`, 16 hex digits and `_`) changed: to 'B' where it is
    // 'A' (checking the token's last character instead made it the same token once in 64 runs).
    const forged = `${real.slice(0, 21)}${real[21] === 'A' ? 'B' : 'A'}${real.slice(22)}`;
    expect(forged).not.toBe(real);
    await expect401({ authorization: `Bearer ${forged}` }, /unknown or revoked/);
  });

  it('refuses a revoked token', async () => {
    const issued = await issueToken(server.store.access, server.clock, { username: 'admin', name: 'short' });
    await server.store.access.revokeToken(issued.token.id);
    await expect401({ authorization: `Bearer ${issued.secret}` }, /unknown or revoked/);
  });

  it('refuses an expired token', async () => {
    const issued = await issueToken(server.store.access, server.clock, {
      username: 'admin',
      name: 'brief',
      lifetimeMs: 60_000,
    });
    const before = await server.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${issued.secret}` },
    });
    expect(before.statusCode).toBe(200);
    server.clock.advance(61_000);
    await expect401({ authorization: `Bearer ${issued.secret}` }, /expired/);
  });

  it('refuses the token of a disabled user', async () => {
    const hash = (await server.store.access.getUser('viewer'))!.passwordHash;
    await server.store.access.createUser({ username: 'leaver', role: 'admin', passwordHash: hash });
    const issued = await issueToken(server.store.access, server.clock, { username: 'leaver', name: 'x' });
    await server.store.access.updateUser('leaver', { disabled: true });
    await expect401({ authorization: `Bearer ${issued.secret}` }, /disabled/);
  });

  it('leaves the public endpoints open', async () => {
    for (const [method, url] of PUBLIC_ENDPOINTS) {
      const response = await server.app.inject({
        method: method as 'GET',
        url,
        ...(method === 'POST' ? { payload: { username: 'nobody', password: 'x' } } : {}),
      });
      expect(response.statusCode, url).not.toBe(403);
      if (method === 'GET') expect(response.statusCode).toBe(200);
    }
    expect((await server.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
  });

  it('records when a token was last used, at most once a minute', async () => {
    const issued = await issueToken(server.store.access, server.clock, { username: 'viewer', name: 'touch' });
    const call = () =>
      server.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${issued.secret}` },
      });
    const lastUsed = async () =>
      (await server.store.access.listTokens('viewer')).find((token) => token.id === issued.token.id)
        ?.lastUsedAt;
    await call();
    const first = await lastUsed();
    expect(first).toBe(server.clock.now().toISOString());
    server.clock.advance(10_000);
    await call();
    expect(await lastUsed()).toBe(first);
    server.clock.advance(60_000);
    await call();
    expect(await lastUsed()).toBe(server.clock.now().toISOString());
  });
});

describe('roles: viewer < planner < admin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(() => server.close());

  const importNetwork = (role: 'viewer' | 'planner' | 'admin') =>
    server.as(role, {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/yaml' },
      payload: NETWORK_YAML,
    });
  const appendEvent = (role: 'viewer' | 'planner' | 'admin', key: string) =>
    server.as(role, {
      method: 'POST',
      url: '/api/v1/events',
      payload: {
        events: [{ type: 'order.created', key, at: '2027-01-04T08:00:00Z', source: 'oem', payload: {} }],
      },
    });

  it('lets a viewer read but not import or append', async () => {
    expect((await server.as('viewer', { method: 'GET', url: '/api/v1/networks' })).statusCode).toBe(200);
    expect((await server.as('viewer', { method: 'GET', url: '/api/v1/events' })).statusCode).toBe(200);
    const refused = await importNetwork('viewer');
    expect(refused.statusCode).toBe(403);
    expect(body<ErrorBody>(refused).error).toEqual({
      code: 'forbidden',
      message: "this needs the planner role; user 'viewer' is a viewer",
    });
    expect((await appendEvent('viewer', 'v-1')).statusCode).toBe(403);
    expect(await server.store.networks.listNetworks()).toEqual([]);
  });

  it('lets a planner import and append, but not manage users', async () => {
    expect((await importNetwork('planner')).statusCode).toBe(201);
    expect((await appendEvent('planner', 'p-1')).statusCode).toBe(201);
    const refused = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'eve', role: 'admin', password: 'a long enough password' },
    });
    expect(refused.statusCode).toBe(403);
    expect(body<ErrorBody>(refused).error.code).toBe('forbidden');
    expect((await server.as('planner', { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
    expect(await server.store.access.getUser('eve')).toBeUndefined();
  });

  it('lets an admin do everything', async () => {
    expect((await importNetwork('admin')).statusCode).toBe(201);
    expect((await appendEvent('admin', 'a-1')).statusCode).toBe(201);
    expect((await server.as('admin', { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
  });

  it('applies a role change at once, to tokens issued before it', async () => {
    await server.store.access.updateUser('planner', { role: 'viewer' });
    expect((await importNetwork('planner')).statusCode).toBe(403);
    await server.store.access.updateUser('planner', { role: 'planner' });
    expect((await importNetwork('planner')).statusCode).toBe(201);
  });
});

describe('errors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer({ bodyLimit: 4096 });
  });
  afterAll(() => server.close());

  it('has the code table of the API', () => {
    expect(API_ERROR_STATUS).toEqual({
      'invalid-request': 400,
      unauthenticated: 401,
      forbidden: 403,
      'not-found': 404,
      'no-plan-changes': 404,
      conflict: 409,
      'payload-too-large': 413,
      'unsupported-media-type': 415,
      'invalid-network': 422,
      'invalid-scenario': 422,
      'invalid-case': 422,
      'rate-limited': 429,
      internal: 500,
      unavailable: 503,
    });
  });

  it('answers malformed JSON with 400 invalid-request and no stack', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: '{"events": [',
    });
    expect(response.statusCode).toBe(400);
    expect(body<ErrorBody>(response)).toEqual({
      error: { code: 'invalid-request', message: 'the body is not valid JSON' },
    });
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('answers an empty JSON body with 400', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(body<ErrorBody>(response).error.code).toBe('invalid-request');
  });

  it('answers a body above the limit with 413', async () => {
    const big = { ...networkObject(), description: 'x'.repeat(5000) };
    for (const url of ['/api/v1/networks', '/api/v1/events']) {
      const response = await server.as('planner', { method: 'POST', url, payload: big });
      expect(response.statusCode, url).toBe(413);
      expect(body<ErrorBody>(response).error).toEqual({
        code: 'payload-too-large',
        message: 'the request body is too large',
      });
    }
  });

  it('answers an unsupported content-type with 415', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(response.statusCode).toBe(415);
    expect(body<ErrorBody>(response).error).toEqual({
      code: 'unsupported-media-type',
      message: "content-type 'text/csv' is not supported here",
    });
  });

  it('answers a schema violation with 400 and where it is', async () => {
    const response = await server.as('viewer', { method: 'GET', url: '/api/v1/events?limit=lots' });
    expect(response.statusCode).toBe(400);
    expect(body<ErrorBody>(response).error).toEqual({
      code: 'invalid-request',
      message: 'the querystring is not valid',
      details: [{ path: '/limit', message: 'must be a whole number' }],
    });
  });

  it('answers an unknown endpoint with 404 not-found', async () => {
    const response = await server.as('viewer', { method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(body<ErrorBody>(response).error).toEqual({
      code: 'not-found',
      message: 'no endpoint GET /api/v1/nothing-here',
    });
  });

  it('answers a bug with 500 internal, a request id and no stack, and logs the stack', async () => {
    const lines: string[] = [];
    const store = createMemoryStore();
    const broken: KetenStore = {
      ...store,
      networks: {
        ...store.networks,
        listNetworks: async () => {
          throw new TypeError('cannot read properties of undefined (secret detail)');
        },
        importVersion: (request) => store.networks.importVersion(request),
        listVersions: (network) => store.networks.listVersions(network),
        getVersion: (network, version) => store.networks.getVersion(network, version),
      },
    };
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const app = await createServer({ store: broken, logger });
    await store.access.createUser({ username: 'ada', role: 'viewer', passwordHash: 'x' });
    const { secret } = await issueToken(
      store.access,
      { now: () => new Date() },
      { username: 'ada', name: 't' },
    );
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/networks',
      headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'trace-42' },
    });
    expect(response.statusCode).toBe(500);
    expect(body<ErrorBody>(response)).toEqual({
      error: {
        code: 'internal',
        message: 'an unexpected error occurred; the server log has the details',
        requestId: 'trace-42',
      },
    });
    expect(response.body).not.toContain('secret detail');
    expect(leaksInternals(response.body)).toBe(false);
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'unexpected error');
    expect(logged.reqId).toBe('trace-42');
    expect(logged.err.stack).toContain('secret detail');
    await app.close();
  });
});

describe('request ids', () => {
  it('echoes a sane X-Request-Id and replaces anything else', async () => {
    const server = await testServer();
    const kept = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'no spaces\nor newlines' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await server.close();
  });
});
