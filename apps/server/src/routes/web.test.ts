import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../test-support.ts';

const root = mkdtempSync(join(tmpdir(), 'keten-web-'));
const INDEX = '<!doctype html><title>keten</title><div id="root"></div>';
let server: TestServer;
let unbuilt: TestServer;

beforeAll(async () => {
  mkdirSync(join(root, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(root, 'dist', 'index.html'), INDEX);
  writeFileSync(join(root, 'dist', 'assets', 'index-abc123.js'), 'console.log(1);');
  writeFileSync(join(root, 'secret.txt'), 'outside the app');
  server = await testServer({ web: join(root, 'dist') });
  unbuilt = await testServer({ web: join(root, 'missing') });
});
afterAll(async () => {
  await server.close();
  await unbuilt.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the web app at /', () => {
  it('serves index.html at / and at the app’s own paths (SPA fallback), never cached, with a CSP', async () => {
    for (const url of ['/', '/networks/demo/map', '/networks/a%20b/companies/x?tab=1']) {
      const response = await server.as(undefined, { method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves hashed assets with a year of caching and their content type', async () => {
    const response = await server.as(undefined, { method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1);');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing asset 404 in the API error format, not with the app', async () => {
    const response = await server.as(undefined, { method: 'GET', url: '/assets/index-old.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not-found');
  });

  it('never serves a file outside the app folder', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await server.as(undefined, { method: 'GET', url });
      expect(response.body, url).not.toContain('outside the app');
    }
  });

  it('leaves API paths to the API: an unknown one is a JSON 404, a known one still needs a token', async () => {
    const unknown = await server.as('viewer', { method: 'GET', url: '/api/v1/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not-found');
    const anonymous = await server.as(undefined, { method: 'GET', url: '/api/v1/networks' });
    expect(anonymous.statusCode).toBe(401);
    const health = await server.as(undefined, { method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  });

  it('says how to build the app when it is not built', async () => {
    const response = await unbuilt.as(undefined, { method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build:web');
  });

  it('is not in the OpenAPI document', async () => {
    const document = (await server.as(undefined, { method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).not.toContain('/*');
    expect(Object.keys(document.paths)).not.toContain('/');
  });
});
