/**
 * @module demo-nodes-worker
 * The demo's company-nodes thread (see `demo-nodes-thread.ts`): opens the nodes' embedded database,
 * starts one node per company (`startNetworkNodes`) and says so to the main thread; on `close` (or
 * when the main thread goes away) closes the nodes, then the database, and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@keten/store';
import type { DemoNodesMessage, DemoNodesSetup } from './demo-nodes-thread.ts';
import { startNetworkNodes } from './network-nodes.ts';

const port = parentPort;
if (port === null) throw new Error('demo-nodes-worker runs as a worker thread');
const setup = workerData as DemoNodesSetup;
const say = (message: DemoNodesMessage) => port.postMessage(message);

const stopStarting = new AbortController();
let closing: Promise<void> | undefined;
const database = await openDatabase({ dataDir: setup.dataDir });
const nodes = startNetworkNodes({
  network: setup.network,
  database,
  folder: setup.folder,
  networkName: setup.networkName,
  ...(setup.firstPort === 0 ? {} : { portOf: (_company: string, index: number) => setup.firstPort + index }),
  admin: setup.admin,
  signal: stopStarting.signal,
  log: (message) => say({ type: 'log', message }),
}).then(
  (running) => {
    if (stopStarting.signal.aborted) return running;
    const oem = running.nodes.get(setup.network.companies[0]!.id);
    say({
      type: 'up',
      nodes: running.nodes.size,
      ...(oem === undefined ? {} : { oem: { company: oem.config.company, url: oem.server.url } }),
    });
    void running.ready.then((ready) => {
      if (!stopStarting.signal.aborted) say({ type: 'ready', agreements: ready.agreements });
    });
    return running;
  },
  (error: unknown) => {
    say({ type: 'failed', message: (error as Error).message });
    return undefined;
  },
);

const close = () => {
  closing ??= (async () => {
    stopStarting.abort();
    try {
      await (await nodes)?.close();
    } finally {
      await database.close();
      say({ type: 'closed' });
      // Ends this thread only (a worker's process.exit), whatever handle a node may have left behind.
      process.exit(0);
    }
  })();
  return closing;
};
port.on('message', (message: { type: string }) => {
  if (message.type === 'close') void close();
});
