/**
 * @module auth/authenticate
 * Enforces each route's `AuthPolicy` (see `policy.ts`): reads the bearer token, finds it by its hash,
 * checks expiry, revocation and the user's state and role, and sets `request.principal`.
 */
import type { AccessStore, Clock } from '@keten/core';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import {
  type AuthPolicy,
  DEFAULT_POLICY,
  hasRole,
  type NodeAuthenticator,
  type UserPrincipal,
} from './policy.ts';
import type { TicketBook } from './tickets.ts';
import { hashToken, tokenId, tokenInfo, tokenMatches } from './tokens.ts';

/** `lastUsedAt` is written at most this often per token: a write per request would cost more than it tells. */
const TOUCH_INTERVAL_MS = 60_000;

export interface AuthenticationOptions {
  readonly access: AccessStore;
  readonly clock: Clock;
  readonly nodeAuthenticator?: NodeAuthenticator | undefined;
  /** Redeems `?ticket=` on routes whose policy accepts tickets (the live stream). */
  readonly tickets?: TicketBook | undefined;
}

export function policyOf(request: FastifyRequest): AuthPolicy {
  return request.routeOptions.config.auth ?? DEFAULT_POLICY;
}

/** Adds the hooks that enforce every route's policy. */
export function installAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const users = new UserAuthenticator(options.access, options.clock);

  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const policy = policyOf(request);
    if (policy.kind !== 'user') return;
    const ticket = (request.query as { ticket?: unknown } | undefined)?.ticket;
    const principal =
      policy.tickets === true &&
      options.tickets !== undefined &&
      request.headers.authorization === undefined &&
      typeof ticket === 'string'
        ? await options.tickets.redeem(ticket)
        : await users.authenticate(request.headers.authorization, request.log);
    if (typeof principal === 'string') {
      reply.header('www-authenticate', 'Bearer realm="keten"');
      throw new ApiError('unauthenticated', principal);
    }
    if (!hasRole(principal.role, policy.role)) {
      throw new ApiError(
        'forbidden',
        `this needs the ${policy.role} role; user '${principal.username}' is a ${principal.role}`,
      );
    }
    request.principal = principal;
  });

  app.addHook('preHandler', async (request) => {
    if (request.is404 || policyOf(request).kind !== 'node') return;
    if (options.nodeAuthenticator === undefined) {
      throw new ApiError('unavailable', 'this node does not accept calls from other nodes yet');
    }
    const outcome = await options.nodeAuthenticator.authenticate(request);
    if (!outcome.ok) {
      if (outcome.retryAfterSeconds !== undefined) {
        throw new ApiError('unavailable', outcome.error, {
          headers: { 'retry-after': String(Math.max(1, Math.round(outcome.retryAfterSeconds))) },
        });
      }
      throw new ApiError('unauthenticated', outcome.error);
    }
    request.principal = { kind: 'node', node: outcome.value };
  });
}

/** The user behind the request's bearer token, or why there is none (in words for the client). */
class UserAuthenticator {
  readonly #access: AccessStore;
  readonly #clock: Clock;
  readonly #touched = new Map<string, number>();

  constructor(access: AccessStore, clock: Clock) {
    this.#access = access;
    this.#clock = clock;
  }

  async authenticate(header: string | undefined, log: FastifyBaseLogger): Promise<UserPrincipal | string> {
    if (header === undefined || header === '') {
      return 'this needs authentication: send Authorization: Bearer <token>';
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) return 'the Authorization header must be Bearer <token>';
    if (tokenId(token) === undefined) return 'the bearer token is not a keten token (ktn_…)';
    const tokenHash = hashToken(token);
    const record = await this.#access.findTokenByHash(tokenHash);
    // One message for unknown and revoked tokens: a client learns nothing about other people's tokens.
    if (record === undefined || !tokenMatches(record, token, tokenHash) || record.revokedAt !== undefined) {
      return 'the token is unknown or revoked';
    }
    const now = this.#clock.now();
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) {
      return 'the token has expired';
    }
    const user = await this.#access.getUser(record.username);
    if (user === undefined || user.disabled) return 'the account of this token is disabled';
    this.#touch(record.id, now, log);
    return { kind: 'user', username: user.username, role: user.role, token: tokenInfo(record) };
  }

  #touch(id: string, now: Date, log: FastifyBaseLogger): void {
    const last = this.#touched.get(id);
    if (last !== undefined && now.getTime() - last < TOUCH_INTERVAL_MS) return;
    if (this.#touched.size > 10_000) this.#touched.clear();
    this.#touched.set(id, now.getTime());
    // Not awaited: recording use must not slow down or fail the request.
    this.#access.touchToken(id, now.toISOString()).catch((error: unknown) => {
      log.warn({ err: error, tokenId: id }, 'could not record token use');
    });
  }
}
