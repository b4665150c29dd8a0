import { type Network, planNetwork, summarize } from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanAnswers } from './plan-answers.ts';
import { body, NETWORK_YAML, storeGenerated, type TestServer, testServer } from './test-support.ts';

/** Big enough that planning takes a while (some 0.5 s of CPU), small enough for a test. */
const COMPANIES = 2_000;

let server: TestServer;
let network: Network;

beforeAll(async () => {
  // Networks of 1,000 companies or more are planned in a thread of their own (the default).
  server = await testServer({ plans: { threadFromCompanies: 1_000, waitSeconds: 30 } });
  network = await storeGenerated(server, 'large', COMPANIES, 26);
}, 60_000);
afterAll(() => server.close());

const status = (headers: Record<string, string> = {}) =>
  server.as('viewer', { method: 'GET', url: '/api/v1/networks/large/status?limit=20', headers });

type StatusAnswer = {
  rows: unknown[];
  total: number;
  counts: Record<string, number>;
  plan: { version: number; through: number; plannedAt: string; cached: boolean; replanned: boolean };
};

/** A status answer without where it came from (its plan, re-plan, periods): what core's `ChainStatus.rows` gives. */
function rowsOf(answer: StatusAnswer): Record<string, unknown> {
  const {
    plan: _plan,
    replanned: _replanned,
    period: _period,
    start: _start,
    ...rows
  } = answer as StatusAnswer & Record<string, unknown>;
  return rows;
}

