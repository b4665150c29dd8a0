/**
 * @module stream-hub
 * The live stream behind `GET /api/v1/stream` (server-sent events): what the web application shows
 * without reloading. Each connected client gets
 *
 * - `log`: every event appended to the event log (by this server, a connector, another process on the
 *   same database), `id:` its sequence, so a reconnecting client resumes with `Last-Event-ID` and
 *   misses nothing: the log is read from there on before live events flow again;
 * - `plan.changes` / `plan.failed`: each re-plan the re-planner makes (after events, or `POST …/replan`)
 *   with its diff (a diff above `maxMessageBytes` is sent as its counts, `truncated: true`; the whole
 *   one is at `GET …/plan/changes`);
 * - `job`: the state and progress of jobs, only to their owner and to admins;
 * - a comment every `heartbeatMs`, so proxies keep the connection and clients notice a dead one.
 *
 * The log is tailed by one reader per server (every `pollMs` while anyone listens), not one per client.
 * **Back-pressure:** a client whose unsent data would exceed `maxBufferBytes`, or that has not taken
 * any for `stallMs`, is dropped (its connection closed), never buffered without bound; it reconnects
 * with `Last-Event-ID` and catches up from the log. At each heartbeat the user is checked again: a
 * disabled user, a revoked or expired token ends the stream; a changed role applies.
 */
import {
  type AccessStore,
  addressedNetwork,
  EVENT_READ_LIMIT,
  type EventStore,
  type StoredEvent,
} from '@keten/core';
import type { FastifyBaseLogger } from 'fastify';
import type { UserPrincipal } from './auth/policy.ts';
import { currentRole, stillAllowed } from './auth/tickets.ts';
import { JobQueue, type JobView } from './jobs/job-queue.ts';
import type { ReplanNews } from './replanner.ts';

export const STREAM_TOPICS = ['log', 'plan', 'jobs'] as const;
export type StreamTopic = (typeof STREAM_TOPICS)[number];

export interface StreamLimits {
  /** How often the log is read for new events while anyone listens (default 500 ms). */
  readonly pollMs: number;
  /** A comment line this often (default 15 s). */
  readonly heartbeatMs: number;
  /** Unsent bytes a client may have before it is dropped (default 1 MiB). */
  readonly maxBufferBytes: number;
  /** A client that takes nothing for this long while data waits is dropped (default 30 s). */
  readonly stallMs: number;
  /** A plan diff larger than this goes out as its counts (default 256 KiB). */
  readonly maxMessageBytes: number;
  /** Streams open at once (default 200), and per user (default 10). */
  readonly maxClients: number;
  readonly maxClientsPerUser: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  pollMs: 500,
  heartbeatMs: 15_000,
  maxBufferBytes: 1024 * 1024,
  stallMs: 30_000,
  maxMessageBytes: 256 * 1024,
  maxClients: 200,
  maxClientsPerUser: 10,
};

/** Fewer bytes than any record of a plan diff takes as JSON (`{"company":"","added":0,…}` is 48). */
const MIN_RECORD_BYTES = 40;

/** The part of a Node response a stream writes to (an `http.ServerResponse`). */
export interface StreamSink {
  readonly writableLength: number;
  readonly destroyed: boolean;
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  on(event: 'drain' | 'close', listener: () => void): unknown;
}

/** One connected client. */
export class StreamClient {
  /** The highest log sequence sent to it. */
  cursor: number;
  /** False while it catches up from the log: live log events wait for it. */
  live = false;
  closed = false;
  #drainedAt: number;

  constructor(
    readonly user: { principal: UserPrincipal },
    readonly sink: StreamSink,
    readonly topics: ReadonlySet<StreamTopic>,
    readonly network: string | undefined,
    cursor: number,
    private readonly limits: StreamLimits,
    private readonly onDrop: (client: StreamClient, why: string) => void,
  ) {
    this.cursor = cursor;
    this.#drainedAt = performance.now();
    sink.on('drain', () => {
      this.#drainedAt = performance.now();
    });
  }

  /** Writes one message (`event`, optional `id`, JSON `data`); false when the client was dropped. */
  send(event: string, data: unknown, id?: number): boolean {
    return this.write(
      `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`,
    );
  }

  /** Writes raw SSE text, dropping the client when it would exceed its buffer. */
  write(text: string): boolean {
    if (this.closed || this.sink.destroyed) return false;
    if (this.sink.writableLength + text.length > this.limits.maxBufferBytes) {
      this.onDrop(this, `it did not take ${this.sink.writableLength} bytes sent to it`);
      return false;
    }
    if (this.sink.writableLength === 0) this.#drainedAt = performance.now();
    this.sink.write(text);
    return true;
  }

