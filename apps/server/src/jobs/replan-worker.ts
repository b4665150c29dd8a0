/**
 * @module jobs/replan-worker
 * The body of the re-plan thread (`replan-thread.ts`): runs store's `replanStoredNetwork` for each
 * re-plan it is sent, keeps the new plan of each network for the next one, and keeps the last network
 * versions it was sent (`HELD_VERSIONS`), so the server sends a version once, not per re-plan. What
 * it reads from the store and the event it publishes go through the server's thread
 * (`ReplanSourceCall`).
 */
import { parentPort } from 'node:worker_threads';
import { type StoredNetwork, setPlanningClock } from '@keten/core';
import { type KeptPlan, type PublishingSource, replanStoredNetwork } from '@keten/store';
import { PendingReplies } from './pending-replies.ts';
import {
  diffRecord,
  type ReplanSourceCall,
  type ReplanThreadMessage,
  type ReplanWorkerMessage,
  type ThreadReplanRequest,
  type VersionAnswer,
} from './replan-thread.ts';
import { addSlice, postInSlices } from './slices.ts';
import { boundThreadChunks, collectWhileIdle, touchPagesAhead } from './thread-memory.ts';

/** Versions held per thread: the latest and the one last published are the ones re-plans read. */
const HELD_VERSIONS = 2;

boundThreadChunks();
touchPagesAhead();
// A dirty-set pass that has run as long as pass 2 over every node gives up for it (core's `setPlanningClock`).
setPlanningClock(() => performance.now());
const port = parentPort;
if (port === null) throw new Error('replan-worker.ts runs in a worker thread');
const post = (message: ReplanWorkerMessage) => port.postMessage(message);

const kept = new Map<string, KeptPlan>();
/** Versions held, least recently used first. */
const held: StoredNetwork[] = [];
const calls = new PendingReplies();
/** The content of versions being received, per call. */
const contents = new Map<number, Record<string, unknown>>();

function call(source: ReplanSourceCall): Promise<unknown> {
  const { id, answer } = calls.ask();
  post({ type: 'call', call: id, source });
  return answer;
}

function hold(stored: StoredNetwork): StoredNetwork {
  const at = held.indexOf(stored);
  if (at >= 0) held.splice(at, 1);
  held.push(stored);
  if (held.length > HELD_VERSIONS) held.shift();
  return stored;
}

const source: PublishingSource = {
  async getVersion(network, version) {
    const versions = held.filter((entry) => entry.network === network).map((entry) => entry.version);
    const answer = (await call({ method: 'getVersion', network, version, held: versions })) as VersionAnswer;
    if (!answer.found) return undefined;
    if ('held' in answer) {
      const found = held.find((entry) => entry.network === network && entry.version === answer.held);
      if (found === undefined) throw new Error(`version ${answer.held} of '${network}' is not held`);
      return hold(found);
    }
    // The content came in parts before the answer (see the 'answer' message below).
    const { content } = answer as { content?: Record<string, unknown> };
    return hold({ ...answer.info, content } as StoredNetwork);
  },
  readEvents: async (query) => (await call({ method: 'readEvents', query })) as never,
  appendEvents: async (events) => (await call({ method: 'appendEvents', events })) as never,
};

port.on('message', (message: ReplanThreadMessage) => {
  switch (message.type) {
    case 'content': {
      const content = contents.get(message.call) ?? {};
      contents.set(message.call, content);
      return addSlice(content, message.part);
    }
    case 'answer': {
      const content = contents.get(message.call);
      contents.delete(message.call);
      // A version's answer comes after its content's parts: the two are put together here.
      const value = content === undefined ? message.value : { ...(message.value as object), content };
      return calls.settle(message.call, { value });
    }
    case 'refused':
      contents.delete(message.call);
      return calls.settle(message.call, { error: new Error(message.message) });
    case 'replan':
      return void replan(message.id, message.request);
  }
});

async function replan(id: number, request: ThreadReplanRequest): Promise<void> {
  try {
    const previous = kept.get(request.network);
    const result = await replanStoredNetwork(source, {
      ...request,
      ...(previous === undefined ? {} : { kept: previous }),
    });
    if (!result.ok) return post({ type: 'done', id, result });
    const { kept: plan, diff, ...outcome } = result.value;
    kept.set(plan.network, plan);
    // The diff first, in slices (the server's thread takes each between its other answers), then the rest.
    await postInSlices(diffRecord(diff), (part) => post({ type: 'diff', id, part }));
    post({ type: 'done', id, result: { ok: true, value: outcome } });
    // Answered: the heap is collected while the thread waits for the next re-plan.
    collectWhileIdle();
  } catch (error) {
    post({ type: 'bug', id, message: String((error as Error)?.stack ?? error) });
  }
}
