/**
 * @module node/delivery
 * Sends a node's outbox: at least once, in order per receiver, with retries and backoff, pushed at
 * once when something is committed (no polling delay) and woken by a timer for retries.
 *
 * - A message leaves the outbox only when the receiver confirmed it (a 2xx answer): a crash before
 *   that sends it again after the restart, and the receiver's inbox makes the repeat harmless.
 * - Per receiver, messages go one at a time in outbox order; when one fails, the rest of that
 *   receiver's batch waits with it (same next attempt), so they arrive in order when it comes back.
 *   A message committed later could still overtake a waiting one; receivers answer 409 to a message
 *   that does not fit their state yet, which is retried, so order is restored by the receiver.
 * - Failures that may pass (no connection, timeouts, 401, 408, 409, 425, 429, 5xx) are retried with
 *   exponential backoff and jitter, without limit: a node that is down gets everything when it is
 *   back. A refusal that will not pass (other 4xx: bad message, not authorised, unknown process) is
 *   given up at once and kept, marked, with the receiver's reason, for the audit and the web app.
 */
import type { Clock, ExchangeStore, OutboxMessage } from '@keten/core';

/** What one attempt to send a message came to. */
export type DeliveryResult =
  /** `answer`: the receiver's JSON answer, if any (e.g. the DSP process object of a 201). */
  | { readonly kind: 'delivered'; readonly answer?: unknown }
  | { readonly kind: 'retry'; readonly error: string }
  | { readonly kind: 'refused'; readonly error: string };

/** Sends one message to its receiver (HTTP with a signed token, in the node). */
export type MessageSender = (message: OutboxMessage) => Promise<DeliveryResult>;

export interface BackoffOptions {
  /** Delay after the first failure, ms (default 250). */
  readonly initialMs?: number;
  /** Longest delay between attempts, ms (default 30,000). */
  readonly maxMs?: number;
  /** Random number in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
}

export interface DeliveryOptions {
  readonly clock?: Clock;
  readonly backoff?: BackoffOptions;
  /** Messages read per pass (default 200). */
  readonly batch?: number;
  /** Receivers served at once (default 8). */
  readonly concurrency?: number;
  /**
   * Told about each delivered message once it is marked delivered, with the receiver's answer (the
   * node confirms the DSP message it carried). A crash before this runs is made good at the next start
   * by reconciling the records with the outbox.
   */
  readonly onDelivered?: (message: OutboxMessage, answer: unknown) => Promise<void>;
  /** Told about each failed attempt (logging). */
  readonly onFailure?: (
    message: OutboxMessage,
    result: Exclude<DeliveryResult, { kind: 'delivered' }>,
  ) => void;
}

/**
 * The delay before attempt `attempts + 1`, ms: `initial · 2^attempts`, at most `max`, times a jitter
 * factor in [0.5, 1) so that many senders that failed together do not retry together ("full jitter"
 * halved, after the AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 */
export function backoffDelay(attempts: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 30_000;
  const base = Math.min(max, initial * 2 ** Math.min(attempts, 30));
  return Math.round(base * (0.5 + 0.5 * (options.random ?? Math.random)()));
}

/** The statuses after which a message is tried again; every other non-2xx status is a refusal. */
export function isRetryableStatus(status: number): boolean {
  // 401 too: a receiver that cannot check a signature right now (it could not fetch the sender's or
  // the authority's DID document in time, or the clocks drift) answers 401, and the message is still
  // the sender's own, signed afresh on every attempt; giving up on it would lose it.
  return (
    status === 401 || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500
  );
}

export class OutboxDelivery {
  readonly #store: ExchangeStore;
  readonly #send: MessageSender;
  readonly #clock: Clock;
  readonly #options: DeliveryOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(store: ExchangeStore, send: MessageSender, options: DeliveryOptions = {}) {
    this.#store = store;
    this.#send = send;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#options = options;
  }

  /** Starts delivering: sends what is due now (e.g. left from before a restart), then on every wake. */
  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Something was committed to the outbox: deliver now (coalesced with a pass in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Stops after the attempts in flight; pending messages stay in the outbox. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Resolves when nothing is being sent right now (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        while (!this.#stopped && (await this.deliverDue()) > 0) {
          // Keep going while passes find work.
        }
      } catch {
        // The store failed (e.g. the database is briefly unreachable): try again after a pause.
        this.#schedule(this.#clock.now().getTime() + backoffDelay(3, this.#options.backoff));
        return;
      }
    } while (this.#again && !this.#stopped);
    if (this.#stopped) return;
    const next = await this.#store.nextDueAt().catch(() => undefined);
    if (next !== undefined) this.#schedule(Date.parse(next));
  }

  #schedule(at: number): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delay = Math.max(0, at - this.#clock.now().getTime());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.wake();
    }, delay);
    this.#timer.unref?.();
  }

  /**
   * One pass: sends the messages due now, per receiver in order. Returns how many were attempted
   * (0: nothing was due).
   */
  async deliverDue(): Promise<number> {
    const now = this.#clock.now().toISOString();
    const due = await this.#store.dueMessages(now, this.#options.batch ?? 200);
    if (due.length === 0) return 0;
    const byReceiver = new Map<string, OutboxMessage[]>();
    for (const message of due) {
      const queue = byReceiver.get(message.to);
      if (queue === undefined) byReceiver.set(message.to, [message]);
      else queue.push(message);
    }
    const queues = [...byReceiver.values()];
    const workers = Math.max(1, Math.min(this.#options.concurrency ?? 8, queues.length));
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < queues.length) {
          const queue = queues[next++]!;
          await this.#deliverQueue(queue);
        }
      }),
    );
    return due.length;
  }

  async #deliverQueue(queue: readonly OutboxMessage[]): Promise<void> {
    for (let index = 0; index < queue.length; index++) {
      const message = queue[index]!;
      let result: DeliveryResult;
      try {
        result = await this.#send(message);
      } catch (error) {
        result = { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
      }
      const at = this.#clock.now();
      if (result.kind === 'delivered') {
        await this.#store.markDelivered(message.sequence, at.toISOString());
        try {
          await this.#options.onDelivered?.(message, result.answer);
        } catch {
          // The callback's own failure does not undo the delivery; it logs and reconciles itself.
        }
        continue;
      }
      this.#options.onFailure?.(message, result);
      if (result.kind === 'refused') {
        await this.#store.markAbandoned(message.sequence, result.error, at.toISOString());
        continue;
      }
      const retryAt = new Date(
        at.getTime() + backoffDelay(message.attempts, this.#options.backoff),
      ).toISOString();
      await this.#store.markAttemptFailed(message.sequence, result.error, retryAt);
      // The rest of this receiver's batch waits with it, so they still arrive in order.
      for (const waiting of queue.slice(index + 1)) {
        await this.#store.markAttemptFailed(
          waiting.sequence,
          `waiting for message ${message.id} to ${message.to}: ${result.error}`,
          retryAt,
        );
      }
      return;
    }
  }
}
