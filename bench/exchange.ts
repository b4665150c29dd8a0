/**
 * `npm run bench:exchange`: the exchange between company nodes on loopback, in one process (one
 * shared embedded database, a schema per node), the demo network's OEM and a chain of suppliers:
 *
 * 1. contract negotiation latency, request sent → FINALIZED received (the consumer's audit trail,
 *    millisecond times): every negotiation the nodes make while they start up (all datasets of all
 *    pairs, concurrent with each other and with the nodes' first plans), and then `NEGOTIATIONS`
 *    more, one after the other, on a settled network (tier 1 asks the OEM again for its forecast
 *    dataset: four DSP messages through the two outboxes; each starts when the one before, its
 *    transfer, push and re-plans are done), with the CPU time of each;
 * 2. signed messages per second from one node to another: N forecast messages put in the OEM's outbox
 *    at once, sent over HTTP with signed request tokens (the outbox sends runs of them in one signed
 *    batch request, see packages/connector/src/node/batch.ts), verified (token, nonce, membership),
 *    checked against the Catena-X schema, read and committed with their receipts at the supplier (a
 *    run in one transaction, node/inbox.ts), and marked delivered at the OEM; CPU time of the process
 *    (both nodes) beside the wall time. Then the receiving node alone: N more in signed batch
 *    requests of 100 made beforehand (as the OEM's outbox would send them), posted one after the
 *    other, so the process's CPU time is tier 1's (and the client's `fetch`);
 * 3. a forecast change at the OEM until tier 3 has it (three re-plans and three pushes on the way).
 *
 * 4. the sending node alone (part 2c): N messages through the OEM's outbox to a receiver in another
 *    process that answers every message applied and checks nothing, so the process's CPU time is the
 *    OEM's: committed all at once, and one commit a message.
 *
 * Prints figures; asserts nothing. `npm run bench:exchange -- 2000` sets N (default 1,000);
 * `npm run bench:exchange -- 1000 messages` leaves out the negotiations one at a time,
 * `npm run bench:exchange -- 1000 sender` measures the sending node alone (after the start),
 * `npm run bench:exchange -- 0 forecast` only the forecast change to tier 3, five times.
 * `KETEN_BENCH_PROFILE=<folder>` writes a CPU profile of each sending run there.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '@keten/connector';
import {
  createNegotiation,
  type DspJsonObject,
  loadNetworkFile,
  type Network,
  negotiationStep,
} from '@keten/core';
import { openDatabase } from '@keten/store';
import { startNetworkNodes } from '../apps/cli/src/network-nodes.ts';

const messages = Number(process.argv[2] ?? 1000);
/** `messages`: leave out the negotiations one at a time (1b), e.g. to measure part 2 alone. */
const only = process.argv[3];
const NEGOTIATIONS = 20;
const DEMO = new URL('../examples/demo-network.yaml', import.meta.url).pathname;
const loaded = loadNetworkFile({ name: DEMO, text: readFileSync(DEMO, 'utf8') });
if (!loaded.ok) throw new Error('the demo network does not load');
const network = loaded.value.network;

function chainOf(model: Network): string[] {
  const chain = [model.companies[0]!.id];
  for (let tier = 0; tier < 3; tier++) {
    const buyer = chain[chain.length - 1]!;
    const rule = (model.sourcing ?? []).find(
      (candidate) => candidate.buyer === buyer && candidate.suppliers.some((line) => line.supplier !== buyer),
    );
    if (rule === undefined) break;
    chain.push(rule.suppliers[0]!.supplier);
  }
  return chain;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 300_000, pollMs = 5): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

function distribution(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no samples';
  return `p50 ${percentile(sorted, 0.5)} ms, p95 ${percentile(sorted, 0.95)} ms, max ${sorted.at(-1)} ms (${sorted.length} negotiations)`;
}

/**
 * A receiver in a child process: answers every message of a batch (or a single push) `applied`, after
 * reading its JSON, and checks nothing else, so it costs the sending process nothing.
 */
