/**
 * @module pages/network/graph-fetch
 * The network graph's request, started when the map or graph page is opened, before the page's code
 * (its own chunk) has arrived: the two downloads run side by side. `use-network-graph` takes the
 * answer; one not taken within `FRESH_MS` is dropped (it may be of an older version by then).
 */
import { GRAPH_MEDIA_TYPE } from '@keten/core';
import { sessionToken } from '../../api/client.ts';

const FRESH_MS = 10_000;
const started = new Map<string, { readonly at: number; readonly response: Promise<Response | undefined> }>();

/** Requests the graph of `network` in the binary form (at most one request in flight per network). */
export function requestGraph(network: string): Promise<Response | undefined> {
  const token = sessionToken.get();
  return fetch(`/api/v1/networks/${encodeURIComponent(network)}/graph`, {
    headers: {
      accept: GRAPH_MEDIA_TYPE,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  }).catch(() => undefined);
}

/** Starts the request for `network` unless one is already waiting to be taken. */
export function prefetchGraph(network: string): void {
  const waiting = started.get(network);
  if (waiting !== undefined && performance.now() - waiting.at < FRESH_MS) return;
  started.set(network, { at: performance.now(), response: requestGraph(network) });
}

/** The request `prefetchGraph` started for `network` when still fresh (then forgotten), else undefined. */
export function takeGraphRequest(network: string): Promise<Response | undefined> | undefined {
  const waiting = started.get(network);
  started.delete(network);
  return waiting !== undefined && performance.now() - waiting.at < FRESH_MS ? waiting.response : undefined;
}
