/**
 * The simulation queue contract: what every `SimulationQueue` must do (delivery, redelivery after
 * the ack wait, results in order, presence, removing a job), and the coordinator and workers over it
 * (the same result as core's `simulate`, a worker crash mid-task, oversized runs, timeouts). Run
 * against the in-process queue always and against NATS JetStream when KETEN_TEST_NATS_URL is set.
 */
import { readFileSync } from 'node:fs';
import { loadNetworkFile, loadScenario, type Network, type Scenario, simulate } from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeJob,
  decodeResultMessage,
  encodeRuns,
  inThreadExecutor,
  QueueError,
  type SimulationQueue,
  serveSimulationTasks,
  simulateOnQueue,
} from '../src/index.ts';

export interface QueueSettings {
  readonly ackWaitMs?: number;
  readonly maxMessageBytes?: number;
}

/** How the suite reaches one implementation. */
export interface QueueHarness {
  /** A connection to the queue `name`: the same name reaches the same queue; each test uses new names. */
  open(name: string, settings?: QueueSettings): Promise<SimulationQueue>;
  /** Releases everything (streams, connections). */
  cleanup?(): Promise<void>;
}

const shared = '/work/shared/examples';
const loadedNetwork = loadNetworkFile({
  name: 'network-minimal.yaml',
  text: readFileSync(`${shared}/network-minimal.yaml`, 'utf8'),
});
if (!loadedNetwork.ok) throw new Error('the minimal network must load');
export const network: Network = loadedNetwork.value.network;
const loadedScenario = loadScenario(
  readFileSync(`${shared}/scenario-oem-brakes.yaml`, 'utf8'),
  'scenario-oem-brakes.yaml',
  network,
);
if (!loadedScenario.ok) throw new Error('the example scenario must load');
export const scenario: Scenario = loadedScenario.value.scenario;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytes = (text: string) => new TextEncoder().encode(text);

