/**
 * @module bench/views
 * `npm run bench:views [-- SIZE]`: what a web app user waits for on a freshly imported network
 * (default 60,000 companies, 52 weekly periods, seed 7), served from the embedded store (PGlite in a
 * temporary folder) through `app.inject`, in this one process:
 *
 * 1. the import (`POST /networks`, the JSON text; `/health` probed meanwhile), then the graph's first
 *    view (binary, gzipped, as the web app asks for it) right after;
 * 2. the first chain status question (`GET …/status`), asked again while the server answers 503 "being
 *    made" (`Prefer: wait=60`), until it is answered; meanwhile `GET /health` every 200 ms, each
 *    answer's latency recorded (what any other user of the node waits for);
 * 3. the same for a company's plan and the heat map after that;
 * 4. a re-plan after an event (`POST /events` with a capacity change, then `GET …/status` until its
 *    `replanned` shows the event), `/health` probed meanwhile: the first from the version (its base
 *    planned too), the second from the plan kept by the first; then the second's diff as the Plan
 *    page asked for it before (`GET …/plan/changes`, the whole diff), and as it asks now: the summary
 *    with the first page of companies, then the first page of the most changed company's orders.
 *
 * `npm run bench:views -- 60000 import` stops after step 1.
 *
 * Wall time, CPU time of the process (every thread), the server's event-loop delay (p99 and the
 * longest stall, `monitorEventLoopDelay` at 10 ms resolution) and the load average are printed; peak
 * memory at the end. Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { generateNetwork } from '@keten/core';
import { openStore } from '@keten/store';
import { createServer } from '../apps/server/src/app.ts';
import { hashPassword } from '../apps/server/src/auth/passwords.ts';
import { issueToken } from '../apps/server/src/auth/tokens.ts';
import { describeMachine, peakMemoryMiB, SEED, table } from './machine.ts';

const companies = Number(process.argv[2] ?? 60_000);
/** `import`: only the import and the graph's first view (a 60,000-company run takes minutes more). */
const importOnly = process.argv[3] === 'import';
if (!Number.isInteger(companies) || companies < 10 || (process.argv[3] !== undefined && !importOnly)) {
  throw new Error('usage: bench/views.ts [COMPANIES] [import]');
}
console.log(`keten bench:views — ${companies} companies, seed ${SEED}, 52 weekly periods, embedded store`);
console.log(`machine: ${describeMachine()}\n`);

