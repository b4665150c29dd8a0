/**
 * @module version-cache
 * The last network versions the server read, parsed once and shared by the views: the graph and
 * company pages (`routes/network-views.ts`) and the plans of the plan views (`plan-cache.ts`). At
 * 60,000 companies reading a version from the store takes some 4 s of CPU on the server's thread
 * (the database read and a 117 MB `JSON.parse`), so it is done once per version, not per view.
 *
 * A version that is imported through the API is kept as imported (no read back), and its graph for
 * the map and graph pages (core's `networkGraph` and its binary form, gzipped) is made right after
 * the import's answer has gone out (in the import thread for a large import: the first binary view
 * waits for it there instead of making it again), so the first view of a new version finds it made. A version
 * never changes, so what is kept never goes stale; the latest few versions are kept (least recently
 * used go first).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  encodeNetworkGraph,
  type KetenStore,
  type NetworkGraph,
  networkGraph,
  type StoredNetwork,
} from '@keten/core';
import type { PlanningSource } from '@keten/store';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from './errors.ts';

/** How many versions stay parsed in memory (each with its graph), by default. */
export const KEPT_VERSIONS = 2;

const gzipAsync = promisify(gzip);
/** Gzip level 1: most of the gain for a quarter of level 6's CPU time (the answer is made per version). */
const GZIP_LEVEL = 1;

/** A version kept in memory, with the graph's answers once made. */
export interface KeptVersion {
  readonly stored: StoredNetwork;
  graph?: NetworkGraph;
  /** JSON text and the binary form (`keten.graph/v1`), made once. */
  graphJson?: string;
  graphBinary?: Uint8Array;
  /** The binary form being made in the import thread: the graph's first view waits for it. */
  graphBinaryMaking?: Promise<Uint8Array | undefined>;
  /** The answers gzipped, on the thread pool. */
  graphJsonGzip?: Promise<Buffer>;
  graphBinaryGzip?: Promise<Buffer>;
}

/** The graph of a kept version (made on first use). */
export function graphOf(kept: KeptVersion): NetworkGraph {
  kept.graph ??= networkGraph(kept.stored.content);
  return kept.graph;
}

/** The binary form (`keten.graph/v1`) of a kept version's graph (made on first use). */
export function graphBinaryOf(kept: KeptVersion): Uint8Array {
  kept.graphBinary ??= encodeNetworkGraph(
    { ...graphOf(kept), network: kept.stored.network },
    kept.stored.version,
  );
  return kept.graphBinary;
}

/** Waits for the binary form the import thread is making, if it is (then kept as made). */
export async function graphBinaryMade(kept: KeptVersion): Promise<void> {
  if (kept.graphBinary !== undefined || kept.graphBinaryMaking === undefined) return;
  const binary = await kept.graphBinaryMaking.catch(() => undefined);
  if (binary !== undefined) kept.graphBinary ??= binary;
}

/** The binary graph gzipped (started on first use, on the thread pool). */
export function graphBinaryGzipOf(kept: KeptVersion): Promise<Buffer> {
  kept.graphBinaryGzip ??= gzipAsync(graphBinaryOf(kept), { level: GZIP_LEVEL });
  return kept.graphBinaryGzip;
}

/** The JSON text of a kept version's graph (made on first use: `JSON.stringify` of 16 MB at 60,000). */
export function graphJsonOf(kept: KeptVersion): string {
  kept.graphJson ??= JSON.stringify({
    ...graphOf(kept),
    network: kept.stored.network,
    version: kept.stored.version,
  });
  return kept.graphJson;
}

/** The JSON graph gzipped (started on first use, on the thread pool). */
export function graphJsonGzipOf(kept: KeptVersion): Promise<Buffer> {
  kept.graphJsonGzip ??= gzipAsync(graphJsonOf(kept), { level: GZIP_LEVEL });
  return kept.graphJsonGzip;
}

export class VersionCache {
  readonly #kept: KeptVersion[] = [];
  readonly #reading = new Map<string, Promise<KeptVersion | undefined>>();

  constructor(
    private readonly store: KetenStore,
    private readonly log: FastifyBaseLogger,
    private readonly limit = KEPT_VERSIONS,
  ) {}