export function describeQueueContract(label: string, makeHarness: () => Promise<QueueHarness>): void {
  describe(`simulation queue contract: ${label}`, () => {
    let harness: QueueHarness | undefined;
    const queues: SimulationQueue[] = [];
    let counter = 0;
    const fresh = () => `q${Date.now().toString(36)}${(counter++).toString(36)}`;
    const open = async (name: string, settings?: QueueSettings) => {
      harness ??= await makeHarness();
      const queue = await harness.open(name, settings);
      queues.push(queue);
      return queue;
    };
    afterAll(async () => {
      for (const queue of queues) await queue.close();
      await harness?.cleanup?.();
    });

    it('stores and reads objects of any size, and answers undefined for a missing one', async () => {
      const queue = await open(fresh());
      const big = new Uint8Array(3 * 1024 * 1024);
      for (let index = 0; index < big.length; index++) big[index] = index % 251;
      await queue.putObject('job-1/model', big);
      await queue.putObject('job-1/small', bytes('hello'));
      const read = await queue.getObject('job-1/model');
      expect(read !== undefined && Buffer.compare(read, big) === 0).toBe(true);
      expect(new TextDecoder().decode(await queue.getObject('job-1/small'))).toBe('hello');
      expect(await queue.getObject('job-1/nothing')).toBeUndefined();
    });

    it('delivers each task to one worker; an acknowledged task does not come back', async () => {
      const name = fresh();
      const [coordinator, first, second] = await Promise.all([open(name), open(name), open(name)]);
      await coordinator.publishTasks([
        { job: 'a', runs: [0, 1] },
        { job: 'a', runs: [2, 3] },
        { job: 'b', runs: [0] },
      ]);
      const signal = AbortSignal.timeout(10_000);
      const taken = await Promise.all([
        first.nextTask(signal),
        second.nextTask(signal),
        first.nextTask(signal),
      ]);
      expect(
        taken.map((delivery) => `${delivery!.task.job}:${delivery!.task.runs.join(',')}`).sort(),
      ).toEqual(['a:0,1', 'a:2,3', 'b:0']);
      expect(taken.every((delivery) => delivery!.attempt === 1)).toBe(true);
      for (const delivery of taken) await delivery!.ack();
      const stop = new AbortController();
      const none = second.nextTask(stop.signal);
      await sleep(300);
      stop.abort();
      expect(await none).toBeUndefined();
    });

    it('delivers a task nobody acknowledged again after the ack wait, unless the worker says it is working', async () => {
      const name = fresh();
      const settings = { ackWaitMs: 1_000 };
      const [coordinator, crashing, steady, other] = await Promise.all([
        open(name, settings),
        open(name, settings),
        open(name, settings),
        open(name, settings),
      ]);
      expect(crashing.ackWaitMs).toBe(1_000);
      await coordinator.publishTasks([{ job: 'a', runs: [0] }]);
      const signal = AbortSignal.timeout(15_000);
      const lost = await crashing.nextTask(signal); // and never acknowledged: the worker "crashed"
      expect(lost?.attempt).toBe(1);
      const again = await other.nextTask(signal);
      expect(again?.task).toEqual({ job: 'a', runs: [0] });
      expect(again?.attempt).toBe(2);
      await again!.ack();

      await coordinator.publishTasks([{ job: 'b', runs: [5] }]);
      const kept = await steady.nextTask(signal);
      const beat = setInterval(() => kept!.working(), 300);
      const stop = new AbortController();
      const stolen = other.nextTask(stop.signal);
      await sleep(2_000);
      stop.abort();
      clearInterval(beat);
      expect(await stolen).toBeUndefined();
      await kept!.ack();
    });

    it('hands a released task to the next worker at once', async () => {
      const name = fresh();
      const [coordinator, first, second] = await Promise.all([
        open(name, { ackWaitMs: 30_000 }),
        open(name, { ackWaitMs: 30_000 }),
        open(name, { ackWaitMs: 30_000 }),
      ]);
      await coordinator.publishTasks([{ job: 'a', runs: [7] }]);
      const signal = AbortSignal.timeout(5_000);
      const delivery = await first.nextTask(signal);
      delivery!.release();
      const next = await second.nextTask(signal);
      expect(next?.task.runs).toEqual([7]);
      await next!.ack();
    });

    it("gives a job's results in order from the first, whenever the reader starts, apart from other jobs", async () => {
      const name = fresh();
      const [coordinator, worker] = await Promise.all([open(name), open(name)]);
      await worker.publishResult('a', bytes('one'));
      await worker.publishResult('b', bytes('other job'));
      await worker.publishResult('a', bytes('two'));
      const stop = new AbortController();
      const seen: string[] = [];
      const reading = (async () => {
        for await (const message of coordinator.results('a', stop.signal)) {
          seen.push(new TextDecoder().decode(message));
          if (seen.length === 3) break;
        }
      })();
      await sleep(200);
      await worker.publishResult('a', bytes('three'));
      await reading;
      stop.abort();
      expect(seen).toEqual(['one', 'two', 'three']);
    });

    it("removes a job's objects, waiting tasks and results, and nothing of other jobs", async () => {
      const name = fresh();
      const [coordinator, worker] = await Promise.all([open(name), open(name)]);
      await coordinator.putObject('gone/model', bytes('m'));
      await coordinator.putObject('gone/run-3', bytes('r'));
      await coordinator.putObject('kept/model', bytes('k'));
      await coordinator.publishTasks([{ job: 'gone', runs: [0] }]);
      await worker.publishResult('gone', bytes('x'));
      await worker.publishResult('kept', bytes('y'));
      await coordinator.removeJob('gone');
      expect(await coordinator.getObject('gone/model')).toBeUndefined();
      expect(await coordinator.getObject('gone/run-3')).toBeUndefined();
      expect(await coordinator.getObject('kept/model')).toEqual(bytes('k'));
      const stop = new AbortController();
      expect(await worker.nextTask(AbortSignal.timeout(500))).toBeUndefined();
      const kept: string[] = [];
      const reading = (async () => {
        for await (const message of coordinator.results('kept', stop.signal))
          kept.push(new TextDecoder().decode(message));
      })();
      const removed: string[] = [];
      const readingRemoved = (async () => {
        for await (const message of coordinator.results('gone', stop.signal))
          removed.push(new TextDecoder().decode(message));
      })();
      await sleep(500);
      stop.abort();
      await Promise.all([reading, readingRemoved]);
      expect(kept).toEqual(['y']);
      expect(removed).toEqual([]);
    });

    it('answers who is listening', async () => {
      const name = fresh();
      const [coordinator, worker] = await Promise.all([open(name), open(name)]);
      expect(await coordinator.workers()).toEqual([]);
      const stop = await worker.announce({ id: 'w1', threads: 2 });
      expect(await coordinator.workers()).toEqual([{ id: 'w1', threads: 2 }]);
      stop();
      await sleep(100);
      expect(await coordinator.workers()).toEqual([]);
    });

    describe('coordinator and workers', () => {
      const local = JSON.stringify(simulate(network, scenario, { runs: 40, seed: 11 }));

      const startWorkers = async (name: string, count: number, settings?: QueueSettings) => {
        const stop = new AbortController();
        const connections = await Promise.all(Array.from({ length: count }, () => open(name, settings)));
        const serving = connections.map((queue, index) =>
          serveSimulationTasks(queue, { signal: stop.signal, heartbeatMs: 200, id: `w${index}` }),
        );
        await sleep(50);
        return { stop: () => stop.abort(), done: Promise.all(serving) };
      };

      it("gives the local simulation's result to the byte, and leaves nothing of the job behind", async () => {
        const name = fresh();
        const workers = await startWorkers(name, 2);
        const coordinator = await open(name);
        const progress: number[] = [];
        const result = await simulateOnQueue(coordinator, network, scenario, {
          runs: 40,
          seed: 11,
          runsPerTask: 3,
          job: 'job-equal',
          onProgress: (done) => progress.push(done),
        });
        expect(JSON.stringify(result)).toBe(local);
        expect(progress.at(-1)).toBe(40);
        expect(await coordinator.getObject('job-equal/model')).toBeUndefined();
        workers.stop();
        await workers.done;
      });

      it('still gives the same result when a worker crashes mid-task after sending part of its runs', async () => {
        const name = fresh();
        const settings = { ackWaitMs: 1_000, maxMessageBytes: 20_000 }; // 2 runs a message
        const rogue = await open(name, settings);
        const coordinator = await open(name, settings);
        const running = simulateOnQueue(coordinator, network, scenario, {
          runs: 40,
          seed: 11,
          runsPerTask: 10,
        });
        // The rogue worker takes the first task, publishes its first message and dies: no ack, no heartbeat.
        const delivery = await rogue.nextTask(AbortSignal.timeout(10_000));
        expect(delivery).toBeDefined();
        const { job, runs } = delivery!.task;
        const results = await inThreadExecutor()(
          job,
          async () => {
            const model = await rogue.getObject(`${job}/model`);

            return decodeJob(model!);
          },
          runs,
        );
        const { messages } = encodeRuns(results, settings.maxMessageBytes);
        expect(messages.length).toBeGreaterThan(1);
        await rogue.publishResult(job, messages[0]!);
        expect(decodeResultMessage(messages[0]!).type).toBe('runs');

        const workers = await startWorkers(name, 2, settings);
        expect(JSON.stringify(await running)).toBe(local);
        workers.stop();
        await workers.done;
      });

      it('sends a run too large for one message as an object', async () => {
        const name = fresh();
        const settings = { maxMessageBytes: 1_000 };
        const workers = await startWorkers(name, 1, settings);
        const coordinator = await open(name, settings);
        const result = await simulateOnQueue(coordinator, network, scenario, {
          runs: 40,
          seed: 11,
          job: 'job-large',
        });
        expect(JSON.stringify(result)).toBe(local);
        expect(await coordinator.getObject('job-large/run-0')).toBeUndefined();
        workers.stop();
        await workers.done;
      });

      it('times out naming the missing runs and that no worker is listening', async () => {
        const coordinator = await open(fresh());
        const error = await simulateOnQueue(coordinator, network, scenario, {
          runs: 20,
          seed: 1,
          idleTimeoutMs: 800,
          job: 'job-alone',
        }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(QueueError);
        expect((error as QueueError).code).toBe('timeout');
        expect((error as QueueError).message).toBe(
          `20 of 20 runs missing after 0.8 s without progress; no keten worker is listening on ${coordinator.location}: start one with \`keten worker --nats URL\``,
        );
        expect(await coordinator.getObject('job-alone/model')).toBeUndefined();
      });

      it('times out naming the workers that listen but do not answer', async () => {
        const name = fresh();
        const [coordinator, idle] = await Promise.all([open(name), open(name)]);
        const stopAnnouncing = await idle.announce({ id: 'idle', threads: 3 });
        const error = await simulateOnQueue(coordinator, network, scenario, {
          runs: 5,
          idleTimeoutMs: 800,
        }).catch((caught: unknown) => caught);
        stopAnnouncing();
        expect((error as QueueError).message).toBe(
          `5 of 5 runs missing after 0.8 s without progress; 1 keten worker is listening on ${coordinator.location} (3 threads), but none answered for this job`,
        );
      });

      it("stops at a worker's failure with its message", async () => {
        const name = fresh();
        const worker = await open(name);
        const stop = new AbortController();
        const serving = serveSimulationTasks(worker, {
          signal: stop.signal,
          execute: async () => {
            throw new Error('out of memory, say');
          },
        });
        const coordinator = await open(name);
        const error = await simulateOnQueue(coordinator, network, scenario, {
          runs: 4,
          runsPerTask: 4,
        }).catch((caught: unknown) => caught);
        expect((error as QueueError).code).toBe('failed');
        expect((error as QueueError).message).toBe('a keten worker failed on runs 0–3: out of memory, say');
        stop.abort();
        await serving;
      });

      it('stops waiting when aborted', async () => {
        const coordinator = await open(fresh());
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 200);
        const error = await simulateOnQueue(coordinator, network, scenario, {
          runs: 3,
          signal: controller.signal,
        }).catch((caught: unknown) => caught);
        expect((error as QueueError).code).toBe('aborted');
      });
    });
  });
}
