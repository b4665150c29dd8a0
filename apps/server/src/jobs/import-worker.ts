/**
 * @module jobs/import-worker
 * The body of the import thread (`import-thread.ts`): for each body it is sent, `prepareImport`
 * (parse, validate, the stored text and content hash), then the answer: the problems, or the summary,
 * warnings and prepared text followed by the network itself in slices (`slices.ts`), so the server's
 * thread takes it in small clones between its other answers. The last network loaded is kept until
 * the next body: once stored, the server asks for its binary graph (`keten.graph/v1`, for the map and
 * graph views), made here rather than on the server's thread (~0.8 s of CPU at 60,000 companies).
 */
import { parentPort } from 'node:worker_threads';
import { encodeNetworkGraph, type Network, networkGraph } from '@keten/core';
import { prepareImport } from './import-load.ts';
import type { ImportThreadReply, ImportThreadRequest } from './import-thread.ts';
import { postInSlices } from './slices.ts';

const port = parentPort;
if (port === null) throw new Error('import-worker.ts runs in a worker thread');
const post = (reply: ImportThreadReply) => port.postMessage(reply);

/** The network loaded last, by the id of its request, until the next body comes. */
let last: { readonly id: number; readonly network: Network } | undefined;

port.on('message', (request: ImportThreadRequest) => {
  if (request.type === 'prepare') return void prepare(request);
  graph(request);
});

function graph({ id, of, network, version }: Extract<ImportThreadRequest, { type: 'graph' }>): void {
  try {
    if (last?.id !== of) {
      post({ type: 'graph', id, bytes: null });
      return;
    }
    const bytes = encodeNetworkGraph({ ...networkGraph(last.network), network }, version);
    last = undefined;
    port!.postMessage({ type: 'graph', id, bytes } satisfies ImportThreadReply, [
      bytes.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    post({ type: 'bug', id, message: String((error as Error)?.stack ?? error) });
  }
}

async function prepare({ id, body }: Extract<ImportThreadRequest, { type: 'prepare' }>): Promise<void> {
  last = undefined;
  try {
    const result = prepareImport(body);
    if (!result.ok) return post({ type: 'refused', id, issues: result.error });
    const { network, ...rest } = result.value;
    last = { id, network };
    post({ type: 'prepared', id, ...rest });
    await postInSlices(network, (part) => post({ type: 'content', id, part }));
    post({ type: 'done', id });
  } catch (error) {
    post({ type: 'bug', id, message: String((error as Error)?.stack ?? error) });
  }
}
