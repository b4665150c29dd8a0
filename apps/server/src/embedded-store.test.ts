/**
 * The server on the real embedded store (PGlite in memory), end to end: what the demo and `keten serve`
 * run. The in-memory store of core covers the rest of the tests.
 */
import { openStore } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './app.ts';
import { ensureAdmin } from './auth/admin.ts';
import { body, NETWORK_YAML } from './test-support.ts';

describe('on the embedded PGlite store', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  let app: Awaited<ReturnType<typeof createServer>>;
  let authorization: string;
  beforeAll(async () => {
    store = await openStore({});
    app = await createServer({ store, logger: false });
    const admin = await ensureAdmin(store, { username: 'admin', tokenName: 'test' });
    if (!admin.ok) throw new Error(admin.message);
    authorization = `Bearer ${admin.token}`;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('imports, lists, diffs and appends events', async () => {
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/networks',
        headers: { authorization, 'content-type': 'application/yaml' },
        payload,
      });
    expect((await post(NETWORK_YAML)).statusCode).toBe(201);
    expect((await post(NETWORK_YAML.replace('capacity: 20', 'capacity: 25'))).statusCode).toBe(201);
    const diff = await app.inject({
      method: 'GET',
      url: '/api/v1/networks/two-tier/diff',
      headers: { authorization },
    });
    expect(body<{ lines: string[] }>(diff).lines).toEqual([expect.stringMatching(/frame-b\/frame.*20.*25/)]);
    const event = {
      type: 'order.created',
      key: 'po-1',
      at: '2027-01-04T08:00:00+01:00',
      source: 'oem',
      payload: null,
    };
    const appended = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { authorization },
      payload: { events: [event, event] },
    });
    expect(appended.statusCode).toBe(201);
    expect(body(appended)).toMatchObject({
      appended: [{ key: 'po-1', at: '2027-01-04T07:00:00.000Z' }],
      duplicates: ['po-1'],
    });
  });

  it('logs in and manages tokens', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization },
      payload: { name: 'ci', expiresInDays: 1 },
    });
    const { token, secret } = body<{ token: { id: string }; secret: string }>(created);
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(me.statusCode).toBe(200);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { authorization },
    });
    expect(revoked.statusCode).toBe(204);
    const after = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.statusCode).toBe(401);
  });
});
