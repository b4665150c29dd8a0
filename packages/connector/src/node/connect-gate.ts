/**
 * @module node/connect-gate
 * Paces the connections many nodes in one process open at once. The demo runs 44 company nodes on one
 * Node thread with one embedded database: started together, their 590 negotiations (each four signed
 * messages, then a transfer and a push that re-plans the provider) all begin within seconds, the event
 * loop falls seconds behind, requests and DID look-ups time out, and every timeout is retried, which
 * adds load. The gate lets a node's connect (catalog read and contract request) start only
 *
 * - once it is open (the demo opens it when every node listens, so no partner is down),
 * - while fewer than `slots` connects are under way (the exchange service holds a connect until its
 *   negotiation ended, so this bounds the negotiations in progress), and fewer than a quarter of them
 *   while the event loop lags: its delay (the median over the last `intervalMs`, from
 *   `perf_hooks.monitorEventLoopDelay`) is over `maxLagMs`. The transfers, pushes and re-plans that
 *   follow a negotiation are what delays the loop, so the gate waits for them.
 *
 * Nothing is refused or dropped: a connect waits its turn (at least until the next look at the delay),
 * in the order asked. A connect that failed
 * (its node retries it after a backoff) counts as unsettled until one of the same key succeeds, so
 * `state()` tells when every connect went through.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ConnectGate {
  /** Runs `work` (one connect of the dataset `key`) when the gate lets it through, and returns its outcome. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface ConnectGateState {
  /** Connects waiting for their turn. */
  readonly waiting: number;
  /** Connects under way. */
  readonly running: number;
  /** Keys whose last connect failed (their node tries again). */
  readonly failing: number;
}

export interface ConnectGateOptions {
  /**
   * Most connects under way at once (default 8). A node's connect is under way until its negotiation
   * ended (the exchange service holds it), so this bounds the negotiations in progress.
   */
  readonly slots?: number;
  /** The event loop's median delay above which only a quarter of the slots is used, ms (default 100). */
  readonly maxLagMs?: number;
  /** How often the delay is read and the waiting connects looked at, ms (default 100). */
  readonly intervalMs?: number;
  /** Starts closed (default): nothing runs before `open()`. */
  readonly open?: boolean;
  /** The event loop's delay since the last call, ms (default: `monitorEventLoopDelay`'s median). */
  readonly lag?: () => number;
}

/** A gate with `open()` and `state()`, and `close()` to stop its timer. */
export interface ProcessConnectGate extends ConnectGate {
  open(): void;
  state(): ConnectGateState;
  close(): void;
}

export function createConnectGate(options: ConnectGateOptions = {}): ProcessConnectGate {
  const slots = Math.max(1, Math.floor(options.slots ?? 8));
  const maxLagMs = options.maxLagMs ?? 100;
  const intervalMs = Math.max(10, options.intervalMs ?? 100);
  const queue: (() => void)[] = [];
  const failing = new Set<string>();
  let running = 0;
  let opened = options.open === true;
  let timer: ReturnType<typeof setInterval> | undefined;
  let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;
  const lag =
    options.lag ??
    (() => {
      if (histogram === undefined) {
        histogram = monitorEventLoopDelay({ resolution: 10 });
        histogram.enable();
        return 0;
      }
      const median = histogram.count === 0 ? 0 : histogram.percentile(50) / 1e6;
      histogram.reset();
      return median;
    });

  const stopTimer = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    histogram?.disable();
    histogram = undefined;
  };
  const admit = (measured: number) => {
    if (!opened) return;
    // While the loop lags, a quarter of the slots (at least one): work goes on on a machine busy with
    // other things, and the loop can catch up.
    const most = measured < maxLagMs ? slots : Math.max(1, Math.floor(slots / 4));
    const free = most - running;
    for (let index = 0; index < free && queue.length > 0; index++) queue.shift()!();
    if (queue.length === 0) stopTimer();
  };
  const tick = () => {
    if (queue.length === 0) {
      stopTimer();
      return;
    }
    if (timer !== undefined) return;
    lag(); // starts measuring (the default), or drops what came before the queue formed
    timer = setInterval(() => admit(lag()), intervalMs);
    timer.unref?.();
  };

  return {
    async run(key, work) {
      // Every connect waits for the next look at the loop's delay (at most `intervalMs`).
      await new Promise<void>((resolve) => {
        queue.push(resolve);
        tick();
      });
      running += 1;
      try {
        const outcome = await work();
        failing.delete(key);
        return outcome;
      } catch (error) {
        failing.add(key);
        throw error;
      } finally {
        running -= 1;
      }
    },
    open() {
      opened = true;
    },
    state: () => ({ waiting: queue.length, running, failing: failing.size }),
    close() {
      stopTimer();
      // Whatever still waits runs now (its node is closing and stops at once).
      opened = true;
      for (const release of queue.splice(0)) release();
    },
  };
}
