import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, NETWORK_YAML, networkObject, type TestServer, testServer } from '../test-support.ts';

type Issue = { line?: number; column?: number; path: (string | number)[]; code: string; severity: string };
type ErrorBody = { error: { code: string; message: string; issues?: Issue[] } };
type VersionInfo = { network: string; version: number; author: string; source: string; summary: unknown };

let server: TestServer;
beforeEach(async () => {
  server = await testServer();
});
afterEach(() => server.close());

const importYaml = (text: string, query = '') =>
  server.as('planner', {
    method: 'POST',
    url: `/api/v1/networks${query}`,
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });
const importJson = (network: unknown, query = '') =>
  server.as('planner', {
    method: 'POST',
    url: `/api/v1/networks${query}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(network),
  });

describe('import', () => {
  it('imports YAML and JSON, each as a new version', async () => {
    const first = await importYaml(NETWORK_YAML);
    expect(first.statusCode).toBe(201);
    expect(body<{ version: VersionInfo; warnings: unknown[] }>(first)).toEqual({
      version: expect.objectContaining({
        network: 'two-tier',
        version: 1,
        author: 'planner',
        source: 'api',
        summary: { companies: 3, items: 2, tiers: 2, sourcingLinks: 2 },
      }),
      warnings: [],
    });
    const second = await importJson(networkObject(), '?source=erp-export.json');
    expect(second.statusCode).toBe(201);
    expect(body<{ version: VersionInfo }>(second).version).toMatchObject({
      version: 2,
      source: 'erp-export.json',
    });

    const list = body<{ networks: { network: string; latestVersion: number; versions: number }[] }>(
      await server.as('viewer', { method: 'GET', url: '/api/v1/networks' }),
    );
    expect(list.networks).toEqual([
      expect.objectContaining({ network: 'two-tier', latestVersion: 2, versions: 2 }),
    ]);
  });

  it('accepts text/yaml and a charset parameter', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'text/yaml; charset=utf-8' },
      payload: NETWORK_YAML,
    });
    expect(response.statusCode).toBe(201);
  });

  it('stores under ?name= when given', async () => {
    const response = await importYaml(NETWORK_YAML, '?name=what-if');
    expect(body<{ version: VersionInfo }>(response).version).toMatchObject({
      network: 'what-if',
      version: 1,
    });
    expect((await server.as('viewer', { method: 'GET', url: '/api/v1/networks/what-if' })).statusCode).toBe(
      200,
    );
  });

  it('refuses a broken network with 422 and every issue, each with line and column', async () => {
    const broken = NETWORK_YAML.replace('leadTime: 2, capacity: 10', 'leadTime: 2, capacty: 10').replace(
      'supplier: frame-b, share: 0.3',
      'supplier: frame-c, share: 0.3',
    );
    const response = await importYaml(broken);
    expect(response.statusCode).toBe(422);
    const error = body<ErrorBody>(response).error;
    expect(error.code).toBe('invalid-network');
    expect(error.message).toMatch(/problems?; nothing was stored/);
    const lines = broken.split('\n');
    const typo = error.issues?.find((issue) => issue.code === 'unknown-field');
    expect(typo).toMatchObject({ severity: 'error', line: expect.any(Number), column: expect.any(Number) });
    expect(lines[typo!.line! - 1]!.slice(typo!.column! - 1)).toMatch(/^capacty/);
    const reference = error.issues?.find((issue) => issue.code === 'unknown-reference');
    expect(lines[reference!.line! - 1]).toContain('frame-c');
    expect(await server.store.networks.listNetworks()).toEqual([]);
  });

  it('points at the line and column of a JSON syntax error', async () => {
    const text = JSON.stringify(networkObject(), null, 2).replace('"horizon": 12,', '"horizon": 12,,');
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/json' },
      payload: text,
    });
    expect(response.statusCode).toBe(422);
    const [issue] = body<ErrorBody>(response).error.issues!;
    expect(issue).toMatchObject({ code: 'syntax', line: 6 });
  });

  it('refuses an empty body with 400 and another content-type with 415', async () => {
    expect((await importYaml('  \n')).statusCode).toBe(400);
    const csv = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'text/csv' },
      payload: 'id,name',
    });
    expect(csv.statusCode).toBe(415);
    expect(body<ErrorBody>(csv).error.code).toBe('unsupported-media-type');
  });

  it('refuses YAML above its own limit with 413, and takes the same network as JSON', async () => {
    await server.close();
    server = await testServer({ yamlBodyLimit: 512 });
    const yaml = await importYaml(NETWORK_YAML);
    expect(yaml.statusCode).toBe(413);
    expect(body<ErrorBody>(yaml).error.message).toMatch(/send large networks as JSON/);
    expect((await importJson(networkObject())).statusCode).toBe(201);
  });
});

describe('read', () => {
  beforeEach(async () => {
    await importYaml(NETWORK_YAML);
    await importYaml(NETWORK_YAML.replace('leadTime: 2, capacity: 10', 'leadTime: 2, capacity: 12'));
  });

  it('gets the latest version with its content and info', async () => {
    const response = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier' });
    expect(response.statusCode).toBe(200);
    const stored = body<VersionInfo & { content: { production: { capacity: number }[] } }>(response);
    expect(stored).toMatchObject({ network: 'two-tier', version: 2, author: 'planner' });
    expect(stored.content.production[0]!.capacity).toBe(12);
  });

  it('lists versions and gets one', async () => {
    const versions = body<{ versions: VersionInfo[] }>(
      await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/versions' }),
    ).versions;
    expect(versions.map((version) => version.version)).toEqual([1, 2]);
    const first = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/versions/1' });
    expect(body<{ version: number; content: { production: { capacity: number }[] } }>(first)).toMatchObject({
      version: 1,
      content: { production: [{ capacity: 10 }, {}, {}] },
    });
  });

  it('answers 404 not-found for an unknown network or version', async () => {
    for (const url of [
      '/api/v1/networks/nope',
      '/api/v1/networks/nope/versions',
      '/api/v1/networks/nope/versions/1',
      '/api/v1/networks/two-tier/versions/9',
      '/api/v1/networks/nope/diff?from=1&to=2',
      '/api/v1/networks/two-tier/diff?from=1&to=9',
    ]) {
      const response = await server.as('viewer', { method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(body<ErrorBody>(response).error.code).toBe('not-found');
    }
    const message = body<ErrorBody>(
      await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/versions/9' }),
    ).error.message;
    expect(message).toBe("network 'two-tier' has no version 9");
  });

  it('answers 400 for a version that is not a whole number', async () => {
    for (const version of ['one', '0', '-1', '1.5']) {
      const response = await server.as('viewer', {
        method: 'GET',
        url: `/api/v1/networks/two-tier/versions/${version}`,
      });
      expect(response.statusCode, version).toBe(400);
      expect(body<ErrorBody>(response).error.code).toBe('invalid-request');
    }
  });

  it('finds names that need escaping in a URL', async () => {
    await importYaml(NETWORK_YAML, `?name=${encodeURIComponent('Plan B / 2027 é')}`);
    const response = await server.as('viewer', {
      method: 'GET',
      url: `/api/v1/networks/${encodeURIComponent('Plan B / 2027 é')}`,
    });
    expect(response.statusCode).toBe(200);
    expect(body<VersionInfo>(response).network).toBe('Plan B / 2027 é');
  });
});

describe('diff', () => {
  beforeEach(async () => {
    await importYaml(NETWORK_YAML);
    await importYaml(NETWORK_YAML.replace('leadTime: 2, capacity: 10', 'leadTime: 2, capacity: 12'));
  });

  it('diffs two versions: JSON and formatted lines', async () => {
    const response = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/two-tier/diff?from=1&to=2',
    });
    expect(response.statusCode).toBe(200);
    const diff = body<{
      from: { version: number };
      to: { version: number };
      diff: { production: { changed: { key: string; changes: unknown[] }[] } };
      lines: string[];
    }>(response);
    expect(diff.from.version).toBe(1);
    expect(diff.to.version).toBe(2);
    expect(diff.diff.production.changed).toEqual([
      expect.objectContaining({ key: 'oem/machine', changes: [{ path: 'capacity', before: 10, after: 12 }] }),
    ]);
    expect(diff.lines).toEqual([expect.stringMatching(/oem\/machine.*capacity.*10.*12/)]);
    expect(diff).not.toHaveProperty('from.content');
  });

  it('diffs the latest version against the one before by default', async () => {
    const response = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/diff' });
    expect(body<{ from: { version: number }; to: { version: number } }>(response)).toMatchObject({
      from: { version: 1 },
      to: { version: 2 },
    });
  });

  it('refuses a diff of a network with one version without ?from', async () => {
    await importYaml(NETWORK_YAML, '?name=single');
    const response = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/single/diff' });
    expect(response.statusCode).toBe(400);
  });
});