  /** True when data has waited longer than `stallMs` without the client taking any. */
  stalled(now = performance.now()): boolean {
    return this.sink.writableLength > 0 && now - this.#drainedAt > this.limits.stallMs;
  }

  /** Whether a log event is for this client (its topics and network). */
  wants(event: StoredEvent): boolean {
    if (!this.topics.has('log')) return false;
    if (this.network === undefined) return true;
    const addressed = addressedNetwork(event.payload);
    return addressed === undefined || addressed === this.network;
  }
}

export class StreamHub {
  readonly limits: StreamLimits;
  readonly #clients = new Set<StreamClient>();
  /** The highest log sequence the tail has read; undefined until someone listens. */
  #head: number | undefined;
  #polling: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #reading: Promise<void> | undefined;
  #closed = false;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: EventStore,
    private readonly access: AccessStore,
    private readonly now: () => Date,
    private readonly log: FastifyBaseLogger,
    sources: {
      subscribeJobs(listener: (job: JobView) => void): () => void;
      subscribeReplans(listener: (news: ReplanNews) => void): () => void;
    },
    limits: Partial<StreamLimits> = {},
  ) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
    this.#unsubscribe.push(sources.subscribeJobs((job) => this.#job(job)));
    this.#unsubscribe.push(sources.subscribeReplans((news) => this.#replan(news)));
  }

  /** Streams open now. */
  get size(): number {
    return this.#clients.size;
  }

  /** How many streams `username` has open. */
  countOf(username: string): number {
    let count = 0;
    for (const client of this.#clients) if (client.user.principal.username === username) count++;
    return count;
  }

  /**
   * Opens a stream on `sink`: from log sequence `after` (a reconnect's Last-Event-ID: everything after
   * it is sent first), or from now. Resolves once the client is live.
   */
  async open(options: {
    principal: UserPrincipal;
    sink: StreamSink;
    topics: ReadonlySet<StreamTopic>;
    network?: string | undefined;
    after?: number | undefined;
  }): Promise<StreamClient> {
    // Nobody listened, so nobody read the log: where it ends must be found again.
    if (this.#polling === undefined) this.#head = undefined;
    const head = await this.#logHead();
    const client = new StreamClient(
      { principal: options.principal },
      options.sink,
      options.topics,
      options.network,
      options.after ?? head,
      this.limits,
      (dropped, why) => this.#drop(dropped, why),
    );
    this.#clients.add(client);
    options.sink.on('close', () => this.#remove(client));
    client.write(`retry: 3000\n\n`);
    client.send('ready', {
      head,
      from: client.cursor,
      topics: [...client.topics],
      ...(client.network === undefined ? {} : { network: client.network }),
      user: options.principal.username,
      heartbeatMs: this.limits.heartbeatMs,
    });
    this.#start();
    await this.#catchUp(client);
    return client;
  }

  /** Ends every stream and stops reading the log. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const stop of this.#unsubscribe.splice(0)) stop();
    clearTimeout(this.#polling);
    clearInterval(this.#heartbeat);
    for (const client of [...this.#clients]) {
      client.closed = true;
      client.sink.end();
    }
    this.#clients.clear();
    await this.#reading;
  }

  /** Sends the log after the client's cursor, page by page, then lets live events flow to it. */
  async #catchUp(client: StreamClient): Promise<void> {
    const page = EVENT_READ_LIMIT.maximum;
    while (!client.closed) {
      const events = await this.events.read({ after: client.cursor, limit: page });
      for (const event of events) {
        if (client.wants(event) && !client.send('log', event, event.sequence)) return;
        client.cursor = event.sequence;
      }
      if (events.length < page) break;
      // A long catch-up waits for the client to take what it was sent.
      if (client.sink.writableLength > 0) await waitForDrain(client.sink);
    }
    // No await between the last read and this: a live event after it is sent by the tail.
    client.live = true;
  }

  /** The sequence of the last event in the log: O(log n) reads of one event. */
  async #logHead(): Promise<number> {
    if (this.#head !== undefined) return this.#head;
    const after = async (sequence: number) =>
      (await this.events.read({ after: sequence, limit: 1 })).length > 0;
    let low = 0;
    let high = 1;
    while (await after(high)) {
      low = high;
      high *= 2;
    }
    // An event lies after `low` (or the log is empty), none after `high`.
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await after(middle)) low = middle;
      else high = middle;
    }
    const head = (await after(low)) ? high : low;
    this.#head ??= head;
    return this.#head;
  }

  #start(): void {
    if (this.#closed) return;
    if (this.#polling === undefined) this.#schedulePoll();
    this.#heartbeat ??= setInterval(() => void this.#beat(), this.limits.heartbeatMs);
  }

  #schedulePoll(): void {
    this.#polling = setTimeout(() => {
      this.#reading = this.#tail()
        .catch((error: unknown) =>
          this.log.warn({ err: error }, 'reading the event log for the stream failed'),
        )
        .finally(() => {
          this.#reading = undefined;
          if (this.#clients.size > 0 && !this.#closed) this.#schedulePoll();
          else this.#polling = undefined;
        });
    }, this.limits.pollMs);
  }

  /** Reads what was appended since the last read and sends it to the live clients that want it. */
  async #tail(): Promise<void> {
    const page = EVENT_READ_LIMIT.maximum;
    for (;;) {
      const head = await this.#logHead();
      const events = await this.events.read({ after: head, limit: page });
      for (const event of events) {
        for (const client of this.#clients) {
          if (!client.live || event.sequence <= client.cursor) continue;
          if (client.wants(event)) client.send('log', event, event.sequence);
          client.cursor = event.sequence;
        }
        this.#head = event.sequence;
      }
      if (events.length < page) return;
    }
  }

  #replan(news: ReplanNews): void {
    let message: string | undefined;
    for (const client of this.#clients) {
      if (!client.topics.has('plan') || (client.network !== undefined && client.network !== news.network))
        continue;
      message ??= this.#replanMessage(news);
      client.write(message);
    }
  }

  #replanMessage(news: ReplanNews): string {
    if ('failure' in news) return sse('plan.failed', { network: news.network, ...news.failure });
    const { diff, ...rest } = news.changes;
    // Every record of a diff is over MIN_RECORD_BYTES as JSON: a diff with too many to fit is not
    // written out only to be found too long (at 20,000 companies a diff can be 144 MB of JSON).
    const records =
      diff.orders.added.length +
      diff.orders.removed.length +
      diff.orders.changed.length +
      diff.companies.length +
      diff.shortages.length +
      diff.bottlenecks.length +
      diff.notices.length;
    if (records * MIN_RECORD_BYTES <= this.limits.maxMessageBytes) {
      const whole = sse('plan.changes', news.changes);
      if (whole.length <= this.limits.maxMessageBytes) return whole;
    }
    return sse('plan.changes', {
      ...rest,
      truncated: true,
      counts: {
        ordersAdded: diff.orders.added.length,
        ordersRemoved: diff.orders.removed.length,
        ordersChanged: diff.orders.changed.length,
        companiesToTell: diff.notices.length,
      },
    });
  }

  #job(job: JobView): void {
    let message: string | undefined;
    for (const client of this.#clients) {
      if (!client.topics.has('jobs') || !JobQueue.visibleTo(client.user.principal, job)) continue;
      message ??= sse('job', job);
      client.write(message);
    }
  }

  /** The heartbeat: a comment to every client, stalled ones dropped, users checked again. */
  async #beat(): Promise<void> {
    if (this.#clients.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
      return;
    }
    const now = performance.now();
    const users = new Map<string, Promise<string>>();
    for (const client of [...this.#clients]) {
      if (client.stalled(now)) {
        this.#drop(client, `it took nothing for ${Math.round(this.limits.stallMs / 1000)} s`);
        continue;
      }
      client.write(`: heartbeat ${this.now().toISOString()}\n\n`);
      const { principal } = client.user;
      const key = `${principal.username}\u0000${principal.token.id}`;
      if (!users.has(key)) users.set(key, this.#stillAllowed(principal));
      const verdict = await users.get(key)!;
      if (stillAllowed(verdict)) {
        client.user.principal = { ...principal, role: verdict };
      } else {
        client.send('closed', { reason: verdict });
        this.#drop(client, verdict, true);
      }
    }
  }

  /** The user's role now, or why the stream must end. */
  async #stillAllowed(principal: UserPrincipal): Promise<string> {
    try {
      return await currentRole(this.access, principal, this.now().getTime());
    } catch (error) {
      // A store that does not answer now is not a reason to end streams; the next beat asks again.
      this.log.warn({ err: error }, 'checking a stream user failed');
      return principal.role;
    }
  }

  /** Ends a client's stream: gently (what was sent still arrives), or at once (a slow client). */
  #drop(client: StreamClient, why: string, gently = false): void {
    if (client.closed) return;
    this.log.info({ user: client.user.principal.username, why }, 'stream client dropped');
    client.closed = true;
    this.#clients.delete(client);
    if (gently) client.sink.end();
    else client.sink.destroy();
  }

  #remove(client: StreamClient): void {
    client.closed = true;
    this.#clients.delete(client);
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function waitForDrain(sink: StreamSink): Promise<void> {
  return new Promise((resolve) => {
    sink.on('drain', resolve);
    sink.on('close', resolve);
  });
}
