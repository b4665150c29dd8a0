/**
 * @module api/live
 * The live stream (`GET /api/v1/stream`, server-sent events) as a hook: `useLive(network, handlers)`
 * opens it for one network's log events and re-plans, and says how it stands. A browser's EventSource
 * cannot send the bearer token, so each connection first gets a one-time ticket
 * (`POST /api/v1/stream/ticket`). When the connection drops, the hook reconnects with a new ticket
 * and `after` = the last log sequence it saw (what `Last-Event-ID` would say), so no event is missed;
 * waits grow from 1 s to 15 s while the node cannot be reached.
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
  /** The last log sequence seen. */
  readonly sequence: number | undefined;
  /** When the last message (log event or re-plan) arrived, in ms since the epoch. */
  readonly lastMessageAt: number | undefined;
  /** Why the last connection failed, while reconnecting. */
  readonly problem: string | undefined;
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

export function useLive(network: string, handlers: LiveHandlers): LiveState {
  const [live, setLive] = useState<LiveState>({
    state: 'connecting',
    sequence: undefined,
    lastMessageAt: undefined,
    problem: undefined,
  });
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let sequence: number | undefined;
    const update = (change: Partial<LiveState>) => setLive((current) => ({ ...current, ...change }));

    const retry = (problem: string) => {
      source?.close();
      source = undefined;
      if (stopped) return;
      update({ state: 'reconnecting', problem });
      timer = setTimeout(() => void connect(), reconnectDelay(attempt++));
    };

    const connect = async () => {
      let ticket: string;
      try {
        ticket = (await api.post<{ ticket: string }>('/api/v1/stream/ticket')).ticket;
      } catch (error) {
        retry((error as Error).message);
        return;
      }
      if (stopped) return;
      const opened = new EventSource(streamUrl(ticket, network, sequence));
      source = opened;
      opened.addEventListener('ready', () => {
        attempt = 0;
        update({ state: 'live', problem: undefined });
      });
      opened.addEventListener('log', (message) => {
        const event = JSON.parse((message as MessageEvent<string>).data) as LogEvent;
        sequence = event.sequence;
        update({ sequence, lastMessageAt: Date.now() });
        latest.current.onLog?.(event);
      });
      opened.addEventListener('plan.changes', (message) => {
        update({ lastMessageAt: Date.now() });
        latest.current.onPlanChanges?.(JSON.parse((message as MessageEvent<string>).data));
      });
      opened.addEventListener('plan.failed', (message) => {
        update({ lastMessageAt: Date.now() });
        latest.current.onPlanFailed?.(JSON.parse((message as MessageEvent<string>).data));
      });
      opened.addEventListener('closed', (message) => {
        const reason = (JSON.parse((message as MessageEvent<string>).data) as { reason?: string }).reason;
        retry(`the node ended the stream${reason === undefined ? '' : ` (${reason})`}`);
      });
      // A ticket is good once: EventSource's own reconnect would be refused, so reconnect here.
      opened.onerror = () => retry('the connection to the node dropped');
    };

    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [network]);

  return live;
}
