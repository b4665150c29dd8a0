import { loadScenario, type Network, simulate } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIMULATION_RUNS, SimulationResultSchema } from '../api-schemas.ts';
import { body, leaksInternals, NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';

type ErrorBody = {
  error: {
    code: string;
    message: string;
    details?: { path: string; message: string }[];
    issues?: { line?: number; column?: number; path: (string | number)[]; code: string; message: string }[];
  };
};

/** A scenario for the two-tier test network: the OEM brakes, frame-a fails. */
const SCENARIO_YAML = `format: keten.scenario/v1
name: brakes
periods: 20
demand:
  - { company: oem, item: machine, pattern: { type: normal, mean: 6, stdDev: 1 }, changes: [{ from: 5, factor: 0.5 }] }
events:
  - { type: supplier-failure, company: frame-a, from: 8, duration: 3 }
`;

let server: TestServer;
let network: Network;

beforeAll(async () => {
  server = await testServer();
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/networks',
    headers: { 'content-type': 'application/yaml' },
    payload: NETWORK_YAML,
  });
  expect(response.statusCode).toBe(201);
  network = (await server.store.networks.getVersion('two-tier'))!.content;
});
afterAll(() => server.close());

const simulateRequest = (payload: unknown, options: { type?: string; url?: string; name?: string } = {}) =>
  server.as('viewer', {
    method: 'POST',
    url: options.url ?? `/api/v1/networks/${options.name ?? 'two-tier'}/simulate`,
    headers: { 'content-type': options.type ?? 'application/json' },
    payload: payload as string,
  });

function expected(runs: number, seed: number) {
  const loaded = loadScenario(SCENARIO_YAML, 'scenario.yaml', network);
  if (!loaded.ok) throw new Error('the test scenario must load');
  return JSON.parse(JSON.stringify(simulate(network, loaded.value.scenario, { runs, seed })));
}

