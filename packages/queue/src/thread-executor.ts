/**
 * @module thread-executor
 * `threadExecutor`: a `RunExecutor` that simulates on worker threads (`@keten/workers`'
 * `SimulationThread`), so a `keten worker --threads N` works on N tasks at once and its main thread
 * stays free to heartbeat and answer. Each thread is bound to one job (it compiled that job's model);
 * a task of another job takes an idle thread and restarts it for that job, the job's model loaded
 * once per process (a small cache by job id).
 */
import { SimulationThread } from '@keten/workers';
import type { SimulationJob } from './codec.ts';
import type { RunExecutor } from './worker.ts';

interface Slot {
  job: string;
  thread: SimulationThread;
  busy: boolean;
  used: number;
}

export interface ThreadExecutor {
  readonly execute: RunExecutor;
  /** Stops every thread. */
  close(): Promise<void>;
}

/** Up to `threads` simulation threads; give `serveSimulationTasks` the same `threads`. */
export function threadExecutor(threads: number): ThreadExecutor {
  const slots: Slot[] = [];
  const jobs = new Map<string, Promise<SimulationJob>>();
  let clock = 0;

  const loadOnce = (job: string, load: () => Promise<SimulationJob>) => {
    let loaded = jobs.get(job);
    if (loaded === undefined) {
      loaded = load();
      jobs.set(job, loaded);
      loaded.catch(() => jobs.delete(job));
      while (jobs.size > 2) jobs.delete(jobs.keys().next().value!);
    }
    return loaded;
  };

  const slotFor = async (job: string, load: () => Promise<SimulationJob>): Promise<Slot> => {
    const own = slots.find((slot) => slot.job === job && !slot.busy);
    if (own !== undefined) {
      own.busy = true;
      return own;
    }
    // Claim a place before waiting for the model, so concurrent calls do not overfill the pool.
    let slot: Slot | undefined;
    if (slots.length < threads) {
      slot = { job, thread: undefined as unknown as SimulationThread, busy: true, used: 0 };
      slots.push(slot);
    } else {
      const idle = slots.filter((candidate) => !candidate.busy).sort((a, b) => a.used - b.used)[0];
      if (idle === undefined) throw new Error(`more tasks at once than the ${threads} threads`);
      slot = idle;
      slot.busy = true;
      slot.job = job;
      void slot.thread.terminate();
    }
    try {
      const { network, scenario, seed } = await loadOnce(job, load);
      slot.thread = new SimulationThread({ network, scenario, seed });
      await slot.thread.ready;
      return slot;
    } catch (error) {
      slots.splice(slots.indexOf(slot), 1);
      throw error;
    }
  };

  const execute: RunExecutor = async (job, load, runs) => {
    const slot = await slotFor(job, load);
    try {
      return await slot.thread.run(runs);
    } catch (error) {
      // A thread that failed is not reused.
      slots.splice(slots.indexOf(slot), 1);
      void slot.thread.terminate();
      throw error;
    } finally {
      slot.busy = false;
      slot.used = ++clock;
    }
  };

  return {
    execute,
    close: async () => {
      await Promise.all(slots.map((slot) => slot.thread?.terminate()));
      slots.length = 0;
    },
  };
}
