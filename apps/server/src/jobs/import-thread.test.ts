/**
 * Large imports are loaded in a thread of their own: the server's thread answers while a network is
 * parsed, validated and hashed, and what is stored is what was sent; problems still come back with
 * their line and column.
 */
import {
  canonicalJson,
  encodeNetworkGraph,
  GRAPH_MEDIA_TYPE,
  generateNetwork,
  networkGraph,
} from '@keten/core';
import { contentHash } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type TestServer, testServer } from '../test-support.ts';
import { THREAD_CHARACTERS } from './import-thread.ts';

/** Big enough that loading it takes a while (some 0.5 s of CPU), well above the thread's threshold. */
const COMPANIES = 5_000;

let server: TestServer;
const network = generateNetwork({ companies: COMPANIES, seed: 7, horizon: 26 });
const text = JSON.stringify(network);

beforeAll(async () => {
  server = await testServer();
});
afterAll(() => server.close());

describe('importing a large network', () => {
  it('leaves the server answering while the network is loaded, then stores it as sent', async () => {
    expect(text.length).toBeGreaterThan(THREAD_CHARACTERS);
    // The store is asked to write once the network is loaded: count the /health answers before that.
    const networks = server.store.networks;
    const importVersion = networks.importVersion.bind(networks);
    let healthAnswers = 0;
    let answeredBeforeWrite: number | undefined;
    networks.importVersion = (request) => {
      answeredBeforeWrite ??= healthAnswers;
      return importVersion(request);
    };
    try {
      let done = false;
      const imported = server
        .as('planner', {
          method: 'POST',
          url: '/api/v1/networks?name=large',
          headers: { 'content-type': 'application/json' },
          payload: text,
        })
        .finally(() => {
          done = true;
        });
      while (!done) {
        const health = await server.app.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode).toBe(200);
        healthAnswers++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const response = await imported;
      expect(response.statusCode, response.body).toBe(201);
      // On the server's thread, the loader held it from the body's arrival to the write: one or two
      // answers slipped in before the body arrived, none after.
      expect(answeredBeforeWrite, 'the server did not answer while the network was loaded').toBeGreaterThan(
        5,
      );
    } finally {
      networks.importVersion = importVersion;
    }
    const stored = await server.store.networks.getVersion('large');
    expect(JSON.stringify(stored?.content)).toBe(text);
    expect(stored?.contentHash).toBe(contentHash(JSON.parse(canonicalJson(network))));
    // The version kept for the views is the network as sent.
    const company = network.companies[17]!;
    const page = await server.as('viewer', {
      method: 'GET',
      url: `/api/v1/networks/large/companies/${encodeURIComponent(company.id)}`,
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(body<{ company: { name: string } }>(page).company.name).toBe(company.name);
    // The binary graph, made in the import thread once the version was stored, is the one the
    // server would make itself.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const graph = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/large/graph',
      headers: { accept: GRAPH_MEDIA_TYPE },
    });
    expect(graph.statusCode).toBe(200);
    const expected = encodeNetworkGraph({ ...networkGraph(network), network: 'large' }, 1);
    expect(Buffer.compare(graph.rawPayload, Buffer.from(expected))).toBe(0);
  }, 120_000);

  it('answers the problems of a large invalid network with their line and column, storing nothing', async () => {
    const broken = JSON.stringify({ ...network, name: 'broken' }, null, 1).replace(
      `"id": "${network.companies[3]!.id}"`,
      '"id": 42',
    );
    expect(broken.length).toBeGreaterThan(THREAD_CHARACTERS);
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/json' },
      payload: broken,
    });
    expect(response.statusCode, response.body).toBe(422);
    const answer = body<{
      error: { code: string; issues: { line?: number; column?: number; path: unknown }[] };
    }>(response);
    expect(answer.error.code).toBe('invalid-network');
    const issue = answer.error.issues.find((entry) =>
      JSON.stringify(entry.path).startsWith('["companies",3'),
    );
    expect(issue, JSON.stringify(answer.error.issues.slice(0, 3))).toBeDefined();
    expect(issue?.line).toBeGreaterThan(1);
    expect(await server.store.networks.listVersions('broken')).toEqual([]);
  }, 120_000);
});