async function startStubReceiver(): Promise<{
  url: string;
  received: () => Promise<number>;
  reset: () => void;
  close: () => Promise<void>;
}> {
  const script = `
    const http = require('node:http');
    let received = 0;
    const server = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const messages = Array.isArray(body.messages) ? body.messages : [{ id: request.headers['keten-message-id'] }];
        received += messages.length;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(Array.isArray(body.messages)
          ? { results: messages.map((m) => ({ id: m.id, status: 200, body: { status: 'applied' } })) }
          : { status: 'applied' }));
      });
    });
    process.on('message', (m) => { if (m === 'count') process.send({ received }); if (m === 'reset') received = 0; });
    server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    received: () =>
      new Promise<number>((resolve) => {
        child.once('message', (message) => resolve((message as { received: number }).received));
        child.send('count');
      }),
    reset: () => child.send('reset'),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/**
 * With `KETEN_BENCH_PROFILE=<folder>`, a CPU profile of a part: started here, written by the function
 * returned (`<folder>/<name>.cpuprofile`, for Chrome's DevTools or speedscope).
 */
async function startProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  const folder = process.env.KETEN_BENCH_PROFILE;
  if (folder === undefined || folder === '') return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (name) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1e6).toFixed(2);

const chain = chainOf(network);
const folder = mkdtempSync(join(tmpdir(), 'keten-bench-exchange-'));
const database = await openDatabase();
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at start`,
);
console.log(`nodes: ${chain.join(' → ')} (each its own HTTP port, key, membership and store schema)`);
const startedAt = Date.now();
const { nodes, close } = await startNetworkNodes({
  network,
  companies: chain,
  database,
  folder,
  networkName: 'bench',
});
console.log(`started ${nodes.size} nodes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
const received = async (company: string) =>
  (await nodes.get(company)!.store.exchange.listRecords('received-demand')).reduce(
    (sum, record) => sum + (record.value as number[]).reduce((a, b) => a + b, 0),
    0,
  );
try {
  for (const company of chain.slice(1)) await until(async () => (await received(company)) > 0);
  console.log(
    `forecasts reached tier ${chain.length - 1} ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the start`,
  );

  // 1a. Negotiation latency while the nodes start, from the consumers' audit trails.
  const startup: number[] = [];
  for (const company of chain) {
    const trail = await nodes.get(company)!.store.exchange.readAudit({ limit: 10000 });
    const requested = new Map<string, number>();
    for (const entry of trail) {
      if (entry.action === 'negotiation.request' && !requested.has(entry.resource))
        requested.set(entry.resource, Date.parse(entry.at));
    }
    for (const entry of trail) {
      if (entry.action !== 'negotiation.ContractNegotiationEventMessage') continue;
      const sent = requested.get(entry.resource);
      if (sent === undefined) continue;
      startup.push(Date.parse(entry.at) - sent);
      requested.delete(entry.resource);
    }
  }
  console.log(`negotiations while the nodes start (concurrent): ${distribution(startup)}`);
  await Promise.all(chain.map((company) => nodes.get(company)!.service.settled()));

  // 1b. Negotiations one at a time on the settled network: tier 1 asks the OEM again for its forecast.
  const oem = nodes.get(chain[0]!)!;
  const tier1 = nodes.get(chain[1]!)!;
  type Entry = {
    record: { role: string; state: string; offer?: DspJsonObject & { '@id': string; target: string } };
    partner: { url: string };
    dataset: string;
  };
  const finalized = (await tier1.store.exchange.listRecords('negotiation', { limit: 10000 }))
    .map((stored) => stored.value as Entry)
    .find(
      (entry) =>
        entry.partner.url === oem.connector.url &&
        // Tier 1's own request (as provider it holds the OEM's negotiations of tier 1's datasets too).
        entry.record.role === 'consumer' &&
        entry.record.state === 'FINALIZED' &&
        entry.record.offer !== undefined &&
        entry.dataset.includes(':demand-and-capacity:'),
    );
  if (finalized !== undefined && only === undefined) {
    const quiet: number[] = [];
    const negotiationCpu: number[] = [];
    const cpu0 = process.cpuUsage();
    // Settled: nothing in the outboxes, no delivery under way, no re-plan running (twice, since one
    // finishing can start another: a transfer started, its push, the re-plan it causes).
    const settle = async () => {
      for (let pass = 0; pass < 2; pass++) {
        for (const company of chain) {
          const node = nodes.get(company)!;
          await until(
            async () => (await node.store.exchange.listMessages({ state: 'pending', limit: 1 })).length === 0,
            120_000,
            20,
          ).catch(async (error: unknown) => {
            const pending = await node.store.exchange.listMessages({ state: 'pending', limit: 5 });
            throw new Error(
              `${company}'s outbox did not empty in 120 s: ${pending.map((m) => `${m.kind} to ${m.to}, ${m.attempts} attempts, next ${m.nextAttemptAt}: ${m.lastError ?? ''}`).join('; ')}`,
              { cause: error },
            );
          });
          await node.connector.delivery.idle();
          await node.service.settled();
        }
      }
    };
    const { '@id': offerId, target, ...policy } = finalized.record.offer!;
    for (let round = 0; round < NEGOTIATIONS; round++) {
      const pid = `urn:uuid:${crypto.randomUUID()}`;
      const record = createNegotiation({
        role: 'consumer',
        pid,
        ownAddress: `${tier1.connector.url}/dsp/callback`,
        counterPartyAddress: `${oem.connector.url}/dsp`,
      });
      const step = negotiationStep(record, {
        decide: { kind: 'request', offer: { id: offerId, target, policy: policy as DspJsonObject } },
      });
      if (!step.ok || step.value.send === undefined) throw new Error('cannot build a contract request');
      const send = step.value.send;
      await settle();
      const roundCpu = process.cpuUsage();
      const t0 = performance.now();
      // What the exchange service commits when it connects to a partner (#connect).
      await tier1.connector.commit({
        records: [
          {
            kind: 'negotiation',
            id: pid,
            value: { ...finalized, record: step.value.record },
            expectedVersion: 0,
          },
        ],
        outbox: [
          {
            id: `urn:uuid:${crypto.randomUUID()}`,
            to: oem.connector.url,
            path: `${send.address.replace(/\/+$/, '').slice(oem.connector.url.length)}${send.path}`,
            body: send.message,
            kind: `dspace:${(send.message as { '@type': string })['@type']}`,
            correlation: `negotiation|${pid}|${send.sequence}`,
          },
        ],
        audit: [
          {
            actor: tier1.connector.did,
            action: 'negotiation.request',
            resource: finalized.dataset,
            outcome: 'sent',
          },
        ],
      });
      try {
        await until(
          async () =>
            ((await tier1.store.exchange.getRecord('negotiation', pid))?.value as Entry | undefined)?.record
              .state === 'FINALIZED',
          60_000,
          1,
        );
      } catch (error) {
        const state = ((await tier1.store.exchange.getRecord('negotiation', pid))?.value as Entry | undefined)
          ?.record.state;
        const stuck = [
          ...(await tier1.store.exchange.listMessages({
            state: 'all',
            correlation: `negotiation|${pid}|${send.sequence}`,
          })),
          ...(await oem.store.exchange.listMessages({ state: 'abandoned', limit: 10 })),
        ].map(
          (message) =>
            `${message.kind} ${message.deliveredAt ?? message.abandonedAt ?? 'pending'} ${message.lastError ?? ''}`,
        );
        throw new Error(`negotiation ${round + 1} still ${state} after 60 s: ${stuck.join('; ')}`, {
          cause: error,
        });
      }
      quiet.push(Math.round(performance.now() - t0));
      const used = process.cpuUsage(roundCpu);
      negotiationCpu.push(Math.round((used.user + used.system) / 1000));
    }
    await settle();
    console.log(
      `negotiations one at a time, settled network (the one before and its transfer, push and re-plans done): ${distribution(quiet)}; ` +
        `CPU request → FINALIZED ${distribution(negotiationCpu).replace(/ \(.*/, '')} (both nodes and this loop's look every 1 ms at the record, which the store's cache answers); ` +
        `${cpuSeconds(process.cpuUsage(cpu0))} s CPU for all, with the transfers, pushes and re-plans that follow each`,
    );
  }

  // 2. Signed messages per second, OEM → tier 1, through the outbox and the push endpoint.
  // A forecast the OEM pushed to tier 1, sent again on the transfer of its dataset tier 1 takes now
  // (each negotiation of part 1b started a new transfer, which ended the one before; a push on an
  // ended transfer is refused).
  type Transfer = { record: { role: string; state: string }; dataset: string };
  const transfers = (await tier1.store.exchange.listRecords('transfer', { limit: 10000 })).map((stored) => ({
    id: stored.id,
    ...(stored.value as Transfer),
  }));
  const pushPath = (id: string) => `/exchange/push/${encodeURIComponent(id)}`;
  const sent = (await oem.store.exchange.listMessages({ state: 'delivered', limit: 10000 })).filter(
    (message) => message.kind === 'aspect:WeekBasedMaterialDemand' && message.to === tier1.connector.url,
  );
  const last = sent.at(-1);
  const dataset = transfers.find((entry) => last?.path.endsWith(pushPath(entry.id)))?.dataset;
  const current = transfers.find(
    (entry) =>
      entry.dataset === dataset && entry.record.role === 'consumer' && entry.record.state === 'STARTED',
  );
  const template =
    last === undefined || current === undefined
      ? undefined
      : {
          ...last,
          path: `${last.path.slice(0, last.path.indexOf('/exchange/push/'))}${pushPath(current.id)}`,
        };
  if (template !== undefined && only !== 'sender' && only !== 'forecast') {
    const receiptsBefore = (await tier1.store.exchange.readAudit({ limit: 10000 })).length;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await oem.connector.commit({
      outbox: Array.from({ length: messages }, () => {
        const id = `urn:uuid:${crypto.randomUUID()}`;
        return { ...template, id, body: { ...(template.body as object), messageId: id } };
      }),
    });
    await until(
      async () => (await oem.store.exchange.listMessages({ state: 'pending', limit: 1 })).length === 0,
      300_000,
      // Each look costs the OEM's store a query (a few ms of CPU on PGlite): not too often.
      100,
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const applied = (await tier1.store.exchange.readAudit({ after: receiptsBefore, limit: 10000 })).length;
    const bothMs = (cpu.user + cpu.system) / 1000 / messages;
    console.log(
      `signed messages OEM → tier 1: ${messages} in ${seconds.toFixed(2)} s = ${Math.round(messages / seconds)} per s ` +
        `(both nodes in this process: ${cpuSeconds(cpu)} s CPU, ${bothMs.toFixed(2)} ms a message; ${applied} audit entries at tier 1)`,
    );

    // 2b. The receiving node alone: batches signed beforehand, posted one after the other.
    const path = `${new URL(tier1.connector.url).pathname.replace(/\/$/, '')}/exchange/batch`;
    const requests = Array.from({ length: Math.ceil(messages / 100) }, (_, index) => {
      const body = JSON.stringify({
        messages: Array.from({ length: Math.min(100, messages - index * 100) }, () => {
          const id = `urn:uuid:${crypto.randomUUID()}`;
          return { id, path: template.path, body: { ...(template.body as object), messageId: id } };
        }),
      });
      const authorization = signRequest({
        identity: oem.connector.identity,
        credential: oem.connector.credential(),
        audience: tier1.connector.did,
        method: 'POST',
        path,
        body,
      });
      return { body, authorization };
    });
    const load = loadavg()[0]!;
    const profiler = await startProfile();
    const t2 = performance.now();
    const cpu2 = process.cpuUsage();
    let accepted = 0;
    for (const request of requests) {
      const response = await fetch(`${new URL(tier1.connector.url).origin}${path}`, {
        method: 'POST',
        headers: { authorization: request.authorization, 'content-type': 'application/json' },
        body: request.body,
      });
      const answer = (await response.json()) as {
        results?: { status: number; body?: { status?: string } }[];
      };
      accepted += (answer.results ?? []).filter((result) => result.body?.status === 'applied').length;
    }
    const received = (performance.now() - t2) / 1000;
    const tier1Cpu = process.cpuUsage(cpu2);
    await profiler?.('receiver');
    const tier1Ms = (tier1Cpu.user + tier1Cpu.system) / 1000 / messages;
    if (accepted !== messages) throw new Error(`tier 1 applied ${accepted} of ${messages} messages`);
    console.log(
      `signed messages received by tier 1 alone (batches of 100 signed beforehand): ${messages} in ${received.toFixed(2)} s = ${Math.round(messages / received)} per s ` +
        `(${cpuSeconds(tier1Cpu)} s CPU, ${tier1Ms.toFixed(2)} ms a message = ${Math.round(1000 / tier1Ms)} per CPU second; ` +
        `so the OEM's sending about ${Math.max(0, bothMs - tier1Ms).toFixed(2)} ms; load average ${load.toFixed(1)})`,
    );
  }

  // 2c. The sending node alone: its outbox to a receiver in another process that checks nothing and
  // answers every message applied, so this process's CPU time is the OEM's (the other nodes are idle).
  if (template !== undefined && only !== 'forecast') {
    const receiver = await startStubReceiver();
    try {
      for (const [label, perCommit] of [
        ["200 a commit, as the exchange service commits a plan's pushes", 200],
        ['one commit a message, as the exchange service committed each push before', 1],
      ] as const) {
        const pushes = Array.from({ length: messages }, () => {
          const id = `urn:uuid:${crypto.randomUUID()}`;
          return {
            records: [{ kind: 'pushed', id: `bench|${id}`, value: id }],
            outbox: [
              {
                ...template,
                id,
                to: receiver.url,
                path: template.path,
                body: { ...(template.body as object), messageId: id },
              },
            ],
            audit: [
              {
                actor: tier1.connector.did,
                action: 'data.push',
                resource: 'bench',
                outcome: 'granted' as const,
              },
            ],
          };
        });
        // Settled first: no re-plan, push or delivery of the start-up still running in this process.
        for (const company of chain) {
          await nodes.get(company)!.service.settled();
          await nodes.get(company)!.connector.delivery.idle();
        }
        const load = loadavg()[0]!;
        const profiler = await startProfile();
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        for (let start = 0; start < pushes.length; start += perCommit) {
          const group = pushes.slice(start, start + perCommit);
          await oem.connector.commit({
            records: group.flatMap((push) => push.records),
            outbox: group.flatMap((push) => push.outbox),
            audit: group.flatMap((push) => push.audit),
          });
        }
        await until(
          async () => {
            await oem.connector.delivery.idle();
            return (await oem.store.exchange.listMessages({ state: 'pending', limit: 1 })).length === 0;
          },
          300_000,
          100,
        );
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        await profiler?.(`sender-${perCommit}-a-commit`);
        const ms = (cpu.user + cpu.system) / 1000 / messages;
        const got = await receiver.received();
        if (got < messages) throw new Error(`the receiver got ${got} of ${messages} messages`);
        receiver.reset();
        console.log(
          `signed messages sent by the OEM alone (${label}; the receiver in another process checks nothing): ${messages} in ${seconds.toFixed(2)} s = ${Math.round(messages / seconds)} per s ` +
            `(${cpuSeconds(cpu)} s CPU, ${ms.toFixed(2)} ms a message = ${Math.round(1000 / ms)} per CPU second; load average ${load.toFixed(1)})`,
        );
      }
    } finally {
      await receiver.close();
    }
  }

  // 3. A forecast change at the OEM until tier 3 has it (`forecast`: only this, five times: 500 more
  // in period 6, then 500 less, and so on).
  if (only !== 'sender') {
    for (let round = 0; round < (only === 'forecast' ? 5 : 1); round++) await forecastToTier3(round);
  }
  async function forecastToTier3(round: number) {
    for (const company of chain) {
      await nodes.get(company)!.service.settled();
      await nodes.get(company)!.connector.delivery.idle();
    }
    const tier3 = chain[chain.length - 1]!;
    const before = await received(tier3);
    const hops = new Map<string, number>();
    const beforeAt = new Map<string, number>();
    for (const company of chain.slice(1)) beforeAt.set(company, await received(company));
    const demand = (network.demand ?? []).find((entry) => entry.company === chain[0])!;
    const load = loadavg()[0]!;
    const profiler = await startProfile();
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await oem.store.events.append([
      {
        type: 'demand.added',
        key: `bench:${Date.now()}`,
        at: new Date().toISOString(),
        source: 'bench',
        payload: {
          company: chain[0],
          item: demand.item,
          period: 6,
          quantity: round % 2 === 0 ? 500 : -500,
          network: network.name,
        },
      },
    ]);
    oem.service.scheduleReplan();
    await until(async () => {
      for (const company of chain.slice(1)) {
        if (!hops.has(company) && Math.abs((await received(company)) - beforeAt.get(company)!) > 1e-9)
          hops.set(company, Math.round(performance.now() - t1));
      }
      return Math.abs((await received(tier3)) - before) > 1e-9;
    }, 60_000);
    await profiler?.(`forecast-${round}`);
    console.log(
      `forecast change at the OEM → tier 3: ${Math.round(performance.now() - t1)} ms (${cpuSeconds(process.cpuUsage(cpu1))} s CPU of all nodes; load average ${load.toFixed(1)}; tiers 1-3 at ${[...hops.values()].join(', ')} ms)`,
    );
  }
} finally {
  await close();
  await database.close();
  rmSync(folder, { recursive: true, force: true });
  console.log(`load average ${loadavg()[0]!.toFixed(1)} at the end`);
}
