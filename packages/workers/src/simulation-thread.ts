/**
 * @module simulation-thread
 * One simulation worker thread held by the caller (the same thread body and protocol as
 * `simulateInWorkers`): started for one network, scenario and seed, it compiles the model once and
 * then simulates whatever run indexes it is given, one batch at a time. `keten worker` keeps one per
 * job and thread, so a job's model is compiled once per thread however many tasks of it come.
 */
import { Worker } from 'node:worker_threads';
import type { RunResult, SimulationLayout } from '@keten/core';
import type { ToMain, ToWorker, WorkerSetup } from './protocol.ts';

export class SimulationThread {
  /** The layout of the runs, once the model is compiled (rejects when it does not compile). */
  readonly ready: Promise<SimulationLayout>;
  readonly #worker: Worker;
  #waiting: { resolve: (results: RunResult[]) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;

  constructor(setup: WorkerSetup) {
    this.#worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: setup });
    let readyResolve!: (layout: SimulationLayout) => void;
    let readyReject!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => undefined);
    const fail = (error: Error) => {
      this.#failure ??= error;
      readyReject(error);
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    this.#worker.on('message', (message: ToMain) => {
      switch (message.type) {
        case 'ready':
          return readyResolve(message.layout);
        case 'results': {
          const waiting = this.#waiting;
          this.#waiting = undefined;
          return waiting?.resolve(message.results);
        }
        case 'failed':
          return fail(new Error(message.message));
      }
    });
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the simulation thread stopped (exit code ${code})`)));
  }

  /** Simulates `runs` (one batch at a time: wait for the answer before the next). */
  async run(runs: readonly number[]): Promise<RunResult[]> {
    await this.ready;
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#waiting !== undefined) throw new Error('a simulation thread runs one batch at a time');
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.postMessage({ runs: [...runs] } satisfies ToWorker);
    });
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}
