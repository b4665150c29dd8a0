/**
 * `npm run bench:exchange`: the exchange between company nodes on loopback, in one process (one
 * shared embedded database, a schema per node), the demo network's OEM and a chain of suppliers:
 *
 * 1. contract negotiation latency: the consumer's ContractRequestMessage sent → the FINALIZED event
 *    received (from the two nodes' audit trails, millisecond times), per supplier relationship;
 * 2. signed messages per second from one node to another: N forecast messages put in the OEM's outbox
 *    at once, each signed, sent over HTTP, verified (token, nonce, membership), checked against the
 *    Catena-X schema, read and committed with its receipt at the supplier;
 * 3. a forecast change at the OEM until tier 3 has it (three re-plans and three pushes on the way).
 *
 * Prints figures; asserts nothing. `npm run bench:exchange -- 2000` sets N (default 1,000).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkFile, type Network } from '@keten/core';
import { openDatabase } from '@keten/store';
import { startNetworkNodes } from '../apps/cli/src/network-nodes.ts';

const messages = Number(process.argv[2] ?? 1000);
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

async function until(condition: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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

  // 1. Negotiation latency, from the audit trails.
  for (let index = 1; index < chain.length; index++) {
    const consumer = nodes.get(chain[index]!)!;
    const trail = await consumer.store.exchange.readAudit();
    const sent = trail.find((entry) => entry.action === 'negotiation.request');
    const finalized = trail.find((entry) => entry.action === 'negotiation.ContractNegotiationEventMessage');
    if (sent !== undefined && finalized !== undefined) {
      console.log(
        `negotiation ${chain[index - 1]} ← ${chain[index]}: request sent → FINALIZED received ${Date.parse(finalized.at) - Date.parse(sent.at)} ms`,
      );
    }
  }

  // 2. Signed messages per second, OEM → tier 1, through the outbox and the push endpoint.
  const oem = nodes.get(chain[0]!)!;
  const tier1 = nodes.get(chain[1]!)!;
  const [template] = (await oem.store.exchange.listMessages({ state: 'delivered', limit: 10000 })).filter(
    (message) => message.kind === 'aspect:WeekBasedMaterialDemand' && message.to === tier1.connector.url,
  );
  if (template !== undefined) {
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
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const applied = (await tier1.store.exchange.readAudit({ after: receiptsBefore, limit: 10000 })).length;
    console.log(
      `signed messages OEM → tier 1: ${messages} in ${seconds.toFixed(2)} s = ${Math.round(messages / seconds)} per s ` +
        `(both nodes in this process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; ${applied} receipts audited at tier 1)`,
    );
  }

  // 3. A forecast change at the OEM until tier 3 has it.
  const tier3 = chain[chain.length - 1]!;
  const before = await received(tier3);
  const demand = (network.demand ?? []).find((entry) => entry.company === chain[0])!;
  const t1 = performance.now();
  await oem.store.events.append([
    {
      type: 'demand.added',
      key: `bench:${Date.now()}`,
      at: new Date().toISOString(),
      source: 'bench',
      payload: { company: chain[0], item: demand.item, period: 6, quantity: 500, network: network.name },
    },
  ]);
  oem.service.scheduleReplan();
  await until(async () => Math.abs((await received(tier3)) - before) > 1e-9);
  console.log(`forecast change at the OEM → tier 3: ${Math.round(performance.now() - t1)} ms`);
} finally {
  await close();
  await database.close();
  rmSync(folder, { recursive: true, force: true });
  console.log(`load average ${loadavg()[0]!.toFixed(1)} at the end`);
}
