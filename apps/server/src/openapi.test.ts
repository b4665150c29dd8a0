import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, PUBLIC_ENDPOINTS, type TestServer, testServer, USER_ENDPOINTS } from './test-support.ts';

/**
 * The official JSON Schema of OpenAPI 3.1 documents (https://spec.openapis.org/oas/3.1/schema/2022-10-07),
 * Apache-2.0, by the OpenAPI Initiative; kept here so the test runs offline. Ajv resolves its
 * `$dynamicRef: #meta` wrongly, so it is replaced by the plain `$ref` it means for the base dialect
 * (schemas themselves are checked by the next test).
 */
const OPENAPI_31_SCHEMA = JSON.parse(
  readFileSync(new URL('./testdata/openapi-3.1.schema.json', import.meta.url), 'utf8').replaceAll(
    /"\$dynamicRef":\s*"#meta"/g,
    '"$ref": "#/$defs/schema"',
  ),
) as Record<string, unknown>;

type Operation = {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  parameters?: { schema: unknown }[];
};
type Document = {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

let server: TestServer;
let document: Document;
beforeAll(async () => {
  server = await testServer({ publicUrl: 'https://keten.example.com' });
  const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = body<Document>(response);
});
afterAll(() => server.close());

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(OPENAPI_31_SCHEMA);
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('has schemas that are valid JSON Schema, with every $ref resolvable', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    const schemas: unknown[] = [];
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const media of Object.values(operation.requestBody?.content ?? {})) schemas.push(media.schema);
        for (const parameter of operation.parameters ?? []) schemas.push(parameter.schema);
        for (const response of Object.values(operation.responses ?? {})) {
          for (const media of Object.values(response.content ?? {})) schemas.push(media.schema);
        }
      }
    }
    expect(schemas.length).toBeGreaterThan(40);
    for (const schema of schemas) {
      // Refs point at #/components/schemas/…: resolve them against the document's components.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      expect(() => ajv.compile(rebased), JSON.stringify(schema).slice(0, 200)).not.toThrow();
    }
  });

  it('lists every route, each with summary, tags, responses and the right security', () => {
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const expected = [
      ...USER_ENDPOINTS.map(([method, , path]) => `${method} ${path}`),
      ...PUBLIC_ENDPOINTS.map(([method, path]) => `${method} ${path}`),
    ];
    expect(new Set(listed)).toEqual(new Set(expected));
    expect(listed.length).toBe(expected.length);

    const publicOnes = new Set(PUBLIC_ENDPOINTS.map(([method, path]) => `${method} ${path}`));
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, name).toBeTruthy();
        expect(operation.tags?.length, name).toBe(1);
        expect(Object.keys(operation.responses ?? {}).length, name).toBeGreaterThan(0);
        if (publicOnes.has(name)) expect(operation.security, name).toEqual([]);
        else {
          expect(operation.security, name).toBeUndefined();
          expect(operation.responses?.['401'], name).toBeDefined();
        }
      }
    }
  });

  it('documents the import body as a network in JSON and YAML, and the network schema once', () => {
    const importing = document.paths['/api/v1/networks']!.post!;
    expect(Object.keys(importing.requestBody!.content)).toEqual([
      'application/json',
      'application/yaml',
      'text/yaml',
    ]);
    expect(importing.requestBody!.content['application/yaml']!.schema).toEqual({
      $ref: '#/components/schemas/Network',
    });
    expect(document.components.schemas.Network).toMatchObject({
      type: 'object',
      additionalProperties: false,
    });
    expect(importing.responses?.['422']?.description).toMatch(/invalid-network/);
  });

  it('names the public URL as the server', () => {
    expect((document as unknown as { servers: unknown }).servers).toEqual([
      { url: 'https://keten.example.com' },
    ]);
  });
});

describe('/docs', () => {
  it('serves the docs page and its assets from the package, with no third-party URL', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset, asset).not.toMatch(/^(https?:)?\/\//);
      const url = asset.startsWith('/') ? asset : `/docs/${asset.replace(/^\.\//, '')}`;
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
    const initializer = await server.app.inject({
      method: 'GET',
      url: '/docs/static/swagger-initializer.js',
    });
    expect(initializer.statusCode).toBe(200);
    const code = initializer.body
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n');
    expect(code).not.toMatch(/https?:\/\//);
  });
});
