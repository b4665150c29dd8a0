/**
 * @module bench/plan-views
 * `node --import tsx bench/plan-views.ts [SIZES...]`: the Plan page's endpoints on a generated network
 * (default 6,000 companies, 52 weekly periods) served from an in-memory store through `app.inject`:
 * the first request (plans the network and builds the index), the same question again (from the
 * kept plan), other companies, the heat map, and pegging (planned once more with pegging, up to the
 * server's limit). Wall and CPU time per request (CPU of the whole process, worker threads included),
 * the longest stall of the event loop while it ran, the process's peak memory and the load average.
 * Figures are printed, never asserted.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createMemoryStore, generateNetwork, summarize } from '@keten/core';
import { createServer } from '../apps/server/src/app.ts';
import { hashPassword } from '../apps/server/src/auth/passwords.ts';
import { issueToken } from '../apps/server/src/auth/tokens.ts';
import { describeMachine, peakMemoryMiB, SEED, sizesFromArguments, table } from './machine.ts';

const sizes = process.argv.length > 2 ? sizesFromArguments() : [6_000];
console.log(`keten bench:plan-views — seed ${SEED}, 52 weekly periods`);
console.log(`machine: ${describeMachine()}\n`);

for (const companies of sizes) {
  const network = generateNetwork({ companies, seed: SEED, horizon: 52 });
  const store = createMemoryStore();
  await store.networks.importVersion({
    network: network.name,
    content: network,
    summary: summarize(network),
    source: 'bench',
    author: 'bench',
  });
  await store.access.createUser({
    username: 'bench',
    role: 'viewer',
    passwordHash: await hashPassword('bench password 1'),
  });
  const { secret } = await issueToken(
    store.access,
    { now: () => new Date() },
    { username: 'bench', name: 'bench' },
  );
  const app = await createServer({ store, logger: false, plans: { maxPeggingCompanies: 6_000 } });
  const base = `/api/v1/networks/${encodeURIComponent(network.name)}/plan`;
  const oem = network.demand?.[0];
  const supplier = network.companies[Math.floor(network.companies.length / 2)]!.id;
  const requests: [string, string][] = [
    ['company (first: plans)', `${base}/companies/${oem?.company}`],
    ['same company again', `${base}/companies/${oem?.company}`],
    ['another company', `${base}/companies/${supplier}`],
    ['heat map, 100 rows (first)', `${base}/heat-map`],
    ['heat map again', `${base}/heat-map?minimumPeak=1`],
    [
      'pegging of an end demand (first)',
      `${base}/pegging?company=${oem?.company}&item=${oem?.item}&period=20`,
    ],
    ['pegging again', `${base}/pegging?company=${oem?.company}&item=${oem?.item}&period=21`],
  ];
  const rows: (string | number)[][] = [];
  for (const [what, url] of requests) {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    // The first sample only sets the monitor's baseline: take it before the request.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    // The monitor's timer records a stall when it fires late: let it fire once more.
    await new Promise((resolve) => setTimeout(resolve, 30));
    loop.disable();
    const answer = JSON.parse(response.body) as { plan?: { cached: boolean }; error?: { message: string } };
    rows.push([
      what,
      response.statusCode,
      answer.plan === undefined ? (answer.error?.message.slice(0, 40) ?? '') : String(answer.plan.cached),
      (wall / 1000).toFixed(3),
      ((used.user + used.system) / 1e6).toFixed(3),
      (response.body.length / 1024).toFixed(0),
      (loop.max / 1e6).toFixed(0),
    ]);
  }
  console.log(
    `${companies} companies (load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')})`,
  );
  console.log(table(['request', 'status', 'cached', 'wall s', 'CPU s', 'KiB', 'loop stall ms'], rows));
  console.log(`peak memory ${peakMemoryMiB().toFixed(0)} MiB\n`);
  await app.close();
  await store.close();
}
