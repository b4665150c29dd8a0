/**
 * `keten worker` and `keten simulate` over NATS JetStream, end to end with real processes. Without
 * KETEN_TEST_NATS_URL only the failures that need no server run; with it (CI: nats://127.0.0.1:4222)
 * two `keten worker` processes serve `keten simulate --json`, which must print the local result byte
 * for byte, also when one worker is killed (SIGKILL) in the middle of a task. Each run uses a queue
 * name of its own and deletes its streams afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectNatsQueue } from '@keten/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnvironment, expectCleanFailure, REPOSITORY, temporaryFolder } from './support.ts';

const DEMO = join(REPOSITORY, 'examples/demo-network.yaml');
const DEMO_SCENARIO = join(REPOSITORY, 'examples/demo-scenario.yaml');
const folder = temporaryFolder('keten-worker-');
afterAll(() => folder.remove());

interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** `keten ARGS` with `extra` environment settings; `running.stderr()` is what it printed so far. */
function start(args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  const environment = { ...childEnvironment(folder.path), ...extra };
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: REPOSITORY,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout), stderr })),
  );
  return { child, finished, stderr: () => stderr };
}

async function waitFor(what: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('keten worker without a server', () => {
  it('says how to give it a NATS server (exit 2)', async () => {
    const result = await start(['worker']).finished;
    expectCleanFailure({ ...result, stdout: '', bytes: result.stdout }, 2);
    expect(result.stderr).toContain('give --nats URL or set NATS_URL');
  });

  it('names the log levels it takes when KETEN_LOG_LEVEL is none of them (exit 2)', async () => {
    const result = await start(['worker', '--nats', 'nats://127.0.0.1:9'], { KETEN_LOG_LEVEL: 'loud' })
      .finished;
    expectCleanFailure({ ...result, stdout: '', bytes: result.stdout }, 2);
    expect(result.stderr).toContain(
      "KETEN_LOG_LEVEL is one of fatal, error, warn, info, debug, trace, silent, not 'loud'",
    );
  });

  it('says the server cannot be reached (exit 5, as any service that does not answer)', async () => {
    const result = await start(['worker', '--nats', 'nats://127.0.0.1:9']).finished;
    expectCleanFailure({ ...result, stdout: '', bytes: result.stdout }, 5);
    expect(result.stderr).toContain('keten: NATS at nats://127.0.0.1:9 is not reachable');
  });
});

const url = process.env.KETEN_TEST_NATS_URL;

if (url === undefined || url === '') {
  describe('keten worker over NATS JetStream', () => {
    it.skip('needs KETEN_TEST_NATS_URL', () => {});
  });
} else {
  // Two workers start under tsx while CI runs other suites beside them: start-up alone took over 30 s there.
  describe(`keten worker over NATS JetStream at ${url}`, { timeout: 180_000 }, () => {
    const queues: string[] = [];
    afterAll(async () => {
      for (const name of queues) {
        const queue = await connectNatsQueue(url, { name });
        await queue.destroy();
        await queue.close();
      }
    });
    const fresh = () => {
      const name = `cli${process.pid}${Math.random().toString(36).slice(2, 7)}`;
      queues.push(name);
      return name;
    };
    const simulateArgs = (runs: number) => [
      'simulate',
      DEMO,
      '--scenario',
      DEMO_SCENARIO,
      '--runs',
      String(runs),
      '--json',
    ];

    it('gives the local JSON byte for byte from two workers, which drain and exit 0 on SIGTERM', async () => {
      const queue = fresh();
      const environment = { NATS_URL: url, KETEN_QUEUE: queue };
      const workers = [0, 1].map(() => start(['worker', '--threads', '1'], environment));
      await Promise.all(
        workers.map((worker) =>
          waitFor(() => worker.stderr().includes('worker listening'), 90_000, 'a worker to listen'),
        ),
      );
      const [distributed, local] = await Promise.all([
        start(simulateArgs(200), environment).finished,
        start([...simulateArgs(200), '--threads', '1']).finished,
      ]);
      expect(distributed.status, distributed.stderr).toBe(0);
      expect(local.status, local.stderr).toBe(0);
      expect(distributed.stderr).toContain('on keten workers over NATS at');
      expect(distributed.stdout.equals(local.stdout)).toBe(true);
      for (const worker of workers) worker.child.kill('SIGTERM');
      const ended = await Promise.all(workers.map((worker) => worker.finished));
      for (const end of ended) {
        expect(end.status, end.stderr).toBe(0);
        expect(end.stderr).toContain('"msg":"worker drained"');
      }
      expect(ended.some((end) => end.stderr.includes('"msg":"task done"'))).toBe(true);
    });

    it('still gives the whole result when a worker is killed mid-task: its task is delivered again', async () => {
      const queue = fresh();
      const environment = { NATS_URL: url, KETEN_QUEUE: queue, KETEN_QUEUE_ACK_WAIT: '2' };
      // At debug level it logs each task it takes, so that it is killed holding one for sure.
      const doomed = start(['worker', '--threads', '1'], { ...environment, KETEN_LOG_LEVEL: 'debug' });
      await waitFor(() => doomed.stderr().includes('worker listening'), 90_000, 'the first worker');
      const local = start([...simulateArgs(300), '--threads', '1']).finished;
      const distributed = start(simulateArgs(300), environment);
      // Killed once it has finished a task and taken the next: that one is in its hands, unacknowledged.
      // (Killed right after a task was done, it had sometimes not taken the next yet: nothing to deliver again.)
      const taken = () => doomed.stderr().split('"msg":"task taken"').length - 1;
      await waitFor(
        () => doomed.stderr().includes('"msg":"task done"') && taken() >= 2,
        60_000,
        'a first task done and a second taken',
      );
      doomed.child.kill('SIGKILL');
      const survivor = start(['worker', '--threads', '1'], environment);
      const [result, expected] = await Promise.all([distributed.finished, local]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.equals(expected.stdout)).toBe(true);
      await waitFor(() => survivor.stderr().includes('"msg":"task done"'), 5_000, 'the survivor');
      survivor.child.kill('SIGTERM');
      const survived = await survivor.finished;
      expect(survived.status).toBe(0);
      // The task the killed worker held came to the survivor as a redelivery.
      expect(survived.stderr).toMatch(/"attempt":2/);
      expect((await doomed.finished).signal).toBe('SIGKILL');
    });
  });
}
