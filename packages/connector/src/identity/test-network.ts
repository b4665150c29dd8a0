/**
 * @module test-network
 * For tests and benchmarks: nodes with fresh keys whose DID documents and membership authority are
 * served by an injected `fetch` over a map, so identity can be exercised end to end without sockets.
 * The resolver, authority and verifiers it drives are the real ones.
 */
import { type AdmissionRule, createMembershipAuthority, type MembershipAuthority } from './authority.ts';
import { didDocument, didDocumentUrl, didFromBaseUrl } from './did.ts';
import { generateNodeKeys } from './keys.ts';
import type { NodeIdentity } from './node-identity.ts';
import { createDidResolver, type FetchFunction } from './resolver.ts';

export interface TestNetwork {
  /** Serves every registered DID document and the authority's join endpoint. Counts GETs per URL. */
  readonly fetch: FetchFunction;
  readonly fetches: Map<string, number>;
  /** A node at `baseUrl` with a fresh key, its document served by `fetch`. */
  addNode(baseUrl: string, bpnl: string, name: string): Promise<NodeIdentity>;
  /** Makes `identity` the authority answering at `<baseUrl>/membership/join`. */
  makeAuthority(
    baseUrl: string,
    identity: NodeIdentity,
    network: string,
    admission: AdmissionRule,
  ): MembershipAuthority;
  /** Stops serving a node's document (a node that is gone). */
  removeNode(did: string): void;
}

export function createTestNetwork(now: () => number = Date.now): TestNetwork {
  const documents = new Map<string, unknown>();
  const authorities = new Map<string, MembershipAuthority>();
  const fetches = new Map<string, number>();
  const fetchFunction: FetchFunction = async (url, init) => {
    if ((init.method ?? 'GET') === 'GET') {
      fetches.set(url, (fetches.get(url) ?? 0) + 1);
      const document = documents.get(url);
      return document === undefined
        ? { status: 404, text: async () => 'not found' }
        : { status: 200, text: async () => JSON.stringify(document) };
    }
    const authority = authorities.get(url);
    if (authority === undefined) return { status: 404, text: async () => '{"message":"no such endpoint"}' };
    const answer = await authority.handleJoinRequest(JSON.parse(init.body ?? 'null'));
    return answer.ok
      ? { status: 200, text: async () => JSON.stringify(answer.value) }
      : { status: 403, text: async () => JSON.stringify(answer.error) };
  };
  const documentUrlOf = (did: string): string => {
    const url = didDocumentUrl(did);
    if (!url.ok) throw new Error(url.error.message);
    return url.value.href;
  };
  return {
    fetch: fetchFunction,
    fetches,
    async addNode(baseUrl, bpnl, name) {
      const did = didFromBaseUrl(baseUrl);
      if (!did.ok) throw new Error(did.error.message);
      const keys = await generateNodeKeys();
      documents.set(
        documentUrlOf(did.value),
        didDocument({ did: did.value, keys, dspEndpoint: `${baseUrl}/dsp/catalog` }),
      );
      return { did: did.value, keys, bpnl, name };
    },
    makeAuthority(baseUrl, identity, network, admission) {
      const authority = createMembershipAuthority({
        identity,
        network,
        admission,
        resolver: createDidResolver({ fetch: fetchFunction, now }),
        now,
      });
      authorities.set(`${baseUrl}/membership/join`, authority);
      return authority;
    },
    removeNode(did) {
      documents.delete(documentUrlOf(did));
    },
  };
}
