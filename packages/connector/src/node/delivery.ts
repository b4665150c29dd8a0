/**
 * @module node/delivery
 * Sends a node's outbox: at least once, in order per receiver, with retries and backoff, pushed at
 * once when something is committed (no polling delay) and woken by a timer for retries.
 *
 * - A message leaves the outbox only when the receiver confirmed it (a 2xx answer): a crash before
 *   that sends it again after the restart, and the receiver's inbox makes the repeat harmless.
 * - Per receiver, messages go in outbox order; when one fails, the rest of that receiver's batch
 *   waits with it (same next attempt), so they arrive in order when it comes back. A message
 *   committed later could still overtake a waiting one; receivers answer 409 to a message that does
 *   not fit their state yet, which is retried, so order is restored by the receiver.
 * - What the node commits through its connector is handed over as committed (`offer`), so a pass
 *   sends it without reading it back from the store; the store is read for what the delivery has not
 *   seen (at the start, after `wake`, for retries that fell due, after a store error).
 * - Consecutive messages to one receiver that may travel together (keten's data-plane messages; DSP
 *   protocol messages always go one per request, as the protocol has them) go in one request, in
 *   order, when a `sendBatch` is given: one signature, one nonce and one round trip for up to
 *   `batchSize` messages, and one write to mark them delivered. The receiver applies them one after
 *   the other and stops at the first that must be retried (see `node/batch.ts`).
 * - Failures that may pass (no connection, timeouts, 408, 409, 425, 429, 5xx: among them a receiver
 *   that cannot check a signature right now, which answers 503) are retried with exponential
 *   backoff and jitter, without limit: a node that is down gets everything when it is back. A
 *   refusal that will not pass (other 4xx: bad message, not authenticated, not authorised, unknown
 *   process) is given up at once and kept, marked, with the receiver's reason, for the audit and
 *   the web app (the outbox view's `abandoned` messages).
 */
import type { Clock, ExchangeStore, OutboxMessage } from '@keten/core';

/** What one attempt to send a message came to. */
export type DeliveryResult =
  /** `answer`: the receiver's JSON answer, if any (e.g. the DSP process object of a 201). */
  | { readonly kind: 'delivered'; readonly answer?: unknown }
  /** `retryAfterMs`: the receiver's `Retry-After`, when it gave one (the next attempt waits at least that). */
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly kind: 'refused'; readonly error: string };

/** Sends one message to its receiver (HTTP with a signed token, in the node). */
export type MessageSender = (message: OutboxMessage) => Promise<DeliveryResult>;

/**
 * Sends several messages to one receiver in one request, in order. The results come in the same
 * order; after a `retry` the rest were not applied (the receiver stops there), and results missing at
 * the end count as not tried.
 */
export type BatchSender = (messages: readonly OutboxMessage[]) => Promise<readonly DeliveryResult[]>;

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
  /** Sends a run of messages in one request; without it every message goes alone. */
  readonly sendBatch?: BatchSender;
  /** Most messages in one request (default 100). */
  readonly batchSize?: number;
  /** Most bytes of message bodies (JSON) in one request (default 512 KiB). */
  readonly batchBytes?: number;
  /** Which messages may travel in a batch (default: all but DSP protocol messages, `dspace:…`). */
  readonly batchable?: (message: OutboxMessage) => boolean;
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

