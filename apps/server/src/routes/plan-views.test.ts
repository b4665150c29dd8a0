import {
  applyPlanningEvents,
  companyPlan,
  type Network,
  PlanIndex,
  peggingOfDemand,
  planNetwork,
} from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, importTwoTier, NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';
import { CompanyPlanSchema, HeatMapSchema, PeggingSchema } from './plan-views.ts';

let server: TestServer;
let network: Network;

beforeAll(async () => {
  server = await testServer();
  await importTwoTier(server);
  network = (await server.store.networks.getVersion('two-tier'))!.content;
});
afterAll(() => server.close());

const get = (url: string) =>
  server.as('viewer', { method: 'GET', url: `/api/v1/networks/two-tier/plan/${url}` });

type Source = { plan: { version: number; through: number; cached: boolean } };

let counter = 0;
async function append(capacity: number, extra: Record<string, unknown> = {}) {
  counter++;
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/events',
    payload: {
      events: [
        {
          type: 'capacity.changed',
          key: `views-${counter}`,
          at: '2027-01-05T10:00:00Z',
          source: 'test',
          payload: { company: 'frame-a', item: 'frame', from: 3, capacity, ...extra },
        },
      ],
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}

describe('plan views', () => {
  it("answers a company's plan as core computes it, from the kept plan until an event or version changes it", async () => {
    const first = await get('companies/oem');
    expect(first.statusCode, first.body).toBe(200);
    const answer = body<Record<string, unknown> & Source>(first);
    expect(CompanyPlanSchema.parse(answer)).toBeTruthy();
    const { plan: source, ...view } = answer;
    const index = new PlanIndex(network, planNetwork(network, { pegging: false }));
    expect(view).toEqual(JSON.parse(JSON.stringify(companyPlan(index, 'oem'))));
    expect(source).toMatchObject({ version: 1, cached: false });

    const again = body<Source>(await get('companies/frame-a'));
    expect(again.plan.cached).toBe(true);

    // An event of another type only moves the position on; a planning event plans again.
    const other = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      payload: {
        events: [
          {
            type: 'machine.status',
            key: 'views-note',
            at: '2027-01-05T09:00:00Z',
            source: 'test',
            payload: {},
          },
        ],
      },
    });
    expect(other.statusCode).toBe(201);
    expect(body<Source>(await get('companies/oem')).plan.cached).toBe(true);

    await append(2);
    const after = body<Record<string, unknown> & Source>(await get('companies/frame-a'));
    expect(after.plan.cached).toBe(false);
    expect(after.plan.through).toBeGreaterThan(source.through);
    const changed = applyPlanningEvents(network, [
      { type: 'capacity.changed', payload: { company: 'frame-a', item: 'frame', from: 3, capacity: 2 } },
    ]);
    if (!changed.ok) throw new Error('the event must apply');
    const { plan: _plan, ...afterView } = after;
    const changedIndex = new PlanIndex(
      changed.value.network,
      planNetwork(changed.value.network, { pegging: false }),
    );
    expect(afterView).toEqual(JSON.parse(JSON.stringify(companyPlan(changedIndex, 'frame-a'))));

    const unknown = await get('companies/nobody');
    expect(unknown.statusCode).toBe(404);
    const noNetwork = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/nope/plan/companies/oem',
    });
    expect(noNetwork.statusCode).toBe(404);
    const noVersion = await get('companies/oem?version=7');
    expect(noVersion.statusCode).toBe(404);
    expect(body<{ error: { message: string } }>(noVersion).error.message).toMatch(/no version 7/);

    // A new version is planned afresh.
    const imported = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/yaml' },
      payload: NETWORK_YAML.replace('capacity: 20', 'capacity: 19'),
    });
    expect(imported.statusCode).toBe(201);
    const second = body<Source>(await get('companies/oem'));
    expect(second.plan).toMatchObject({ version: 2, cached: false });
    expect(body<Source>(await get('companies/oem?version=2')).plan.cached).toBe(true);
  });

  it('answers the heat map, paged and filtered, with every period and unit', async () => {
    const response = await get('heat-map?version=1');
    expect(response.statusCode, response.body).toBe(200);
    const map = body<{ total: number; rows: { capacity: string; unit: string; limit: number[] }[] } & Source>(
      response,
    );
    expect(HeatMapSchema.parse(map)).toBeTruthy();
    expect(map.total).toBe(3);
    expect(map.rows.every((row) => row.unit === 'pcs' && row.limit.length === 12)).toBe(true);
    const paged = body<{ rows: unknown[] }>(await get('heat-map?version=1&offset=1&limit=1'));
    expect(paged.rows).toEqual([map.rows[1]]);
    const oem = body<{ rows: { company: string }[] }>(await get('heat-map?version=1&company=oem'));
    expect(oem.rows.map((row) => row.company)).toEqual(['oem']);
    expect((await get('heat-map?limit=5000')).statusCode).toBe(400);
    expect((await get('heat-map?minimumPeak=abc')).statusCode).toBe(400);
    expect((await get('heat-map?company=nobody')).statusCode).toBe(404);
  });

  it('answers pegging from an end demand down the chain and from an order up, not both', async () => {
    const response = await get('pegging?version=1&company=oem&item=machine&period=7');
    expect(response.statusCode, response.body).toBe(200);
    const answer = body<Record<string, unknown> & Source & { orders: { id: string; serves: number }[] }>(
      response,
    );
    expect(PeggingSchema.parse(answer)).toBeTruthy();
    const effective = await readEffectiveNetwork(storePlanningSource(server.store), 'two-tier', 1);
    if (!effective.ok) throw new Error('version 1 must plan');
    const { network: current, blocked } = effective.value;
    const expected = peggingOfDemand(
      new PlanIndex(current, planNetwork(current, { blocked, pegging: true })),
      { company: 'oem', item: 'machine', period: 7 },
      1000,
    );
    const { plan: _plan, ...view } = answer;
    expect(view).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(answer.orders.length).toBeGreaterThan(0);
    const order = answer.orders[0]!;
    const up = await get(`pegging?version=1&order=${encodeURIComponent(order.id)}`);
    expect(up.statusCode, up.body).toBe(200);
    const served = body<{ servesDemand: { item: string; period: number; quantity: number }[] }>(
      up,
    ).servesDemand;
    expect(served.find((demand) => demand.period === 7)?.quantity).toBeCloseTo(order.serves, 6);

    const both = await get(`pegging?company=oem&item=machine&period=7&order=${encodeURIComponent(order.id)}`);
    expect(both.statusCode).toBe(400);
    expect((await get('pegging?company=oem&item=machine')).statusCode).toBe(400);
    expect((await get('pegging?order=nope')).statusCode).toBe(404);
    expect((await get('pegging?company=oem&item=frame&period=2')).statusCode).toBe(404);
  });
});
