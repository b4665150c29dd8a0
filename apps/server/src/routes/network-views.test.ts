import { gunzipSync } from 'node:zlib';
import { decodeNetworkGraph, GRAPH_MEDIA_TYPE } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';

let server: TestServer;

beforeAll(async () => {
  server = await testServer({ web: false });
  for (const text of [NETWORK_YAML, NETWORK_YAML.replace('capacity: 8', 'capacity: 9')]) {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/yaml' },
      payload: text,
    });
    expect(response.statusCode).toBe(201);
  }
});
afterAll(() => server.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  server.as('viewer', { method: 'GET', url, headers });

describe('GET /api/v1/networks/:name/graph', () => {
  it('answers the latest version as parallel arrays with tiers, regions and lane modes', async () => {
    const response = await get('/api/v1/networks/two-tier/graph');
    expect(response.statusCode).toBe(200);
    const graph = response.json();
    expect(graph.version).toBe(2);
    expect(graph.network).toBe('two-tier');
    expect(graph.companies.id).toEqual(['oem', 'frame-a', 'frame-b']);
    expect(graph.companies.tier).toEqual([0, 1, 1]);
    expect(graph.regions).toEqual(['EU', 'ASIA']);
    expect(graph.companies.latitude).toEqual([51.44, null, null]);
    expect(graph.lanes.share).toEqual([0.7, 0.3]);
    expect(graph.lanes.mode.map((mode: number) => graph.modes[mode])).toEqual(['road', 'sea']);
  });

  it('answers the same graph in the binary form when asked for it, with its own ETag', async () => {
    const json = (await get('/api/v1/networks/two-tier/graph')).json();
    const response = await get('/api/v1/networks/two-tier/graph', { accept: GRAPH_MEDIA_TYPE });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(GRAPH_MEDIA_TYPE);
    expect(response.headers.vary).toContain('accept');
    const decoded = decodeNetworkGraph(new Uint8Array(response.rawPayload));
    if (!decoded.ok) throw new Error(decoded.error.message);
    const lanes = Object.fromEntries(
      Object.entries(decoded.value.lanes).map(([key, value]) => [key, [...value]]),
    );
    expect({ ...decoded.value, lanes }).toEqual(json);
    const etag = String(response.headers.etag);
    expect(etag).toContain('graph-bin-');
    expect(
      (await get('/api/v1/networks/two-tier/graph', { accept: GRAPH_MEDIA_TYPE, 'if-none-match': etag }))
        .statusCode,
    ).toBe(304);
    // The JSON's ETag is another: a JSON client holding the binary answer gets the JSON.
    expect((await get('/api/v1/networks/two-tier/graph', { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('gzips either form for a client that accepts gzip, the same content', async () => {
    const json = (await get('/api/v1/networks/two-tier/graph')).json();
    const zipped = await get('/api/v1/networks/two-tier/graph', { 'accept-encoding': 'br, gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(json);
    const binary = await get('/api/v1/networks/two-tier/graph', {
      accept: GRAPH_MEDIA_TYPE,
      'accept-encoding': 'gzip',
    });
    expect(binary.headers['content-encoding']).toBe('gzip');
    expect(binary.headers['content-type']).toBe(GRAPH_MEDIA_TYPE);
    const decoded = decodeNetworkGraph(new Uint8Array(gunzipSync(binary.rawPayload)));
    expect(decoded.ok && decoded.value.companies.id).toEqual(json.companies.id);
  });

  it('answers an older version when asked, and 304 to a client that holds it', async () => {
    const first = await get('/api/v1/networks/two-tier/graph?version=1');
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(1);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"graph-two-tier-v1-[0-9a-f]{16}"$/);
    const again = await get('/api/v1/networks/two-tier/graph?version=1', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const latest = await get('/api/v1/networks/two-tier/graph', { 'if-none-match': etag });
    expect(latest.statusCode).toBe(200);
  });

  it('says which network or version is missing, and needs a token', async () => {
    const missing = await get('/api/v1/networks/nothing/graph');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'not-found', message: "no network named 'nothing'" });
    const version = await get('/api/v1/networks/two-tier/graph?version=9');
    expect(version.statusCode).toBe(404);
    expect(version.json().error.message).toBe("network 'two-tier' has no version 9");
    const bad = await get('/api/v1/networks/two-tier/graph?version=first');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid-request');
    const anonymous = await server.as(undefined, { method: 'GET', url: '/api/v1/networks/two-tier/graph' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GET /api/v1/networks/:name/summary', () => {
  it("answers a version's period, start, horizon, currency and counts without its content", async () => {
    const response = await get('/api/v1/networks/two-tier/summary');
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json();
    expect(summary).toMatchObject({
      network: 'two-tier',
      version: 2,
      period: 'week',
      start: '2027-01-04',
      horizon: 12,
      currency: 'EUR',
      summary: { companies: 3 },
    });
    expect(summary.content).toBeUndefined();
    const older = await get('/api/v1/networks/two-tier/summary?version=1');
    expect(older.json().version).toBe(1);
    const again = await get('/api/v1/networks/two-tier/summary', { 'if-none-match': response.headers.etag! });
    expect(again.statusCode).toBe(304);
    const missing = await get('/api/v1/networks/nothing/summary');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe("no network named 'nothing'");
  });
});

describe('GET /api/v1/networks/:name/companies/:company', () => {
  it("answers a company's page: what it makes, buys from whom in which shares", async () => {
    const response = await get('/api/v1/networks/two-tier/companies/oem');
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view).toMatchObject({ network: 'two-tier', version: 2, tier: 0, period: 'week', currency: 'EUR' });
    expect(view.company.name).toBe('Example Systems B.V.');
    expect(view.makes[0]).toMatchObject({ item: { id: 'machine', unit: 'pcs' }, leadTime: 2, capacity: 10 });
    expect(
      view.buys[0].suppliers.map((line: { company: { id: string }; share: number }) => [
        line.company.id,
        line.share,
      ]),
    ).toEqual([
      ['frame-a', 0.7],
      ['frame-b', 0.3],
    ]);
    const supplier = (await get('/api/v1/networks/two-tier/companies/frame-a?version=1')).json();
    expect(supplier.makes[0].capacity).toBe(8);
    expect(supplier.sells[0].customers[0]).toMatchObject({
      company: { id: 'oem' },
      share: 0.7,
      mode: 'road',
    });
  });

  it('says which company is missing', async () => {
    const response = await get('/api/v1/networks/two-tier/companies/nobody');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toBe("network 'two-tier' v2 has no company 'nobody'");
  });

  it('is in the OpenAPI document', async () => {
    const document = (await server.as(undefined, { method: 'GET', url: '/openapi.json' })).json();
    expect(document.paths['/api/v1/networks/{name}/graph'].get.summary).toContain('compact graph');
    expect(document.paths['/api/v1/networks/{name}/companies/{company}'].get.summary).toContain(
      "company's page",
    );
  });
});
