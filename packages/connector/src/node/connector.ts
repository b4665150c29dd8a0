/**
 * @module node/connector
 * What turns a keten server into a company node of a network: its identity (did:web, Ed25519 key),
 * its membership (it runs the network's membership authority, or holds a credential from it), the
 * authentication of every call from another node (signed request tokens, nonces kept in the store so
 * a replay is refused even after a restart), the outbox delivered over HTTP, and the node's public
 * endpoints (DID document, `/.well-known/dspace-version`, joining when it is the authority), plus its
 * owners' view of the audit trail and the outbox.
 *
 * The server (apps/server) mounts `extension` and uses `authenticator` for its `node` routes.
 */
import {
  type CommitOutcome,
  type ExchangeChanges,
  err,
  type KetenStore,
  type OutboxMessage,
  ok,
  type Result,
  verifyAuditChain,
} from '@keten/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AdmissionRule,
  createMembershipAuthority,
  JOIN_REFUSAL_STATUS,
  type MembershipAuthority,
} from '../identity/authority.ts';
import { didDocument, didDocumentPath } from '../identity/did.ts';
import { loadMembership } from '../identity/join.ts';
import { issueMembershipCredential } from '../identity/membership.ts';
import { type NodeIdentity, openNodeIdentity } from '../identity/node-identity.ts';
import type { ReplayGuard } from '../identity/replay-guard.ts';
import {
  AUTH_RETRY_AFTER_SECONDS,
  createRequestVerifier,
  type RequestVerifier,
  type VerifiedSender,
} from '../identity/request-auth.ts';
import { createDidResolver, type DidResolver } from '../identity/resolver.ts';
import {
  applyBatch,
  BATCH_PATH,
  BatchCredentials,
  type BatchMessage,
  type BatchRun,
  type HandledMessage,
  MAX_BATCH_BYTES,
  readBatch,
} from './batch.ts';
import type { ResolvedNodeConfig } from './config.ts';
import { type DeliveryOptions, OutboxDelivery } from './delivery.ts';
import { httpBatchSender, httpSender, MESSAGE_ID_HEADER } from './http-sender.ts';

/** The Dataspace Protocol versions this node speaks (DSP 2025-1, common/protocol-version-schema.json). */
export const DSPACE_VERSIONS = { protocolVersions: [{ version: '2025-1', path: '/dsp' }] } as const;

/** Why a node could not start: its identity, its membership, or its configuration. */
export interface ConnectorProblem {
  readonly reason: 'identity' | 'not-joined' | 'membership-expired' | 'configuration';
  readonly message: string;
}

