/**
 * Re-plans after events run in a thread of their own: the server's thread answers while a large
 * network is re-planned, and the re-plan still lands in `GET …/plan/changes`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, storeGenerated, type TestServer, testServer } from './test-support.ts';

/** Big enough that re-planning takes a while (its base planned first: some 1 s of CPU). */
const COMPANIES = 2_000;

let server: TestServer;

beforeAll(async () => {
  server = await testServer();
  await storeGenerated(server, 'large', COMPANIES, 26);
}, 60_000);
afterAll(() => server.close());

describe('re-plans after events', () => {
  it('run off the server thread: /health answers while the re-plan plans, then the re-plan shows', async () => {
    const record = (await server.store.networks.getVersion('large'))!.content.production![0]!;
    // The moment the re-plan has read the whole log (a page shorter than asked for), it plans: with
    // no plan published, no other read follows. A request asked then must not wait for the plan.
    const events = server.store.events;
    const read = events.read.bind(events);
    let planning!: () => void;
    const planningStarted = new Promise<void>((resolve) => {
      planning = resolve;
    });
    events.read = async (query) => {
      const page = await read(query);
      if (query?.limit !== undefined && page.length < query.limit) planning();
      return page;
    };
    const appended = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      payload: {
        events: [
          {
            type: 'capacity.changed',
            key: 'lower-capacity',
            at: '2027-01-04T08:00:00Z',
            source: 'test',
            payload: { company: record.company, item: record.item, from: 3, capacity: 0 },
          },
        ],
      },
    });
    expect(appended.statusCode, appended.body).toBe(201);
    await planningStarted;
    events.read = read;

    const health = await server.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    // Answered while the re-plan was still running: it has not shown up yet.
    const during = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/large/plan/changes' });
    expect(during.statusCode, 'the re-plan had finished before /health was answered').toBe(404);

    for (let waited = 0; waited < 120_000; waited += 100) {
      const after = await server.as('viewer', { method: 'GET', url: '/api/v1/networks/large/plan/changes' });
      if (after.statusCode !== 404) {
        expect(after.statusCode, after.body).toBe(200);
        const changes = body<{ through: number; base: { from: string }; stats: { nodes: number } }>(after);
        expect(changes).toMatchObject({ through: 1, base: { from: 'version' } });
        expect(changes.stats.nodes).toBeGreaterThan(0);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the re-plan did not show within 120 s');
  }, 180_000);
});
