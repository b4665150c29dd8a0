/**
 * @module jobs/import-worker
 * The body of the import thread (`import-thread.ts`): for each body it is sent, `prepareImport`
 * (parse, validate, the stored text and content hash), then the answer: the problems, or the summary,
 * warnings and prepared text followed by the network itself in slices (`slices.ts`), so the server's
 * thread takes it in small clones between its other answers.
 */
import { parentPort } from 'node:worker_threads';
import { prepareImport } from './import-load.ts';
import type { ImportThreadReply, ImportThreadRequest } from './import-thread.ts';
import { postInSlices } from './slices.ts';

const port = parentPort;
if (port === null) throw new Error('import-worker.ts runs in a worker thread');
const post = (reply: ImportThreadReply) => port.postMessage(reply);

port.on('message', (request: ImportThreadRequest) => void prepare(request));

async function prepare({ id, body }: ImportThreadRequest): Promise<void> {
  try {
    const result = prepareImport(body);
    if (!result.ok) return post({ type: 'refused', id, issues: result.error });
    const { network, ...rest } = result.value;
    post({ type: 'prepared', id, ...rest });
    await postInSlices(network, (part) => post({ type: 'content', id, part }));
    post({ type: 'done', id });
  } catch (error) {
    post({ type: 'bug', id, message: String((error as Error)?.stack ?? error) });
  }
}