export interface ConnectorOptions {
  readonly config: ResolvedNodeConfig;
  readonly store: KetenStore;
  /** The company's BPNL and name, when the configuration does not give them (from the network model). */
  readonly company: { readonly bpnl?: string | undefined; readonly name: string };
  readonly delivery?: Omit<DeliveryOptions, 'clock'>;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** A calling node, as the server's `request.principal.node` holds it. */
export interface CallingNode {
  readonly [claim: string]: unknown;
  readonly id: string;
  readonly did: string;
  readonly bpnl: string;
  readonly name: string;
  readonly network: string;
  readonly messageId?: string;
}

export interface Connector {
  readonly identity: NodeIdentity;
  readonly did: string;
  readonly network: string;
  /** The base URL of this node (its DID derives from it). */
  readonly url: string;
  readonly authority?: MembershipAuthority;
  readonly resolver: DidResolver;
  readonly delivery: OutboxDelivery;
  /** For the server's `node` routes. */
  readonly authenticator: {
    /**
     * The calling node, or why not; `retryAfterSeconds` when the token could not be checked right now
     * (the server answers 503 `unavailable` with `Retry-After` then, not 401).
     */
    authenticate(
      request: FastifyRequest,
    ): Promise<{ ok: true; value: CallingNode } | { ok: false; error: string; retryAfterSeconds?: number }>;
  };
  /** The node's routes; the server registers it as an extension. */
  extension(app: FastifyInstance): Promise<void>;
  /** The node's current membership credential. */
  credential(): string;
  /** Adds routes to the node's scope (under its base path, JSON bodies kept raw for the signatures). */
  addRoutes(register: (scope: FastifyInstance) => void | Promise<void>): void;
  /**
   * Lets a route take runs of a signed batch's messages at once (`node/batch.ts`): those whose path
   * it `takes`, handed to it with the batch's verified sender instead of one at a time.
   */
  addBatchRoute(route: NodeBatchRoute): void;
  /** Called with every delivered outbox message and the receiver's answer. */
  addDeliveryListener(listener: (message: OutboxMessage, answer: unknown) => Promise<void>): void;
  /** Commits to the exchange store and sends what it put in the outbox at once. */
  commit(changes: ExchangeChanges): Promise<CommitOutcome>;
  /** Starts delivering the outbox (what a restart left first). */
  start(): void;
  close(): Promise<void>;
}

/** A route that takes runs of a batch's messages at once (see `Connector.addBatchRoute`). */
export interface NodeBatchRoute {
  takes(path: string): boolean;
  /** Answers per message, in order, up to the first to be retried (see `BatchRun`). */
  handle(caller: CallingNode, messages: readonly BatchMessage[]): Promise<readonly HandledMessage[]>;
}

/**
 * Sets up a node from its configuration: identity (key made on first start), membership, request
 * verification and delivery. Fails with a problem a user can act on (e.g. "not joined: run keten node
 * join"), never by throwing for a bad configuration.
 */
export async function openConnector(options: ConnectorOptions): Promise<Result<Connector, ConnectorProblem>> {
  const { config, store } = options;
  const now = options.now ?? Date.now;
  const bpnl = config.bpn ?? options.company.bpnl;
  if (bpnl === undefined) {
    return err({
      reason: 'configuration',
      message: `${config.file}: the company ${config.company} has no BPNL: give \`bpn\` in the node configuration or in the network model`,
    });
  }
  const identity = await openNodeIdentity({
    baseUrl: config.publicUrl,
    dataDir: config.dataDir,
    bpnl,
    name: config.name ?? options.company.name,
  });
  if (!identity.ok) return err({ reason: 'identity', message: identity.error.message });
  const fetchFunction = options.fetch ?? fetch;
  const resolver = createDidResolver({ fetch: (url, init) => fetchFunction(url, init), now });
  const own = didDocument({
    did: identity.value.did,
    keys: identity.value.keys,
    dspEndpoint: `${config.publicUrl}/dsp/catalog`,
  });
  resolver.prime(identity.value.did, own);

  let credential: string;
  let network: string;
  let authorityDid: string;
  let authority: MembershipAuthority | undefined;
  const replayGuard = storeReplayGuard(store);
  if ('self' in config.authority) {
    network = config.authority.self.network;
    const admit = config.authority.self.admit;
    const admission: AdmissionRule =
      admit === 'open'
        ? { kind: 'open' }
        : { kind: 'listed', members: admit.map((member) => ({ bpnl: member })) };
    authority = createMembershipAuthority({
      identity: identity.value,
      network,
      admission,
      resolver,
      replayGuard,
      now,
    });
    authorityDid = identity.value.did;
    credential = await issueMembershipCredential({
      authority: identity.value,
      member: identity.value,
      network,
      now: now(),
    });
  } else {
    const membership = await loadMembership(config.dataDir);
    if (!membership.ok) {
      return err({
        reason: 'not-joined',
        message:
          membership.error.reason === 'missing'
            ? `this node has not joined a network yet: run \`keten node join --config ${config.file}\` (it asks the authority at ${config.authority.url})`
            : membership.error.message,
      });
    }
    if (Date.parse(membership.value.expiresAt) <= now()) {
      return err({
        reason: 'membership-expired',
        message: `the membership credential expired at ${membership.value.expiresAt}: run \`keten node join --config ${config.file}\` again`,
      });
    }
    credential = membership.value.credential;
    network = membership.value.network;
    authorityDid = membership.value.authority;
  }

  const verifier: RequestVerifier = createRequestVerifier({
    did: identity.value.did,
    resolver,
    trustedAuthorities: [authorityDid],
    network,
    replayGuard,
    now,
  });
  const listeners: ((message: OutboxMessage, answer: unknown) => Promise<void>)[] = [];
  const extraRoutes: ((scope: FastifyInstance) => void | Promise<void>)[] = [];
  const batchCredentials = new BatchCredentials<CallingNode>();
  const batchRoutes: NodeBatchRoute[] = [];
  const senderOptions = { identity: identity.value, credential: () => credential, fetch: fetchFunction };
  const delivery = new OutboxDelivery(store.exchange, httpSender(senderOptions), {
    sendBatch: httpBatchSender(senderOptions),
    ...options.delivery,
    clock: { now: () => new Date(now()) },
    onDelivered: async (message, answer) => {
      for (const listener of listeners) await listener(message, answer);
    },
  });

  const basePath = new URL(config.publicUrl).pathname.replace(/\/$/, '');
  const connector: Connector = {
    identity: identity.value,
    did: identity.value.did,
    network,
    url: config.publicUrl,
    ...(authority === undefined ? {} : { authority }),
    resolver,
    delivery,
    authenticator: {
      async authenticate(request) {
        const messageId = request.headers[MESSAGE_ID_HEADER];
        if (BatchCredentials.isBatchHeader(request.headers.authorization)) {
          // A message of a signed batch this node is applying (node/batch.ts): the batch was verified.
          const caller = batchCredentials.take(
            request.headers.authorization,
            typeof messageId === 'string' ? messageId : undefined,
          );
          return caller === undefined
            ? { ok: false, error: 'malformed: the batch credential is unknown, used or for another message' }
            : { ok: true, value: caller };
        }
        const sender = await verifier.verifyRequest({
          authorization: request.headers.authorization,
          method: request.method,
          path: request.url,
          body: rawBodyOf(request),
        });
        if (!sender.ok) {
          // A check that could not be made now is answered 503 with the code `unavailable`: the
          // reason is that code, not said again in the message ('unavailable: unavailable: …').
          if (sender.error.reason === 'unavailable')
            return { ok: false, error: sender.error.message, retryAfterSeconds: AUTH_RETRY_AFTER_SECONDS };
          return { ok: false, error: `${sender.error.reason}: ${sender.error.message}` };
        }
        return {
          ok: true,
          value: callingNode(sender.value, typeof messageId === 'string' ? messageId : undefined),
        };
      },
    },
    async extension(app) {
      await app.register(
        async (scope) => {
          registerRawJson(scope);
          scope.get(
            `/${didDocumentPathOf(config.publicUrl)}`,
            { config: { auth: { kind: 'public' } } },
            async () => own,
          );
          scope.get(
            '/.well-known/dspace-version',
            { config: { auth: { kind: 'public' } } },
            async () => DSPACE_VERSIONS,
          );
          if (authority !== undefined) {
            const running = authority;
            scope.post(
              '/membership/join',
              { config: { auth: { kind: 'public' } } },
              async (request, reply) => {
                const answer = await running.handleJoinRequest(request.body);
                if (answer.ok) return answer.value;
                return reply.code(JOIN_REFUSAL_STATUS[answer.error.reason]).send({
                  code: answer.error.reason,
                  message: answer.error.message,
                });
              },
            );
          }
          for (const register of extraRoutes) await register(scope);
          scope.post(
            BATCH_PATH,
            { config: { auth: { kind: 'node' } }, bodyLimit: MAX_BATCH_BYTES },
            async (request, reply) => {
              const batch = readBatch(request.body);
              if (!batch.ok) return reply.code(400).send({ code: 'invalid-batch', message: batch.error });
              const caller = callerOf(request);
              const runs = batchRoutes.map(
                (route): BatchRun => ({
                  takes: (message) => route.takes(message.path),
                  handle: (messages) => route.handle(caller, messages),
                }),
              );
              return applyBatch(
                batch.value,
                async (message): Promise<HandledMessage> => {
                  const credential = batchCredentials.issue({ ...caller, messageId: message.id }, message.id);
                  try {
                    const response = await app
                      .inject({
                        method: 'POST',
                        url: `${basePath}${message.path}`,
                        headers: {
                          authorization: credential.header,
                          'content-type': 'application/json',
                          [MESSAGE_ID_HEADER]: message.id,
                        },
                        payload: JSON.stringify(message.body ?? null),
                      })
                      .catch(() => undefined);
                    if (response === undefined) {
                      // The server is closing: the sender tries this message and the rest again later.
                      return {
                        status: 503,
                        body: { code: 'unavailable', message: 'the node is shutting down; try again' },
                      };
                    }
                    let body: unknown;
                    try {
                      body = response.body === '' ? undefined : JSON.parse(response.body);
                    } catch {
                      body = response.body;
                    }
                    return { status: response.statusCode, body };
                  } finally {
                    credential.revoke();
                  }
                },
                runs,
              );
            },
          );
          scope.get(
            '/api/v1/connector/audit',
            { config: { auth: { kind: 'user', role: 'admin' } } },
            async (request: FastifyRequest<{ Querystring: { after?: string; limit?: string } }>) => {
              const after = Number(request.query.after ?? 0);
              const limit = Number(request.query.limit ?? 1000);
              const entries = await store.exchange.readAudit({
                after: Number.isFinite(after) ? after : 0,
                limit: Number.isFinite(limit) ? limit : 1000,
              });
              const start = entries[0] === undefined ? undefined : entries[0].previousHash;
              const broken = verifyAuditChain(entries, start);
              return { entries, chain: broken === undefined ? 'intact' : broken };
            },
          );
          scope.get(
            '/api/v1/connector/outbox',
            { config: { auth: { kind: 'user', role: 'planner' } } },
            async (request: FastifyRequest<{ Querystring: { state?: string } }>, reply: FastifyReply) => {
              const state = request.query.state ?? 'pending';
              if (state !== 'pending' && state !== 'delivered' && state !== 'abandoned' && state !== 'all') {
                return reply.code(400).send({
                  code: 'invalid-input',
                  message: `state must be pending, delivered, abandoned or all, not ${JSON.stringify(state)}`,
                });
              }
              return { messages: await store.exchange.listMessages({ state }) };
            },
          );
        },
        { prefix: basePath },
      );
      if (basePath !== '') {
        // DSP 2025-1 §4.3: the version document is at the host's root too.
        await app.register(async (scope) => {
          scope.get(
            '/.well-known/dspace-version',
            { config: { auth: { kind: 'public' } } },
            async () => DSPACE_VERSIONS,
          );
        });
      }
    },
    credential: () => credential,
    addRoutes(register) {
      extraRoutes.push(register);
    },
    addBatchRoute(route) {
      batchRoutes.push(route);
    },
    addDeliveryListener(listener) {
      listeners.push(listener);
    },
    async commit(changes) {
      const outcome = await store.exchange.commit(changes);
      // Handed to the delivery as committed: sent at once, without reading it back.
      if (outcome.status === 'committed' && outcome.outbox.length > 0) delivery.offer(outcome.outbox);
      return outcome;
    },
    start() {
      delivery.start();
    },
    async close() {
      await delivery.stop();
    },
  };
  return ok(connector);
}

/** Request nonces kept in the node's store: a replay is refused even after a restart. */
export function storeReplayGuard(store: KetenStore): ReplayGuard {
  return {
    firstUse: (sender, id, _issuedAt, expiresAt) =>
      store.exchange.rememberNonce(`${sender} ${id}`, new Date(expiresAt * 1000).toISOString()),
  };
}

/** The node that sent a request to a `node` route (the server put it there). */
function callerOf(request: FastifyRequest): CallingNode {
  const principal = (request as { principal?: { kind: string; node?: unknown } }).principal;
  if (principal?.kind !== 'node') throw new Error('a node route ran without node authentication');
  return principal.node as CallingNode;
}

function callingNode(sender: VerifiedSender, messageId: string | undefined): CallingNode {
  return {
    id: sender.did,
    did: sender.did,
    bpnl: sender.bpnl,
    name: sender.name,
    network: sender.network,
    ...(messageId === undefined ? {} : { messageId }),
  };
}

/** The path of the node's DID document under its base URL (did:web: `.well-known/did.json` or `did.json`). */
function didDocumentPathOf(publicUrl: string): string {
  const path = didDocumentPath(publicUrl);
  const full = path.ok ? path.value : '/.well-known/did.json';
  const base = new URL(publicUrl).pathname.replace(/\/$/, '');
  return full.slice(base.length).replace(/^\//, '');
}

const RAW_BODY = Symbol('keten.rawBody');

/** JSON bodies are kept as received too: the request token signs the bytes, not the parsed value. */
function registerRawJson(scope: FastifyInstance): void {
  scope.removeContentTypeParser(['application/json']);
  scope.addContentTypeParser(
    ['application/json', 'application/ld+json'],
    { parseAs: 'string' },
    (request, body, done) => {
      (request as unknown as Record<symbol, string>)[RAW_BODY] = body as string;
      if ((body as string).length === 0) {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(body as string));
      } catch {
        const error = new Error('the body is not valid JSON') as Error & { statusCode: number; code: string };
        error.statusCode = 400;
        error.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
        done(error, undefined);
      }
    },
  );
}

function rawBodyOf(request: FastifyRequest): string {
  return (request as unknown as Record<symbol, string | undefined>)[RAW_BODY] ?? '';
}
