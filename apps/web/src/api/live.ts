/**
 * @module api/live
 * The live stream (`GET /api/v1/stream`, server-sent events) as a hook: `useLive(network, handlers)`
 * opens it for one network's log events and re-plans, and says how it stands. A browser's EventSource
 * cannot send the bearer token, so each connection first gets a one-time ticket
 * (`POST /api/v1/stream/ticket`). The stream's `ready` message says the log sequence it starts from
 * (`from`): that is where a reconnect resumes (`after`) until a later log event is seen, so an event
 * appended while the connection was down is sent on the next one, even when none had arrived before.
 * When the connection drops or the node ends it, the hook reconnects with a new ticket; waits grow
 * from 1 s to 15 s while the node cannot be reached. `connectLive` is the same without React, over any
 * ticket source and EventSource (the tests give fakes).
 */
import { useEffect, useRef, useState } from 'react';
import { api } from './client.ts';

/** An event of the log as the stream sends it. */
export interface LogEvent {
  readonly sequence: number;
  readonly type: string;
  readonly key: string;
  readonly at: string;
  readonly recordedAt?: string;
  readonly source: string;
  readonly payload: unknown;
}

export interface LiveHandlers {
  readonly onLog?: (event: LogEvent) => void;
  /** A re-plan of the network: its changes (`truncated` when the diff was too large to send). */
  readonly onPlanChanges?: (changes: { readonly through: number; readonly truncated?: boolean }) => void;
  readonly onPlanFailed?: (failure: { readonly code: string; readonly message: string }) => void;
}

export interface LiveState {
  readonly state: 'connecting' | 'live' | 'reconnecting';
  /** The log sequence the stream stands at: the last log event seen, or where the stream started. */
  readonly sequence: number | undefined;
  /** When the last message (log event or re-plan) arrived, in ms since the epoch. */
  readonly lastMessageAt: number | undefined;
  /** Why the last connection failed, while reconnecting. */
  readonly problem: string | undefined;
  /** How many times the stream was opened again after a drop. */
  readonly reconnects: number;
}

/** The wait before reconnect attempt `attempt` (0, 1, …): 1 s, 2 s, 4 s, 8 s, then 15 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt));
}

/** The stream's URL for a ticket, one network, resuming after a log sequence. */
export function streamUrl(ticket: string, network: string, after: number | undefined): string {
  const query = new URLSearchParams({ ticket, topics: 'log,plan', network });
  if (after !== undefined) query.set('after', String(after));
  return `/api/v1/stream?${query.toString()}`;
}

/** The part of the browser's EventSource the stream uses. */
export interface StreamSource {
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

/** Where the stream comes from: a ticket, a source for a URL, and timers (the browser's by default). */
export interface LiveEnvironment {
  ticket(): Promise<string>;
  open(url: string): StreamSource;
  setTimeout(run: () => void, milliseconds: number): unknown;
  clearTimeout(timer: unknown): void;
}

const BROWSER: LiveEnvironment = {
  ticket: async () => (await api.post<{ ticket: string }>('/api/v1/stream/ticket')).ticket,
  open: (url) => new EventSource(url) as unknown as StreamSource,
  setTimeout: (run, milliseconds) => globalThis.setTimeout(run, milliseconds),
  clearTimeout: (timer) => globalThis.clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export const INITIAL_LIVE_STATE: LiveState = {
  state: 'connecting',
  sequence: undefined,
  lastMessageAt: undefined,
  problem: undefined,
  reconnects: 0,
};

/**
 * Opens the stream of `network` and keeps it open: reconnects after a drop, resuming after the last
 * sequence seen (or the `ready` message's `from`). `update` hears every change of the state; the
 * handlers hear the messages (read through `handlers()` each time, so a caller may swap them).
 * Returns the function that closes it for good.
 */
export function connectLive(
  network: string,
  handlers: () => LiveHandlers,
  update: (change: Partial<LiveState>) => void,
  environment: LiveEnvironment = BROWSER,
): () => void {
  let stopped = false;
  let source: StreamSource | undefined;
  let timer: unknown;
  let attempt = 0;
  let opened = 0;
  let sequence: number | undefined;

  const retry = (problem: string) => {
    source?.close();
    source = undefined;
    if (stopped) return;
    update({ state: 'reconnecting', problem });
    // One wait at a time: an error and a `closed` message of one connection make one reconnect.
    environment.clearTimeout(timer);
    timer = environment.setTimeout(() => void connect(), reconnectDelay(attempt++));
  };

  const connect = async () => {
    timer = undefined;
    let ticket: string;
    try {
      ticket = await environment.ticket();
    } catch (error) {
      retry((error as Error).message);
      return;
    }
    if (stopped) return;
    const current = environment.open(streamUrl(ticket, network, sequence));
    source = current;
    opened++;
    // Messages of a source closed meanwhile are not this connection's.
    const on = (type: string, listener: (data: string) => void) =>
      current.addEventListener(type, (message) => {
        if (source === current) listener(message.data);
      });
    on('ready', (data) => {
      const from = (JSON.parse(data) as { from?: unknown }).from;
      if (
        typeof from === 'number' &&
        Number.isSafeInteger(from) &&
        (sequence === undefined || from > sequence)
      )
        sequence = from;
      attempt = 0;
      update({ state: 'live', problem: undefined, sequence, reconnects: opened - 1 });
    });
    on('log', (data) => {
      const event = JSON.parse(data) as LogEvent;
      sequence = event.sequence;
      update({ sequence, lastMessageAt: Date.now() });
      handlers().onLog?.(event);
    });
    on('plan.changes', (data) => {
      update({ lastMessageAt: Date.now() });
      handlers().onPlanChanges?.(JSON.parse(data));
    });
    on('plan.failed', (data) => {
      update({ lastMessageAt: Date.now() });
      handlers().onPlanFailed?.(JSON.parse(data));
    });
    on('closed', (data) => {
      const reason = (JSON.parse(data) as { reason?: string }).reason;
      retry(`the node ended the stream${reason === undefined ? '' : ` (${reason})`}`);
    });
    // A ticket is good once: EventSource's own reconnect would be refused, so reconnect here.
    current.onerror = () => {
      if (source === current) retry('the connection to the node dropped');
    };
  };

  void connect();
  return () => {
    stopped = true;
    environment.clearTimeout(timer);
    source?.close();
    source = undefined;
  };
}

export function useLive(network: string, handlers: LiveHandlers): LiveState {
  const [live, setLive] = useState<LiveState>(INITIAL_LIVE_STATE);
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(
    () =>
      connectLive(
        network,
        () => latest.current,
        (change) => setLive((current) => ({ ...current, ...change })),
      ),
    [network],
  );

  return live;
}
