import { type Network, planNetwork, summarizePlan } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanSchema, PlanSummarySchema } from '../api-schemas.ts';
import { body, leaksInternals, NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';

type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

let server: TestServer;
let first: Network;
let latest: Network;

beforeAll(async () => {
  server = await testServer();
  for (const text of [
    NETWORK_YAML,
    NETWORK_YAML.replace('leadTime: 1, capacity: 8', 'leadTime: 1, capacity: 3'),
  ]) {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/yaml' },
      payload: text,
    });
    expect(response.statusCode).toBe(201);
  }
  first = (await server.store.networks.getVersion('two-tier', 1))!.content;
  latest = (await server.store.networks.getVersion('two-tier'))!.content;
});
afterAll(() => server.close());

const plan = (payload?: unknown, role: 'viewer' | 'planner' = 'viewer', name = 'two-tier') =>
  server.as(role, {
    method: 'POST',
    url: `/api/v1/networks/${name}/plan`,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const summary = (query = '', name = 'two-tier') =>
  server.as('viewer', { method: 'GET', url: `/api/v1/networks/${name}/plan/summary${query}` });

/** The plan as JSON carries it. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('POST /api/v1/networks/{name}/plan', () => {
  it('answers the plan of the latest version to a viewer, exactly as planNetwork makes it', async () => {
    const response = await plan({});
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const answered = body(response);
    expect(answered).toEqual(asJson(planNetwork(latest)));
    // Every field is documented: the schema keeps them all.
    expect(PlanSchema.parse(answered)).toEqual(answered);
    expect((answered as { shortages: unknown[] }).shortages.length).toBeGreaterThan(0);
  });

  it('plans with the defaults when there is no body at all', async () => {
    const response = await plan();
    expect(response.statusCode, response.body).toBe(200);
    expect(body(response)).toEqual(asJson(planNetwork(latest)));
  });

  it('takes a version and the planning options', async () => {
    const options = { horizon: 8, buildAheadWindow: 1, frozenPeriods: 1, pegging: false };
    const response = await plan({ version: 1, ...options });
    expect(response.statusCode, response.body).toBe(200);
    const answered = body<{ horizon: number; pegging: unknown[] }>(response);
    expect(answered).toEqual(asJson(planNetwork(first, options)));
    expect(answered.horizon).toBe(8);
    expect(answered.pegging).toEqual([]);
  });

  it('refuses a horizon longer than the network, naming the field', async () => {
    const response = await plan({ horizon: 13 });
    expect(response.statusCode).toBe(400);
    const { error } = body<ErrorBody>(response);
    expect(error.code).toBe('invalid-request');
    expect(error.message).toBe(
      "horizon 13 is longer than the network's horizon of 12 periods; it may shorten it, not extend it",
    );
    expect(error.details).toEqual([{ path: '/horizon', message: error.message }]);
  });

  it('refuses malformed options with 400 naming the field', async () => {
    for (const [payload, path] of [
      [{ horizon: 0 }, '/horizon'],
      [{ horizon: 2.5 }, '/horizon'],
      [{ buildAheadWindow: -1 }, '/buildAheadWindow'],
      [{ frozenPeriods: 'two' }, '/frozenPeriods'],
      [{ pegging: 'yes' }, '/pegging'],
      [{ version: 0 }, '/version'],
      [{ horizn: 4 }, ''],
    ] as const) {
      const response = await plan(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = body<ErrorBody>(response);
      expect(error.code).toBe('invalid-request');
      expect(error.details?.[0]?.path, JSON.stringify(payload)).toBe(path);
      if (path === '') expect(error.details?.[0]?.message).toContain('horizn');
      expect(leaksInternals(response.body)).toBe(false);
    }
  });

  it('answers 404 for an unknown network or version', async () => {
    const unknown = await plan({}, 'viewer', 'nope');
    expect(unknown.statusCode).toBe(404);
    expect(body<ErrorBody>(unknown).error).toEqual({ code: 'not-found', message: "no network named 'nope'" });
    const version = await plan({ version: 9 });
    expect(version.statusCode).toBe(404);
    expect(body<ErrorBody>(version).error.message).toBe("network 'two-tier' has no version 9");
  });
});

describe('GET /api/v1/networks/{name}/plan/summary', () => {
  it('answers the summary keten plan prints, of the latest version or one', async () => {
    const response = await summary();
    expect(response.statusCode, response.body).toBe(200);
    const answered = body(response);
    expect(answered).toEqual(asJson(summarizePlan(latest, planNetwork(latest, { pegging: false }))));
    expect(PlanSummarySchema.parse(answered)).toEqual(answered);
    expect(answered).toMatchObject({ network: 'two-tier', horizon: 12, totals: { demand: 60 } });

    const options = '?version=1&horizon=6&buildAheadWindow=0&frozenPeriods=1';
    const older = await summary(options);
    expect(older.statusCode, older.body).toBe(200);
    const expected = planNetwork(first, {
      horizon: 6,
      buildAheadWindow: 0,
      frozenPeriods: 1,
      pegging: false,
    });
    expect(body(older)).toEqual(asJson(summarizePlan(first, expected)));
  });

  it('refuses a bad query with 400 naming the field, and answers 404 for what is not there', async () => {
    for (const [query, path] of [
      ['?horizon=13', '/horizon'],
      ['?horizon=0', '/horizon'],
      ['?horizon=six', '/horizon'],
      ['?frozenPeriods=-1', '/frozenPeriods'],
    ] as const) {
      const response = await summary(query);
      expect(response.statusCode, query).toBe(400);
      expect(body<ErrorBody>(response).error.details?.[0]?.path, query).toBe(path);
    }
    expect((await summary('', 'nope')).statusCode).toBe(404);
    expect((await summary('?version=3')).statusCode).toBe(404);
  });
});