describe('plans of large networks, made in a thread', () => {
  it('answer /health while a plan is made, say "not yet" with Retry-After, and share one plan among askers', async () => {
    const settled: string[] = [];
    const first = status({ prefer: 'wait=60' }).then((response) => {
      settled.push('first plan answer');
      return response;
    });
    const second = status({ prefer: 'wait=60' });
    // Not waiting at all: the plan is being made, so 503 with when to ask again.
    const now = await status({ prefer: 'wait=0' });
    expect(now.statusCode, now.body).toBe(503);
    expect(Number(now.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const pending = body<{
      error: { code: string; message: string; details: { planning: unknown; progress: unknown } };
    }>(now);
    expect(pending.error.code).toBe('unavailable');
    expect(pending.error.message).toMatch(/the plan of 'large' v1 is being made .*; ask again in \d+ s/);
    expect(pending.error.details.progress).toMatchObject({ done: expect.any(Number), unit: 'seconds' });
    expect(pending.error.details.planning).toMatchObject({
      network: 'large',
      version: 1,
      phase: expect.stringMatching(/^(reading|starting|planning|status)$/),
      elapsedSeconds: expect.any(Number),
    });
    // The server's thread is free: health answers before the plan is made.
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    settled.push('health');
    expect(health.statusCode).toBe(200);

    const [a, b] = await Promise.all([first, second]);
    expect(settled).toEqual(['health', 'first plan answer']);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    const answerA = body<StatusAnswer>(a);
    const answerB = body<StatusAnswer>(b);
    // One plan for both (made once: the same `seconds` it took), made for them, not found made.
    expect(answerB.plan).toEqual(answerA.plan);
    expect(answerA.plan.cached).toBe(false);
    expect(answerA.total).toBe(COMPANIES);

    // The thread's answers are those of the same plan made here.
    const here = new PlanAnswers({ network, options: { blocked: [], pegging: false }, firstDues: new Map() });
    expect(rowsOf(answerA)).toEqual(JSON.parse(JSON.stringify(here.status({ limit: 20 }))));
    const company = network.companies[Math.floor(COMPANIES / 2)]!.id;
    const plan = await server.as('viewer', {
      method: 'GET',
      url: `/api/v1/networks/large/plan/companies/${company}`,
    });
    expect(plan.statusCode, plan.body).toBe(200);
    const { plan: source, ...view } = body<{ plan: { cached: boolean } }>(plan);
    expect(source.cached).toBe(true);
    expect(view).toEqual(JSON.parse(JSON.stringify(here.company(company))));
    const heat = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/large/plan/heat-map?company=nobody',
    });
    expect(heat.statusCode).toBe(404);

    // Once made, even a question that will not wait is answered.
    expect((await status({ prefer: 'wait=0' })).statusCode).toBe(200);
  }, 120_000);

  it('refuses pegging above the limit clearly, with the limit in the details', async () => {
    const demand = network.demand![0]!;
    const response = await server.as('viewer', {
      method: 'GET',
      url: `/api/v1/networks/large/plan/pegging?company=${demand.company}&item=${demand.item}&period=3`,
    });
    // The server's default limit is 6,000 companies: this network is planned with pegging.
    expect(response.statusCode, response.body).toBe(200);
    const small = await testServer({ plans: { maxPeggingCompanies: 100, threadFromCompanies: 1_000 } });
    try {
      await small.store.networks.importVersion({
        network: 'large',
        content: network,
        summary: summarize(network),
        source: 'test',
        author: 'test',
      });
      const refused = await small.as('viewer', {
        method: 'GET',
        url: `/api/v1/networks/large/plan/pegging?company=${demand.company}&item=${demand.item}&period=3`,
        headers: { prefer: 'wait=60' },
      });
      expect(refused.statusCode, refused.body).toBe(400);
      const error = body<{ error: { message: string; details: unknown } }>(refused).error;
      expect(error.message).toContain('pegging is kept for networks up to 100 companies');
      expect(error.details).toEqual({ pegging: { maxCompanies: 100, companies: COMPANIES } });
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('plans kept, at most maxPlans', () => {
  it('drops the least recently used plan (a plan being made answers "ask again") and makes it again when asked', async () => {
    const small = await testServer({ plans: { maxPlans: 1, threadFromCompanies: 0 } });
    try {
      for (const name of ['one', 'two']) {
        const imported = await small.as('planner', {
          method: 'POST',
          url: `/api/v1/networks?name=${name}`,
          headers: { 'content-type': 'application/yaml' },
          payload: NETWORK_YAML,
        });
        expect(imported.statusCode, imported.body).toBe(201);
      }
      const ask = (name: string) =>
        small.as('viewer', {
          method: 'GET',
          url: `/api/v1/networks/${name}/status`,
          headers: { prefer: 'wait=60' },
        });
      // Both being made at once, one kept: the other's askers are told to ask again, never left waiting.
      const [one, two] = await Promise.all([ask('one'), ask('two')]);
      const statuses = [one.statusCode, two.statusCode].sort();
      expect(statuses).toEqual([200, 503]);
      const dropped = one.statusCode === 503 ? one : two;
      expect(body<{ error: { message: string } }>(dropped).error.message).toMatch(
        /was dropped for newer plans while being made; ask again/,
      );
      expect(dropped.headers['retry-after']).toBe('1');
      // Asked again, each is made again (and drops the other, which is made again in turn).
      const [lost, won] = one.statusCode === 503 ? ['one', 'two'] : ['two', 'one'];
      for (const name of [lost, won, lost]) {
        const again = await ask(name);
        expect(again.statusCode, again.body).toBe(200);
        expect(body<StatusAnswer>(again).plan.cached).toBe(false);
      }
      const kept = await ask(lost);
      expect(body<StatusAnswer>(kept).plan.cached).toBe(true);
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('plans after planning events', () => {
  it("are re-planned by the version's plan thread from the plan it holds, and answer as a plan made whole", async () => {
    const small = await testServer({ plans: { threadFromCompanies: 0, waitSeconds: 60 } });
    try {
      const generated = await storeGenerated(small, 'moving', 200, 20);
      const ask = async () => {
        const response = await small.as('viewer', {
          method: 'GET',
          url: '/api/v1/networks/moving/status?limit=50',
          headers: { prefer: 'wait=60' },
        });
        expect(response.statusCode, response.body).toBe(200);
        return body<StatusAnswer>(response);
      };
      const first = await ask();
      expect(first.plan).toMatchObject({ version: 1, through: 0, cached: false, replanned: false });
      // Two capacity changes, one after the other, each re-planned from the plan before it: the two
      // makers with the most production orders from period 3 on, shut from then.
      const starts = new Map<string, number>();
      for (const order of planNetwork(generated, { pegging: false }).orders) {
        if (order.kind !== 'production' || order.start < 3) continue;
        const key = `${order.company}\u0000${order.item}`;
        starts.set(key, (starts.get(key) ?? 0) + 1);
      }
      const busiest = [...starts].sort((a, b) => b[1] - a[1]).map(([key]) => key);
      const records = busiest
        .slice(0, 2)
        .map(
          (key) =>
            (generated.production ?? []).find((record) => `${record.company}\u0000${record.item}` === key)!,
        );
      let network = generated;
      let before = new PlanAnswers({
        network,
        options: { blocked: [], pegging: false },
        firstDues: new Map(),
      });
      for (const [k, record] of records.entries()) {
        const event = {
          type: 'capacity.changed' as const,
          payload: {
            company: record.company,
            item: record.item,
            from: 3 + k,
            capacity: 0,
            network: 'moving',
          },
        };
        const appended = await small.as('planner', {
          method: 'POST',
          url: '/api/v1/events',
          payload: { events: [{ ...event, key: `moving-${k}`, at: '2027-01-05T10:00:00Z', source: 'test' }] },
        });
        expect(appended.statusCode, appended.body).toBe(201);
        const again = await ask();
        const effective = await readEffectiveNetwork(storePlanningSource(small.store), 'moving');
        if (!effective.ok) throw new Error('no effective network');
        // The network the server plans: the version with the events (as `readEffectiveNetwork` reads it).
        network = effective.value.network;
        expect(again.plan).toMatchObject({ version: 1, cached: false, replanned: true });
        expect(again.plan.through).toBeGreaterThan(first.plan.through);
        // The same answers as the plan of the changed network made whole, here.
        const whole = new PlanAnswers({
          network,
          options: { blocked: effective.value.blocked, pegging: false },
          firstDues: new Map(),
        });
        expect(rowsOf(again)).toEqual(JSON.parse(JSON.stringify(whole.status({ limit: 50 }))));
        // The changed maker's own plan, too: its orders as the plan made whole has them, not as before.
        const view = await small.as('viewer', {
          method: 'GET',
          url: `/api/v1/networks/moving/plan/companies/${record.company}`,
        });
        expect(view.statusCode, view.body).toBe(200);
        const { plan: source, ...company } = body<{ plan: { replanned: boolean } }>(view);
        expect(source.replanned).toBe(true);
        expect(company).toEqual(JSON.parse(JSON.stringify(whole.company(record.company))));
        expect(company).not.toEqual(JSON.parse(JSON.stringify(before.company(record.company))));
        before = whole;
        const cached = await ask();
        expect(cached.plan).toMatchObject({ cached: true, replanned: true, through: again.plan.through });
      }
    } finally {
      await small.close();
    }
  }, 120_000);
});