describe('POST /api/v1/networks/{name}/simulate', () => {
  it('answers what core simulates, for YAML text in JSON, a JSON object and a YAML body alike', async () => {
    const want = expected(12, 5);
    const asText = await simulateRequest({ scenario: SCENARIO_YAML, runs: 12, seed: 5 });
    expect(asText.statusCode, asText.body).toBe(200);
    const answered = body<typeof want>(asText);
    expect(answered).toEqual(want);
    expect(SimulationResultSchema.parse(answered)).toEqual(answered);
    expect(answered.runs).toHaveLength(12);
    expect(Object.keys(answered.network)).toEqual(
      expect.arrayContaining([
        'fillRate',
        'bullwhip',
        'lostRevenue',
        'cashLowPoint',
        'bankruptcies',
        'timeToRecover',
      ]),
    );

    const loaded = loadScenario(SCENARIO_YAML, 'scenario.yaml', network);
    if (!loaded.ok) throw new Error('the test scenario must load');
    const asObject = await simulateRequest({ scenario: loaded.value.scenario, runs: 12, seed: 5 });
    expect(asObject.statusCode, asObject.body).toBe(200);
    expect(body(asObject)).toEqual(want);

    const asYaml = await simulateRequest(SCENARIO_YAML, {
      type: 'application/yaml',
      url: '/api/v1/networks/two-tier/simulate?runs=12&seed=5',
    });
    expect(asYaml.statusCode, asYaml.body).toBe(200);
    expect(asYaml.body).toBe(asText.body);
  });

  it("takes the scenario's runs and seed when the request gives none", async () => {
    const response = await simulateRequest({ scenario: `${SCENARIO_YAML}runs: 3\nseed: 9\n` });
    expect(response.statusCode, response.body).toBe(200);
    expect(body<{ runs: number[]; seed: number }>(response)).toMatchObject({ runs: [0, 1, 2], seed: 9 });
  });

  it('refuses a bad scenario with invalid-scenario and every problem by line and column', async () => {
    const text = SCENARIO_YAML.replace('company: frame-a', 'company: frame-c').replace(
      'periods: 20',
      'periods: 0',
    );
    const response = await simulateRequest({ scenario: text });
    expect(response.statusCode).toBe(422);
    const { error } = body<ErrorBody>(response);
    expect(error.code).toBe('invalid-scenario');
    expect(error.message).toMatch(
      /^the scenario has 2 problems; nothing was simulated; the first: scenario:3:10/,
    );
    expect(error.issues?.map((issue) => [issue.line, issue.code])).toEqual([
      [3, 'invalid-value'],
      [7, 'unknown-reference'],
    ]);
    expect(error.issues?.[1]?.message).toContain('frame-a');
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('refuses a bad scenario object by path', async () => {
    const response = await simulateRequest({
      scenario: {
        format: 'keten.scenario/v1',
        name: 'x',
        events: [{ type: 'bankruptcy', company: 'nope', at: 2 }],
      },
    });
    expect(response.statusCode).toBe(422);
    const { error } = body<ErrorBody>(response);
    expect(error.code).toBe('invalid-scenario');
    expect(error.issues?.[0]).toMatchObject({ path: ['events', 0, 'company'], code: 'unknown-reference' });
  });

  it('refuses too many runs, malformed options and an empty scenario with 400 naming the field', async () => {
    for (const [payload, path] of [
      [{ scenario: SCENARIO_YAML, runs: MAX_SIMULATION_RUNS + 1 }, '/runs'],
      [{ scenario: SCENARIO_YAML, runs: 0 }, '/runs'],
      [{ scenario: SCENARIO_YAML, seed: -1 }, '/seed'],
      [{ scenario: 42 }, '/scenario'],
      [{ runs: 2 }, '/scenario'],
      [{ scenario: SCENARIO_YAML, threads: 2 }, ''],
    ] as const) {
      const response = await simulateRequest(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = body<ErrorBody>(response);
      expect(error.code).toBe('invalid-request');
      expect(error.details?.[0]?.path, JSON.stringify(payload)).toBe(path);
    }
    const fromScenario = await simulateRequest({
      scenario: `${SCENARIO_YAML}runs: ${MAX_SIMULATION_RUNS + 1}\n`,
    });
    expect(fromScenario.statusCode).toBe(400);
    expect(body<ErrorBody>(fromScenario).error.details?.[0]?.path).toBe('/runs');
    const empty = await simulateRequest({ scenario: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(body<ErrorBody>(empty).error.message).toContain('the scenario is empty');
  });

  it('answers 404 for an unknown network or version', async () => {
    const unknown = await simulateRequest({ scenario: SCENARIO_YAML }, { name: 'nope' });
    expect(unknown.statusCode).toBe(404);
    expect(body<ErrorBody>(unknown).error).toEqual({ code: 'not-found', message: "no network named 'nope'" });
    const version = await simulateRequest({ scenario: SCENARIO_YAML, version: 9 });
    expect(version.statusCode).toBe(404);
  });

  it('needs a token, and keeps answering while it simulates', async () => {
    const anonymous = await server.as(undefined, {
      method: 'POST',
      url: '/api/v1/networks/two-tier/simulate',
      payload: { scenario: SCENARIO_YAML },
    });
    expect(anonymous.statusCode).toBe(401);
    const long = simulateRequest({
      scenario: SCENARIO_YAML.replace('periods: 20', 'periods: 2000'),
      runs: 200,
    });
    const started = performance.now();
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const healthMs = performance.now() - started;
    const response = await long;
    expect(response.statusCode, response.body).toBe(200);
    // The health check did not wait for the simulation (which runs in worker threads).
    expect(healthMs).toBeLessThan(performance.now() - started);
  });

  it('answers the self-contained HTML report with format=html', async () => {
    const response = await simulateRequest(
      { scenario: SCENARIO_YAML, runs: 4, seed: 5 },
      { url: '/api/v1/networks/two-tier/simulate?format=html' },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(/^<!doctype html>/);
    expect(response.body).toContain('<title>Simulation: brakes on two-tier</title>');
    expect(response.body).toContain('<title>frame-a fails, periods 8–10</title>');
    expect(response.body).not.toMatch(/\b(src|href)\s*=/i);
  });

  it('is in the OpenAPI document', async () => {
    const document = body<{ paths: Record<string, { post?: { tags?: string[] } }> }>(
      await server.app.inject({ method: 'GET', url: '/openapi.json' }),
    );
    expect(document.paths['/api/v1/networks/{name}/simulate']?.post?.tags).toEqual(['simulation']);
  });
});
