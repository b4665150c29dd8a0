import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../jobs/job-queue.ts';
import { body, importTwoTier, NETWORK_YAML, type TestServer, testServer } from '../test-support.ts';
import { JobSchema } from './jobs.ts';

const run = promisify(execFile);
const KETEN = new URL('../../../cli/bin/keten.js', import.meta.url).pathname;

/** What `keten ARGS --json` prints for the test network, parsed. */
async function cli(args: readonly string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [KETEN, ...args, '--json'], {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return JSON.parse(stdout);
}

let server: TestServer;
let folder: string;
let networkFile: string;

beforeAll(async () => {
  server = await testServer({ jobs: { maxPerUser: 3 } });
  await importTwoTier(server);
  folder = await mkdtemp(join(tmpdir(), 'keten-jobs-'));
  networkFile = join(folder, 'two-tier.yaml');
  await writeFile(networkFile, NETWORK_YAML);
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

type Role = 'viewer' | 'planner' | 'admin';

const post = (role: Role, url: string, payload: unknown) =>
  server.as(role, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });

function acceptedJob(response: LightMyRequestResponse): JobView {
  expect(response.statusCode, response.body).toBe(202);
  const job = body<JobView>(response);
  expect(response.headers.location).toBe(`/api/v1/jobs/${job.id}`);
  expect(JobSchema.parse(job)).toBeTruthy();
  return job;
}

/** Polls the job until it has finished (or the test times out). */
async function finished(role: Role, id: string): Promise<JobView> {
  for (;;) {
    const response = await server.as(role, { method: 'GET', url: `/api/v1/jobs/${id}` });
    expect(response.statusCode, response.body).toBe(200);
    const job = body<JobView>(response);
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('jobs: stress test, sourcing, simulation', () => {
  it('a stress-test job answers what `keten stress-test --json` prints for the same network', async () => {
    const job = acceptedJob(await post('viewer', '/api/v1/networks/two-tier/stress-test', { ttr: 3 }));
    expect(job).toMatchObject({
      kind: 'stress-test',
      owner: 'viewer',
      network: 'two-tier',
      version: 1,
      input: { ttr: 3, threads: 1 },
      progress: { done: 0, total: 6, unit: 'company LPs' },
    });
    const [done, printed] = await Promise.all([
      finished('viewer', job.id),
      cli(['stress-test', networkFile, '--ttr', '3']),
    ]);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.progress).toEqual({ done: 6, total: 6, unit: 'company LPs' });
    expect(done.result).toEqual(printed);
    // What the TTS/TTR chart and the ranking need, per company.
    const companies = (done.result as { companies: Record<string, unknown>[] }).companies;
    expect(companies.map((company) => company.rank)).toEqual([1, 2, 3]);
    for (const company of companies) {
      expect(Object.keys(company)).toEqual(
        expect.arrayContaining(['company', 'name', 'tier', 'tts', 'ttr', 'loss', 'rei', 'rank', 'flagged']),
      );
    }
    expect(done.expiresAt).toBeDefined();
  }, 60_000);

  it('a sourcing job answers what `keten sourcing --json` prints; the question is checked first', async () => {
    const question = { buyer: 'oem', item: 'frame', runs: 4, seed: 3 };
    const job = acceptedJob(await post('planner', '/api/v1/networks/two-tier/sourcing', question));
    expect(job.progress.unit).toBe('split scenarios');
    expect(job.progress.total).toBeGreaterThan(0);
    const [done, printed] = await Promise.all([
      finished('planner', job.id),
      cli(['sourcing', networkFile, '--buyer', 'oem', '--item', 'frame', '--runs', '4', '--seed', '3']),
    ]);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.result).toEqual(printed);
    expect(done.progress.done).toBe(done.progress.total);

    const unknown = await post('planner', '/api/v1/networks/two-tier/sourcing', {
      buyer: 'oem',
      item: 'framez',
    });
    expect(unknown.statusCode).toBe(404);
    expect(body<{ error: { code: string; message: string } }>(unknown).error.code).toBe('not-found');
    const single = await post('planner', '/api/v1/networks/two-tier/sourcing', {
      buyer: 'oem',
      item: 'frame',
      step: 0.25,
    });
    expect(single.statusCode).toBe(400);
    expect(body<{ error: { message: string } }>(single).error.message).toMatch(/optimise/);
    const noNetwork = await post('planner', '/api/v1/networks/nope/stress-test', {});
    expect(noNetwork.statusCode).toBe(404);
    const badTtr = await post('planner', '/api/v1/networks/two-tier/stress-test', { ttr: -1 });
    expect(badTtr.statusCode).toBe(400);
  }, 60_000);

  it('simulate with ?async=1 is a job whose result is the synchronous answer', async () => {
    const scenario =
      'format: keten.scenario/v1\nname: brakes\nperiods: 20\ndemand:\n  - { company: oem, item: machine, pattern: { type: normal, mean: 6, stdDev: 1 } }\n';
    const request = { scenario, runs: 8, seed: 2 };
    const sync = await post('viewer', '/api/v1/networks/two-tier/simulate', request);
    expect(sync.statusCode, sync.body).toBe(200);
    const job = acceptedJob(await post('viewer', '/api/v1/networks/two-tier/simulate?async=1', request));
    expect(job.progress).toEqual({ done: 0, total: 8, unit: 'runs' });
    const done = await finished('viewer', job.id);
    expect(done.state).toBe('succeeded');
    expect(done.result).toEqual(body(sync));
    expect(done.progress.done).toBe(8);
    const html = await post('viewer', '/api/v1/networks/two-tier/simulate?async=1&format=html', request);
    expect(html.statusCode).toBe(400);
  }, 60_000);

  it("shows a user only their own jobs (admins all) and lets them cancel; someone else's is 404", async () => {
    const job = acceptedJob(
      await post('planner', '/api/v1/networks/two-tier/sourcing', {
        buyer: 'oem',
        item: 'frame',
        runs: 1000,
        periods: 1040,
      }),
    );
    const asViewer = await server.as('viewer', { method: 'GET', url: `/api/v1/jobs/${job.id}` });
    expect(asViewer.statusCode).toBe(404);
    const viewerCancels = await server.as('viewer', { method: 'DELETE', url: `/api/v1/jobs/${job.id}` });
    expect(viewerCancels.statusCode).toBe(404);
    const asAdmin = await server.as('admin', { method: 'GET', url: `/api/v1/jobs/${job.id}` });
    expect(asAdmin.statusCode).toBe(200);
    const viewerList = body<{ jobs: JobView[] }>(
      await server.as('viewer', { method: 'GET', url: '/api/v1/jobs' }),
    );
    expect(viewerList.jobs.every((entry) => entry.owner === 'viewer')).toBe(true);
    expect(viewerList.jobs.some((entry) => entry.id === job.id)).toBe(false);
    const adminList = body<{ jobs: JobView[] }>(
      await server.as('admin', { method: 'GET', url: '/api/v1/jobs' }),
    );
    expect(adminList.jobs.map((entry) => entry.id)).toContain(job.id);
    expect(adminList.jobs.every((entry) => entry.result === undefined)).toBe(true);

    // A second long job waits behind the first (one runs at a time).
    const second = acceptedJob(
      await post('planner', '/api/v1/networks/two-tier/sourcing', {
        buyer: 'oem',
        item: 'frame',
        runs: 1000,
      }),
    );
    expect(second).toMatchObject({ state: 'queued', position: 0 });
    const cancelQueued = await server.as('planner', { method: 'DELETE', url: `/api/v1/jobs/${second.id}` });
    expect(body<JobView>(cancelQueued).state).toBe('cancelled');

    const cancel = await server.as('planner', { method: 'DELETE', url: `/api/v1/jobs/${job.id}` });
    expect(cancel.statusCode).toBe(200);
    const done = await finished('planner', job.id);
    expect(done.state).toBe('cancelled');
    expect(done.result).toBeUndefined();
  }, 60_000);

  it('refuses more jobs per user than the limit with 429 rate-limited, and forgets finished jobs after their time', async () => {
    const long = { buyer: 'oem', item: 'frame', runs: 1000, periods: 1040 };
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(acceptedJob(await post('admin', '/api/v1/networks/two-tier/sourcing', long)).id);
    }
    const refused = await post('admin', '/api/v1/networks/two-tier/sourcing', long);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(body<{ error: { code: string } }>(refused).error.code).toBe('rate-limited');
    for (const id of ids) await server.as('admin', { method: 'DELETE', url: `/api/v1/jobs/${id}` });
    for (const id of ids) expect((await finished('admin', id)).state).toBe('cancelled');

    server.clock.advance(61 * 60 * 1000);
    const gone = await server.as('admin', { method: 'GET', url: `/api/v1/jobs/${ids[0]}` });
    expect(gone.statusCode).toBe(404);
    expect(body<{ error: { code: string } }>(gone).error.code).toBe('not-found');
  }, 60_000);
});
