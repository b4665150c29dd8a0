import { ChainStatus, firstDues, planNetwork } from '@keten/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, importTwoTier, type TestServer, testServer } from '../test-support.ts';
import { ChainStatusSchema, CompanyStatusSchema } from './chain-status.ts';

let server: TestServer;

beforeAll(async () => {
  server = await testServer();
  await importTwoTier(server);
});
afterAll(() => server.close());

const get = (url: string) => server.as('viewer', { method: 'GET', url: `/api/v1/networks/two-tier/${url}` });

let counter = 0;
async function append(type: string, payload: Record<string, unknown>) {
  counter++;
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/events',
    payload: {
      events: [{ type, key: `status-${counter}`, at: '2027-01-05T10:00:00Z', source: 'test', payload }],
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}

describe('chain status routes', () => {
  it('answers the companies worst first as core computes them, with the period and the plan read', async () => {
    const response = await get('status');
    expect(response.statusCode, response.body).toBe(200);
    const answer = ChainStatusSchema.parse(body(response));
    const network = (await server.store.networks.getVersion('two-tier'))!.content;
    const expected = new ChainStatus(network, planNetwork(network, { pegging: false })).rows({ limit: 50 });
    expect(answer.rows).toEqual(JSON.parse(JSON.stringify(expected.rows)));
    expect(answer).toMatchObject({ period: 'week', start: '2027-01-04', total: 3, plan: { version: 1 } });
    expect(answer.replanned).toBeNull();
  });

  it('filters and pages on the server, and refuses a state it does not know', async () => {
    const page = body<{ rows: { company: string }[]; total: number }>(
      await get('status?search=frame&limit=1'),
    );
    expect(page.total).toBe(2);
    expect(page.rows).toHaveLength(1);
    const ok = body<{ rows: { state: string }[] }>(await get('status?state=ok,late'));
    for (const row of ok.rows) expect(['ok', 'late']).toContain(row.state);
    const bad = await get('status?state=fine');
    expect(bad.statusCode).toBe(400);
    expect(body<{ error: { code: string } }>(bad).error.code).toBe('invalid-request');
    expect((await get('status?limit=100000')).statusCode).toBe(400);
    expect(
      (await server.as('viewer', { method: 'GET', url: '/api/v1/networks/nothing/status' })).statusCode,
    ).toBe(404);
    expect(
      (await server.as(undefined, { method: 'GET', url: '/api/v1/networks/two-tier/status' })).statusCode,
    ).toBe(401);
  });

  it("one company's orders: an open order moved by order.changed is late against its first due", async () => {
    await append('order.opened', {
      network: 'two-tier',
      id: 'po-77',
      kind: 'purchase',
      company: 'oem',
      item: 'frame',
      supplier: 'frame-b',
      quantity: 3,
      due: 2,
    });
    await append('order.changed', { network: 'two-tier', id: 'po-77', due: 5 });
    const response = await get('status/companies/oem');
    expect(response.statusCode, response.body).toBe(200);
    const answer = CompanyStatusSchema.parse(body(response));
    expect(answer.orders[0]).toMatchObject({ id: 'po-77', source: 'open', plannedDue: 2, eta: 5, delay: 3 });
    expect(answer.row.lateOrders).toBe(1);
    expect(answer.plan.through).toBeGreaterThanOrEqual(2);
    const listed = body<{ rows: { company: string; lateOrders: number }[] }>(await get('status?search=oem'));
    expect(listed.rows[0]).toMatchObject({ company: 'oem', lateOrders: 1 });
    expect((await get('status/companies/nobody')).statusCode).toBe(404);
    expect(firstDues([], [{ id: 'po-77', due: 2 }]).get('po-77')).toBe(2);
  });

  it('a capacity change shows in the next answer (the plan is made again)', async () => {
    const before = body<{ plan: { through: number }; rows: { company: string; bottlenecks: number }[] }>(
      await get('status'),
    );
    await append('capacity.changed', {
      network: 'two-tier',
      company: 'frame-a',
      item: 'frame',
      from: 0,
      capacity: 1,
    });
    const after = body<{
      plan: { through: number };
      rows: { company: string; bottlenecks: number; state: string }[];
    }>(await get('status'));
    expect(after.plan.through).toBeGreaterThan(before.plan.through);
    const frameA = after.rows.find((row) => row.company === 'frame-a')!;
    expect(frameA.bottlenecks).toBeGreaterThan(0);
    // The background re-plan after the events is named, so the page knows there are changes to show
    // (the first re-plan starts the re-plan thread: some seconds on a busy machine).
    await expect
      .poll(
        async () => body<{ replanned: { through: number } | null }>(await get('status')).replanned?.through,
        { timeout: 30_000, interval: 100 },
      )
      .toBe(after.plan.through);
  });

  it('names the units of the items asked for, and the ids it does not know', async () => {
    const response = await get('items?ids=frame,machine,frame,nothing');
    expect(response.statusCode, response.body).toBe(200);
    expect(body(response)).toEqual({
      items: [
        { id: 'machine', name: 'Machine', unit: 'pcs' },
        { id: 'frame', name: 'Welded frame', unit: 'pcs' },
      ],
      unknown: ['nothing'],
    });
    expect(
      (await get(`items?ids=${Array.from({ length: 501 }, (_, index) => `i${index}`).join(',')}`)).statusCode,
    ).toBe(400);
    expect((await get('items')).statusCode).toBe(400);
  });
});
