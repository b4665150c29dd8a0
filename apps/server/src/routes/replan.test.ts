/**
 * Planning with the event log, re-planning and plan changes over HTTP: `POST …/plan` and
 * `GET …/plan/summary` plan the version with its planning events; `POST …/replan` answers the diff
 * against the published plan (equal to the diff to a full plan) and publishes; planning events
 * appended with `POST /api/v1/events` are re-planned in the background and shown by
 * `GET …/plan/changes`; bad events, roles and what is not there get stable errors.
 */
import {
  applyPlanningEvents,
  diffPlans,
  type Network,
  type PlanningEventInput,
  planNetwork,
  summarizePlan,
} from '@keten/core';
import type { ReplanOutcome } from '@keten/store';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  PlanChangesSchema,
  PlanChangesSummarySchema,
  PlanCompanyChangesSchema,
  ReplanResponse,
} from '../api-schemas.ts';
import type { PlanChanges, ReplanFailure } from '../replanner.ts';
import { body, leaksInternals, NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown>[] } };
/** The answer of `POST …/replan`. */
type Replan = Omit<ReplanOutcome, 'kept'>;
type Changes = PlanChanges & { failure?: ReplanFailure };

let server: TestServer;
let logLines: string[];
let counter = 0;

beforeEach(async () => {
  logLines = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  server = await testServer({ logger });
  const imported = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/networks',
    headers: { 'content-type': 'application/yaml' },
    payload: NETWORK_YAML,
  });
  expect(imported.statusCode).toBe(201);
});
afterEach(() => server.close());

/** Version 1 of two-tier as stored. */
async function stored(): Promise<Network> {
  return (await server.store.networks.getVersion('two-tier'))!.content;
}

