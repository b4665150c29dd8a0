/**
 * @module auth/policy
 * Who may call a route is declared on the route, as `config.auth`:
 *
 * - `{ kind: 'public' }`: anyone (health, the OpenAPI document, the docs page);
 * - `{ kind: 'user', role }`: a user of this node with at least `role` (viewer < planner < admin),
 *   authenticated by `Authorization: Bearer ktn_…`;
 * - `{ kind: 'node' }`: another company's keten node, authenticated by a `NodeAuthenticator` (signed
 *   messages of the Dataspace Protocol, added by the connector).
 *
 * A route that declares nothing needs a viewer: forgetting the policy fails closed, never open.
 * User authentication runs in `onRequest`, before the body is read, so an anonymous client cannot make
 * the server parse a large body; node authentication runs in `preHandler`, after parsing, because a
 * signature covers the message.
 */
import type { Role } from '@keten/core';
import type { FastifyRequest } from 'fastify';
import type { TokenInfo } from './tokens.ts';

export type AuthPolicy =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'user';
      readonly role: Role;
      /** Also accept a stream ticket (`?ticket=`) instead of the Authorization header (`auth/tickets.ts`). */
      readonly tickets?: boolean;
    }
  | { readonly kind: 'node' };

export const PUBLIC: AuthPolicy = { kind: 'public' };
export const NODE: AuthPolicy = { kind: 'node' };
export const requireRole = (role: Role): AuthPolicy => ({ kind: 'user', role });
/** The policy of a route that declares none. */
export const DEFAULT_POLICY: AuthPolicy = requireRole('viewer');

const RANK: Readonly<Record<Role, number>> = { viewer: 0, planner: 1, admin: 2 };

/** Whether `role` includes the rights of `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** A user of this node, authenticated by one of their tokens. */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly username: string;
  readonly role: Role;
  readonly token: TokenInfo;
}

/** Another company's node, as its authenticator identified it (e.g. by its DID). */
export interface NodeIdentity {
  readonly id: string;
  readonly [claim: string]: unknown;
}

export interface NodePrincipal {
  readonly kind: 'node';
  readonly node: NodeIdentity;
}

export type Principal = UserPrincipal | NodePrincipal;

/**
 * Authenticates a calling node, for routes with `{ kind: 'node' }`. Returns the node, or why it was
 * not accepted (answered as `unauthenticated`), or, with `retryAfterSeconds`, why it could not be
 * checked right now (answered as `unavailable` with `Retry-After`: e.g. the caller's DID document
 * could not be fetched in time). Provided by the connector; without one, node routes answer
 * `unavailable`.
 */
export interface NodeAuthenticator {
  authenticate(
    request: FastifyRequest,
  ): Promise<
    | { readonly ok: true; readonly value: NodeIdentity }
    | { readonly ok: false; readonly error: string; readonly retryAfterSeconds?: number }
  >;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; see `auth/policy.ts`. */
    auth?: AuthPolicy;
  }
  interface FastifyRequest {
    /** Who is calling, once authenticated; undefined on public routes. */
    principal?: Principal;
  }
}