  /** The version asked for (default: the latest), kept; `not-found` saying what is missing. */
  async get(name: string, version?: number): Promise<KeptVersion> {
    const wanted = version ?? (await this.#latest(name));
    const found = await this.#find(name, wanted);
    if (found !== undefined) return found;
    const exists = (await this.store.networks.listVersions(name)).length > 0;
    throw new ApiError(
      'not-found',
      exists ? `network '${name}' has no version ${wanted}` : `no network named '${name}'`,
    );
  }

  /**
   * A version just imported: kept as it is (the store holds the same content), and its binary graph
   * made once the caller's answer has gone out, so the first map or graph view of it does not wait
   * for the read and the build: `made` when the import thread makes it (a large import), else here
   * (`setImmediate`).
   */
  imported(stored: StoredNetwork, made?: Promise<Uint8Array | undefined>): void {
    const kept: KeptVersion = { stored };
    this.#keep(kept);
    if (made !== undefined) {
      const started = performance.now();
      kept.graphBinaryMaking = made;
      void made.then(
        (binary) => {
          if (binary === undefined || !this.#kept.includes(kept)) return;
          kept.graphBinary ??= binary;
          this.#gzipAndLog(kept, binary, started, 'graph made for the views in the import thread');
        },
        // Made again on its first request, where a failure reaches the asker.
        (error: unknown) => this.log.error({ err: error }, 'making the graph in the import thread failed'),
      );
      return;
    }
    setImmediate(() => {
      if (!this.#kept.includes(kept)) return;
      const cpu = process.cpuUsage();
      const started = performance.now();
      try {
        const binary = graphBinaryOf(kept);
        const used = process.cpuUsage(cpu);
        this.#gzipAndLog(kept, binary, started, 'graph made for the views after the import', {
          cpuMilliseconds: Math.round((used.user + used.system) / 1000),
        });
      } catch (error) {
        // The graph is made again on its first request, where a failure reaches the asker.
        delete kept.graph;
        delete kept.graphBinary;
        this.log.error({ err: error, network: stored.network }, 'making the graph after the import failed');
      }
    });
  }

  /** Gzips a kept version's binary graph (on the thread pool) and logs what was made, with `extra`. */
  #gzipAndLog(kept: KeptVersion, binary: Uint8Array, started: number, what: string, extra = {}): void {
    const { stored } = kept;
    void graphBinaryGzipOf(kept).then(
      (gzipped) =>
        this.log.info(
          {
            network: stored.network,
            version: stored.version,
            companies: stored.content.companies.length,
            bytes: binary.byteLength,
            gzipBytes: gzipped.byteLength,
            milliseconds: Math.round(performance.now() - started),
            ...extra,
          },
          what,
        ),
      (error: unknown) => this.log.error({ err: error }, 'gzipping the graph failed'),
    );
  }

  /** A planning source whose versions come from this cache (events from the store). */
  planningSource(): PlanningSource {
    return {
      getVersion: async (network, version) => {
        const wanted = version ?? (await this.#latestOrUndefined(network));
        if (wanted === undefined) return undefined;
        return (await this.#find(network, wanted))?.stored;
      },
      readEvents: (query) => this.store.events.read(query),
    };
  }

  async #find(name: string, version: number): Promise<KeptVersion | undefined> {
    const found = this.#kept.find(
      (entry) => entry.stored.network === name && entry.stored.version === version,
    );
    if (found !== undefined) {
      this.#keep(found);
      return found;
    }
    const key = `${version}\u0000${name}`;
    let pending = this.#reading.get(key);
    if (pending === undefined) {
      pending = this.store.networks.getVersion(name, version).then((stored) => {
        if (stored === undefined) return undefined;
        const kept: KeptVersion = { stored };
        this.#keep(kept);
        return kept;
      });
      this.#reading.set(key, pending);
      const done = () => this.#reading.delete(key);
      pending.then(done, done);
    }
    return pending;
  }

  async #latest(name: string): Promise<number> {
    const latest = await this.#latestOrUndefined(name);
    if (latest === undefined) throw new ApiError('not-found', `no network named '${name}'`);
    return latest;
  }

  async #latestOrUndefined(name: string): Promise<number | undefined> {
    const versions = await this.store.networks.listVersions(name);
    return versions.at(-1)?.version;
  }

  /** Puts `kept` first (most recently used) and drops the least recently used beyond the limit. */
  #keep(kept: KeptVersion): void {
    const at = this.#kept.indexOf(kept);
    if (at >= 0) this.#kept.splice(at, 1);
    this.#kept.unshift(kept);
    this.#kept.length = Math.min(this.#kept.length, this.limit);
  }
}
