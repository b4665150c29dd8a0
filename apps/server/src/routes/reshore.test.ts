/**
 * `POST /api/v1/reshore` in process: the answer is core's `compareLocations` for a case as YAML text in
 * JSON, as a JSON object and as a YAML body (with the carbon price in the query); a bad case is a 422
 * with every problem and its line; too much work is a 400 naming runs; no token is a 401.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareLocations, loadReshoreCase, type ReshoreCase } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { body, leaksInternals, type TestServer, testServer } from '../test-support.ts';
import { MAX_RESHORE_SIMULATED_RUNS, ReshoreComparisonSchema } from './reshore.ts';

const CASE_YAML = readFileSync(
  fileURLToPath(new URL('../../../../examples/reshore-brakes.yaml', import.meta.url)),
  'utf8',
);

type ErrorBody = {
  error: {
    code: string;
    message: string;
    details?: { path: string; message: string }[];
    issues?: { line?: number; column?: number; path: (string | number)[]; code: string; message: string }[];
  };
};

let server: TestServer;
let reshoreCase: ReshoreCase;

beforeAll(async () => {
  server = await testServer();
  const loaded = loadReshoreCase(CASE_YAML, 'reshore-brakes.yaml');
  if (!loaded.ok) throw new Error('the example case must load');
  reshoreCase = loaded.value.reshoreCase;
});
afterAll(() => server.close());

const reshore = (payload: unknown, options: { type?: string; query?: string } = {}) =>
  server.as('viewer', {
    method: 'POST',
    url: `/api/v1/reshore${options.query ?? ''}`,
    headers: { 'content-type': options.type ?? 'application/json' },
    payload: payload as string,
  });

const expected = (options: Parameters<typeof compareLocations>[1] = {}) =>
  JSON.parse(JSON.stringify(compareLocations(reshoreCase, options)));

describe('POST /api/v1/reshore', () => {
  it('answers what core computes, for the case as YAML text, as an object and as a YAML body', async () => {
    const want = expected({ runs: 5, seed: 3 });
    const asText = await reshore({ case: CASE_YAML, runs: 5, seed: 3 });
    expect(asText.statusCode, asText.body).toBe(200);
    const answered = body<typeof want>(asText);
    expect(answered).toEqual(want);
    expect(ReshoreComparisonSchema.parse(answered)).toEqual(answered);
    expect(answered.locations.map((entry: { id: string }) => entry.id)).toEqual(['wuhu', 'wroclaw', 'weert']);

    const asObject = await reshore({ case: parse(CASE_YAML), runs: 5, seed: 3 });
    expect(asObject.statusCode, asObject.body).toBe(200);
    expect(body(asObject)).toEqual(want);

    const asYaml = await reshore(CASE_YAML, {
      type: 'application/yaml',
      query: '?runs=5&seed=3&carbonPrice=150',
    });
    expect(asYaml.statusCode, asYaml.body).toBe(200);
    expect(body(asYaml)).toEqual(expected({ runs: 5, seed: 3, carbonPrice: 150 }));
  });

  it('answers a case with problems with 422 invalid-case, every problem with its line', async () => {
    const broken = CASE_YAML.replace('  weightKg: 3.6', '  weightkg: 3.6').replace(
      '  PLN: 0.232   # EUR per PLN\n',
      '',
    );
    const response = await reshore({ case: broken });
    expect(response.statusCode).toBe(422);
    const error = body<ErrorBody>(response).error;
    expect(error.code).toBe('invalid-case');
    expect(error.message).toMatch(
      /^the reshoring case has 2 problems; nothing was compared; the first: case:\d+:3: /,
    );
    expect(error.issues?.map((issue) => issue.message)).toEqual(
      expect.arrayContaining([
        "unknown field 'weightkg' (did you mean 'weightKg'?)",
        "missing required field 'weightKg'",
      ]),
    );
    expect(error.issues?.every((issue) => typeof issue.line === 'number')).toBe(true);
    expect(leaksInternals(response.body)).toBe(false);

    const object = await reshore({ case: { ...parse(CASE_YAML), locations: [] } });
    expect(object.statusCode).toBe(422);
    expect(body<ErrorBody>(object).error.issues?.[0]).toMatchObject({
      path: ['locations'],
      message: 'compare at least two locations',
    });
  });

  it('refuses more work than a request may cost, naming runs', async () => {
    const response = await reshore({ case: CASE_YAML, runs: 1000 });
    expect(response.statusCode).toBe(400);
    const error = body<ErrorBody>(response).error;
    expect(error.code).toBe('invalid-request');
    expect(error.message).toContain(`at most ${MAX_RESHORE_SIMULATED_RUNS}`);
    expect(error.details?.[0]?.path).toBe('/runs');
  });

  it('refuses an empty case, a bad option and a caller without a token', async () => {
    const empty = await reshore({ case: '   ' });
    expect(empty.statusCode).toBe(400);
    const negative = await reshore({ case: CASE_YAML, carbonPrice: -1 });
    expect(negative.statusCode).toBe(400);
    expect(body<ErrorBody>(negative).error.code).toBe('invalid-request');
    const anonymous = await server.app.inject({
      method: 'POST',
      url: '/api/v1/reshore',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ case: CASE_YAML }),
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