/** Appends planning events over HTTP, each with its own key. */
async function append(...events: PlanningEventInput[]) {
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/events',
    payload: {
      events: events.map((event) => ({
        type: event.type,
        key: `event-${++counter}`,
        at: '2027-01-04T08:00:00Z',
        source: 'test',
        payload: event.payload,
      })),
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}

/** frame-a can start only `capacity` frames a period from period 3 on. */
const frameA = (capacity: number, network?: string): PlanningEventInput => ({
  type: 'capacity.changed',
  payload: {
    company: 'frame-a',
    item: 'frame',
    from: 3,
    capacity,
    ...(network === undefined ? {} : { network }),
  },
});

/** The network after the events, computed here, not by the server. */
async function changed(...events: PlanningEventInput[]): Promise<Network> {
  const result = applyPlanningEvents(await stored(), events);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value.network;
}

const noPegging = { pegging: false } as const;
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

const replan = (payload?: unknown, role: 'viewer' | 'planner' = 'planner', name = 'two-tier') =>
  server.as(role, {
    method: 'POST',
    url: `/api/v1/networks/${name}/replan`,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const changes = (name = 'two-tier') =>
  server.as('viewer', { method: 'GET', url: `/api/v1/networks/${name}/plan/changes` });

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * `GET …/plan/changes` once the background re-plan of the events up to `through` has run (or failed):
 * re-plans start after the answer to the events, so they are waited for.
 */
async function changesThrough(through: number) {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const response = await changes();
    const answered = body<Partial<Changes>>(response);
    if (response.statusCode === 409 || (answered.failure?.at ?? '') !== '') return response;
    if (response.statusCode === 200 && (answered.through ?? 0) >= through) return response;
    await pause(20);
  }
  throw new Error(`no re-plan through sequence ${through} within 10 s`);
}

describe('planning a stored network with its events', () => {
  it('POST …/plan and GET …/plan/summary plan the version with the planning events in the log', async () => {
    await append(frameA(2));
    const network = await changed(frameA(2));
    expect(network).not.toEqual(await stored());

    const plan = await server.as('viewer', { method: 'POST', url: '/api/v1/networks/two-tier/plan' });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(body(plan)).toEqual(asJson(planNetwork(network)));

    const summary = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/two-tier/plan/summary',
    });
    expect(summary.statusCode, summary.body).toBe(200);
    expect(body(summary)).toEqual(asJson(summarizePlan(network, planNetwork(network, noPegging))));
  });

  it('leaves out events addressed to another network', async () => {
    await append(frameA(2, 'another-network'));
    const plan = await server.as('viewer', { method: 'POST', url: '/api/v1/networks/two-tier/plan' });
    expect(body(plan)).toEqual(asJson(planNetwork(await stored())));
  });

  it('answers 409 naming the event and the field when an event cannot be applied', async () => {
    await append({
      type: 'capacity.changed',
      payload: { company: 'frame-c', item: 'frame', from: 3, capacity: 2 },
    });
    for (const response of [
      await server.as('viewer', { method: 'POST', url: '/api/v1/networks/two-tier/plan' }),
      await server.as('viewer', { method: 'GET', url: '/api/v1/networks/two-tier/plan/summary' }),
      await replan(),
    ]) {
      expect(response.statusCode).toBe(409);
      const { error } = body<ErrorBody>(response);
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(/^an event in the log cannot be applied to network 'two-tier' v1/);
      expect(error.details).toEqual([
        {
          sequence: 1,
          key: `event-${counter}`,
          type: 'capacity.changed',
          path: ['payload', 'company'],
          code: 'unknown-company',
          message: `event at sequence 1 (key 'event-${counter}', capacity.changed): payload.company: unknown company 'frame-c' (did you mean 'frame-a'?)`,
        },
      ]);
      expect(leaksInternals(response.body)).toBe(false);
    }
  });

  it('refuses a planning event whose payload does not fit its type, naming the field, and appends nothing', async () => {
    const response = await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      payload: {
        events: [
          { type: 'order.created', key: 'o-1', at: '2027-01-04T08:00:00Z', source: 't', payload: {} },
          {
            type: 'capacity.changed',
            key: 'c-1',
            at: '2027-01-04T08:00:00Z',
            source: 't',
            payload: { company: 'frame-a', item: 'frame', from: 3, capacty: 2 },
          },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    const { error } = body<{ error: { code: string; message: string; details: unknown } }>(response);
    expect(error.code).toBe('invalid-request');
    expect(error.details).toEqual([
      { path: '/events/1/payload/capacity', message: "missing required field 'capacity'" },
      { path: '/events/1/payload/capacty', message: "unknown field 'capacty' (did you mean 'capacity'?)" },
    ]);
    expect(error.message).toBe(
      "2 problems in the payloads of planning events, so nothing was appended; the first, at /events/1/payload/capacity: missing required field 'capacity'",
    );
    expect(await server.store.events.read()).toEqual([]);
  });
});

describe('POST /api/v1/networks/{name}/replan', () => {
  it('answers the diff against the version without events, equal to a full plan, and publishes it', async () => {
    await append(frameA(2));
    const response = await replan({});
    expect(response.statusCode, response.body).toBe(200);
    const answered = body<Replan>(response);
    expect(ReplanResponse.parse(answered)).toEqual(answered);

    const full = planNetwork(await changed(frameA(2)), noPegging);
    expect(answered.diff).toEqual(asJson(diffPlans(planNetwork(await stored(), noPegging), full)));
    expect(answered.diff.notices.map((notice) => notice.company)).toEqual(
      expect.arrayContaining(['frame-a', 'oem']),
    );
    expect(answered).toMatchObject({
      network: 'two-tier',
      version: 1,
      through: 1,
      base: { version: 1, through: 0, from: 'version' },
      stats: { full: false },
      published: { key: 'plan.published/two-tier/1/1', sequence: 2 },
    });
    const event = await server.store.events.get('plan.published/two-tier/1/1');
    expect(event).toMatchObject({
      type: 'plan.published',
      source: 'planner',
      payload: { network: 'two-tier', version: 1, through: 1, orders: full.orders.length },
    });

    const again = body<Replan>(await replan());
    expect(again.base).toEqual({ version: 1, through: 1, from: 'published' });
    expect(again.diff.orders).toEqual({ added: [], removed: [], changed: [] });
    expect(again.diff.notices).toEqual([]);
    expect(again.published).toBeUndefined();
  });

  it('records nothing on a dry run, and takes a version', async () => {
    await append(frameA(2));
    const dry = body<Replan>(await replan({ dryRun: true, version: 1 }));
    expect(dry.published).toBeUndefined();
    expect(dry.diff.orders.changed.length).toBeGreaterThan(0);
    expect(await server.store.events.read({ type: 'plan.published' })).toEqual([]);
  });

  it('is for planners; a viewer gets 403', async () => {
    const response = await replan({}, 'viewer');
    expect(response.statusCode).toBe(403);
    expect(body<ErrorBody>(response).error.code).toBe('forbidden');
  });

  it('answers 404 for an unknown network or version, and 400 naming a bad field', async () => {
    const unknown = await replan({}, 'planner', 'nope');
    expect(unknown.statusCode).toBe(404);
    expect(body<ErrorBody>(unknown).error).toEqual({ code: 'not-found', message: "no network named 'nope'" });
    const version = await replan({ version: 4 });
    expect(version.statusCode).toBe(404);
    expect(body<ErrorBody>(version).error.message).toBe("network 'two-tier' has no version 4");
    for (const [payload, path] of [
      [{ version: 0 }, '/version'],
      [{ dryRun: 'yes' }, '/dryRun'],
      [{ dryrun: true }, ''],
    ] as const) {
      const response = await replan(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(body<{ error: { details: { path: string }[] } }>(response).error.details[0]?.path).toBe(path);
    }
  });
});

describe('GET /api/v1/networks/{name}/plan/changes', () => {
  it('answers 404 no-plan-changes before the first re-plan, and not-found for an unknown network', async () => {
    const before = await changes();
    expect(before.statusCode).toBe(404);
    expect(body<ErrorBody>(before).error).toEqual({
      code: 'no-plan-changes',
      message:
        "'two-tier' has not been re-planned since the server started: append planning events " +
        '(POST /api/v1/events) or re-plan it (POST /api/v1/networks/two-tier/replan)',
    });
    const unknown = await changes('nope');
    expect(unknown.statusCode).toBe(404);
    expect(body<ErrorBody>(unknown).error.code).toBe('not-found');
  });

  it('shows the re-plan the server made after planning events arrived, each from the plan before', async () => {
    await append(frameA(2));
    const first = await changesThrough(1);
    expect(first.statusCode, first.body).toBe(200);
    const answered = body<Changes>(first);
    expect(PlanChangesSchema.parse(answered)).toEqual(answered);
    const original = planNetwork(await stored(), noPegging);
    const lowered = planNetwork(await changed(frameA(2)), noPegging);
    expect(answered.diff).toEqual(asJson(diffPlans(original, lowered)));
    expect(answered).toMatchObject({ through: 1, base: { from: 'version' }, at: expect.any(String) });

    // The next events are re-planned from the kept plan: the diff is against the plan before them.
    await append(frameA(1, 'two-tier'));
    const second = body<Changes>(await changesThrough(2));
    const lowest = planNetwork(await changed(frameA(2), frameA(1)), noPegging);
    expect(second.diff).toEqual(asJson(diffPlans(lowered, lowest)));
    expect(second.base).toEqual({ version: 1, through: 1, from: 'kept' });
    expect(second.stats.full).toBe(false);
    // Background re-plans publish nothing.
    expect(await server.store.events.read({ type: 'plan.published' })).toEqual([]);
    expect(logLines.some((line) => line.includes('network re-planned after events'))).toBe(true);
  });

  it('answers the same diff in pages: the summary with its companies, and each company page by page', async () => {
    await append(frameA(1));
    const whole = body<Changes>(await changesThrough(1));
    const { diff } = whole;
    const orders = diff.orders.added.length + diff.orders.removed.length + diff.orders.changed.length;
    expect(orders).toBeGreaterThan(2);
    const page = async (url: string) => {
      const response = await server.as('viewer', {
        method: 'GET',
        url: `/api/v1/networks/two-tier/plan/changes/${url}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response;
    };
    const summaryResponse = await page('summary?limit=1');
    const summary = body<z.infer<typeof PlanChangesSummarySchema>>(summaryResponse);
    expect(PlanChangesSummarySchema.parse(summary)).toEqual(summary);
    expect(summary).toMatchObject({ through: whole.through, at: whole.at, version: whole.version });
    expect(summary.totals.orders).toEqual({
      added: diff.orders.added.length,
      removed: diff.orders.removed.length,
      changed: diff.orders.changed.length,
      companies: new Set(
        [...diff.orders.added, ...diff.orders.removed, ...diff.orders.changed.map((c) => c.after)].map(
          (o) => o.company,
        ),
      ).size,
    });
    expect(summary.companies.items).toHaveLength(1);
    // Every company, one a page; the orders of each, two a page, add up to the whole diff.
    const companies = [summary.companies.items[0]!];
    for (let offset = 1; offset < summary.companies.total; offset += 1)
      companies.push(...body<typeof summary>(await page(`summary?offset=${offset}&limit=1`)).companies.items);
    expect(companies.map((entry) => entry.company).sort()).toEqual(
      [
        ...new Set(
          [...diff.orders.added, ...diff.orders.removed]
            .map((order) => order.company)
            .concat(
              diff.orders.changed.map((change) => change.after.company),
              diff.shortages.map((shortage) => shortage.company),
              diff.bottlenecks.map((bottleneck) => bottleneck.company),
              diff.notices.map((notice) => notice.company),
            ),
        ),
      ].sort(),
    );
    const weights = companies.map((entry) => entry.added + entry.removed + entry.changed + entry.shortages);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    const seen = { new: [] as string[], changed: [] as string[], cancelled: [] as string[] };
    for (const entry of companies) {
      let total = 0;
      for (let offset = 0; offset === 0 || offset < total; offset += 2) {
        const share = body<z.infer<typeof PlanCompanyChangesSchema>>(
          await page(`companies/${entry.company}?offset=${offset}&limit=2`),
        );
        expect(PlanCompanyChangesSchema.parse(share)).toEqual(share);
        expect(share.counts).toEqual(entry);
        total = share.orders.total;
        expect(total).toBe(entry.added + entry.removed + entry.changed);
        expect(share.orders.items.length).toBe(Math.min(2, total - offset));
        for (const item of share.orders.items) {
          expect(item.order.company).toBe(entry.company);
          seen[item.change].push(item.id);
        }
        expect(share.shortages).toEqual(
          diff.shortages.filter((shortage) => shortage.company === entry.company),
        );
      }
    }
    expect(seen.new.sort()).toEqual(diff.orders.added.map((order) => order.id).sort());
    expect(seen.changed.sort()).toEqual(diff.orders.changed.map((change) => change.id).sort());
    expect(seen.cancelled.sort()).toEqual(diff.orders.removed.map((order) => order.id).sort());
    // A company the diff does not touch: zero counts; bad paging: a 400 naming the field.
    const untouched = body<z.infer<typeof PlanCompanyChangesSchema>>(await page('companies/nobody'));
    expect(untouched.counts).toEqual({
      company: 'nobody',
      added: 0,
      removed: 0,
      changed: 0,
      shortages: 0,
      bottlenecks: 0,
    });
    expect(untouched.orders).toEqual({ offset: 0, limit: 40, total: 0, items: [] });
    const bad = await server.as('viewer', {
      method: 'GET',
      url: '/api/v1/networks/two-tier/plan/changes/summary?limit=0',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('limit');
  });

  it('answers the pages with the errors of the whole diff before the first re-plan', async () => {
    for (const url of ['summary', 'companies/frame-a']) {
      const before = await server.as('viewer', {
        method: 'GET',
        url: `/api/v1/networks/two-tier/plan/changes/${url}`,
      });
      expect(before.statusCode).toBe(404);
      expect(body<ErrorBody>(before).error.code).toBe('no-plan-changes');
      const unknown = await server.as('viewer', {
        method: 'GET',
        url: `/api/v1/networks/nope/plan/changes/${url}`,
      });
      expect(body<ErrorBody>(unknown).error.code).toBe('not-found');
    }
  });

  it('re-plans nothing for events of another network, or for events that do not plan', async () => {
    await append(frameA(2, 'another-network'));
    await server.as('planner', {
      method: 'POST',
      url: '/api/v1/events',
      payload: {
        events: [{ type: 'order.created', key: 'o-1', at: '2027-01-04T08:00:00Z', source: 't', payload: {} }],
      },
    });
    // Nothing to wait for: give a re-plan that should not run the time to show up anyway.
    await pause(200);
    expect((await changes()).statusCode).toBe(404);
  });

  it('shows a failed re-plan, logs it, and keeps serving', async () => {
    await append({
      type: 'demand.changed',
      payload: { company: 'oem', item: 'machine', period: 40, quantity: 1 },
    });
    const failed = await changesThrough(1);
    expect(failed.statusCode).toBe(409);
    const { error } = body<ErrorBody>(failed);
    expect(error.message).toMatch(
      /^the latest re-plan of 'two-tier' failed: an event in the log cannot be applied/,
    );
    expect(error.details?.[0]).toMatchObject({
      sequence: 1,
      path: ['payload', 'period'],
      code: 'outside-horizon',
    });
    const logged = logLines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(
      logged.some(
        (line) => line.level === 40 && line.msg.startsWith("re-planning 'two-tier' after events failed"),
      ),
    ).toBe(true);

    // A new version supersedes the bad event; a re-plan then succeeds and carries no failure.
    server.clock.advance(1000);
    await server.as('planner', {
      method: 'POST',
      url: '/api/v1/networks',
      headers: { 'content-type': 'application/yaml' },
      payload: NETWORK_YAML,
    });
    expect((await replan({})).statusCode).toBe(200);
    const after = body<Changes>(await changes());
    expect(after.version).toBe(2);
    expect(after.failure).toBeUndefined();
  });

  it('keeps the last good changes and names a later failure beside them', async () => {
    await append(frameA(2));
    await changesThrough(1);
    await append({ type: 'order.closed', payload: { id: 'no-such-order' } });
    const response = await changesThrough(2);
    expect(response.statusCode).toBe(200);
    const answered = body<Changes>(response);
    expect(answered.through).toBe(1);
    expect(answered.failure).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('cannot be applied'),
    });
  });
});