const folder = mkdtempSync(join(tmpdir(), 'keten-bench-views-'));
const store = await openStore({ dataDir: folder });
const app = await createServer({ store, logger: false });
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
try {
  await store.access.createUser({
    username: 'bench',
    role: 'planner',
    passwordHash: await hashPassword('bench password 1'),
  });
  const { secret } = await issueToken(
    store.access,
    { now: () => new Date() },
    { username: 'bench', name: 'bench' },
  );
  const authorization = `Bearer ${secret}`;
  // Only the JSON text is kept: the server holds the network it imports, the bench nothing more.
  const { text, name, oem, record } = (() => {
    const network = generateNetwork({ companies, seed: SEED, horizon: 52 });
    const first = network.demand?.[0]?.company ?? network.companies[0]!.id;
    const production = network.production?.find((entry) => entry.company !== first);
    if (production === undefined) throw new Error('the generated network has no production record');
    return {
      text: JSON.stringify(network),
      name: network.name,
      oem: first,
      record: { company: production.company, item: production.item },
    };
  })();
  const base = `/api/v1/networks/${encodeURIComponent(name)}`;

  const rows: (string | number)[][] = [];
  /** Runs `work`, adding a row: wall and CPU seconds, the longest event-loop stall, health latencies. */
  const measure = async (what: string, work: () => Promise<string>, probeHealth = false) => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const latencies: number[] = [];
    const unhealthy: number[] = [];
    let probing = probeHealth;
    const probe = (async () => {
      while (probing) {
        const asked = performance.now();
        const health = await app.inject({ method: 'GET', url: '/health' });
        // 503: the store did not answer /health's probe within 2 s (on PGlite, a long write holds it).
        if (health.statusCode !== 200) unhealthy.push(health.statusCode);
        latencies.push(performance.now() - asked);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const status = await work();
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    probing = false;
    await probe;
    await new Promise((resolve) => setTimeout(resolve, 30));
    loop.disable();
    latencies.sort((a, b) => a - b);
    const at = (share: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
    rows.push([
      what,
      status,
      (wall / 1000).toFixed(2),
      ((used.user + used.system) / 1e6).toFixed(2),
      (loop.percentile(99) / 1e6).toFixed(0),
      (loop.max / 1e6).toFixed(0),
      latencies.length === 0
        ? ''
        : `${latencies.length}${unhealthy.length === 0 ? '' : ` (${unhealthy.length}×${unhealthy[0]})`}`,
      latencies.length === 0 ? '' : at(0.5)!.toFixed(0),
      latencies.length === 0 ? '' : latencies.at(-1)!.toFixed(0),
      load(),
    ]);
  };
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { authorization, ...headers } });
  /** Asks until answered (not 503), as the web app would; the statuses seen, e.g. `503×4 200`. */
  const ask = async (url: string): Promise<string> => {
    let waits = 0;
    for (;;) {
      const response = await get(url, { prefer: 'wait=60' });
      if (response.statusCode !== 503) {
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
        return waits === 0 ? '200' : `503×${waits} 200`;
      }
      waits++;
      const after = Number(response.headers['retry-after'] ?? 1);
      await new Promise((resolve) => setTimeout(resolve, after * 1000));
    }
  };

  await measure(
    'import (POST /networks, JSON)',
    async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/networks',
        headers: { authorization, 'content-type': 'application/json' },
        payload: text,
      });
      if (response.statusCode !== 201) throw new Error(`import: ${response.statusCode} ${response.body}`);
      return '201';
    },
    true,
  );
  await measure('graph, first view (binary, gzip)', async () => {
    const response = await get(`${base}/graph`, {
      accept: 'application/vnd.keten.graph',
      'accept-encoding': 'gzip',
    });
    if (response.statusCode !== 200) throw new Error(`graph: ${response.statusCode}`);
    return `200 ${(response.rawPayload.byteLength / 1e6).toFixed(1)} MB`;
  });
  // Everything after the import and the graph, unless only the import was asked for.
  if (!importOnly) {
    await measure('chain status, first question', () => ask(`${base}/status?limit=50`), true);
    await measure('chain status again', () => ask(`${base}/status?limit=50&state=short`));
    await measure("a company's plan", () => ask(`${base}/plan/companies/${encodeURIComponent(oem)}`));
    await measure('heat map, 100 rows', () => ask(`${base}/plan/heat-map`));
    let events = 0;
    /** Appends a capacity change of `record` and waits until `plan/changes` shows it re-planned. */
    const replanAfterEvent = async (): Promise<string> => {
      const appended = await app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { authorization },
        payload: {
          events: [
            {
              type: 'capacity.changed',
              key: `bench-capacity-${++events}`,
              at: new Date().toISOString(),
              source: 'bench',
              payload: { ...record, network: name, from: 4 + events, capacity: events - 1 },
            },
          ],
        },
      });
      if (appended.statusCode !== 201) throw new Error(`events: ${appended.statusCode} ${appended.body}`);
      const sequence = (JSON.parse(appended.body) as { appended: { sequence: number }[] }).appended[0]!
        .sequence;
      // Polled through the chain status's `replanned` (small), not `plan/changes`, whose whole diff
      // (~144 MB of JSON at 20,000 companies) would be written out on the server's thread every time.
      for (;;) {
        const response = await get(`${base}/status?limit=1`, { prefer: 'wait=60' });
        if (response.statusCode === 200) {
          const { replanned } = JSON.parse(response.body) as {
            replanned: { through: number; failed: boolean } | null;
          };
          if (replanned !== null && replanned.through >= sequence) {
            if (replanned.failed) throw new Error(`the re-plan through ${sequence} failed`);
            return `200 through ${replanned.through}`;
          }
        } else if (response.statusCode !== 503) {
          throw new Error(`status: ${response.statusCode} ${response.body}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await measure('re-plan after an event (base planned too)', replanAfterEvent, true);
    await measure('re-plan after the next event (from kept plan)', replanAfterEvent, true);
    await measure(
      'its diff (GET plan/changes, gzip)',
      async () => {
        const response = await get(`${base}/plan/changes`, { 'accept-encoding': 'gzip' });
        if (response.statusCode !== 200) throw new Error(`plan/changes: ${response.statusCode}`);
        return `200 ${(response.rawPayload.byteLength / 1e6).toFixed(1)} MB`;
      },
      true,
    );
    // What the Plan and Chain status pages ask for instead: the totals with the first 25 companies,
    // then the first 40 orders of the company with the most changes.
    let most = '';
    await measure(
      'its summary (GET plan/changes/summary, gzip)',
      async () => {
        const response = await get(`${base}/plan/changes/summary`, { 'accept-encoding': 'gzip' });
        if (response.statusCode !== 200) throw new Error(`plan/changes/summary: ${response.statusCode}`);
        const text =
          response.headers['content-encoding'] === 'gzip'
            ? gunzipSync(response.rawPayload).toString()
            : response.body;
        most =
          (JSON.parse(text) as { companies: { items: { company: string }[] } }).companies.items[0]?.company ??
          oem;
        return `200 ${(response.rawPayload.byteLength / 1e3).toFixed(1)} kB`;
      },
      true,
    );
    await measure(
      "a company's changes (GET plan/changes/companies/…, gzip)",
      async () => {
        const response = await get(`${base}/plan/changes/companies/${encodeURIComponent(most)}`, {
          'accept-encoding': 'gzip',
        });
        if (response.statusCode !== 200) throw new Error(`plan/changes/companies: ${response.statusCode}`);
        return `200 ${(response.rawPayload.byteLength / 1e3).toFixed(1)} kB`;
      },
      true,
    );
    await measure('health alone', async () => {
      const response = await app.inject({ method: 'GET', url: '/health' });
      return String(response.statusCode);
    });
  }
  printRows(rows);
} finally {
  await app.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
}

function printRows(rows: (string | number)[][]): void {
  console.log(
    table(
      [
        'request',
        'answers',
        'wall s',
        'CPU s',
        'loop p99 ms',
        'loop stall ms',
        'health asked',
        'health p50 ms',
        'health max ms',
        'load',
      ],
      rows,
    ),
  );
  console.log(`\npeak memory ${peakMemoryMiB()} MiB (all threads)`);
}
