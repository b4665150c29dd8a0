/**
 * @module jobs/import-load
 * What an import does before the store writes it: core's loader parses and validates the body (every
 * problem with its line and column), then the text the store keeps (`JSON.stringify`, key order as
 * written) and the content hash (SHA-256 of the canonical JSON) are made. At 20,000 companies this is
 * some 3 s of CPU (the loader 1.7 s, the canonical JSON and its hash 1.1 s), so a large body goes
 * through the import thread (`import-thread.ts`); the same function runs there.
 */
import {
  type Issue,
  loadNetworkFile,
  type Network,
  type NetworkSummary,
  ok,
  type PreparedContent,
  type Result,
} from '@keten/core';
import { contentHash } from '@keten/store';

/** An import's body as it came, how to read it, and the largest size allowed. */
export interface ImportBody {
  readonly text: string;
  readonly format: 'json' | 'yaml';
  readonly maxBytes: number;
}

/** A network ready for the store, or every problem the loader found in it. */
export type PreparedImport = Result<
  {
    readonly network: Network;
    readonly summary: NetworkSummary;
    readonly warnings: Issue[];
    readonly prepared: PreparedContent;
    /**
     * Makes the binary graph (`keten.graph/v1`) of the network for the views where it was loaded (the
     * import thread), once the store has given it its name and version; absent when loaded here.
     */
    readonly graphBinary?: (network: string, version: number) => Promise<Uint8Array | undefined>;
  },
  Issue[]
>;

/** Loads and validates `body`; if it is a network, makes its stored text and content hash. */
export function prepareImport(body: ImportBody): PreparedImport {
  const loaded = loadNetworkFile(
    { name: 'request body', text: body.text },
    { maxBytes: body.maxBytes, format: body.format },
  );
  if (!loaded.ok) return loaded;
  const { network, summary, warnings } = loaded.value;
  const prepared = { text: JSON.stringify(network), contentHash: contentHash(network) };
  return ok({ network, summary, warnings, prepared });
}