/**
 * The statuses after which a message is tried again; every other non-2xx status is a refusal. A 401
 * is a refusal: a receiver that cannot check a signature right now (it could not fetch the sender's
 * or the authority's DID document in time) answers 503 with `Retry-After` instead (see the
 * connector's authenticator), so a 401 means the receiver checked and said no.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds from `now`, if it is one (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 86_400) * 1000;
  // An HTTP date starts with the day's name ("Sun, 06 Nov 1994 08:49:37 GMT"); anything else is not one.
  const at = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(at - now, 86_400_000));
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
  /**
   * The receivers that may have a message waiting in the outbox for a later attempt (a failure), or
   * `any` when that is not known (a start, a store error): then the loop asks the store when the next
   * one is due. A message handed over (`offer`) to such a receiver is not sent from memory: it must
   * not pass the one waiting before it, so it comes from the store, which holds it back until that
   * one is due (`dueMessages`). Cleared when the store says none is pending, so a wake for committed
   * messages that all go through costs no look for later ones.
   */
  #waiting: Set<string> | 'any' = 'any';
  /**
   * Whether the store may hold due messages the delivery was not handed (`offer`): then the next pass
   * reads them from the store. Cleared by a pass that read all that were due.
   */
  #unseen = true;
  /** Messages committed and handed over (`offer`), not yet attempted, in the order they were handed. */
  #fresh: OutboxMessage[] = [];

  constructor(store: ExchangeStore, send: MessageSender, options: DeliveryOptions = {}) {
    this.#store = store;
    this.#send = send;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#options = options;
  }

  /** Starts delivering: sends what is due now (e.g. left from before a restart), then on every wake. */
  start(): void {
    this.#stopped = false;
    this.#waiting = 'any';
    // Everything committed is in the store: what was handed over is read from there with the rest.
    this.#fresh = [];
    this.wake();
  }

  /**
   * Something was committed to the outbox (by whoever): deliver now, reading the store for it
   * (coalesced with a pass in progress).
   */
  wake(): void {
    this.#unseen = true;
    this.#wake();
  }

  /**
   * `messages` were committed to the outbox just now (the store's commit outcome): deliver them now,
   * without reading them back (coalesced with a pass in progress). Only committed messages may be
   * handed over: a message is sent only once it is safe in the store.
   */
  offer(messages: readonly OutboxMessage[]): void {
    if (messages.length === 0 || this.#stopped) return;
    for (const message of messages) this.#fresh.push(message);
    this.#wake();
  }

  #wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      // Woken after the loop's last look (while it asked for the next due time): go again.
      if (this.#again && !this.#stopped) this.#wake();
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
    const limit = this.#passLimit();
    do {
      this.#again = false;
      try {
        // A pass that read fewer messages than it may took all that were due; what is committed
        // meanwhile wakes the loop (#again) and what failed is due later (the timer below), so only a
        // full pass looks again at once.
        while (!this.#stopped && (await this.deliverDue()) >= limit) {
          // Keep going while passes are full.
        }
      } catch {
        // The store failed (e.g. the database is briefly unreachable): try again after a pause, from
        // the store (messages taken from those handed over may not be marked yet).
        this.#waiting = 'any';
        this.#unseen = true;
        this.#schedule(this.#clock.now().getTime() + backoffDelay(3, this.#options.backoff));
        return;
      }
    } while (this.#again && !this.#stopped);
    if (this.#stopped || (this.#waiting !== 'any' && this.#waiting.size === 0)) return;
    const next = await this.#store.nextDueAt().catch(() => null);
    if (next === undefined) this.#waiting = new Set();
    else
      this.#schedule(
        next === null
          ? this.#clock.now().getTime() + backoffDelay(3, this.#options.backoff)
          : Date.parse(next),
      );
  }

  /** Messages read per pass. */
  #passLimit(): number {
    return Math.max(1, Math.floor(this.#options.batch ?? 200));
  }

  #schedule(at: number): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delay = Math.max(0, at - this.#clock.now().getTime());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // Retries fall due in the store.
      this.wake();
    }, delay);
    this.#timer.unref?.();
  }

  /**
   * One pass: sends the messages due now, per receiver in order. Returns how many were attempted
   * (0: nothing was due).
   */
  async deliverDue(): Promise<number> {
    // Handed over for a receiver whose earlier message may wait for a retry: after it, from the store.
    const waiting = this.#waiting;
    if (waiting === 'any' ? this.#fresh.length > 0 : this.#fresh.some((message) => waiting.has(message.to)))
      this.#unseen = true;
    const due = this.#unseen ? await this.#readDue() : this.#takeFresh();
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

  /**
   * The due messages from the store. Those handed over that it holds are no longer to be sent from
   * memory; when it held fewer than a pass takes, every message handed over before the read was
   * among them, is no longer pending, or waits behind an earlier message to its receiver (the store
   * gives it when that one is due), and nothing due is left unseen.
   */
  async #readDue(): Promise<OutboxMessage[]> {
    const limit = this.#passLimit();
    const before = new Set(this.#fresh);
    const due = await this.#store.dueMessages(this.#clock.now().toISOString(), limit);
    const read = new Set(due.map((message) => message.sequence));
    const all = due.length < limit;
    this.#fresh = this.#fresh.filter(
      (message) => !read.has(message.sequence) && !(all && before.has(message)),
    );
    if (all) this.#unseen = false;
    return due;
  }

  /** Up to a pass of the messages handed over, in outbox order. */
  #takeFresh(): OutboxMessage[] {
    const taken = this.#fresh.splice(0, this.#passLimit());
    return taken.sort((a, b) => a.sequence - b.sequence);
  }

  async #deliverQueue(queue: readonly OutboxMessage[]): Promise<void> {
    let index = 0;
    while (index < queue.length) {
      const run = this.#runAt(queue, index);
      const results = await this.#attempt(run);
      const at = this.#clock.now();
      let delivered: { message: OutboxMessage; answer: unknown }[] = [];
      const confirm = async (): Promise<void> => {
        if (delivered.length === 0) return;
        const batch = delivered;
        delivered = [];
        await this.#store.markDelivered(
          batch.map((entry) => entry.message.sequence),
          at.toISOString(),
        );
        for (const entry of batch) {
          try {
            await this.#options.onDelivered?.(entry.message, entry.answer);
          } catch {
            // The callback's own failure does not undo the delivery; it logs and reconciles itself.
          }
        }
      };
      for (let position = 0; position < run.length; position++) {
        const message = run[position]!;
        const result: DeliveryResult = results[position] ?? {
          kind: 'retry',
          error: `${message.to} answered for ${results.length} of ${run.length} messages sent together`,
        };
        if (result.kind === 'delivered') {
          delivered.push({ message, answer: result.answer });
          continue;
        }
        await confirm();
        this.#options.onFailure?.(message, result);
        if (result.kind === 'refused') {
          await this.#store.markAbandoned(message.sequence, result.error, at.toISOString());
          continue;
        }
        const wait = Math.max(
          backoffDelay(message.attempts, this.#options.backoff),
          result.retryAfterMs ?? 0,
        );
        const retryAt = new Date(at.getTime() + wait).toISOString();
        if (this.#waiting !== 'any') this.#waiting.add(message.to);
        await this.#store.markAttemptFailed(message.sequence, result.error, retryAt);
        // The rest of this receiver's messages wait with it (the store holds back any message behind
        // a waiting one, so they still arrive in order), and say why.
        const waiting = queue.slice(index + position + 1).map((entry) => entry.sequence);
        await this.#store.markAttemptFailed(
          waiting,
          `waiting for message ${message.id} to ${message.to}: ${result.error}`,
          retryAt,
        );
        return;
      }
      await confirm();
      index += run.length;
    }
  }

  /** The messages from `index` on that go in one request: a run of batchable ones, or one alone. */
  #runAt(queue: readonly OutboxMessage[], index: number): readonly OutboxMessage[] {
    const first = queue[index]!;
    const batchable = this.#options.batchable ?? ((message) => !message.kind.startsWith('dspace:'));
    if (this.#options.sendBatch === undefined || !batchable(first)) return [first];
    const most = Math.max(1, this.#options.batchSize ?? 100);
    const budget = this.#options.batchBytes ?? 512 * 1024;
    let bytes = 0;
    let end = index;
    while (end < queue.length && end - index < most) {
      const message = queue[end]!;
      if (!batchable(message)) break;
      bytes += JSON.stringify(message.body ?? null).length + message.path.length + message.id.length + 32;
      if (bytes > budget && end > index) break;
      end += 1;
    }
    return queue.slice(index, end);
  }

  /** Sends a run (alone or together); a sender that throws counts as a failed attempt of the first. */
  async #attempt(run: readonly OutboxMessage[]): Promise<readonly DeliveryResult[]> {
    try {
      if (run.length === 1) return [await this.#send(run[0]!)];
      return await this.#options.sendBatch!(run);
    } catch (error) {
      return [{ kind: 'retry', error: error instanceof Error ? error.message : String(error) }];
    }
  }
}
